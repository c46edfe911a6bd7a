// forms: the entry forms of a subsidiary's week — duty check-in/out, health check-in,
// incident, hardship case, key-group service contact, weekly leadership report — and the CSV
// import with its row-by-row error list before anything is saved. Each form is one request
// message; a submission keeps its Idempotency-Key until it succeeds, so a retry after a lost
// answer is applied once.

import { h, clear, field, localToUs, parseYuan, isoWeek, table, fmtTime } from '../dom.js';
import { t, enumText, enumValues } from '../i18n.js';
import { call, has, allowed, newKey } from '../api.js';
import { unavailable, showFormError, clearFormError, errorBlock } from '../ui.js';
import { parseCsv, toImportRows, chunks, MAX_BYTES } from '../csv.js';

const text = (name, opts = {}) => h('input', { type: 'text', name, autocomplete: 'off', ...opts });
const area = (name, opts = {}) => h('textarea', { name, rows: 3, ...opts });
const when = () => h('input', { type: 'datetime-local', name: 'at_us' });
const check = (name) => h('input', { type: 'checkbox', name });
const select = (name, kind, opts = {}) => h('select', { name, ...opts },
  enumValues(kind).map((v) => h('option', { value: v }, enumText(kind, v))));
const checkField = (label, input) => h('div', { class: 'field field-check' }, input, h('label', { for: input.id || (input.id = `c-${input.name}`) }, label));

function val(form, name) { return form.elements[name] ? form.elements[name].value.trim() : ''; }
function checked(form, name) { return !!(form.elements[name] && form.elements[name].checked); }

// A value the browser cannot turn into the message is reported like the API would: by field.
class FieldError extends Error {
  constructor(field_, message) { super(message); this.field = field_; this.status = 400; }
}

