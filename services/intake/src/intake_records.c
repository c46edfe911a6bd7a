/* intake_records: handlers and rules for fault-tolerance (容错免责) and clarification (澄清正名)
 * records, discrimination cases (000 §9) and village first-secretary assignments (002 §12).
 * The 000 §9 records belong to the group organisation department and the person's own
 * subsidiary only: every read and write checks that the actor's scope is the group (or
 * group-wide) or exactly the person's subsidiary, and that the role is an organisation
 * department's. Events about them carry no texts. */
#include "intake_records.h"
#include "intake_rules.h"
#include "intake_server.h"
#include "intake_store.h"
#include "fc_clock.h"
#include "fc_pb.h"

#include <stdio.h>
#include <string.h>

#define RECORDS_MAX_AGE_DAYS (366 * 3) /* a complaint may be clarified years later */
#define RECORDS_MAX_CLEARED 50
#define RECORDS_LIST_LIMIT 50

static int64_t s_at(int64_t at_us, int64_t now)
{
    return at_us ? at_us : now;
}

/* ---- rules --------------------------------------------------------------------------------- */

static int s_cleared_rules(Fc__V1__ClearedRecord *const *c, size_t n, fc_err_t *err)
{
    if (n > RECORDS_MAX_CLEARED)
        return fc_err_set(err, FC_EINVAL, "cleared", "一次最多消除 %d 条记录", RECORDS_MAX_CLEARED);
    for (size_t i = 0; i < n; i++) {
        char f[48];
        if (strcmp(c[i]->kind, "key_event") != 0 && strcmp(c[i]->kind, "merit") != 0) {
            snprintf(f, sizeof f, "cleared[%zu].kind", i);
            return fc_err_set(err, FC_EINVAL, f,
                              "“%s”不是 key_event（关键事件）或 merit（问责记录）", c[i]->kind);
        }
        if (c[i]->record_id <= 0) {
            snprintf(f, sizeof f, "cleared[%zu].record_id", i);
            return fc_err_set(err, FC_EINVAL, f, "缺少记录编号");
        }
        for (size_t k = 0; k < i; k++)
            if (c[k]->record_id == c[i]->record_id && strcmp(c[k]->kind, c[i]->kind) == 0) {
                snprintf(f, sizeof f, "cleared[%zu]", i);
                return fc_err_set(err, FC_EINVAL, f, "同一记录列了两次");
            }
    }
    return FC_OK;
}

