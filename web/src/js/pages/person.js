// person: "one person, one file" — attributes, duty hours, health history, incidents, key-group
// files and service contacts, hardship cases, commendations, weekly reports (intake), the
// person's payments (welfare) and the reminders sent to them (notify). Each part that the
// gateway does not offer yet says so; a 403 shows "no access" and nothing else. Issue 11: the
// person's benefit cases (links to their pages), the 000 §9 records (a link, for those who may
// read them, when there are any) and the village first-secretary assignments with their
// assign / update / return forms (002 §12: intake keeps them per person, in the file).

import { h, table, fmtTime, fmtMinutes, fmtFen, localToUs } from '../dom.js';
import { t, enumText, getLang } from '../i18n.js';
import { call, has, allowed } from '../api.js';
import { errorBlock, unavailable, noAccess } from '../ui.js';
import { actionForm, field, text, area, when, val } from '../formkit.js';

const yn = (b) => (b ? t('yes') : t('no'));
const tm = (us) => fmtTime(us, getLang());

function section(title, content, id) {
  return h('section', { class: 'card part', 'data-part': id }, h('h2', {}, title), content);
}

export async function render(el, [emp], ctx) {
  const role = ctx && ctx.who && ctx.who.role;
  const op = has('intake.person_file') ? 'intake.person_file' : 'intake.person_get';
  if (!has(op)) { el.append(h('h1', {}, t('person_file')), unavailable('intake.person_file')); return; }
  let file;
  try {
    file = await call(op, { employee_no: emp });
  } catch (e) {
    el.setAttribute('data-status', String(e.status));
    el.append(h('h1', {}, `${t('person_file')} · ${emp}`), e.status === 403 ? noAccess(e) : errorBlock(e));
    return;
  }
  const p = file.person || {};
  el.setAttribute('data-status', '200');
  const flags = [['leadership_team', 'f_leadership'], ['young_cadre', 'f_young'], ['reserve_pool', 'f_reserve'],
    ['medical_staff', 'f_medical'], ['aid_team', 'f_aid'], ['cares_for_elderly', 'f_elderly'], ['cares_for_children', 'f_children']]
    .filter(([k]) => p[k]).map(([, label]) => h('span', { class: 'tag' }, t(label)));
  const orgPath = (file.org_path || []).map((u) => u.name || u.org_code).join(' / ') || p.org_code;
  el.append(
    h('h1', {}, `${p.name || ''} · ${p.employee_no || emp}`),
    h('dl', { class: 'card attrs' },
      h('dt', {}, t('p_org')), h('dd', {}, orgPath),
      h('dt', {}, t('p_phone')), h('dd', {}, p.phone || '—'),
      h('dt', {}, t('p_party')), h('dd', {}, enumText('party', p.party_status)),
      h('dt', {}, t('p_cadre')), h('dd', {}, enumText('cadre', p.cadre_level)),
      h('dt', {}, t('p_health')), h('dd', { 'data-health': p.health_status || '' }, enumText('health', p.health_status)),
      h('dt', {}, t('p_fit')), h('dd', {}, yn(p.fit_for_frontline)),
      h('dt', {}, t('p_spouse')), h('dd', {}, p.spouse_employee_no ? h('a', { href: `/people/${encodeURIComponent(p.spouse_employee_no)}` }, p.spouse_employee_no) : '—'),
      h('dt', {}, t('p_flags')), h('dd', {}, flags.length ? flags : '—')));
  if (op === 'intake.person_get') {
    el.append(unavailable('intake.person_file'));
  } else {
    el.append(
      section(t('p_duty'), h('p', { class: 'figures' },
        `${t('p_today')} ${fmtMinutes(file.duty_minutes_today)} · ${t('p_7d')} ${fmtMinutes(file.duty_minutes_7d)} · ${t('p_total')} ${fmtMinutes(file.duty_minutes_total)}`), 'duty'),
      section(t('p_duties'), table(null, [
        { title: t('c_post'), get: (d) => `${d.post_code} ${d.post_name || ''}` },
        { title: t('c_start'), get: (d) => tm(d.start_us) },
        { title: t('c_end'), get: (d) => tm(d.end_us) },
        { title: t('c_minutes'), get: (d) => fmtMinutes(d.minutes), class: 'num' },
      ], file.duties, t('none')), 'duties'),
      section(t('p_checkins'), table(null, [
        { title: t('c_when'), get: (c) => tm(c.at_us) },
        { title: t('c_temp'), get: (c) => `${(Number(c.temperature_dc) / 10).toFixed(1)} °C`, class: 'num' },
        { title: t('c_symptoms'), get: (c) => (c.symptoms || []).join('、') },
        { title: t('c_note'), get: (c) => c.note },
      ], file.checkins, t('none')), 'checkins'),
      section(t('p_status_history'), table(null, [
        { title: t('c_when'), get: (s) => tm(s.at_us) },
        { title: t('c_from'), get: (s) => enumText('health', s.from) },
        { title: t('c_to'), get: (s) => enumText('health', s.to) },
        { title: t('c_reason'), get: (s) => s.reason },
      ], file.status_history, t('none')), 'status'),
      section(t('p_incidents'), table(null, [
        { title: t('c_when'), get: (i) => tm(i.at_us) },
        { title: t('c_kind'), get: (i) => enumText('incident', i.kind) },
        { title: t('c_major'), get: (i) => yn(i.major) },
        { title: t('c_on_duty'), get: (i) => yn(i.on_duty) },
        { title: t('c_desc'), get: (i) => i.description },
      ], file.incidents, t('none')), 'incidents'),
      section(t('p_key_group'), table(null, [
        { title: '#', get: (f) => String(f.file_id), class: 'num' },
        { title: t('c_category'), get: (f) => enumText('key_group', f.category) },
        { title: t('c_start'), get: (f) => tm(f.opened_us) },
        { title: t('c_end'), get: (f) => tm(f.closed_us) },
        { title: t('c_note'), get: (f) => f.note },
      ], file.key_group_files, t('none')), 'key_group'),
      section(t('p_contacts'), table(null, [
        { title: t('c_when'), get: (c) => tm(c.at_us) },
        { title: t('c_kind'), get: (c) => enumText('contact', c.kind) },
        { title: t('c_by'), get: (c) => c.by_employee_no },
        { title: t('c_note'), get: (c) => c.note },
      ], file.service_contacts, t('none')), 'contacts'),
      section(t('p_hardship'), table(null, [
        { title: '#', get: (c) => String(c.case_id), class: 'num' },
        { title: t('c_category'), get: (c) => enumText('hardship', c.category) },
        { title: t('c_desc'), get: (c) => c.description },
        { title: t('l_liaison'), get: (c) => c.liaison_employee_no },
        { title: t('c_amount'), get: (c) => fmtFen(c.requested_fen), class: 'num' },
        { title: t('c_state'), get: (c) => (c.closed ? '✓' : '…') },
      ], file.hardship_cases, t('none')), 'hardship'),
      section(t('p_merits'), table(null, [
        { title: t('c_when'), get: (m) => tm(m.at_us) },
        { title: t('c_kind'), get: (m) => enumText('merit', m.kind) },
        { title: t('c_reason'), get: (m) => m.reason },
        { title: t('c_by'), get: (m) => m.issued_by },
      ], file.merits, t('none')), 'merits'),
      section(t('p_weekly'), table(null, [
        { title: t('c_week'), get: (w) => w.iso_week },
        { title: t('l_no_outbreak'), get: (w) => yn(w.no_outbreak) },
        { title: t('l_production_stable'), get: (w) => yn(w.production_stable) },
        { title: t('c_when'), get: (w) => tm(w.submitted_us) },
      ], file.weekly_reports, t('none')), 'weekly'));
  }
  el.append(section(t('p_payments'), await payments(p.employee_no || emp), 'payments'),
    section(t('p_reminders'), await reminders(p.employee_no || emp), 'reminders'));
  const id = p.employee_no || emp;
  if (has('welfare.benefit_list') && allowed('welfare.benefit_list', role)) el.append(section(t('p_benefits'), await benefits(id), 'benefits'));
  if (has('intake.records_list') && allowed('intake.records_list', role)) {
    const rec = await records(id);
    if (rec) el.append(section(t('rec_records_link'), rec, 'records'));
  }
  if (op === 'intake.person_file') el.append(section(t('vil_title'), village(file, id, role, () => ctx.navigate(location.pathname, { replace: true })), 'village'));
}

