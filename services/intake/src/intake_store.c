/* intake_store: intake's SQL, parameterised, for schema intake only. Bulk paths (check-ins,
 * import of people, their events) use COPY or one statement over a JSON array of rows. */
#include "intake_store.h"
#include "intake_shift.h"
#include "fc_clock.h"
#include "fc_id.h"
#include "fc_pb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B(x) ((x) ? "true" : "false")
/* microseconds <-> timestamptz, exactly (no floating point) */
#define TS(n) "(TIMESTAMPTZ 'epoch' + $" #n "::bigint * INTERVAL '1 microsecond')"
#define US(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

int intake_store_fail(fc_err_t *err)
{
    return err && err->code ? err->code : FC_ERR;
}

void intake_store_i64(char *buf, size_t n, long long v)
{
    snprintf(buf, n, "%lld", v);
}

/* Maps a failed result's SQLSTATE as fc_pg does (for COPY, which fc_pg does not wrap). */
static int s_result_error(PGconn *c, const PGresult *r, fc_err_t *err)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r && PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                          ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                          : PQerrorMessage(c);
    const char *cons = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
    int code = FC_ERR;
    if (!state || strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
        code = FC_EUNAVAIL;
    else if (strcmp(state, "23505") == 0)
        code = FC_EDUP;
    else if (strcmp(state, "23503") == 0)
        code = FC_ENOTFOUND;
    else if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0 ||
             strncmp(state, "22", 2) == 0)
        code = FC_EINVAL;
    else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
        code = FC_EAGAIN;
    char m[FC_ERR_MSG_MAX];
    snprintf(m, sizeof m, "%s", msg ? msg : "copy failed");
    m[strcspn(m, "\n")] = '\0';
    return fc_err_set(err, code, cons ? cons : "database", "%s", m);
}

/* COPY ... FROM STDIN with the rows in data (text format), in the open transaction. */
static int s_copy(fc_pg_t *pg, const char *sql, const fc_buf_t *data, fc_err_t *err)
{
    PGconn *c = fc_pg_conn(pg);
    if (!c)
        return fc_err_set(err, FC_EUNAVAIL, "database", "connection to postgresql was lost");
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        int rc = s_result_error(c, r, err);
        PQclear(r);
        return rc;
    }
    PQclear(r);
    int ok = 1;
    for (size_t off = 0; ok && off < data->len;) {
        size_t k = data->len - off > (1u << 20) ? (1u << 20) : data->len - off;
        ok = PQputCopyData(c, data->data + off, (int)k) == 1;
        off += k;
    }
    if (PQputCopyEnd(c, ok ? NULL : "client error") != 1)
        ok = 0;
    int rc = ok ? FC_OK : fc_err_set(err, FC_EUNAVAIL, "database", "%s", PQerrorMessage(c));
    while ((r = PQgetResult(c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == FC_OK)
            rc = s_result_error(c, r, err);
        PQclear(r);
    }
    return rc;
}

/* Appends s escaped for COPY text format (NULL as \N). */
static void s_copy_text(fc_buf_t *b, const char *s)
{
    if (!s) {
        fc_buf_append(b, "\\N", 2);
        return;
    }
    const char *run = s;
    for (const char *p = s;; p++) {
        const char *esc = NULL;
        switch (*p) {
        case '\\':
            esc = "\\\\";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        default:
            break;
        }
        if (esc || !*p) {
            fc_buf_append(b, run, (size_t)(p - run));
            if (!*p)
                break;
            fc_buf_puts(b, esc);
            run = p + 1;
        }
    }
}

