// console.test: the web console in Debian's Chromium (headless, through playwright-core)
// against the running system that tests/e2e/run.sh started. Each test signs in with a real
// token and checks what a person would see, and what the API answered. A feature whose route
// the gateway does not offer yet must show the honest "not available" state: that is checked,
// and the test is reported as skipped. Screenshots go to $FC_E2E_SCREENSHOTS.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(`${process.env.NODE_PATH || '.'}/`);
const { chromium } = require('playwright-core');

const BASE = process.env.FC_E2E_URL;
const GROUP = process.env.FC_E2E_GROUP_TOKEN;
const S01 = process.env.FC_E2E_S01_TOKEN;
const S02 = process.env.FC_E2E_S02_TOKEN;
const SHOTS = process.env.FC_E2E_SCREENSHOTS;
const SLOW = process.env.FC_SANITIZE ? 4 : 1;
mkdirSync(SHOTS, { recursive: true });

let context;
let routes; // op → x-min-role, from the gateway's own /openapi.json

before(async () => {
  const doc = await (await fetch(`${BASE}/openapi.json`)).json();
  routes = new Map(Object.entries(doc.paths).map(([p, item]) => [p.replace(/^\/api\/v1\//, '').replace('/', '.'), item]));
  context = await chromium.launchPersistentContext(process.env.FC_E2E_PROFILE, {
    executablePath: process.env.FC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(15000 * SLOW);
});

after(async () => { if (context) await context.close(); });

const has = (op) => routes.has(op);

// A fresh tab (its own sessionStorage) that records every CSP violation and script error.
async function tab(viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') process.stderr.write(`browser ${m.type()}: ${m.text()}\n`);
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.api = [];
  page.on('response', (r) => { if (r.url().includes('/api/v1/')) page.api.push({ url: r.url(), status: r.status() }); });
  return page;
}

async function done(page, shot) {
  if (shot) await page.screenshot({ path: `${SHOTS}/${shot}.png`, fullPage: true });
  assert.deepEqual(page.problems, [], 'no CSP violation and no script error');
  await page.close();
}

async function signIn(page, token) {
  await page.goto(`${BASE}/`);
  await page.waitForSelector('#signin-form');
  await page.fill('#token', token);
  await page.press('#token', 'Enter');
  await page.waitForSelector('#nav a[data-nav]', { state: 'attached' });
}

async function api(token, op, body) {
  const r = await fetch(`${BASE}/api/v1/${op.replace('.', '/')}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

async function expectUnavailable(page, op, t) {
  await page.waitForSelector(`[data-state="unavailable"][data-op="${op}"]`);
  t.skip(`the gateway has no ${op} yet: the page says so`);
}

test('the console is served with a strict Content-Security-Policy', async () => {
  for (const path of ['/', '/people/E1001', '/js/app.js', '/vendor/echarts/echarts.esm.min.mjs']) {
    const r = await fetch(`${BASE}${path}`);
    assert.equal(r.status, 200, path);
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  }
  assert.equal((await fetch(`${BASE}/js/app.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await fetch(`${BASE}/vendor/echarts/echarts.esm.min.mjs`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
  const api = await fetch(`${BASE}/api/v1/intake/person_get`, { method: 'POST', body: '{}' });
  assert.equal(api.status, 401, 'the API is still the gateway\'s');
});

test('a subsidiary admin signs in; the token stays in this tab\'s session only', async () => {
  const page = await tab();
  await page.goto(`${BASE}/`);
  await page.waitForSelector('#signin-form');
  await page.screenshot({ path: `${SHOTS}/01-signin.png`, fullPage: true });
  // a wrong token is refused with the API's message
  await page.fill('#token', 'fct_not_a_real_token_at_all_0000000000000000');
  await page.press('#token', 'Enter');
  await page.waitForSelector('#signin-form .form-error:not([hidden])');
  await page.fill('#token', S01);
  await page.press('#token', 'Enter');
  await page.waitForSelector('#nav a[data-nav]');
  const navs = await page.$$eval('#nav a[data-nav]', (as) => as.map((a) => a.dataset.nav));
  assert.ok(navs.includes('people') && navs.includes('forms'), `nav: ${navs}`);
  if (has('gateway.whoami')) {
    assert.ok(!navs.includes('dashboard'), 'the group dashboard is not a subsidiary admin\'s page');
    assert.equal(await page.textContent('.who-role'), '单位管理员');
  }
  const stored = await page.evaluate(() => ({ s: sessionStorage.getItem('fc.token'), l: Object.keys(localStorage) }));
  assert.equal(stored.s, S01);
  assert.ok(!stored.l.some((k) => k.includes('token')), 'nothing secret in localStorage');
  await done(page, '02-home-org-admin');
});

test('CSV import: a bad row is listed by line before anything is saved', async (t) => {
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/forms/import`);
  if (!has('intake.import_begin')) return expectUnavailable(page, 'intake.import_begin', t);
  const csv = 'employee_no,name,phone,org_code,party_status,cadre_level,leadership_team,young_cadre,reserve_pool,medical_staff,aid_team,spouse_employee_no,cares_for_elderly,cares_for_children,fit_for_frontline\n'
    + 'E1101,赵敏,13800001101,S01B1,member,none,0,0,0,0,0,,0,0,1\n'
    + 'E1102,钱军,13800001102,S01B1,member,none,0,2,0,0,0,,0,0,1\n'
    + 'E1103,孙洋,13800001103,S02B1,none,none,0,0,0,0,0,,0,0,1\n';
  await page.selectOption('#form-import select[name=kind]', 'people');
  await page.setInputFiles('#form-import input[type=file]', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.click('#form-import button[name=check]');
  await page.waitForSelector('[data-import="problems"]');
  const rows = await page.$$eval('.problems tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.ok(rows.some(([line, col]) => line === '3' && col === 'young_cadre'), JSON.stringify(rows));
  assert.ok(rows.some(([line]) => line === '4'), 'a row outside the subtree is refused too');
  assert.ok(await page.isDisabled('#form-import button[name=apply]'), 'nothing can be imported with errors');
  await page.screenshot({ path: `${SHOTS}/03-import-errors.png`, fullPage: true });
  const good = await api(S01, 'intake.person_get', { employee_no: 'E1101' });
  assert.equal(good.status, 404, 'the good row was not saved either');
  // skipping bad rows imports the good one, after a new check
  await page.check('#form-import input[name=skip_bad]');
  await page.click('#form-import button[name=check]');
  await page.waitForSelector('[data-import="problems"]');
  await page.click('#form-import button[name=apply]');
  await page.waitForSelector('[data-import="applied"]');
  assert.equal((await api(S01, 'intake.person_get', { employee_no: 'E1101' })).status, 200);
  await done(page, '04-import-skip-bad');
});

test('an incident is recorded and its visit reminder appears', async (t) => {
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/forms/incident`);
  if (!has('intake.incident')) return expectUnavailable(page, 'intake.incident', t);
  // a bad employee number is an error naming the field, and nothing is recorded
  await page.fill('#form-incident input[name=employee_no]', 'E9999');
  await page.click('#form-incident button[type=submit]');
  await page.waitForSelector('#form-incident .form-error:not([hidden])');
  await page.fill('#form-incident input[name=employee_no]', 'E1001');
  await page.selectOption('#form-incident select[name=kind]', 'injured');
  await page.fill('#form-incident textarea[name=description]', '卡口执勤时扭伤脚踝');
  await page.check('#form-incident input[name=on_duty]');
  await page.click('#form-incident button[type=submit]');
  await page.waitForSelector('.result .ok');
  if (!has('notify.tasks')) {
    await page.waitForSelector('.visit-tasks [data-state="unavailable"]');
    await page.screenshot({ path: `${SHOTS}/05-incident.png`, fullPage: true });
    t.skip('the gateway has no notify.tasks yet: the page says so');
    return page.close();
  }
  await page.waitForSelector('.visit-tasks[data-visit="shown"]', { timeout: 20000 * SLOW });
  await done(page, '05-incident-visit');
});

test('a payment is approved from the approval queue', async (t) => {
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/payments`);
  if (!has('welfare.pay_list')) return expectUnavailable(page, 'welfare.pay_list', t);
  await page.waitForSelector('#pay-balances table');
  const btn = await page.waitForSelector('#pay-queue button[data-approve]');
  const id = Number(await btn.getAttribute('data-approve'));
  await page.screenshot({ path: `${SHOTS}/06-payments-queue.png`, fullPage: true });
  await btn.click();
  await page.waitForSelector(`#pay-queue button[data-approve="${id}"]`, { state: 'detached' });
  const r = await api(S01, 'welfare.pay_list', { employee_no: 'E1002', limit: 10 });
  assert.equal(r.status, 200);
  assert.equal(r.body.items.find((d) => d.id === id).state, 'paid');
  await done(page, '07-payments-approved');
});

test('the person\'s file opens inside the subtree, and user text stays text', async () => {
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/people`);
  await page.fill('#people-q', 'E1001');
  await page.press('#people-q', 'Enter');
  await page.waitForSelector('.page[data-page="person"][data-status="200"]');
  assert.match(await page.textContent('main h1'), /王伟/);
  await page.screenshot({ path: `${SHOTS}/08-person-file.png`, fullPage: true });
  await page.goto(`${BASE}/people/E1009`);
  await page.waitForSelector('.page[data-page="person"][data-status="200"]');
  assert.match(await page.textContent('main h1'), /<img src=x onerror=window.__xss=1>/);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'the name did not run as HTML');
  assert.equal(await page.$$eval('main img', (x) => x.length), 0);
  await done(page, '09-person-escaped');
});

test('people search: part of a name or the start of an employee number, inside the subtree only', async (t) => {
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/people`);
  if (!has('intake.person_search')) return expectUnavailable(page, 'intake.person_search', t);
  const search = async (q, org = '') => {
    await page.fill('#people-q', q);
    await page.fill('#people-org', org);
    await page.press('#people-q', 'Enter');
    await page.waitForFunction((want) => new URLSearchParams(location.search).get('q') === want
      && (document.querySelector('#people-results[data-results]') || document.querySelector('#people-results [data-state]')), q);
  };
  const hits = () => page.$$eval('#people-results a[data-emp]', (as) => as.map((a) => a.dataset.emp));
  // one character of a Chinese name, in the subtree only (张强 of S02 is not found)
  await search('王');
  assert.deepEqual(await hits(), ['E1001']);
  assert.match(await page.textContent('#people-results'), /炼铁第一党支部（S01B1）/);
  await search('张');
  assert.deepEqual(await hits(), []);
  assert.equal(await page.getAttribute('#people-results', 'data-results'), '0');
  // the beginning of an employee number, any case; a hostile name stays text
  await search('e100');
  assert.deepEqual(await hits(), ['E1001', 'E1002', 'E1009']);
  assert.equal(await page.$$eval('main img', (x) => x.length), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.screenshot({ path: `${SHOTS}/16-people-search.png`, fullPage: true });
  // another subsidiary's unit: no access, as the API said
  await search('王', 'S02B1');
  await page.waitForSelector('#people-results [data-state="no-access"]');
  const calls = page.api.filter((c) => /intake\/person_search$/.test(c.url)).map((c) => c.status);
  assert.deepEqual(calls, [200, 200, 200, 403]);
  // the address keeps the query: reloading shows the same results; a hit opens the file
  await search('李');
  await page.reload();
  await page.waitForSelector('#people-results a[data-emp="E1002"]');
  await page.click('#people-results a[data-emp="E1002"]');
  await page.waitForSelector('.page[data-page="person"][data-status="200"]');
  assert.match(await page.textContent('main h1'), /李芳/);
  await done(page, '17-people-open');
});

test('roster calendar: uncovered shifts and forced rest highlighted, every cell explained by click or keyboard', async (t) => {
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/roster`);
  if (!has('rotation.roster_show')) return expectUnavailable(page, 'rotation.roster_show', t);
  const from = process.env.FC_E2E_ROSTER_FROM;
  assert.ok(from, 'run.sh planned a roster');
  // the unit's calendar: a row per post and shift, a column per day; P02 needs more people
  // than S01 has, so some of its shifts are uncovered
  const unitReply = page.waitForResponse((r) => /rotation\/roster_show$/.test(r.url()));
  await page.goto(`${BASE}/roster?org=S01&from=${from}&days=7`);
  const unit = await (await unitReply).json();
  await page.waitForSelector('#roster-out[data-loaded] table[data-roster="org"]');
  assert.equal(await page.$$eval('table[data-roster="org"] thead th[data-date]', (x) => x.length), 7);
  // E1002's forced rest comes as a structured list (not as note text): a row of its own with
  // exactly the days rotation listed, and a line in the list of rests
  const unitRest = (unit.forced_rests || []).find((f) => f.employee_no === 'E1002');
  assert.ok(unitRest, JSON.stringify(unit.forced_rests));
  assert.equal(unitRest.metric, 'rest_minutes');
  assert.equal(unitRest.in_force, true);
  assert.ok(unitRest.dates.length >= 2 && unitRest.dates.every((d) => d >= from), JSON.stringify(unitRest));
  assert.deepEqual(await page.$$eval('tr[data-rest-of="E1002"] td[data-rest="true"].cell-rest', (x) => x.map((td) => td.dataset.date)), unitRest.dates);
  assert.match(await page.textContent('#roster-rests li[data-emp="E1002"][data-in-force="true"]'), /上一班前休息 1\.0 小时，少于下限 11\.0 小时/);
  assert.ok(await page.$$eval('td[data-uncovered="true"].cell-uncovered', (x) => x.length) > 0, 'uncovered shifts are highlighted');
  assert.ok(await page.$$eval('button[data-cell][data-emp]', (x) => x.length) > 0, 'people are on the roster');
  const unlabelled = await page.$$eval('main input, main select, main textarea', (els) =>
    els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.name));
  assert.deepEqual(unlabelled, []);
  await page.screenshot({ path: `${SHOTS}/18-roster-unit.png`, fullPage: true });
  // click: a person's day is explained by rotation (its text and rule checks)
  const first = await page.$('button[data-cell][data-emp]');
  const emp = await first.getAttribute('data-emp');
  const date = await first.getAttribute('data-date');
  await first.click();
  await page.waitForSelector('#roster-explain:not([hidden]) [data-explain="text"]');
  assert.match(await page.textContent('#roster-explain h2'), new RegExp(`${emp} · ${date}`));
  assert.ok((await page.textContent('#roster-explain [data-explain="text"]')).trim().length > 3);
  assert.ok(page.api.some((c) => /rotation\/roster_explain$/.test(c.url) && c.status === 200), JSON.stringify(page.api));
  await page.screenshot({ path: `${SHOTS}/19-roster-explain.png`, fullPage: true });
  // keyboard: arrows move between cells, Enter explains the focused one
  await page.focus('button[data-cell][data-gap]');
  const gapDate = await page.evaluate(() => document.activeElement.dataset.date);
  await page.keyboard.press('Enter');
  await page.waitForFunction((d) => document.querySelector('#roster-explain h2').textContent.includes(d)
    && /缺员/.test(document.querySelector('#roster-explain h2').textContent), gapDate);
  assert.ok((await page.textContent('#roster-explain [data-explain="text"]')).trim().length > 0, 'an uncovered shift says why');
  const col = () => page.evaluate(() => document.activeElement.dataset.col);
  await page.keyboard.press('Home');
  assert.equal(await col(), '0');
  await page.keyboard.press('ArrowRight');
  assert.equal(await col(), '1');
  await page.keyboard.press('End');
  assert.equal(await col(), '6');
  // a person's calendar: E1002 came back after one hour of rest (11 at least) and was sent to
  // rest; the days marked are exactly those of roster_show's forced_rests
  const personReply = page.waitForResponse((r) => /rotation\/roster_show$/.test(r.url()));
  await page.goto(`${BASE}/roster?emp=E1002&from=${from}&days=7`);
  const mine = await (await personReply).json();
  await page.waitForSelector('#roster-out[data-loaded] table[data-roster="person"]');
  assert.equal(mine.forced_rests.length, 1, JSON.stringify(mine.forced_rests));
  assert.deepEqual(mine.forced_rests[0].dates, unitRest.dates);
  assert.deepEqual(await page.$$eval('td[data-rest="true"].cell-rest', (x) => x.map((td) => td.dataset.date)), unitRest.dates);
  assert.ok(!page.api.some((c) => /workload_show$/.test(c.url)), 'no second source of rest periods');
  // its explanation says why and until when
  await page.click(`td[data-rest="true"][data-date="${unitRest.dates[0]}"] button[data-cell]`);
  await page.waitForSelector('#roster-explain:not([hidden]) [data-explain="text"]');
  const why = await page.textContent('#roster-explain [data-explain="rest"][data-metric="rest_minutes"]');
  assert.match(why, /强制休息 .* 至 .*生效中。原因：上一班前休息 1\.0 小时，少于下限 11\.0 小时/);
  await page.screenshot({ path: `${SHOTS}/20-roster-person.png`, fullPage: true });
  // English on request; a bad number of days names the field and asks nothing of the API
  await page.click('#lang-btn');
  await page.waitForSelector('table[data-roster="person"] caption');
  assert.match(await page.textContent('table[data-roster="person"] caption'), /^Roster of /);
  const n = page.api.length;
  await page.fill('#roster-days', '500');
  await page.click('#roster-form button[type=submit]');
  await page.waitForSelector('#roster-form .form-error:not([hidden])');
  assert.match(await page.textContent('#roster-form .form-error'), /days/);
  assert.equal(page.api.length, n);
  await page.click('#lang-btn');
  await done(page);
});

test('a subsidiary admin cannot open another subsidiary\'s person: no access, the API said 403', async () => {
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/people/E2001`);
  await page.waitForSelector('[data-state="no-access"]');
  assert.equal(await page.getAttribute('.page[data-page="person"]', 'data-status'), '403');
  const calls = page.api.filter((c) => /intake\/person_(file|get)$/.test(c.url));
  assert.ok(calls.length > 0 && calls.every((c) => c.status === 403), JSON.stringify(page.api));
  assert.doesNotMatch(await page.textContent('main'), /张强/, 'nothing of the person is shown');
  await done(page, '10-no-access');
});

test('the group admin opens the group dashboard and the chart is drawn', async (t) => {
  const page = await tab();
  await signIn(page, GROUP);
  await page.goto(`${BASE}/dashboard`);
  if (!has('report.weekly_list')) return expectUnavailable(page, 'report.weekly_list', t);
  await page.waitForSelector('.report-section table');
  const canvas = await page.waitForSelector('[data-chart] canvas');
  // the chart has really been painted: some pixels are not blank
  const painted = await canvas.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
    return n;
  });
  assert.ok(painted > 500, `painted pixels: ${painted}`);
  assert.ok(await page.isVisible('button[data-format="xlsx"]'));
  await done(page, '11-dashboard');
});

// ---- issue 11: benefit cases, supplies, the 000 §9 records, whoami in the header ----------

// The names of the fields of main that have neither a <label> nor an aria-label.
const unlabelled = (page) => page.$$eval('main input, main select, main textarea', (els) =>
  els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.name));

test('the header says who the token is: role and unit from gateway.whoami', async (t) => {
  if (!has('gateway.whoami')) return t.skip('the gateway has no gateway.whoami');
  const page = await tab();
  await signIn(page, S01);
  assert.equal(await page.textContent('.who-role'), '单位管理员');
  assert.match(await page.textContent('.who-unit'), /S01 炼铁子公司/);
  const navs = await page.$$eval('#nav a[data-nav]', (as) => as.map((a) => a.dataset.nav));
  for (const n of ['benefits', 'supplies', 'records']) assert.ok(navs.includes(n), `nav: ${navs}`);
  const w = await api(S01, 'gateway.whoami', {});
  assert.equal(w.status, 200);
  assert.deepEqual(w.body, { name: '炼铁子公司组织部 e2e', role: 'org_admin', org_scope: 'S01', org_name: '炼铁子公司' });
  assert.equal((await api('fct_not_a_real_token_at_all_0000000000000000', 'gateway.whoami', {})).status, 401);
  await done(page);
});

test('benefit cases: the automatically opened filing is on the work list, and a step is recorded', async (t) => {
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/benefits`);
  if (!has('welfare.benefit_list')) return expectUnavailable(page, 'welfare.benefit_list', t);
  const r = await api(S01, 'welfare.benefit_list', { employee_no: 'E1201' });
  assert.equal(r.status, 200);
  const c = r.body.cases.find((x) => x.kind === 'work_injury');
  assert.ok(c && c.source === 'incident' && c.state === 'open', JSON.stringify(r.body));
  const link = await page.waitForSelector(`#ben-list a[data-case="${c.id}"]`);
  const row = await link.evaluate((a) => a.closest('tr').textContent);
  assert.match(row, /工伤申报/);
  assert.match(row, /周杰/);
  assert.match(row, /申报材料收集/);
  // the deadline in Beijing time, as the API's microseconds say
  const want = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })
    .format(new Date(Number(c.step_deadline_us) / 1000));
  assert.ok(row.includes(want), `${row} has ${want}`);
  await page.screenshot({ path: `${SHOTS}/30-benefits.png`, fullPage: true });
  await link.click();
  await page.waitForSelector('#ben-attrs');
  assert.equal(await page.getAttribute('#ben-attrs dd[data-step]', 'data-step'), 'collect');
  // a document, then the next step
  await page.fill('#form-benefit-doc input[name=name]', '工伤认定申请表');
  await page.fill('#form-benefit-doc input[name=reference]', '<b>E2E-1</b>');
  await page.click('#form-benefit-doc button[type=submit]');
  await page.waitForFunction(() => /工伤认定申请表/.test(document.querySelector('#ben-docs')?.textContent || ''));
  assert.match(await page.textContent('#ben-docs'), /<b>E2E-1<\/b>/, 'a reference is shown as text');
  // a step out of order is the API's error next to the field, and nothing changes
  await page.selectOption('#form-benefit-step select[name=step]', 'conclude');
  await page.click('#form-benefit-step button[type=submit]');
  await page.waitForSelector('#form-benefit-step .form-error:not([hidden])');
  assert.equal((await api(S01, 'welfare.benefit_show', { case_id: c.id })).body.benefit.step, 'collect');
  assert.equal(await page.inputValue('#form-benefit-step select[name=step]'), 'conclude');
  await page.selectOption('#form-benefit-step select[name=step]', 'submit');
  await page.fill('#form-benefit-step textarea[name=note]', '材料齐全，已提交人社部门');
  await page.click('#form-benefit-step button[type=submit]');
  await page.waitForSelector('#ben-attrs dd[data-step="submit"]');
  const after = (await api(S01, 'welfare.benefit_show', { case_id: c.id })).body.benefit;
  assert.equal(after.step, 'submit');
  assert.equal(after.docs.length, 1);
  // no grant before the last step: the page says so instead of offering it
  assert.ok(!(await page.$('#form-benefit-grant')));
  assert.deepEqual(await unlabelled(page), []);
  await page.screenshot({ path: `${SHOTS}/31-benefit-case.png`, fullPage: true });
  // through to the last step (the API), then granted from the page with an amount: paid once
  for (const step of ['accept', 'determine', 'conclude']) {
    const s = await api(S01, 'welfare.benefit_step', { case_id: c.id, step });
    assert.equal(s.status, 200, JSON.stringify(s.body));
  }
  await page.reload();
  await page.waitForSelector('#form-benefit-grant');
  await page.fill('#form-benefit-grant input[name=amount_fen]', '12.345');
  await page.click('#form-benefit-grant button[type=submit]');
  await page.waitForSelector('#form-benefit-grant [aria-invalid="true"][name=amount_fen]');
  await page.fill('#form-benefit-grant input[name=amount_fen]', '3000');
  await page.fill('#form-benefit-grant textarea[name=note]', '认定为工伤');
  await page.click('#form-benefit-grant button[type=submit]');
  await page.waitForSelector('#ben-attrs dd[data-state="granted"]');
  const granted = (await api(S01, 'welfare.benefit_show', { case_id: c.id })).body.benefit;
  assert.equal(granted.state, 'granted');
  assert.equal(Number(granted.amount_fen), 300000);
  assert.ok(Number(granted.disbursement_id) > 0);
  const pays = await api(S01, 'welfare.pay_list', { employee_no: 'E1201', limit: 50 });
  assert.equal(pays.body.items.filter((d) => Number(d.amount_fen) === 300000).length, 1, 'paid once');
  assert.ok(!(await page.$('#ben-actions')), 'a closed case offers no actions');
  await done(page, '32-benefit-granted');
  // the person's file links to the case
  const file = await tab();
  await signIn(file, S01);
  await file.goto(`${BASE}/people/E1201`);
  await file.waitForSelector(`[data-part="benefits"] a[data-case="${c.id}"]`);
  await done(file);
});

