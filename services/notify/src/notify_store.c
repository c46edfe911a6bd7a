/* notify_store: notify's SQL, parameterised, for schema notify only. */
#include "notify_store.h"
#include "fc_jobrec.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B(x) ((x) ? "true" : "false")

/* The unit and its ancestors, nearest first: $1 is the unit. */
#define S_UP                                                                                       \
    "WITH RECURSIVE up AS (SELECT org_code, parent_code, name, kind, 0 AS depth FROM org_unit"     \
    " WHERE org_code = $1 UNION ALL SELECT o.org_code, o.parent_code, o.name, o.kind,"             \
    " up.depth + 1 FROM org_unit o JOIN up ON o.org_code = up.parent_code WHERE up.depth < 32) "

/* The unit and everything under it: $N is the unit. */
#define S_DOWN(n)                                                                                  \
    "WITH RECURSIVE down AS (SELECT org_code, 0 AS depth FROM org_unit WHERE org_code = $" n       \
    " UNION ALL SELECT o.org_code, down.depth + 1 FROM org_unit o JOIN down"                       \
    " ON o.parent_code = down.org_code WHERE down.depth < 32) "

/* 000 §9: discrimination cases (their tasks, reminders and messages) are the group's and the
 * subsidiaries' only. col is the kind column, $1 the caller's scope ("" = group-wide). */
#define S_MAY_SEE_KIND(col)                                                                        \
    " AND (" col " NOT LIKE 'discrimination\\_%' OR $1 = ''"                                       \
    " OR (SELECT kind FROM org_unit WHERE org_code = $1) IN ('subsidiary', 'group'))"
#define S_MAY_SEE_TASK S_MAY_SEE_KIND("kind")
#define S_MAY_SEE_MESSAGE S_MAY_SEE_KIND("r.kind")

static int s_fail(fc_err_t *err)
{
    return err && err->code ? err->code : FC_ERR;
}

static void s_i64(char *buf, size_t n, int64_t v)
{
    snprintf(buf, n, "%" PRId64, v);
}

static int s_bool(const PGresult *r, int row, int col)
{
    return strcmp(PQgetvalue(r, row, col), "t") == 0;
}

/* Appends a PostgreSQL array literal of strings: {"a","b \"c\""}. */
static void s_arr_text(fc_buf_t *b, const char *const *items, int n)
{
    fc_buf_puts(b, "{");
    for (int i = 0; i < n; i++) {
        fc_buf_puts(b, i ? ",\"" : "\"");
        for (const char *p = items[i] ? items[i] : ""; *p; p++) {
            if (*p == '"' || *p == '\\')
                fc_buf_append(b, "\\", 1);
            fc_buf_append(b, p, 1);
        }
        fc_buf_puts(b, "\"");
    }
    fc_buf_puts(b, "}");
}

static void s_arr_i64(fc_buf_t *b, const int64_t *items, int n)
{
    fc_buf_puts(b, "{");
    for (int i = 0; i < n; i++)
        fc_buf_printf(b, "%s%" PRId64, i ? "," : "", items[i]);
    fc_buf_puts(b, "}");
}

/* A NUL-terminated copy of a buffer's text (an empty buffer reads ""). */
static const char *s_text(const fc_buf_t *b)
{
    return b->data ? b->data : "";
}

/* ---- projection ------------------------------------------------------------------------ */

int notify_store_org_upsert(fc_pg_t *pg, const char *org_code, const char *parent_code,
                            const char *name, const char *kind, int64_t at_us, fc_err_t *err)
{
    char at[24];
    s_i64(at, sizeof at, at_us);
    const char *p[] = {org_code, parent_code && *parent_code ? parent_code : NULL, name, kind, at};
    /* an older event never overwrites a newer one */
    return fc_pg_cmd(pg,
                     "INSERT INTO org_unit AS o (org_code, parent_code, name, kind, at_us)"
                     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_code) DO UPDATE SET"
                     " parent_code = EXCLUDED.parent_code, name = EXCLUDED.name,"
                     " kind = EXCLUDED.kind, at_us = EXCLUDED.at_us"
                     " WHERE o.at_us <= EXCLUDED.at_us",
                     5, p, NULL, err);
}

int notify_store_person_upsert(fc_pg_t *pg, const char *employee_no, const char *name,
                               const char *phone, const char *org_code, int leadership_team,
                               int health_status, int64_t at_us, fc_err_t *err)
{
    char at[24], hs[16];
    s_i64(at, sizeof at, at_us);
    snprintf(hs, sizeof hs, "%d", health_status);
    const char *p[] = {employee_no, name, phone, org_code, B(leadership_team), hs, at};
    return fc_pg_cmd(pg,
                     "INSERT INTO person AS x (employee_no, name, phone, org_code,"
                     " leadership_team, health_status, at_us) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                     " ON CONFLICT (employee_no) DO UPDATE SET name = EXCLUDED.name,"
                     " phone = EXCLUDED.phone, org_code = EXCLUDED.org_code,"
                     " leadership_team = EXCLUDED.leadership_team,"
                     " health_status = EXCLUDED.health_status, at_us = EXCLUDED.at_us"
                     " WHERE x.at_us <= EXCLUDED.at_us",
                     7, p, NULL, err);
}

int notify_store_duty_day(fc_pg_t *pg, const char *employee_no, int64_t day, int *new_out,
                          fc_err_t *err)
{
    char d[24];
    s_i64(d, sizeof d, day);
    const char *p[] = {employee_no, d};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO duty_day (employee_no, day) VALUES ($1, $2)"
                       " ON CONFLICT DO NOTHING",
                       2, p, &n, err);
    if (new_out)
        *new_out = n == 1;
    return rc;
}

int notify_store_heart_state(fc_pg_t *pg, const char *employee_no, int *days_out, int *talks_out,
                             int *open_out, fc_err_t *err)
{
    const char *p[] = {employee_no};
    /* the last talk done, as a Shanghai day: duty days after it count towards the next */
    PGresult *r = fc_pg_exec(
        pg,
        "WITH t AS (SELECT count(*) AS talks, count(*) FILTER (WHERE state = 'open') AS open,"
        " max(done_us) FILTER (WHERE state = 'done') AS last_us FROM task"
        " WHERE kind = 'heart_talk' AND subject = $1)"
        " SELECT (SELECT count(*) FROM duty_day d WHERE d.employee_no = $1 AND"
        " (t.last_us IS NULL OR d.day > floor((t.last_us + 28800000000) / 86400000000.0))),"
        " t.talks, t.open FROM t",
        1, p, err);
    if (!r)
        return s_fail(err);
    *days_out = (int)fc_pg_int(r, 0, 0);
    *talks_out = (int)fc_pg_int(r, 0, 1);
    *open_out = fc_pg_int(r, 0, 2) > 0;
    PQclear(r);
    return FC_OK;
}

