/* intake_records_store: the SQL of intake_records (fault tolerance, clarification,
 * discrimination cases, village assignments), parameterised, for schema intake only. Kept
 * apart from intake_store.c so the two modules change independently. */
#include "intake_records.h"
#include "intake_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* microseconds <-> timestamptz, exactly (no floating point) */
#define TS(n) "(TIMESTAMPTZ 'epoch' + $" #n "::bigint * INTERVAL '1 microsecond')"
#define US(col) "coalesce((extract(epoch FROM " col ") * 1000000)::bigint, 0)"

int intake_records_store_subsidiary(fc_pg_t *pg, const char *org_path, fc_arena_t *arena,
                                    const char **code_out, fc_err_t *err)
{
    const char *p[] = {org_path};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT org_code FROM org_unit WHERE kind = 'subsidiary'"
                             " AND starts_with($1, path) ORDER BY length(path) LIMIT 1",
                             1, p, err);
    if (!r)
        return intake_store_fail(err);
    *code_out = PQntuples(r) ? intake_store_adup(arena, r, 0, 0) : "";
    PQclear(r);
    return FC_OK;
}

int intake_records_store_check_clear(fc_pg_t *pg, const char *employee_no,
                                     const Fc__V1__ClearedRecord *c, const char *field,
                                     fc_err_t *err)
{
    int merit = strcmp(c->kind, "merit") == 0;
    char id[24];
    intake_store_i64(id, sizeof id, c->record_id);
    const char *p[] = {id, c->kind};
    PGresult *r = fc_pg_exec(
        pg,
        merit ? "SELECT employee_no, kind IN ('accountability', 'reassignment', 'disciplinary'),"
                " EXISTS (SELECT 1 FROM assessment_clearance a WHERE a.kind = $2"
                " AND a.record_id = m.id) FROM merit_record m WHERE id = $1::bigint"
              : "SELECT employee_no, polarity = 'bad',"
                " EXISTS (SELECT 1 FROM assessment_clearance a WHERE a.kind = $2"
                " AND a.record_id = e.id) FROM cadre_key_event e WHERE id = $1::bigint",
        2, p, err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    const char *what = merit ? "问责记录" : "关键事件";
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, field, "%s %lld 不存在", what, (long long)c->record_id);
    else if (strcmp(fc_pg_str(r, 0, 0), employee_no) != 0)
        rc = fc_err_set(err, FC_ECONFLICT, field, "%s %lld 不是“%s”的记录", what,
                        (long long)c->record_id, employee_no);
    else if (strcmp(fc_pg_str(r, 0, 1), "t") != 0)
        rc = fc_err_set(err, FC_ECONFLICT, field,
                        merit ? "记录 %lld 是表彰，不是问责或组织处理，无需消除"
                              : "关键事件 %lld 是好的事例，无需消除",
                        (long long)c->record_id);
    else if (strcmp(fc_pg_str(r, 0, 2), "t") == 0)
        rc = fc_err_set(err, FC_ECONFLICT, field, "%s %lld 已被消除过", what,
                        (long long)c->record_id);
    PQclear(r);
    return rc;
}

int intake_records_store_clear(fc_pg_t *pg, const Fc__V1__ClearedRecord *c, const char *by_kind,
                               int64_t by_id, fc_err_t *err)
{
    char id[24], by[24];
    intake_store_i64(id, sizeof id, c->record_id);
    intake_store_i64(by, sizeof by, by_id);
    const char *p[] = {c->kind, id, by_kind, by};
    return fc_pg_cmd(pg,
                     "INSERT INTO assessment_clearance (kind, record_id, by_kind, by_id)"
                     " VALUES ($1, $2, $3, $4)",
                     4, p, NULL, err);
}

