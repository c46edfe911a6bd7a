// csv: the CSV import's client half, as fcctl does it — RFC 4180 records (quotes, CRLF, a
// UTF-8 BOM), the header checked against the kind's columns (order free, none unknown,
// missing or repeated), and each record turned into an ImportRow or into problems naming the
// line and column. intake validates every row again on commit; nothing here decides alone.

export const COLUMNS = {
  org: ['org_code', 'parent_code', 'name', 'kind', 'liaison_unit'],
  posts: ['post_code', 'org_code', 'name', 'kind', 'risk_class', 'shifts'],
  people: ['employee_no', 'name', 'phone', 'org_code', 'party_status', 'cadre_level', 'leadership_team',
    'young_cadre', 'reserve_pool', 'medical_staff', 'aid_team', 'spouse_employee_no', 'cares_for_elderly',
    'cares_for_children', 'fit_for_frontline'],
};
export const MAX_BYTES = 64 * 1024 * 1024;

// Records of text with the line each starts on: [{line, fields}]. Throws on an unterminated
// quote (the line where it opened).
export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out = [];
  let i = 0, line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields = [];
    let f = '';
    for (;;) {
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw Object.assign(new Error('引号未闭合'), { line: start });
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') { f += '"'; i += 2; continue; }
            i++;
            break;
          }
          if (c === '\n') line++;
          f += c;
          i++;
        }
      }
      while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') f += text[i++];
      fields.push(f);
      f = '';
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') { i++; line++; }
      break;
    }
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: start, fields });
  }
  return out;
}

// "HH:MM-HH:MM*N;..." → [{start_min, end_min, headcount}] or throws with the reason.
export function parseShifts(text) {
  const shifts = [];
  for (const part of String(text).split(';')) {
    const m = /^\s*(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})\*(\d{1,4})\s*$/.exec(part);
    if (!m || +m[1] > 23 || +m[2] > 59 || +m[3] > 24 || +m[4] > 59 || +m[5] < 1)
      throw new Error(`班次“${part.slice(0, 40)}”应为 HH:MM-HH:MM*人数`);
    shifts.push({ start_min: +m[1] * 60 + +m[2], end_min: (+m[3] * 60 + +m[4]) % 1440, headcount: +m[5] });
  }
  return shifts;
}

// {rows: [ImportRow], problems: [{line, column, reason}], headerOk}
export function toImportRows(kind, records) {
  const cols = COLUMNS[kind];
  const problems = [];
  const rows = [];
  if (records.length === 0) return { rows, problems: [{ line: 1, column: 'header', reason: '文件为空，缺少表头' }], headerOk: false };
  const header = records[0];
  const map = [];
  const seen = new Set();
  header.fields.forEach((raw, idx) => {
    const name = raw.trim();
    if (!cols.includes(name)) problems.push({ line: header.line, column: name || `第 ${idx + 1} 列`, reason: `未知的列（${kind} 导入的列：${cols.join(', ')}）` });
    else if (seen.has(name)) problems.push({ line: header.line, column: name, reason: '列名重复' });
    else seen.add(name);
    map.push(name);
  });
  for (const c of cols) if (!seen.has(c)) problems.push({ line: header.line, column: c, reason: '缺少这一列' });
  if (problems.length) return { rows, problems, headerOk: false };
  const bool = (rec, col, v, set) => {
    if (v === '0' || v === '1') { set(v === '1'); return true; }
    problems.push({ line: rec.line, column: col, reason: `应为 0 或 1，而不是“${v.slice(0, 40)}”` });
    return false;
  };
  for (const rec of records.slice(1)) {
    if (rec.fields.length !== header.fields.length) {
      problems.push({ line: rec.line, column: 'row', reason: `有 ${rec.fields.length} 个字段，表头有 ${header.fields.length} 个` });
      continue;
    }
    const v = {};
    rec.fields.forEach((x, k) => { v[map[k]] = x.trim(); });
    let ok = true;
    const row = { line: rec.line };
    if (kind === 'org') {
      const u = { org_code: v.org_code, parent_code: v.parent_code, name: v.name, kind: v.kind };
      ok = bool(rec, 'liaison_unit', v.liaison_unit, (b) => { u.liaison_unit = b; }) && ok;
      row.org = u;
    } else if (kind === 'posts') {
      const p = { post_code: v.post_code, org_code: v.org_code, name: v.name, kind: v.kind };
      if (!/^\d$/.test(v.risk_class)) {
        problems.push({ line: rec.line, column: 'risk_class', reason: `应为 1 或 2，而不是“${v.risk_class.slice(0, 40)}”` });
        ok = false;
      } else p.risk_class = Number(v.risk_class);
      try { p.shifts = parseShifts(v.shifts); } catch (e) {
        problems.push({ line: rec.line, column: 'shifts', reason: e.message });
        ok = false;
      }
      row.post = p;
    } else {
      const p = {
        employee_no: v.employee_no, name: v.name, phone: v.phone, org_code: v.org_code,
        party_status: v.party_status, cadre_level: v.cadre_level, spouse_employee_no: v.spouse_employee_no,
      };
      for (const c of ['leadership_team', 'young_cadre', 'reserve_pool', 'medical_staff', 'aid_team',
        'cares_for_elderly', 'cares_for_children', 'fit_for_frontline'])
        ok = bool(rec, c, v[c], (b) => { p[c] = b; }) && ok;
      if (!v.party_status || !v.cadre_level) {
        problems.push({ line: rec.line, column: !v.party_status ? 'party_status' : 'cadre_level', reason: '不能为空' });
        ok = false;
      }
      row.person = p;
    }
    if (ok) rows.push(row);
  }
  return { rows, problems, headerOk: true };
}

// Splits rows and problems into chunks well under the 1 MiB message cap.
export function chunks(rows, problems, maxRows = 2000, maxBytes = 600 * 1024) {
  const out = [];
  let cur = { rows: [], problems: [] }, bytes = 0;
  const push = (key, item) => {
    const size = JSON.stringify(item).length + 8;
    if (cur.rows.length + cur.problems.length >= maxRows || bytes + size > maxBytes) {
      out.push(cur);
      cur = { rows: [], problems: [] };
      bytes = 0;
    }
    cur[key].push(item);
    bytes += size;
  };
  for (const p of problems) push('problems', p);
  for (const r of rows) push('rows', r);
  if (cur.rows.length || cur.problems.length) out.push(cur);
  return out;
}