static void s_copy(char *dst, size_t n, const PGresult *r, int row, int col)
{
    snprintf(dst, n, "%s", PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

int notify_store_org_info(fc_pg_t *pg, const char *org_code, notify_person_info_t *out,
                          fc_err_t *err)
{
    const char *p[] = {org_code};
    PGresult *r = fc_pg_exec(pg,
                             S_UP "SELECT (SELECT name FROM up WHERE depth = 0),"
                                  " (SELECT org_code FROM up WHERE kind = 'subsidiary'"
                                  "  ORDER BY depth LIMIT 1),"
                                  " (SELECT name FROM up WHERE kind = 'subsidiary'"
                                  "  ORDER BY depth LIMIT 1)",
                             1, p, err);
    if (!r)
        return s_fail(err);
    snprintf(out->org_code, sizeof out->org_code, "%s", org_code);
    s_copy(out->org_name, sizeof out->org_name, r, 0, 0);
    s_copy(out->subsidiary_code, sizeof out->subsidiary_code, r, 0, 1);
    s_copy(out->subsidiary_name, sizeof out->subsidiary_name, r, 0, 2);
    if (!out->org_name[0])
        snprintf(out->org_name, sizeof out->org_name, "%s", org_code);
    PQclear(r);
    return FC_OK;
}

int notify_store_person_info(fc_pg_t *pg, const char *employee_no, notify_person_info_t *out,
                             fc_err_t *err)
{
    memset(out, 0, sizeof *out);
    const char *p[] = {employee_no};
    PGresult *r = fc_pg_exec(pg, "SELECT name, phone, org_code FROM person WHERE employee_no = $1",
                             1, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 1) {
        out->found = 1;
        s_copy(out->name, sizeof out->name, r, 0, 0);
        s_copy(out->phone, sizeof out->phone, r, 0, 1);
        s_copy(out->org_code, sizeof out->org_code, r, 0, 2);
    }
    PQclear(r);
    if (out->found && out->org_code[0])
        rc = notify_store_org_info(pg, out->org_code, out, err);
    if (!out->name[0])
        snprintf(out->name, sizeof out->name, "%s", employee_no);
    return rc;
}

int notify_store_in_scope(fc_pg_t *pg, const char *scope, const char *org_code, int *in_out,
                          fc_err_t *err)
{
    const char *p[] = {org_code, scope};
    PGresult *r =
        fc_pg_exec(pg, S_UP "SELECT EXISTS (SELECT 1 FROM up WHERE org_code = $2)", 2, p, err);
    if (!r)
        return s_fail(err);
    *in_out = s_bool(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

/* ---- recipients -------------------------------------------------------------------------- */

/* Channels from a JSON array text; the policy's default when empty. */
static void s_channels(const char *json_text, const notify_chanlist_t *def, notify_chanlist_t *out)
{
    json_error_t jerr;
    json_t *a = json_loads(json_text ? json_text : "[]", 0, &jerr);
    const char *names[NOTIFY_MAX_CHANNELS];
    int n = 0;
    for (size_t i = 0; json_is_array(a) && i < json_array_size(a) && n < NOTIFY_MAX_CHANNELS; i++)
        if (json_string_value(json_array_get(a, i)))
            names[n++] = json_string_value(json_array_get(a, i));
    if (n == 0 || notify_chanlist_parse(names, n, out, NULL) != FC_OK)
        *out = *def;
    json_decref(a);
}

static int s_person_recipient(fc_pg_t *pg, const notify_policy_t *pol, const char *emp,
                              notify_recipient_t *out, int *found, fc_err_t *err)
{
    const char *p[] = {emp};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT p.employee_no IS NOT NULL OR f.employee_no IS NOT NULL,"
                             " coalesce(p.name, ''), coalesce(p.phone, ''),"
                             " coalesce(array_to_json(f.channels)::text, '[]'),"
                             " coalesce(f.lang, ''), coalesce(f.email, ''),"
                             " coalesce(f.wecom_url, ''), coalesce(p.health_status, 0)"
                             " FROM (SELECT $1::text AS e) x"
                             " LEFT JOIN person p ON p.employee_no = x.e"
                             " LEFT JOIN pref f ON f.employee_no = x.e",
                             1, p, err);
    if (!r)
        return s_fail(err);
    memset(out, 0, sizeof *out);
    /* the deceased receive nothing */
    *found = s_bool(r, 0, 0) && fc_pg_int(r, 0, 7) != 7;
    if (*found) {
        snprintf(out->key, sizeof out->key, "%s", emp);
        s_copy(out->name, sizeof out->name, r, 0, 1);
        if (!out->name[0])
            snprintf(out->name, sizeof out->name, "%s", emp);
        s_copy(out->phone, sizeof out->phone, r, 0, 2);
        s_channels(PQgetvalue(r, 0, 3), &pol->person_channels, &out->channels);
        s_copy(out->lang, sizeof out->lang, r, 0, 4);
        s_copy(out->email, sizeof out->email, r, 0, 5);
        s_copy(out->wecom_url, sizeof out->wecom_url, r, 0, 6);
        if (!notify_lang_known(out->lang))
            snprintf(out->lang, sizeof out->lang, "%s", pol->default_lang);
    }
    PQclear(r);
    return FC_OK;
}

static int s_desk_recipient(fc_pg_t *pg, const notify_policy_t *pol, const char *org,
                            notify_recipient_t *out, int *found, fc_err_t *err)
{
    const char *p[] = {org};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT d.name, coalesce(o.name, ''), d.wecom_url, d.email, d.phone,"
                             " d.lang, array_to_json(d.channels)::text FROM desk d"
                             " LEFT JOIN org_unit o USING (org_code) WHERE d.org_code = $1",
                             1, p, err);
    if (!r)
        return s_fail(err);
    memset(out, 0, sizeof *out);
    *found = PQntuples(r) == 1;
    if (*found) {
        snprintf(out->key, sizeof out->key, "@%s", org);
        s_copy(out->name, sizeof out->name, r, 0, 0);
        if (!out->name[0])
            snprintf(out->name, sizeof out->name, "%s",
                     *PQgetvalue(r, 0, 1) ? PQgetvalue(r, 0, 1) : org);
        s_copy(out->wecom_url, sizeof out->wecom_url, r, 0, 2);
        s_copy(out->email, sizeof out->email, r, 0, 3);
        s_copy(out->phone, sizeof out->phone, r, 0, 4);
        s_copy(out->lang, sizeof out->lang, r, 0, 5);
        s_channels(PQgetvalue(r, 0, 6), &pol->desk_channels, &out->channels);
        if (!notify_lang_known(out->lang))
            snprintf(out->lang, sizeof out->lang, "%s", pol->default_lang);
    }
    PQclear(r);
    return FC_OK;
}

/* One value from a query on the ancestors of org ("" if none). */
static int s_up_value(fc_pg_t *pg, const char *org, const char *select, char *out, size_t n,
                      fc_err_t *err)
{
    char *sql = fc_xasprintf(S_UP "%s", select);
    const char *p[] = {org};
    PGresult *r = fc_pg_exec(pg, sql, 1, p, err);
    free(sql);
    if (!r)
        return s_fail(err);
    out[0] = '\0';
    if (PQntuples(r) > 0)
        s_copy(out, n, r, 0, 0);
    PQclear(r);
    return FC_OK;
}

static notify_recipient_t *s_push(fc_arena_t *arena, notify_recipient_t *list, int n,
                                  const notify_recipient_t *one)
{
    notify_recipient_t *grown = fc_arena_alloc(arena, (size_t)(n + 1) * sizeof *grown);
    if (n)
        memcpy(grown, list, (size_t)n * sizeof *grown);
    grown[n] = *one;
    return grown;
}

/* The branch secretary of org: an assignment on the unit or an ancestor below the
 * subsidiary, else the leadership-team members of the nearest branch. */
static int s_secretaries(fc_pg_t *pg, const notify_policy_t *pol, const char *org,
                         fc_arena_t *arena, notify_recipient_t **out, int *n_out, fc_err_t *err)
{
    char emp[64];
    int rc = s_up_value(pg, org,
                        "SELECT s.employee_no FROM up JOIN secretary s USING (org_code)"
                        " WHERE up.kind NOT IN ('subsidiary', 'group') ORDER BY up.depth LIMIT 1",
                        emp, sizeof emp, err);
    if (rc != FC_OK)
        return rc;
    PGresult *r = NULL;
    if (emp[0]) {
        notify_recipient_t one;
        int found = 0;
        if ((rc = s_person_recipient(pg, pol, emp, &one, &found, err)) == FC_OK && found)
            *out = s_push(arena, *out, (*n_out)++, &one);
        return rc;
    }
    const char *p[] = {org};
    r = fc_pg_exec(pg,
                   S_UP ", b AS (SELECT org_code FROM up WHERE kind IN ('branch', 'general_branch')"
                        " ORDER BY depth LIMIT 1)"
                        " SELECT p.employee_no FROM person p JOIN b USING (org_code)"
                        " WHERE p.leadership_team AND p.health_status <> 7 ORDER BY p.employee_no",
                   1, p, err);
    if (!r)
        return s_fail(err);
    for (int i = 0; i < PQntuples(r) && rc == FC_OK; i++) {
        notify_recipient_t one;
        int found = 0;
        if ((rc = s_person_recipient(pg, pol, PQgetvalue(r, i, 0), &one, &found, err)) == FC_OK &&
            found)
            *out = s_push(arena, *out, (*n_out)++, &one);
    }
    PQclear(r);
    return rc;
}

int notify_store_recipients(fc_pg_t *pg, const notify_policy_t *pol, const char *token,
                            const char *employee_no, const char *org_code, fc_arena_t *arena,
                            notify_recipient_t **out, int *n_out, char *why, size_t why_n,
                            fc_err_t *err)
{
    *out = NULL;
    *n_out = 0;
    why[0] = '\0';
    notify_recipient_t one;
    int found = 0, rc = FC_OK;
    char org[64] = "";
    if (strcmp(token, "person") == 0 || strncmp(token, "emp:", 4) == 0) {
        const char *emp = token[0] == 'e' ? token + 4 : employee_no;
        if ((rc = s_person_recipient(pg, pol, emp, &one, &found, err)) != FC_OK)
            return rc;
        if (found)
            *out = s_push(arena, *out, (*n_out)++, &one);
        else
            snprintf(why, why_n, "人员“%s”不在通知名册中（或已故）", emp);
        return FC_OK;
    }
    if (strcmp(token, "secretary") == 0) {
        if ((rc = s_secretaries(pg, pol, org_code, arena, out, n_out, err)) != FC_OK)
            return rc;
        if (*n_out == 0)
            snprintf(why, why_n, "找不到组织“%s”的党支部书记", org_code);
        return FC_OK;
    }
    if (strcmp(token, "subsidiary") == 0) {
        rc = s_up_value(pg, org_code,
                        "SELECT org_code FROM up WHERE kind = 'subsidiary' ORDER BY depth LIMIT 1",
                        org, sizeof org, err);
        if (rc == FC_OK && !org[0]) {
            snprintf(why, why_n, "组织“%s”不属于任何子分公司", org_code);
            return FC_OK;
        }
    } else if (strcmp(token, "group") == 0) {
        rc = s_up_value(pg, org_code,
                        "SELECT coalesce((SELECT org_code FROM up WHERE parent_code IS NULL"
                        " ORDER BY depth DESC LIMIT 1), (SELECT org_code FROM org_unit"
                        " WHERE kind = 'group' ORDER BY org_code LIMIT 1))",
                        org, sizeof org, err);
        if (rc == FC_OK && !org[0]) {
            snprintf(why, why_n, "找不到集团组织");
            return FC_OK;
        }
    } else if (strncmp(token, "desk:", 5) == 0) {
        snprintf(org, sizeof org, "%s", token + 5);
    } else {
        snprintf(why, why_n, "未知的收件人“%s”", token);
        return FC_OK;
    }
    if (rc != FC_OK)
        return rc;
    if ((rc = s_desk_recipient(pg, pol, org, &one, &found, err)) != FC_OK)
        return rc;
    if (found)
        *out = s_push(arena, *out, (*n_out)++, &one);
    else
        snprintf(why, why_n, "组织“%s”的组织部门未配置接收方式", org);
    return FC_OK;
}

static const char *s_channels_literal(fc_buf_t *b, char *const *names, size_t n)
{
    fc_buf_reset(b);
    s_arr_text(b, (const char *const *)names, (int)n);
    return s_text(b);
}

int notify_store_desk_set(fc_pg_t *pg, const Fc__V1__DeskSetRequest *req, int *inserted_out,
                          fc_err_t *err)
{
    fc_buf_t ch;
    fc_buf_init(&ch);
    const char *p[] = {req->org_code,
                       req->name,
                       req->wecom_url,
                       req->email,
                       req->phone,
                       req->lang,
                       s_channels_literal(&ch, req->channels, req->n_channels)};
    PGresult *r = fc_pg_exec(pg,
                             "INSERT INTO desk (org_code, name, wecom_url, email, phone, lang,"
                             " channels) VALUES ($1, $2, $3, $4, $5, $6, $7::text[])"
                             " ON CONFLICT (org_code) DO UPDATE SET name = EXCLUDED.name,"
                             " wecom_url = EXCLUDED.wecom_url, email = EXCLUDED.email,"
                             " phone = EXCLUDED.phone, lang = EXCLUDED.lang,"
                             " channels = EXCLUDED.channels RETURNING (xmax = 0)",
                             7, p, err);
    fc_buf_fini(&ch);
    if (!r)
        return s_fail(err);
    *inserted_out = s_bool(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int notify_store_pref_set(fc_pg_t *pg, const Fc__V1__PrefSetRequest *req, int *inserted_out,
                          fc_err_t *err)
{
    fc_buf_t ch;
    fc_buf_init(&ch);
    const char *p[] = {req->employee_no, s_channels_literal(&ch, req->channels, req->n_channels),
                       req->lang, req->email, req->wecom_url};
    PGresult *r =
        fc_pg_exec(pg,
                   "INSERT INTO pref (employee_no, channels, lang, email, wecom_url)"
                   " VALUES ($1, $2::text[], $3, $4, $5)"
                   " ON CONFLICT (employee_no) DO UPDATE SET channels = EXCLUDED.channels,"
                   " lang = EXCLUDED.lang, email = EXCLUDED.email,"
                   " wecom_url = EXCLUDED.wecom_url RETURNING (xmax = 0)",
                   5, p, err);
    fc_buf_fini(&ch);
    if (!r)
        return s_fail(err);
    *inserted_out = s_bool(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int notify_store_secretary_set(fc_pg_t *pg, const char *org_code, const char *employee_no,
                               int *changed_out, fc_err_t *err)
{
    const char *p[] = {org_code, employee_no};
    long n = 0;
    int rc;
    if (!*employee_no)
        rc = fc_pg_cmd(pg, "DELETE FROM secretary WHERE org_code = $1", 1, p, &n, err);
    else
        rc = fc_pg_cmd(pg,
                       "INSERT INTO secretary AS s (org_code, employee_no) VALUES ($1, $2)"
                       " ON CONFLICT (org_code) DO UPDATE SET employee_no = EXCLUDED.employee_no"
                       " WHERE s.employee_no <> EXCLUDED.employee_no",
                       2, p, &n, err);
    *changed_out = n > 0;
    return rc;
}

/* ---- tasks, reminders, series ---------------------------------------------------------- */

int notify_store_task_open(fc_pg_t *pg, const notify_task_spec_t *t, int64_t now_us,
                           int64_t *task_id_out, int *created_out, char *state_out, fc_err_t *err)
{
    char due[24], now[24];
    s_i64(due, sizeof due, t->due_us);
    s_i64(now, sizeof now, now_us);
    const char *p[] = {t->kind,
                       t->subject,
                       t->period ? t->period : "",
                       t->employee_no ? t->employee_no : "",
                       t->org_code ? t->org_code : "",
                       due,
                       now};
    PGresult *r = fc_pg_exec(pg,
                             "WITH ins AS (INSERT INTO task (kind, subject, period, employee_no,"
                             " org_code, due_us, created_us) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                             " ON CONFLICT (kind, subject, period) DO NOTHING"
                             " RETURNING task_id, state)"
                             " SELECT task_id, state, true FROM ins UNION ALL"
                             " SELECT task_id, state, false FROM task WHERE kind = $1"
                             " AND subject = $2 AND period = $3 AND NOT EXISTS (SELECT 1 FROM ins)",
                             7, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) != 1) {
        rc = fc_err_set(err, FC_EAGAIN, "task", "task (%s, %s, %s) appeared concurrently", t->kind,
                        t->subject, t->period);
    } else {
        *task_id_out = fc_pg_int(r, 0, 0);
        snprintf(state_out, 16, "%s", PQgetvalue(r, 0, 1));
        *created_out = s_bool(r, 0, 2);
    }
    PQclear(r);
    return rc;
}

#define S_TASK_COLS                                                                                \
    "task_id, kind, subject, period, employee_no, org_code, due_us, state, done_us, done_by,"      \
    " note, escalated, created_us"

static Fc__V1__Task *s_task_row(const PGresult *r, int i, fc_arena_t *arena)
{
    Fc__V1__Task *t = fc_arena_alloc(arena, sizeof *t);
    fc__v1__task__init(t);
    t->task_id = fc_pg_int(r, i, 0);
    t->kind = fc_arena_strdup(arena, PQgetvalue(r, i, 1));
    t->subject = fc_arena_strdup(arena, PQgetvalue(r, i, 2));
    t->period = fc_arena_strdup(arena, PQgetvalue(r, i, 3));
    t->employee_no = fc_arena_strdup(arena, PQgetvalue(r, i, 4));
    t->org_code = fc_arena_strdup(arena, PQgetvalue(r, i, 5));
    t->due_us = fc_pg_int(r, i, 6);
    t->state = fc_arena_strdup(arena, PQgetvalue(r, i, 7));
    t->done_us = fc_pg_int(r, i, 8);
    t->done_by = fc_arena_strdup(arena, PQgetvalue(r, i, 9));
    t->note = fc_arena_strdup(arena, PQgetvalue(r, i, 10));
    t->escalated = s_bool(r, i, 11);
    t->created_us = fc_pg_int(r, i, 12);
    return t;
}

int notify_store_task_get(fc_pg_t *pg, int64_t task_id, fc_arena_t *arena, Fc__V1__Task **out,
                          fc_err_t *err)
{
    char id[24];
    s_i64(id, sizeof id, task_id);
    const char *p[] = {id};
    PGresult *r = fc_pg_exec(pg, "SELECT " S_TASK_COLS " FROM task WHERE task_id = $1", 1, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, "task_id", "任务 %" PRId64 " 不存在", task_id);
    else
        *out = s_task_row(r, 0, arena);
    PQclear(r);
    return rc;
}

/* Cancels the scheduled reminders of a task and their jobs; *n_out how many. */
static int s_cancel_reminders(fc_pg_t *pg, const char *task_id, int *n_out, fc_err_t *err)
{
    const char *p[] = {task_id};
    PGresult *r = fc_pg_exec(pg,
                             "WITH r AS (UPDATE reminder SET state = 'cancelled'"
                             " WHERE task_id = $1 AND state = 'scheduled' RETURNING job_id),"
                             " j AS (UPDATE jobs SET state = 'cancelled', finished_at = now()"
                             " WHERE job_id IN (SELECT job_id FROM r) AND state = 'pending'"
                             " RETURNING 1)"
                             " SELECT count(*) FROM r",
                             1, p, err);
    if (!r)
        return s_fail(err);
    if (n_out)
        *n_out = (int)fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int notify_store_task_done(fc_pg_t *pg, int64_t task_id, const char *kind, const char *subject,
                           const char *period, int64_t at_us, const char *by, const char *note,
                           int create_if_missing, int64_t *task_id_out, int *cancelled_out,
                           int *already_out, fc_err_t *err)
{
    char id[24], at[24];
    int rc = FC_OK;
    PGresult *r = NULL;
    *cancelled_out = 0;
    *already_out = 0;
    s_i64(at, sizeof at, at_us);
    if (task_id > 0) {
        s_i64(id, sizeof id, task_id);
        const char *p[] = {id};
        r = fc_pg_exec(pg, "SELECT task_id, state FROM task WHERE task_id = $1 FOR UPDATE", 1, p,
                       err);
    } else {
        const char *p[] = {kind, subject, period};
        r = fc_pg_exec(pg,
                       "SELECT task_id, state FROM task WHERE kind = $1 AND subject = $2"
                       " AND period = $3 FOR UPDATE",
                       3, p, err);
    }
    if (!r)
        return s_fail(err);
    if (PQntuples(r) == 0) {
        PQclear(r);
        r = NULL;
        if (task_id > 0 || !create_if_missing)
            return fc_err_set(err, FC_ENOTFOUND, task_id > 0 ? "task_id" : "subject", "任务不存在");
        /* done before it was ever due: record it done so no round reminds of it */
        const char *p[] = {kind, subject, period, at, by, note};
        r = fc_pg_exec(pg,
                       "INSERT INTO task (kind, subject, period, state, done_us, done_by, note,"
                       " created_us) VALUES ($1, $2, $3, 'done', $4, $5, $6, $4)"
                       " RETURNING task_id",
                       6, p, err);
        if (!r)
            return s_fail(err);
        *task_id_out = fc_pg_int(r, 0, 0);
        PQclear(r);
        return FC_OK;
    }
    *task_id_out = fc_pg_int(r, 0, 0);
    int done = strcmp(PQgetvalue(r, 0, 1), "open") != 0;
    s_i64(id, sizeof id, *task_id_out);
    PQclear(r);
    if (done) {
        *already_out = 1;
        return FC_OK;
    }
    const char *p[] = {id, at, by, note};
    if ((rc = fc_pg_cmd(pg,
                        "UPDATE task SET state = 'done', done_us = $2, done_by = $3, note = $4"
                        " WHERE task_id = $1",
                        4, p, NULL, err)) != FC_OK)
        return rc;
    /* a single-task series (the health check) ends when its task is done */
    const char *sp[] = {id};
    if ((rc = fc_pg_cmd(pg,
                        "UPDATE series s SET open = false FROM task t WHERE t.task_id = $1"
                        " AND s.kind = t.kind AND s.subject = t.subject AND NOT s.per_period",
                        1, sp, NULL, err)) != FC_OK)
        return rc;
    return s_cancel_reminders(pg, id, cancelled_out, err);
}

int notify_store_tasks_cancel(fc_pg_t *pg, const char *kind, const char *subject, int64_t at_us,
                              int *n_out, fc_err_t *err)
{
    char at[24];
    s_i64(at, sizeof at, at_us);
    const char *p[] = {kind, subject, at};
    PGresult *r = fc_pg_exec(pg,
                             "WITH t AS (UPDATE task SET state = 'cancelled', done_us = $3"
                             " WHERE kind = $1 AND subject = $2 AND state = 'open'"
                             " RETURNING task_id),"
                             " r AS (UPDATE reminder SET state = 'cancelled'"
                             " WHERE task_id IN (SELECT task_id FROM t) AND state = 'scheduled'"
                             " RETURNING job_id),"
                             " j AS (UPDATE jobs SET state = 'cancelled', finished_at = now()"
                             " WHERE job_id IN (SELECT job_id FROM r) AND state = 'pending'"
                             " RETURNING 1)"
                             " SELECT count(*) FROM t",
                             3, p, err);
    if (!r)
        return s_fail(err);
    if (n_out)
        *n_out = (int)fc_pg_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int notify_store_tasks_open(fc_pg_t *pg, const char *kind, const char *subject, int64_t *ids,
                            int max, int *n_out, fc_err_t *err)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", max);
    const char *p[] = {kind, subject, lim};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT task_id FROM task WHERE kind = $1 AND subject = $2"
                             " AND state = 'open' ORDER BY task_id LIMIT $3",
                             3, p, err);
    if (!r)
        return s_fail(err);
    *n_out = PQntuples(r);
    for (int i = 0; i < *n_out; i++)
        ids[i] = fc_pg_int(r, i, 0);
    PQclear(r);
    return FC_OK;
}

int notify_store_task_tally(fc_pg_t *pg, const char *kind, const char *subject, int lock,
                            notify_task_tally_t *out, fc_err_t *err)
{
    memset(out, 0, sizeof *out);
    const char *p[] = {kind, subject};
    /* its own statement: the query after it must see what the lock waited for */
    int rc = lock ? fc_pg_cmd(pg,
                              "SELECT pg_advisory_xact_lock(hashtext('notify.task'),"
                              " hashtext($1 || ':' || $2))",
                              2, p, NULL, err)
                  : FC_OK;
    if (rc != FC_OK)
        return rc;
    PGresult *r = fc_pg_exec(pg,
                             "SELECT count(*), count(*) FILTER (WHERE state = 'done'),"
                             " coalesce((array_agg(task_id ORDER BY task_id DESC)"
                             "  FILTER (WHERE state = 'open'))[1], 0),"
                             " coalesce((array_agg(due_us ORDER BY task_id DESC)"
                             "  FILTER (WHERE state = 'open'))[1], 0)"
                             " FROM task WHERE kind = $1 AND subject = $2",
                             2, p, err);
    if (!r)
        return s_fail(err);
    out->total = (int)fc_pg_int(r, 0, 0);
    out->done = (int)fc_pg_int(r, 0, 1);
    out->open_id = fc_pg_int(r, 0, 2);
    out->open_due_us = fc_pg_int(r, 0, 3);
    PQclear(r);
    return FC_OK;
}

int notify_store_task_escalated(fc_pg_t *pg, int64_t task_id, fc_err_t *err)
{
    char id[24];
    s_i64(id, sizeof id, task_id);
    const char *p[] = {id};
    return fc_pg_cmd(pg, "UPDATE task SET escalated = true WHERE task_id = $1", 1, p, NULL, err);
}

int notify_store_task_list(fc_pg_t *pg, const Fc__V1__TaskListRequest *req, const char *scope,
                           fc_arena_t *arena, Fc__V1__TaskListReply *out, fc_err_t *err)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", req->limit > 0 && req->limit <= 1000 ? req->limit : 100);
    const char *p[] = {scope, req->state, req->kind, req->employee_no, req->org_code, lim};
    PGresult *r = fc_pg_exec(pg,
                             S_DOWN("1") ", f AS (SELECT * FROM task WHERE"
                                         " ($1 = '' OR org_code IN (SELECT org_code FROM down))"
                                         " AND ($2 = '' OR state = $2) AND ($3 = '' OR kind = $3)"
                                         " AND ($4 = '' OR employee_no = $4)" S_MAY_SEE_TASK
                                         " AND ($5 = '' OR org_code = $5))"
                                         " SELECT " S_TASK_COLS ", (SELECT count(*) FROM f) FROM f"
                                         " ORDER BY task_id DESC LIMIT $6",
                             6, p, err);
    if (!r)
        return s_fail(err);
    int n = PQntuples(r);
    out->tasks = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *out->tasks);
    for (int i = 0; i < n; i++)
        out->tasks[i] = s_task_row(r, i, arena);
    out->n_tasks = (size_t)n;
    out->total = n ? fc_pg_int(r, 0, 13) : 0;
    PQclear(r);
    return FC_OK;
}

int notify_store_reminder_add(fc_pg_t *pg, const notify_reminder_spec_t *s, int64_t now_us,
                              char job_id_out[FC_ID_LEN + 1], int *created_out, fc_err_t *err)
{
    char due[24], now[24], task[24];
    fc_buf_t rec;
    fc_buf_init(&rec);
    s_arr_text(&rec, s->recipients, s->n_recipients);
    s_i64(due, sizeof due, s->due_us);
    s_i64(now, sizeof now, now_us);
    s_i64(task, sizeof task, s->task_id);
    fc_id_new(job_id_out);
    const char *p[] = {s->kind,
                       s->subject,
                       s->period ? s->period : "",
                       s->employee_no ? s->employee_no : "",
                       s->org_code ? s->org_code : "",
                       due,
                       B(s->urgent),
                       s_text(&rec),
                       s->vars_json ? s->vars_json : "{}",
                       B(s->escalation),
                       s->task_id ? task : NULL,
                       job_id_out,
                       now};
    PGresult *r =
        fc_pg_exec(pg,
                   "INSERT INTO reminder (kind, subject, period, employee_no, org_code,"
                   " due_us, urgent, recipients, vars, escalation, task_id, job_id,"
                   " created_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[],"
                   " $9::jsonb, $10, $11, $12, $13)"
                   " ON CONFLICT (kind, subject, period) DO NOTHING RETURNING reminder_id",
                   13, p, err);
    fc_buf_fini(&rec);
    if (!r)
        return s_fail(err);
    *created_out = PQntuples(r) == 1;
    char rid[24] = "";
    if (*created_out)
        snprintf(rid, sizeof rid, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!*created_out) {
        job_id_out[0] = '\0';
        return FC_OK;
    }
    /* the job is the reminder's dispatch; its payload is the reminder id */
    return fc_jobrec_add(pg, NOTIFY_Q_REMINDERS, job_id_out, rid, s->due_us, err);
}

int notify_store_series_open(fc_pg_t *pg, const char *kind, const char *subject,
                             const char *employee_no, const char *org_code, int64_t every_us,
                             int64_t next_us, int per_period, const char *const *recipients,
                             int n_recipients, const char *vars_json, int *created_out,
                             fc_err_t *err)
{
    char every[24], next[24];
    s_i64(every, sizeof every, every_us);
    s_i64(next, sizeof next, next_us);
    fc_buf_t rec;
    fc_buf_init(&rec);
    s_arr_text(&rec, recipients, n_recipients);
    const char *p[] = {kind,          subject,      employee_no,
                       org_code,      every,        next,
                       B(per_period), s_text(&rec), vars_json ? vars_json : "{}"};
    long n = 0;
    int rc =
        fc_pg_cmd(pg,
                  "INSERT INTO series (kind, subject, employee_no, org_code, every_us, next_us,"
                  " per_period, recipients, vars) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                  " $8::text[], $9::jsonb) ON CONFLICT (kind, subject) DO UPDATE"
                  " SET open = true, recipients = EXCLUDED.recipients, vars = EXCLUDED.vars"
                  " WHERE NOT series.open",
                  9, p, &n, err);
    fc_buf_fini(&rec);
    *created_out = n > 0;
    return rc;
}

int notify_store_series_close(fc_pg_t *pg, const char *kind, const char *subject, fc_err_t *err)
{
    const char *p[] = {kind, subject};
    return fc_pg_cmd(pg, "UPDATE series SET open = false WHERE kind = $1 AND subject = $2", 2, p,
                     NULL, err);
}

int notify_store_series_due(fc_pg_t *pg, int64_t now_us, int limit, fc_arena_t *arena,
                            notify_series_t **out, int *n_out, fc_err_t *err)
{
    char now[24], lim[16];
    s_i64(now, sizeof now, now_us);
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[] = {now, lim};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT series_id, kind, subject, employee_no, org_code, every_us,"
                             " next_us, seq, vars::text, array_to_json(recipients)::text,"
                             " per_period FROM series WHERE open AND next_us - every_us <= $1"
                             " ORDER BY next_us LIMIT $2 FOR UPDATE SKIP LOCKED",
                             2, p, err);
    if (!r)
        return s_fail(err);
    int n = PQntuples(r);
    notify_series_t *s = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *s);
    for (int i = 0; i < n; i++) {
        s[i].series_id = fc_pg_int(r, i, 0);
        s[i].kind = fc_arena_strdup(arena, PQgetvalue(r, i, 1));
        s[i].subject = fc_arena_strdup(arena, PQgetvalue(r, i, 2));
        s[i].employee_no = fc_arena_strdup(arena, PQgetvalue(r, i, 3));
        s[i].org_code = fc_arena_strdup(arena, PQgetvalue(r, i, 4));
        s[i].every_us = fc_pg_int(r, i, 5);
        s[i].next_us = fc_pg_int(r, i, 6);
        s[i].seq = (int)fc_pg_int(r, i, 7);
        s[i].vars_json = fc_arena_strdup(arena, PQgetvalue(r, i, 8));
        s[i].recipients_json = fc_arena_strdup(arena, PQgetvalue(r, i, 9));
        s[i].per_period = s_bool(r, i, 10);
    }
    *out = s;
    *n_out = n;
    PQclear(r);
    return FC_OK;
}