test('supplies: the request queue in serving order; serving it issues the stock', async (t) => {
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/supplies`);
  if (!has('welfare.supply_stock')) return expectUnavailable(page, 'welfare.supply_stock', t);
  await page.waitForSelector('#sup-stock [data-stock="S01:mask"]');
  assert.match(await page.textContent('#sup-stock [data-stock="S01:mask"]'), /^500/);
  const req = await page.waitForSelector('#sup-requests [data-request][data-state="waiting"]');
  assert.ok(await req.evaluate((s) => s.closest('tr').classList.contains('row-unmet')), 'an unmet request is highlighted');
  assert.match(await req.evaluate((s) => s.closest('tr').textContent), /北门卡口/);
  await page.screenshot({ path: `${SHOTS}/33-supplies.png`, fullPage: true });
  await page.selectOption('#form-supply-serve select[name=item]', 'mask');
  await page.click('#form-supply-serve button[type=submit]');
  await page.waitForSelector('#form-supply-serve ~ .result [data-served], #form-supply-serve .form-error:not([hidden])');
  const served = await page.$eval('[data-form="form-supply-serve"]', (d) => {
    const s = d.querySelector('[data-served]');
    return s ? s.getAttribute('data-served') : d.textContent;
  });
  assert.equal(served, '200', JSON.stringify(page.api.slice(-4)));
  await page.waitForFunction(() => /^300/.test(document.querySelector('#sup-stock [data-stock="S01:mask"]')?.textContent || ''));
  await page.waitForSelector('#sup-requests [data-request][data-state="served"]', { state: 'detached' }).catch(() => {});
  const st = await api(S01, 'welfare.supply_stock', { org_code: 'S01', item: 'mask' });
  assert.equal(Number(st.body.stock.find((x) => x.org_code === 'S01').stock), 300);
  // a quantity over what is asked of the browser is refused before any call: not a number
  await page.fill('#form-supply-receive input[name=quantity]', '-5');
  await page.fill('#form-supply-receive input[name=source]', '捐赠');
  const before = page.api.length;
  await page.click('#form-supply-receive button[type=submit]');
  await page.waitForSelector('#form-supply-receive [aria-invalid="true"][name=quantity]');
  assert.equal(page.api.length, before, 'nothing was sent');
  assert.deepEqual(await unlabelled(page), []);
  // the post's daily need is marked met
  const meet = await page.waitForSelector('#sup-needs button[data-meet]');
  await meet.click();
  await page.waitForSelector('#sup-needs button[data-meet]', { state: 'detached' });
  const needs = await api(S01, 'welfare.supply_needs', { org_code: 'S01' });
  assert.ok(needs.body.needs.every((n) => Number(n.met_at_us) > 0), JSON.stringify(needs.body));
  await done(page, '34-supplies-served');
});

test('supplies: a transfer down to a child unit shows in the stock; one over the stock is refused by its field', async (t) => {
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/supplies?org=S01`);
  if (!has('welfare.supply_transfer')) return expectUnavailable(page, 'welfare.supply_transfer', t);
  await page.waitForSelector('#sup-stock [data-stock="S01:mask"]');
  const stockOf = async (org) => {
    const r = await api(S01, 'welfare.supply_stock', { org_code: 'S01', subtree: true, item: 'mask' });
    const row = (r.body.stock || []).find((x) => x.org_code === org);
    return row ? Number(row.stock) : 0;
  };
  const s0 = await stockOf('S01'), b0 = await stockOf('S01B1');
  assert.ok(s0 >= 40, `S01 holds ${s0} masks`);
  await page.fill('#form-supply-transfer input[name=to_org]', 'S01B1');
  await page.selectOption('#form-supply-transfer select[name=item]', 'mask');
  await page.fill('#form-supply-transfer input[name=quantity]', '40');
  await page.fill('#form-supply-transfer input[name=memo]', '下拨支部');
  await page.click('#form-supply-transfer button[type=submit]');
  await page.waitForSelector('#sup-stock [data-stock="S01B1:mask"]');
  await page.waitForFunction((want) => (document.querySelector('#sup-stock [data-stock="S01B1:mask"]')?.textContent || '').startsWith(want), `${b0 + 40} `);
  assert.match(await page.textContent('#sup-stock [data-stock="S01:mask"]'), new RegExp(`^${s0 - 40} `));
  assert.equal(await stockOf('S01'), s0 - 40);
  assert.equal(await stockOf('S01B1'), b0 + 40);
  // more than S01 holds: the error sits by the quantity and nothing moves
  await page.fill('#form-supply-transfer input[name=quantity]', String(s0 + 1000));
  await page.click('#form-supply-transfer button[type=submit]');
  await page.waitForSelector('#form-supply-transfer [aria-invalid="true"][name=quantity]');
  assert.match(await page.textContent('#form-supply-transfer'), /库存不足/);
  assert.equal(await stockOf('S01'), s0 - 40);
  assert.equal(await stockOf('S01B1'), b0 + 40);
  // the issue form is there for the same role
  assert.ok(await page.$('#form-supply-issue input[name=post_code]'), 'the issue form is shown');
  assert.deepEqual(await unlabelled(page), []);
  await done(page, '35-supplies-transfer');
});