int intake_records_store_fault_add(fc_pg_t *pg, const Fc__V1__FaultToleranceRecord *r,
                                   int64_t *id_out, fc_err_t *err)
{
    char dec[24], rec[24];
    intake_store_i64(dec, sizeof dec, r->decided_us);
    intake_store_i64(rec, sizeof rec, r->recorded_us);
    const char *p[] = {r->employee_no, r->org_code, r->mistake,     r->reasons,
                       r->decided_by,  dec,         r->recorded_by, rec};
    return intake_store_insert_id(
        pg,
        "INSERT INTO fault_tolerance (employee_no, org_code, mistake, reasons,"
        " decided_by, decided_at, recorded_by, recorded_at)"
        " VALUES ($1, $2, $3, $4, $5, " TS(6) ", $7, " TS(8) ") RETURNING id",
        8, p, id_out, err);
}

int intake_records_store_clarification_add(fc_pg_t *pg, const Fc__V1__ClarificationRecord *r,
                                           int64_t *id_out, fc_err_t *err)
{
    char cat[24], clar[24], rec[24];
    intake_store_i64(cat, sizeof cat, r->complaint_us);
    intake_store_i64(clar, sizeof clar, r->clarified_us);
    intake_store_i64(rec, sizeof rec, r->recorded_us);
    const char *p[] = {
        r->employee_no, r->org_code,       r->complaint,   cat, r->findings, r->decided_by,
        clar,           r->accuser_action, r->recorded_by, rec};
    return intake_store_insert_id(
        pg,
        "INSERT INTO clarification (employee_no, org_code, complaint, complaint_at,"
        " findings, decided_by, clarified_at, accuser_action, recorded_by,"
        " recorded_at) VALUES ($1, $2, $3, " TS(4) ", $5, $6, " TS(7) ", $8, $9, " TS(
            10) ") RETURNING id",
        10, p, id_out, err);
}

int intake_records_store_discrimination_add(fc_pg_t *pg, const Fc__V1__DiscriminationCase *c,
                                            int64_t *id_out, fc_err_t *err)
{
    char at[24];
    intake_store_i64(at, sizeof at, c->reported_us);
    const char *p[] = {c->employee_no, c->org_code,    c->victim, c->family_member,
                       c->description, c->reported_by, at};
    int rc = intake_store_insert_id(
        pg,
        "INSERT INTO discrimination_case (employee_no, org_code, victim,"
        " family_member, description, reported_by, reported_at, state)"
        " VALUES ($1, $2, $3, $4, $5, $6, " TS(7) ", 'reported') RETURNING id",
        7, p, id_out, err);
    if (rc != FC_OK)
        return rc;
    return intake_records_store_discrimination_step(pg, *id_out, 0, "reported", c->description,
                                                    c->reported_by, c->reported_us, NULL, err);
}

int intake_records_store_discrimination_step(fc_pg_t *pg, int64_t case_id, int seq,
                                             const char *state, const char *action, const char *by,
                                             int64_t at_us, const char *outcome, fc_err_t *err)
{
    char id[24], sq[16], at[24];
    intake_store_i64(id, sizeof id, case_id);
    intake_store_i64(sq, sizeof sq, seq);
    intake_store_i64(at, sizeof at, at_us);
    const char *p[] = {id, sq, state, action, by ? by : "", at};
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO discrimination_step (case_id, seq, step, action, by_whom, at)"
                       " VALUES ($1, $2, $3, $4, $5, " TS(6) ")",
                       6, p, NULL, err);
    if (rc != FC_OK || seq == 0)
        return rc;
    const char *q[] = {id, state, at, outcome ? outcome : ""};
    return fc_pg_cmd(pg,
                     "UPDATE discrimination_case SET state = $2, outcome = $4,"
                     " closed_at = CASE WHEN $2 = 'closed' THEN " TS(3) " END WHERE id = $1",
                     4, q, NULL, err);
}

#define CASE_SELECT                                                                                \
    "SELECT id, employee_no, org_code, victim, family_member, description, reported_by, " US(      \
        "reported_at") ", state, outcome, " US("closed_at") " FROM discrimination_case"