int notify_store_series_advance(fc_pg_t *pg, int64_t series_id, int seq, int64_t next_us,
                                fc_err_t *err)
{
    char id[24], sq[16], next[24];
    s_i64(id, sizeof id, series_id);
    snprintf(sq, sizeof sq, "%d", seq);
    s_i64(next, sizeof next, next_us);
    const char *p[] = {id, sq, next};
    return fc_pg_cmd(pg, "UPDATE series SET seq = $2, next_us = $3 WHERE series_id = $1", 3, p,
                     NULL, err);
}

int notify_store_schedule_run(fc_pg_t *pg, const char *schedule, const char *period, int64_t now_us,
                              fc_err_t *err)
{
    char now[24];
    s_i64(now, sizeof now, now_us);
    const char *p[] = {schedule, period, now};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO schedule_run (schedule, period, run_us) VALUES ($1, $2, $3)"
                       " ON CONFLICT DO NOTHING",
                       3, p, &n, err);
    if (rc != FC_OK)
        return rc;
    return n == 1 ? FC_OK
                  : fc_err_set(err, FC_EDUP, "period", "schedule %s already ran for %s", schedule,
                               period);
}

static int s_people(PGresult *r, fc_arena_t *arena, notify_leader_t **out, int *n_out)
{
    int n = PQntuples(r);
    notify_leader_t *l = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *l);
    for (int i = 0; i < n; i++) {
        l[i].employee_no = fc_arena_strdup(arena, PQgetvalue(r, i, 0));
        l[i].name = fc_arena_strdup(arena, PQgetvalue(r, i, 1));
        l[i].org_code = fc_arena_strdup(arena, PQgetvalue(r, i, 2));
    }
    *out = l;
    *n_out = n;
    PQclear(r);
    return FC_OK;
}

