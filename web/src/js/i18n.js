// i18n: every text the console shows, Simplified Chinese first and English beside it. The
// language choice (not a secret) is kept in localStorage; messages from the API are shown as
// the services wrote them (Chinese).

const T = {
  app: ['一线关爱', 'Frontline Care'],
  skip: ['跳到正文', 'Skip to content'],
  lang_other: ['English', '中文'],
  signout: ['退出', 'Sign out'],
  nav: ['主导航', 'Main navigation'],
  nav_dashboard: ['集团看板', 'Group dashboard'],
  nav_people: ['人员', 'People'],
  nav_forms: ['录入', 'Entry forms'],
  nav_roster: ['排班', 'Roster'],
  nav_payments: ['款项', 'Payments'],
  nav_reminders: ['提醒', 'Reminders'],
  role_group_admin: ['集团管理员', 'group administrator'],
  role_org_admin: ['单位管理员', 'unit administrator'],
  role_branch_secretary: ['支部书记', 'branch secretary'],
  role_viewer: ['只读用户', 'viewer'],
  scope: ['范围', 'scope'],
  // sign-in
  signin_title: ['登录', 'Sign in'],
  signin_intro: ['请输入组织部发放的访问令牌（fct_ 开头）。令牌只保存在本浏览器标签页的会话中，关闭标签页即失效。',
    'Enter the access token your organisation department issued (starts with fct_). It is kept only in this tab\'s session and is gone when the tab closes.'],
  token: ['访问令牌', 'Access token'],
  signin_btn: ['登录', 'Sign in'],
  signin_bad: ['令牌无效：', 'Token refused: '],
  whoami_missing: ['网关尚未提供“当前身份”接口（gateway.whoami）：无法得知令牌的角色和范围，所有页面均按接口的答复显示。',
    'The gateway does not offer gateway.whoami yet: the token\'s role and scope are unknown, so every page is shown and the API decides.'],
  // states
  loading: ['加载中…', 'Loading…'],
  unavailable: ['该功能的接口尚未提供', 'This feature\'s API is not available yet'],
  unavailable_detail: ['网关目前没有接口 {op}。接口上线后此处即可使用；这里不显示任何示例数据。',
    'The gateway has no route {op} yet. This page works as soon as it does; no sample data is shown.'],
  no_access: ['无权访问', 'No access'],
  no_access_detail: ['您的令牌无权查看此内容（接口答复 403）：', 'Your token may not see this (the API answered 403): '],
  not_found: ['未找到', 'Not found'],
  error: ['出错了', 'Something went wrong'],
  retry: ['重试', 'Retry'],
  none: ['暂无记录', 'Nothing recorded'],
  saved: ['已保存', 'Saved'],
  save: ['保存', 'Save'],
  submit: ['提交', 'Submit'],
  search: ['查询', 'Search'],
  page_missing: ['没有这个页面', 'No such page'],
  back_home: ['返回首页', 'Back to the start'],
  field_error: ['{field}：{message}', '{field}: {message}'],
  yes: ['是', 'yes'],
  no: ['否', 'no'],
  // dashboard
  dash_title: ['集团看板', 'Group dashboard'],
  dash_week: ['周次', 'Week'],
  dash_scope: ['范围', 'Scope'],
  dash_version: ['版本', 'Version'],
  dash_generated: ['生成时间', 'Generated'],
  dash_partial: ['本报告不完整：以下部分缺失（不显示错误数字）', 'This report is partial: these parts are missing (no wrong figures are shown)'],
  dash_generate: ['立即生成本周报告', 'Generate this week\'s report now'],
  dash_none: ['还没有已存储的周报。', 'No stored weekly report yet.'],
  dash_download: ['下载', 'Download'],
  dash_xlsx: ['Excel（XLSX）', 'Excel (XLSX)'],
  dash_html: ['可打印网页（HTML）', 'Printable page (HTML)'],
  dash_trend: ['近几周走势', 'Past weeks'],
  dash_chart_of: ['{table}（图）', '{table} (chart)'],
  // people
  people_title: ['人员', 'People'],
  people_query: ['姓名或工号', 'Name or employee number'],
  people_search_hint: ['按工号可直接打开“一人一档”；按姓名搜索需要人员搜索接口。', 'An employee number opens the person\'s file directly; searching by name needs the people-search API.'],
  people_search_unavailable: ['按姓名搜索的接口（intake.person_search）尚未提供；请输入完整工号。', 'Searching by name (intake.person_search) is not available yet; enter the full employee number.'],
  people_results: ['查询结果', 'Results'],
  person_file: ['一人一档', 'One person, one file'],
  p_employee_no: ['工号', 'Employee no.'],
  p_name: ['姓名', 'Name'],
  p_phone: ['电话', 'Phone'],
  p_org: ['所在单位', 'Unit'],
  p_party: ['政治面貌', 'Party status'],
  p_cadre: ['干部级别', 'Cadre level'],
  p_health: ['健康状态', 'Health status'],
  p_fit: ['适合一线', 'Fit for frontline'],
  p_flags: ['标记', 'Flags'],
  p_spouse: ['配偶工号', 'Spouse'],
  p_duty: ['执勤时长', 'Duty hours'],
  p_today: ['今日', 'today'],
  p_7d: ['近 7 天', 'last 7 days'],
  p_total: ['累计', 'total'],
  p_duties: ['执勤记录', 'Duty log'],
  p_checkins: ['健康打卡', 'Health check-ins'],
  p_status_history: ['健康状态变化', 'Health status changes'],
  p_incidents: ['伤病亡事件', 'Incidents'],
  p_key_group: ['四类人档案', 'Key-group files'],
  p_contacts: ['服务记录', 'Service contacts'],
  p_hardship: ['困难台账', 'Hardship cases'],
  p_merits: ['表彰与问责', 'Commendations and accountability'],
  p_key_events: ['关键事件', 'Key events'],
  p_weekly: ['每周报告', 'Weekly reports'],
  p_payments: ['款项', 'Payments'],
  p_reminders: ['已发送的提醒', 'Reminders sent'],
  f_leadership: ['领导班子成员', 'leadership team'],
  f_young: ['年轻干部', 'young cadre'],
  f_reserve: ['后备干部', 'reserve pool'],
  f_medical: ['医务人员', 'medical staff'],
  f_aid: ['援助队员', 'aid team'],
  f_elderly: ['照护老人', 'cares for elderly'],
  f_children: ['照护子女', 'cares for children'],
  c_when: ['时间', 'When'],
  c_post: ['岗位', 'Post'],
  c_start: ['开始', 'Start'],
  c_end: ['结束', 'End'],
  c_minutes: ['时长', 'Duration'],
  c_temp: ['体温', 'Temperature'],
  c_symptoms: ['症状', 'Symptoms'],
  c_note: ['备注', 'Note'],
  c_kind: ['类别', 'Kind'],
  c_desc: ['说明', 'Description'],
  c_major: ['重大', 'Major'],
  c_on_duty: ['执勤中', 'On duty'],
  c_from: ['由', 'From'],
  c_to: ['至', 'To'],
  c_reason: ['原因', 'Reason'],
  c_state: ['状态', 'State'],
  c_amount: ['金额', 'Amount'],
  c_by: ['经办', 'By'],
  c_category: ['类型', 'Category'],
  c_week: ['周次', 'Week'],
  c_recipient: ['接收人', 'Recipient'],
  c_title: ['标题', 'Title'],
  c_channel: ['渠道', 'Channel'],
  c_attempts: ['尝试次数', 'Attempts'],
  c_error: ['错误', 'Error'],
  c_unit: ['单位', 'Unit'],
  c_fund: ['经费', 'Fund'],
  c_available: ['可用', 'Available'],
  c_reserved: ['已预留', 'Reserved'],
  c_paid: ['已支付', 'Paid'],
  c_awaiting: ['待拨款', 'Awaiting funds'],
  c_person: ['人员', 'Person'],
  c_actions: ['操作', 'Actions'],
  c_balance: ['余额', 'Balance'],
  c_counterparty: ['对方账户', 'Counterparty'],
  // forms
  forms_title: ['录入', 'Entry forms'],
  form_duty_in: ['执勤签到', 'Duty check-in'],
  form_duty_out: ['执勤签退', 'Duty check-out'],
  form_health: ['健康打卡', 'Health check-in'],
  form_incident: ['伤病亡事件报告', 'Incident report'],
  form_hardship: ['困难台账登记', 'Hardship case'],
  form_contact: ['四类人服务记录', 'Key-group service contact'],
  form_weekly: ['领导班子成员每周报告', 'Weekly leadership-member report'],
  form_import: ['CSV 批量导入', 'CSV import'],
  l_employee_no: ['工号', 'Employee number'],
  l_post_code: ['岗位代码', 'Post code'],
  l_at: ['时间（北京时间，留空为现在）', 'Time (Beijing time; empty = now)'],
  l_temperature: ['体温（°C）', 'Temperature (°C)'],
  l_symptoms: ['症状（用逗号分隔）', 'Symptoms (comma-separated)'],
  l_note: ['备注', 'Note'],
  l_incident_kind: ['事件类别', 'Kind'],
  l_description: ['情况说明', 'Description'],
  l_on_duty: ['发生在一线执勤中', 'Happened on frontline duty'],
  l_hardship_category: ['困难类型', 'Category'],
  l_liaison: ['一对一联系人工号', 'One-to-one liaison (employee no.)'],
  l_requested: ['申请帮扶金额（元，可为 0）', 'Assistance requested (CNY, may be 0)'],
  l_file_id: ['四类人档案编号', 'Key-group file number'],
  l_contact_kind: ['服务方式', 'Kind of service'],
  l_by: ['服务人工号', 'Served by (employee no.)'],
  l_iso_week: ['周次（如 2026-W47）', 'ISO week (e.g. 2026-W47)'],
  l_org_code: ['子公司代码', 'Subsidiary code'],
  l_epidemic_duty: ['疫情防护包保工作', 'Epidemic-control duty done'],
  l_production: ['生产经营稳定工作', 'Production-stability work done'],
  l_no_outbreak: ['本单位未发生疫情', 'No outbreak in the unit'],
  l_production_stable: ['生产经营稳定', 'Production stable'],
  l_import_kind: ['导入内容', 'What to import'],
  l_import_file: ['CSV 文件（UTF-8，首行为表头）', 'CSV file (UTF-8, header row first)'],
  l_skip_bad: ['跳过错误行，只导入正确的行', 'Skip bad rows, import the good ones'],
  import_org: ['组织单元', 'Organisation units'],
  import_posts: ['岗位', 'Posts'],
  import_people: ['人员', 'People'],
  import_check: ['检查文件', 'Check the file'],
  import_apply: ['确认导入', 'Import'],
  import_checked_ok: ['检查通过：{rows} 行均无问题，尚未保存。确认后导入。', 'Checked: all {rows} rows are fine; nothing saved yet. Import to save.'],
  import_checked_bad: ['发现 {bad} 行有问题，尚未保存任何数据：', '{bad} rows have problems; nothing has been saved:'],
  import_done: ['已导入：新增 {inserted}，更新 {updated}，未变 {unchanged}，跳过 {bad}。', 'Imported: {inserted} new, {updated} updated, {unchanged} unchanged, {bad} skipped.'],
  import_not_applied: ['文件有错误，未导入任何数据。', 'The file has errors; nothing was imported.'],
  c_line: ['行号', 'Line'],
  c_column: ['列', 'Column'],
  result_ok: ['已记录。', 'Recorded.'],
  incident_major: ['这是重大事件（专报集团）。', 'This is a major incident (first-time report to the group).'],
  incident_visit: ['看望慰问提醒', 'Visit reminders'],
  // roster
  roster_title: ['排班', 'Roster'],
  roster_post_or_person: ['岗位代码或工号', 'Post code or employee number'],
  roster_show: ['显示', 'Show'],
  roster_uncovered: ['缺员班次', 'Uncovered shift'],
  roster_rest: ['强制休息', 'Forced rest'],
  roster_explain: ['说明', 'Explain'],
  roster_legend: ['图例', 'Legend'],
  // payments
  pay_title: ['款项', 'Payments'],
  pay_queue: ['待我审批', 'Awaiting my approval'],
  pay_balances: ['经费余额', 'Fund balances'],
  pay_statement: ['对账单', 'Statement'],
  pay_approve: ['批准', 'Approve'],
  pay_reject: ['驳回', 'Reject'],
  pay_reject_reason: ['驳回原因', 'Reason for rejecting'],
  pay_approved: ['已批准，已支付。', 'Approved and paid.'],
  pay_rejected: ['已驳回。', 'Rejected.'],
  pay_opening: ['期初', 'Opening'],
  pay_closing: ['期末', 'Closing'],
  pay_show_statement: ['查看对账单', 'Show statement'],
  // reminders
  rem_title: ['提醒', 'Reminders'],
  rem_sent: ['已发送的消息', 'Messages sent'],
  rem_dead: ['投递失败（死信）', 'Dead letters'],
  rem_tasks: ['待办任务', 'Open tasks'],
  rem_retry: ['重新投递', 'Retry'],
  rem_recipient: ['接收人（工号或 @单位代码，可空）', 'Recipient (employee no. or @ORG, optional)'],
  rem_counts: ['投递统计', 'Deliveries'],
  rem_due: ['截止', 'Due'],
  rem_escalated: ['已上报', 'Escalated'],
};

