// api: the console's only way to the gateway. POST /api/v1/<service>/<operation> with the
// request message as JSON and the bearer token from the session; errors come back as ApiError
// {status, code, field, message}. Which operations exist, and the least role each admits, is
// read from the gateway's own /openapi.json, so pages follow the API as it grows.

import { getToken } from './session.js';

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
    this.field = field || '';
  }
}

export const ROLE_RANK = { viewer: 1, branch_secretary: 2, org_admin: 3, group_admin: 4, service: 5 };

let routes = null; // op → {minRole, write}

// Loads the route table once (no token needed); an unreachable gateway leaves it empty.
export async function loadRoutes() {
  if (routes) return routes;
  const res = await fetch('/openapi.json', { credentials: 'omit', cache: 'no-cache' });
  if (!res.ok) throw new ApiError(res.status, 'EUNAVAIL', `/openapi.json: HTTP ${res.status}`);
  const doc = await res.json();
  const found = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    const m = /^\/api\/v1\/([a-z_]+)\/([a-z_]+)$/.exec(path);
    if (!m) continue;
    const op = item.post || item.get || {};
    found.set(`${m[1]}.${m[2]}`, { minRole: op['x-min-role'] || 'viewer', write: !!op['x-write'] });
  }
  routes = found;
  return routes;
}

// Whether the gateway offers op at all.
export function has(op) {
  return !!routes && routes.has(op);
}

// Whether a token of role may call op (the API checks the same; this only hides what would
// be refused).
export function allowed(op, role) {
  if (!has(op)) return false;
  if (!role) return true; // unknown role: let the API answer
  return (ROLE_RANK[role] || 0) >= (ROLE_RANK[routes.get(op).minRole] || 0);
}

export function isWrite(op) {
  return has(op) && routes.get(op).write;
}

// call('intake.person_file', {employee_no: 'E001'}) → the reply message. A write carries an
// Idempotency-Key: pass the same key to retry a write without doing it twice.
export async function call(op, body = {}, { idempotencyKey } = {}) {
  const [service, operation] = op.split('.');
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let res;
  try {
    res = await fetch(`/api/v1/${service}/${operation}`, {
      method: 'POST', headers, body: JSON.stringify(body), credentials: 'omit', cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'ENETWORK', `无法连接网关：${e.message}`);
  }
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code, e.message || `HTTP ${res.status}`, e.field);
  }
  return data || {};
}

// A fresh key for one submission of a form (kept while the same submission is retried).
export function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs a secure context
  return `web-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}