static Fc__V1__DiscriminationCase *s_case_row(const PGresult *r, int i, fc_arena_t *arena)
{
    Fc__V1__DiscriminationCase *c = fc_arena_alloc(arena, sizeof *c);
    fc__v1__discrimination_case__init(c);
    c->case_id = fc_pg_int(r, i, 0);
    c->employee_no = intake_store_adup(arena, r, i, 1);
    c->org_code = intake_store_adup(arena, r, i, 2);
    c->victim = intake_store_adup(arena, r, i, 3);
    c->family_member = intake_store_adup(arena, r, i, 4);
    c->description = intake_store_adup(arena, r, i, 5);
    c->reported_by = intake_store_adup(arena, r, i, 6);
    c->reported_us = fc_pg_int(r, i, 7);
    c->state = intake_store_adup(arena, r, i, 8);
    c->outcome = intake_store_adup(arena, r, i, 9);
    c->closed_us = fc_pg_int(r, i, 10);
    return c;
}

static int s_case_steps(fc_pg_t *pg, Fc__V1__DiscriminationCase *c, fc_arena_t *arena,
                        fc_err_t *err)
{
    char id[24];
    intake_store_i64(id, sizeof id, c->case_id);
    const char *p[] = {id};
    PGresult *r =
        fc_pg_exec(pg,
                   "SELECT step, action, by_whom, " US("at") " FROM discrimination_step"
                                                             " WHERE case_id = $1 ORDER BY seq",
                   1, p, err);
    if (!r)
        return intake_store_fail(err);
    int n = PQntuples(r);
    c->steps = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *c->steps);
    c->n_steps = (size_t)n;
    for (int i = 0; i < n; i++) {
        Fc__V1__DiscriminationStep *s = fc_arena_alloc(arena, sizeof *s);
        fc__v1__discrimination_step__init(s);
        s->step = intake_store_adup(arena, r, i, 0);
        s->action = intake_store_adup(arena, r, i, 1);
        s->by = intake_store_adup(arena, r, i, 2);
        s->at_us = fc_pg_int(r, i, 3);
        c->steps[i] = s;
    }
    PQclear(r);
    return FC_OK;
}

int intake_records_store_discrimination_get(fc_pg_t *pg, int64_t case_id, fc_arena_t *arena,
                                            Fc__V1__DiscriminationCase **out, fc_err_t *err)
{
    PGresult *r = NULL;
    int rc = intake_store_one_by_id(pg, CASE_SELECT " WHERE id = $1 FOR UPDATE", case_id, "case_id",
                                    "歧视事件", &r, err);
    if (rc != FC_OK)
        return rc;
    *out = s_case_row(r, 0, arena);
    PQclear(r);
    return s_case_steps(pg, *out, arena, err);
}

/* The records a fault-tolerance or clarification record cleared. */
static int s_cleared(fc_pg_t *pg, const char *by_kind, int64_t by_id, fc_arena_t *arena,
                     Fc__V1__ClearedRecord ***out, size_t *n_out, fc_err_t *err)
{
    char id[24];
    intake_store_i64(id, sizeof id, by_id);
    const char *p[] = {by_kind, id};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT kind, record_id FROM assessment_clearance"
                             " WHERE by_kind = $1 AND by_id = $2 ORDER BY kind, record_id",
                             2, p, err);
    if (!r)
        return intake_store_fail(err);
    int n = PQntuples(r);
    *out = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof **out);
    *n_out = (size_t)n;
    for (int i = 0; i < n; i++) {
        Fc__V1__ClearedRecord *c = fc_arena_alloc(arena, sizeof *c);
        fc__v1__cleared_record__init(c);
        c->kind = intake_store_adup(arena, r, i, 0);
        c->record_id = fc_pg_int(r, i, 1);
        (*out)[i] = c;
    }
    PQclear(r);
    return FC_OK;
}

/* Who: one person ($1), or ($1 = '') everyone whose current unit lies under the path $3. */
#define WHERE_WHO                                                                                  \
    " WHERE (employee_no = $1 OR ($1 = '' AND employee_no IN (SELECT p.employee_no"                \
    " FROM person p JOIN org_unit o ON o.org_code = p.org_code"                                    \
    " WHERE starts_with(o.path, $3))))"

/* clang-format off */
static const char s_sql_faults[] =
    "SELECT id, employee_no, org_code, mistake, reasons, decided_by, " US("decided_at") ","
    " recorded_by, " US("recorded_at") " FROM fault_tolerance" WHERE_WHO
    " AND $4::boolean IS NOT NULL ORDER BY decided_at DESC, id DESC LIMIT $2";
