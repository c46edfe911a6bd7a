// session: the bearer token and who it belongs to. The token lives in sessionStorage only
// (gone when the tab closes); nothing else about the user is stored in the browser.

const KEY = 'fc.token';
let who = null; // {name, role, org_scope} from gateway.whoami, or null when unknown

export function getToken() {
  try { return sessionStorage.getItem(KEY) || ''; } catch { return ''; }
}

export function setToken(token) {
  sessionStorage.setItem(KEY, token);
}

export function signOut() {
  try { sessionStorage.removeItem(KEY); } catch { /* nothing stored */ }
  who = null;
}

export function getWho() { return who; }
export function setWho(w) { who = w; }