test('000 §9 records: the group sees the discrimination work list and moves a case on', async (t) => {
  const page = await tab();
  await signIn(page, GROUP);
  await page.goto(`${BASE}/records`);
  if (!has('intake.records_list')) return expectUnavailable(page, 'intake.records_list', t);
  const row = await page.waitForSelector('#rec-worklist [data-disc][data-state="reported"]');
  const id = await row.getAttribute('data-disc');
  assert.match(await row.evaluate((s) => s.closest('tr').textContent), /小区物业拒绝其回家/);
  await page.screenshot({ path: `${SHOTS}/35-records.png`, fullPage: true });
  await page.fill(`#rec-worklist input[name="action-${id}"]`, '与物业沟通');
  await page.fill(`#rec-worklist input[name="by-${id}"]`, '集团组织部');
  await page.click(`#rec-worklist button[data-step="handling"][data-case="${id}"]`);
  await page.waitForSelector(`#rec-worklist [data-disc="${id}"][data-state="handling"]`);
  const r = await api(GROUP, 'intake.records_list', { org_code: 'G', open_only: true });
  assert.equal(r.body.discrimination.find((c) => String(c.case_id) === id).state, 'handling');
  assert.deepEqual(await unlabelled(page), []);
  // closed with its outcome: off the work list, on the list of all cases
  // who did it is required: the field is marked and nothing is sent
  await page.fill(`#rec-worklist input[name="action-${id}"]`, '物业已道歉');
  const sent = page.api.length;
  await page.click(`#rec-worklist button[data-step="closed"][data-case="${id}"]`);
  await page.waitForSelector(`#rec-worklist input[name="by-${id}"][aria-invalid="true"]`);
  assert.equal(page.api.length, sent);
  await page.fill(`#rec-worklist input[name="by-${id}"]`, '集团组织部');
  await page.selectOption(`#rec-worklist select[name="outcome-${id}"]`, 'education');
  await page.click(`#rec-worklist button[data-step="closed"][data-case="${id}"]`);
  await page.waitForSelector(`#rec-worklist [data-disc="${id}"]`, { state: 'detached' });
  const closed = (await api(GROUP, 'intake.records_list', { org_code: 'G' })).body.discrimination.find((c) => String(c.case_id) === id);
  assert.equal(closed.state, 'closed');
  assert.equal(closed.outcome, 'education');
  // a clarification with a complaint received after it was clarified: the API's error by field
  await page.fill('#form-clarification input[name=employee_no]', 'E1202');
  await page.fill('#form-clarification textarea[name=complaint]', '举报其私分防疫物资');
  await page.fill('#form-clarification input[name=complaint_us]', '2026-01-10T09:00');
  await page.fill('#form-clarification textarea[name=findings]', '经核查，物资均登记发放，举报不实');
  await page.fill('#form-clarification input[name=decided_by]', '集团纪委');
  await page.fill('#form-clarification input[name=clarified_us]', '2026-01-05T09:00');
  await page.click('#form-clarification button[type=submit]');
  await page.waitForSelector('#form-clarification .form-error:not([hidden])');
  await page.fill('#form-clarification input[name=clarified_us]', '2026-01-20T09:00');
  await page.click('#form-clarification button[type=submit]');
  await page.waitForFunction(() => /举报其私分防疫物资/.test(document.querySelector('#rec-cl')?.textContent || ''));
  // the fault-tolerance form: a cadre's excusable mistake, then on the list
  await page.fill('#form-fault-tolerance input[name=employee_no]', 'E1202');
  await page.fill('#form-fault-tolerance textarea[name=mistake]', '物资登记延误一天');
  await page.fill('#form-fault-tolerance textarea[name=reasons]', '连续值守，非主观故意');
  await page.fill('#form-fault-tolerance input[name=decided_by]', '集团党委');
  await page.click('#form-fault-tolerance button[type=submit]');
  await page.waitForFunction(() => /物资登记延误一天/.test(document.querySelector('#rec-ft')?.textContent || ''));
  // the person's file links to the records
  await page.goto(`${BASE}/people/E1202`);
  await page.waitForSelector('[data-part="records"] a[data-link="records"]');
  await done(page, '36-records-work');
});