async function benefits(emp) {
  try {
    const r = await call('welfare.benefit_list', { employee_no: emp, limit: 100 });
    return table(null, [
      { title: '#', get: (c) => h('a', { href: `/benefits/${c.id}`, 'data-case': String(c.id) }, `#${c.id}`), class: 'num' },
      { title: t('ben_kind'), get: (c) => c.kind_label || enumText('benefit_kind', c.kind) },
      { title: t('ben_step'), get: (c) => c.step_label || c.step },
      { title: t('ben_deadline'), get: (c) => (c.state === 'open' ? h('span', { class: c.overdue ? 'bad' : null }, tm(c.step_deadline_us)) : '—') },
      { title: t('c_state'), get: (c) => enumText('benefit_state', c.state) },
    ], r.cases, t('none'));
  } catch (e) { return errorBlock(e); }
}

// A link to the person's 000 §9 records when there are any and the caller may read them (the
// group, the person's own subsidiary); nothing otherwise, not even that they exist.
async function records(emp) {
  let r;
  try { r = await call('intake.records_list', { employee_no: emp, limit: 50 }); } catch { return null; }
  const ft = (r.fault_tolerance || []).length, cl = (r.clarifications || []).length, dc = (r.discrimination || []).length;
  if (!ft && !cl && !dc) return null;
  return h('p', {}, t('rec_counts', { ft, cl, dc }), ' ', h('a', { href: `/records?emp=${encodeURIComponent(emp)}`, 'data-link': 'records' }, `${t('rec_title')} →`));
}