int notify_store_leaders(fc_pg_t *pg, fc_arena_t *arena, notify_leader_t **out, int *n_out,
                         fc_err_t *err)
{
    PGresult *r = fc_pg_exec(pg,
                             "SELECT employee_no, name, org_code FROM person WHERE leadership_team"
                             " AND health_status <> 7 ORDER BY employee_no",
                             0, NULL, err);
    return r ? s_people(r, arena, out, n_out) : s_fail(err);
}

int notify_store_served(fc_pg_t *pg, const char *org_code, fc_arena_t *arena, notify_leader_t **out,
                        int *n_out, fc_err_t *err)
{
    const char *p[] = {org_code};
    PGresult *r =
        fc_pg_exec(pg,
                   S_DOWN("1") "SELECT p.employee_no, p.name, p.org_code FROM person p"
                               " WHERE EXISTS (SELECT 1 FROM duty_day d"
                               " WHERE d.employee_no = p.employee_no) AND p.health_status <> 7"
                               " AND ($1 = '' OR p.org_code IN (SELECT org_code FROM down))"
                               " ORDER BY p.employee_no",
                   1, p, err);
    return r ? s_people(r, arena, out, n_out) : s_fail(err);
}

int notify_store_jobs_pending(fc_pg_t *pg, const char *const *ids, int n, fc_arena_t *arena,
                              notify_job_row_t **out, int *n_out, fc_err_t *err)
{
    fc_buf_t a;
    fc_buf_init(&a);
    s_arr_text(&a, ids, n);
    const char *p[] = {s_text(&a)};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT job_id, queue, payload, run_at_us FROM jobs"
                             " WHERE job_id = ANY($1::text[]) AND state = 'pending'",
                             1, p, err);
    fc_buf_fini(&a);
    if (!r)
        return s_fail(err);
    int k = PQntuples(r);
    notify_job_row_t *rows = fc_arena_alloc(arena, (size_t)(k ? k : 1) * sizeof *rows);
    for (int i = 0; i < k; i++) {
        rows[i].job_id = fc_arena_strdup(arena, PQgetvalue(r, i, 0));
        rows[i].queue = fc_arena_strdup(arena, PQgetvalue(r, i, 1));
        rows[i].payload = fc_arena_strdup(arena, PQgetvalue(r, i, 2));
        rows[i].run_at_us = fc_pg_int(r, i, 3);
    }
    *out = rows;
    *n_out = k;
    PQclear(r);
    return FC_OK;
}

