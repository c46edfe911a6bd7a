// dom: the one way the console builds HTML. Text always goes in as text nodes (textContent),
// never as markup, so a name, a note or a server message can never become HTML or script.
// Also the display formats: money in fen, times in Asia/Shanghai, durations in minutes.

const SAFE_ATTR = /^(id|class|href|type|name|value|for|role|tabindex|title|lang|min|max|step|pattern|placeholder|required|disabled|checked|selected|readonly|multiple|accept|novalidate|autocomplete|inputmode|spellcheck|maxlength|rows|cols|scope|colspan|hidden|download|rel|target|open|datetime|aria-[a-z-]+|data-[a-z-]+)$/;

// h('tag', {attrs, on: {event: fn}}, ...children): children are nodes, strings (as text),
// numbers, arrays of those, or null/false (skipped).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'href' && typeof v === 'string' && /^\s*(javascript|data|vbscript):/i.test(v)) {
      throw new Error('unsafe href');
    } else if (SAFE_ATTR.test(k)) {
      el.setAttribute(k, v === true ? '' : String(v));
    } else {
      throw new Error(`attribute ${k} is not allowed`);
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A labelled form field: every input has a <label for>.
let fieldSeq = 0;
export function field(label, input, hint) {
  const id = input.id || `f${++fieldSeq}`;
  input.id = id;
  const hintEl = hint ? h('small', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field', 'data-field': input.name || '' },
    h('label', { for: id }, label), input, hintEl,
    h('small', { class: 'field-error', id: `${id}-error`, role: 'alert' }));
}

const tz = 'Asia/Shanghai';
const dtFmt = {
  zh: new Intl.DateTimeFormat('zh-CN', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }),
};
const dFmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });

// UTC microseconds → "2026-11-20 08:30" in Asia/Shanghai; "—" for 0.
export function fmtTime(us, lang = 'zh') {
  const n = Number(us || 0);
  if (!n) return '—';
  return dtFmt[lang === 'en' ? 'en' : 'zh'].format(new Date(n / 1000));
}

export function fmtDay(us) {
  return dFmt.format(new Date(Number(us) / 1000));
}

// Integer fen → "¥1,234.56" by integer arithmetic (no float ever touches the amount).
export function fmtFen(fen) {
  let v = BigInt(fen || 0);
  const neg = v < 0n;
  if (neg) v = -v;
  const yuan = (v / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (v % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}¥${yuan}.${cents}`;
}

// "1234.5" or "1234.50" yuan → fen as an integer, or null when it is not an amount.
export function parseYuan(text) {
  const m = /^\s*(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(String(text));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '0').padEnd(2, '0'));
}

export function fmtMinutes(min) {
  const m = Number(min || 0);
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
}

// A <input type="datetime-local"> value, read as Asia/Shanghai wall time → UTC microseconds.
export function localToUs(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value || '');
  if (!m) return 0;
  const utcMs = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4] - 8, +m[5]);
  return utcMs * 1000;
}

// The current ISO week in Asia/Shanghai ("2026-W47").
export function isoWeek(date = new Date()) {
  const sh = new Date(date.getTime() + 8 * 3600e3);
  const d = new Date(Date.UTC(sh.getUTCFullYear(), sh.getUTCMonth(), sh.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const y0 = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const w = Math.ceil(((d - y0) / 864e5 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(w).padStart(2, '0')}`;
}

// A table from column specs [{title, get(row) → node|text, class}] and rows.
export function table(caption, cols, rows, empty) {
  if (!rows || rows.length === 0) return h('p', { class: 'empty' }, empty || '—');
  return h('div', { class: 'table-wrap' },
    h('table', {},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c.class }, c.title)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, cols.map((c) => h('td', { class: c.class }, c.get(r))))))));
}