int intake_records_rules_fault(const Fc__V1__FaultToleranceRecord *r, int64_t now_us, fc_err_t *err)
{
    int rc = intake_rules_code("employee_no", r->employee_no, err);
    if (rc == FC_OK)
        rc = intake_rules_text("mistake", r->mistake, 4000, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_text("reasons", r->reasons, 4000, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_text("decided_by", r->decided_by, 200, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_when("decided_us", r->decided_us, now_us, RECORDS_MAX_AGE_DAYS, err);
    if (rc == FC_OK)
        rc = s_cleared_rules(r->cleared, r->n_cleared, err);
    return rc;
}

int intake_records_rules_clarification(const Fc__V1__ClarificationRecord *r, int64_t now_us,
                                       fc_err_t *err)
{
    int rc = intake_rules_code("employee_no", r->employee_no, err);
    if (rc == FC_OK)
        rc = intake_rules_text("complaint", r->complaint, 4000, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_text("findings", r->findings, 4000, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_text("decided_by", r->decided_by, 200, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_text("accuser_action", r->accuser_action, 4000, 0, err);
    if (rc == FC_OK && r->complaint_us <= 0)
        rc = fc_err_set(err, FC_EINVAL, "complaint_us", "须填写收到投诉举报的时间");
    if (rc == FC_OK)
        rc = intake_rules_when("complaint_us", r->complaint_us, now_us, RECORDS_MAX_AGE_DAYS, err);
    if (rc == FC_OK)
        rc = intake_rules_when("clarified_us", r->clarified_us, now_us, RECORDS_MAX_AGE_DAYS, err);
    if (rc == FC_OK && r->clarified_us < r->complaint_us)
        rc = fc_err_set(err, FC_EINVAL, "clarified_us", "澄清时间早于收到投诉举报的时间");
    if (rc == FC_OK)
        rc = s_cleared_rules(r->cleared, r->n_cleared, err);
    return rc;
}

int intake_records_rules_discrimination(const Fc__V1__DiscriminationCase *c, int64_t now_us,
                                        fc_err_t *err)
{
    int rc = intake_rules_code("employee_no", c->employee_no, err);
    if (rc == FC_OK && strcmp(c->victim, "staff") != 0 && strcmp(c->victim, "family") != 0)
        rc = fc_err_set(err, FC_EINVAL, "victim", "“%s”不是 staff（一线人员本人）或 family（家属）",
                        c->victim);
    if (rc == FC_OK)
        rc = intake_rules_text("family_member", c->family_member, 200,
                               strcmp(c->victim, "family") == 0, err);
    if (rc == FC_OK && strcmp(c->victim, "staff") == 0 && c->family_member[0])
        rc = fc_err_set(err, FC_EINVAL, "family_member", "受歧视的是本人时不填家属");
    if (rc == FC_OK)
        rc = intake_rules_text("description", c->description, 4000, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_text("reported_by", c->reported_by, 200, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_when("reported_us", c->reported_us, now_us, RECORDS_MAX_AGE_DAYS, err);
    return rc;
}

/* The transition table of a discrimination case. */
static const struct {
    const char *state, *step, *next;
} s_transitions[] = {
    {"reported", "handling", "handling"},
    {"handling", "handling", "handling"},
    {"handling", "closed", "closed"},
};

int intake_records_next_state(const char *state, const char *step, const char **next_out,
                              fc_err_t *err)
{
    if (strcmp(step, "handling") != 0 && strcmp(step, "closed") != 0)
        return fc_err_set(err, FC_EINVAL, "step", "“%s”不是 handling（处理）或 closed（结案）",
                          step);
    for (size_t i = 0; i < sizeof s_transitions / sizeof s_transitions[0]; i++)
        if (strcmp(s_transitions[i].state, state) == 0 &&
            strcmp(s_transitions[i].step, step) == 0) {
            *next_out = s_transitions[i].next;
            return FC_OK;
        }
    if (strcmp(state, "closed") == 0)
        return fc_err_set(err, FC_ECONFLICT, "step", "该事件已结案，不能再办理");
    return fc_err_set(err, FC_ECONFLICT, "step", "尚未开始处理（当前状态“%s”），不能直接结案",
                      state);
}

int intake_records_rules_village(const Fc__V1__VillageAssignment *a, int64_t now_us, fc_err_t *err)
{
    int rc = intake_rules_code("employee_no", a->employee_no, err);
    if (rc == FC_OK)
        rc = intake_rules_text("village", a->village, 200, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_text("township", a->township, 200, 0, err);
    if (rc == FC_OK)
        rc = intake_rules_text("frontline_record", a->frontline_record, 8000, 0, err);
    if (rc == FC_OK)
        rc = intake_rules_when("start_us", a->start_us, now_us, RECORDS_MAX_AGE_DAYS, err);
    if (rc == FC_OK && a->planned_return_us && a->planned_return_us < a->start_us)
        rc = fc_err_set(err, FC_EINVAL, "planned_return_us", "计划返岗时间早于驻村开始时间");
    if (rc == FC_OK && a->returned_us)
        rc = fc_err_set(err, FC_EINVAL, "returned_us", "返岗须在驻村开始后另行登记");
    return rc;
}

static const char *const s_village_states[] = {"on_assignment", "overdue", "returned", "all"};

int intake_records_rules_village_list(const Fc__V1__VillageListRequest *r, fc_err_t *err)
{
    int known = !r->state[0];
    for (size_t i = 0; !known && i < sizeof s_village_states / sizeof *s_village_states; i++)
        known = strcmp(r->state, s_village_states[i]) == 0;
    if (!known)
        return fc_err_set(err, FC_EINVAL, "state",
                          "须为 on_assignment（驻村中）、overdue（逾期未返岗）、returned（已返岗）"
                          "或 all，不能是“%s”",
                          r->state);
    if (r->org_code[0]) {
        int rc = intake_rules_code("org_code", r->org_code, err);
        if (rc != FC_OK)
            return rc;
    }
    if (r->limit < 0)
        return fc_err_set(err, FC_EINVAL, "limit", "不能为负数（%d）", (int)r->limit);
    if (r->offset < 0 || r->offset > INTAKE_VILLAGE_LIST_MAX_OFFSET)
        return fc_err_set(err, FC_EINVAL, "offset", "须在 0 到 %d 之间（%d）",
                          INTAKE_VILLAGE_LIST_MAX_OFFSET, (int)r->offset);
    return FC_OK;
}

/* ---- access ------------------------------------------------------------------------------- */

/* The 000 §9 records are the group organisation department's and the person's own
 * subsidiary's only (their organisation departments: branch secretaries and viewers never).
 * target_path: the person's unit (or the unit listed); target_sub: the subsidiary holding it
 * ("" if none); field: what to name when the target lies outside the scope. */
static int s_access(fc_service_t *svc, fc_call_t *call, const char *target_path,
                    const char *target_sub, const char *field, fc_err_t *err)
{
    const char *role = fc_call_role(call);
    if (strcmp(role, "viewer") == 0 || strcmp(role, "branch_secretary") == 0)
        return fc_err_set(err, FC_EDENIED, "actor",
                          "容错免责、澄清正名和歧视处理记录仅限组织部门查阅（角色“%s”无权）", role);
    if (intake_group_wide(call))
        return FC_OK;
    const char *scope = fc_call_scope(call);
    intake_org_ref_t ref;
    fc_err_t none;
    if (!*scope || intake_store_org_ref(fc_service_pg(svc), scope, "org_scope", call->arena, &ref,
                                        &none) != FC_OK)
        return fc_err_set(err, FC_EDENIED, "org_scope", "组织范围“%s”不存在", scope);
    if (!intake_in_scope(ref.path, target_path))
        return fc_err_set(err, FC_EDENIED, field, "不在您的管辖范围“%s”内", scope);
    if (strcmp(ref.kind, "group") == 0)
        return FC_OK;
    if (strcmp(ref.kind, "subsidiary") == 0 && strcmp(target_sub, scope) == 0)
        return FC_OK;
    return fc_err_set(err, FC_EDENIED, "org_scope",
                      "容错免责、澄清正名和歧视处理记录仅限集团党委组织部和本人所在子分公司"
                      "（%s）党委组织部查阅，组织范围“%s”无权",
                      *target_sub ? target_sub : "无", scope);
}

static int s_records_access(fc_service_t *svc, fc_call_t *call, const intake_person_brief_t *who,
                            fc_err_t *err)
{
    const char *sub = NULL;
    int rc =
        intake_records_store_subsidiary(fc_service_pg(svc), who->org_path, call->arena, &sub, err);
    if (rc == FC_OK)
        rc = s_access(svc, call, who->org_path, sub, "employee_no", err);
    return rc;
}

/* The person exists and the actor may touch their records. */
static int s_subject(fc_service_t *svc, fc_call_t *call, const char *employee_no,
                     intake_person_brief_t *who, fc_err_t *err)
{
    int rc = intake_store_person_brief(fc_service_pg(svc), employee_no, "employee_no", who, err);
    if (rc == FC_OK)
        rc = s_records_access(svc, call, who, err);
    return rc;
}

static int s_is_cadre(const intake_person_brief_t *who, fc_err_t *err)
{
    if (strcmp(who->cadre_level, "none") == 0 && !who->leadership_team && !who->young_cadre &&
        !who->reserve_pool)
        return fc_err_set(err, FC_ECONFLICT, "employee_no",
                          "“%s”不是干部（无干部级别、非班子成员、非年轻干部或后备干部）",
                          who->employee_no);
    return FC_OK;
}

/* Checks then records what a fault-tolerance or clarification record clears. */
static int s_clear_all(fc_pg_t *pg, const char *employee_no, Fc__V1__ClearedRecord *const *c,
                       size_t n, const char *by_kind, int64_t by_id, fc_err_t *err)
{
    for (size_t i = 0; i < n; i++) {
        char f[48];
        snprintf(f, sizeof f, "cleared[%zu].record_id", i);
        int rc = intake_records_store_check_clear(pg, employee_no, c[i], f, err);
        if (rc == FC_OK && by_id)
            rc = intake_records_store_clear(pg, c[i], by_kind, by_id, err);
        if (rc != FC_OK)
            return rc;
    }
    return FC_OK;
}

/* Before a fault-tolerance or clarification record (kind) is stored: its subject exists, is in
 * the actor's reach and is a cadre; every record it clears is checked. */
static int s_assessment_check(fc_service_t *svc, fc_call_t *call, const char *kind,
                              const char *employee_no, Fc__V1__ClearedRecord *const *cleared,
                              size_t n, intake_person_brief_t *who, fc_err_t *err)
{
    int rc = s_subject(svc, call, employee_no, who, err);
    if (rc == FC_OK)
        rc = s_is_cadre(who, err);
    if (rc == FC_OK)
        rc = s_clear_all(fc_service_pg(svc), employee_no, cleared, n, kind, 0, err);
    return rc;
}

/* Once stored as id: the records it clears are marked cleared by it and its event (type) is
 * published. */
static int s_assessment_done(fc_service_t *svc, const char *type, const char *kind, int64_t id,
                             const char *employee_no, const char *org_code, int64_t at,
                             Fc__V1__ClearedRecord **cleared, size_t n, fc_err_t *err)
{
    int rc = s_clear_all(fc_service_pg(svc), employee_no, cleared, n, kind, id, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__AssessmentRecordEvent ev = FC__V1__ASSESSMENT_RECORD_EVENT__INIT;
    ev.kind = (char *)kind;
    ev.record_id = id;
    ev.employee_no = (char *)employee_no;
    ev.org_code = (char *)org_code;
    ev.at_us = at;
    ev.cleared = cleared;
    ev.n_cleared = n;
    return fc_service_publish(svc, type, &ev.base, at, err);
}

/* ---- fault tolerance and clarification ---------------------------------------------------- */

static int handle_fault_tolerance(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__FaultToleranceRequest *req = (const Fc__V1__FaultToleranceRequest *)call->request;
    intake_person_brief_t who;
    int64_t now = fc_clock_now_us(), id = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = fc_pb_require(&req->base, "record", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__FaultToleranceRecord r = *req->record;
    r.decided_us = s_at(r.decided_us, now);
    r.recorded_us = now;
    r.recorded_by = (char *)fc_call_actor(call);
    if ((rc = intake_records_rules_fault(&r, now, err)) == FC_OK)
        rc = s_assessment_check(svc, call, "fault_tolerance", r.employee_no, r.cleared, r.n_cleared,
                                &who, err);
    r.org_code = who.org_code;
    if (rc == FC_OK)
        rc = intake_records_store_fault_add(fc_service_pg(svc), &r, &id, err);
    if (rc == FC_OK)
        rc = s_assessment_done(svc, INTAKE_EV_FAULT_TOLERANCE, "fault_tolerance", id, r.employee_no,
                               r.org_code, r.decided_us, r.cleared, r.n_cleared, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__FaultToleranceReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__fault_tolerance_reply__init(reply);
    reply->record_id = id;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_clarification(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__ClarificationRequest *req = (const Fc__V1__ClarificationRequest *)call->request;
    intake_person_brief_t who;
    int64_t now = fc_clock_now_us(), id = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = fc_pb_require(&req->base, "record", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__ClarificationRecord r = *req->record;
    r.clarified_us = s_at(r.clarified_us, now);
    r.recorded_us = now;
    r.recorded_by = (char *)fc_call_actor(call);
    if ((rc = intake_records_rules_clarification(&r, now, err)) == FC_OK)
        rc = s_assessment_check(svc, call, "clarification", r.employee_no, r.cleared, r.n_cleared,
                                &who, err);
    r.org_code = who.org_code;
    if (rc == FC_OK)
        rc = intake_records_store_clarification_add(fc_service_pg(svc), &r, &id, err);
    if (rc == FC_OK)
        rc = s_assessment_done(svc, INTAKE_EV_CLARIFICATION, "clarification", id, r.employee_no,
                               r.org_code, r.clarified_us, r.cleared, r.n_cleared, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__ClarificationReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__clarification_reply__init(reply);
    reply->record_id = id;
    call->reply = &reply->base;
    return FC_OK;
}

/* ---- discrimination cases ------------------------------------------------------------------ */

static int s_publish_case(fc_service_t *svc, const Fc__V1__DiscriminationCase *c, int64_t at,
                          fc_err_t *err)
{
    Fc__V1__DiscriminationCaseChanged ev = FC__V1__DISCRIMINATION_CASE_CHANGED__INIT;
    ev.case_id = c->case_id;
    ev.employee_no = c->employee_no;
    ev.org_code = c->org_code;
    ev.victim = c->victim;
    ev.state = c->state;
    ev.outcome = c->outcome;
    ev.at_us = at;
    return fc_service_publish(svc, INTAKE_EV_DISCRIMINATION, &ev.base, at, err);
}

static int handle_discrimination_report(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__DiscriminationReportRequest *req =
        (const Fc__V1__DiscriminationReportRequest *)call->request;
    intake_person_brief_t who;
    int64_t now = fc_clock_now_us(), id = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = fc_pb_require(&req->base, "report", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__DiscriminationCase c = *req->report;
    c.reported_us = s_at(c.reported_us, now);
    c.state = "reported";
    c.outcome = "";
    c.closed_us = 0;
    c.n_steps = 0;
    if ((rc = intake_records_rules_discrimination(&c, now, err)) == FC_OK)
        rc = s_subject(svc, call, c.employee_no, &who, err);
    c.org_code = who.org_code;
    if (rc == FC_OK)
        rc = intake_records_store_discrimination_add(fc_service_pg(svc), &c, &id, err);
    c.case_id = id;
    if (rc == FC_OK)
        rc = s_publish_case(svc, &c, c.reported_us, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__DiscriminationReportReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__discrimination_report_reply__init(reply);
    reply->case_id = id;
    call->reply = &reply->base;
    return FC_OK;
}

static const char *s_outcomes[] = {"education", "punished", "unfounded", "other", NULL};

static int handle_discrimination_step(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__DiscriminationStepRequest *req =
        (const Fc__V1__DiscriminationStepRequest *)call->request;
    intake_person_brief_t who;
    Fc__V1__DiscriminationCase *c = NULL;
    const char *next = NULL;
    fc_pg_t *pg = fc_service_pg(svc);
    int64_t now = fc_clock_now_us(), at = s_at(req->at_us, now);
    int closing = strcmp(req->step, "closed") == 0, known = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = intake_rules_text("action", req->action, 4000, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_text("by", req->by, 200, 1, err);
    if (rc == FC_OK)
        rc = intake_rules_when("at_us", at, now, RECORDS_MAX_AGE_DAYS, err);
    for (size_t i = 0; s_outcomes[i]; i++)
        known |= strcmp(s_outcomes[i], req->outcome) == 0;
    if (rc == FC_OK && closing && !known)
        rc = fc_err_set(err, FC_EINVAL, "outcome",
                        "结案须写明结果：education（批评教育）、punished（处理处罚）、"
                        "unfounded（查无实据）或 other（其他），“%s”不是",
                        req->outcome);
    if (rc == FC_OK && !closing && req->outcome[0])
        rc = fc_err_set(err, FC_EINVAL, "outcome", "只有结案时填写结果");
    if (rc == FC_OK)
        rc = intake_records_store_discrimination_get(pg, req->case_id, call->arena, &c, err);
    if (rc == FC_OK)
        rc = s_subject(svc, call, c->employee_no, &who, err);
    if (rc == FC_OK)
        rc = intake_records_next_state(c->state, req->step, &next, err);
    if (rc == FC_OK && c->n_steps && at < c->steps[c->n_steps - 1]->at_us)
        rc = fc_err_set(err, FC_EINVAL, "at_us", "办理时间早于上一步（%s）的时间",
                        c->steps[c->n_steps - 1]->step);
    if (rc == FC_OK)
        rc = intake_records_store_discrimination_step(pg, c->case_id, (int)c->n_steps, next,
                                                      req->action, req->by, at,
                                                      closing ? req->outcome : "", err);
    if (rc == FC_OK) {
        c->state = (char *)next;
        c->outcome = closing ? req->outcome : "";
        rc = s_publish_case(svc, c, at, err);
    }
    if (rc != FC_OK)
        return rc;
    Fc__V1__DiscriminationStepReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__discrimination_step_reply__init(reply);
    reply->case_id = c->case_id;
    reply->state = (char *)next;
    call->reply = &reply->base;
    return FC_OK;
}

/* A person's records, or (org_code) those of a subsidiary or the whole group. */
static int handle_records_list(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__RecordsListRequest *req = (const Fc__V1__RecordsListRequest *)call->request;
    fc_pg_t *pg = fc_service_pg(svc);
    intake_person_brief_t who;
    intake_org_ref_t org;
    const char *path = "", *code = NULL;
    int limit = req->limit > 0 && req->limit <= 1000 ? req->limit : RECORDS_LIST_LIMIT;
    int by_org = req->org_code[0] != '\0';
    int rc = FC_OK;
    if (by_org == (req->employee_no[0] != '\0'))
        rc = fc_err_set(err, FC_EINVAL, "employee_no",
                        "须给出工号（employee_no）或组织（org_code）之一");
    else if (!by_org) {
        if ((rc = intake_rules_code("employee_no", req->employee_no, err)) == FC_OK)
            rc = s_subject(svc, call, req->employee_no, &who, err);
        code = who.org_code;
    } else {
        if ((rc = intake_rules_code("org_code", req->org_code, err)) == FC_OK)
            rc = intake_store_org_ref(pg, req->org_code, "org_code", call->arena, &org, err);
        if (rc == FC_OK && strcmp(org.kind, "subsidiary") != 0 && strcmp(org.kind, "group") != 0)
            rc = fc_err_set(err, FC_EINVAL, "org_code", "按组织查阅只能是子分公司或集团，“%s”是 %s",
                            req->org_code, org.kind);
        if (rc == FC_OK)
            rc = s_access(svc, call, org.path,
                          strcmp(org.kind, "subsidiary") == 0 ? org.org_code : "", "org_code", err);
        path = rc == FC_OK ? org.path : "";
        code = req->org_code;
    }
    Fc__V1__RecordsListReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__records_list_reply__init(reply);
    if (rc == FC_OK)
        rc = intake_records_store_list(pg, by_org ? "" : req->employee_no, path, req->open_only,
                                       limit, call->arena, reply, err);
    if (rc != FC_OK)
        return rc;
    reply->employee_no = req->employee_no;
    reply->org_code = fc_arena_strdup(call->arena, code);
    call->reply = &reply->base;
    return FC_OK;
}

/* ---- village first secretaries -------------------------------------------------------------- */

/* A person in the actor's subtree (the ordinary scope rule: these records are not restricted). */
static int s_in_scope(fc_service_t *svc, fc_call_t *call, const char *employee_no,
                      intake_person_brief_t *who, fc_err_t *err)
{
    const char *scope = NULL;
    int rc = intake_store_person_brief(fc_service_pg(svc), employee_no, "employee_no", who, err);
    if (rc == FC_OK)
        rc = intake_scope_path(svc, call, &scope, err);
    if (rc == FC_OK && !intake_in_scope(scope, who->org_path))
        rc = fc_err_set(err, FC_EDENIED, "employee_no", "“%s”所在组织“%s”不在您的管辖范围“%s”内",
                        employee_no, who->org_code, fc_call_scope(call));
    return rc;
}

/* A unit's path inside the actor's subtree. */
static int s_access_subtree(fc_service_t *svc, fc_call_t *call, const char *org_path, fc_err_t *err)
{
    const char *scope = NULL;
    int rc = intake_scope_path(svc, call, &scope, err);
    if (rc == FC_OK && !intake_in_scope(scope, org_path))
        rc = fc_err_set(err, FC_EDENIED, "org_code", "不在您的管辖范围“%s”内", fc_call_scope(call));
    return rc;
}

static int s_publish_village(fc_service_t *svc, const Fc__V1__VillageAssignment *a, int64_t at,
                             fc_err_t *err)
{
    Fc__V1__VillageAssignmentChanged ev = FC__V1__VILLAGE_ASSIGNMENT_CHANGED__INIT;
    ev.assignment = (Fc__V1__VillageAssignment *)a;
    ev.at_us = at;
    return fc_service_publish(svc, INTAKE_EV_VILLAGE, &ev.base, at, err);
}

/* "2026-11-22 " + text, appended as a new line of the frontline record. */
static char *s_append_line(fc_arena_t *arena, const char *record, const char *text, int64_t now)
{
    char day[32];
    fc_time_format_local(now, day, sizeof day);
    day[10] = '\0';
    size_t n = strlen(record) + strlen(text) + 16;
    char *out = fc_arena_alloc(arena, n);
    snprintf(out, n, "%s%s%s %s", record, *record ? "\n" : "", day, text);
    return out;
}

static int handle_village_assign(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__VillageAssignRequest *req = (const Fc__V1__VillageAssignRequest *)call->request;
    intake_person_brief_t who;
    int64_t now = fc_clock_now_us(), id = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = fc_pb_require(&req->base, "assignment", err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__VillageAssignment a = *req->assignment;
    a.start_us = s_at(a.start_us, now);
    a.return_note = "";
    if ((rc = intake_records_rules_village(&a, now, err)) == FC_OK)
        rc = s_in_scope(svc, call, a.employee_no, &who, err);
    if (rc == FC_OK && who.health_status == FC__V1__HEALTH_STATUS__HEALTH_STATUS_DECEASED)
        rc = fc_err_set(err, FC_ECONFLICT, "employee_no", "“%s”已故", a.employee_no);
    if (rc == FC_OK && a.frontline_record[0])
        a.frontline_record = s_append_line(call->arena, "", a.frontline_record, a.start_us);
    a.org_code = who.org_code;
    if (rc == FC_OK)
        rc = intake_records_store_village_add(fc_service_pg(svc), &a, &id, err);
    a.assignment_id = id;
    if (rc == FC_OK)
        rc = s_publish_village(svc, &a, a.start_us, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__VillageAssignReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__village_assign_reply__init(reply);
    reply->assignment_id = id;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_village_update(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__VillageUpdateRequest *req = (const Fc__V1__VillageUpdateRequest *)call->request;
    intake_person_brief_t who;
    Fc__V1__VillageAssignment *a = NULL;
    fc_pg_t *pg = fc_service_pg(svc);
    int64_t now = fc_clock_now_us();
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = intake_rules_text("frontline_record_add", req->frontline_record_add, 2000, 0, err);
    if (rc == FC_OK)
        rc = intake_rules_text("return_note", req->return_note, 2000, 0, err);
    if (rc == FC_OK && !req->returned_us && req->return_note[0])
        rc = fc_err_set(err, FC_EINVAL, "return_note", "返岗说明须随实际返岗时间一起登记");
    if (rc == FC_OK && !req->planned_return_us && !req->frontline_record_add[0] &&
        !req->returned_us)
        rc = fc_err_set(err, FC_EINVAL, "assignment_id",
                        "须给出计划返岗时间、一线表现记录或实际返岗时间");
    if (rc == FC_OK && req->returned_us)
        rc = intake_rules_when("returned_us", req->returned_us, now, RECORDS_MAX_AGE_DAYS, err);
    if (rc == FC_OK)
        rc = intake_records_store_village_get(pg, req->assignment_id, call->arena, &a, err);
    if (rc == FC_OK)
        rc = s_in_scope(svc, call, a->employee_no, &who, err);
    if (rc == FC_OK && a->returned_us)
        rc = fc_err_set(err, FC_ECONFLICT, "assignment_id", "驻村记录 %lld 已返岗，不能再变更",
                        (long long)a->assignment_id);
    if (rc == FC_OK && req->planned_return_us && req->planned_return_us < a->start_us)
        rc = fc_err_set(err, FC_EINVAL, "planned_return_us", "计划返岗时间早于驻村开始时间");
    if (rc == FC_OK && req->returned_us && req->returned_us < a->start_us)
        rc = fc_err_set(err, FC_EINVAL, "returned_us", "返岗时间早于驻村开始时间");
    if (rc != FC_OK)
        return rc;
    if (req->planned_return_us)
        a->planned_return_us = req->planned_return_us;
    if (req->frontline_record_add[0])
        a->frontline_record =
            s_append_line(call->arena, a->frontline_record, req->frontline_record_add, now);
    if (req->returned_us) {
        a->returned_us = req->returned_us;
        a->return_note = req->return_note;
    }
    if ((rc = intake_records_store_village_set(pg, a, err)) == FC_OK)
        rc = s_publish_village(svc, a, req->returned_us ? req->returned_us : now, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__VillageUpdateReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__village_update_reply__init(reply);
    reply->assignment = a;
    call->reply = &reply->base;
    return FC_OK;
}

/* The assignments of the caller's subtree, or of org_code's inside it; a read. Scope as
 * intake.person_search: by each person's current unit. */
static int handle_village_list(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__VillageListRequest *req = (const Fc__V1__VillageListRequest *)call->request;
    fc_pg_t *pg = fc_service_pg(svc);
    const char *path = NULL;
    int rc = intake_records_rules_village_list(req, err);
    if (rc == FC_OK && req->org_code[0]) {
        intake_org_ref_t org = {0};
        rc = intake_store_org_ref(pg, req->org_code, "org_code", call->arena, &org, err);
        if (rc == FC_OK)
            rc = s_access_subtree(svc, call, org.path, err);
        path = org.path;
    } else if (rc == FC_OK) {
        rc = intake_scope_path(svc, call, &path, err);
    }
    if (rc != FC_OK)
        return rc;
    int limit = req->limit == 0                              ? INTAKE_VILLAGE_LIST_DEFAULT_LIMIT
                : req->limit > INTAKE_VILLAGE_LIST_MAX_LIMIT ? INTAKE_VILLAGE_LIST_MAX_LIMIT
                                                             : req->limit;
    const char *state = req->state[0] ? req->state : "all";
    Fc__V1__VillageListReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__village_list_reply__init(reply);
    rc = intake_records_store_village_list(pg, path, state, fc_clock_now_us(), limit, req->offset,
                                           call->arena, reply, err);
    if (rc != FC_OK)
        return rc;
    reply->limit = limit;
    reply->state = (char *)state;
    call->reply = &reply->base;
    return FC_OK;
}

#define W FC_ROUTE_WRITE
#define R(type, msg, fn, flags)                                                                    \
    {                                                                                              \
        type, &fc__v1__##msg##__descriptor, fn, flags                                              \
    }
const fc_route_t intake_records_routes[] = {
    R("intake.fault_tolerance", fault_tolerance_request, handle_fault_tolerance, W),
    R("intake.clarification", clarification_request, handle_clarification, W),
    R("intake.discrimination_report", discrimination_report_request, handle_discrimination_report,
      W),
    R("intake.discrimination_step", discrimination_step_request, handle_discrimination_step, W),
    R("intake.records_list", records_list_request, handle_records_list, 0),
    R("intake.village_assign", village_assign_request, handle_village_assign, W),
    R("intake.village_update", village_update_request, handle_village_update, W),
    R("intake.village_list", village_list_request, handle_village_list, 0),
};
const size_t intake_records_nroutes =
    sizeof intake_records_routes / sizeof intake_records_routes[0];
