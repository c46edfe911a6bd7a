// village: the village first secretaries (驻村第一书记, 002 §12) of the caller's subtree, or of a
// unit inside it — who is on assignment, who is overdue to return (planned return passed, not
// returned; highlighted) and who has returned, newest first, paged, each linking to the person's
// file. intake.village_list decides the scope and what is overdue; this page only shows.

import { h, clear, table, fmtTime } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { call, has } from '../api.js';
import { errorBlock, unavailable } from '../ui.js';
import { field, text, choose } from '../formkit.js';

const PAGE = 50;
const STATES = ['all', 'on_assignment', 'overdue', 'returned'];
const tm = (us) => (Number(us) ? fmtTime(us, getLang()) : '—');

export async function render(el, _params, ctx) {
  const role = ctx.who && ctx.who.role;
  el.append(h('h1', {}, t('vl_title')));
  if (!has('intake.village_list')) { el.append(unavailable('intake.village_list')); return; }
  const params = new URLSearchParams(location.search);
  const orgIn = text('org_code', { value: params.get('org') || '', placeholder: t('vl_org_all') });
  const stateIn = choose('state', STATES.map((s) => [s, t(`vl_state_${s}`)]));
  stateIn.value = STATES.includes(params.get('state')) ? params.get('state') : 'all';
  const pick = h('form', { class: 'form inline', id: 'vl-filter' },
    field(t('vl_org'), orgIn), field(t('vl_state'), stateIn), h('button', { type: 'submit' }, t('vl_show')));
  const body = h('div', { id: 'vl-list' });
  el.append(pick, h('section', { class: 'card' }, body));
  let offset = 0;

  // the person's file for the roles that may open it; the employee number alone for the rest
  const person = (a) => (role === 'viewer' ? a.employee_no
    : h('a', { href: `/people/${encodeURIComponent(a.employee_no)}`, 'data-emp': a.employee_no }, a.employee_no));
  const stateOf = (x) => {
    const a = x.assignment || {};
    if (Number(a.returned_us)) return h('span', { 'data-state': 'returned' }, `${t('vl_state_returned')} ${tm(a.returned_us)}`);
    if (x.overdue) return h('span', { class: 'bad', 'data-state': 'overdue' }, t('vl_state_overdue'));
    return h('span', { 'data-state': 'on_assignment' }, t('vl_state_on_assignment'));
  };

  const load = async () => {
    clear(body);
    try {
      const r = await call('intake.village_list', { org_code: orgIn.value.trim(), state: stateIn.value, limit: PAGE, offset });
      const items = r.items || [];
      const total = Number(r.total || 0);
      body.append(h('p', { id: 'vl-total' }, t('vl_total', { n: total })));
      body.append(table(null, [
        { title: t('c_person'), get: (x) => person(x.assignment || {}) },
        { title: t('vl_name'), get: (x) => x.name },
        { title: t('c_unit'), get: (x) => `${(x.assignment || {}).org_code || ''} ${x.org_name || ''}` },
        { title: t('vl_village'), get: (x) => [(x.assignment || {}).township, (x.assignment || {}).village].filter(Boolean).join(' ') },
        { title: t('vl_start'), get: (x) => tm((x.assignment || {}).start_us) },
        { title: t('vl_planned'), get: (x) => tm((x.assignment || {}).planned_return_us) },
        { title: t('c_state'), get: stateOf },
      ], items, t('vl_none')));
      for (const s of body.querySelectorAll('[data-state="overdue"]')) s.closest('tr').classList.add('row-overdue');
      const nav = h('div', { class: 'pager' });
      if (offset > 0) {
        const prev = h('button', { type: 'button', id: 'vl-prev' }, t('vl_prev'));
        prev.addEventListener('click', () => { offset = Math.max(0, offset - PAGE); load(); });
        nav.append(prev);
      }
      if (offset + items.length < total) {
        const next = h('button', { type: 'button', id: 'vl-next' }, t('vl_next'));
        next.addEventListener('click', () => { offset += PAGE; load(); });
        nav.append(next);
      }
      if (nav.childElementCount) body.append(nav);
    } catch (e) { body.append(errorBlock(e)); }
  };

  pick.addEventListener('submit', (ev) => {
    ev.preventDefault();
    offset = 0;
    const q = new URLSearchParams();
    if (orgIn.value.trim()) q.set('org', orgIn.value.trim());
    if (stateIn.value !== 'all') q.set('state', stateIn.value);
    history.replaceState({}, '', `/village${q.toString() ? `?${q}` : ''}`);
    load();
  });
  await load();
}