/* ---- the worker's batches ---------------------------------------------------------------- */

int notify_store_reminders_claim(fc_pg_t *pg, const char *const *job_ids, int n, fc_arena_t *arena,
                                 notify_reminder_row_t **out, int *n_out, fc_err_t *err)
{
    fc_buf_t a;
    fc_buf_init(&a);
    s_arr_text(&a, job_ids, n);
    const char *p[] = {s_text(&a)};
    /* the same lock fc_jobrec_claim takes, for a whole batch at once */
    PGresult *r = fc_pg_exec(pg,
                             "SELECT j.job_id, r.reminder_id, coalesce(r.task_id, 0), r.kind,"
                             " r.subject, r.period, r.employee_no, r.org_code, r.due_us, r.urgent,"
                             " r.escalation, coalesce(t.state, ''), r.vars::text,"
                             " array_to_json(r.recipients)::text"
                             " FROM jobs j JOIN reminder r ON r.job_id = j.job_id"
                             " LEFT JOIN task t ON t.task_id = r.task_id"
                             " WHERE j.job_id = ANY($1::text[]) AND j.state = 'pending'"
                             " AND r.state = 'scheduled' ORDER BY r.reminder_id"
                             " FOR UPDATE OF j, r",
                             1, p, err);
    fc_buf_fini(&a);
    if (!r)
        return s_fail(err);
    int k = PQntuples(r);
    notify_reminder_row_t *rows = fc_arena_alloc(arena, (size_t)(k ? k : 1) * sizeof *rows);
    for (int i = 0; i < k; i++) {
        notify_reminder_row_t *x = &rows[i];
        x->job_id = fc_arena_strdup(arena, PQgetvalue(r, i, 0));
        x->reminder_id = fc_pg_int(r, i, 1);
        x->task_id = fc_pg_int(r, i, 2);
        x->kind = fc_arena_strdup(arena, PQgetvalue(r, i, 3));
        x->subject = fc_arena_strdup(arena, PQgetvalue(r, i, 4));
        x->period = fc_arena_strdup(arena, PQgetvalue(r, i, 5));
        x->employee_no = fc_arena_strdup(arena, PQgetvalue(r, i, 6));
        x->org_code = fc_arena_strdup(arena, PQgetvalue(r, i, 7));
        x->due_us = fc_pg_int(r, i, 8);
        x->urgent = s_bool(r, i, 9);
        x->escalation = s_bool(r, i, 10);
        x->task_state = fc_arena_strdup(arena, PQgetvalue(r, i, 11));
        x->vars_json = fc_arena_strdup(arena, PQgetvalue(r, i, 12));
        x->recipients_json = fc_arena_strdup(arena, PQgetvalue(r, i, 13));
    }
    *out = rows;
    *n_out = k;
    PQclear(r);
    return FC_OK;
}

