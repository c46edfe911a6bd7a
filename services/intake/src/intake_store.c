/* intake_store: intake's SQL, parameterised, for schema intake only. */
#include "intake_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B(x) ((x) ? "true" : "false")

static int s_fail(fc_err_t *err)
{
    return err && err->code ? err->code : FC_ERR;
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
        return s_fail(err);
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
        return s_fail(err);
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
    const char *p[] = {u->org_code, u->parent_code[0] ? u->parent_code : NULL, u->name, u->kind,
                       B(u->liaison_unit), path};
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
        rc = s_fail(err);
        goto out;
    }
    *outcome = PQntuples(r) == 0 ? INTAKE_UNCHANGED
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
    PGresult *r = fc_pg_exec(pg, "SELECT org_code, health_status FROM person WHERE employee_no = $1",
                             1, p, err);
    if (!r)
        return s_fail(err);
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

/* Makes the spouse link mutual: the new spouse points back; a previous spouse of either is
 * unlinked only if it pointed here. A spouse already married to a third person is refused. */
static int s_link_spouse(fc_pg_t *pg, const Fc__V1__Person *p, fc_err_t *err)
{
    const char *me[] = {p->employee_no};
    int rc = fc_pg_cmd(pg,
                       "UPDATE person SET spouse_employee_no = NULL, updated_at = now()"
                       " WHERE spouse_employee_no = $1 AND employee_no <> COALESCE($2, '')",
                       2, (const char *[]){p->employee_no, p->spouse_employee_no[0] ? p->spouse_employee_no : NULL},
                       NULL, err);
    (void)me;
    if (rc != FC_OK || !p->spouse_employee_no[0])
        return rc;
    const char *sp[] = {p->spouse_employee_no};
    PGresult *r = fc_pg_exec(pg, "SELECT spouse_employee_no FROM person WHERE employee_no = $1",
                             1, sp, err);
    if (!r)
        return s_fail(err);
    if (PQntuples(r) == 0) {
        PQclear(r);
        return fc_err_set(err, FC_ENOTFOUND, "spouse_employee_no", "配偶工号“%s”不存在",
                          p->spouse_employee_no);
    }
    const char *cur = PQgetisnull(r, 0, 0) ? NULL : PQgetvalue(r, 0, 0);
    if (cur && strcmp(cur, p->employee_no) != 0) {
        rc = fc_err_set(err, FC_ECONFLICT, "spouse_employee_no",
                        "“%s”已登记配偶“%s”，不能同时是“%s”的配偶", p->spouse_employee_no, cur,
                        p->employee_no);
        PQclear(r);
        return rc;
    }
    PQclear(r);
    const char *lp[] = {p->spouse_employee_no, p->employee_no};
    return fc_pg_cmd(pg,
                     "UPDATE person SET spouse_employee_no = $2, updated_at = now()"
                     " WHERE employee_no = $1 AND spouse_employee_no IS DISTINCT FROM $2",
                     2, lp, NULL, err);
}