test('another subsidiary\'s person\'s records: "无权查看", and the API said 403', async (t) => {
  if (!has('intake.records_list')) return t.skip('the gateway has no intake.records_list');
  const page = await tab();
  await signIn(page, S02);
  await page.goto(`${BASE}/records?emp=E1001`);
  await page.waitForSelector('[data-state="no-access"]');
  assert.equal(await page.getAttribute('.page[data-page="records"]', 'data-status'), '403');
  assert.match(await page.textContent('[data-state="no-access"] h2'), /无权查看/);
  const calls = page.api.filter((c) => /intake\/records_list$/.test(c.url));
  assert.ok(calls.length > 0 && calls.every((c) => c.status === 403), JSON.stringify(page.api));
  assert.doesNotMatch(await page.textContent('main'), /小区物业|物资登记延误/, 'nothing of the records is shown');
  assert.ok(!(await page.$('#form-fault-tolerance')), 'no forms either');
  await done(page, '37-records-no-view');
});

test('village first secretary: assigned and updated from the person\'s file', async (t) => {
  if (!has('intake.village_assign')) return t.skip('the gateway has no intake.village_assign');
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/people/E1002`);
  await page.waitForSelector('#form-village-assign');
  await page.fill('#form-village-assign input[name=village]', '石门村');
  await page.fill('#form-village-assign input[name=township]', '城关镇');
  await page.click('#form-village-assign button[type=submit]');
  const upd = await page.waitForSelector('form[id^="form-village-update-"]');
  assert.match(await page.textContent('[data-part="village"]'), /城关镇 石门村/);
  await page.fill(`#${await upd.getAttribute('id')} input[name=frontline_record_add]`, '组织村民核酸检测');
  await page.click(`#${await upd.getAttribute('id')} button[type=submit]`);
  await page.waitForFunction(() => /组织村民核酸检测/.test(document.querySelector('[data-part="village"] table')?.textContent || ''));
  await done(page, '38-village');
});

