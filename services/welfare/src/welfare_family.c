/* welfare_family: family-care records, visits and due announcements. */
#include "welfare_family.h"
#include "welfare_rules.h"
#include "fc_clock.h"
#include "fc_log.h"

#include <stdio.h>
#include <string.h>

#define S_FUTURE_SLACK_US (5 * 60 * FC_US_PER_S)

static int s_publish(welfare_ctx_t *c, const char *type, Fc__V1__FamilyCare *f, fc_err_t *err)
{
    Fc__V1__FamilyCareEvent ev = FC__V1__FAMILY_CARE_EVENT__INIT;
    ev.record = f;
    ev.at_us = c->now_us;
    return c->publish(c->publish_arg, type, &ev.base, c->now_us, err);
}

int welfare_family_open(welfare_ctx_t *c, const char *employee_no, const char *org_code,
                        int64_t incident_id, int64_t died_at_us, fc_err_t *err)
{
    Fc__V1__FamilyCare f = FC__V1__FAMILY_CARE__INIT;
    welfare_person_t person, spouse;
    char name[256] = "", phone[32] = "";
    int rc;
    f.employee_no = (char *)employee_no;
    f.org_code = (char *)org_code;
    f.incident_id = incident_id;
    f.opened_at_us = c->now_us;
    f.visit_every_days = (int32_t)c->policy->visit_every_days;
    f.next_due_us = died_at_us + f.visit_every_days * FC_US_PER_DAY;
    f.liaison_employee_no = "";
    f.contact_relation = "";
    /* the family's contact: the spouse, if intake knows one */
    if (welfare_store_person_get(c->pg, employee_no, "employee_no", &person, NULL) == FC_OK &&
        person.spouse_employee_no[0]) {
        f.contact_relation = "配偶";
        if (welfare_store_person_get(c->pg, person.spouse_employee_no, "spouse", &spouse, NULL) ==
            FC_OK) {
            snprintf(name, sizeof name, "%s（%s）", spouse.name, spouse.employee_no);
            snprintf(phone, sizeof phone, "%s", spouse.phone);
        } else {
            snprintf(name, sizeof name, "%s", person.spouse_employee_no);
        }
    }
    f.contact_name = name;
    f.contact_phone = phone;
    int created = 0;
    if ((rc = welfare_store_family_open(c->pg, &f, &created, err)) != FC_OK || !created)
        return rc;
    Fc__V1__FamilyCare *stored = NULL;
    if ((rc = welfare_store_family_get(c->pg, employee_no, 0, c->arena, &stored, err)) != FC_OK)
        return rc;
    return s_publish(c, "welfare.family_care_opened", stored, err);
}

int welfare_family_assign(welfare_ctx_t *c, const Fc__V1__FamilyAssignRequest *req,
                          Fc__V1__FamilyCare **out, fc_err_t *err)
{
    int rc;
    Fc__V1__FamilyCare *f = NULL;
    welfare_person_t liaison;
    if ((rc = welfare_rules_code("employee_no", req->employee_no, err)) != FC_OK ||
        (rc = welfare_rules_text("contact_name", req->contact_name, 200, 0, err)) != FC_OK ||
        (rc = welfare_rules_text("contact_phone", req->contact_phone, 20, 0, err)) != FC_OK ||
        (rc = welfare_rules_text("contact_relation", req->contact_relation, 50, 0, err)) != FC_OK)
        return rc;
    if (req->visit_every_days < 0 || req->visit_every_days > 366)
        return fc_err_set(err, FC_EINVAL, "visit_every_days",
                          "走访周期须在 1 到 366 天之间（收到 %d）", (int)req->visit_every_days);
    if (!req->liaison_employee_no[0] && !req->contact_name[0] && !req->contact_phone[0] &&
        !req->contact_relation[0] && !req->visit_every_days)
        return fc_err_set(err, FC_EINVAL, "liaison_employee_no", "没有要修改的内容");
    if (req->liaison_employee_no[0] &&
        ((rc = welfare_rules_code("liaison_employee_no", req->liaison_employee_no, err)) != FC_OK ||
         (rc = welfare_store_person_get(c->pg, req->liaison_employee_no, "liaison_employee_no",
                                        &liaison, err)) != FC_OK))
        return rc;
    if ((rc = welfare_store_family_get(c->pg, req->employee_no, 1, c->arena, &f, err)) != FC_OK)
        return rc;
    if ((rc = welfare_flow_authorize(c, f->org_code, WELFARE_ACT_DECIDE, "employee_no", err)) !=
        FC_OK)
        return rc;
    if (req->liaison_employee_no[0])
        f->liaison_employee_no = req->liaison_employee_no;
    if (req->contact_name[0])
        f->contact_name = req->contact_name;
    if (req->contact_phone[0])
        f->contact_phone = req->contact_phone;
    if (req->contact_relation[0])
        f->contact_relation = req->contact_relation;
    if (req->visit_every_days) {
        f->visit_every_days = req->visit_every_days;
        int64_t base = f->last_visit_us ? f->last_visit_us : f->opened_at_us;
        f->next_due_us = base + f->visit_every_days * FC_US_PER_DAY;
    }
    if ((rc = welfare_store_family_update(c->pg, f, err)) != FC_OK ||
        (rc = s_publish(c, "welfare.family_care_updated", f, err)) != FC_OK)
        return rc;
    *out = f;
    return FC_OK;
}

