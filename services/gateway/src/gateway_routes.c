/* gateway_routes: every operation the services offer over HTTP, in one table. Keep it in step
 * with the services' route tables (test_gateway_openapi checks both ways). */
#include "gateway_routes.h"
#include "fc/v1/gateway.pb-c.h"
#include "fc/v1/intake.pb-c.h"
#include "fc/v1/notify.pb-c.h"
#include "fc/v1/report.pb-c.h"
#include "fc/v1/rotation.pb-c.h"
#include "fc/v1/welfare.pb-c.h"

#include <stdio.h>
#include <string.h>

#define W GW_WRITE
#define S GW_SENSITIVE
#define VIEWER GW_ROLE_VIEWER
#define SECRETARY GW_ROLE_BRANCH_SECRETARY
#define ORG GW_ROLE_ORG_ADMIN
#define GROUP GW_ROLE_GROUP_ADMIN
/* R(type, request message, reply message, least role, flags, summary) */
#define R(type, req, rep, role, flags, summary)                                                    \
    {                                                                                              \
        type, &fc__v1__##req##__descriptor, &fc__v1__##rep##__descriptor, role, flags, summary     \
    }

/* clang-format off */
const gateway_route_t gateway_routes[] = {
    /* ---- intake: organisation, people, posts, duty, health, incidents, cases, import ---- */
    R("intake.org_upsert", org_upsert_request, org_upsert_reply, ORG, W,
      "新建或更新组织单元（上级须在本人管辖范围内）"),
    R("intake.person_upsert", person_upsert_request, person_upsert_reply, ORG, W,
      "新建或更新人员（含家庭照护情况）"),
    R("intake.person_get", person_get_request, person_get_reply, SECRETARY, S,
      "查看一名人员（含健康状态、家庭照护情况）"),
    R("intake.person_file", person_file_request, person_file_reply, SECRETARY, S,
      "一人一档：值守、健康、事件、帮扶、奖惩等全部记录"),
    R("intake.person_search", person_search_request, person_search_reply, VIEWER, S,
      "按姓名或工号查找本人管辖范围内的人员"),
    R("intake.post_upsert", post_upsert_request, post_upsert_reply, ORG, W,
      "新建或更新一线岗位及班次"),
    R("intake.post_get", post_get_request, post_get_reply, VIEWER, 0, "查看一个一线岗位"),
    R("intake.health_checkin", health_checkin_request, health_checkin_reply, SECRETARY, W,
      "记录健康打卡（体温、症状）"),
    R("intake.health_status", health_status_request, health_status_reply, SECRETARY, W,
      "变更健康状态（医学观察、隔离、确诊等）"),
    R("intake.duty_checkin", duty_checkin_request, duty_checkin_reply, SECRETARY, W,
      "上岗签到"),
    R("intake.duty_checkout", duty_checkout_request, duty_checkout_reply, SECRETARY, W,
      "下岗签退"),
    R("intake.incident", incident_request, incident_reply, SECRETARY, W,
      "报告事件（负伤、患病、感染、隔离、殉职）"),
    R("intake.key_group_open", key_group_open_request, key_group_open_reply, ORG, W,
      "建立四类人员“一人一档一卡”"),
    R("intake.key_group_close", key_group_close_request, key_group_close_reply, ORG, W,
      "关闭四类人员档案"),
    R("intake.service_contact", service_contact_request, service_contact_reply, SECRETARY, W,
      "记录对四类人员的服务（电话、心理疏导、代购等）"),
    R("intake.hardship_open", hardship_open_request, hardship_open_reply, SECRETARY, W,
      "登记困难台账并指定一对一联系人"),
    R("intake.hardship_close", hardship_close_request, hardship_close_reply, SECRETARY, W,
      "销号困难台账"),
    R("intake.weekly_report", weekly_report_request, weekly_report_reply, ORG, W,
      "提交领导班子成员周报（包保、生产）"),
    R("intake.cadre_key_event", cadre_key_event_request, cadre_key_event_reply, ORG, W,
      "记录干部关键事件与具体事例"),
    R("intake.merit_record", merit_record_request, merit_record_reply, ORG, W,
      "记录嘉奖、记功、通报表扬或问责"),
    R("intake.party_candidate", party_candidate_request, party_candidate_reply, ORG, W,
      "推荐火线入党（发展对象）"),
    R("intake.import_begin", import_begin_request, import_begin_reply, ORG, W,
      "开始 CSV 批量导入"),
    R("intake.import_chunk", import_chunk_request, import_chunk_reply, ORG, W,
      "提交一段导入数据"),
    R("intake.import_commit", import_commit_request, import_commit_reply, ORG, W,
      "校验并提交导入（整体生效或整体不生效）"),
    R("intake.import_problems", import_problems_request, import_problems_reply, ORG, 0,
      "查看导入中的问题行"),
    /* 000 §9 and 002 §12 (issue 11): intake re-checks that the scope is the group or the
     * person's own subsidiary; every read is audited */
    R("intake.fault_tolerance", fault_tolerance_request, fault_tolerance_reply, ORG, W,
      "记录干部容错免责（事由、理由、决定机关）"),
    R("intake.clarification", clarification_request, clarification_reply, ORG, W,
      "记录澄清正名（不实投诉举报不再计入考核）"),
    R("intake.discrimination_report", discrimination_report_request, discrimination_report_reply,
      ORG, W, "登记歧视一线人员及其家属的事件"),
    R("intake.discrimination_step", discrimination_step_request, discrimination_step_reply, ORG,
      W, "办理或结案歧视事件（须按顺序）"),
    R("intake.records_list", records_list_request, records_list_reply, ORG, S,
      "查阅容错免责、澄清正名和歧视处理记录（仅集团和本人所在子分公司）"),
    R("intake.village_assign", village_assign_request, village_assign_reply, ORG, W,
      "登记驻村第一书记（村、开始时间、计划返岗）"),
    R("intake.village_update", village_update_request, village_update_reply, ORG, W,
      "驻村第一书记：计划返岗、一线表现、实际返岗"),
    R("intake.village_list", village_list_request, village_list_reply, VIEWER, S,
      "本人管辖范围内的驻村第一书记（驻村中、逾期未返岗、已返岗）"),

    /* ---- rotation: workload, rosters, leave ---- */
    R("rotation.roster_plan", roster_plan_request, roster_plan_reply, ORG, W,
      "为组织子树的岗位排班（覆盖、休息、轮换、夫妻不同日等规则）"),
    R("rotation.roster_show", roster_show_request, roster_show_reply, VIEWER, 0,
      "当前排班（组织或个人）"),
    R("rotation.roster_explain", roster_explain_request, roster_explain_reply, SECRETARY, S,
      "某人某日为何在岗或不在岗（含适岗、强制休息等原因）"),
    R("rotation.leave_show", leave_show_request, leave_show_reply, VIEWER, 0,
      "个人调休、轮休"),
    R("rotation.workload_show", workload_show_request, workload_show_reply, SECRETARY, S,
      "个人当前工作负荷与可用状态"),
    R("rotation.spouse_override", spouse_override_request, spouse_override_reply, ORG, W,
      "允许双职工夫妻同日在一线（须记录理由）"),

    /* ---- welfare: special Party-fee funds, payments, families ---- */
    R("welfare.funds_inflow", funds_inflow_request, funds_transfer_reply, ORG, W,
      "专项党费入账（追加、本级配套）"),
    R("welfare.funds_allocate", funds_allocate_request, funds_transfer_reply, ORG, W,
      "上级划拨给下级组织"),
    R("welfare.funds_balance", funds_balance_request, funds_balance_reply, VIEWER, 0,
      "各组织各项资金余额"),
    R("welfare.funds_statement", funds_statement_request, funds_statement_reply, VIEWER, 0,
      "一个账户的流水"),
    R("welfare.pay_request", pay_request, pay_reply, SECRETARY, W,
      "申请发放（慰问金、临时性工作补助、困难帮扶等）"),
    R("welfare.pay_approve", pay_decision_request, pay_reply, ORG, W, "批准发放"),
    R("welfare.pay_reject", pay_decision_request, pay_reply, ORG, W, "驳回发放申请"),
    R("welfare.pay_reverse", pay_decision_request, pay_reply, ORG, W,
      "冲正已发放款项（以冲正分录，不删除）"),
    R("welfare.pay_show", pay_show_request, pay_reply, SECRETARY, S, "查看一笔发放"),
    R("welfare.pay_list", pay_list_request, pay_list_reply, SECRETARY, S, "按人员、种类、状态查发放"),
    R("welfare.family_list", family_list_request, family_list_reply, SECRETARY, S,
      "殉职人员家属关爱记录"),
    R("welfare.family_show", family_show_request, family_show_reply, SECRETARY, S,
      "查看一户家属的关爱记录"),
    R("welfare.family_assign", family_assign_request, family_show_reply, ORG, W,
      "指定家属联系人与慰问周期"),
    R("welfare.family_visit", family_visit_request, family_show_reply, SECRETARY, W,
      "登记一次看望慰问"),
    R("welfare.check", welfare_check_request, welfare_check_reply, GROUP, 0,
      "核对全部账目（借贷平衡、余额不为负）"),
    R("welfare.benefit_open", benefit_open_request, benefit_reply, SECRETARY, W,
      "立案待遇申请（工伤申报、因工伤残、因公牺牲、烈士评定、保险理赔）"),
    R("welfare.benefit_step", benefit_step_request, benefit_reply, SECRETARY, W,
      "待遇申请进入下一步骤（按顺序办理）"),
    R("welfare.benefit_doc", benefit_doc_request, benefit_reply, SECRETARY, W,
      "登记待遇申请收到的材料"),
    R("welfare.benefit_grant", benefit_decision_request, benefit_reply, ORG, W,
      "批准待遇申请并兑现（只发放一次）"),
    R("welfare.benefit_refuse", benefit_decision_request, benefit_reply, ORG, W,
      "待遇申请不予批准（须说明原因）"),
    R("welfare.benefit_show", benefit_show_request, benefit_reply, SECRETARY, S,
      "查看待遇申请案件（步骤、材料、发放）"),
    R("welfare.benefit_list", benefit_list_request, benefit_list_reply, SECRETARY, S,
      "按组织、人员、类别、状态查待遇申请（可只看逾期）"),
    /* welfare: protective supplies and daily needs (000 §3) */
    R("welfare.supply_items", supply_items_request, supply_items_reply, VIEWER, 0,
      "物资目录（防护物资、生活保障）"),
    R("welfare.supply_item_set", supply_item_set_request, supply_items_reply, GROUP, W,
      "新增或修改物资目录中的物资"),
    R("welfare.supply_receive", supply_receive_request, supply_move_reply, ORG, W,
      "物资入库（须幂等键）"),
    R("welfare.supply_transfer", supply_transfer_request, supply_move_reply, ORG, W,
      "向下级单位调拨物资（不超过现有库存）"),
    R("welfare.supply_issue", supply_issue_request, supply_move_reply, ORG, W,
      "向一线岗位发放物资"),
    R("welfare.supply_request", supply_request_new, supply_request_reply, SECRETARY, W,
      "岗位申请物资"),
    R("welfare.supply_serve", supply_serve_request, supply_serve_reply, ORG, W,
      "按优先顺序（风险等级、在岗人数、等待时间）保障物资申请"),
    R("welfare.supply_requests", supply_requests_request, supply_requests_reply, VIEWER, 0,
      "物资申请及其保障顺位"),
    R("welfare.supply_stock", supply_stock_request, supply_stock_reply, VIEWER, 0,
      "各单位物资库存、可用天数与待保障数量"),
    R("welfare.supply_need_record", supply_need_record_request, supply_need_reply, SECRETARY, W,
      "登记岗位当日就餐、住宿、御寒、值夜、交通需求"),
    R("welfare.supply_need_met", supply_need_met_request, supply_need_reply, SECRETARY, W,
      "登记日常保障需求已落实"),
    R("welfare.supply_needs", supply_needs_request, supply_needs_reply, VIEWER, 0,
      "岗位日常保障需求及落实情况"),

    /* ---- notify: tasks, reminders, recipients, messages ---- */
    R("notify.task_done", task_done_request, task_done_reply, SECRETARY, W,
      "登记任务已完成（谈心谈话、看望、体检等）"),
    R("notify.tasks", task_list_request, task_list_reply, SECRETARY, S,
      "按状态、种类、人员、组织查任务"),
    R("notify.remind", remind_request, remind_reply, ORG, W, "创建提醒"),
    R("notify.desk_set", desk_set_request, desk_set_reply, ORG, W,
      "设置组织部的接收渠道（企业微信、短信、邮件）"),
    R("notify.pref_set", pref_set_request, pref_set_reply, ORG, W, "设置个人的接收渠道"),
    R("notify.secretary_set", secretary_set_request, secretary_set_reply, ORG, W,
      "指定党支部书记"),
    R("notify.campaign_start", campaign_start_request, campaign_start_reply, ORG, W,
      "发起疫情后免费体检等专项提醒"),
    R("notify.status", status_request, status_reply, SECRETARY, S, "消息及其投递状态"),
    /* a read that can mark messages read: POST only, audited like a write */
    R("notify.inbox", inbox_request, inbox_reply, SECRETARY, W, "个人或组织部的站内信"),

    /* ---- report: the weekly aggregate ---- */
    R("report.weekly_generate", report_generate_request, report_generate_reply, ORG, W,
      "生成周报（存为新版本）"),
    R("report.weekly_get", report_get_request, report_get_reply, VIEWER, 0, "取一份已存周报"),
    R("report.weekly_list", report_list_request, report_list_reply, VIEWER, 0, "周报版本列表"),
    R("report.weekly_render", report_render_request, report_render_reply, VIEWER, 0,
      "周报导出为 JSON、CSV、XLSX 或 HTML"),

    /* ---- gateway: tokens and the audit log ---- */
    R("gateway.token_create", token_create_request, token_create_reply, GROUP, W,
      "签发访问令牌（明文只在此返回一次）"),
    R("gateway.token_revoke", token_revoke_request, token_revoke_reply, GROUP, W,
      "吊销访问令牌（立即生效）"),
    R("gateway.token_list", token_list_request, token_list_reply, GROUP, 0,
      "列出访问令牌（不含明文）"),
    R("gateway.audit_query", audit_query_request, audit_query_reply, GROUP, S,
      "查询审计日志（按人员工号）"),
    R("gateway.whoami", whoami_request, whoami_reply, VIEWER, 0,
      "当前令牌的身份：名称、角色、管辖单位代码及名称"),
};
/* clang-format on */

