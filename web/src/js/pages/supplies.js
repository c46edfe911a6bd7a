// supplies: protective supplies and daily needs (000 §3). Stock per unit of the subtree with
// days of cover at the last 7 days' use; the posts' requests in the order welfare serves them
// (risk class, then people on duty now, then the oldest), unmet ones highlighted; serve by
// priority, receive stock, transfer it down the tree, issue it to a post, a post's request;
// the posts' daily needs with "mark met" (an issue covering the day's need meets it too). welfare
// keeps the ledger (never below zero) and decides the order; this page only shows and asks.

import { h, clear, table, fmtTime, localToUs } from '../dom.js';
import { t, enumText, getLang } from '../i18n.js';
import { call, has, allowed, newKey } from '../api.js';
import { errorBlock, unavailable, toast } from '../ui.js';
import { actionForm, field, text, area, when, dayInput, choose, check, checkField, val, count } from '../formkit.js';

const tm = (us) => fmtTime(us, getLang());

function cover(s) {
  if (s.cover_days_x10 < 0) return t('sup_no_use');
  return (Number(s.cover_days_x10) / 10).toFixed(1);
}

export async function render(el, _params, ctx) {
  const who = ctx.who;
  const role = who && who.role;
  el.append(h('h1', {}, t('sup_title')));
  if (!has('welfare.supply_stock')) { el.append(unavailable('welfare.supply_stock')); return; }
  const params = new URLSearchParams(location.search);
  let items = [];
  if (has('welfare.supply_items')) {
    try { items = (await call('welfare.supply_items', {})).items || []; } catch (e) { el.append(errorBlock(e)); return; }
  }
  const itemOpts = (filter) => items.filter((i) => !filter || i.category === filter).map((i) => [i.code, `${i.name}（${i.unit}）`]);
  const orgIn = text('org_code', { required: true, value: params.get('org') || (who && who.org_scope) || '' });
  const pick = h('form', { class: 'form inline', id: 'sup-org' }, field(t('sup_org'), orgIn), h('button', { type: 'submit' }, t('sup_show')));
  const stock = h('section', { class: 'card', id: 'sup-stock' }, h('h2', {}, t('sup_stock')));
  const queue = h('section', { class: 'card', id: 'sup-requests' }, h('h2', {}, t('sup_requests')));
  const needs = h('section', { class: 'card', id: 'sup-needs' }, h('h2', {}, t('sup_needs')));
  el.append(pick, stock, queue, needs);
  const stockBody = h('div', {}), queueBody = h('div', {}), needsBody = h('div', {});
  stock.append(stockBody);
  queue.append(queueBody);
  const org = () => orgIn.value.trim();

  const loadStock = async () => {
    clear(stockBody);
    try {
      const r = await call('welfare.supply_stock', { org_code: org(), subtree: true });
      stockBody.append(table(null, [
        { title: t('c_unit'), get: (s) => `${s.org_code} ${s.org_name || ''}` },
        { title: t('sup_item'), get: (s) => `${s.item_name || s.item}` },
        { title: t('sup_stock_now'), get: (s) => h('span', { 'data-stock': `${s.org_code}:${s.item}` }, `${s.stock} ${s.unit || ''}`), class: 'num' },
        { title: t('sup_cover'), get: cover, class: 'num' },
        { title: t('sup_issued_7d'), get: (s) => String(s.issued_7d || 0), class: 'num' },
        { title: t('sup_waiting'), get: (s) => (s.waiting ? h('span', { class: 'bad' }, String(s.waiting)) : '0'), class: 'num' },
      ], r.stock, t('none')));
    } catch (e) { stockBody.append(errorBlock(e)); }
  };

  const loadQueue = async () => {
    clear(queueBody);
    if (!has('welfare.supply_requests')) { queueBody.append(unavailable('welfare.supply_requests')); return; }
    try {
      const r = await call('welfare.supply_requests', { org_code: org(), limit: 500 });
      queueBody.append(table(null, [
        { title: t('sup_rank'), get: (q) => String(q.rank || '—'), class: 'num' },
        { title: t('sup_item'), get: (q) => q.item_name || q.item },
        { title: t('c_post'), get: (q) => `${q.post_code} ${q.post_name || ''}` },
        { title: t('sup_risk'), get: (q) => (q.risk_class ? String(q.risk_class) : '—'), class: 'num' },
        { title: t('sup_on_duty'), get: (q) => String(q.on_duty || 0), class: 'num' },
        { title: t('sup_requested'), get: (q) => tm(q.requested_at_us) },
        { title: t('sup_quantity'), get: (q) => `${q.quantity} ${q.unit || ''}`, class: 'num' },
        { title: t('sup_served'), get: (q) => String(q.served || 0), class: 'num' },
        { title: t('c_state'), get: (q) => h('span', { class: q.state === 'waiting' || q.state === 'partial' ? 'bad' : null, 'data-request': String(q.id), 'data-state': q.state }, enumText('supply_state', q.state)) },
      ], r.requests, t('none')));
      for (const s of queueBody.querySelectorAll('[data-state="waiting"], [data-state="partial"]')) s.closest('tr').classList.add('row-unmet');
    } catch (e) { queueBody.append(errorBlock(e)); }
  };

  const open = check('open_only');
  open.checked = true;
  const needsFilter = h('form', { class: 'form inline' }, checkField(t('sup_open_only'), open));
  open.addEventListener('change', () => loadNeeds());
  needs.append(needsFilter, needsBody);
  const loadNeeds = async () => {
    clear(needsBody);
    if (!has('welfare.supply_needs')) { needsBody.append(unavailable('welfare.supply_needs')); return; }
    try {
      const r = await call('welfare.supply_needs', { org_code: org(), open_only: open.checked });
      const canMeet = allowed('welfare.supply_need_met', role);
      needsBody.append(table(null, [
        { title: t('c_when'), get: (n) => n.day },
        { title: t('c_post'), get: (n) => `${n.post_code} ${n.post_name || ''}` },
        { title: t('sup_item'), get: (n) => n.item_name || n.item },
        { title: t('sup_quantity'), get: (n) => `${n.quantity} ${n.unit || ''}`, class: 'num' },
        { title: t('sup_detail'), get: (n) => n.detail },
        { title: t('sup_due'), get: (n) => h('span', { class: !n.met_at_us && n.overdue_at_us ? 'bad' : null }, tm(n.due_us)) },
        { title: t('sup_met'), get: (n) => (n.met_at_us ? `${tm(n.met_at_us)} · ${n.met_by || ''} ${n.met_note || ''}` : (canMeet ? meetAction(n) : '—')) },
      ], r.needs, t('none')));
    } catch (e) { needsBody.append(errorBlock(e)); }
  };

  function meetAction(n) {
    const note = h('input', { type: 'text', name: `met-note-${n.id}`, 'aria-label': `${t('sup_met_note')} #${n.id}`, placeholder: t('sup_met_note') });
    const btn = h('button', { type: 'button', 'data-meet': String(n.id) }, t('sup_mark_met'));
    const key = newKey();
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await call('welfare.supply_need_met', { id: n.id, note: note.value.trim() }, { idempotencyKey: key });
        toast(t('saved'));
        await loadNeeds();
      } catch (e) { toast(e.message); btn.disabled = false; }
    });
    return h('div', { class: 'row-actions' }, note, btn);
  }

  const reloadAll = () => Promise.all([loadStock(), loadQueue(), loadNeeds()]);
  pick.addEventListener('submit', (ev) => {
    ev.preventDefault();
    history.replaceState({}, '', `/supplies?org=${encodeURIComponent(org())}`);
    reloadAll();
  });

  // the actions the role may take
  if (has('welfare.supply_serve') && allowed('welfare.supply_serve', role)) {
    queue.append(actionForm({
      id: 'form-supply-serve', title: t('sup_serve_title'), op: 'welfare.supply_serve', submit: t('sup_serve_btn'), inline: true,
      fields: [field(t('sup_serve_item'), choose('item', [['', '—'], ...itemOpts()]))],
      build: (f) => ({ org_code: org(), item: val(f, 'item') }),
      done: async (r, result) => {
        result.append(h('p', { 'data-served': String(r.issued || 0) }, t('sup_served_n', { n: r.issued || 0, w: r.still_waiting || 0 })));
        await reloadAll();
      },
    }));
  }
  const forms = h('section', { class: 'card', id: 'sup-forms' }, h('h2', {}, t('c_actions')));
  if (has('welfare.supply_receive') && allowed('welfare.supply_receive', role)) {
    forms.append(actionForm({
      id: 'form-supply-receive', title: t('sup_receive_title'), op: 'welfare.supply_receive',
      fields: [field(t('sup_org'), text('org_code', { required: true, value: org() })), field(t('sup_item'), choose('item', itemOpts())),
        field(t('sup_quantity'), text('quantity', { required: true, inputmode: 'numeric' })), field(t('sup_source'), text('source', { required: true })),
        field(t('l_note'), text('memo'))],
      // the idempotency key welfare requires: one per submission, kept while it is retried
      build: (f) => ({ org_code: val(f, 'org_code'), item: val(f, 'item'), quantity: count(f, 'quantity'), source: val(f, 'source'), memo: val(f, 'memo'),
        idempotency_key: f.dataset.key || (f.dataset.key = newKey()) }),
      done: async (_r, _res, f) => { delete f.dataset.key; await loadStock(); },
    }));
  }
  // move stock down the tree, and issue it straight to a post: welfare refuses a unit not below
  // the sender, a post not under it, or more than the stock holds (the error sits by the field)
  if (has('welfare.supply_transfer') && allowed('welfare.supply_transfer', role)) {
    forms.append(actionForm({
      id: 'form-supply-transfer', title: t('sup_transfer_title'), op: 'welfare.supply_transfer',
      fields: [field(t('sup_from_org'), text('from_org', { required: true, value: org() })), field(t('sup_to_org'), text('to_org', { required: true })),
        field(t('sup_item'), choose('item', itemOpts())), field(t('sup_quantity'), text('quantity', { required: true, inputmode: 'numeric' })),
        field(t('l_note'), text('memo'))],
      build: (f) => ({ from_org: val(f, 'from_org'), to_org: val(f, 'to_org'), item: val(f, 'item'), quantity: count(f, 'quantity'), memo: val(f, 'memo') }),
      done: () => loadStock(),
    }));
  }
  if (has('welfare.supply_issue') && allowed('welfare.supply_issue', role)) {
    forms.append(actionForm({
      id: 'form-supply-issue', title: t('sup_issue_title'), op: 'welfare.supply_issue',
      fields: [field(t('sup_issue_from'), text('org_code', { required: true, value: org() })), field(t('sup_post'), text('post_code', { required: true })),
        field(t('sup_item'), choose('item', itemOpts())), field(t('sup_quantity'), text('quantity', { required: true, inputmode: 'numeric' })),
        field(t('l_note'), text('memo'))],
      build: (f) => ({ org_code: val(f, 'org_code'), post_code: val(f, 'post_code'), item: val(f, 'item'), quantity: count(f, 'quantity'), memo: val(f, 'memo') }),
      // an issue may meet the post's daily need of the day: the needs are shown again too
      done: () => reloadAll(),
    }));
  }
  if (has('welfare.supply_request') && allowed('welfare.supply_request', role)) {
    forms.append(actionForm({
      id: 'form-supply-request', title: t('sup_request_title'), op: 'welfare.supply_request',
      fields: [field(t('sup_post'), text('post_code', { required: true })), field(t('sup_item'), choose('item', itemOpts())),
        field(t('sup_quantity'), text('quantity', { required: true, inputmode: 'numeric' })), field(t('l_note'), text('memo'))],
      build: (f) => ({ post_code: val(f, 'post_code'), item: val(f, 'item'), quantity: count(f, 'quantity'), memo: val(f, 'memo') }),
      done: () => reloadAll(),
    }));
  }
  if (has('welfare.supply_need_record') && allowed('welfare.supply_need_record', role)) {
    forms.append(actionForm({
      id: 'form-supply-need', title: t('sup_need_title'), op: 'welfare.supply_need_record',
      fields: [field(t('sup_post'), text('post_code', { required: true })), field(t('sup_item'), choose('item', itemOpts('daily'))),
        field(t('sup_quantity'), text('quantity', { required: true, inputmode: 'numeric' })), field(t('sup_day'), dayInput('day')),
        field(t('sup_due'), when('due_us')), field(t('sup_detail'), area('detail'))],
      build: (f) => ({ post_code: val(f, 'post_code'), item: val(f, 'item'), quantity: count(f, 'quantity'), day: val(f, 'day'),
        due_us: localToUs(val(f, 'due_us')), detail: val(f, 'detail') }),
      done: () => loadNeeds(),
    }));
  }
  if (forms.childElementCount > 1) el.append(forms);
  if (!org()) return;
  await reloadAll();
}