int intake_store_person_upsert(fc_pg_t *pg, const Fc__V1__Person *p, intake_outcome_t *outcome,
                               fc_err_t *err)
{
    char status[8];
    snprintf(status, sizeof status, "%d", p->health_status ? (int)p->health_status : 1);
    const char *params[] = {
        p->employee_no, p->name, p->phone, p->org_code,
        p->party_status[0] ? p->party_status : "none",
        p->cadre_level[0] ? p->cadre_level : "none",
        B(p->leadership_team), B(p->young_cadre), B(p->reserve_pool), B(p->medical_staff),
        B(p->aid_team), p->spouse_employee_no[0] ? p->spouse_employee_no : NULL,
        B(p->cares_for_elderly), B(p->cares_for_children), B(p->fit_for_frontline), status};
    PGresult *r = fc_pg_exec(
        pg,
        "INSERT INTO person AS t (employee_no, name, phone, org_code, party_status, cadre_level,"
        " leadership_team, young_cadre, reserve_pool, medical_staff, aid_team,"
        " spouse_employee_no, cares_for_elderly, cares_for_children, fit_for_frontline,"
        " health_status)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        " ON CONFLICT (employee_no) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone,"
        " org_code = EXCLUDED.org_code, party_status = EXCLUDED.party_status,"
        " cadre_level = EXCLUDED.cadre_level, leadership_team = EXCLUDED.leadership_team,"
        " young_cadre = EXCLUDED.young_cadre, reserve_pool = EXCLUDED.reserve_pool,"
        " medical_staff = EXCLUDED.medical_staff, aid_team = EXCLUDED.aid_team,"
        " spouse_employee_no = EXCLUDED.spouse_employee_no,"
        " cares_for_elderly = EXCLUDED.cares_for_elderly,"
        " cares_for_children = EXCLUDED.cares_for_children,"
        " fit_for_frontline = EXCLUDED.fit_for_frontline, updated_at = now()"
        " WHERE (t.name, t.phone, t.org_code, t.party_status, t.cadre_level, t.leadership_team,"
        " t.young_cadre, t.reserve_pool, t.medical_staff, t.aid_team, t.spouse_employee_no,"
        " t.cares_for_elderly, t.cares_for_children, t.fit_for_frontline) IS DISTINCT FROM"
        " (EXCLUDED.name, EXCLUDED.phone, EXCLUDED.org_code, EXCLUDED.party_status,"
        " EXCLUDED.cadre_level, EXCLUDED.leadership_team, EXCLUDED.young_cadre,"
        " EXCLUDED.reserve_pool, EXCLUDED.medical_staff, EXCLUDED.aid_team,"
        " EXCLUDED.spouse_employee_no, EXCLUDED.cares_for_elderly, EXCLUDED.cares_for_children,"
        " EXCLUDED.fit_for_frontline)"
        " RETURNING (xmax = 0)",
        16, params, err);
    if (!r) {
        if (err && err->code == FC_ENOTFOUND && strstr(err->field, "org_code"))
            fc_err_set(err, FC_ENOTFOUND, "org_code", "组织“%s”不存在", p->org_code);
        return s_fail(err);
    }
    *outcome = PQntuples(r) == 0 ? INTAKE_UNCHANGED
               : strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? INTAKE_INSERTED
                                                       : INTAKE_UPDATED;
    PQclear(r);
    return s_link_spouse(pg, p, err);
}

int intake_store_person_get(fc_pg_t *pg, const char *employee_no, fc_arena_t *arena,
                            Fc__V1__Person **out, fc_err_t *err)
{
    const char *p[] = {employee_no};
    PGresult *r = fc_pg_exec(
        pg,
        "SELECT employee_no, name, phone, org_code, party_status, cadre_level, leadership_team,"
        " young_cadre, reserve_pool, medical_staff, aid_team,"
        " COALESCE(spouse_employee_no, ''), cares_for_elderly, cares_for_children,"
        " fit_for_frontline, health_status FROM person WHERE employee_no = $1",
        1, p, err);
    if (!r)
        return s_fail(err);
    if (PQntuples(r) == 0) {
        PQclear(r);
        return fc_err_set(err, FC_ENOTFOUND, "employee_no", "工号“%s”不存在", employee_no);
    }
    Fc__V1__Person *x = fc_arena_alloc(arena, sizeof *x);
    fc__v1__person__init(x);
#define S(i) fc_arena_strdup(arena, PQgetvalue(r, 0, i))
#define T(i) (strcmp(PQgetvalue(r, 0, i), "t") == 0)
    x->employee_no = S(0);
    x->name = S(1);
    x->phone = S(2);
    x->org_code = S(3);
    x->party_status = S(4);
    x->cadre_level = S(5);
    x->leadership_team = T(6);
    x->young_cadre = T(7);
    x->reserve_pool = T(8);
    x->medical_staff = T(9);
    x->aid_team = T(10);
    x->spouse_employee_no = S(11);
    x->cares_for_elderly = T(12);
    x->cares_for_children = T(13);
    x->fit_for_frontline = T(14);
    x->health_status = atoi(PQgetvalue(r, 0, 15));
#undef S
#undef T
    PQclear(r);
    *out = x;
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
                             " '{}'), $4, to_timestamp($5::bigint / 1e6)) RETURNING id",
                             5, p, err);
    fc_buf_fini(&sym);
    if (!r)
        return s_fail(err);
    *id_out = fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}