/* A text[] literal {"a","b"} of strings (quotes and backslashes escaped). */
static void s_text_array(fc_buf_t *b, char *const *v, size_t n)
{
    fc_buf_puts(b, "{");
    for (size_t i = 0; i < n; i++) {
        fc_buf_puts(b, i ? ",\"" : "\"");
        for (const char *p = v[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                fc_buf_append(b, "\\", 1);
            fc_buf_append(b, p, 1);
        }
        fc_buf_puts(b, "\"");
    }
    fc_buf_puts(b, "}");
}

char *intake_store_adup(fc_arena_t *a, const PGresult *r, int row, int col)
{
    return fc_arena_strdup(a, fc_pg_str(r, row, col));
}

static int s_bool(const PGresult *r, int row, int col)
{
    return strcmp(fc_pg_str(r, row, col), "t") == 0;
}

int intake_store_check_scope(fc_pg_t *pg, const char *scope_code, const char *org_code,
                             const char *field, fc_err_t *err)
{
    if (!scope_code || !*scope_code)
        return fc_err_set(err, FC_EDENIED, "org_scope", "请求未携带组织范围");
    const char *p[] = {scope_code, org_code};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT s.path, o.path, o.path LIKE s.path || '%'"
                             " FROM (SELECT 1) one"
                             " LEFT JOIN org_unit s ON s.org_code = $1"
                             " LEFT JOIN org_unit o ON o.org_code = $2",
                             2, p, err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    if (PQgetisnull(r, 0, 0))
        rc = fc_err_set(err, FC_EDENIED, "org_scope", "组织范围“%s”不存在", scope_code);
    else if (PQgetisnull(r, 0, 1))
        rc = fc_err_set(err, FC_ENOTFOUND, field, "组织“%s”不存在", org_code);
    else if (strcmp(PQgetvalue(r, 0, 2), "t") != 0)
        rc = fc_err_set(err, FC_EDENIED, field, "组织“%s”不在您的管辖范围“%s”内", org_code,
                        scope_code);
    PQclear(r);
    return rc;
}

int intake_store_org_upsert(fc_pg_t *pg, const Fc__V1__OrgUnit *u, intake_outcome_t *outcome,
                            fc_err_t *err)
{
    int rc = FC_ERR;
    PGresult *r = NULL;
    char *path = NULL;
    const char *pp[] = {u->parent_code, u->org_code};
    /* the parent's path, and this unit's current path if it exists */
    r = fc_pg_exec(pg,
                   "SELECT (SELECT path FROM org_unit WHERE org_code = $1),"
                   " (SELECT path FROM org_unit WHERE org_code = $2)",
                   2, pp, err);
    if (!r)
        return intake_store_fail(err);
    if (u->parent_code[0] && PQgetisnull(r, 0, 0)) {
        rc = fc_err_set(err, FC_ENOTFOUND, "parent_code", "上级组织“%s”不存在", u->parent_code);
        goto out;
    }
    path = fc_xasprintf("%s%s/", u->parent_code[0] ? PQgetvalue(r, 0, 0) : "/", u->org_code);
    int exists = !PQgetisnull(r, 0, 1);
    char *old_path = exists ? fc_xstrdup(PQgetvalue(r, 0, 1)) : NULL;
    PQclear(r);
    r = NULL;
    if (old_path && strcmp(old_path, path) != 0 && strncmp(path, old_path, strlen(old_path)) == 0) {
        free(old_path);
        rc = fc_err_set(err, FC_EINVAL, "parent_code", "不能把组织移到它自己的下级组织之下");
        goto out;
    }
    const char *p[] = {u->org_code,
                       u->parent_code[0] ? u->parent_code : NULL,
                       u->name,
                       u->kind,
                       B(u->liaison_unit),
                       path};
    r = fc_pg_exec(pg,
                   "INSERT INTO org_unit (org_code, parent_code, name, kind, liaison_unit, path)"
                   " VALUES ($1, $2, $3, $4, $5, $6)"
                   " ON CONFLICT (org_code) DO UPDATE SET parent_code = EXCLUDED.parent_code,"
                   " name = EXCLUDED.name, kind = EXCLUDED.kind,"
                   " liaison_unit = EXCLUDED.liaison_unit, path = EXCLUDED.path, updated_at = now()"
                   " WHERE (org_unit.parent_code, org_unit.name, org_unit.kind,"
                   " org_unit.liaison_unit, org_unit.path) IS DISTINCT FROM"
                   " (EXCLUDED.parent_code, EXCLUDED.name, EXCLUDED.kind, EXCLUDED.liaison_unit,"
                   " EXCLUDED.path)"
                   " RETURNING (xmax = 0)",
                   6, p, err);
    if (!r) {
        free(old_path);
        rc = intake_store_fail(err);
        goto out;
    }
    *outcome = PQntuples(r) == 0                       ? INTAKE_UNCHANGED
               : strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? INTAKE_INSERTED
                                                       : INTAKE_UPDATED;
    rc = FC_OK;
    if (old_path && strcmp(old_path, path) != 0) {
        /* moved: the whole subtree's paths follow */
        const char *mp[] = {old_path, path};
        rc = fc_pg_cmd(pg,
                       "UPDATE org_unit SET path = $2 || substr(path, length($1) + 1)"
                       " WHERE path LIKE $1 || '_%'",
                       2, mp, NULL, err);
    }
    free(old_path);
out:
    PQclear(r);
    free(path);
    return rc;
}

int intake_store_person_org(fc_pg_t *pg, const char *employee_no, char *org_out, size_t n,
                            int *health_status_out, fc_err_t *err)
{
    const char *p[] = {employee_no};
    PGresult *r = fc_pg_exec(
        pg, "SELECT org_code, health_status FROM person WHERE employee_no = $1", 1, p, err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0) {
        rc = fc_err_set(err, FC_ENOTFOUND, "employee_no", "工号“%s”不存在", employee_no);
    } else {
        snprintf(org_out, n, "%s", PQgetvalue(r, 0, 0));
        if (health_status_out)
            *health_status_out = atoi(PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return rc;
}

/* Collects the first column of r (employee numbers) into the arena list. */
static void s_collect(const PGresult *r, fc_arena_t *arena, char ***list, size_t *n, size_t *cap)
{
    for (int i = 0; i < PQntuples(r); i++) {
        if (*n == *cap) {
            size_t ncap = *cap ? *cap * 2 : 8;
            char **v = fc_arena_alloc(arena, ncap * sizeof *v);
            if (*n)
                memcpy(v, *list, *n * sizeof *v);
            *list = v;
            *cap = ncap;
        }
        (*list)[(*n)++] = intake_store_adup(arena, r, i, 0);
    }
}

/* Makes the spouse link mutual: the new spouse points back; a previous spouse who pointed here
 * is unlinked. A spouse already married to a third person is refused. */
static int s_link_spouse(fc_pg_t *pg, const Fc__V1__Person *p, fc_arena_t *arena, char ***others,
                         size_t *n_others, fc_err_t *err)
{
    size_t cap = 0;
    const char *sp = p->spouse_employee_no[0] ? p->spouse_employee_no : NULL;
    const char *up[] = {p->employee_no, sp};
    PGresult *r = fc_pg_exec(pg,
                             "UPDATE person SET spouse_employee_no = NULL, updated_at = now()"
                             " WHERE spouse_employee_no = $1 AND employee_no <> COALESCE($2, '')"
                             " RETURNING employee_no",
                             2, up, err);
    if (!r)
        return intake_store_fail(err);
    s_collect(r, arena, others, n_others, &cap);
    PQclear(r);
    if (!sp)
        return FC_OK;
    const char *q[] = {sp};
    r = fc_pg_exec(pg, "SELECT spouse_employee_no FROM person WHERE employee_no = $1", 1, q, err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0) {
        rc = fc_err_set(err, FC_ENOTFOUND, "spouse_employee_no", "配偶工号“%s”不存在", sp);
    } else if (!PQgetisnull(r, 0, 0) && strcmp(PQgetvalue(r, 0, 0), p->employee_no) != 0) {
        rc = fc_err_set(err, FC_ECONFLICT, "spouse_employee_no",
                        "“%s”已登记配偶“%s”，不能同时是“%s”的配偶", sp, PQgetvalue(r, 0, 0),
                        p->employee_no);
    }
    PQclear(r);
    if (rc != FC_OK)
        return rc;
    const char *lp[] = {sp, p->employee_no};
    r = fc_pg_exec(pg,
                   "UPDATE person SET spouse_employee_no = $2, updated_at = now()"
                   " WHERE employee_no = $1 AND spouse_employee_no IS DISTINCT FROM $2"
                   " RETURNING employee_no",
                   2, lp, err);
    if (!r)
        return intake_store_fail(err);
    s_collect(r, arena, others, n_others, &cap);
    PQclear(r);
    return FC_OK;
}

/* The column list, the upsert's SET and its change test, shared by one and many people. */
#define PERSON_COLS                                                                                \
    "employee_no, name, phone, org_code, party_status, cadre_level, leadership_team,"              \
    " young_cadre, reserve_pool, medical_staff, aid_team, spouse_employee_no,"                     \
    " cares_for_elderly, cares_for_children, fit_for_frontline"
#define PERSON_UPSERT_TAIL                                                                         \
    " ON CONFLICT (employee_no) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone,"       \
    " org_code = EXCLUDED.org_code, party_status = EXCLUDED.party_status,"                         \
    " cadre_level = EXCLUDED.cadre_level, leadership_team = EXCLUDED.leadership_team,"             \
    " young_cadre = EXCLUDED.young_cadre, reserve_pool = EXCLUDED.reserve_pool,"                   \
    " medical_staff = EXCLUDED.medical_staff, aid_team = EXCLUDED.aid_team,"                       \
    " spouse_employee_no = EXCLUDED.spouse_employee_no,"                                           \
    " cares_for_elderly = EXCLUDED.cares_for_elderly,"                                             \
    " cares_for_children = EXCLUDED.cares_for_children,"                                           \
    " fit_for_frontline = EXCLUDED.fit_for_frontline, updated_at = now()"                          \
    " WHERE (t.name, t.phone, t.org_code, t.party_status, t.cadre_level, t.leadership_team,"       \
    " t.young_cadre, t.reserve_pool, t.medical_staff, t.aid_team, t.spouse_employee_no,"           \
    " t.cares_for_elderly, t.cares_for_children, t.fit_for_frontline) IS DISTINCT FROM"            \
    " (EXCLUDED.name, EXCLUDED.phone, EXCLUDED.org_code, EXCLUDED.party_status,"                   \
    " EXCLUDED.cadre_level, EXCLUDED.leadership_team, EXCLUDED.young_cadre,"                       \
    " EXCLUDED.reserve_pool, EXCLUDED.medical_staff, EXCLUDED.aid_team,"                           \
    " EXCLUDED.spouse_employee_no, EXCLUDED.cares_for_elderly, EXCLUDED.cares_for_children,"       \
    " EXCLUDED.fit_for_frontline)"                                                                 \
    " RETURNING t.employee_no, (xmax = 0)"

int intake_store_person_upsert(fc_pg_t *pg, const Fc__V1__Person *p, intake_outcome_t *outcome,
                               fc_arena_t *arena, char ***others_out, size_t *n_others,
                               fc_err_t *err)
{
    char status[8];
    snprintf(status, sizeof status, "%d", p->health_status ? (int)p->health_status : 1);
    const char *params[] = {p->employee_no,
                            p->name,
                            p->phone,
                            p->org_code,
                            p->party_status[0] ? p->party_status : "none",
                            p->cadre_level[0] ? p->cadre_level : "none",
                            B(p->leadership_team),
                            B(p->young_cadre),
                            B(p->reserve_pool),
                            B(p->medical_staff),
                            B(p->aid_team),
                            p->spouse_employee_no[0] ? p->spouse_employee_no : NULL,
                            B(p->cares_for_elderly),
                            B(p->cares_for_children),
                            B(p->fit_for_frontline),
                            status};
    PGresult *r = fc_pg_exec(pg,
                             "INSERT INTO person AS t (" PERSON_COLS ", health_status)"
                             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
                             " $14, $15, $16)" PERSON_UPSERT_TAIL,
                             16, params, err);
    if (!r) {
        if (err && err->code == FC_ENOTFOUND && strstr(err->field, "org_code"))
            fc_err_set(err, FC_ENOTFOUND, "org_code", "组织“%s”不存在", p->org_code);
        return intake_store_fail(err);
    }
    *outcome = PQntuples(r) == 0                       ? INTAKE_UNCHANGED
               : strcmp(PQgetvalue(r, 0, 1), "t") == 0 ? INTAKE_INSERTED
                                                       : INTAKE_UPDATED;
    PQclear(r);
    char **others = NULL;
    size_t n = 0;
    int rc = s_link_spouse(pg, p, arena, &others, &n, err);
    if (others_out) {
        *others_out = others;
        *n_others = n;
    }
    return rc;
}

#define PERSON_SELECT                                                                              \
    "SELECT employee_no, name, phone, org_code, party_status, cadre_level, leadership_team,"       \
    " young_cadre, reserve_pool, medical_staff, aid_team,"                                         \
    " COALESCE(spouse_employee_no, ''), cares_for_elderly, cares_for_children,"                    \
    " fit_for_frontline, health_status FROM person"

static Fc__V1__Person *s_person_row(const PGresult *r, int i, fc_arena_t *arena)
{
    Fc__V1__Person *x = fc_arena_alloc(arena, sizeof *x);
    fc__v1__person__init(x);
    x->employee_no = intake_store_adup(arena, r, i, 0);
    x->name = intake_store_adup(arena, r, i, 1);
    x->phone = intake_store_adup(arena, r, i, 2);
    x->org_code = intake_store_adup(arena, r, i, 3);
    x->party_status = intake_store_adup(arena, r, i, 4);
    x->cadre_level = intake_store_adup(arena, r, i, 5);
    x->leadership_team = s_bool(r, i, 6);
    x->young_cadre = s_bool(r, i, 7);
    x->reserve_pool = s_bool(r, i, 8);
    x->medical_staff = s_bool(r, i, 9);
    x->aid_team = s_bool(r, i, 10);
    x->spouse_employee_no = intake_store_adup(arena, r, i, 11);
    x->cares_for_elderly = s_bool(r, i, 12);
    x->cares_for_children = s_bool(r, i, 13);
    x->fit_for_frontline = s_bool(r, i, 14);
    x->health_status = (int)fc_pg_int(r, i, 15);
    return x;
}

int intake_store_person_get(fc_pg_t *pg, const char *employee_no, fc_arena_t *arena,
                            Fc__V1__Person **out, fc_err_t *err)
{
    const char *p[] = {employee_no};
    PGresult *r = fc_pg_exec(pg, PERSON_SELECT " WHERE employee_no = $1", 1, p, err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, "employee_no", "工号“%s”不存在", employee_no);
    else
        *out = s_person_row(r, 0, arena);
    PQclear(r);
    return rc;
}

int intake_store_people_get(fc_pg_t *pg, char *const *employee_nos, size_t n, fc_arena_t *arena,
                            Fc__V1__Person ***out, size_t *n_out, fc_err_t *err)
{
    fc_buf_t a;
    fc_buf_init(&a);
    s_text_array(&a, employee_nos, n);
    const char *p[] = {a.data};
    PGresult *r = fc_pg_exec(pg, PERSON_SELECT " WHERE employee_no = ANY($1::text[])", 1, p, err);
    fc_buf_fini(&a);
    if (!r)
        return intake_store_fail(err);
    int nr = PQntuples(r);
    *out = fc_arena_alloc(arena, (size_t)(nr ? nr : 1) * sizeof **out);
    for (int i = 0; i < nr; i++)
        (*out)[i] = s_person_row(r, i, arena);
    *n_out = (size_t)nr;
    PQclear(r);
    return FC_OK;
}

#define BRIEF_SELECT                                                                               \
    "SELECT p.employee_no, p.org_code, o.path, p.party_status, p.cadre_level, p.health_status,"    \
    " p.fit_for_frontline, p.leadership_team, p.young_cadre, p.reserve_pool"                       \
    " FROM person p JOIN org_unit o ON o.org_code = p.org_code"

static void s_brief_row(const PGresult *r, int i, intake_person_brief_t *b)
{
    memset(b, 0, sizeof *b);
    snprintf(b->employee_no, sizeof b->employee_no, "%s", fc_pg_str(r, i, 0));
    snprintf(b->org_code, sizeof b->org_code, "%s", fc_pg_str(r, i, 1));
    snprintf(b->org_path, sizeof b->org_path, "%s", fc_pg_str(r, i, 2));
    snprintf(b->party_status, sizeof b->party_status, "%s", fc_pg_str(r, i, 3));
    snprintf(b->cadre_level, sizeof b->cadre_level, "%s", fc_pg_str(r, i, 4));
    b->health_status = (int)fc_pg_int(r, i, 5);
    b->fit_for_frontline = s_bool(r, i, 6);
    b->leadership_team = s_bool(r, i, 7);
    b->young_cadre = s_bool(r, i, 8);
    b->reserve_pool = s_bool(r, i, 9);
}

int intake_store_person_brief(fc_pg_t *pg, const char *employee_no, const char *field,
                              intake_person_brief_t *out, fc_err_t *err)
{
    const char *p[] = {employee_no};
    PGresult *r = fc_pg_exec(pg, BRIEF_SELECT " WHERE p.employee_no = $1", 1, p, err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, field, "工号“%s”不存在", employee_no);
    else
        s_brief_row(r, 0, out);
    PQclear(r);
    return rc;
}

static int s_cmp_brief(const void *a, const void *b)
{
    return strcmp((*(intake_person_brief_t *const *)a)->employee_no,
                  (*(intake_person_brief_t *const *)b)->employee_no);
}

int intake_store_person_briefs(fc_pg_t *pg, char *const *employee_nos, size_t n, int with_path,
                               fc_arena_t *arena, intake_person_brief_t ***out, fc_err_t *err)
{
    fc_buf_t a;
    fc_buf_init(&a);
    s_text_array(&a, employee_nos, n);
    const char *p[] = {a.data};
    /* without a scope to check, the org path (a join) is not needed: the volume path's lookup */
    PGresult *r = fc_pg_exec(pg,
                             with_path ? BRIEF_SELECT " WHERE p.employee_no = ANY($1::text[])"
                                       : "SELECT p.employee_no, p.org_code, '', '', '',"
                                         " p.health_status, true, false, false, false"
                                         " FROM person p WHERE p.employee_no = ANY($1::text[])",
                             1, p, err);
    fc_buf_fini(&a);
    if (!r)
        return intake_store_fail(err);
    int nr = PQntuples(r);
    intake_person_brief_t *rows = fc_arena_alloc(arena, (size_t)(nr ? nr : 1) * sizeof *rows);
    intake_person_brief_t **sorted = fc_arena_alloc(arena, (size_t)(nr ? nr : 1) * sizeof *sorted);
    for (int i = 0; i < nr; i++) {
        s_brief_row(r, i, &rows[i]);
        sorted[i] = &rows[i];
    }
    PQclear(r);
    qsort(sorted, (size_t)nr, sizeof *sorted, s_cmp_brief);
    *out = fc_arena_alloc(arena, (n ? n : 1) * sizeof **out);
    for (size_t i = 0; i < n; i++) {
        intake_person_brief_t key, *kp = &key;
        snprintf(key.employee_no, sizeof key.employee_no, "%s", employee_nos[i]);
        intake_person_brief_t **hit = bsearch(&kp, sorted, (size_t)nr, sizeof *sorted, s_cmp_brief);
        (*out)[i] = hit ? *hit : NULL;
    }
    return FC_OK;
}

int intake_store_checkin(fc_pg_t *pg, const Fc__V1__HealthCheckin *c, int64_t at_us,
                         int64_t *id_out, fc_err_t *err)
{
    char temp[16], at[32];
    snprintf(temp, sizeof temp, "%d", (int)c->temperature_dc);
    snprintf(at, sizeof at, "%lld", (long long)at_us);
    /* symptoms as a text[] literal built by PostgreSQL from a JSON array is overkill here:
     * pass them joined by newlines (newlines are not allowed in a symptom) */
    fc_buf_t sym;
    fc_buf_init(&sym);
    for (size_t i = 0; i < c->n_symptoms; i++) {
        if (i)
            fc_buf_puts(&sym, "\n");
        fc_buf_puts(&sym, c->symptoms[i]);
    }
    const char *p[] = {c->employee_no, temp, c->n_symptoms ? sym.data : NULL, c->note, at};
    PGresult *r = fc_pg_exec(pg,
                             "INSERT INTO health_checkin (employee_no, temperature_dc, symptoms,"
                             " note, at) VALUES ($1, $2, COALESCE(string_to_array($3, E'\\n'),"
                             " '{}'), $4, " TS(5) ") RETURNING id",
                             5, p, err);
    fc_buf_fini(&sym);
    if (!r)
        return intake_store_fail(err);
    *id_out = fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

/* ---- scope and organisation ----------------------------------------------------------- */

int intake_store_scope_path(fc_pg_t *pg, const char *scope_code, fc_arena_t *arena,
                            const char **path_out, fc_err_t *err)
{
    if (!scope_code || !*scope_code)
        return fc_err_set(err, FC_EDENIED, "org_scope", "请求未携带组织范围");
    const char *p[] = {scope_code};
    PGresult *r = fc_pg_exec(pg, "SELECT path FROM org_unit WHERE org_code = $1", 1, p, err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_EDENIED, "org_scope", "组织范围“%s”不存在", scope_code);
    else
        *path_out = intake_store_adup(arena, r, 0, 0);
    PQclear(r);
    return rc;
}

int intake_store_org_all(fc_pg_t *pg, fc_arena_t *arena, intake_org_ref_t **out, size_t *n_out,
                         fc_err_t *err)
{
    PGresult *r = fc_pg_exec(pg,
                             "SELECT org_code, path, kind, liaison_unit FROM org_unit"
                             " ORDER BY org_code COLLATE \"C\"",
                             0, NULL, err);
    if (!r)
        return intake_store_fail(err);
    int n = PQntuples(r);
    intake_org_ref_t *v = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *v);
    for (int i = 0; i < n; i++) {
        v[i].org_code = intake_store_adup(arena, r, i, 0);
        v[i].path = intake_store_adup(arena, r, i, 1);
        v[i].kind = intake_store_adup(arena, r, i, 2);
        v[i].liaison_unit = s_bool(r, i, 3);
    }
    PQclear(r);
    *out = v;
    *n_out = (size_t)n;
    return FC_OK;
}

int intake_store_org_ref(fc_pg_t *pg, const char *org_code, const char *field, fc_arena_t *arena,
                         intake_org_ref_t *out, fc_err_t *err)
{
    const char *p[] = {org_code};
    PGresult *r = fc_pg_exec(
        pg, "SELECT org_code, path, kind, liaison_unit FROM org_unit WHERE org_code = $1", 1, p,
        err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0) {
        rc = fc_err_set(err, FC_ENOTFOUND, field, "组织“%s”不存在", org_code);
    } else {
        out->org_code = intake_store_adup(arena, r, 0, 0);
        out->path = intake_store_adup(arena, r, 0, 1);
        out->kind = intake_store_adup(arena, r, 0, 2);
        out->liaison_unit = s_bool(r, 0, 3);
    }
    PQclear(r);
    return rc;
}

int intake_store_org_path(fc_pg_t *pg, const char *org_code, fc_arena_t *arena,
                          Fc__V1__OrgUnit ***out, size_t *n_out, fc_err_t *err)
{
    const char *p[] = {org_code};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT a.org_code, COALESCE(a.parent_code, ''), a.name, a.kind,"
                             " a.liaison_unit FROM org_unit o JOIN org_unit a"
                             " ON o.path LIKE a.path || '%' WHERE o.org_code = $1"
                             " ORDER BY length(a.path)",
                             1, p, err);
    if (!r)
        return intake_store_fail(err);
    int n = PQntuples(r);
    *out = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof **out);
    for (int i = 0; i < n; i++) {
        Fc__V1__OrgUnit *u = fc_arena_alloc(arena, sizeof *u);
        fc__v1__org_unit__init(u);
        u->org_code = intake_store_adup(arena, r, i, 0);
        u->parent_code = intake_store_adup(arena, r, i, 1);
        u->name = intake_store_adup(arena, r, i, 2);
        u->kind = intake_store_adup(arena, r, i, 3);
        u->liaison_unit = s_bool(r, i, 4);
        (*out)[i] = u;
    }
    *n_out = (size_t)n;
    PQclear(r);
    return FC_OK;
}

int intake_store_people_refs(fc_pg_t *pg, char *const *employee_nos, size_t n, fc_arena_t *arena,
                             intake_person_ref_t **out, size_t *n_out, fc_err_t *err)
{
    fc_buf_t a;
    fc_buf_init(&a);
    s_text_array(&a, employee_nos, n);
    const char *p[] = {a.data};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT p.employee_no, p.org_code, o.path,"
                             " COALESCE(p.spouse_employee_no, '')"
                             " FROM person p JOIN org_unit o ON o.org_code = p.org_code"
                             " WHERE p.employee_no = ANY($1::text[])"
                             " ORDER BY p.employee_no COLLATE \"C\"",
                             1, p, err);
    fc_buf_fini(&a);
    if (!r)
        return intake_store_fail(err);
    int nr = PQntuples(r);
    intake_person_ref_t *v = fc_arena_alloc(arena, (size_t)(nr ? nr : 1) * sizeof *v);
    for (int i = 0; i < nr; i++) {
        v[i].employee_no = intake_store_adup(arena, r, i, 0);
        v[i].org_code = intake_store_adup(arena, r, i, 1);
        v[i].org_path = intake_store_adup(arena, r, i, 2);
        v[i].spouse = intake_store_adup(arena, r, i, 3);
    }
    PQclear(r);
    *out = v;
    *n_out = (size_t)nr;
    return FC_OK;
}

