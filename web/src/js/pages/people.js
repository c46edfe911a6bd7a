// people: find a person in the token's subtree by name (any part of it) or employee number (its
// beginning) through intake.person_search, optionally within one unit; pages of 20; each hit
// links to the person's file. The query lives in the address (/people?q=王&org=S01&offset=20),
// so the back button and a shared link show the same results. An exact employee number that is
// the only hit opens the file directly.

import { h, clear, field, table } from '../dom.js';
import { t, enumText } from '../i18n.js';
import { call } from '../api.js';
import { errorBlock, need } from '../ui.js';

const OP = 'intake.person_search';
const PAGE = 20;

const FLAGS = [['leadership_team', 'f_leadership'], ['young_cadre', 'f_young'], ['reserve_pool', 'f_reserve']];

function flags(p) {
  const tags = FLAGS.filter(([k]) => p[k]).map(([, label]) => h('span', { class: 'tag' }, t(label)));
  if (p.fit_for_frontline === false) tags.push(h('span', { class: 'tag tag-warn' }, t('people_unfit')));
  return tags.length ? tags : '—';
}

export async function render(el, _params, ctx) {
  el.append(h('h1', {}, t('people_title')));
  if (!need(el.appendChild(h('div', {})), OP)) return;
  const params = new URLSearchParams(location.search);
  const q = h('input', { type: 'search', name: 'query', id: 'people-q', autocomplete: 'off', required: true, maxlength: 64, value: params.get('q') || '' });
  const org = h('input', { type: 'text', name: 'org_code', id: 'people-org', autocomplete: 'off', maxlength: 32, pattern: '[A-Za-z0-9_.\\-]{1,32}', spellcheck: 'false', value: params.get('org') || '' });
  const results = h('div', { class: 'results', id: 'people-results', 'aria-live': 'polite' });
  const form = h('form', { class: 'card form inline search', role: 'search', id: 'people-search', novalidate: true },
    field(t('people_query'), q, t('people_search_hint')),
    field(t('people_org'), org, t('people_org_hint')),
    h('button', { type: 'submit', class: 'primary' }, t('search')));

  let seq = 0;
  async function search(offset, { open = false } = {}) {
    const query = q.value.trim();
    const orgCode = org.value.trim();
    clear(results);
    results.removeAttribute('data-results');
    if (!query) { q.focus(); return; }
    const url = new URLSearchParams({ q: query });
    if (orgCode) url.set('org', orgCode);
    if (offset) url.set('offset', String(offset));
    history.replaceState({}, '', `/people?${url}`);
    const mine = ++seq;
    results.setAttribute('aria-busy', 'true');
    let reply;
    try {
      reply = await call(OP, { query, org_code: orgCode, limit: PAGE, offset });
    } catch (e) {
      if (mine !== seq) return;
      results.removeAttribute('aria-busy');
      results.append(errorBlock(e));
      return;
    }
    if (mine !== seq) return;
    results.removeAttribute('aria-busy');
    const people = reply.people || [];
    if (open && offset === 0 && people.length === 1 && people[0].employee_no.toLowerCase() === query.toLowerCase()) {
      ctx.navigate(`/people/${encodeURIComponent(people[0].employee_no)}`);
      return;
    }
    results.setAttribute('data-results', String(people.length));
    if (people.length) {
      results.append(h('p', { class: 'figures', id: 'people-range' },
        t('people_range', { from: offset + 1, to: offset + people.length })));
    }
    results.append(table(t('people_results'), [
      { title: t('p_employee_no'), get: (p) => h('a', { href: `/people/${encodeURIComponent(p.employee_no)}`, 'data-emp': p.employee_no }, p.employee_no) },
      { title: t('p_name'), get: (p) => p.name },
      { title: t('p_org'), get: (p) => `${p.org_name || ''}（${p.org_code}）` },
      { title: t('p_health'), get: (p) => h('span', { 'data-health': p.health_status || '' }, enumText('health', p.health_status)) },
      { title: t('p_party'), get: (p) => enumText('party', p.party_status) },
      { title: t('p_cadre'), get: (p) => enumText('cadre', p.cadre_level) },
      { title: t('p_flags'), get: flags },
    ], people, t('people_none')));
    if (offset > 0 || reply.more) {
      const prev = h('button', { type: 'button', name: 'prev', disabled: offset === 0 }, t('prev_page'));
      const next = h('button', { type: 'button', name: 'next', disabled: !reply.more }, t('next_page'));
      prev.addEventListener('click', () => search(Math.max(0, offset - PAGE)));
      next.addEventListener('click', () => search(offset + PAGE));
      results.append(h('nav', { class: 'buttons pager', 'aria-label': t('people_pages') }, prev, next));
    }
  }

  form.addEventListener('submit', (ev) => { ev.preventDefault(); search(0, { open: true }); });
  el.append(form, results);
  if (q.value) await search(Math.max(0, Number(params.get('offset')) || 0));
}