const FORMS = [
  {
    id: 'duty_in', title: 'form_duty_in', op: 'intake.duty_checkin',
    fields: () => [field(t('l_employee_no'), text('employee_no', { required: true })),
      field(t('l_post_code'), text('post_code', { required: true })), field(t('l_at'), when())],
    build: (f) => ({ checkins: [{ employee_no: val(f, 'employee_no'), post_code: val(f, 'post_code'), at_us: localToUs(val(f, 'at_us')) }] }),
  },
  {
    id: 'duty_out', title: 'form_duty_out', op: 'intake.duty_checkout',
    fields: () => [field(t('l_employee_no'), text('employee_no', { required: true })), field(t('l_at'), when())],
    build: (f) => ({ checkouts: [{ employee_no: val(f, 'employee_no'), at_us: localToUs(val(f, 'at_us')) }] }),
    done: (r) => (r.minutes && r.minutes.length ? `${t('c_minutes')}：${r.minutes[0]} min` : ''),
  },
  {
    id: 'health', title: 'form_health', op: 'intake.health_checkin',
    fields: () => [field(t('l_employee_no'), text('employee_no', { required: true })),
      field(t('l_temperature'), text('temperature', { required: true, inputmode: 'decimal', placeholder: '36.5' })),
      field(t('l_symptoms'), text('symptoms')), field(t('l_at'), when()), field(t('l_note'), text('note'))],
    build: (f) => {
      const m = /^(\d{2})(?:\.(\d))?$/.exec(val(f, 'temperature'));
      if (!m) throw new FieldError('temperature', '体温应写成 36.5 这样的数（保留一位小数）');
      return { checkins: [{ employee_no: val(f, 'employee_no'), temperature_dc: Number(m[1]) * 10 + Number(m[2] || 0),
        symptoms: val(f, 'symptoms').split(/[,，、]/).map((s) => s.trim()).filter(Boolean),
        at_us: localToUs(val(f, 'at_us')), note: val(f, 'note') }] };
    },
  },
  {
    id: 'incident', title: 'form_incident', op: 'intake.incident',
    fields: () => [field(t('l_employee_no'), text('employee_no', { required: true })),
      field(t('l_incident_kind'), select('kind', 'incident')), field(t('l_at'), when()),
      field(t('l_description'), area('description')), checkField(t('l_on_duty'), check('on_duty'))],
    build: (f) => ({ employee_no: val(f, 'employee_no'), kind: val(f, 'kind'), at_us: localToUs(val(f, 'at_us')),
      description: val(f, 'description'), on_duty: checked(f, 'on_duty') }),
    after: incidentFollowUp,
  },
  {
    id: 'hardship', title: 'form_hardship', op: 'intake.hardship_open',
    fields: () => [field(t('l_employee_no'), text('employee_no', { required: true })),
      field(t('l_hardship_category'), select('category', 'hardship')), field(t('l_description'), area('description')),
      field(t('l_liaison'), text('liaison_employee_no')), field(t('l_requested'), text('requested_fen', { inputmode: 'decimal', placeholder: '0' }))],
    build: (f) => {
      const raw = val(f, 'requested_fen') || '0';
      const fen = parseYuan(raw);
      if (fen === null) throw new FieldError('requested_fen', `金额“${raw}”应为元，最多两位小数`);
      return { hardship: { employee_no: val(f, 'employee_no'), category: val(f, 'category'), description: val(f, 'description'),
        liaison_employee_no: val(f, 'liaison_employee_no'), requested_fen: fen } };
    },
  },
  {
    id: 'contact', title: 'form_contact', op: 'intake.service_contact',
    fields: () => [field(t('l_file_id'), text('file_id', { required: true, inputmode: 'numeric' })),
      field(t('l_contact_kind'), select('kind', 'contact')), field(t('l_by'), text('by_employee_no')),
      field(t('l_at'), when()), field(t('l_note'), area('note'))],
    build: (f) => {
      if (!/^\d+$/.test(val(f, 'file_id'))) throw new FieldError('file_id', '档案编号应为数字');
      return { contact: { file_id: Number(val(f, 'file_id')), kind: val(f, 'kind'), by_employee_no: val(f, 'by_employee_no'),
        at_us: localToUs(val(f, 'at_us')), note: val(f, 'note') } };
    },
  },
  {
    id: 'weekly', title: 'form_weekly', op: 'intake.weekly_report',
    fields: (ctx) => [field(t('l_employee_no'), text('employee_no', { required: true })),
      field(t('l_org_code'), text('org_code', { required: true, value: ctx.who && ctx.who.role === 'org_admin' ? ctx.who.org_scope : '' })),
      field(t('l_iso_week'), text('iso_week', { required: true, value: isoWeek(), pattern: '\\d{4}-W\\d{2}' })),
      field(t('l_epidemic_duty'), area('epidemic_duty')), field(t('l_production'), area('production')),
      checkField(t('l_no_outbreak'), check('no_outbreak')), checkField(t('l_production_stable'), check('production_stable'))],
    build: (f) => ({ report: { employee_no: val(f, 'employee_no'), org_code: val(f, 'org_code'), iso_week: val(f, 'iso_week'),
      epidemic_duty: val(f, 'epidemic_duty'), production: val(f, 'production'),
      no_outbreak: checked(f, 'no_outbreak'), production_stable: checked(f, 'production_stable') } }),
  },
  { id: 'import', title: 'form_import', op: 'intake.import_begin', custom: renderImport },
];

export async function render(el, [formId], ctx) {
  const who = ctx.who;
  const usable = FORMS.filter((f) => !has(f.op) || allowed(f.op, who && who.role));
  const current = usable.find((f) => f.id === formId) || usable[0];
  const tabs = h('ul', { class: 'tabs' }, usable.map((f) =>
    h('li', {}, h('a', { href: `/forms/${f.id}`, 'aria-current': f === current ? 'page' : null, 'data-form': f.id }, t(f.title)))));
  const body = h('div', { class: 'form-body' });
  el.append(h('h1', {}, t('forms_title')), h('nav', { 'aria-label': t('forms_title') }, tabs), body);
  if (!current) return;
  if (!has(current.op)) { body.appendChild(unavailable(current.op)); return; }
  if (current.custom) return current.custom(body, ctx);
  renderForm(body, current, ctx);
}