test('village first secretaries: the subtree\'s list, the overdue one highlighted, filtered by state, linking to the file', async (t) => {
  const page = await tab();
  await signIn(page, S01);
  await page.goto(`${BASE}/village`);
  if (!has('intake.village_list')) return expectUnavailable(page, 'intake.village_list', t);
  // run.sh sent E1203 (S01) to 李家村 40 days ago, due back 5 days ago and not returned
  const link = await page.waitForSelector('#vl-list a[data-emp="E1203"]');
  assert.equal(await link.getAttribute('href'), '/people/E1203');
  const row = await link.evaluate((a) => ({ text: a.closest('tr').textContent, cls: a.closest('tr').className }));
  assert.match(row.text, /孙驻村/);
  assert.match(row.text, /李家村/);
  assert.match(row.text, /逾期未返岗/);
  assert.match(row.cls, /row-overdue/);
  assert.deepEqual(await unlabelled(page), []);
  const r = await api(S01, 'intake.village_list', {});
  assert.equal(r.status, 200);
  assert.match(await page.textContent('#vl-total'), new RegExp(`共 ${r.body.total} 人次`));
  // only the overdue ones: every row highlighted
  await page.selectOption('#vl-filter select[name=state]', 'overdue');
  await page.click('#vl-filter button[type=submit]');
  await page.waitForFunction(() => /state=overdue/.test(location.search) && document.querySelector('#vl-total'));
  const rows = await page.$$eval('#vl-list tbody tr', (trs) => trs.map((tr) => tr.className));
  assert.ok(rows.length >= 1 && rows.every((c) => /row-overdue/.test(c)), JSON.stringify(rows));
  await page.screenshot({ path: `${SHOTS}/40-village-list.png`, fullPage: true });
  // another subsidiary does not see it, and may not ask for S01
  const s2 = await api(S02, 'intake.village_list', {});
  assert.equal(s2.status, 200);
  assert.ok(!(s2.body.items || []).some((x) => x.assignment.employee_no === 'E1203'), JSON.stringify(s2.body));
  assert.equal((await api(S02, 'intake.village_list', { org_code: 'S01' })).status, 403);
  await page.click('#vl-list a[data-emp="E1203"]');
  await page.waitForSelector('[data-part="village"]');
  assert.match(await page.textContent('[data-part="village"]'), /李家村/);
  await done(page);
});

