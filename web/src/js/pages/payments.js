// payments: the signed-in approver's queue (pending disbursements in the token's subtree) with
// approve and reject, the fund balances of the subtree, and one account's statement.

import { h, clear, field, table, fmtFen, fmtTime } from '../dom.js';
import { t, enumText, enumValues, getLang } from '../i18n.js';
import { call, has, allowed, newKey } from '../api.js';
import { errorBlock, unavailable, toast } from '../ui.js';

const tm = (us) => fmtTime(us, getLang());

export async function render(el, _params, ctx) {
  const role = ctx.who && ctx.who.role;
  const queue = h('section', { class: 'card', id: 'pay-queue' }, h('h2', {}, t('pay_queue')));
  const balances = h('section', { class: 'card', id: 'pay-balances' }, h('h2', {}, t('pay_balances')));
  const statement = h('section', { class: 'card', id: 'pay-statement' }, h('h2', {}, t('pay_statement')));
  el.append(h('h1', {}, t('pay_title')), queue, balances, statement);
  await Promise.all([renderQueue(queue, role), renderBalances(balances, statement)]);
}

async function renderQueue(box, role) {
  if (!has('welfare.pay_list')) { box.append(unavailable('welfare.pay_list')); return; }
  const list = h('div', {});
  box.append(list);
  const load = async () => {
    clear(list);
    let items;
    try { items = (await call('welfare.pay_list', { state: 'pending', limit: 200 })).items || []; } catch (e) { list.append(errorBlock(e)); return; }
    const canApprove = allowed('welfare.pay_approve', role);
    list.append(table(null, [
      { title: '#', get: (d) => String(d.id), class: 'num' },
      { title: t('c_when'), get: (d) => tm(d.requested_at_us) },
      { title: t('c_person'), get: (d) => h('a', { href: `/people/${encodeURIComponent(d.employee_no)}` }, d.employee_no) },
      { title: t('c_kind'), get: (d) => enumText('pay_kind', d.kind) },
      { title: t('c_amount'), get: (d) => fmtFen(d.amount_fen), class: 'num' },
      { title: t('c_fund'), get: (d) => `${d.payer_org} · ${enumText('fund', d.fund)}` },
      { title: t('c_reason'), get: (d) => d.memo || d.source_ref },
      { title: t('c_actions'), get: (d) => (canApprove ? actions(d, load) : '—') },
    ], items, t('none')));
  };
  await load();
}

function actions(d, reload) {
  const approve = h('button', { type: 'button', class: 'primary', 'data-approve': String(d.id), 'aria-label': `${t('pay_approve')} #${d.id}` }, t('pay_approve'));
  const reason = h('input', { type: 'text', name: `reject-${d.id}`, 'aria-label': `${t('pay_reject_reason')} #${d.id}`, placeholder: t('pay_reject_reason') });
  const reject = h('button', { type: 'button', 'data-reject': String(d.id) }, t('pay_reject'));
  const key = newKey();
  approve.addEventListener('click', async () => {
    approve.disabled = reject.disabled = true;
    try {
      await call('welfare.pay_approve', { id: d.id }, { idempotencyKey: `${key}-a` });
      toast(t('pay_approved'));
      await reload();
    } catch (e) { toast(e.message); approve.disabled = reject.disabled = false; }
  });
  reject.addEventListener('click', async () => {
    if (!reason.value.trim()) { reason.focus(); toast(t('pay_reject_reason')); return; }
    approve.disabled = reject.disabled = true;
    try {
      await call('welfare.pay_reject', { id: d.id, note: reason.value.trim() }, { idempotencyKey: `${key}-r` });
      toast(t('pay_rejected'));
      await reload();
    } catch (e) { toast(e.message); approve.disabled = reject.disabled = false; }
  });
  return h('div', { class: 'row-actions' }, approve, reason, reject);
}

async function renderBalances(box, statementBox) {
  if (!has('welfare.funds_balance')) { box.append(unavailable('welfare.funds_balance')); }
  let rows = [];
  if (has('welfare.funds_balance')) {
    try { rows = (await call('welfare.funds_balance', { subtree: true })).balances || []; } catch (e) { box.append(errorBlock(e)); }
    box.append(table(null, [
      { title: t('c_unit'), get: (b) => `${b.org_code} ${b.org_name || ''}` },
      { title: t('c_fund'), get: (b) => enumText('fund', b.fund) },
      { title: t('c_available'), get: (b) => fmtFen(b.available_fen), class: 'num' },
      { title: t('c_reserved'), get: (b) => fmtFen(b.reserved_fen), class: 'num' },
      { title: t('c_paid'), get: (b) => fmtFen(b.paid_fen), class: 'num' },
      { title: t('c_awaiting'), get: (b) => fmtFen(b.awaiting_fen), class: 'num' },
    ], rows, t('none')));
  }
  if (!has('welfare.funds_statement')) { statementBox.append(unavailable('welfare.funds_statement')); return; }
  const orgs = [...new Set(rows.map((b) => b.org_code))];
  const org = orgs.length ? h('select', { name: 'org_code' }, orgs.map((o) => h('option', { value: o }, o)))
    : h('input', { type: 'text', name: 'org_code', required: true });
  const fund = h('select', { name: 'fund' }, enumValues('fund').map((f) => h('option', { value: f }, enumText('fund', f))));
  const out = h('div', {});
  const form = h('form', { class: 'form inline' }, field(t('c_unit'), org), field(t('c_fund'), fund),
    h('button', { type: 'submit' }, t('pay_show_statement')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(out);
    try {
      const s = await call('welfare.funds_statement', { org_code: org.value.trim(), fund: fund.value, limit: 500 });
      out.append(h('p', {}, `${t('pay_opening')} ${fmtFen(s.opening_fen)} · ${t('pay_closing')} ${fmtFen(s.closing_fen)}`),
        table(null, [
          { title: t('c_when'), get: (l) => tm(l.at_us) },
          { title: t('c_kind'), get: (l) => l.kind },
          { title: t('c_amount'), get: (l) => fmtFen(l.amount_fen), class: 'num' },
          { title: t('c_balance'), get: (l) => fmtFen(l.balance_fen), class: 'num' },
          { title: t('c_counterparty'), get: (l) => l.counterparty },
          { title: t('c_note'), get: (l) => l.memo },
        ], s.lines, t('none')));
    } catch (e) { out.append(errorBlock(e)); }
  });
  statementBox.append(form, out);
}