int notify_store_messages_add(fc_pg_t *pg, notify_message_row_t *rows, int n, int64_t now_us,
                              fc_err_t *err)
{
    if (n == 0)
        return FC_OK;
    fc_buf_t col[11];
    const char **v = fc_xcalloc((size_t)n, sizeof *v);
    int64_t *ids = fc_xcalloc((size_t)n, sizeof *ids);
    for (int c = 0; c < 11; c++)
        fc_buf_init(&col[c]);
    for (int i = 0; i < n; i++)
        ids[i] = rows[i].reminder_id;
    s_arr_i64(&col[0], ids, n);
#define S_COL(c, field)                                                                            \
    do {                                                                                           \
        for (int i = 0; i < n; i++)                                                                \
            v[i] = rows[i].field;                                                                  \
        s_arr_text(&col[c], v, n);                                                                 \
    } while (0)
    S_COL(1, recipient);
    S_COL(2, name);
    S_COL(3, lang);
    S_COL(4, title);
    S_COL(5, body);
    S_COL(6, markdown);
    S_COL(7, sms_template);
    S_COL(8, sms_params);
    S_COL(9, state);
    S_COL(10, error);
    char now[24];
    s_i64(now, sizeof now, now_us);
    const char *p[12];
    for (int c = 0; c < 11; c++)
        p[c] = s_text(&col[c]);
    p[11] = now;
    PGresult *r = fc_pg_exec(
        pg,
        "INSERT INTO message (reminder_id, recipient, recipient_name, lang, title, body, markdown,"
        " sms_template, sms_params, state, error, created_us)"
        " SELECT u.*, $12::bigint FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],"
        " $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]) u"
        " ON CONFLICT (reminder_id, recipient) DO NOTHING"
        " RETURNING message_id, reminder_id, recipient",
        12, p, err);
    int rc = r ? FC_OK : s_fail(err);
    /* rows come back in any order: match them by (reminder, recipient) */
    for (int k = 0; r && k < PQntuples(r); k++) {
        int64_t rid = fc_pg_int(r, k, 1);
        for (int i = 0; i < n; i++)
            if (rows[i].reminder_id == rid && strcmp(rows[i].recipient, PQgetvalue(r, k, 2)) == 0)
                rows[i].message_id = fc_pg_int(r, k, 0);
    }
    PQclear(r);
    for (int c = 0; c < 11; c++)
        fc_buf_fini(&col[c]);
    free(v);
    free(ids);
    return rc;
}

int notify_store_deliveries_add(fc_pg_t *pg, notify_delivery_new_t *rows, int n, int64_t now_us,
                                fc_err_t *err)
{
    if (n == 0)
        return FC_OK;
    fc_buf_t col[7];
    const char **v = fc_xcalloc((size_t)n, sizeof *v);
    int64_t *nums = fc_xcalloc((size_t)n, sizeof *nums);
    for (int c = 0; c < 7; c++)
        fc_buf_init(&col[c]);
    for (int i = 0; i < n; i++)
        nums[i] = rows[i].message_id;
    s_arr_i64(&col[0], nums, n);
    S_COL(1, channel);
    S_COL(2, address);
    S_COL(3, state);
    S_COL(4, error);
    S_COL(5, job_id);
    for (int i = 0; i < n; i++)
        nums[i] = rows[i].next_us;
    s_arr_i64(&col[6], nums, n);
#undef S_COL
    char now[24];
    s_i64(now, sizeof now, now_us);
    const char *p[9];
    for (int c = 0; c < 7; c++)
        p[c] = s_text(&col[c]);
    p[7] = now;
    p[8] = NOTIFY_Q_DELIVERIES;
    PGresult *r = fc_pg_exec(
        pg,
        "WITH d AS (INSERT INTO delivery (message_id, channel, address, state, last_error, job_id,"
        " next_us, created_us) SELECT u.*, $8::bigint FROM unnest($1::bigint[], $2::text[],"
        " $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[]) u"
        " RETURNING delivery_id, job_id, state, next_us),"
        " j AS (INSERT INTO jobs (job_id, queue, payload, run_at_us) SELECT job_id, $9,"
        " delivery_id::text, next_us FROM d WHERE state = 'queued' RETURNING 1)"
        " SELECT delivery_id, job_id FROM d",
        9, p, err);
    int rc = r ? FC_OK : s_fail(err);
    for (int k = 0; r && k < PQntuples(r); k++)
        for (int i = 0; i < n; i++)
            if (strcmp(rows[i].job_id, PQgetvalue(r, k, 1)) == 0)
                rows[i].delivery_id = fc_pg_int(r, k, 0);
    PQclear(r);
    for (int c = 0; c < 7; c++)
        fc_buf_fini(&col[c]);
    free(v);
    free(nums);
    return rc;
}

int notify_store_reminders_finish(fc_pg_t *pg, const int64_t *reminder_ids,
                                  const char *const *states, const char *const *errors, int n,
                                  int64_t now_us, fc_err_t *err)
{
    if (n == 0)
        return FC_OK;
    fc_buf_t a, b, c;
    fc_buf_init(&a);
    fc_buf_init(&b);
    fc_buf_init(&c);
    s_arr_i64(&a, reminder_ids, n);
    s_arr_text(&b, states, n);
    s_arr_text(&c, errors, n);
    char now[24];
    s_i64(now, sizeof now, now_us);
    const char *p[] = {s_text(&a), s_text(&b), s_text(&c), now};
    int rc = fc_pg_cmd(
        pg,
        "WITH u AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, st, err)),"
        " r AS (UPDATE reminder r SET state = u.st, error = u.err,"
        " sent_us = CASE WHEN u.st = 'sent' THEN $4::bigint ELSE r.sent_us END"
        " FROM u WHERE r.reminder_id = u.id RETURNING r.job_id, u.st)"
        " UPDATE jobs j SET state = CASE WHEN r.st = 'cancelled' THEN 'cancelled' ELSE 'done' END,"
        " attempts = j.attempts + 1, finished_at = now() FROM r WHERE j.job_id = r.job_id",
        4, p, NULL, err);
    fc_buf_fini(&a);
    fc_buf_fini(&b);
    fc_buf_fini(&c);
    return rc;
}

int notify_store_deliveries_claim(fc_pg_t *pg, const char *const *job_ids, int n, fc_arena_t *arena,
                                  notify_attempt_row_t **out, int *n_out, fc_err_t *err)
{
    fc_buf_t a;
    fc_buf_init(&a);
    s_arr_text(&a, job_ids, n);
    const char *p[] = {s_text(&a)};
    PGresult *r = fc_pg_exec(
        pg,
        "SELECT j.job_id, j.state, d.delivery_id, d.message_id, m.reminder_id, d.channel,"
        " d.address, d.state, d.attempts, d.lease_us, d.attempt_us, d.in_doubt_resends,"
        " m.recipient, m.recipient_name, m.lang, m.title, m.body, m.markdown, m.sms_template,"
        " m.sms_params, r.kind, r.urgent"
        " FROM jobs j JOIN delivery d ON d.job_id = j.job_id"
        " JOIN message m ON m.message_id = d.message_id"
        " JOIN reminder r ON r.reminder_id = m.reminder_id"
        " WHERE j.job_id = ANY($1::text[]) ORDER BY d.delivery_id FOR UPDATE OF j, d",
        1, p, err);
    fc_buf_fini(&a);
    if (!r)
        return s_fail(err);
    int k = PQntuples(r);
    notify_attempt_row_t *rows = fc_arena_alloc(arena, (size_t)(k ? k : 1) * sizeof *rows);
    for (int i = 0; i < k; i++) {
        notify_attempt_row_t *x = &rows[i];
        x->job_id = fc_arena_strdup(arena, PQgetvalue(r, i, 0));
        x->job_state = fc_arena_strdup(arena, PQgetvalue(r, i, 1));
        x->delivery_id = fc_pg_int(r, i, 2);
        x->message_id = fc_pg_int(r, i, 3);
        x->reminder_id = fc_pg_int(r, i, 4);
        x->channel = fc_arena_strdup(arena, PQgetvalue(r, i, 5));
        x->address = fc_arena_strdup(arena, PQgetvalue(r, i, 6));
        x->state = fc_arena_strdup(arena, PQgetvalue(r, i, 7));
        x->attempts = (int)fc_pg_int(r, i, 8);
        x->lease_us = fc_pg_int(r, i, 9);
        x->attempt_us = fc_pg_int(r, i, 10);
        x->in_doubt_resends = (int)fc_pg_int(r, i, 11);
        x->recipient = fc_arena_strdup(arena, PQgetvalue(r, i, 12));
        x->recipient_name = fc_arena_strdup(arena, PQgetvalue(r, i, 13));
        x->lang = fc_arena_strdup(arena, PQgetvalue(r, i, 14));
        x->title = fc_arena_strdup(arena, PQgetvalue(r, i, 15));
        x->body = fc_arena_strdup(arena, PQgetvalue(r, i, 16));
        x->markdown = fc_arena_strdup(arena, PQgetvalue(r, i, 17));
        x->sms_template = fc_arena_strdup(arena, PQgetvalue(r, i, 18));
        x->sms_params = fc_arena_strdup(arena, PQgetvalue(r, i, 19));
        x->kind = fc_arena_strdup(arena, PQgetvalue(r, i, 20));
        x->urgent = s_bool(r, i, 21);
    }
    *out = rows;
    *n_out = k;
    PQclear(r);
    return FC_OK;
}

int notify_store_mark_sending(fc_pg_t *pg, const int64_t *ids, const int *attempts,
                              const char *const *job_ids, int n, const int64_t *in_doubt,
                              int n_in_doubt, int64_t now_us, int64_t lease_us, int *marked,
                              fc_err_t *err)
{
    for (int i = 0; i < n; i++)
        marked[i] = 0;
    if (n == 0)
        return FC_OK;
    fc_buf_t a, b, c, d;
    fc_buf_init(&a);
    fc_buf_init(&b);
    fc_buf_init(&c);
    fc_buf_init(&d);
    s_arr_i64(&a, ids, n);
    fc_buf_puts(&b, "{");
    for (int i = 0; i < n; i++)
        fc_buf_printf(&b, "%s%d", i ? "," : "", attempts[i]);
    fc_buf_puts(&b, "}");
    s_arr_text(&c, job_ids, n);
    s_arr_i64(&d, in_doubt, n_in_doubt);
    char now[24], lease[24];
    s_i64(now, sizeof now, now_us);
    s_i64(lease, sizeof lease, lease_us);
    const char *p[] = {s_text(&a), s_text(&b), s_text(&c), lease, now, s_text(&d)};
    /* only if nobody attempted or moved it since our claim (attempts and job unchanged) */
    PGresult *r = fc_pg_exec(pg,
                             "UPDATE delivery d SET state = 'sending', attempts = d.attempts + 1,"
                             " lease_us = $4, attempt_us = $5, in_doubt_resends ="
                             " d.in_doubt_resends + CASE WHEN d.delivery_id = ANY($6::bigint[])"
                             " THEN 1 ELSE 0 END"
                             " FROM unnest($1::bigint[], $2::int[], $3::text[]) AS u(id, att, job)"
                             " WHERE d.delivery_id = u.id AND d.attempts = u.att"
                             " AND d.job_id = u.job RETURNING d.delivery_id",
                             6, p, err);
    int rc = r ? FC_OK : s_fail(err);
    for (int k = 0; r && k < PQntuples(r); k++)
        for (int i = 0; i < n; i++)
            if (ids[i] == fc_pg_int(r, k, 0))
                marked[i] = 1;
    PQclear(r);
    fc_buf_fini(&a);
    fc_buf_fini(&b);
    fc_buf_fini(&c);
    fc_buf_fini(&d);
    return rc;
}