static const char s_sql_clarifications[] =
    "SELECT id, employee_no, org_code, complaint, " US("complaint_at") ", findings, decided_by, "
    US("clarified_at") ", accuser_action, recorded_by, " US("recorded_at")
    " FROM clarification" WHERE_WHO
    " AND $4::boolean IS NOT NULL ORDER BY clarified_at DESC, id DESC LIMIT $2";
static const char s_sql_cases[] =
    CASE_SELECT WHERE_WHO " AND NOT ($4::boolean AND state = 'closed')"
    " ORDER BY reported_at DESC, id DESC LIMIT $2";
/* clang-format on */

int intake_records_store_list(fc_pg_t *pg, const char *employee_no, const char *org_path,
                              int open_only, int limit, fc_arena_t *arena,
                              Fc__V1__RecordsListReply *out, fc_err_t *err)
{
    char lim[16];
    intake_store_i64(lim, sizeof lim, limit);
    const char *p[] = {employee_no, lim, org_path ? org_path : "", open_only ? "true" : "false"};
    int rc = FC_ERR;
    PGresult *r = fc_pg_exec(pg, s_sql_faults, 4, p, err);
    if (!r)
        goto out;
    out->n_fault_tolerance = (size_t)PQntuples(r);
    out->fault_tolerance = fc_arena_alloc(arena, (out->n_fault_tolerance + 1) * sizeof(void *));
    for (int i = 0; i < PQntuples(r); i++) {
        Fc__V1__FaultToleranceRecord *f = fc_arena_alloc(arena, sizeof *f);
        fc__v1__fault_tolerance_record__init(f);
        f->record_id = fc_pg_int(r, i, 0);
        f->employee_no = intake_store_adup(arena, r, i, 1);
        f->org_code = intake_store_adup(arena, r, i, 2);
        f->mistake = intake_store_adup(arena, r, i, 3);
        f->reasons = intake_store_adup(arena, r, i, 4);
        f->decided_by = intake_store_adup(arena, r, i, 5);
        f->decided_us = fc_pg_int(r, i, 6);
        f->recorded_by = intake_store_adup(arena, r, i, 7);
        f->recorded_us = fc_pg_int(r, i, 8);
        out->fault_tolerance[i] = f;
    }
    PQclear(r);
    for (size_t i = 0; i < out->n_fault_tolerance; i++) {
        Fc__V1__FaultToleranceRecord *f = out->fault_tolerance[i];
        if (s_cleared(pg, "fault_tolerance", f->record_id, arena, &f->cleared, &f->n_cleared,
                      err) != FC_OK)
            goto out;
    }

    if (!(r = fc_pg_exec(pg, s_sql_clarifications, 4, p, err)))
        goto out;
    out->n_clarifications = (size_t)PQntuples(r);
    out->clarifications = fc_arena_alloc(arena, (out->n_clarifications + 1) * sizeof(void *));
    for (int i = 0; i < PQntuples(r); i++) {
        Fc__V1__ClarificationRecord *c = fc_arena_alloc(arena, sizeof *c);
        fc__v1__clarification_record__init(c);
        c->record_id = fc_pg_int(r, i, 0);
        c->employee_no = intake_store_adup(arena, r, i, 1);
        c->org_code = intake_store_adup(arena, r, i, 2);
        c->complaint = intake_store_adup(arena, r, i, 3);
        c->complaint_us = fc_pg_int(r, i, 4);
        c->findings = intake_store_adup(arena, r, i, 5);
        c->decided_by = intake_store_adup(arena, r, i, 6);
        c->clarified_us = fc_pg_int(r, i, 7);
        c->accuser_action = intake_store_adup(arena, r, i, 8);
        c->recorded_by = intake_store_adup(arena, r, i, 9);
        c->recorded_us = fc_pg_int(r, i, 10);
        out->clarifications[i] = c;
    }
    PQclear(r);
    for (size_t i = 0; i < out->n_clarifications; i++) {
        Fc__V1__ClarificationRecord *c = out->clarifications[i];
        if (s_cleared(pg, "clarification", c->record_id, arena, &c->cleared, &c->n_cleared, err) !=
            FC_OK)
            goto out;
    }

    if (!(r = fc_pg_exec(pg, s_sql_cases, 4, p, err)))
        goto out;
    out->n_discrimination = (size_t)PQntuples(r);
    out->discrimination = fc_arena_alloc(arena, (out->n_discrimination + 1) * sizeof(void *));
    for (int i = 0; i < PQntuples(r); i++)
        out->discrimination[i] = s_case_row(r, i, arena);
    PQclear(r);
    for (size_t i = 0; i < out->n_discrimination; i++)
        if (s_case_steps(pg, out->discrimination[i], arena, err) != FC_OK)
            goto out;
    rc = FC_OK;
out:
    return rc == FC_OK ? rc : intake_store_fail(err);
}