test('the issue-11 pages fit a phone screen: nothing wider than the screen but the tables\' own scroll', async () => {
  const page = await tab({ width: 390, height: 844 });
  await signIn(page, S01);
  for (const [path, sel] of [['/benefits', '#ben-list'], ['/supplies', '#sup-stock'], ['/records', '#rec-body section'], ['/village', '#vl-list table']]) {
    await page.goto(`${BASE}${path}`);
    await page.waitForSelector(sel);
    await page.waitForLoadState('networkidle');
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 390, `${path}: the page is ${w}px wide on a 390px screen`);
  }
  await done(page, '39-pages-phone');
});

test('on a phone the navigation sits behind the menu button; English on request; keyboard reaches everything', async () => {
  const page = await tab({ width: 390, height: 844 });
  await signIn(page, S01);
  assert.ok(await page.isVisible('#menu-btn'));
  assert.ok(!(await page.isVisible('#nav')));
  await page.screenshot({ path: `${SHOTS}/12-phone.png`, fullPage: true });
  await page.click('#menu-btn');
  assert.ok(await page.isVisible('#nav'));
  await page.screenshot({ path: `${SHOTS}/13-phone-menu.png`, fullPage: true });
  await page.click('#lang-btn');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.click('#menu-btn');
  assert.equal((await page.textContent('#nav a[data-nav="people"]')).trim(), 'People');
  await page.screenshot({ path: `${SHOTS}/14-phone-english.png`, fullPage: true });
  await page.click('#lang-btn');
  // keyboard: the skip link first, then every form field has a label
  await page.goto(`${BASE}/forms/health`);
  await page.waitForSelector('#form-health');
  // a page opens with the focus on its content; the skip link leads there too
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await page.focus('#skip-link');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement.id === 'main');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => !!document.activeElement.closest('main')), 'Tab goes on into the page');
  const unlabelled = await page.$$eval('main input, main select, main textarea', (els) =>
    els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.name));
  assert.deepEqual(unlabelled, []);
  await page.focus('#form-health input[name=employee_no]');
  await page.keyboard.type('E1001');
  await page.keyboard.press('Tab');
  await page.keyboard.type('45.2');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#form-health .form-error:not([hidden])');
  assert.match(await page.textContent('#form-health .form-error'), /temperature/);
  await done(page, '15-health-error');
});