int notify_store_delivery_defer(fc_pg_t *pg, int64_t delivery_id, const char *old_job,
                                const char *new_job, int64_t run_at_us, const char *why,
                                fc_err_t *err)
{
    char id[24], at[24];
    s_i64(id, sizeof id, delivery_id);
    s_i64(at, sizeof at, run_at_us);
    const char *p[] = {id, old_job, new_job, at, why, NOTIFY_Q_DELIVERIES};
    return fc_pg_cmd(pg,
                     /* an attempt in doubt stays "sending": the next one asks first */
                     "WITH d AS (UPDATE delivery SET state = CASE WHEN state = 'sending'"
                     " THEN 'sending' ELSE 'queued' END, job_id = $3, next_us = $4,"
                     " last_error = $5, lease_us = 0 WHERE delivery_id = $1"
                     " RETURNING delivery_id),"
                     " o AS (UPDATE jobs SET state = 'done', last_error = $5,"
                     " attempts = attempts + 1, finished_at = now() WHERE job_id = $2"
                     " RETURNING 1)"
                     " INSERT INTO jobs (job_id, queue, payload, run_at_us)"
                     " SELECT $3, $6, delivery_id::text, $4 FROM d",
                     6, p, NULL, err);
}

int notify_store_job_finish(fc_pg_t *pg, const char *job_id, const char *state, const char *why,
                            fc_err_t *err)
{
    return fc_jobrec_finish(pg, job_id, state, why, err);
}

int notify_store_results(fc_pg_t *pg, const notify_result_row_t *rows, int n, int64_t now_us,
                         fc_err_t *err)
{
    if (n == 0)
        return FC_OK;
    fc_buf_t col[8], ib[3];
    const char **v = fc_xcalloc((size_t)n, sizeof *v);
    int64_t *nums = fc_xcalloc((size_t)n, sizeof *nums);
    int rc = FC_OK, n_inbox = 0;
    for (int c = 0; c < 8; c++)
        fc_buf_init(&col[c]);
    for (int c = 0; c < 3; c++)
        fc_buf_init(&ib[c]);
#define S_TCOL(c, field)                                                                           \
    do {                                                                                           \
        for (int i = 0; i < n; i++)                                                                \
            v[i] = rows[i].field ? rows[i].field : "";                                             \
        s_arr_text(&col[c], v, n);                                                                 \
    } while (0)
#define S_NCOL(c, field)                                                                           \
    do {                                                                                           \
        for (int i = 0; i < n; i++)                                                                \
            nums[i] = rows[i].field;                                                               \
        s_arr_i64(&col[c], nums, n);                                                               \
    } while (0)
    S_NCOL(0, delivery_id);
    S_TCOL(1, state);
    S_TCOL(2, error);
    S_TCOL(3, provider_ref);
    S_NCOL(4, sent_us);
    S_NCOL(5, next_us);
    S_TCOL(6, job_id);
    S_TCOL(7, job_state);
#undef S_TCOL
#undef S_NCOL
    const char *p[8];
    for (int c = 0; c < 8; c++)
        p[c] = s_text(&col[c]);
    rc = fc_pg_cmd(
        pg,
        "WITH u AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],"
        " $5::bigint[], $6::bigint[], $7::text[], $8::text[])"
        " AS u(id, st, err, ref, sent, nxt, job, jst)),"
        " d AS (UPDATE delivery d SET state = u.st, last_error = u.err,"
        " provider_ref = CASE WHEN u.ref <> '' THEN u.ref ELSE d.provider_ref END,"
        " sent_us = CASE WHEN u.st = 'sent' THEN u.sent ELSE d.sent_us END, next_us = u.nxt,"
        " lease_us = CASE WHEN u.st = 'sending' THEN 0 ELSE d.lease_us END"
        " FROM u WHERE d.delivery_id = u.id RETURNING 1)"
        " UPDATE jobs j SET state = u.jst, last_error = NULLIF(u.err, ''),"
        " attempts = j.attempts + 1,"
        " finished_at = CASE WHEN u.jst <> 'pending' THEN now() END,"
        " run_at_us = CASE WHEN u.jst = 'pending' THEN u.nxt ELSE j.run_at_us END"
        " FROM u WHERE j.job_id = u.job",
        8, p, NULL, err);
    if (rc != FC_OK)
        goto out;
    /* the inbox channel's effect, in the same transaction as its "sent" */
    int64_t *mids = fc_xcalloc((size_t)n, sizeof *mids);
    for (int i = 0; i < n; i++) {
        if (!rows[i].inbox)
            continue;
        nums[n_inbox] = rows[i].delivery_id;
        mids[n_inbox] = rows[i].message_id;
        v[n_inbox++] = rows[i].recipient;
    }
    if (n_inbox) {
        s_arr_i64(&ib[0], nums, n_inbox);
        s_arr_i64(&ib[1], mids, n_inbox);
        s_arr_text(&ib[2], v, n_inbox);
        char now[24];
        s_i64(now, sizeof now, now_us);
        const char *ip[] = {s_text(&ib[0]), s_text(&ib[1]), s_text(&ib[2]), now};
        rc = fc_pg_cmd(pg,
                       "INSERT INTO inbox_item (delivery_id, message_id, recipient, created_us)"
                       " SELECT u.*, $4::bigint FROM unnest($1::bigint[], $2::bigint[],"
                       " $3::text[]) u ON CONFLICT (delivery_id) DO NOTHING",
                       4, ip, NULL, err);
    }
    free(mids);
out:
    for (int c = 0; c < 8; c++)
        fc_buf_fini(&col[c]);
    for (int c = 0; c < 3; c++)
        fc_buf_fini(&ib[c]);
    free(v);
    free(nums);
    return rc;
}

/* ---- queries ------------------------------------------------------------------------------ */

