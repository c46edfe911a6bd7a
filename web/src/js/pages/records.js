// records: the seed 000 §9 records — fault tolerance (容错免责), clarification (澄清正名) and
// discrimination against frontline staff or their families — which only the group
// organisation department and the person's own subsidiary may read (intake enforces it, the
// gateway audits every read; a 403 shows "无权查看" and nothing of the records).
// /records: the scope's records, with the open discrimination cases as a work list and their
// step actions; /records?emp=EMPNO: one person's. Forms to record each kind.

import { h, clear, table, fmtTime, localToUs } from '../dom.js';
import { t, enumText, enumValues, getLang } from '../i18n.js';
import { call, has, allowed, newKey } from '../api.js';
import { errorBlock, unavailable, noAccess, toast } from '../ui.js';
import { actionForm, field, text, area, when, choose, val, FieldError } from '../formkit.js';

const tm = (us) => fmtTime(us, getLang());
const cleared = (list) => (list || []).map((c) => `${c.kind}:${c.record_id}`).join(', ') || '—';

// "key_event:12, merit:3" → [{kind, record_id}], or a FieldError naming the field.
function parseCleared(textValue) {
  const out = [];
  for (const part of textValue.split(/[,，\s]+/).filter(Boolean)) {
    const m = /^(key_event|merit):(\d+)$/.exec(part);
    if (!m) throw new FieldError('cleared', `“${part}”应写成 key_event:编号 或 merit:编号`);
    out.push({ kind: m[1], record_id: Number(m[2]) });
  }
  return out;
}