typedef struct {
    const char *key;
    size_t i;
} s_idx_t;

static int s_cmp_idx(const void *a, const void *b)
{
    return strcmp(((const s_idx_t *)a)->key, ((const s_idx_t *)b)->key);
}

/* Appends people as a JSON array of objects with the PERSON_COLS fields. */
static void s_people_json(fc_buf_t *b, Fc__V1__Person *const *v, size_t n)
{
    fc_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        const Fc__V1__Person *p = v[i];
        fc_buf_puts(b, i ? ",{\"employee_no\":" : "{\"employee_no\":");
        fc_buf_json_str(b, p->employee_no);
        fc_buf_puts(b, ",\"name\":");
        fc_buf_json_str(b, p->name);
        fc_buf_puts(b, ",\"phone\":");
        fc_buf_json_str(b, p->phone);
        fc_buf_puts(b, ",\"org_code\":");
        fc_buf_json_str(b, p->org_code);
        fc_buf_puts(b, ",\"party_status\":");
        fc_buf_json_str(b, p->party_status[0] ? p->party_status : "none");
        fc_buf_puts(b, ",\"cadre_level\":");
        fc_buf_json_str(b, p->cadre_level[0] ? p->cadre_level : "none");
        fc_buf_puts(b, ",\"spouse_employee_no\":");
        fc_buf_json_str(b, p->spouse_employee_no);
        fc_buf_printf(b,
                      ",\"leadership_team\":%s,\"young_cadre\":%s,\"reserve_pool\":%s,"
                      "\"medical_staff\":%s,\"aid_team\":%s,\"cares_for_elderly\":%s,"
                      "\"cares_for_children\":%s,\"fit_for_frontline\":%s}",
                      B(p->leadership_team), B(p->young_cadre), B(p->reserve_pool),
                      B(p->medical_staff), B(p->aid_team), B(p->cares_for_elderly),
                      B(p->cares_for_children), B(p->fit_for_frontline));
    }
    fc_buf_puts(b, "]");
}

#define PEOPLE_BATCH 20000

