// ui: the states every page shares — loading, "the API is not there yet", "no access" (403),
// errors naming the field — and the small notice area. All text goes in through dom.h.

import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { has } from './api.js';

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('loading'));
}

// The honest state of a feature whose route the gateway does not offer yet.
export function unavailable(op) {
  return h('section', { class: 'state state-unavailable', 'data-state': 'unavailable', 'data-op': op },
    h('h2', {}, t('unavailable')),
    h('p', {}, t('unavailable_detail', { op })));
}

// title: the heading (default "无权访问"; the 000 §9 records say "无权查看").
export function noAccess(err, title) {
  return h('section', { class: 'state state-denied', 'data-state': 'no-access', role: 'alert' },
    h('h2', {}, title || t('no_access')),
    h('p', {}, t('no_access_detail'), h('span', { class: 'api-msg' }, err ? err.message : '')));
}

// An error from the API as a block: 403 is "no access", 404 "not found", the rest say what
// failed and which field.
export function errorBlock(err, onRetry) {
  if (err && err.status === 403) return noAccess(err);
  const title = err && err.status === 404 ? t('not_found') : t('error');
  return h('section', { class: 'state state-error', 'data-state': 'error', role: 'alert' },
    h('h2', {}, title),
    h('p', {}, err && err.field ? `${err.field}：` : '', err ? err.message : ''),
    onRetry ? h('button', { type: 'button', on: { click: onRetry } }, t('retry')) : null);
}

// Renders unavailable(op) into el and returns false when the gateway lacks op.
export function need(el, op) {
  if (has(op)) return true;
  clear(el).appendChild(unavailable(op));
  return false;
}

// Shows a form error next to its field when the API named one, else at the form's top.
export function showFormError(form, err) {
  for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  const box = form.querySelector('.form-error');
  const name = (err.field || '').replace(/^[a-z_]+\./, '').replace(/\[\d*\]/g, '').split('.').pop();
  const input = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    const slot = form.querySelector(`#${CSS.escape(input.id)}-error`);
    if (slot) slot.textContent = err.message;
    input.focus();
  }
  if (box) {
    clear(box);
    box.appendChild(err.status === 403 ? noAccess(err)
      : h('p', {}, err.field ? `${err.field}：` : '', err.message));
    box.hidden = false;
  }
}

export function clearFormError(form) {
  for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  const box = form.querySelector('.form-error');
  if (box) { clear(box); box.hidden = true; }
}

let toastTimer = 0;
export function toast(text) {
  const el = document.getElementById('toast');
  el.textContent = text;
  el.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), 4000);
}