export async function render(el, _params, ctx) {
  const role = ctx.who && ctx.who.role;
  const params = new URLSearchParams(location.search);
  const emp = params.get('emp') || '';
  el.append(h('h1', {}, emp ? t('rec_of_person', { emp }) : t('rec_title')), h('p', { class: 'hint' }, t('rec_scope_hint')));
  if (!has('intake.records_list')) { el.append(unavailable('intake.records_list')); return; }
  const orgIn = text('org_code', { required: true, value: emp ? '' : (params.get('org') || (ctx.who && ctx.who.org_scope) || '') });
  const empIn = text('employee_no', { value: emp });
  const pick = h('form', { class: 'form inline', id: 'rec-pick' }, field(t('rec_org'), orgIn), field(t('rec_person'), empIn),
    h('button', { type: 'submit' }, t('search')));
  pick.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const e = empIn.value.trim();
    ctx.navigate(e ? `/records?emp=${encodeURIComponent(e)}` : `/records?org=${encodeURIComponent(orgIn.value.trim())}`);
  });
  const body = h('div', { id: 'rec-body' });
  el.append(pick, body);

  const load = async () => {
    clear(body);
    let r;
    try {
      r = await call('intake.records_list', emp ? { employee_no: emp, limit: 200 } : { org_code: orgIn.value.trim(), limit: 200 });
    } catch (e) {
      el.setAttribute('data-status', String(e.status));
      body.append(e.status === 403 ? noAccess(e, t('rec_no_view')) : errorBlock(e));
      return false;
    }
    el.setAttribute('data-status', '200');
    const cases = r.discrimination || [];
    const open = cases.filter((c) => c.state !== 'closed');
    const canStep = allowed('intake.discrimination_step', role);
    body.append(
      h('section', { class: 'card', id: 'rec-worklist' }, h('h2', {}, t('rec_worklist')), table(null, [
        { title: '#', get: (c) => String(c.case_id), class: 'num' },
        { title: t('c_person'), get: (c) => h('a', { href: `/people/${encodeURIComponent(c.employee_no)}` }, c.employee_no) },
        { title: t('c_unit'), get: (c) => c.org_code },
        { title: t('rec_victim'), get: (c) => (c.victim === 'family' ? `${t('rec_victim_family')} ${c.family_member || ''}` : t('rec_victim_staff')) },
        { title: t('c_desc'), get: (c) => c.description },
        { title: t('c_when'), get: (c) => tm(c.reported_us) },
        { title: t('c_state'), get: (c) => h('span', { 'data-disc': String(c.case_id), 'data-state': c.state }, enumText('disc_state', c.state)) },
        { title: t('ben_steps'), get: (c) => h('ul', { class: 'plain' }, (c.steps || []).map((s) => h('li', {}, `${tm(s.at_us)} ${enumText('disc_state', s.step)} · ${s.action || ''} ${s.by ? `（${s.by}）` : ''}`))) },
        { title: t('c_actions'), get: (c) => (canStep ? stepActions(c, load) : '—') },
      ], open, t('none'))),
      h('section', { class: 'card', id: 'rec-ft' }, h('h2', {}, t('rec_ft')), table(null, [
        { title: '#', get: (x) => String(x.record_id), class: 'num' },
        { title: t('c_person'), get: (x) => x.employee_no },
        { title: t('rec_mistake'), get: (x) => x.mistake },
        { title: t('rec_reasons'), get: (x) => x.reasons },
        { title: t('rec_decided_by'), get: (x) => `${x.decided_by} · ${tm(x.decided_us)}` },
        { title: t('rec_cleared'), get: (x) => cleared(x.cleared) },
      ], r.fault_tolerance, t('none'))),
      h('section', { class: 'card', id: 'rec-cl' }, h('h2', {}, t('rec_cl')), table(null, [
        { title: '#', get: (x) => String(x.record_id), class: 'num' },
        { title: t('c_person'), get: (x) => x.employee_no },
        { title: t('rec_complaint'), get: (x) => x.complaint },
        { title: t('rec_findings'), get: (x) => x.findings },
        { title: t('rec_decided_by'), get: (x) => `${x.decided_by} · ${tm(x.clarified_us)}` },
        { title: t('rec_accuser'), get: (x) => x.accuser_action || '—' },
        { title: t('rec_cleared'), get: (x) => cleared(x.cleared) },
      ], r.clarifications, t('none'))),
      h('section', { class: 'card', id: 'rec-dc' }, h('h2', {}, t('rec_dc')), table(null, [
        { title: '#', get: (c) => String(c.case_id), class: 'num' },
        { title: t('c_person'), get: (c) => c.employee_no },
        { title: t('c_desc'), get: (c) => c.description },
        { title: t('c_state'), get: (c) => enumText('disc_state', c.state) },
        { title: t('rec_outcome'), get: (c) => (c.outcome ? enumText('disc_outcome', c.outcome) : '—') },
      ], cases, t('none'))));
    return true;
  };
  if (!emp && !orgIn.value.trim()) return;
  if (!(await load())) return; // no access: no forms either
  const forms = h('section', { class: 'card', id: 'rec-forms' }, h('h2', {}, t('c_actions')));
  const empField = () => field(t('l_employee_no'), text('employee_no', { required: true, value: emp }));
  if (has('intake.fault_tolerance') && allowed('intake.fault_tolerance', role)) {
    forms.append(actionForm({
      id: 'form-fault-tolerance', title: t('rec_ft'), op: 'intake.fault_tolerance',
      fields: [empField(), field(t('rec_mistake'), area('mistake', { required: true })), field(t('rec_reasons'), area('reasons', { required: true })),
        field(t('rec_decided_by'), text('decided_by', { required: true })), field(t('rec_decided'), when('decided_us')),
        field(t('rec_cleared_in'), text('cleared'))],
      build: (f) => ({ record: { employee_no: val(f, 'employee_no'), mistake: val(f, 'mistake'), reasons: val(f, 'reasons'),
        decided_by: val(f, 'decided_by'), decided_us: localToUs(val(f, 'decided_us')), cleared: parseCleared(val(f, 'cleared')) } }),
      done: () => load(),
    }));
  }
  if (has('intake.clarification') && allowed('intake.clarification', role)) {
    forms.append(actionForm({
      id: 'form-clarification', title: t('rec_cl'), op: 'intake.clarification',
      fields: [empField(), field(t('rec_complaint'), area('complaint', { required: true })), field(t('rec_complaint_at'), when('complaint_us')),
        field(t('rec_findings'), area('findings', { required: true })), field(t('rec_decided_by'), text('decided_by', { required: true })),
        field(t('rec_clarified'), when('clarified_us')), field(t('rec_accuser'), text('accuser_action')), field(t('rec_cleared_in'), text('cleared'))],
      build: (f) => ({ record: { employee_no: val(f, 'employee_no'), complaint: val(f, 'complaint'), complaint_us: localToUs(val(f, 'complaint_us')),
        findings: val(f, 'findings'), decided_by: val(f, 'decided_by'), clarified_us: localToUs(val(f, 'clarified_us')),
        accuser_action: val(f, 'accuser_action'), cleared: parseCleared(val(f, 'cleared')) } }),
      done: () => load(),
    }));
  }
  if (has('intake.discrimination_report') && allowed('intake.discrimination_report', role)) {
    forms.append(actionForm({
      id: 'form-discrimination', title: t('rec_report_title'), op: 'intake.discrimination_report',
      fields: [empField(), field(t('rec_victim'), choose('victim', [['staff', t('rec_victim_staff')], ['family', t('rec_victim_family')]])),
        field(t('rec_family_member'), text('family_member')), field(t('c_desc'), area('description', { required: true })),
        field(t('rec_reported_by'), text('reported_by')), field(t('l_at'), when('reported_us'))],
      build: (f) => ({ report: { employee_no: val(f, 'employee_no'), victim: val(f, 'victim'), family_member: val(f, 'family_member'),
        description: val(f, 'description'), reported_by: val(f, 'reported_by'), reported_us: localToUs(val(f, 'reported_us')) } }),
      done: () => load(),
    }));
  }
  if (forms.childElementCount > 1) el.append(forms);
}

