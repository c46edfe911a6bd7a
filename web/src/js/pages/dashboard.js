// dashboard: the group's weekly aggregate as report stored it — every section's tables per
// subsidiary, a chart (Apache ECharts, served from /vendor/) of each per-unit table, a trend
// over past weeks, a partial report's missing parts named instead of wrong numbers, and the
// stored report as XLSX and printable HTML downloads.

import { h, clear, field, fmtFen, fmtMinutes, fmtTime, isoWeek } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { call, has, allowed, newKey } from '../api.js';
import { errorBlock, unavailable, toast } from '../ui.js';

let echartsP = null;
const echarts = () => (echartsP ||= import('/vendor/echarts/echarts.esm.min.mjs'));
const charts = new Set(); // live chart instances, disposed when the page is left

function cellText(col, cell) {
  if (!cell || cell.is_null) return '—';
  const n = Number(cell.num || 0);
  switch (col.kind) {
    case 'text': return cell.text || '';
    case 'money': return fmtFen(cell.num || 0);
    case 'minutes': return fmtMinutes(n);
    case 'time': return fmtTime(n, getLang());
    case 'flag': return n ? '✓' : '✗';
    case 'permille': return `${(n / 10).toFixed(1)}%`;
    default: return String(n);
  }
}
// The value a chart plots: money in yuan, minutes in hours, permille in percent.
function cellValue(col, cell) {
  if (!cell || cell.is_null) return null;
  const n = Number(cell.num || 0);
  return col.kind === 'money' ? n / 100 : col.kind === 'minutes' ? n / 60 : col.kind === 'permille' ? n / 10 : n;
}
const PLOTTED = new Set(['int', 'money', 'minutes', 'permille', 'flag']);

function reportTable(tb) {
  const cols = tb.columns || [];
  return h('div', { class: 'table-wrap' }, h('table', { 'data-table': tb.key },
    h('caption', {}, tb.title),
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c.kind === 'text' ? '' : 'num' }, c.title)))),
    h('tbody', {}, (tb.rows || []).map((r) => h('tr', { class: r.total ? 'total' : '' },
      cols.map((c, i) => h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null, class: c.kind === 'text' ? '' : 'num' }, cellText(c, (r.cells || [])[i]))))))));
}

async function barChart(box, tb) {
  const cols = (tb.columns || []).map((c, i) => ({ ...c, i })).filter((c) => PLOTTED.has(c.kind)).slice(0, 4);
  const rows = (tb.rows || []).filter((r) => !r.total);
  if (!cols.length || !rows.length) return;
  const ec = await echarts();
  const div = h('div', { class: 'chart', role: 'img', 'aria-label': t('dash_chart_of', { table: tb.title }), 'data-chart': tb.key });
  box.append(div);
  const chart = ec.init(div, null, { renderer: 'canvas' });
  charts.add(chart);
  const label = (r) => ((r.cells || [])[0] && (r.cells[0].text || '')) || r.key;
  chart.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 48, right: 16, top: 24, bottom: 56, containLabel: true },
    xAxis: { type: 'category', data: rows.map(label), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value' },
    series: cols.map((c) => ({ type: 'bar', name: c.title, data: rows.map((r) => cellValue(c, (r.cells || [])[c.i])) })),
  });
}

// The scope's total row of the first plotted table of each week, as lines over the weeks.
async function trendChart(box, weeks) {
  if (weeks.length < 2) return;
  const first = weeks[0].report;
  const sec = (first.sections || []).find((s) => s.status !== 'missing' && (s.tables || []).length);
  if (!sec) return;
  const tb = sec.tables[0];
  const cols = (tb.columns || []).map((c, i) => ({ ...c, i })).filter((c) => PLOTTED.has(c.kind)).slice(0, 3);
  if (!cols.length) return;
  const ordered = [...weeks].reverse();
  const value = (rep, c) => {
    const s = (rep.sections || []).find((x) => x.key === sec.key);
    const tbl = s && (s.tables || []).find((x) => x.key === tb.key);
    const row = tbl && (tbl.rows || []).find((r) => r.total);
    return row ? cellValue(c, (row.cells || [])[c.i]) : null;
  };
  const ec = await echarts();
  const div = h('div', { class: 'chart', role: 'img', 'aria-label': `${t('dash_trend')}：${sec.title}`, 'data-chart': 'trend' });
  box.append(h('h3', {}, `${t('dash_trend')} · ${sec.title}`), div);
  const chart = ec.init(div, null, { renderer: 'canvas' });
  charts.add(chart);
  chart.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 48, right: 16, top: 24, bottom: 48, containLabel: true },
    xAxis: { type: 'category', data: ordered.map((w) => w.meta.iso_week) },
    yAxis: { type: 'value' },
    series: cols.map((c) => ({ type: 'line', name: c.title, data: ordered.map((w) => value(w.report, c)) })),
  });
}