int intake_store_people_apply(fc_pg_t *pg, Fc__V1__Person *const *people, size_t n,
                              intake_outcome_t *outcome, fc_arena_t *arena, char ***others_out,
                              size_t *n_others, fc_err_t *err)
{
    int rc = FC_OK;
    PGresult *r = NULL;
    fc_buf_t b;
    fc_buf_init(&b);
    s_idx_t *idx = fc_xcalloc(n ? n : 1, sizeof *idx);
    for (size_t i = 0; i < n; i++) {
        idx[i].key = people[i]->employee_no;
        idx[i].i = i;
        outcome[i] = INTAKE_UNCHANGED;
    }
    qsort(idx, n, sizeof *idx, s_cmp_idx);
    *others_out = NULL;
    *n_others = 0;
    for (size_t off = 0; off < n; off += PEOPLE_BATCH) {
        size_t k = n - off < PEOPLE_BATCH ? n - off : PEOPLE_BATCH;
        fc_buf_reset(&b);
        s_people_json(&b, people + off, k);
        const char *p[] = {b.data};
        r = fc_pg_exec(pg,
                       "INSERT INTO person AS t (" PERSON_COLS ") SELECT x.employee_no, x.name,"
                       " x.phone, x.org_code, x.party_status, x.cadre_level, x.leadership_team,"
                       " x.young_cadre, x.reserve_pool, x.medical_staff, x.aid_team,"
                       " NULLIF(x.spouse_employee_no, ''), x.cares_for_elderly,"
                       " x.cares_for_children, x.fit_for_frontline"
                       " FROM json_to_recordset($1::json) AS x(employee_no text, name text,"
                       " phone text, org_code text, party_status text, cadre_level text,"
                       " leadership_team boolean, young_cadre boolean, reserve_pool boolean,"
                       " medical_staff boolean, aid_team boolean, spouse_employee_no text,"
                       " cares_for_elderly boolean, cares_for_children boolean,"
                       " fit_for_frontline boolean)" PERSON_UPSERT_TAIL,
                       1, p, err);
        if (!r) {
            rc = intake_store_fail(err);
            goto out;
        }
        for (int i = 0; i < PQntuples(r); i++) {
            s_idx_t key = {PQgetvalue(r, i, 0), 0};
            s_idx_t *hit = bsearch(&key, idx, n, sizeof *idx, s_cmp_idx);
            if (hit)
                outcome[hit->i] = s_bool(r, i, 1) ? INTAKE_INSERTED : INTAKE_UPDATED;
        }
        PQclear(r);
        r = NULL;
    }
    /* spouse links, once every row is in: unlink those no longer named back, link the
     * named spouses outside the set (the import's validation made the set consistent) */
    fc_buf_reset(&b);
    fc_buf_puts(&b, "[");
    for (size_t i = 0; i < n; i++) {
        fc_buf_puts(&b, i ? ",{\"e\":" : "{\"e\":");
        fc_buf_json_str(&b, people[i]->employee_no);
        fc_buf_puts(&b, ",\"s\":");
        fc_buf_json_str(&b, people[i]->spouse_employee_no);
        fc_buf_puts(&b, "}");
    }
    fc_buf_puts(&b, "]");
    const char *p[] = {b.data};
    size_t cap = 0;
    r = fc_pg_exec(pg,
                   "UPDATE person p SET spouse_employee_no = NULL, updated_at = now()"
                   " FROM json_to_recordset($1::json) AS x(e text, s text)"
                   " WHERE p.spouse_employee_no = x.e AND p.employee_no IS DISTINCT FROM"
                   " NULLIF(x.s, '') RETURNING p.employee_no",
                   1, p, err);
    if (!r) {
        rc = intake_store_fail(err);
        goto out;
    }
    s_collect(r, arena, others_out, n_others, &cap);
    PQclear(r);
    r = fc_pg_exec(pg,
                   "UPDATE person p SET spouse_employee_no = x.e, updated_at = now()"
                   " FROM json_to_recordset($1::json) AS x(e text, s text)"
                   " WHERE x.s <> '' AND p.employee_no = x.s"
                   " AND p.spouse_employee_no IS DISTINCT FROM x.e RETURNING p.employee_no",
                   1, p, err);
    if (!r) {
        rc = intake_store_fail(err);
        goto out;
    }
    s_collect(r, arena, others_out, n_others, &cap);
out:
    PQclear(r);
    fc_buf_fini(&b);
    free(idx);
    return rc;
}

/* ---- posts ------------------------------------------------------------------------------ */

int intake_store_post_upsert(fc_pg_t *pg, const Fc__V1__Post *p, intake_outcome_t *outcome,
                             fc_err_t *err)
{
    char risk[8];
    snprintf(risk, sizeof risk, "%d", (int)p->risk_class);
    char *shifts = intake_shift_format(p->shifts, p->n_shifts);
    const char *params[] = {p->post_code, p->org_code, p->name, p->kind, risk, shifts};
    PGresult *r = fc_pg_exec(pg,
                             "INSERT INTO post AS t (post_code, org_code, name, kind, risk_class,"
                             " shifts) VALUES ($1, $2, $3, $4, $5, $6)"
                             " ON CONFLICT (post_code) DO UPDATE SET org_code = EXCLUDED.org_code,"
                             " name = EXCLUDED.name, kind = EXCLUDED.kind,"
                             " risk_class = EXCLUDED.risk_class, shifts = EXCLUDED.shifts,"
                             " updated_at = now()"
                             " WHERE (t.org_code, t.name, t.kind, t.risk_class, t.shifts)"
                             " IS DISTINCT FROM (EXCLUDED.org_code, EXCLUDED.name, EXCLUDED.kind,"
                             " EXCLUDED.risk_class, EXCLUDED.shifts)"
                             " RETURNING (xmax = 0)",
                             6, params, err);
    free(shifts);
    if (!r) {
        if (err && err->code == FC_ENOTFOUND)
            fc_err_set(err, FC_ENOTFOUND, "org_code", "组织“%s”不存在", p->org_code);
        return intake_store_fail(err);
    }
    *outcome = PQntuples(r) == 0 ? INTAKE_UNCHANGED
               : s_bool(r, 0, 0) ? INTAKE_INSERTED
                                 : INTAKE_UPDATED;
    PQclear(r);
    return FC_OK;
}

int intake_store_post_get(fc_pg_t *pg, const char *post_code, fc_arena_t *arena, Fc__V1__Post **out,
                          fc_err_t *err)
{
    const char *p[] = {post_code};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT post_code, org_code, name, kind, risk_class, shifts"
                             " FROM post WHERE post_code = $1",
                             1, p, err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0) {
        rc = fc_err_set(err, FC_ENOTFOUND, "post_code", "岗位“%s”不存在", post_code);
    } else {
        Fc__V1__Post *x = fc_arena_alloc(arena, sizeof *x);
        fc__v1__post__init(x);
        x->post_code = intake_store_adup(arena, r, 0, 0);
        x->org_code = intake_store_adup(arena, r, 0, 1);
        x->name = intake_store_adup(arena, r, 0, 2);
        x->kind = intake_store_adup(arena, r, 0, 3);
        x->risk_class = (int)fc_pg_int(r, 0, 4);
        rc = intake_shift_parse(fc_pg_str(r, 0, 5), arena, &x->shifts, &x->n_shifts, err);
        *out = x;
    }
    PQclear(r);
    return rc;
}

int intake_store_post_orgs(fc_pg_t *pg, fc_arena_t *arena, intake_org_ref_t **out, size_t *n_out,
                           fc_err_t *err)
{
    PGresult *r = fc_pg_exec(pg,
                             "SELECT p.post_code, o.path, p.org_code FROM post p"
                             " JOIN org_unit o ON o.org_code = p.org_code"
                             " ORDER BY p.post_code COLLATE \"C\"",
                             0, NULL, err);
    if (!r)
        return intake_store_fail(err);
    int n = PQntuples(r);
    intake_org_ref_t *v = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *v);
    for (int i = 0; i < n; i++) {
        v[i].org_code = intake_store_adup(arena, r, i, 0); /* the post code */
        v[i].path = intake_store_adup(arena, r, i, 1);
        v[i].kind = intake_store_adup(arena, r, i, 2); /* the post's org code */
    }
    PQclear(r);
    *out = v;
    *n_out = (size_t)n;
    return FC_OK;
}

/* ---- health ----------------------------------------------------------------------------- */

/* ---- COPY binary format: no text parsing on the server, no hex for bytea ---- */

#define PG_EPOCH_OFFSET_US INT64_C(946684800000000) /* 2000-01-01 - 1970-01-01 */
#define TEXTOID 25

static void s_bin_header(fc_buf_t *b)
{
    static const char sig[] = "PGCOPY\n\377\r\n";
    fc_buf_append(b, sig, 11);
    fc_buf_append(b, "\0\0\0\0\0\0\0\0", 8); /* flags, header extension length */
}

static void s_bin_i16(fc_buf_t *b, int v)
{
    unsigned char x[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    fc_buf_append(b, x, 2);
}

static void s_bin_i32(fc_buf_t *b, int32_t v)
{
    uint32_t u = (uint32_t)v;
    unsigned char x[4] = {(unsigned char)(u >> 24), (unsigned char)(u >> 16),
                          (unsigned char)(u >> 8), (unsigned char)u};
    fc_buf_append(b, x, 4);
}

static void s_bin_i64(fc_buf_t *b, int64_t v)
{
    s_bin_i32(b, (int32_t)((uint64_t)v >> 32));
    s_bin_i32(b, (int32_t)(uint32_t)v);
}

/* A field: its length then its bytes. */
static void s_bin_bytes(fc_buf_t *b, const void *p, size_t n)
{
    s_bin_i32(b, (int32_t)n);
    fc_buf_append(b, p, n);
}

static void s_bin_text(fc_buf_t *b, const char *s)
{
    s_bin_bytes(b, s, strlen(s));
}

static void s_bin_int8(fc_buf_t *b, int64_t v)
{
    s_bin_i32(b, 8);
    s_bin_i64(b, v);
}

static void s_bin_int4(fc_buf_t *b, int32_t v)
{
    s_bin_i32(b, 4);
    s_bin_i32(b, v);
}

static void s_bin_timestamptz(fc_buf_t *b, int64_t unix_us)
{
    s_bin_int8(b, unix_us - PG_EPOCH_OFFSET_US);
}

/* text[] of one dimension (or empty). */
static void s_bin_text_array(fc_buf_t *b, char *const *v, size_t n)
{
    size_t len = 12 + (n ? 8 : 0);
    for (size_t i = 0; i < n; i++)
        len += 4 + strlen(v[i]);
    s_bin_i32(b, (int32_t)len);
    s_bin_i32(b, n ? 1 : 0); /* dimensions */
    s_bin_i32(b, 0);         /* no NULLs */
    s_bin_i32(b, TEXTOID);
    if (n) {
        s_bin_i32(b, (int32_t)n);
        s_bin_i32(b, 1); /* lower bound */
    }
    for (size_t i = 0; i < n; i++)
        s_bin_text(b, v[i]);
}

int intake_store_checkins_copy(fc_pg_t *pg, Fc__V1__HealthCheckin *const *c, size_t n,
                               const int64_t *at_us, int64_t *ids_out, fc_err_t *err)
{
    char num[24];
    intake_store_i64(num, sizeof num, (long long)n);
    const char *p[] = {num};
    PGresult *r = fc_pg_exec(
        pg, "SELECT nextval('health_checkin_id_seq') FROM generate_series(1, $1)", 1, p, err);
    if (!r)
        return intake_store_fail(err);
    for (size_t i = 0; i < n; i++)
        ids_out[i] = fc_pg_int(r, (int)i, 0);
    PQclear(r);
    fc_buf_t rows;
    fc_buf_init(&rows);
    s_bin_header(&rows);
    for (size_t i = 0; i < n; i++) {
        s_bin_i16(&rows, 6);
        s_bin_int8(&rows, ids_out[i]);
        s_bin_text(&rows, c[i]->employee_no);
        s_bin_int4(&rows, c[i]->temperature_dc);
        s_bin_text_array(&rows, c[i]->symptoms, c[i]->n_symptoms);
        s_bin_text(&rows, c[i]->note);
        s_bin_timestamptz(&rows, at_us[i]);
    }
    s_bin_i16(&rows, -1);
    int rc = s_copy(pg,
                    "COPY health_checkin (id, employee_no, temperature_dc, symptoms, note, at)"
                    " FROM STDIN WITH (FORMAT binary)",
                    &rows, err);
    fc_buf_fini(&rows);
    return rc;
}

int intake_store_health_status_set(fc_pg_t *pg, const char *employee_no, int from, int to,
                                   const char *reason, int64_t at_us, fc_err_t *err)
{
    char f[8], t[8], at[24];
    snprintf(f, sizeof f, "%d", from);
    snprintf(t, sizeof t, "%d", to);
    intake_store_i64(at, sizeof at, at_us);
    const char *p[] = {employee_no, f, t, reason ? reason : "", at};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "UPDATE person SET health_status = $3, updated_at = now()"
                       " WHERE employee_no = $1 AND health_status = $2",
                       3, p, &n, err);
    if (rc != FC_OK)
        return rc;
    if (n != 1)
        return fc_err_set(err, FC_EAGAIN, "health_status", "健康状态已被同时修改，请重试");
    return fc_pg_cmd(pg,
                     "INSERT INTO health_status_change (employee_no, from_status, to_status,"
                     " reason, at) VALUES ($1, $2, $3, $4, " TS(5) ")",
                     5, p, NULL, err);
}