/* Operations the services serve that the API does not offer, and why. */
const gateway_internal_t gateway_internal[] = {
    {"notify.retry", "只有集团运维（服务身份）可以重试投递：请用 fcctl 直接调用 fc-notify"},
};
const size_t gateway_ninternal = sizeof gateway_internal / sizeof gateway_internal[0];
const size_t gateway_nroutes = sizeof gateway_routes / sizeof gateway_routes[0];

const gateway_route_t *gateway_route_by_type(const char *type)
{
    for (size_t i = 0; i < gateway_nroutes; i++)
        if (strcmp(gateway_routes[i].type, type) == 0)
            return &gateway_routes[i];
    return NULL;
}

const gateway_route_t *gateway_route_by_path(const char *service_op)
{
    /* "intake/person_get" names "intake.person_get": the one '.' of the type is the '/' */
    size_t n = strlen(service_op);
    for (size_t i = 0; i < gateway_nroutes; i++) {
        const char *t = gateway_routes[i].type;
        size_t dot = strcspn(t, ".");
        if (strlen(t) == n && service_op[dot] == '/' && strncmp(t, service_op, dot) == 0 &&
            strcmp(t + dot + 1, service_op + dot + 1) == 0)
            return &gateway_routes[i];
    }
    return NULL;
}

size_t gateway_route_index(const gateway_route_t *route)
{
    return (size_t)(route - gateway_routes);
}

const char *gateway_route_service(const gateway_route_t *route, char *buf, size_t n)
{
    snprintf(buf, n, "%.*s", (int)strcspn(route->type, "."), route->type);
    return buf;
}

const char *gateway_route_path(const gateway_route_t *route, char *buf, size_t n)
{
    size_t svc = strcspn(route->type, ".");
    snprintf(buf, n, "/api/v1/%.*s/%s", (int)svc, route->type, route->type + svc + 1);
    return buf;
}

static const char *s_role_names[] = {"", "viewer", "branch_secretary", "org_admin", "group_admin"};

gateway_role_t gateway_role_parse(const char *name)
{
    for (int i = 1; i <= GW_ROLE_GROUP_ADMIN; i++)
        if (name && strcmp(name, s_role_names[i]) == 0)
            return (gateway_role_t)i;
    return GW_ROLE_NONE;
}

const char *gateway_role_name(gateway_role_t role)
{
    return role >= GW_ROLE_VIEWER && role <= GW_ROLE_GROUP_ADMIN ? s_role_names[role] : "";
}
