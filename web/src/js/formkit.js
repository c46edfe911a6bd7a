// formkit: the small parts the action forms of the benefit, supplies and records pages share —
// labelled inputs and one form that sends one request message, keeps its Idempotency-Key until
// the submission succeeds (a retry after a lost answer is applied once), puts an error next to
// the field the API names, and says what happened.

import { h, clear, field } from './dom.js';
import { t } from './i18n.js';
import { call, newKey } from './api.js';
import { showFormError, clearFormError } from './ui.js';

export const text = (name, opts = {}) => h('input', { type: 'text', name, autocomplete: 'off', ...opts });
export const area = (name, opts = {}) => h('textarea', { name, rows: 3, ...opts });
export const when = (name) => h('input', { type: 'datetime-local', name });
export const dayInput = (name, opts = {}) => h('input', { type: 'date', name, ...opts });
export const check = (name) => h('input', { type: 'checkbox', name });
// options: [[value, label], ...]
export const choose = (name, options, opts = {}) => h('select', { name, ...opts },
  options.map(([v, label]) => h('option', { value: v }, label)));
export const checkField = (label, input) => h('div', { class: 'field field-check' }, input,
  h('label', { for: input.id || (input.id = `c-${input.name}-${Math.random().toString(36).slice(2, 8)}`) }, label));
export { field };

// namedItem, not elements[name]: a field named "item" would be the collection's item() method
export function val(form, name) { const e = form.elements.namedItem(name); return e ? e.value.trim() : ''; }
export function checked(form, name) { const e = form.elements.namedItem(name); return !!(e && e.checked); }

// A value the browser cannot turn into the message is reported like the API would: by field.
export class FieldError extends Error {
  constructor(field_, message) { super(message); this.field = field_; this.status = 400; }
}

// A whole number of units (> 0) from a field, or a FieldError naming it.
export function count(form, name) {
  const v = val(form, name);
  if (!/^\d{1,12}$/.test(v) || Number(v) <= 0) throw new FieldError(name, '数量应为正整数');
  return Number(v);
}

// actionForm({id, title, fields: [nodes], op, build(form) → request, done(reply, result, form),
// submit}) → the form and its result area. build may throw FieldError.
export function actionForm({ id, title, fields, op, build, done, submit, inline }) {
  const result = h('div', { class: 'result', role: 'status', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'primary' }, submit || t('submit'));
  const form = h('form', { class: `form${inline ? ' inline' : ''}`, id, novalidate: true, 'data-op': op },
    title ? h('h3', {}, title) : null,
    fields,
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'buttons' }, btn));
  let key = newKey();
  form.addEventListener('input', () => { key = newKey(); delete form.dataset.key; });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFormError(form);
    clear(result);
    btn.disabled = true;
    try {
      const reply = await call(op, build(form), { idempotencyKey: key });
      key = newKey();
      result.append(h('p', { class: 'ok' }, t('result_ok')));
      if (done) await done(reply, result, form);
    } catch (e) {
      showFormError(form, e);
    } finally {
      btn.disabled = false;
    }
  });
  return h('div', { class: 'action', 'data-form': id }, form, result);
}
