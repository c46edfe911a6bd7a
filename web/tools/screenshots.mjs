#!/usr/bin/env node
// screenshots: signs in to a running console with a token and writes a PNG of each page —
// dashboard, people search, a person's file, every entry form, the roster (a unit, an
// explanation, a person), payments, reminders — for the demo and the documentation. Drives
// Debian's Chromium headless through playwright-core (web/node_modules, installed by
// infra/scripts/web.sh). Exits 0 with a message, writing nothing, when Node is older than 20
// or Chromium or playwright-core is missing; 1 when the gateway or the token does not work;
// 2 on a usage error. A page that cannot be shown is reported and skipped (--strict: exit 1).
//
// Usage: node web/tools/screenshots.mjs [--url URL] [--token TOKEN] [--out DIR]
//          [--query TEXT] [--person EMPNO] [--org CODE] [--lang zh|en] [--strict]
// Environment (arguments win): FC_SCREENSHOT_URL (else http://127.0.0.1:$FC_HTTP_PORT, else
// :28080), FC_SCREENSHOT_TOKEN, FC_SCREENSHOT_DIR (default <repo>/out/screenshots),
// FC_CHROMIUM (default /usr/bin/chromium).

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

function skip(msg) {
  console.log(`screenshots: skipped: ${msg}`);
  process.exit(0);
}
function die(code, msg) {
  console.error(`screenshots: ${msg}`);
  process.exit(code);
}

const USAGE = 'usage: screenshots.mjs [--url URL] [--token TOKEN] [--out DIR] [--query TEXT] [--person EMPNO] [--org CODE] [--lang zh|en] [--strict]';
const opts = {
  url: process.env.FC_SCREENSHOT_URL || `http://127.0.0.1:${process.env.FC_HTTP_PORT || 28080}`,
  token: process.env.FC_SCREENSHOT_TOKEN || '',
  out: process.env.FC_SCREENSHOT_DIR || join(repo, 'out', 'screenshots'),
  query: '', person: '', org: '', lang: 'zh', strict: false,
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--strict') { opts.strict = true; continue; }
  if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
  const m = /^--(url|token|out|query|person|org|lang)(?:=(.*))?$/.exec(a);
  if (!m) die(2, `unknown argument "${a}"\n${USAGE}`);
  const v = m[2] !== undefined ? m[2] : argv[++i];
  if (v === undefined) die(2, `--${m[1]} needs a value\n${USAGE}`);
  opts[m[1]] = v;
}
if (!/^https?:\/\/[^/]+$/.test(opts.url.replace(/\/$/, ''))) die(2, `--url "${opts.url}" is not like http://127.0.0.1:28080`);
opts.url = opts.url.replace(/\/$/, '');
if (!['zh', 'en'].includes(opts.lang)) die(2, `--lang "${opts.lang}" is not zh or en`);
if (!opts.token) die(2, `no token: --token fct_... or FC_SCREENSHOT_TOKEN\n${USAGE}`);
opts.out = resolve(opts.out);

// What this machine must have; none of it missing is an error of the demo.
const major = Number(process.versions.node.split('.')[0]);
if (major < 20) skip(`Node ${process.version} is too old for playwright-core (needs 20 or later)`);
const chromiumPath = process.env.FC_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromiumPath)) skip(`Chromium is missing at ${chromiumPath} (apt-get install -y chromium)`);
let chromium;
try {
  ({ chromium } = createRequire(join(repo, 'web', 'package.json'))('playwright-core'));
} catch {
  skip('playwright-core is not installed in web/node_modules (run infra/scripts/web.sh)');
}

