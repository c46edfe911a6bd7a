// roster: the current roster of a unit (optionally one post) or of a person over a horizon,
// from rotation.roster_show, as a calendar. A unit: one row per post and shift, one column per
// day, the people on it; a person: weeks of seven days, their shifts and leave. Uncovered
// shifts (with rotation's reason) and forced rests are highlighted. Every cell explains itself
// on click or Enter: a person's day through rotation.roster_explain (the rule checks and
// rotation's text), an uncovered shift by its reason. Arrow keys move between cells.
//
// Forced rest: roster_show's forced_rests list the rests of the people shown with the shown
// days each touches (rotation works those out in Asia/Shanghai), the metric and threshold
// that caused it and until when. Those days are marked from that list alone: a unit's calendar
// gets a row per person sent to rest, a person's calendar its days; a person on a shift that
// day carries a badge; the explanation of such a day says why and until when.

import { h, clear, field, fmtDay, fmtTime } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { call, allowed } from '../api.js';
import { errorBlock, need } from '../ui.js';

export const OPS = ['rotation.roster_show', 'rotation.roster_explain'];
const MAX_DAYS = 92;

const hmFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
const hm = (us) => hmFmt.format(new Date(Number(us) / 1000));
const span = (x) => `${hm(x.start_us)}–${hm(x.end_us)}`;

// "2026-11-23" + n days, by calendar arithmetic in UTC (dates carry no time zone).
function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
function weekday(date) { // 0 = Monday
  const [y, m, d] = date.split('-').map(Number);
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}
const WEEKDAYS = { zh: ['一', '二', '三', '四', '五', '六', '日'], en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] };
const dayLabel = (date) => `${date.slice(5)} ${WEEKDAYS[getLang() === 'en' ? 'en' : 'zh'][weekday(date)]}`;

// Forced rests (roster_show's forced_rests): the rests of one person on one shown day, and
// what caused one, in words. Minutes are shown as hours; rest_minutes is a minimum, the other
// metrics are maxima.
const restsOn = (rests, employee, date) => rests.filter((f) => f.employee_no === employee && (f.dates || []).includes(date));
const HOURS = new Set(['minutes_day', 'minutes_7d', 'rest_minutes']);
const amount = (metric, v) => (HOURS.has(metric)
  ? t('roster_hours', { n: (Number(v || 0) / 60).toFixed(1) }) : t('roster_days_n', { n: Number(v || 0) }));
function restWhy(f) {
  const key = `roster_m_${f.metric}`;
  const metric = t(key) === key ? f.metric : t(key);
  return t(f.metric === 'rest_minutes' ? 'roster_rest_why_min' : 'roster_rest_why',
    { metric, value: amount(f.metric, f.value), limit: amount(f.metric, f.limit) });
}
const restPeriod = (f) => `${t('roster_rest_period', { from: fmtTime(f.from_us, getLang()), until: fmtTime(f.until_us, getLang()) })}`
  + ` · ${f.in_force ? t('roster_rest_in_force') : t('roster_rest_not_in_force')}`;
// The explanation's lines for a day of forced rest: period, state and cause of each rest.
const restLines = (list) => list.map((f) => h('p', { class: 'explain-text cell-rest', 'data-explain': 'rest', 'data-metric': f.metric },
  `${restPeriod(f)}${t('roster_rest_cause')}${restWhy(f)}`));

// Moves the focus between the calendar's cells with the arrow keys (Home/End: first/last of row).
function gridKeys(grid) {
  grid.addEventListener('keydown', (ev) => {
    const cell = ev.target.closest('[data-cell]');
    if (!cell) return;
    const r = Number(cell.dataset.row), c = Number(cell.dataset.col);
    const go = { ArrowLeft: [r, c - 1], ArrowRight: [r, c + 1], ArrowUp: [r - 1, c], ArrowDown: [r + 1, c] }[ev.key]
      || (ev.key === 'Home' ? [r, 0] : ev.key === 'End' ? [r, 1e6] : null);
    if (!go) return;
    const cells = [...grid.querySelectorAll('[data-cell]')];
    let target = cells.find((x) => Number(x.dataset.row) === go[0] && Number(x.dataset.col) === go[1]);
    if (ev.key === 'End') target = cells.filter((x) => Number(x.dataset.row) === r).pop();
    if (target) { ev.preventDefault(); target.focus(); }
  });
}

