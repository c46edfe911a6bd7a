// app: the console's shell — sign-in, who the token is, the navigation that follows its role,
// the language switch, and a small router over history.pushState (the gateway answers every
// page path with index.html).

import { h, clear } from './dom.js';
import { t, getLang, setLang } from './i18n.js';
import { call, loadRoutes, has, ApiError } from './api.js';
import { getToken, setToken, signOut, getWho, setWho } from './session.js';
import { errorBlock, noAccess, loading } from './ui.js';

// Pages: path pattern, title, the roles that use it (as the issue describes the users), and
// the module that renders it.
const PAGES = [
  { id: 'dashboard', re: /^\/dashboard$/, nav: 'nav_dashboard', roles: ['group_admin', 'viewer'], load: () => import('./pages/dashboard.js') },
  { id: 'people', re: /^\/people$/, nav: 'nav_people', roles: ['group_admin', 'org_admin', 'branch_secretary'], load: () => import('./pages/people.js') },
  { id: 'person', re: /^\/people\/([^/]+)$/, roles: ['group_admin', 'org_admin', 'branch_secretary'], load: () => import('./pages/person.js') },
  { id: 'forms', re: /^\/forms(?:\/([a-z_]+))?$/, nav: 'nav_forms', roles: ['group_admin', 'org_admin', 'branch_secretary'], load: () => import('./pages/forms.js') },
  { id: 'roster', re: /^\/roster$/, nav: 'nav_roster', roles: ['group_admin', 'org_admin', 'branch_secretary'], load: () => import('./pages/roster.js') },
  { id: 'payments', re: /^\/payments$/, nav: 'nav_payments', roles: ['group_admin', 'org_admin'], load: () => import('./pages/payments.js') },
  { id: 'reminders', re: /^\/reminders$/, nav: 'nav_reminders', roles: ['group_admin', 'org_admin', 'branch_secretary'], load: () => import('./pages/reminders.js') },
  // issue 11: benefit cases, supplies and daily needs, the 000 §9 records (group and subsidiary
  // organisation departments only: the API refuses the rest)
  { id: 'benefits', re: /^\/benefits(?:\/([^/]+))?$/, nav: 'nav_benefits', roles: ['group_admin', 'org_admin', 'branch_secretary'], load: () => import('./pages/benefits.js') },
  { id: 'supplies', re: /^\/supplies$/, nav: 'nav_supplies', roles: ['group_admin', 'org_admin', 'branch_secretary', 'viewer'], load: () => import('./pages/supplies.js') },
  { id: 'records', re: /^\/records$/, nav: 'nav_records', roles: ['group_admin', 'org_admin'], load: () => import('./pages/records.js') },
  { id: 'village', re: /^\/village$/, nav: 'nav_village', roles: ['group_admin', 'org_admin', 'branch_secretary', 'viewer'], load: () => import('./pages/village.js') },
];
const PATHS = { dashboard: '/dashboard', people: '/people', forms: '/forms', roster: '/roster', payments: '/payments', reminders: '/reminders', benefits: '/benefits', supplies: '/supplies', records: '/records', village: '/village' };

const main = () => document.getElementById('main');

function mayUse(page) {
  const who = getWho();
  return !who || page.roles.includes(who.role) || who.role === 'service';
}

function home() {
  const first = PAGES.find((p) => p.nav && mayUse(p));
  return first ? PATHS[first.id] : '/people';
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, '', path);
  else history.pushState({}, '', path);
  route();
}

// Same-origin links inside the console go through the router.
document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[href]');
  if (!a || a.getAttribute('href').startsWith('#') || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || a.target) return;
  ev.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => route());

function renderChrome() {
  const who = getWho();
  const signedIn = !!getToken();
  document.getElementById('brand').textContent = t('app');
  document.getElementById('skip-link').textContent = t('skip');
  const lb = document.getElementById('lang-btn');
  lb.textContent = t('lang_other');
  lb.setAttribute('lang', getLang() === 'zh' ? 'en' : 'zh-CN');
  const so = document.getElementById('signout-btn');
  so.textContent = t('signout');
  so.hidden = !signedIn;
  const whoEl = clear(document.getElementById('who'));
  if (signedIn && who) {
    whoEl.append(h('span', { class: 'who-name' }, who.name), ' · ',
      h('span', { class: 'who-role', 'data-role': who.role }, t(`role_${who.role}`)), ' · ',
      h('span', { class: 'who-unit', 'data-org': who.org_scope || '' }, `${t('scope')} ${who.org_scope || '*'}${who.org_name ? ` ${who.org_name}` : ''}`));
  }
  const nav = clear(document.getElementById('nav'));
  nav.setAttribute('aria-label', t('nav'));
  nav.hidden = !signedIn;
  if (!signedIn) return;
  const here = location.pathname;
  nav.appendChild(h('ul', {}, PAGES.filter((p) => p.nav && mayUse(p)).map((p) =>
    h('li', {}, h('a', { href: PATHS[p.id], 'data-nav': p.id, 'aria-current': here.startsWith(PATHS[p.id]) ? 'page' : null }, t(p.nav))))));
}