async function api(op, body) {
  const r = await fetch(`${opts.url}/api/v1/${op.replace('.', '/')}`, {
    method: 'POST', headers: { Authorization: `Bearer ${opts.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  let data = null;
  try { data = await r.json(); } catch { data = null; }
  return { status: r.status, body: data || {} };
}

// The gateway, its route table and the token, before any browser starts.
let paths;
try {
  const r = await fetch(`${opts.url}/openapi.json`);
  if (!r.ok) die(1, `${opts.url}/openapi.json answered HTTP ${r.status}: is fc-gateway serving the console there?`);
  paths = (await r.json()).paths || {};
} catch (e) {
  die(1, `could not reach the gateway at ${opts.url}: ${e.cause ? e.cause.message : e.message}`);
}
const has = (op) => `/api/v1/${op.replace('.', '/')}` in paths;
let who = null;
if (has('gateway.whoami')) {
  const r = await api('gateway.whoami', {});
  if (r.status === 401) die(1, 'the gateway refused the token (401)');
  if (r.status === 200) who = r.body;
}

// Whom to show: --person, else the first hit of --query (default "E": the demo's numbers);
// the roster of --org, else the token's scope, else that person's unit.
let scope = opts.org || (who && who.org_scope) || '';
let person = opts.person;
const query = opts.query || 'E';
if (has('intake.person_search')) {
  const r = await api('intake.person_search', { query: person || query, limit: 1 });
  if (r.status === 401) die(1, 'the gateway refused the token (401)');
  const first = r.status === 200 && r.body.people && r.body.people[0];
  if (first && !person) person = first.employee_no;
  if (first && !scope) scope = first.org_code;
}
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

mkdirSync(opts.out, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'fc-screenshots-'));
const written = [], missed = [];
let context, fatal = '';
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    viewport: { width: 1280, height: 900 },
    locale: opts.lang === 'en' ? 'en-GB' : 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(20000);
  const page = await context.newPage();

  // sign in as a person would; the language choice is the console's own (localStorage)
  await page.goto(`${opts.url}/`);
  await page.evaluate((l) => localStorage.setItem('fc.lang', l), opts.lang);
  await page.reload();
  await page.waitForSelector('#signin-form');
  await page.fill('#token', opts.token);
  await page.press('#token', 'Enter');
  const signedIn = await Promise.race([
    page.waitForSelector('#nav a[data-nav]', { state: 'attached' }).then(() => true),
    page.waitForSelector('#signin-form .form-error:not([hidden])').then(() => false),
  ]);
  if (!signedIn) throw new Error(fatal = `sign-in refused: ${(await page.textContent('#signin-form .form-error')).trim()}`);

  // Opens path, waits until the page has rendered and the network is quiet, then runs extra
  // (clicks) and writes name.png.
  async function shot(name, path, extra) {
    try {
      await page.goto(`${opts.url}${path}`);
      await page.waitForSelector('main .page[data-page]:not([aria-busy]), main [data-state]', { timeout: 20000 });
      await page.waitForLoadState('networkidle');
      if (extra) await extra();
      const file = join(opts.out, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      written.push(file);
    } catch (e) {
      missed.push(`${name} (${path}): ${e.message.split('\n')[0]}`);
    }
  }

  await shot('01-dashboard', '/dashboard', async () => {
    await page.waitForSelector('[data-chart] canvas, [data-state], .empty', { timeout: 10000 }).catch(() => {});
  });
  await shot('02-people-search', `/people?q=${encodeURIComponent(query)}`, async () => {
    await page.waitForSelector('#people-results[data-results], #people-results [data-state], [data-state="unavailable"]');
  });
  if (person) await shot('03-person-file', `/people/${encodeURIComponent(person)}`);
  else missed.push('03-person-file: nobody found (give --person EMPNO or --query TEXT)');
  for (const form of ['duty_in', 'duty_out', 'health', 'incident', 'hardship', 'contact', 'weekly', 'import']) {
    await shot(`04-form-${form.replace('_', '-')}`, `/forms/${form}`);
  }
  const rosterOrg = scope ? `/roster?org=${encodeURIComponent(scope)}&from=${today}&days=14` : '/roster';
  await shot('05-roster', rosterOrg, async () => {
    await page.waitForSelector('#roster-out[data-loaded], #roster-out [data-state], [data-state="unavailable"], #roster-form', { timeout: 20000 });
  });
  await shot('06-roster-explain', rosterOrg, async () => {
    const cell = await page.waitForSelector('#roster-out button[data-cell]', { timeout: 20000 });
    await cell.click();
    await page.waitForSelector('#roster-explain:not([hidden]) [data-explain="text"], #roster-explain [data-state]');
  });
  if (person) {
    await shot('07-roster-person', `/roster?emp=${encodeURIComponent(person)}&from=${today}&days=14`, async () => {
      await page.waitForSelector('#roster-out[data-loaded], #roster-out [data-state]');
    });
  }
  await shot('08-payments', '/payments');
  await shot('09-reminders', '/reminders');
  // issue 11: benefit cases (the list and the first case), supplies, the 000 §9 records
  await shot('10-benefits', '/benefits', async () => {
    await page.waitForSelector('#ben-list table, #ben-list .empty, #ben-list [data-state], [data-state="unavailable"]');
  });
  let firstCase = 0;
  if (has('welfare.benefit_list')) {
    const r = await api('welfare.benefit_list', { limit: 1 });
    if (r.status === 200 && r.body.cases && r.body.cases[0]) firstCase = r.body.cases[0].id;
  }
  if (firstCase) await shot('11-benefit-case', `/benefits/${firstCase}`);
  else missed.push('11-benefit-case: no benefit case in the token\'s scope');
  const orgQ = scope ? `?org=${encodeURIComponent(scope)}` : '';
  await shot('12-supplies', `/supplies${orgQ}`, async () => {
    await page.waitForSelector('#sup-stock table, #sup-stock .empty, #sup-stock [data-state], [data-state="unavailable"]');
  });
  await shot('13-records', `/records${orgQ}`, async () => {
    await page.waitForSelector('#rec-body section, [data-state]');
  });
  await shot('14-village', '/village', async () => {
    await page.waitForSelector('#vl-list table, #vl-list .empty, #vl-list [data-state], [data-state="unavailable"]');
  });
} catch (e) {
  fatal = fatal || `the browser failed: ${e.message.split('\n')[0]}`;
} finally {
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}
if (fatal) die(1, fatal);

for (const f of written) console.log(`screenshots: wrote ${f}`);
for (const m of missed) console.log(`screenshots: not written: ${m}`);
console.log(`screenshots: ${written.length} written, ${missed.length} not written, in ${opts.out}`);
process.exit(opts.strict && missed.length ? 1 : 0);