export async function render(el, _params, ctx) {
  el.append(h('h1', {}, t('roster_title')));
  const holder = el.appendChild(h('div', {}));
  if (!need(holder, OPS[0])) return;
  const role = ctx.who && ctx.who.role;
  const canExplain = allowed(OPS[1], role);
  const params = new URLSearchParams(location.search);
  const today = fmtDay(Date.now() * 1000);

  const byPerson = !!params.get('emp');
  const mode = (value, label) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'mode', value, checked: (value === 'person') === byPerson }), ' ', label);
  const org = h('input', { type: 'text', name: 'org_code', id: 'roster-org', autocomplete: 'off', maxlength: 32, spellcheck: 'false', value: params.get('org') || (ctx.who && ctx.who.org_scope) || '' });
  const post = h('input', { type: 'text', name: 'post_code', id: 'roster-post', autocomplete: 'off', maxlength: 32, spellcheck: 'false', value: params.get('post') || '' });
  const emp = h('input', { type: 'text', name: 'employee_no', id: 'roster-emp', autocomplete: 'off', maxlength: 32, spellcheck: 'false', value: params.get('emp') || '' });
  const from = h('input', { type: 'date', name: 'from_date', id: 'roster-from', required: true, value: params.get('from') || today });
  const days = h('input', { type: 'number', name: 'days', id: 'roster-days', min: 1, max: MAX_DAYS, step: 1, required: true, value: params.get('days') || '14' });
  const orgFields = h('div', { class: 'mode-fields', 'data-mode': 'org' }, field(t('roster_org'), org, t('roster_org_hint')), field(t('roster_post'), post, t('roster_post_hint')));
  const empFields = h('div', { class: 'mode-fields', 'data-mode': 'person' }, field(t('roster_person'), emp));
  const err = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'card form', id: 'roster-form', novalidate: true },
    h('fieldset', { class: 'modes' }, h('legend', {}, t('roster_of')), mode('org', t('roster_mode_org')), ' ', mode('person', t('roster_mode_person'))),
    orgFields, empFields,
    h('div', { class: 'form inline' }, field(t('roster_from'), from), field(t('roster_days'), days)),
    err,
    h('button', { type: 'submit', class: 'primary' }, t('roster_show')));
  const legend = h('p', { class: 'legend', id: 'roster-legend' }, `${t('roster_legend')}：`,
    h('span', { class: 'cell-uncovered' }, t('roster_uncovered')), ' ',
    h('span', { class: 'cell-rest' }, t('roster_rest')), ' ',
    h('span', { class: 'cell-leave' }, t('roster_leave')), ' ',
    h('span', { class: 'cell-replaced' }, t('roster_replaced')),
    canExplain ? ` · ${t('roster_keys')}` : ` · ${t('roster_no_explain')}`);
  const out = h('div', { class: 'roster-out', id: 'roster-out', 'aria-live': 'polite' });
  const explainBox = h('section', { class: 'card explain', id: 'roster-explain', 'aria-live': 'polite', tabindex: '-1', hidden: true });

  const setMode = () => {
    const person = form.querySelector('input[name=mode]:checked').value === 'person';
    orgFields.hidden = person;
    empFields.hidden = !person;
  };
  form.addEventListener('change', (ev) => { if (ev.target.name === 'mode') setMode(); });
  setMode();

  // A person's day: their forced rest that day (if any, from roster_show), then rotation's
  // explanation when the role may ask for it.
  async function explainPerson(employee, name, date, rests) {
    explainBox.hidden = false;
    const title = h('h2', {}, `${t('roster_explain')}：${name || ''} ${employee} · ${date}`);
    if (!canExplain) {
      clear(explainBox).append(title, ...restLines(rests));
      explainBox.scrollIntoView({ block: 'nearest' });
      return;
    }
    clear(explainBox).append(title, ...restLines(rests), h('p', { class: 'loading' }, t('loading')));
    try {
      const r = await call(OPS[1], { employee_no: employee, date });
      clear(explainBox).append(
        h('h2', {}, `${t('roster_explain')}：${name || ''} ${employee} · ${date}`),
        ...restLines(rests),
        h('p', { class: 'figures' }, r.assigned_shift ? `${t('roster_assigned')} ${r.assigned_shift}` : t('roster_not_assigned'),
          ` · ${t('roster_version')} ${r.version || 0}.${r.revision || 0}`),
        h('p', { class: 'explain-text', 'data-explain': 'text' }, r.text || '—'),
        (r.checks || []).length ? h('div', { class: 'table-wrap' }, h('table', {},
          h('caption', {}, t('roster_checks')),
          h('thead', {}, h('tr', {}, [t('roster_rule'), t('roster_ok'), t('roster_value'), t('roster_limit')].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', {}, r.checks.map((c) => h('tr', { 'data-ok': c.ok ? 'true' : 'false' },
            h('td', {}, getLang() === 'en' ? `${c.rule} (${c.title})` : c.title || c.rule),
            h('td', { class: c.ok ? 'ok' : 'bad' }, c.ok ? '✓' : '✗'),
            h('td', { class: 'num' }, String(c.value ?? 0)),
            h('td', { class: 'num' }, String(c.limit ?? 0))))))) : '');
    } catch (e) {
      clear(explainBox).append(h('h2', {}, `${t('roster_explain')}：${employee} · ${date}`), ...restLines(rests), errorBlock(e));
    }
    explainBox.scrollIntoView({ block: 'nearest' });
  }

  function explainUncovered(u) {
    explainBox.hidden = false;
    clear(explainBox).append(
      h('h2', {}, `${t('roster_uncovered')}：${u.post_code} ${u.shift_id} · ${u.date}`),
      h('p', { class: 'figures' }, `${span(u)} · ${t('roster_missing', { n: u.missing || 0 })} · ${u.reason || ''}`),
      h('p', { class: 'explain-text', 'data-explain': 'text' }, u.text || u.reason || '—'));
    explainBox.scrollIntoView({ block: 'nearest' });
  }

  // A cell of the calendar: a button when it explains something, else plain text.
  // extra: data-* attributes and an optional extra class ('cls').
  const cellBtn = (row, col, { cls, ...extra }, content, onExplain) => (onExplain
    ? h('button', { type: 'button', ...extra, class: `cell-btn${cls ? ` ${cls}` : ''}`, 'data-cell': '', 'data-row': row, 'data-col': col, on: { click: onExplain } }, content)
    : h('div', { ...extra, class: `cell-text${cls ? ` ${cls}` : ''}` }, content));

  // One uncovered entry per post, shift and day: rotation may list each missing place apart.
  const merged = (gaps) => (gaps.length < 2 ? gaps : [{ ...gaps[0],
    missing: gaps.reduce((n, u) => n + (u.missing || 0), 0),
    reason: [...new Set(gaps.map((u) => u.reason).filter(Boolean))].join(', '),
    text: [...new Set(gaps.map((u) => u.text || u.reason).filter(Boolean))].join('\n') }]);

  // The forced rests shown under the summary: who, when, whether in force, why.
  function restList(rests) {
    if (!rests.length) return null;
    return h('section', { class: 'rests', id: 'roster-rests', 'aria-label': t('roster_rest') },
      h('p', { class: 'legend' }, h('span', { class: 'cell-rest' }, t('roster_rest')), ` ${t('roster_rest_list')}`),
      h('ul', {}, rests.map((f) => h('li', { 'data-emp': f.employee_no, 'data-order': f.order_id, 'data-in-force': f.in_force ? 'true' : 'false' },
        `${f.name || ''} ${f.employee_no}：${restPeriod(f)}${t('roster_rest_cause')}${restWhy(f)}`))));
  }

  function orgCalendar(reply, dates, postFilter) {
    const entries = (reply.entries || []).filter((e) => !postFilter || e.post_code === postFilter);
    const uncovered = (reply.uncovered || []).filter((u) => !postFilter || u.post_code === postFilter);
    const rests = (reply.forced_rests || []).filter((f) => !postFilter || (f.post_codes || []).includes(postFilter));
    const rows = new Map(); // "post|shift" → {post_code, post_name, shift_id, start_us, end_us}
    for (const x of [...entries, ...uncovered]) {
      const k = `${x.post_code}|${x.shift_id}`;
      if (!rows.has(k)) rows.set(k, { post_code: x.post_code, post_name: x.post_name || '', shift_id: x.shift_id, time: span(x) });
      else if (x.post_name && !rows.get(k).post_name) rows.get(k).post_name = x.post_name;
    }
    const keys = [...rows.keys()].sort();
    const resting = [...new Map(rests.map((f) => [f.employee_no, f.name || ''])).entries()]; // [employee, name], in order
    if (!keys.length && !resting.length) return h('p', { class: 'empty', 'data-roster': 'empty' }, t('roster_empty'));
    const at = (list, k, d) => list.filter((x) => `${x.post_code}|${x.shift_id}` === k && x.date === d);
    const grid = h('table', { class: 'roster-grid', 'data-roster': 'org' },
      h('caption', {}, t('roster_caption_org', { org: org.value.trim(), from: dates[0], to: dates[dates.length - 1] })),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('c_post')), dates.map((d) => h('th', { scope: 'col', 'data-date': d }, dayLabel(d))))),
      h('tbody', {}, keys.map((k, r) => {
        const row = rows.get(k);
        return h('tr', {}, h('th', { scope: 'row' }, `${row.post_name} ${row.post_code}`, h('br', {}), h('small', {}, `${row.shift_id} ${row.time}`)),
          dates.map((d, c) => {
            const people = at(entries, k, d);
            const gaps = merged(at(uncovered, k, d));
            return h('td', { class: gaps.length ? 'cell-uncovered' : null, 'data-date': d, 'data-uncovered': gaps.length ? 'true' : null },
              people.map((e) => {
                const mine = restsOn(rests, e.employee_no, d);
                return cellBtn(r, c, { 'data-emp': e.employee_no, 'data-date': d, 'data-rest': mine.length ? 'true' : null, cls: e.note ? 'cell-replaced' : '', title: e.note || null },
                  [e.name || e.employee_no, e.note ? h('small', {}, ` ${e.note}`) : null, mine.length ? [' ', h('small', { class: 'cell-rest' }, t('roster_rest'))] : null],
                  canExplain || mine.length ? () => explainPerson(e.employee_no, e.name, d, mine) : null);
              }),
              gaps.map((u) => cellBtn(r, c, { 'data-gap': u.shift_id, 'data-date': d }, t('roster_missing', { n: u.missing || 0 }), () => explainUncovered(u))));
          }));
      }),
      // a row per person sent to rest: their days of forced rest, each explained
      resting.map(([employee, name], i) => h('tr', { 'data-rest-of': employee },
        h('th', { scope: 'row' }, `${name} ${employee}`.trim(), h('br', {}), h('small', {}, t('roster_rest'))),
        dates.map((d, c) => {
          const mine = restsOn(rests, employee, d);
          if (!mine.length) return h('td', { 'data-date': d });
          const ends = mine.find((f) => fmtDay(f.until_us - 1) === d);
          return h('td', { class: 'cell-rest', 'data-date': d, 'data-rest': 'true' },
            cellBtn(keys.length + i, c, { 'data-emp': employee, 'data-date': d, 'data-rest': 'true' },
              [t('roster_rest'), ends ? h('small', {}, ` ${t('roster_rest_until', { until: hm(ends.until_us) })}`) : null],
              () => explainPerson(employee, name, d, mine)));
        })))));
    gridKeys(grid);
    return h('div', { class: 'table-wrap' }, grid);
  }

  function personCalendar(reply, dates, employee) {
    const entries = reply.entries || [];
    const rests = (reply.forced_rests || []).filter((f) => f.employee_no === employee);
    const leave = new Set((reply.leave || []).map((l) => l.date));
    const name = (entries[0] && entries[0].name) || ((reply.leave || [])[0] || {}).name || (rests[0] || {}).name || '';
    const weeks = [];
    const pad = weekday(dates[0]);
    const cells = [...Array(pad).fill(null), ...dates];
    while (cells.length % 7) cells.push(null);
    for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
    const wd = WEEKDAYS[getLang() === 'en' ? 'en' : 'zh'];
    const grid = h('table', { class: 'roster-grid roster-person', 'data-roster': 'person' },
      h('caption', {}, t('roster_caption_person', { who: `${name} ${employee}`.trim(), from: dates[0], to: dates[dates.length - 1] })),
      h('thead', {}, h('tr', {}, wd.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, weeks.map((week, r) => h('tr', {}, week.map((d, c) => {
        if (!d) return h('td', { class: 'cell-out' });
        const mine = entries.filter((e) => e.date === d);
        const restsThen = restsOn(rests, employee, d);
        const isRest = restsThen.length > 0;
        const isLeave = leave.has(d);
        const cls = [isRest ? 'cell-rest' : '', isLeave ? 'cell-leave' : ''].filter(Boolean).join(' ');
        const ends = restsThen.find((f) => fmtDay(f.until_us - 1) === d);
        const content = [h('span', { class: 'day' }, d.slice(5)),
          mine.length ? mine.map((e) => h('span', { class: 'shift' }, `${e.post_name || e.post_code} ${span(e)}`, e.note ? h('small', {}, ` ${e.note}`) : null))
            : h('span', { class: 'off' }, isRest ? t('roster_rest') : isLeave ? t('roster_leave') : t('roster_off')),
          isRest && mine.length ? h('small', { class: 'cell-rest' }, t('roster_rest')) : null,
          ends ? h('small', {}, ` ${t('roster_rest_until', { until: hm(ends.until_us) })}`) : null];
        return h('td', { class: cls || null, 'data-date': d, 'data-rest': isRest ? 'true' : null, 'data-leave': isLeave ? 'true' : null },
          cellBtn(r, c, { 'data-emp': employee, 'data-date': d, 'data-rest': isRest ? 'true' : null }, content,
            canExplain || isRest ? () => explainPerson(employee, name, d, restsThen) : null));
      })))));
    gridKeys(grid);
    return h('div', { class: 'table-wrap' }, grid);
  }

  async function show() {
    clear(out);
    explainBox.hidden = true;
    err.hidden = true;
    const person = form.querySelector('input[name=mode]:checked').value === 'person';
    const n = Number(days.value);
    const start = from.value;
    const bad = (input, msg) => { err.hidden = false; clear(err).append(h('p', {}, `${input.name}：${msg}`)); input.setAttribute('aria-invalid', 'true'); input.focus(); };
    for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) return bad(from, t('roster_bad_date'));
    if (!Number.isInteger(n) || n < 1 || n > MAX_DAYS) return bad(days, t('roster_bad_days', { max: MAX_DAYS }));
    const target = (person ? emp : org).value.trim();
    if (!target) return bad(person ? emp : org, t('required'));
    const url = new URLSearchParams(person ? { emp: target } : { org: target });
    if (!person && post.value.trim()) url.set('post', post.value.trim());
    url.set('from', start);
    url.set('days', String(n));
    history.replaceState({}, '', `/roster?${url}`);
    out.setAttribute('aria-busy', 'true');
    const dates = Array.from({ length: n }, (_, i) => addDays(start, i));
    try {
      const reply = await call(OPS[0], person ? { employee_no: target, from_date: start, days: n } : { org_code: target, from_date: start, days: n });
      clear(out);
      if (reply.truncated) out.append(h('p', { class: 'warn' }, t('roster_truncated')));
      const unc = (reply.uncovered || []).length;
      const postFilter = person ? '' : post.value.trim();
      const rests = (reply.forced_rests || []).filter((f) => (person ? f.employee_no === target : !postFilter || (f.post_codes || []).includes(postFilter)));
      out.append(h('p', { class: 'figures', id: 'roster-summary' }, t('roster_summary', { shifts: (reply.entries || []).length, uncovered: unc, leave: (reply.leave || []).length })));
      const restsEl = restList(rests);
      if (restsEl) out.append(restsEl);
      out.append(person ? personCalendar(reply, dates, target) : orgCalendar(reply, dates, postFilter));
      out.setAttribute('data-loaded', 'true');
    } catch (e) {
      clear(out).append(errorBlock(e));
    }
    out.removeAttribute('aria-busy');
  }

  form.addEventListener('submit', (ev) => { ev.preventDefault(); show(); });
  clear(holder).append(form, legend, out, explainBox);
  if (params.get('org') || params.get('emp')) await show();
}