// A discrimination case's next step: handling (from reported or handling), or closed with an
// outcome (from handling). intake checks the order.
function stepActions(c, reload) {
  const action = h('input', { type: 'text', name: `action-${c.case_id}`, 'aria-label': `${t('rec_step_action')} #${c.case_id}`, placeholder: t('rec_step_action') });
  const by = h('input', { type: 'text', name: `by-${c.case_id}`, 'aria-label': `${t('rec_step_by')} #${c.case_id}`, placeholder: t('rec_step_by') });
  const outcome = h('select', { name: `outcome-${c.case_id}`, 'aria-label': `${t('rec_outcome')} #${c.case_id}` },
    enumValues('disc_outcome').map((o) => h('option', { value: o }, enumText('disc_outcome', o))));
  const handling = h('button', { type: 'button', 'data-step': 'handling', 'data-case': String(c.case_id) }, t('rec_handling'));
  const close = h('button', { type: 'button', 'data-step': 'closed', 'data-case': String(c.case_id), disabled: c.state !== 'handling' }, t('rec_close'));
  const key = newKey();
  const inputs = { action, by };
  const send = async (step, btn) => {
    for (const i of [action, by]) i.removeAttribute('aria-invalid');
    for (const i of Object.values(inputs)) {
      if (!i.value.trim()) { i.setAttribute('aria-invalid', 'true'); i.focus(); toast(`${i.getAttribute('aria-label')}：${t('required')}`); return; }
    }
    btn.disabled = true;
    try {
      await call('intake.discrimination_step', { case_id: c.case_id, step, action: action.value.trim(), by: by.value.trim(),
        outcome: step === 'closed' ? outcome.value : '' }, { idempotencyKey: `${key}-${step}-${c.steps ? c.steps.length : 0}` });
      toast(t('saved'));
      await reload();
    } catch (e) {
      const bad = inputs[e.field];
      if (bad) { bad.setAttribute('aria-invalid', 'true'); bad.focus(); }
      toast(e.field ? `${e.field}：${e.message}` : e.message);
      btn.disabled = false;
    }
  };
  handling.addEventListener('click', () => send('handling', handling));
  close.addEventListener('click', () => send('closed', close));
  return h('div', { class: 'row-actions' }, action, by, handling, outcome, close);
}