function village(file, emp, role, reload) {
  const canUpdate = has('intake.village_update') && allowed('intake.village_update', role);
  const list = file.village_assignments || [];
  const box = h('div', {}, table(null, [
    { title: '#', get: (v) => String(v.assignment_id), class: 'num' },
    { title: t('vil_village'), get: (v) => `${v.township ? `${v.township} ` : ''}${v.village}` },
    { title: t('c_start'), get: (v) => tm(v.start_us) },
    { title: t('vil_planned'), get: (v) => tm(v.planned_return_us) },
    { title: t('vil_returned'), get: (v) => (v.returned_us ? `${tm(v.returned_us)} ${v.return_note || ''}` : t('vil_on')) },
    { title: t('vil_record'), get: (v) => h('span', { class: 'explain-text' }, v.frontline_record || '—') },
  ], list, t('none')));
  if (canUpdate) {
    for (const v of list.filter((x) => !x.returned_us)) {
      box.append(actionForm({
        id: `form-village-update-${v.assignment_id}`, title: `${t('vil_update')} #${v.assignment_id} · ${v.village}`, op: 'intake.village_update',
        fields: [field(t('vil_planned'), when('planned_return_us')), field(t('vil_record_add'), text('frontline_record_add')),
          field(t('vil_returned'), when('returned_us')), field(t('vil_note'), text('return_note'))],
        build: (f) => ({ assignment_id: v.assignment_id, planned_return_us: localToUs(val(f, 'planned_return_us')),
          frontline_record_add: val(f, 'frontline_record_add'), returned_us: localToUs(val(f, 'returned_us')), return_note: val(f, 'return_note') }),
        done: reload,
      }));
    }
  }
  if (has('intake.village_assign') && allowed('intake.village_assign', role)) {
    box.append(actionForm({
      id: 'form-village-assign', title: t('vil_assign'), op: 'intake.village_assign',
      fields: [field(t('vil_village'), text('village', { required: true })), field(t('vil_township'), text('township')),
        field(t('vil_start'), when('start_us')), field(t('vil_planned'), when('planned_return_us')), field(t('vil_record'), area('frontline_record'))],
      build: (f) => ({ assignment: { employee_no: emp, village: val(f, 'village'), township: val(f, 'township'), start_us: localToUs(val(f, 'start_us')),
        planned_return_us: localToUs(val(f, 'planned_return_us')), frontline_record: val(f, 'frontline_record') } }),
      done: reload,
    }));
  }
  return box;
}

async function payments(emp) {
  if (!has('welfare.pay_list')) return unavailable('welfare.pay_list');
  try {
    const r = await call('welfare.pay_list', { employee_no: emp, limit: 100 });
    return table(null, [
      { title: t('c_when'), get: (d) => tm(d.requested_at_us) },
      { title: t('c_kind'), get: (d) => enumText('pay_kind', d.kind) },
      { title: t('c_amount'), get: (d) => fmtFen(d.amount_fen), class: 'num' },
      { title: t('c_state'), get: (d) => enumText('pay_state', d.state) },
      { title: t('c_reason'), get: (d) => d.reason || d.memo },
    ], r.items, t('none'));
  } catch (e) { return errorBlock(e); }
}

async function reminders(emp) {
  if (!has('notify.status')) return unavailable('notify.status');
  try {
    const r = await call('notify.status', { recipient: emp, limit: 50 });
    return table(null, [
      { title: t('c_when'), get: (m) => tm(m.created_us) },
      { title: t('c_title'), get: (m) => m.title },
      { title: t('c_state'), get: (m) => (m.deliveries || []).map((d) => `${d.channel}: ${enumText('delivery', d.state)}`).join('；') || enumText('delivery', m.state) },
    ], r.messages, t('none'));
  } catch (e) { return errorBlock(e); }
}