/* ---- duty ------------------------------------------------------------------------------- */

int intake_store_duty_open(fc_pg_t *pg, const char *employee_no, const char *post_code,
                           int64_t at_us, int64_t *id_out, fc_err_t *err)
{
    char at[24];
    intake_store_i64(at, sizeof at, at_us);
    const char *p[] = {employee_no, at};
    PGresult *r = fc_pg_exec(
        pg,
        "SELECT id, post_code, end_at IS NULL, " US(
            "start_at") ","
                        " COALESCE(" US(
                            "end_at") ", 0) FROM duty"
                                      " WHERE employee_no = $1 AND (end_at IS NULL OR end_at > " TS(
                                          2) ")"
                                             " ORDER BY end_at IS NULL DESC, start_at DESC LIMIT 1",
        2, p, err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 1) {
        char when[32];
        fc_time_format_local(fc_pg_int(r, 0, s_bool(r, 0, 2) ? 3 : 4), when, sizeof when);
        rc = s_bool(r, 0, 2) ? fc_err_set(err, FC_ECONFLICT, "employee_no",
                                          "“%s”在岗位“%s”的签到（%s）尚未签退，不能重复签到",
                                          employee_no, fc_pg_str(r, 0, 1), when)
                             : fc_err_set(err, FC_ECONFLICT, "at_us",
                                          "与“%s”已记录的值守（岗位“%s”，至 %s）时间重叠",
                                          employee_no, fc_pg_str(r, 0, 1), when);
    }
    PQclear(r);
    if (rc != FC_OK)
        return rc;
    const char *ip[] = {employee_no, post_code, at};
    r = fc_pg_exec(pg,
                   "INSERT INTO duty (employee_no, post_code, start_at) VALUES ($1, $2, " TS(
                       3) ")"
                          " RETURNING id",
                   3, ip, err);
    if (!r) {
        if (err && err->code == FC_EDUP)
            fc_err_set(err, FC_ECONFLICT, "employee_no", "“%s”已有未签退的签到", employee_no);
        return intake_store_fail(err);
    }
    *id_out = fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int intake_store_duty_current(fc_pg_t *pg, const char *employee_no, int64_t *id_out, char *post_out,
                              size_t n, int64_t *start_out, fc_err_t *err)
{
    const char *p[] = {employee_no};
    PGresult *r =
        fc_pg_exec(pg,
                   "SELECT id, post_code, " US(
                       "start_at") " FROM duty"
                                   " WHERE employee_no = $1 AND end_at IS NULL FOR UPDATE",
                   1, p, err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0) {
        rc = fc_err_set(err, FC_ENOTFOUND, "employee_no", "“%s”没有未签退的签到", employee_no);
    } else {
        *id_out = fc_pg_int(r, 0, 0);
        snprintf(post_out, n, "%s", fc_pg_str(r, 0, 1));
        *start_out = fc_pg_int(r, 0, 2);
    }
    PQclear(r);
    return rc;
}

int intake_store_duty_close(fc_pg_t *pg, int64_t duty_id, int64_t end_us, int minutes,
                            fc_err_t *err)
{
    char id[24], at[24], m[16];
    intake_store_i64(id, sizeof id, duty_id);
    intake_store_i64(at, sizeof at, end_us);
    snprintf(m, sizeof m, "%d", minutes);
    const char *p[] = {id, at, m};
    return fc_pg_cmd(pg,
                     "UPDATE duty SET end_at = " TS(2) ", minutes = $3 WHERE id = $1"
                                                       " AND end_at IS NULL",
                     3, p, NULL, err);
}

int intake_store_on_duty_at(fc_pg_t *pg, const char *employee_no, int64_t at_us, int *on_out,
                            fc_err_t *err)
{
    char at[24];
    intake_store_i64(at, sizeof at, at_us);
    const char *p[] = {employee_no, at};
    PGresult *r =
        fc_pg_exec(pg,
                   "SELECT EXISTS (SELECT 1 FROM duty WHERE employee_no = $1"
                   " AND start_at <= " TS(2) " AND (end_at IS NULL OR end_at >= " TS(2) "))",
                   2, p, err);
    if (!r)
        return intake_store_fail(err);
    *on_out = s_bool(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int intake_store_duty_count(fc_pg_t *pg, const char *employee_no, long long *n_out, fc_err_t *err)
{
    const char *p[] = {employee_no};
    PGresult *r = fc_pg_exec(pg, "SELECT count(*) FROM duty WHERE employee_no = $1", 1, p, err);
    if (!r)
        return intake_store_fail(err);
    *n_out = fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

/* ---- incidents and cases ------------------------------------------------------------------ */

int intake_store_insert_id(fc_pg_t *pg, const char *sql, int n, const char *const *p,
                           int64_t *id_out, fc_err_t *err)
{
    PGresult *r = fc_pg_exec(pg, sql, n, p, err);
    if (!r)
        return intake_store_fail(err);
    *id_out = fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int intake_store_incident_add(fc_pg_t *pg, const Fc__V1__IncidentReported *ev, int64_t *id_out,
                              fc_err_t *err)
{
    char at[24];
    intake_store_i64(at, sizeof at, ev->at_us);
    const char *p[] = {ev->employee_no, ev->org_code, ev->kind,      at,
                       ev->description, B(ev->major), B(ev->on_duty)};
    return intake_store_insert_id(
        pg,
        "INSERT INTO incident (employee_no, org_code, kind, at, description, major,"
        " on_duty) VALUES ($1, $2, $3, " TS(4) ", $5, $6, $7) RETURNING id",
        7, p, id_out, err);
}

int intake_store_key_group_open(fc_pg_t *pg, const Fc__V1__KeyGroupFile *f, int64_t *id_out,
                                fc_err_t *err)
{
    char at[24];
    intake_store_i64(at, sizeof at, f->opened_us);
    const char *p[] = {f->employee_no, f->org_code, f->category, f->volunteer_employee_no,
                       f->card_phone,  f->location, f->note,     at};
    int rc = intake_store_insert_id(pg,
                                    "INSERT INTO key_group_file (employee_no, org_code, category,"
                                    " volunteer_employee_no, card_phone, location, note, opened_at)"
                                    " VALUES ($1, $2, $3, $4, $5, $6, $7, " TS(8) ") RETURNING id",
                                    8, p, id_out, err);
    if (rc == FC_EDUP)
        return fc_err_set(err, FC_ECONFLICT, "employee_no",
                          "“%s”已有未结案的四类人员档案（一人一档）", f->employee_no);
    if (rc == FC_ENOTFOUND)
        return fc_err_set(err, FC_ENOTFOUND, "volunteer_employee_no", "志愿者工号“%s”不存在",
                          f->volunteer_employee_no);
    return rc;
}

#define KEY_GROUP_SELECT                                                                           \
    "SELECT id, employee_no, org_code, category, volunteer_employee_no, card_phone, location,"     \
    " note, " US("opened_at") ", COALESCE(" US("closed_at") ", 0) FROM key_group_file"

static Fc__V1__KeyGroupFile *s_key_group_row(const PGresult *r, int i, fc_arena_t *a)
{
    Fc__V1__KeyGroupFile *f = fc_arena_alloc(a, sizeof *f);
    fc__v1__key_group_file__init(f);
    f->file_id = fc_pg_int(r, i, 0);
    f->employee_no = intake_store_adup(a, r, i, 1);
    f->org_code = intake_store_adup(a, r, i, 2);
    f->category = intake_store_adup(a, r, i, 3);
    f->volunteer_employee_no = intake_store_adup(a, r, i, 4);
    f->card_phone = intake_store_adup(a, r, i, 5);
    f->location = intake_store_adup(a, r, i, 6);
    f->note = intake_store_adup(a, r, i, 7);
    f->opened_us = fc_pg_int(r, i, 8);
    f->closed_us = fc_pg_int(r, i, 9);
    return f;
}

int intake_store_one_by_id(fc_pg_t *pg, const char *sql, int64_t id, const char *field,
                           const char *what, PGresult **r_out, fc_err_t *err)
{
    char text[24];
    intake_store_i64(text, sizeof text, id);
    const char *p[] = {text};
    *r_out = fc_pg_exec(pg, sql, 1, p, err);
    if (!*r_out)
        return intake_store_fail(err);
    if (PQntuples(*r_out) > 0)
        return FC_OK;
    PQclear(*r_out);
    *r_out = NULL;
    return fc_err_set(err, FC_ENOTFOUND, field, "%s %lld 不存在", what, (long long)id);
}

int intake_store_key_group_get(fc_pg_t *pg, int64_t file_id, fc_arena_t *arena,
                               Fc__V1__KeyGroupFile **out, fc_err_t *err)
{
    PGresult *r = NULL;
    int rc = intake_store_one_by_id(pg, KEY_GROUP_SELECT " WHERE id = $1 FOR UPDATE", file_id,
                                    "file_id", "档案", &r, err);
    if (rc == FC_OK)
        *out = s_key_group_row(r, 0, arena);
    PQclear(r);
    return rc;
}

int intake_store_key_group_close(fc_pg_t *pg, int64_t file_id, const char *note, int64_t at_us,
                                 fc_err_t *err)
{
    char id[24], at[24];
    intake_store_i64(id, sizeof id, file_id);
    intake_store_i64(at, sizeof at, at_us);
    const char *p[] = {id, at, note};
    return fc_pg_cmd(pg,
                     "UPDATE key_group_file SET closed_at = " TS(
                         2) ","
                            " note = CASE WHEN $3 = '' THEN note ELSE $3 END"
                            " WHERE id = $1 AND closed_at IS NULL",
                     3, p, NULL, err);
}

int intake_store_service_contact_add(fc_pg_t *pg, const Fc__V1__ServiceContact *c, int64_t *id_out,
                                     fc_err_t *err)
{
    char id[24], at[24];
    intake_store_i64(id, sizeof id, c->file_id);
    intake_store_i64(at, sizeof at, c->at_us);
    const char *p[] = {id, c->kind, c->by_employee_no, c->note, at};
    int rc = intake_store_insert_id(
        pg,
        "INSERT INTO service_contact (file_id, kind, by_employee_no, note, at)"
        " VALUES ($1, $2, $3, $4, " TS(5) ") RETURNING id",
        5, p, id_out, err);
    if (rc == FC_ENOTFOUND)
        return fc_err_set(err, FC_ENOTFOUND, "by_employee_no", "服务人工号“%s”不存在",
                          c->by_employee_no);
    return rc;
}

int intake_store_hardship_open(fc_pg_t *pg, const Fc__V1__HardshipCase *c, int64_t *id_out,
                               fc_err_t *err)
{
    char at[24], fen[24];
    intake_store_i64(at, sizeof at, c->at_us);
    intake_store_i64(fen, sizeof fen, c->requested_fen);
    const char *p[] = {c->employee_no,         c->org_code, c->category, c->description,
                       c->liaison_employee_no, fen,         at};
    int rc = intake_store_insert_id(
        pg,
        "INSERT INTO hardship_case (employee_no, org_code, category, description,"
        " liaison_employee_no, requested_fen, opened_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, " TS(7) ") RETURNING id",
        7, p, id_out, err);
    if (rc == FC_EDUP && strstr(err->field, "liaison"))
        return fc_err_set(err, FC_ECONFLICT, "liaison_employee_no",
                          "“%s”已是另一个未结困难台账的一对一联络人", c->liaison_employee_no);
    if (rc == FC_EDUP)
        return fc_err_set(err, FC_ECONFLICT, "category", "“%s”已有未结的“%s”类困难台账",
                          c->employee_no, c->category);
    if (rc == FC_ENOTFOUND)
        return fc_err_set(err, FC_ENOTFOUND, "liaison_employee_no", "联络人工号“%s”不存在",
                          c->liaison_employee_no);
    return rc;
}

#define HARDSHIP_SELECT                                                                            \
    "SELECT id, employee_no, org_code, category, description, liaison_employee_no,"                \
    " requested_fen, " US("opened_at") ", closed_at IS NOT NULL FROM hardship_case"

static Fc__V1__HardshipCase *s_hardship_row(const PGresult *r, int i, fc_arena_t *a)
{
    Fc__V1__HardshipCase *c = fc_arena_alloc(a, sizeof *c);
    fc__v1__hardship_case__init(c);
    c->case_id = fc_pg_int(r, i, 0);
    c->employee_no = intake_store_adup(a, r, i, 1);
    c->org_code = intake_store_adup(a, r, i, 2);
    c->category = intake_store_adup(a, r, i, 3);
    c->description = intake_store_adup(a, r, i, 4);
    c->liaison_employee_no = intake_store_adup(a, r, i, 5);
    c->requested_fen = fc_pg_int(r, i, 6);
    c->at_us = fc_pg_int(r, i, 7);
    c->closed = s_bool(r, i, 8);
    return c;
}

int intake_store_hardship_get(fc_pg_t *pg, int64_t case_id, fc_arena_t *arena,
                              Fc__V1__HardshipCase **out, fc_err_t *err)
{
    PGresult *r = NULL;
    int rc = intake_store_one_by_id(pg, HARDSHIP_SELECT " WHERE id = $1 FOR UPDATE", case_id,
                                    "case_id", "困难台账", &r, err);
    if (rc == FC_OK)
        *out = s_hardship_row(r, 0, arena);
    PQclear(r);
    return rc;
}

int intake_store_hardship_close(fc_pg_t *pg, int64_t case_id, const char *note, int64_t at_us,
                                fc_err_t *err)
{
    char id[24], at[24];
    intake_store_i64(id, sizeof id, case_id);
    intake_store_i64(at, sizeof at, at_us);
    const char *p[] = {id, at, note};
    return fc_pg_cmd(pg,
                     "UPDATE hardship_case SET closed_at = GREATEST(" TS(
                         2) ", opened_at),"
                            " close_note = $3 WHERE id = $1 AND closed_at IS NULL",
                     3, p, NULL, err);
}

int intake_store_weekly_report_add(fc_pg_t *pg, const Fc__V1__WeeklyReport *r, int64_t *id_out,
                                   fc_err_t *err)
{
    char at[24];
    intake_store_i64(at, sizeof at, r->submitted_us);
    const char *p[] = {r->employee_no,
                       r->org_code,
                       r->iso_week,
                       r->epidemic_duty,
                       r->production,
                       B(r->no_outbreak),
                       B(r->production_stable),
                       at};
    int rc = intake_store_insert_id(
        pg,
        "INSERT INTO weekly_report (employee_no, org_code, iso_week,"
        " epidemic_duty, production, no_outbreak, production_stable,"
        " submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, " TS(8) ")"
                                                                    " RETURNING id",
        8, p, id_out, err);
    if (rc == FC_EDUP)
        return fc_err_set(err, FC_ECONFLICT, "iso_week", "“%s”已提交过 %s 的周报", r->employee_no,
                          r->iso_week);
    return rc;
}

int intake_store_cadre_event_add(fc_pg_t *pg, const Fc__V1__CadreKeyEvent *e, int64_t *id_out,
                                 fc_err_t *err)
{
    char at[24];
    intake_store_i64(at, sizeof at, e->at_us);
    const char *p[] = {e->employee_no, e->org_code, e->polarity,
                       e->description, at,          e->recorded_by};
    return intake_store_insert_id(
        pg,
        "INSERT INTO cadre_key_event (employee_no, org_code, polarity, description,"
        " at, recorded_by) VALUES ($1, $2, $3, $4, " TS(5) ", $6) RETURNING id",
        6, p, id_out, err);
}

int intake_store_merit_add(fc_pg_t *pg, const Fc__V1__MeritRecord *m, int64_t *id_out,
                           fc_err_t *err)
{
    char at[24];
    intake_store_i64(at, sizeof at, m->at_us);
    const char *p[] = {m->employee_no, m->org_code, m->kind, m->reason, m->issued_by, at};
    return intake_store_insert_id(
        pg,
        "INSERT INTO merit_record (employee_no, org_code, kind, reason, issued_by,"
        " at) VALUES ($1, $2, $3, $4, $5, " TS(6) ") RETURNING id",
        6, p, id_out, err);
}

int intake_store_party_candidate_upsert(fc_pg_t *pg, const Fc__V1__PartyCandidate *c,
                                        int *inserted_out, fc_err_t *err)
{
    char at[24];
    intake_store_i64(at, sizeof at, c->at_us);
    const char *p[] = {c->employee_no,   c->org_code, c->party_status,
                       B(c->fast_track), c->reason,   at};
    PGresult *r =
        fc_pg_exec(pg,
                   "INSERT INTO party_candidate AS t (employee_no, org_code,"
                   " party_status, fast_track, reason, at)"
                   " VALUES ($1, $2, $3, $4, $5, " TS(
                       6) ")"
                          " ON CONFLICT (employee_no) DO UPDATE SET org_code = EXCLUDED.org_code,"
                          " party_status = EXCLUDED.party_status,"
                          " fast_track = EXCLUDED.fast_track, reason = EXCLUDED.reason,"
                          " at = EXCLUDED.at, updated_at = now() RETURNING (xmax = 0)",
                   6, p, err);
    if (!r)
        return intake_store_fail(err);
    *inserted_out = s_bool(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

/* ---- one person, one file ------------------------------------------------------------------ */

/* Runs a per-person list query ($1 employee_no, $2 limit). */
static PGresult *s_list(fc_pg_t *pg, const char *sql, const char *emp, const char *limit,
                        fc_err_t *err)
{
    const char *p[] = {emp, limit};
    return fc_pg_exec(pg, sql, 2, p, err);
}

#define ALLOC_LIST(field, nfield, n)                                                               \
    do {                                                                                           \
        out->field = fc_arena_alloc(arena, (size_t)((n) ? (n) : 1) * sizeof *out->field);          \
        out->nfield = (size_t)(n);                                                                 \
    } while (0)

/* ---- people search ------------------------------------------------------------------- */

/* $1 LIKE pattern: the lower-cased query with LIKE's metacharacters escaped, then '%'. */
static void s_like_prefix(fc_buf_t *b, const char *query)
{
    for (const char *p = query; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            fc_buf_append(b, "\\", 1);
        fc_buf_append(b, p, 1);
    }
    fc_buf_puts(b, "%");
}

/* The name branch uses the 1- and 2-gram GIN index of migration 0004 (name_grams); the
 * employee-number branch the lower(employee_no) text_pattern_ops index; the planner ORs the
 * two bitmaps. starts_with() rather than LIKE for the org path: codes may contain '_'. */
int intake_store_person_search(fc_pg_t *pg, const char *query, const char *scope_path, int limit,
                               int offset, fc_arena_t *arena, Fc__V1__PersonSearchHit ***out,
                               size_t *n_out, int *more_out, fc_err_t *err)
{
    fc_buf_t like;
    fc_buf_init(&like);
    s_like_prefix(&like, query);
    char lim[16], off[16];
    snprintf(lim, sizeof lim, "%d", limit + 1); /* one more: is there a next page? */
    snprintf(off, sizeof off, "%d", offset);
    const char *p[] = {like.data, query, scope_path, lim, off};
    PGresult *r = fc_pg_exec(
        pg,
        "SELECT p.employee_no, p.name, p.org_code, o.name, p.health_status, p.party_status,"
        " p.cadre_level, p.leadership_team, p.young_cadre, p.reserve_pool, p.fit_for_frontline"
        " FROM person p JOIN org_unit o ON o.org_code = p.org_code"
        " WHERE (lower(p.employee_no) LIKE lower($1)"
        "        OR (p.name_grams @> person_name_grams($2)"
        "            AND strpos(lower(p.name), lower($2)) > 0))"
        "   AND starts_with(o.path, $3)"
        " ORDER BY CASE WHEN lower(p.employee_no) = lower($2) THEN 0"
        "               WHEN lower(p.employee_no) LIKE lower($1) THEN 1"
        "               WHEN p.name = $2 THEN 2"
        "               WHEN starts_with(p.name, $2) THEN 3 ELSE 4 END,"
        "          p.employee_no COLLATE \"C\""
        " LIMIT $4::int OFFSET $5::int",
        5, p, err);
    fc_buf_fini(&like);
    if (!r)
        return intake_store_fail(err);
    int nr = PQntuples(r);
    *more_out = nr > limit;
    if (nr > limit)
        nr = limit;
    Fc__V1__PersonSearchHit **v = fc_arena_alloc(arena, (size_t)(nr ? nr : 1) * sizeof *v);
    for (int i = 0; i < nr; i++) {
        Fc__V1__PersonSearchHit *x = fc_arena_alloc(arena, sizeof *x);
        fc__v1__person_search_hit__init(x);
        x->employee_no = intake_store_adup(arena, r, i, 0);
        x->name = intake_store_adup(arena, r, i, 1);
        x->org_code = intake_store_adup(arena, r, i, 2);
        x->org_name = intake_store_adup(arena, r, i, 3);
        x->health_status = (Fc__V1__HealthStatus)fc_pg_int(r, i, 4);
        x->party_status = intake_store_adup(arena, r, i, 5);
        x->cadre_level = intake_store_adup(arena, r, i, 6);
        x->leadership_team = s_bool(r, i, 7);
        x->young_cadre = s_bool(r, i, 8);
        x->reserve_pool = s_bool(r, i, 9);
        x->fit_for_frontline = s_bool(r, i, 10);
        v[i] = x;
    }
    *out = v;
    *n_out = (size_t)nr;
    PQclear(r);
    return FC_OK;
}

int intake_store_person_file(fc_pg_t *pg, const char *employee_no, int limit, int64_t now_us,
                             fc_arena_t *arena, Fc__V1__PersonFileReply *out, fc_err_t *err)
{
    int rc = FC_ERR;
    PGresult *r = NULL;
    char now[24], day[24], week[24], lim[16];
    intake_store_i64(now, sizeof now, now_us);
    intake_store_i64(day, sizeof day, fc_time_local_day_start(fc_time_local_day(now_us)));
    intake_store_i64(week, sizeof week, now_us - 7 * FC_US_PER_DAY);
    snprintf(lim, sizeof lim, "%d", limit);
    const char *tp[] = {employee_no, now, day, week};
    /* minutes on duty overlapping each window; an open check-in counts up to now */
    r = fc_pg_exec(
        pg,
        "WITH d AS (SELECT start_at AS s, LEAST(COALESCE(end_at, " TS(2) "), " TS(
            2) ")"
               " AS e FROM duty WHERE employee_no = $1 AND start_at <= " TS(
                   2) ")"
                      " SELECT COALESCE(floor(sum(extract(epoch FROM GREATEST(e - GREATEST(s, " TS(
                          3) "), interval '0'))) / 60), 0)::bigint,"
                             " COALESCE(floor(sum(extract(epoch FROM GREATEST(e - GREATEST(s, " TS(
                                 4) "), interval '0'))) / 60), 0)::bigint,"
                                    " COALESCE(floor(sum(extract(epoch FROM GREATEST(e - s, "
                                    "interval '0'))) / 60),"
                                    " 0)::bigint, count(*) FROM d",
        4, tp, err);
    if (!r)
        goto fail;
    out->duty_minutes_today = fc_pg_int(r, 0, 0);
    out->duty_minutes_7d = fc_pg_int(r, 0, 1);
    out->duty_minutes_total = fc_pg_int(r, 0, 2);
    out->duty_count = fc_pg_int(r, 0, 3);
    PQclear(r);

    r = s_list(
        pg,
        "SELECT d.id, d.post_code, p.name, p.risk_class, " US(
            "d.start_at") ","
                          " COALESCE(" US("d.end_at") ", 0), COALESCE(d.minutes, 0) FROM duty d"
                                                      " JOIN post p ON p.post_code = d.post_code "
                                                      "WHERE d.employee_no = $1"
                                                      " ORDER BY d.start_at DESC LIMIT $2",
        employee_no, lim, err);
    if (!r)
        goto fail;
    ALLOC_LIST(duties, n_duties, PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++) {
        Fc__V1__DutyRecord *d = fc_arena_alloc(arena, sizeof *d);
        fc__v1__duty_record__init(d);
        d->duty_id = fc_pg_int(r, i, 0);
        d->post_code = intake_store_adup(arena, r, i, 1);
        d->post_name = intake_store_adup(arena, r, i, 2);
        d->risk_class = (int)fc_pg_int(r, i, 3);
        d->start_us = fc_pg_int(r, i, 4);
        d->end_us = fc_pg_int(r, i, 5);
        d->minutes = (int)fc_pg_int(r, i, 6);
        out->duties[i] = d;
    }
    PQclear(r);

    r = s_list(
        pg,
        "SELECT id, temperature_dc, array_to_string(symptoms, E'\\n'), " US(
            "at") ", note"
                  " FROM health_checkin WHERE employee_no = $1 ORDER BY at DESC, id DESC LIMIT $2",
        employee_no, lim, err);
    if (!r)
        goto fail;
    ALLOC_LIST(checkins, n_checkins, PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++) {
        Fc__V1__HealthCheckinRecord *c = fc_arena_alloc(arena, sizeof *c);
        fc__v1__health_checkin_record__init(c);
        c->checkin_id = fc_pg_int(r, i, 0);
        c->temperature_dc = (int)fc_pg_int(r, i, 1);
        char *sym = intake_store_adup(arena, r, i, 2);
        size_t ns = *sym ? 1 : 0;
        for (char *q = sym; *q; q++)
            ns += *q == '\n';
        c->symptoms = fc_arena_alloc(arena, (ns ? ns : 1) * sizeof *c->symptoms);
        for (size_t k = 0; k < ns; k++) {
            c->symptoms[k] = sym;
            sym += strcspn(sym, "\n");
            if (*sym)
                *sym++ = '\0';
        }
        c->n_symptoms = ns;
        c->at_us = fc_pg_int(r, i, 3);
        c->note = intake_store_adup(arena, r, i, 4);
        out->checkins[i] = c;
    }
    PQclear(r);

    r = s_list(
        pg,
        "SELECT c.from_status, c.to_status, " US(
            "c.at") ", c.reason, p.org_code"
                    " FROM health_status_change c JOIN person p ON p.employee_no = c.employee_no"
                    " WHERE c.employee_no = $1 ORDER BY c.at DESC, c.id DESC LIMIT $2",
        employee_no, lim, err);
    if (!r)
        goto fail;
    ALLOC_LIST(status_history, n_status_history, PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++) {
        Fc__V1__HealthStatusChanged *h = fc_arena_alloc(arena, sizeof *h);
        fc__v1__health_status_changed__init(h);
        h->employee_no = fc_arena_strdup(arena, employee_no);
        h->from = (int)fc_pg_int(r, i, 0);
        h->to = (int)fc_pg_int(r, i, 1);
        h->at_us = fc_pg_int(r, i, 2);
        h->reason = intake_store_adup(arena, r, i, 3);
        h->org_code = intake_store_adup(arena, r, i, 4);
        out->status_history[i] = h;
    }
    PQclear(r);

    r = s_list(pg,
               "SELECT id, org_code, kind, " US(
                   "at") ", description, major, on_duty FROM incident"
                         " WHERE employee_no = $1 ORDER BY at DESC, id DESC LIMIT $2",
               employee_no, lim, err);
    if (!r)
        goto fail;
    ALLOC_LIST(incidents, n_incidents, PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++) {
        Fc__V1__IncidentReported *x = fc_arena_alloc(arena, sizeof *x);
        fc__v1__incident_reported__init(x);
        x->incident_id = fc_pg_int(r, i, 0);
        x->employee_no = fc_arena_strdup(arena, employee_no);
        x->org_code = intake_store_adup(arena, r, i, 1);
        x->kind = intake_store_adup(arena, r, i, 2);
        x->at_us = fc_pg_int(r, i, 3);
        x->description = intake_store_adup(arena, r, i, 4);
        x->major = s_bool(r, i, 5);
        x->on_duty = s_bool(r, i, 6);
        out->incidents[i] = x;
    }
    PQclear(r);

    r = s_list(pg, KEY_GROUP_SELECT " WHERE employee_no = $1 ORDER BY opened_at DESC LIMIT $2",
               employee_no, lim, err);
    if (!r)
        goto fail;
    ALLOC_LIST(key_group_files, n_key_group_files, PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++)
        out->key_group_files[i] = s_key_group_row(r, i, arena);
    PQclear(r);

    r = s_list(
        pg,
        "SELECT c.id, c.file_id, f.employee_no, f.org_code, c.kind, c.by_employee_no,"
        " c.note, " US("c.at") " FROM service_contact c"
                               " JOIN key_group_file f ON f.id = c.file_id WHERE f.employee_no = $1"
                               " ORDER BY c.at DESC, c.id DESC LIMIT $2",
        employee_no, lim, err);
    if (!r)
        goto fail;
    ALLOC_LIST(service_contacts, n_service_contacts, PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++) {
        Fc__V1__ServiceContact *c = fc_arena_alloc(arena, sizeof *c);
        fc__v1__service_contact__init(c);
        c->contact_id = fc_pg_int(r, i, 0);
        c->file_id = fc_pg_int(r, i, 1);
        c->employee_no = intake_store_adup(arena, r, i, 2);
        c->org_code = intake_store_adup(arena, r, i, 3);
        c->kind = intake_store_adup(arena, r, i, 4);
        c->by_employee_no = intake_store_adup(arena, r, i, 5);
        c->note = intake_store_adup(arena, r, i, 6);
        c->at_us = fc_pg_int(r, i, 7);
        out->service_contacts[i] = c;
    }
    PQclear(r);

    r = s_list(pg, HARDSHIP_SELECT " WHERE employee_no = $1 ORDER BY opened_at DESC LIMIT $2",
               employee_no, lim, err);
    if (!r)
        goto fail;
    ALLOC_LIST(hardship_cases, n_hardship_cases, PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++)
        out->hardship_cases[i] = s_hardship_row(r, i, arena);
    PQclear(r);

    r = s_list(pg,
               HARDSHIP_SELECT " WHERE liaison_employee_no = $1 ORDER BY opened_at DESC LIMIT $2",
               employee_no, lim, err);
    if (!r)
        goto fail;
    ALLOC_LIST(liaison_for, n_liaison_for, PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++)
        out->liaison_for[i] = s_hardship_row(r, i, arena);
    PQclear(r);

    r = s_list(
        pg,
        "SELECT id, org_code, kind, reason, issued_by, " US(
            "at") ","
                  " kind IN ('accountability', 'reassignment', 'disciplinary') FROM merit_record"
                  " WHERE employee_no = $1 ORDER BY at DESC, id DESC LIMIT $2",
        employee_no, lim, err);
    if (!r)
        goto fail;
    ALLOC_LIST(merits, n_merits, PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++) {
        Fc__V1__MeritRecord *m = fc_arena_alloc(arena, sizeof *m);
        fc__v1__merit_record__init(m);
        m->record_id = fc_pg_int(r, i, 0);
        m->employee_no = fc_arena_strdup(arena, employee_no);
        m->org_code = intake_store_adup(arena, r, i, 1);
        m->kind = intake_store_adup(arena, r, i, 2);
        m->reason = intake_store_adup(arena, r, i, 3);
        m->issued_by = intake_store_adup(arena, r, i, 4);
        m->at_us = fc_pg_int(r, i, 5);
        m->accountability = s_bool(r, i, 6);
        out->merits[i] = m;
    }
    PQclear(r);

    r = s_list(
        pg,
        "SELECT id, org_code, polarity, description, " US(
            "at") ", recorded_by"
                  " FROM cadre_key_event WHERE employee_no = $1 ORDER BY at DESC, id DESC LIMIT $2",
        employee_no, lim, err);
    if (!r)
        goto fail;
    ALLOC_LIST(key_events, n_key_events, PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++) {
        Fc__V1__CadreKeyEvent *e = fc_arena_alloc(arena, sizeof *e);
        fc__v1__cadre_key_event__init(e);
        e->event_id = fc_pg_int(r, i, 0);
        e->employee_no = fc_arena_strdup(arena, employee_no);
        e->org_code = intake_store_adup(arena, r, i, 1);
        e->polarity = intake_store_adup(arena, r, i, 2);
        e->description = intake_store_adup(arena, r, i, 3);
        e->at_us = fc_pg_int(r, i, 4);
        e->recorded_by = intake_store_adup(arena, r, i, 5);
        out->key_events[i] = e;
    }
    PQclear(r);

    r = s_list(pg,
               "SELECT id, org_code, iso_week, epidemic_duty, production, no_outbreak,"
               " production_stable, " US(
                   "submitted_at") " FROM weekly_report"
                                   " WHERE employee_no = $1 ORDER BY iso_week DESC LIMIT $2",
               employee_no, lim, err);
    if (!r)
        goto fail;
    ALLOC_LIST(weekly_reports, n_weekly_reports, PQntuples(r));
    for (int i = 0; i < PQntuples(r); i++) {
        Fc__V1__WeeklyReport *w = fc_arena_alloc(arena, sizeof *w);
        fc__v1__weekly_report__init(w);
        w->report_id = fc_pg_int(r, i, 0);
        w->employee_no = fc_arena_strdup(arena, employee_no);
        w->org_code = intake_store_adup(arena, r, i, 1);
        w->iso_week = intake_store_adup(arena, r, i, 2);
        w->epidemic_duty = intake_store_adup(arena, r, i, 3);
        w->production = intake_store_adup(arena, r, i, 4);
        w->no_outbreak = s_bool(r, i, 5);
        w->production_stable = s_bool(r, i, 6);
        w->submitted_us = fc_pg_int(r, i, 7);
        out->weekly_reports[i] = w;
    }
    PQclear(r);

    r = s_list(pg,
               "SELECT org_code, party_status, fast_track, reason, " US(
                   "at") ""
                         " FROM party_candidate WHERE employee_no = $1 LIMIT $2",
               employee_no, lim, err);
    if (!r)
        goto fail;
    if (PQntuples(r) == 1) {
        Fc__V1__PartyCandidate *c = fc_arena_alloc(arena, sizeof *c);
        fc__v1__party_candidate__init(c);
        c->employee_no = fc_arena_strdup(arena, employee_no);
        c->org_code = intake_store_adup(arena, r, 0, 0);
        c->party_status = intake_store_adup(arena, r, 0, 1);
        c->fast_track = s_bool(r, 0, 2);
        c->reason = intake_store_adup(arena, r, 0, 3);
        c->at_us = fc_pg_int(r, 0, 4);
        out->candidate = c;
    }
    rc = FC_OK;
    goto out;
fail:
    rc = intake_store_fail(err);
out:
    PQclear(r);
    return rc;
}

/* ---- events in bulk ------------------------------------------------------------------------ */

void intake_events_init(intake_events_t *ev)
{
    fc_buf_init(&ev->rows);
    ev->n = 0;
}

void intake_events_fini(intake_events_t *ev)
{
    fc_buf_fini(&ev->rows);
    ev->n = 0;
}

void intake_events_add(intake_events_t *ev, const char *type, const ProtobufCMessage *msg,
                       int64_t at_us)
{
    char id[FC_ID_LEN + 1];
    uint8_t small[512];
    fc_id_new(id);
    if (ev->n == 0) {
        fc_buf_reset(&ev->rows);
        s_bin_header(&ev->rows);
    }
    size_t len = protobuf_c_message_get_packed_size(msg);
    uint8_t *payload = len <= sizeof small ? small : fc_xmalloc(len);
    protobuf_c_message_pack(msg, payload);
    s_bin_i16(&ev->rows, 5);
    s_bin_bytes(&ev->rows, id, FC_ID_LEN);
    s_bin_text(&ev->rows, INTAKE_STREAM);
    s_bin_text(&ev->rows, type);
    s_bin_bytes(&ev->rows, payload, len);
    s_bin_int8(&ev->rows, at_us);
    if (payload != small)
        free(payload);
    ev->n++;
}

int intake_store_events_flush(fc_pg_t *pg, intake_events_t *ev, fc_err_t *err)
{
    if (ev->n == 0)
        return FC_OK;
    s_bin_i16(&ev->rows, -1);
    int rc = s_copy(pg,
                    "COPY outbox (event_id, stream, type, payload, at_us) FROM STDIN"
                    " WITH (FORMAT binary)",
                    &ev->rows, err);
    fc_buf_reset(&ev->rows);
    ev->n = 0;
    return rc;
}

/* ---- CSV import sessions ------------------------------------------------------------------- */

int intake_store_import_begin(fc_pg_t *pg, const char *import_id, const char *kind, int skip_bad,
                              const char *file_name, const char *actor, const char *role,
                              const char *org_scope, fc_err_t *err)
{
    const char *p[] = {import_id, kind, B(skip_bad), file_name, actor, role, org_scope};
    return fc_pg_cmd(pg,
                     "INSERT INTO import_session (import_id, kind, skip_bad, file_name, actor,"
                     " role, org_scope) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                     7, p, NULL, err);
}

int intake_store_import_get(fc_pg_t *pg, const char *import_id, intake_import_t *out, fc_err_t *err)
{
    const char *p[] = {import_id};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT kind, skip_bad, state, actor, role, org_scope, rows"
                             " FROM import_session WHERE import_id = $1 FOR UPDATE",
                             1, p, err);
    if (!r)
        return intake_store_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0) {
        rc = fc_err_set(err, FC_ENOTFOUND, "import_id", "导入会话“%s”不存在或已过期", import_id);
    } else {
        snprintf(out->kind, sizeof out->kind, "%s", fc_pg_str(r, 0, 0));
        out->skip_bad = s_bool(r, 0, 1);
        snprintf(out->state, sizeof out->state, "%s", fc_pg_str(r, 0, 2));
        snprintf(out->actor, sizeof out->actor, "%s", fc_pg_str(r, 0, 3));
        snprintf(out->role, sizeof out->role, "%s", fc_pg_str(r, 0, 4));
        snprintf(out->org_scope, sizeof out->org_scope, "%s", fc_pg_str(r, 0, 5));
        out->rows = (int)fc_pg_int(r, 0, 6);
    }
    PQclear(r);
    return rc;
}

int intake_store_import_chunk_add(fc_pg_t *pg, const char *import_id, int seq, int rows,
                                  const uint8_t *payload, size_t len, int *total_rows_out,
                                  fc_err_t *err)
{
    char s[16], n[16];
    snprintf(s, sizeof s, "%d", seq);
    snprintf(n, sizeof n, "%d", rows);
    const char *p[] = {import_id, s, n, (const char *)payload};
    int lengths[] = {0, 0, 0, (int)len};
    int formats[] = {0, 0, 0, 1};
    PGresult *r = fc_pg_execb(pg,
                              "INSERT INTO import_chunk (import_id, seq, rows, payload)"
                              " VALUES ($1, $2, $3, $4)",
                              4, p, lengths, formats, err);
    if (!r) {
        if (err && err->code == FC_EDUP)
            fc_err_set(err, FC_ECONFLICT, "seq", "第 %d 块已经收到过", seq);
        return intake_store_fail(err);
    }
    PQclear(r);
    const char *up[] = {import_id, n};
    r = fc_pg_exec(pg,
                   "UPDATE import_session SET rows = rows + $2 WHERE import_id = $1 RETURNING rows",
                   2, up, err);
    if (!r)
        return intake_store_fail(err);
    *total_rows_out = (int)fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int intake_store_import_chunks(fc_pg_t *pg, const char *import_id,
                               int (*fn)(void *ctx, int seq, const uint8_t *data, size_t len,
                                         fc_err_t *err),
                               void *ctx, int *n_chunks_out, fc_err_t *err)
{
    const char *p[] = {import_id};
    /* one chunk at a time from the database (each is unpacked and kept by fn) */
    PGresult *r =
        fc_pg_exec(pg, "SELECT seq FROM import_chunk WHERE import_id = $1 ORDER BY seq", 1, p, err);
    if (!r)
        return intake_store_fail(err);
    int n = PQntuples(r), rc = FC_OK;
    for (int i = 0; i < n && rc == FC_OK; i++) {
        const char *q[] = {import_id, PQgetvalue(r, i, 0)};
        PGconn *c = fc_pg_conn(pg);
        PGresult *b = PQexecParams(c,
                                   "SELECT payload FROM import_chunk WHERE import_id = $1"
                                   " AND seq = $2",
                                   2, NULL, q, NULL, NULL, 1);
        if (PQresultStatus(b) != PGRES_TUPLES_OK || PQntuples(b) != 1) {
            rc = s_result_error(c, b, err);
        } else {
            rc = fn(ctx, atoi(PQgetvalue(r, i, 0)), (const uint8_t *)PQgetvalue(b, 0, 0),
                    (size_t)PQgetlength(b, 0, 0), err);
        }
        PQclear(b);
    }
    *n_chunks_out = n;
    PQclear(r);
    return rc;
}

int intake_store_import_finish(fc_pg_t *pg, const char *import_id, const char *state,
                               Fc__V1__ImportProblem *const *problems, size_t n, fc_err_t *err)
{
    const char *p[] = {import_id, state};
    int rc = fc_pg_cmd(pg,
                       "UPDATE import_session SET state = $2, finished_at = now()"
                       " WHERE import_id = $1",
                       2, p, NULL, err);
    if (rc == FC_OK)
        rc = fc_pg_cmd(pg, "DELETE FROM import_chunk WHERE import_id = $1", 1, p, NULL, err);
    if (rc != FC_OK || n == 0)
        return rc;
    fc_buf_t rows;
    fc_buf_init(&rows);
    for (size_t i = 0; i < n; i++) {
        fc_buf_printf(&rows, "%s\t%zu\t%d\t", import_id, i, (int)problems[i]->line);
        s_copy_text(&rows, problems[i]->column);
        fc_buf_puts(&rows, "\t");
        s_copy_text(&rows, problems[i]->reason);
        fc_buf_puts(&rows, "\n");
    }
    rc = s_copy(pg, "COPY import_problem (import_id, n, line, col, reason) FROM STDIN", &rows, err);
    fc_buf_fini(&rows);
    return rc;
}

int intake_store_import_problems(fc_pg_t *pg, const char *import_id, int offset, int limit,
                                 fc_arena_t *arena, Fc__V1__ImportProblemsReply *out, fc_err_t *err)
{
    char off[16], lim[16];
    snprintf(off, sizeof off, "%d", offset);
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[] = {import_id, off, lim};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT line, col, reason, count(*) OVER () FROM import_problem"
                             " WHERE import_id = $1 ORDER BY n OFFSET $2 LIMIT $3",
                             3, p, err);
    if (!r)
        return intake_store_fail(err);
    int n = PQntuples(r);
    out->problems = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *out->problems);
    for (int i = 0; i < n; i++) {
        Fc__V1__ImportProblem *x = fc_arena_alloc(arena, sizeof *x);
        fc__v1__import_problem__init(x);
        x->line = (int)fc_pg_int(r, i, 0);
        x->column = intake_store_adup(arena, r, i, 1);
        x->reason = intake_store_adup(arena, r, i, 2);
        out->problems[i] = x;
    }
    out->n_problems = (size_t)n;
    out->total = n ? (int)fc_pg_int(r, 0, 3) : 0;
    PQclear(r);
    if (n == 0) {
        /* past the end: still say how many there are */
        r = fc_pg_exec(pg, "SELECT count(*) FROM import_problem WHERE import_id = $1", 1, p, err);
        if (!r)
            return intake_store_fail(err);
        out->total = (int)fc_pg_int(r, 0, 0);
        PQclear(r);
    }
    return FC_OK;
}

int intake_store_import_gc(fc_pg_t *pg, int max_age_s, fc_err_t *err)
{
    char age[16];
    snprintf(age, sizeof age, "%d", max_age_s);
    const char *p[] = {age};
    return fc_pg_cmd(pg,
                     "DELETE FROM import_session WHERE created_at < now() -"
                     " make_interval(secs => $1::int)",
                     1, p, NULL, err);
}
