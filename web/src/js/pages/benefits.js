// benefits: benefit application cases (000 §4: 上报工伤, 因工伤残, 因公牺牲, 烈士评定, the aid
// teams' insurance claims). /benefits is the work list of the subtree's open cases (overdue
// steps highlighted, deadlines in Asia/Shanghai) with a form to open a case by hand;
// /benefits/<id> is one case — its steps, documents, handler and deadlines — with the actions
// the role allows: the next step, a document, grant with an amount, refuse. welfare decides
// (step order, deadlines never in the past, grant at the last step only, paid once).

import { h, clear, table, fmtTime, fmtFen, localToUs, parseYuan } from '../dom.js';
import { t, enumText, enumValues, getLang } from '../i18n.js';
import { call, has, allowed } from '../api.js';
import { errorBlock, unavailable, noAccess } from '../ui.js';
import { actionForm, field, text, area, when, choose, check, checkField, val, FieldError } from '../formkit.js';

const tm = (us) => fmtTime(us, getLang());
const kinds = () => enumValues('benefit_kind').map((k) => [k, enumText('benefit_kind', k)]);

// The order every kind's steps share in policy (the fourth differs by kind); welfare checks it.
const FOURTH = { work_injury: 'determine', death_on_duty: 'determine', disability: 'assess', martyr: 'evaluate', accident_insurance: 'assess', illness_insurance: 'assess' };
function nextStep(c) {
  const order = ['collect', 'submit', 'accept', FOURTH[c.kind] || 'determine', 'conclude'];
  const i = order.indexOf(c.step);
  return i >= 0 && i + 1 < order.length ? order[i + 1] : '';
}

function deadline(c) {
  if (c.state !== 'open' || !c.step_deadline_us) return '—';
  return h('span', { class: c.overdue ? 'bad' : null, 'data-overdue': c.overdue ? 'true' : null },
    tm(c.step_deadline_us), c.overdue ? ` · ${t('ben_overdue')}` : '');
}

export async function render(el, [id], ctx) {
  if (id) return renderCase(el, id, ctx);
  return renderList(el, ctx);
}

async function renderList(el, ctx) {
  const role = ctx.who && ctx.who.role;
  el.append(h('h1', {}, t('ben_title')));
  if (!has('welfare.benefit_list')) { el.append(unavailable('welfare.benefit_list')); return; }
  const params = new URLSearchParams(location.search);
  const list = h('div', { id: 'ben-list' });
  const stateSel = choose('state', [['open', enumText('benefit_state', 'open')], ['granted', enumText('benefit_state', 'granted')],
    ['refused', enumText('benefit_state', 'refused')], ['', '—']]);
  stateSel.value = params.get('state') ?? 'open';
  const overdue = check('overdue_only');
  overdue.checked = params.get('overdue') === '1';
  const filter = h('form', { class: 'form inline', id: 'ben-filter' },
    field(t('ben_state'), stateSel), checkField(t('ben_overdue_only'), overdue),
    h('button', { type: 'submit' }, t('ben_filter')));
  const load = async () => {
    clear(list);
    let r;
    try {
      r = await call('welfare.benefit_list', { state: stateSel.value, overdue_only: overdue.checked, limit: 500 });
    } catch (e) { list.append(errorBlock(e)); return; }
    const cases = r.cases || [];
    list.append(table(null, [
      { title: '#', get: (c) => h('a', { href: `/benefits/${c.id}`, 'data-case': String(c.id) }, `#${c.id}`), class: 'num' },
      { title: t('ben_kind'), get: (c) => c.kind_label || enumText('benefit_kind', c.kind) },
      { title: t('c_person'), get: (c) => h('a', { href: `/people/${encodeURIComponent(c.employee_no)}` }, `${c.person_name || ''} ${c.employee_no}`) },
      { title: t('c_unit'), get: (c) => c.org_code },
      { title: t('ben_step'), get: (c) => `${c.step_label || c.step} (${t('ben_step_of', { i: (c.step_index || 0) + 1, n: c.step_count || '?' })})` },
      { title: t('ben_deadline'), get: deadline },
      { title: t('ben_handler'), get: (c) => c.handler },
      { title: t('ben_state'), get: (c) => enumText('benefit_state', c.state) },
      { title: t('ben_opened'), get: (c) => `${tm(c.opened_at_us)} · ${t(c.source === 'incident' ? 'ben_source_incident' : 'ben_source_manual')}` },
    ], cases, t('none')));
    // the rows of overdue cases stand out
    for (const a of list.querySelectorAll('[data-overdue]')) a.closest('tr').classList.add('row-overdue');
  };
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams({ state: stateSel.value });
    if (overdue.checked) q.set('overdue', '1');
    history.replaceState({}, '', `/benefits?${q}`);
    load();
  });
  el.append(h('section', { class: 'card', id: 'ben-worklist' }, h('h2', {}, t('ben_worklist')), filter, list));
  if (has('welfare.benefit_open') && allowed('welfare.benefit_open', role)) {
    el.append(h('section', { class: 'card', id: 'ben-open' }, h('h2', {}, t('ben_open_title')), actionForm({
      id: 'form-benefit-open', op: 'welfare.benefit_open',
      fields: [field(t('ben_kind'), choose('kind', kinds())), field(t('l_employee_no'), text('employee_no', { required: true })),
        field(t('ben_incident'), text('incident_id', { inputmode: 'numeric' })), field(t('ben_handler_in'), text('handler')),
        field(t('ben_deadline_in'), when('deadline_us')), field(t('l_note'), area('note'))],
      build: (f) => {
        const inc = val(f, 'incident_id');
        if (inc && !/^\d+$/.test(inc)) throw new FieldError('incident_id', '事件编号应为数字');
        return { kind: val(f, 'kind'), employee_no: val(f, 'employee_no'), incident_id: inc ? Number(inc) : 0,
          handler: val(f, 'handler'), deadline_us: localToUs(val(f, 'deadline_us')), note: val(f, 'note') };
      },
      done: (r, result) => { result.append(h('p', {}, h('a', { href: `/benefits/${r.benefit.id}` }, `${t('ben_case')} #${r.benefit.id}`))); load(); },
    })));
  }
  await load();
}