function renderForm(body, spec, ctx) {
  const result = h('div', { class: 'result', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'card form', id: `form-${spec.id}`, novalidate: true },
    h('h2', {}, t(spec.title)),
    spec.fields(ctx),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'primary' }, t('submit')));
  let key = newKey(); // one key per submission until it succeeds
  form.addEventListener('input', () => { key = newKey(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFormError(form);
    clear(result);
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      const reply = await call(spec.op, spec.build(form), { idempotencyKey: key });
      key = newKey();
      result.append(h('p', { class: 'ok' }, t('result_ok'), ' ', spec.done ? spec.done(reply) : ''));
      if (spec.after) await spec.after(result, form, reply);
    } catch (e) {
      showFormError(form, e);
    } finally {
      btn.disabled = false;
    }
  });
  body.append(form, result);
}

// After an incident: whether it is major, and the visit reminder notify opened for it.
async function incidentFollowUp(result, form, reply) {
  const emp = val(form, 'employee_no');
  if (reply.major) result.append(h('p', { class: 'warn' }, t('incident_major')));
  result.append(h('p', {}, h('a', { href: `/people/${encodeURIComponent(emp)}` }, `${t('person_file')} ${emp}`)));
  const box = h('section', { class: 'visit-tasks', 'aria-live': 'polite' }, h('h3', {}, t('incident_visit')));
  result.append(box);
  if (!has('notify.tasks')) { box.append(unavailable('notify.tasks')); return; }
  // the reminder comes through the event stream: give it a few seconds
  for (let i = 0; i < 20; i++) {
    let tasks = [];
    try {
      tasks = ((await call('notify.tasks', { kind: 'incident_visit', employee_no: emp, limit: 20 })).tasks) || [];
    } catch (e) { box.append(errorBlock(e)); return; }
    const mine = tasks.filter((x) => x.subject === `incident:${reply.incident_id}`);
    if (mine.length) {
      box.append(table(null, [
        { title: t('c_kind'), get: (x) => enumText('task', x.kind) },
        { title: t('c_state'), get: (x) => enumText('task', x.state) },
        { title: t('rem_due'), get: (x) => fmtTime(x.due_us) },
        { title: t('c_unit'), get: (x) => x.org_code },
      ], mine));
      box.setAttribute('data-visit', 'shown');
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  box.append(h('p', { class: 'empty' }, t('none')));
}

// ---- CSV import --------------------------------------------------------------------------

function renderImport(body) {
  const kind = h('select', { name: 'kind' }, ['people', 'org', 'posts'].map((k) => h('option', { value: k }, t(`import_${k}`))));
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv', required: true });
  const skip = check('skip_bad');
  const out = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const checkBtn = h('button', { type: 'submit', class: 'primary', name: 'check' }, t('import_check'));
  const applyBtn = h('button', { type: 'button', name: 'apply', disabled: true }, t('import_apply'));
  const form = h('form', { class: 'card form', id: 'form-import', novalidate: true },
    h('h2', {}, t('form_import')),
    field(t('l_import_kind'), kind), field(t('l_import_file'), file), checkField(t('l_skip_bad'), skip),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'buttons' }, checkBtn, applyBtn));
  let prepared = null; // {kind, rows, problems, name} of the file as checked
  const reset = () => { prepared = null; applyBtn.disabled = true; clear(out); };
  form.addEventListener('change', reset);

  async function readFile() {
    const f = file.files[0];
    if (!f) throw new FieldError('file', '请选择一个 CSV 文件');
    if (f.size > MAX_BYTES) throw new FieldError('file', `文件 ${Math.round(f.size / 1048576)} MB，超过 64 MB 上限`);
    const buf = await f.arrayBuffer();
    let textContent;
    try { textContent = new TextDecoder('utf-8', { fatal: true }).decode(buf); } catch {
      throw new FieldError('file', '文件不是有效的 UTF-8 文本（请在表格软件中另存为“CSV UTF-8”）');
    }
    if (textContent.includes('\u0000')) throw new FieldError('file', '文件含有 NUL 字节，不是 CSV 文本');
    let records;
    try { records = parseCsv(textContent); } catch (e) {
      return { name: f.name, rows: [], problems: [{ line: e.line || 1, column: 'row', reason: e.message }], headerOk: false };
    }
    return { name: f.name, ...toImportRows(kind.value, records) };
  }

  // One server-side session: begin, the chunks, commit (dry run or for real).
  async function send(p, dryRun) {
    const begin = await call('intake.import_begin', { kind: p.kind, skip_bad: checked(form, 'skip_bad'), file_name: p.name }, { idempotencyKey: newKey() });
    const parts = chunks(p.rows, p.problems);
    for (let seq = 0; seq < parts.length; seq++)
      await call('intake.import_chunk', { import_id: begin.import_id, seq, rows: parts[seq].rows, problems: parts[seq].problems }, { idempotencyKey: newKey() });
    const reply = await call('intake.import_commit', { import_id: begin.import_id, chunks: parts.length, dry_run: dryRun }, { idempotencyKey: newKey() });
    let problems = reply.problems || [];
    if ((reply.total_problems || 0) > problems.length && has('intake.import_problems')) {
      const more = await call('intake.import_problems', { import_id: begin.import_id, offset: problems.length, limit: 1000 });
      problems = problems.concat(more.problems || []);
    }
    return { reply, problems };
  }

  function showProblems(problems, total) {
    return h('div', { class: 'problems' },
      table(null, [
        { title: t('c_line'), get: (p) => String(p.line), class: 'num' },
        { title: t('c_column'), get: (p) => p.column },
        { title: t('c_reason'), get: (p) => p.reason },
      ], problems),
      total > problems.length ? h('p', {}, `… ${total - problems.length}`) : null);
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFormError(form);
    reset();
    checkBtn.disabled = true;
    try {
      const p = await readFile();
      p.kind = kind.value;
      if (!p.headerOk) {
        out.append(h('p', { class: 'bad', 'data-import': 'rejected' }, t('import_checked_bad', { bad: p.problems.length })), showProblems(p.problems, p.problems.length));
        return;
      }
      const { reply, problems } = await send(p, true);
      if (!problems.length) {
        out.append(h('p', { class: 'ok', 'data-import': 'checked' }, t('import_checked_ok', { rows: reply.rows || 0 })));
        applyBtn.disabled = false;
      } else {
        out.append(h('p', { class: 'bad', 'data-import': 'problems' }, t('import_checked_bad', { bad: reply.bad || problems.length })),
          showProblems(problems, reply.total_problems || problems.length));
        applyBtn.disabled = !checked(form, 'skip_bad');
      }
      prepared = p;
    } catch (e) {
      showFormError(form, e);
    } finally {
      checkBtn.disabled = false;
    }
  });

  applyBtn.addEventListener('click', async () => {
    if (!prepared) return;
    applyBtn.disabled = true;
    clear(out);
    try {
      const { reply, problems } = await send(prepared, false);
      if (reply.applied) {
        out.append(h('p', { class: 'ok', 'data-import': 'applied' }, t('import_done', { inserted: reply.inserted || 0, updated: reply.updated || 0, unchanged: reply.unchanged || 0, bad: reply.bad || 0 })));
        if (problems.length) out.append(showProblems(problems, reply.total_problems || problems.length));
      } else {
        out.append(h('p', { class: 'bad', 'data-import': 'rejected' }, t('import_not_applied')), showProblems(problems, reply.total_problems || problems.length));
      }
      prepared = null;
    } catch (e) {
      showFormError(form, e);
      applyBtn.disabled = false;
    }
  });
  body.append(form, out);
}