/* ---- village assignments ---- */

#define VILLAGE_SELECT                                                                             \
    "SELECT id, employee_no, org_code, village, township, " US("start_at") ", " US(                \
        "planned_return_at") ", " US("returned_at") ", frontline_record, return_note"              \
                                                    " FROM village_assignment"

static Fc__V1__VillageAssignment *s_village_row(const PGresult *r, int i, fc_arena_t *arena)
{
    Fc__V1__VillageAssignment *a = fc_arena_alloc(arena, sizeof *a);
    fc__v1__village_assignment__init(a);
    a->assignment_id = fc_pg_int(r, i, 0);
    a->employee_no = intake_store_adup(arena, r, i, 1);
    a->org_code = intake_store_adup(arena, r, i, 2);
    a->village = intake_store_adup(arena, r, i, 3);
    a->township = intake_store_adup(arena, r, i, 4);
    a->start_us = fc_pg_int(r, i, 5);
    a->planned_return_us = fc_pg_int(r, i, 6);
    a->returned_us = fc_pg_int(r, i, 7);
    a->frontline_record = intake_store_adup(arena, r, i, 8);
    a->return_note = intake_store_adup(arena, r, i, 9);
    return a;
}

int intake_records_store_village_add(fc_pg_t *pg, const Fc__V1__VillageAssignment *a,
                                     int64_t *id_out, fc_err_t *err)
{
    char st[24], pr[24];
    intake_store_i64(st, sizeof st, a->start_us);
    intake_store_i64(pr, sizeof pr, a->planned_return_us);
    const char *p[] = {a->employee_no,     a->org_code, a->village,
                       a->township,        st,          a->planned_return_us ? pr : NULL,
                       a->frontline_record};
    int rc = intake_store_insert_id(
        pg,
        "INSERT INTO village_assignment (employee_no, org_code, village, township,"
        " start_at, planned_return_at, frontline_record) VALUES ($1, $2, $3, $4, " TS(5) ", " TS(
            6) ", $7) RETURNING id",
        7, p, id_out, err);
    if (rc == FC_EDUP)
        rc = fc_err_set(err, FC_ECONFLICT, "employee_no", "“%s”正在驻村，须先登记返岗",
                        a->employee_no);
    return rc;
}

int intake_records_store_village_get(fc_pg_t *pg, int64_t id, fc_arena_t *arena,
                                     Fc__V1__VillageAssignment **out, fc_err_t *err)
{
    PGresult *r = NULL;
    int rc = intake_store_one_by_id(pg, VILLAGE_SELECT " WHERE id = $1 FOR UPDATE", id,
                                    "assignment_id", "驻村记录", &r, err);
    if (rc != FC_OK)
        return rc;
    *out = s_village_row(r, 0, arena);
    PQclear(r);
    return FC_OK;
}

int intake_records_store_village_set(fc_pg_t *pg, const Fc__V1__VillageAssignment *a, fc_err_t *err)
{
    char id[24], pr[24], ret[24];
    intake_store_i64(id, sizeof id, a->assignment_id);
    intake_store_i64(pr, sizeof pr, a->planned_return_us);
    intake_store_i64(ret, sizeof ret, a->returned_us);
    const char *p[] = {id, a->planned_return_us ? pr : NULL, a->frontline_record,
                       a->returned_us ? ret : NULL, a->return_note};
    return fc_pg_cmd(pg,
                     "UPDATE village_assignment SET planned_return_at = " TS(
                         2) ","
                            " frontline_record = $3, returned_at = " TS(4) ", return_note = $5"
                                                                           " WHERE id = $1",
                     5, p, NULL, err);
}