int welfare_family_visit(welfare_ctx_t *c, const Fc__V1__FamilyVisitRequest *req,
                         Fc__V1__FamilyCare **out, fc_err_t *err)
{
    int rc;
    Fc__V1__FamilyCare *f = NULL;
    if ((rc = welfare_rules_code("employee_no", req->employee_no, err)) != FC_OK ||
        (rc = welfare_rules_text("visitor", req->visitor, 200, 0, err)) != FC_OK ||
        (rc = welfare_rules_text("note", req->note, WELFARE_TEXT_MAX, 0, err)) != FC_OK)
        return rc;
    int64_t at = req->at_us ? req->at_us : c->now_us;
    if (at > c->now_us + S_FUTURE_SLACK_US)
        return fc_err_set(err, FC_EINVAL, "at_us", "走访时间晚于当前时间");
    if ((rc = welfare_store_family_get(c->pg, req->employee_no, 1, c->arena, &f, err)) != FC_OK)
        return rc;
    if ((rc = welfare_flow_authorize(c, f->org_code, WELFARE_ACT_REQUEST, "employee_no", err)) !=
        FC_OK)
        return rc;
    if (at < f->opened_at_us - FC_US_PER_DAY)
        return fc_err_set(err, FC_EINVAL, "at_us", "走访时间早于关怀记录建立时间");
    Fc__V1__FamilyVisit v = FC__V1__FAMILY_VISIT__INIT;
    v.at_us = at;
    v.visitor = req->visitor[0] ? req->visitor : (char *)c->actor;
    v.note = req->note;
    v.recorded_by = (char *)c->actor;
    if ((rc = welfare_store_family_visit_add(c->pg, req->employee_no, &v, err)) != FC_OK)
        return rc;
    if (at > f->last_visit_us) {
        f->last_visit_us = at;
        f->next_due_us = at + f->visit_every_days * FC_US_PER_DAY;
    }
    if ((rc = welfare_store_family_update(c->pg, f, err)) != FC_OK)
        return rc;
    if ((rc = welfare_store_family_get(c->pg, req->employee_no, 0, c->arena, &f, err)) != FC_OK ||
        (rc = s_publish(c, "welfare.family_visited", f, err)) != FC_OK)
        return rc;
    *out = f;
    return FC_OK;
}

int welfare_family_sweep(welfare_ctx_t *c, int max, int *n_out, fc_err_t *err)
{
    char emps[64][WELFARE_CODE_MAX];
    int n = 0, rc;
    if (max > 64)
        max = 64;
    *n_out = 0;
    if ((rc = fc_pg_begin(c->pg, err)) != FC_OK)
        return rc;
    if ((rc = welfare_store_family_due(c->pg, c->now_us, max, emps, &n, err)) != FC_OK)
        goto out;
    for (int i = 0; i < n; i++) {
        Fc__V1__FamilyCare *f = NULL;
        if ((rc = welfare_store_family_get(c->pg, emps[i], 0, c->arena, &f, err)) != FC_OK ||
            (rc = s_publish(c, "welfare.family_visit_due", f, err)) != FC_OK ||
            (rc = welfare_store_family_mark_announced(c->pg, emps[i], f->next_due_us, err)) !=
                FC_OK)
            goto out;
    }
    if ((rc = fc_pg_commit(c->pg, err)) == FC_OK)
        *n_out = n;
out:
    if (fc_pg_in_tx(c->pg))
        fc_pg_rollback(c->pg);
    return rc;
}