int notify_store_status(fc_pg_t *pg, const Fc__V1__StatusRequest *req, const char *scope,
                        fc_arena_t *arena, Fc__V1__StatusReply *out, fc_err_t *err)
{
    char lim[16], rid[24];
    snprintf(lim, sizeof lim, "%d", req->limit > 0 && req->limit <= 1000 ? req->limit : 50);
    s_i64(rid, sizeof rid, req->reminder_id);
    const char *p[] = {scope, req->recipient, req->kind, req->subject, req->state, rid, lim};
    PGresult *r = NULL, *d = NULL, *c = NULL;
    int rc = FC_OK;
    fc_buf_t ids;
    fc_buf_init(&ids);
    r = fc_pg_exec(
        pg,
        S_DOWN("1") "SELECT m.message_id, m.reminder_id, r.kind, r.subject, r.period, m.recipient,"
                    " m.recipient_name, m.lang, m.title, m.body, m.state, m.error, m.created_us,"
                    " coalesce(r.task_id, 0) FROM message m JOIN reminder r USING (reminder_id)"
                    " WHERE ($1 = '' OR r.org_code IN (SELECT org_code FROM down))"
                    " AND ($2 = '' OR m.recipient = $2) AND ($3 = '' OR r.kind = $3)"
                    " AND ($4 = '' OR r.subject = $4)"
                    " AND ($5 = '' OR EXISTS (SELECT 1 FROM delivery x WHERE x.message_id = "
                    "m.message_id"
                    " AND x.state = $5) OR ($5 = 'failed' AND m.state = 'failed'))"
                    " AND ($6::bigint = 0 OR m.reminder_id = $6::bigint)" S_MAY_SEE_MESSAGE
                    " ORDER BY m.message_id DESC LIMIT $7",
        7, p, err);
    if (!r) {
        rc = s_fail(err);
        goto out;
    }
    int n = PQntuples(r);
    out->messages = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *out->messages);
    out->n_messages = (size_t)n;
    fc_buf_puts(&ids, "{");
    for (int i = 0; i < n; i++) {
        Fc__V1__Message *m = fc_arena_alloc(arena, sizeof *m);
        fc__v1__message__init(m);
        m->message_id = fc_pg_int(r, i, 0);
        m->reminder_id = fc_pg_int(r, i, 1);
        m->kind = fc_arena_strdup(arena, PQgetvalue(r, i, 2));
        m->subject = fc_arena_strdup(arena, PQgetvalue(r, i, 3));
        m->period = fc_arena_strdup(arena, PQgetvalue(r, i, 4));
        m->recipient = fc_arena_strdup(arena, PQgetvalue(r, i, 5));
        m->recipient_name = fc_arena_strdup(arena, PQgetvalue(r, i, 6));
        m->lang = fc_arena_strdup(arena, PQgetvalue(r, i, 7));
        m->title = fc_arena_strdup(arena, PQgetvalue(r, i, 8));
        m->body = fc_arena_strdup(arena, PQgetvalue(r, i, 9));
        m->state = fc_arena_strdup(arena, PQgetvalue(r, i, 10));
        m->error = fc_arena_strdup(arena, PQgetvalue(r, i, 11));
        m->created_us = fc_pg_int(r, i, 12);
        m->task_id = fc_pg_int(r, i, 13);
        out->messages[i] = m;
        fc_buf_printf(&ids, "%s%" PRId64, i ? "," : "", m->message_id);
    }
    fc_buf_puts(&ids, "}");
    const char *dp[] = {s_text(&ids)};
    d = fc_pg_exec(pg,
                   "SELECT message_id, delivery_id, channel, address, state, attempts, last_error,"
                   " sent_us, next_us, provider_ref, in_doubt_resends FROM delivery"
                   " WHERE message_id = ANY($1::bigint[]) ORDER BY delivery_id",
                   1, dp, err);
    if (!d) {
        rc = s_fail(err);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        Fc__V1__Message *m = out->messages[i];
        int k = 0;
        for (int j = 0; j < PQntuples(d); j++)
            k += fc_pg_int(d, j, 0) == m->message_id;
        m->deliveries = fc_arena_alloc(arena, (size_t)(k ? k : 1) * sizeof *m->deliveries);
        for (int j = 0; j < PQntuples(d); j++) {
            if (fc_pg_int(d, j, 0) != m->message_id)
                continue;
            Fc__V1__Delivery *x = fc_arena_alloc(arena, sizeof *x);
            fc__v1__delivery__init(x);
            x->delivery_id = fc_pg_int(d, j, 1);
            x->channel = fc_arena_strdup(arena, PQgetvalue(d, j, 2));
            x->address = fc_arena_strdup(arena, PQgetvalue(d, j, 3));
            x->state = fc_arena_strdup(arena, PQgetvalue(d, j, 4));
            x->attempts = (int32_t)fc_pg_int(d, j, 5);
            x->last_error = fc_arena_strdup(arena, PQgetvalue(d, j, 6));
            x->sent_us = fc_pg_int(d, j, 7);
            x->next_us = fc_pg_int(d, j, 8);
            x->provider_ref = fc_arena_strdup(arena, PQgetvalue(d, j, 9));
            x->in_doubt_resends = (int32_t)fc_pg_int(d, j, 10);
            m->deliveries[m->n_deliveries++] = x;
        }
    }
    c = fc_pg_exec(pg,
                   "SELECT count(*) FILTER (WHERE state = 'queued'),"
                   " count(*) FILTER (WHERE state = 'sending'),"
                   " count(*) FILTER (WHERE state = 'sent'),"
                   " count(*) FILTER (WHERE state = 'failed'),"
                   " count(*) FILTER (WHERE state = 'dead'),"
                   " (SELECT count(*) FROM reminder WHERE state = 'scheduled'),"
                   " (SELECT count(*) FROM message WHERE state = 'failed') FROM delivery",
                   0, NULL, err);
    if (!c) {
        rc = s_fail(err);
        goto out;
    }
    out->queued = fc_pg_int(c, 0, 0);
    out->sending = fc_pg_int(c, 0, 1);
    out->sent = fc_pg_int(c, 0, 2);
    out->failed = fc_pg_int(c, 0, 3);
    out->dead = fc_pg_int(c, 0, 4);
    out->reminders_scheduled = fc_pg_int(c, 0, 5);
    out->messages_failed = fc_pg_int(c, 0, 6);
out:
    PQclear(r);
    PQclear(d);
    PQclear(c);
    fc_buf_fini(&ids);
    return rc;
}

int notify_store_inbox(fc_pg_t *pg, const Fc__V1__InboxRequest *req, int64_t now_us,
                       fc_arena_t *arena, Fc__V1__InboxReply *out, fc_err_t *err)
{
    char lim[16], now[24];
    snprintf(lim, sizeof lim, "%d", req->limit > 0 && req->limit <= 1000 ? req->limit : 50);
    s_i64(now, sizeof now, now_us);
    const char *p[] = {req->recipient, B(req->unread_only), lim};
    PGresult *r =
        fc_pg_exec(pg,
                   "SELECT i.inbox_id, i.message_id, r.kind, m.title, m.body,"
                   " i.created_us, i.read_us <> 0,"
                   " (SELECT count(*) FROM inbox_item WHERE recipient = $1 AND read_us = 0)"
                   " FROM inbox_item i JOIN message m ON m.message_id = i.message_id"
                   " JOIN reminder r ON r.reminder_id = m.reminder_id"
                   " WHERE i.recipient = $1 AND (NOT $2::boolean OR i.read_us = 0)"
                   " ORDER BY i.inbox_id DESC LIMIT $3",
                   3, p, err);
    if (!r)
        return s_fail(err);
    int n = PQntuples(r);
    fc_buf_t ids;
    fc_buf_init(&ids);
    fc_buf_puts(&ids, "{");
    out->items = fc_arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *out->items);
    out->n_items = (size_t)n;
    for (int i = 0; i < n; i++) {
        Fc__V1__InboxItem *x = fc_arena_alloc(arena, sizeof *x);
        fc__v1__inbox_item__init(x);
        x->inbox_id = fc_pg_int(r, i, 0);
        x->message_id = fc_pg_int(r, i, 1);
        x->kind = fc_arena_strdup(arena, PQgetvalue(r, i, 2));
        x->title = fc_arena_strdup(arena, PQgetvalue(r, i, 3));
        x->body = fc_arena_strdup(arena, PQgetvalue(r, i, 4));
        x->at_us = fc_pg_int(r, i, 5);
        x->read = s_bool(r, i, 6);
        out->items[i] = x;
        fc_buf_printf(&ids, "%s%" PRId64, i ? "," : "", x->inbox_id);
    }
    fc_buf_puts(&ids, "}");
    out->unread = n ? fc_pg_int(r, 0, 7) : 0;
    PQclear(r);
    int rc = FC_OK;
    if (req->mark_read && n) {
        /* idempotent: marking read again changes nothing */
        const char *mp[] = {s_text(&ids), now};
        long k = 0;
        rc = fc_pg_cmd(pg,
                       "UPDATE inbox_item SET read_us = $2 WHERE inbox_id = ANY($1::bigint[])"
                       " AND read_us = 0",
                       2, mp, &k, err);
        if (rc == FC_OK)
            out->unread -= k;
    }
    fc_buf_fini(&ids);
    return rc;
}

int notify_store_recipient_org(fc_pg_t *pg, const char *recipient, char *org_out, size_t n,
                               fc_err_t *err)
{
    if (recipient[0] == '@') {
        snprintf(org_out, n, "%s", recipient + 1);
        return FC_OK;
    }
    const char *p[] = {recipient};
    PGresult *r = fc_pg_exec(pg, "SELECT org_code FROM person WHERE employee_no = $1", 1, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, "recipient", "工号“%s”不在通知名册中", recipient);
    else
        snprintf(org_out, n, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

int notify_store_retry(fc_pg_t *pg, int64_t delivery_id, int64_t now_us, char *job_out,
                       fc_arena_t *arena, Fc__V1__Delivery **out, fc_err_t *err)
{
    char id[24], now[24];
    s_i64(id, sizeof id, delivery_id);
    s_i64(now, sizeof now, now_us);
    const char *p[] = {id};
    PGresult *r =
        fc_pg_exec(pg, "SELECT state FROM delivery WHERE delivery_id = $1 FOR UPDATE", 1, p, err);
    if (!r)
        return s_fail(err);
    int rc = FC_OK;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, "delivery_id", "投递 %" PRId64 " 不存在", delivery_id);
    else if (strcmp(PQgetvalue(r, 0, 0), "dead") != 0)
        rc = fc_err_set(err, FC_ECONFLICT, "delivery_id",
                        "投递 %" PRId64 " 的状态是 %s，只有 dead 可以重试", delivery_id,
                        PQgetvalue(r, 0, 0));
    PQclear(r);
    if (rc != FC_OK)
        return rc;
    fc_id_new(job_out);
    const char *up[] = {id, job_out, now, NOTIFY_Q_DELIVERIES};
    r = fc_pg_exec(pg,
                   "WITH d AS (UPDATE delivery SET state = 'queued', attempts = 0, job_id = $2,"
                   " next_us = $3, last_error = '', lease_us = 0 WHERE delivery_id = $1"
                   " RETURNING delivery_id, channel, address, state, attempts, next_us),"
                   " j AS (INSERT INTO jobs (job_id, queue, payload, run_at_us)"
                   " SELECT $2, $4, delivery_id::text, $3 FROM d RETURNING 1)"
                   " SELECT * FROM d",
                   4, up, err);
    if (!r)
        return s_fail(err);
    Fc__V1__Delivery *x = fc_arena_alloc(arena, sizeof *x);
    fc__v1__delivery__init(x);
    x->delivery_id = fc_pg_int(r, 0, 0);
    x->channel = fc_arena_strdup(arena, PQgetvalue(r, 0, 1));
    x->address = fc_arena_strdup(arena, PQgetvalue(r, 0, 2));
    x->state = fc_arena_strdup(arena, PQgetvalue(r, 0, 3));
    x->attempts = (int32_t)fc_pg_int(r, 0, 4);
    x->next_us = fc_pg_int(r, 0, 5);
    x->last_error = "";
    x->provider_ref = "";
    *out = x;
    PQclear(r);
    return FC_OK;
}