int intake_records_store_villages(fc_pg_t *pg, const char *employee_no, int limit,
                                  fc_arena_t *arena, Fc__V1__VillageAssignment ***out,
                                  size_t *n_out, fc_err_t *err)
{
    char lim[16];
    intake_store_i64(lim, sizeof lim, limit);
    const char *p[] = {employee_no, lim};
    PGresult *r = fc_pg_exec(pg,
                             VILLAGE_SELECT " WHERE employee_no = $1"
                                            " ORDER BY start_at DESC, id DESC LIMIT $2",
                             2, p, err);
    if (!r)
        return intake_store_fail(err);
    int n = PQntuples(r);
    *out = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof **out);
    *n_out = (size_t)n;
    for (int i = 0; i < n; i++)
        (*out)[i] = s_village_row(r, i, arena);
    PQclear(r);
    return FC_OK;
}

/* ---- the subtree's assignments (intake.village_list) ---- */

#define VILLAGE_OVERDUE                                                                            \
    "(v.returned_at IS NULL AND v.planned_return_at IS NOT NULL AND v.planned_return_at < " TS(3) ")"
#define VILLAGE_LIST_FROM                                                                          \
    " FROM village_assignment v JOIN person p ON p.employee_no = v.employee_no"                    \
    " JOIN org_unit o ON o.org_code = p.org_code"                                                  \
    " WHERE starts_with(o.path, $1)"                                                               \
    "   AND ($2 = 'all' OR ($2 = 'returned' AND v.returned_at IS NOT NULL)"                        \
    "        OR ($2 = 'on_assignment' AND v.returned_at IS NULL)"                                  \
    "        OR ($2 = 'overdue' AND " VILLAGE_OVERDUE "))"

int intake_records_store_village_list(fc_pg_t *pg, const char *org_path, const char *state,
                                      int64_t now_us, int limit, int offset, fc_arena_t *arena,
                                      Fc__V1__VillageListReply *out, fc_err_t *err)
{
    char now[24], lim[16], off[16];
    intake_store_i64(now, sizeof now, now_us);
    snprintf(lim, sizeof lim, "%d", limit);
    snprintf(off, sizeof off, "%d", offset);
    const char *p[] = {org_path, state, now, lim, off};
    PGresult *r = NULL;
    int rc = FC_ERR;
    /* the count first: the page below may be empty (an offset past the end) */
    if (!(r = fc_pg_exec(pg, "SELECT count(*)" VILLAGE_LIST_FROM, 3, p, err)))
        goto out;
    out->total = (int32_t)fc_pg_int(r, 0, 0);
    PQclear(r);
    r = fc_pg_exec(pg,
                   "SELECT v.id, v.employee_no, v.org_code, v.village, v.township, " US(
                       "v.start_at") ", " US("v.planned_return_at") ", " US(
                       "v.returned_at") ", v.frontline_record, v.return_note,"
                                        " p.name, o.name, " VILLAGE_OVERDUE VILLAGE_LIST_FROM
                   " ORDER BY v.start_at DESC, v.id DESC LIMIT $4::int OFFSET $5::int",
                   5, p, err);
    if (!r)
        goto out;
    int n = PQntuples(r);
    out->items = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *out->items);
    out->n_items = (size_t)n;
    for (int i = 0; i < n; i++) {
        Fc__V1__VillageListItem *x = fc_arena_alloc(arena, sizeof *x);
        fc__v1__village_list_item__init(x);
        x->assignment = s_village_row(r, i, arena);
        x->name = intake_store_adup(arena, r, i, 10);
        x->org_name = intake_store_adup(arena, r, i, 11);
        x->overdue = strcmp(PQgetvalue(r, i, 12), "t") == 0;
        out->items[i] = x;
    }
    rc = FC_OK;
out:
    PQclear(r);
    return rc == FC_OK ? rc : intake_store_fail(err);
}
