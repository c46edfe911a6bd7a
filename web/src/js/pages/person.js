// person: "one person, one file" — attributes, duty hours, health history, incidents, key-group
// files and service contacts, hardship cases, commendations, weekly reports (intake), the
// person's payments (welfare) and the reminders sent to them (notify). Each part that the
// gateway does not offer yet says so; a 403 shows "no access" and nothing else.

import { h, table, fmtTime, fmtMinutes, fmtFen } from '../dom.js';
import { t, enumText, getLang } from '../i18n.js';
import { call, has } from '../api.js';
import { errorBlock, unavailable, noAccess } from '../ui.js';

const yn = (b) => (b ? t('yes') : t('no'));
const tm = (us) => fmtTime(us, getLang());

function section(title, content, id) {
  return h('section', { class: 'card part', 'data-part': id }, h('h2', {}, title), content);
}

export async function render(el, [emp]) {
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