function download(file) {
  const bin = atob(file.content || '');
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: file.media_type || 'application/octet-stream' }));
  const a = h('a', { href: url, download: file.name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

window.addEventListener('resize', () => { for (const c of charts) c.resize(); });

export async function render(el, _params, ctx) {
  for (const c of charts) c.dispose();
  charts.clear();
  el.append(h('h1', {}, t('dash_title')));
  if (!has('report.weekly_list')) { el.append(unavailable('report.weekly_list')); return; }
  const who = ctx.who;
  const controls = h('div', { class: 'card controls' });
  const body = h('div', { class: 'report' });
  el.append(controls, body);
  let list;
  try {
    list = (await call('report.weekly_list', { limit: 200 })).reports || [];
  } catch (e) { el.append(errorBlock(e)); return; }
  if (allowed('report.weekly_generate', who && who.role)) {
    const gen = h('button', { type: 'button', id: 'generate' }, t('dash_generate'));
    gen.addEventListener('click', async () => {
      gen.disabled = true;
      try {
        await call('report.weekly_generate', { iso_week: isoWeek(), org_code: who ? who.org_scope : '' }, { idempotencyKey: newKey() });
        ctx.navigate('/dashboard', { replace: true });
      } catch (e) { toast(e.message); gen.disabled = false; }
    });
    controls.append(gen);
  }
  if (!list.length) { body.append(h('p', { class: 'empty' }, t('dash_none'))); return; }
  // the caller's own scope first; the newest version of each week
  const scope = who && who.org_scope ? who.org_scope : list[0].org_code;
  const mine = list.filter((m) => m.org_code === scope);
  const metas = mine.length ? mine : list.filter((m) => m.org_code === list[0].org_code);
  const byWeek = new Map();
  for (const m of metas) if (!byWeek.has(m.iso_week) || byWeek.get(m.iso_week).version < m.version) byWeek.set(m.iso_week, m);
  const weeks = [...byWeek.values()].sort((a, b) => (a.iso_week < b.iso_week ? 1 : -1));
  const sel = h('select', { name: 'week' }, weeks.map((m) => h('option', { value: String(m.report_id) }, `${m.iso_week} · ${m.org_name || m.org_code} · v${m.version}`)));
  controls.prepend(field(t('dash_week'), sel));
  const show = async () => {
    for (const c of charts) c.dispose();
    charts.clear();
    clear(body).append(h('p', { class: 'loading' }, t('loading')));
    try {
      const meta = weeks.find((m) => String(m.report_id) === sel.value);
      const rep = (await call('report.weekly_get', { report_id: meta.report_id })).report || {};
      clear(body);
      await renderReport(body, rep, meta);
      const past = await Promise.all(weeks.slice(0, 8).map(async (m) => ({ meta: m,
        report: m.report_id === meta.report_id ? rep : ((await call('report.weekly_get', { report_id: m.report_id })).report || {}) })));
      await trendChart(body, past);
    } catch (e) { clear(body).append(errorBlock(e)); }
  };
  sel.addEventListener('change', show);
  await show();
}

async function renderReport(body, rep, meta) {
  const m = rep.meta || meta;
  const dl = h('div', { class: 'downloads' }, h('span', {}, `${t('dash_download')}：`));
  for (const [fmt, label] of [['xlsx', 'dash_xlsx'], ['html', 'dash_html']]) {
    const b = h('button', { type: 'button', 'data-format': fmt }, t(label));
    if (!has('report.weekly_render')) { b.disabled = true; b.title = t('unavailable'); }
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const r = await call('report.weekly_render', { which: { report_id: m.report_id }, format: fmt });
        for (const f of r.files || []) download(f);
      } catch (e) { toast(e.message); } finally { b.disabled = false; }
    });
    dl.append(b);
  }
  body.append(h('div', { class: 'card meta' },
    h('p', {}, `${t('dash_week')} ${m.iso_week} · ${t('dash_scope')} ${m.org_name || m.org_code} · ${t('dash_version')} ${m.version} · ${t('dash_generated')} ${fmtTime(m.generated_us, getLang())}`),
    dl));
  const missing = (rep.sections || []).filter((s) => s.status === 'missing');
  if (m.completeness === 'partial' || missing.length)
    body.append(h('div', { class: 'card warn', role: 'note', 'data-partial': 'true' }, h('p', {}, t('dash_partial')),
      h('ul', {}, missing.map((s) => h('li', {}, `${s.title}：${s.reason || ''}`)))));
  for (const s of rep.sections || []) {
    const sec = h('section', { class: 'card report-section', 'data-section': s.key }, h('h2', {}, s.title));
    body.append(sec);
    if (s.status === 'missing') { sec.append(h('p', { class: 'missing' }, s.reason || t('unavailable'))); continue; }
    for (const tb of s.tables || []) {
      sec.append(reportTable(tb));
      if (tb.key === 'by_unit') await barChart(sec, tb);
    }
  }
  if ((rep.notes || []).length) body.append(h('ul', { class: 'notes' }, rep.notes.map((n) => h('li', {}, n))));
}
