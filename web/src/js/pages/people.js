// people: find a person in the token's subtree — by employee number straight to the person's
// file, by name through intake.person_search when the gateway offers it.

import { h, clear, field, table } from '../dom.js';
import { t, enumText } from '../i18n.js';
import { call, has } from '../api.js';
import { errorBlock } from '../ui.js';

const EMPNO = /^[A-Za-z0-9_.-]{1,32}$/;

export async function render(el, _params, ctx) {
  const q = h('input', { type: 'search', name: 'q', id: 'people-q', autocomplete: 'off', required: true });
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const form = h('form', { class: 'card form search', role: 'search', id: 'people-search' },
    field(t('people_query'), q, t('people_search_hint')),
    h('button', { type: 'submit', class: 'primary' }, t('search')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const query = q.value.trim();
    clear(results);
    if (!query) return q.focus();
    if (!has('intake.person_search')) {
      if (EMPNO.test(query)) return ctx.navigate(`/people/${encodeURIComponent(query)}`);
      results.append(h('p', { class: 'state', 'data-state': 'unavailable' }, t('people_search_unavailable')));
      return;
    }
    try {
      const reply = await call('intake.person_search', { query, limit: 50 });
      const people = reply.people || [];
      results.append(table(t('people_results'), [
        { title: t('p_employee_no'), get: (p) => h('a', { href: `/people/${encodeURIComponent(p.employee_no)}` }, p.employee_no) },
        { title: t('p_name'), get: (p) => p.name },
        { title: t('p_org'), get: (p) => p.org_code },
        { title: t('p_health'), get: (p) => enumText('health', p.health_status) },
      ], people, t('none')));
    } catch (e) {
      results.append(errorBlock(e));
    }
  });
  el.append(h('h1', {}, t('people_title')), form, results);
  if (!has('intake.person_search')) results.append(h('p', { class: 'hint' }, t('people_search_unavailable')));
}