async function renderSignIn(message) {
  const m = clear(main());
  const input = h('input', { type: 'password', name: 'token', id: 'token', autocomplete: 'off', required: true, pattern: 'fct_[A-Za-z0-9_\\-]+', spellcheck: 'false' });
  const err = h('p', { class: 'form-error', role: 'alert', hidden: !message }, message || '');
  const form = h('form', { class: 'card signin', id: 'signin-form', novalidate: true },
    h('h1', {}, t('signin_title')),
    h('p', {}, t('signin_intro')),
    h('div', { class: 'field' }, h('label', { for: 'token' }, t('token')), input),
    err,
    h('button', { type: 'submit', class: 'primary' }, t('signin_btn')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const token = input.value.trim();
    if (!token) { input.focus(); return; }
    setToken(token);
    try {
      await identify();
      navigate(home(), { replace: true });
    } catch (e) {
      signOut();
      err.hidden = false;
      err.textContent = t('signin_bad') + e.message;
      input.focus();
    }
  });
  m.appendChild(form);
  input.focus();
}

// Who the token is: gateway.whoami when the gateway offers it; otherwise the token is
// checked with a cheap unaudited read (401 = refused; 200 or 403 = a valid token) and the
// role stays unknown (the API still decides everything).
async function identify() {
  if (has('gateway.whoami')) {
    setWho(await call('gateway.whoami', {}));
    return;
  }
  setWho(null);
  try {
    await call('gateway.token_list', {});
  } catch (e) {
    if (e.status === 401) throw e; // any other answer means the token was accepted
  }
}

let renderSeq = 0;
async function route() {
  const seq = ++renderSeq;
  const path = location.pathname;
  document.getElementById('menu-btn').setAttribute('aria-expanded', 'false');
  document.body.classList.remove('nav-open');
  if (!getToken()) {
    if (path !== '/signin') history.replaceState({}, '', '/signin');
    renderChrome();
    return renderSignIn();
  }
  if (path === '/' || path === '/signin') return navigate(home(), { replace: true });
  renderChrome();
  const m = clear(main());
  let page = null, match = null;
  for (const p of PAGES) if ((match = p.re.exec(path))) { page = p; break; }
  if (!page) {
    m.appendChild(h('section', { class: 'state' }, h('h1', {}, t('page_missing')), h('p', {}, h('a', { href: home() }, t('back_home')))));
    return;
  }
  if (!mayUse(page)) {
    m.appendChild(noAccess(new ApiError(403, 'EDENIED', t(`role_${getWho().role}`))));
    return;
  }
  m.appendChild(loading());
  try {
    const mod = await page.load();
    if (seq !== renderSeq) return;
    // in the document before rendering: charts measure their container
    const container = h('div', { class: 'page', 'data-page': page.id, 'aria-busy': 'true' });
    clear(m).appendChild(container);
    m.focus({ preventScroll: true });
    await mod.render(container, match.slice(1).map((x) => (x ? decodeURIComponent(x) : x)), { who: getWho(), navigate });
    if (seq === renderSeq) container.removeAttribute('aria-busy');
  } catch (e) {
    if (seq !== renderSeq) return;
    if (e.status === 401) { signOut(); renderChrome(); return renderSignIn(t('signin_bad') + e.message); }
    clear(m).appendChild(errorBlock(e, () => route()));
  }
}

async function start() {
  setLang(getLang());
  document.getElementById('lang-btn').addEventListener('click', () => { setLang(getLang() === 'zh' ? 'en' : 'zh'); route(); });
  document.getElementById('signout-btn').addEventListener('click', () => { signOut(); navigate('/signin', { replace: true }); });
  document.getElementById('menu-btn').addEventListener('click', (ev) => {
    const open = document.body.classList.toggle('nav-open');
    ev.currentTarget.setAttribute('aria-expanded', String(open));
  });
  try {
    await loadRoutes();
  } catch (e) {
    clear(main()).appendChild(errorBlock(e, () => location.reload()));
    return;
  }
  if (getToken()) {
    try { await identify(); } catch (e) {
      signOut();
      renderChrome();
      return renderSignIn(t('signin_bad') + e.message);
    }
  }
  route();
}

start();