async function renderCase(el, id, ctx) {
  const role = ctx.who && ctx.who.role;
  if (!has('welfare.benefit_show')) { el.append(h('h1', {}, t('ben_case')), unavailable('welfare.benefit_show')); return; }
  if (!/^\d+$/.test(id)) { el.append(h('h1', {}, t('ben_case')), errorBlock({ status: 404, message: id })); return; }
  let r;
  try {
    r = await call('welfare.benefit_show', { case_id: Number(id) });
  } catch (e) {
    el.setAttribute('data-status', String(e.status));
    el.append(h('h1', {}, `${t('ben_case')} #${id}`), e.status === 403 ? noAccess(e) : errorBlock(e));
    return;
  }
  el.setAttribute('data-status', '200');
  const c = r.benefit || {};
  el.append(
    h('p', {}, h('a', { href: '/benefits' }, `← ${t('ben_back')}`)),
    h('h1', {}, `${t('ben_case')} #${c.id} · ${c.kind_label || enumText('benefit_kind', c.kind)}`),
    h('dl', { class: 'card attrs', id: 'ben-attrs' },
      h('dt', {}, t('c_person')), h('dd', {}, h('a', { href: `/people/${encodeURIComponent(c.employee_no)}` }, `${c.person_name || ''} ${c.employee_no}`)),
      h('dt', {}, t('c_unit')), h('dd', {}, `${c.org_code} · ${c.payer_org}`),
      h('dt', {}, t('ben_state')), h('dd', { 'data-state': c.state }, enumText('benefit_state', c.state)),
      h('dt', {}, t('ben_step')), h('dd', { 'data-step': c.step }, `${c.step_label || c.step} (${t('ben_step_of', { i: (c.step_index || 0) + 1, n: c.step_count || '?' })})`),
      h('dt', {}, t('ben_deadline')), h('dd', {}, deadline(c)),
      h('dt', {}, t('ben_handler')), h('dd', {}, c.handler || '—'),
      h('dt', {}, t('ben_source')), h('dd', {}, c.source === 'incident' ? `${t('ben_source_incident')} #${c.incident_id}` : t('ben_source_manual')),
      h('dt', {}, t('ben_opened')), h('dd', {}, `${tm(c.opened_at_us)} · ${c.opened_by || ''}`),
      c.state !== 'open' ? [h('dt', {}, t('c_note')), h('dd', {}, c.outcome_note || '—')] : null,
      c.amount_fen ? [h('dt', {}, t('ben_payout')), h('dd', {}, `${fmtFen(c.amount_fen)} · ${enumText('pay_kind', c.payout_kind)}${c.disbursement_id ? ` · #${c.disbursement_id}` : ''}`)] : null),
    h('section', { class: 'card', id: 'ben-steps' }, h('h2', {}, t('ben_steps')), table(null, [
      { title: '#', get: (s) => String((s.index || 0) + 1), class: 'num' },
      { title: t('ben_step_col'), get: (s) => s.label || s.name },
      { title: t('c_start'), get: (s) => tm(s.started_at_us) },
      { title: t('ben_deadline'), get: (s) => h('span', { class: !s.completed_at_us && c.overdue ? 'bad' : null }, tm(s.deadline_us)) },
      { title: t('ben_completed'), get: (s) => (s.completed_at_us ? `${tm(s.completed_at_us)} · ${s.completed_by || ''}` : '…') },
      { title: t('ben_handler'), get: (s) => s.handler },
      { title: t('c_note'), get: (s) => s.note },
    ], c.steps, t('none'))),
    h('section', { class: 'card', id: 'ben-docs' }, h('h2', {}, t('ben_docs')), table(null, [
      { title: t('ben_doc_name'), get: (d) => d.name },
      { title: t('ben_doc_ref'), get: (d) => d.reference },
      { title: t('ben_step_col'), get: (d) => enumText('benefit_step', d.step) },
      { title: t('ben_doc_received'), get: (d) => tm(d.received_at_us) },
      { title: t('c_by'), get: (d) => d.recorded_by },
    ], c.docs, t('none'))));
  if (c.state !== 'open') { el.append(h('p', { class: 'ok' }, t('ben_closed'))); return; }
  const reload = () => ctx.navigate(`/benefits/${c.id}`, { replace: true });
  const acts = h('section', { class: 'card', id: 'ben-actions' }, h('h2', {}, t('c_actions')));
  const steps = enumValues('benefit_step').map((s) => [s, enumText('benefit_step', s)]);
  const last = (c.step_index || 0) + 1 >= (c.step_count || 0);
  if (!last && allowed('welfare.benefit_step', role)) {
    const sel = choose('step', steps);
    sel.value = nextStep(c);
    acts.append(actionForm({
      id: 'form-benefit-step', title: t('ben_step_title'), op: 'welfare.benefit_step',
      fields: [field(t('ben_next_step'), sel), field(t('ben_handler_in'), text('handler')),
        field(t('ben_deadline_in'), when('deadline_us')), field(t('l_note'), area('note'))],
      build: (f) => ({ case_id: c.id, step: val(f, 'step'), handler: val(f, 'handler'), deadline_us: localToUs(val(f, 'deadline_us')), note: val(f, 'note') }),
      done: reload,
    }));
  }
  if (allowed('welfare.benefit_doc', role)) {
    acts.append(actionForm({
      id: 'form-benefit-doc', title: t('ben_doc_title'), op: 'welfare.benefit_doc',
      fields: [field(t('ben_doc_name'), text('name', { required: true })), field(t('ben_doc_ref'), text('reference')),
        field(t('ben_doc_step'), choose('doc_step', [['', '—'], ...steps])), field(t('ben_doc_received'), when('received_at_us'))],
      build: (f) => ({ case_id: c.id, step: val(f, 'doc_step'), name: val(f, 'name'), reference: val(f, 'reference'), received_at_us: localToUs(val(f, 'received_at_us')) }),
      done: reload,
    }));
  }
  if (allowed('welfare.benefit_grant', role)) {
    acts.append(last ? actionForm({
      id: 'form-benefit-grant', title: t('ben_grant_title'), op: 'welfare.benefit_grant',
      fields: [field(t('ben_amount'), text('amount_fen', { required: true, inputmode: 'decimal' })), field(t('l_note'), area('note'))],
      build: (f) => {
        const fen = parseYuan(val(f, 'amount_fen'));
        if (!fen) throw new FieldError('amount_fen', '金额应为大于 0 的元数，最多两位小数');
        return { case_id: c.id, amount_fen: fen, note: val(f, 'note') };
      },
      done: reload,
    }) : h('p', { class: 'hint' }, t('ben_grant_last')));
  }
  if (allowed('welfare.benefit_refuse', role)) {
    acts.append(actionForm({
      id: 'form-benefit-refuse', title: t('ben_refuse_title'), op: 'welfare.benefit_refuse',
      fields: [field(t('ben_refuse_reason'), area('note', { required: true }))],
      build: (f) => {
        if (!val(f, 'note')) throw new FieldError('note', '请写明不予批准的原因');
        return { case_id: c.id, note: val(f, 'note') };
      },
      done: reload,
    }));
  }
  if (acts.childElementCount > 1) el.append(acts);
}
