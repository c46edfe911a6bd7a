// reminders: what notify sent to whom and how each delivery went, the dead letters (with a
// retry for an administrator), and the open tasks (visits, talks, reports) in the subtree.

import { h, clear, field, table, fmtTime } from '../dom.js';
import { t, enumText, getLang } from '../i18n.js';
import { call, has, allowed, newKey } from '../api.js';
import { errorBlock, unavailable, toast } from '../ui.js';

const tm = (us) => fmtTime(us, getLang());
const deliveries = (m) => h('ul', { class: 'plain' }, (m.deliveries || []).map((d) =>
  h('li', { 'data-delivery': d.state }, `${d.channel} → ${d.address || ''}：${enumText('delivery', d.state)}`, d.last_error ? ` (${d.last_error})` : '')));

export async function render(el, _params, ctx) {
  const role = ctx.who && ctx.who.role;
  el.append(h('h1', {}, t('rem_title')));
  const sent = h('section', { class: 'card', id: 'rem-sent' }, h('h2', {}, t('rem_sent')));
  const dead = h('section', { class: 'card', id: 'rem-dead' }, h('h2', {}, t('rem_dead')));
  const tasks = h('section', { class: 'card', id: 'rem-tasks' }, h('h2', {}, t('rem_tasks')));
  el.append(sent, dead, tasks);
  if (!has('notify.status')) {
    sent.append(unavailable('notify.status'));
    dead.append(unavailable('notify.status'));
  } else {
    const recipient = h('input', { type: 'text', name: 'recipient' });
    const out = h('div', {});
    const form = h('form', { class: 'form inline' }, field(t('rem_recipient'), recipient), h('button', { type: 'submit' }, t('search')));
    const load = async () => {
      clear(out);
      try {
        const r = await call('notify.status', { recipient: recipient.value.trim(), limit: 100 });
        out.append(h('p', { class: 'figures' }, `${t('rem_counts')}：`,
          ['queued', 'sending', 'sent', 'failed', 'dead'].map((s) => `${enumText('delivery', s)} ${r[s] || 0}  `)),
        table(null, [
          { title: t('c_when'), get: (m) => tm(m.created_us) },
          { title: t('c_recipient'), get: (m) => `${m.recipient_name || ''} ${m.recipient}` },
          { title: t('c_title'), get: (m) => m.title },
          { title: t('c_state'), get: deliveries },
        ], r.messages, t('none')));
      } catch (e) { out.append(errorBlock(e)); }
    };
    form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
    sent.append(form, out);
    await load();
    await renderDead(dead, role);
  }
  if (!has('notify.tasks')) { tasks.append(unavailable('notify.tasks')); return; }
  try {
    const r = await call('notify.tasks', { state: 'open', limit: 200 });
    tasks.append(table(null, [
      { title: t('c_kind'), get: (x) => enumText('task', x.kind) },
      { title: t('c_person'), get: (x) => (x.employee_no ? h('a', { href: `/people/${encodeURIComponent(x.employee_no)}` }, x.employee_no) : x.subject) },
      { title: t('c_unit'), get: (x) => x.org_code },
      { title: t('rem_due'), get: (x) => tm(x.due_us) },
      { title: t('rem_escalated'), get: (x) => (x.escalated ? t('yes') : t('no')) },
    ], r.tasks, t('none')));
  } catch (e) { tasks.append(errorBlock(e)); }
}

async function renderDead(box, role) {
  const out = h('div', {});
  box.append(out);
  try {
    const r = await call('notify.status', { state: 'dead', limit: 100 });
    const canRetry = allowed('notify.retry', role);
    const rows = [];
    for (const m of r.messages || []) for (const d of m.deliveries || []) if (d.state === 'dead') rows.push({ m, d });
    out.append(table(null, [
      { title: t('c_when'), get: (x) => tm(x.m.created_us) },
      { title: t('c_recipient'), get: (x) => `${x.m.recipient_name || ''} ${x.m.recipient}` },
      { title: t('c_title'), get: (x) => x.m.title },
      { title: t('c_channel'), get: (x) => `${x.d.channel} → ${x.d.address || ''}` },
      { title: t('c_attempts'), get: (x) => String(x.d.attempts || 0), class: 'num' },
      { title: t('c_error'), get: (x) => x.d.last_error },
      { title: t('c_actions'), get: (x) => {
        if (!canRetry) return '—';
        const b = h('button', { type: 'button' }, t('rem_retry'));
        b.addEventListener('click', async () => {
          b.disabled = true;
          try { await call('notify.retry', { delivery_id: x.d.delivery_id }, { idempotencyKey: newKey() }); toast(t('saved')); } catch (e) { toast(e.message); b.disabled = false; }
        });
        return b;
      } },
    ], rows, t('none')));
  } catch (e) { out.append(errorBlock(e)); }
}