const LANGS = ['zh', 'en'];
let lang = (() => {
  try { return LANGS.includes(localStorage.getItem('fc.lang')) ? localStorage.getItem('fc.lang') : 'zh'; } catch { return 'zh'; }
})();

export function getLang() { return lang; }

export function setLang(l) {
  lang = LANGS.includes(l) ? l : 'zh';
  try { localStorage.setItem('fc.lang', lang); } catch { /* private mode: stays for this page */ }
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

// t('key', {vars}): the text in the current language; unknown keys show the key itself.
export function t(key, vars) {
  const pair = T[key];
  let s = pair ? pair[lang === 'en' ? 1 : 0] : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

// Enum texts of the API, by language.
const ENUMS = {
  health: {
    HEALTH_STATUS_UNSPECIFIED: ['未知', 'unknown'], HEALTH_STATUS_HEALTHY: ['健康', 'healthy'],
    HEALTH_STATUS_OBSERVATION: ['医学观察', 'under observation'], HEALTH_STATUS_QUARANTINED: ['隔离', 'quarantined'],
    HEALTH_STATUS_SUSPECTED: ['疑似', 'suspected'], HEALTH_STATUS_CONFIRMED: ['确诊', 'confirmed'],
    HEALTH_STATUS_RECOVERED: ['康复', 'recovered'], HEALTH_STATUS_DECEASED: ['死亡', 'deceased'],
  },
  incident: {
    injured: ['受伤', 'injured'], fell_ill: ['患病', 'fell ill'], infected: ['感染', 'infected'],
    quarantined: ['被隔离', 'quarantined'], died: ['牺牲', 'died'],
  },
  party: {
    member: ['党员', 'member'], probationary: ['预备党员', 'probationary'], development_target: ['发展对象', 'development target'],
    activist: ['入党积极分子', 'activist'], applicant: ['入党申请人', 'applicant'], none: ['群众', 'non-member'],
  },
  cadre: { none: ['无', 'none'], section: ['科级', 'section'], division: ['处级', 'division'], bureau: ['局级', 'bureau'] },
  hardship: {
    elderly_care: ['老人照护', 'elderly care'], child_care: ['子女照护', 'child care'], illness: ['疾病', 'illness'],
    income: ['收入', 'income'], housing: ['住房', 'housing'], other: ['其他', 'other'],
  },
  contact: {
    phone_call: ['电话联系', 'phone call'], psych_care: ['心理疏导', 'psychological care'], groceries: ['代购生活物资', 'groceries'],
    visit: ['上门看望', 'visit'], other: ['其他', 'other'],
  },
  pay_kind: {
    condolence: ['慰问金', 'condolence'], frontline_subsidy: ['临时性工作补助', 'frontline subsidy'],
    epidemic_allowance: ['防疫津贴', 'epidemic allowance'], hardship: ['困难帮扶', 'hardship assistance'], insurance_claim: ['保险理赔', 'insurance claim'],
  },
  pay_state: {
    awaiting_funds: ['待拨款', 'awaiting funds'], pending: ['待审批', 'pending'], paid: ['已支付', 'paid'],
    rejected: ['已驳回', 'rejected'], expired: ['已过期', 'expired'], reversed: ['已冲正', 'reversed'],
  },
  fund: {
    special_party_fee: ['专项党费', 'special Party fee'], matching: ['本级配套', 'matching funds'],
    retained_party_fee: ['留存党费', 'retained Party fee'], epidemic_subsidy: ['疫情防控补助经费', 'epidemic subsidy'],
  },
  delivery: {
    queued: ['排队中', 'queued'], sending: ['发送中', 'sending'], sent: ['已送达', 'sent'], failed: ['失败待重试', 'failed (retrying)'],
    dead: ['已放弃', 'dead'], cancelled: ['已取消', 'cancelled'], ok: ['成功', 'ok'],
  },
  task: {
    incident_visit: ['看望慰问', 'incident visit'], heart_talk: ['谈心谈话', 'heart-to-heart talk'], health_check: ['免费体检', 'health check'],
    weekly_report: ['每周上报', 'weekly report'], liaison_checkin: ['一对一联络', 'liaison check-in'], family_visit: ['家属定期慰问', 'family visit'],
    open: ['未完成', 'open'], done: ['已完成', 'done'], cancelled: ['已取消', 'cancelled'],
  },
  merit: {
    commendation: ['嘉奖', 'commendation'], merit: ['记功', 'merit'], public_praise: ['通报表扬', 'public praise'],
    accountability: ['问责', 'accountability'], reassignment: ['组织调整', 'reassignment'], disciplinary: ['组织处理', 'disciplinary'],
  },
  key_group: { confirmed: ['确诊', 'confirmed'], suspected: ['疑似', 'suspected'], fever: ['发热未排除', 'fever'], close_contact: ['密切接触', 'close contact'] },
};

// en('incident', 'died') → '牺牲' / 'died'; unknown values are shown as they are.
export function enumText(kind, value) {
  const pair = ENUMS[kind] && ENUMS[kind][value];
  return pair ? pair[lang === 'en' ? 1 : 0] : String(value ?? '');
}

export function enumValues(kind) {
  return Object.keys(ENUMS[kind] || {});
}
