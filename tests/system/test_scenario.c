/* test_scenario: the demo's scenario, smaller, played through every real service (fc-gen →
 * fcctl import → fcctl play on a file clock), then checked against invariants computed here
 * independently from the generated input and the policy files — never from the services'
 * own figures:
 *   1. every incident that calls for a visit got its visit reminder sent within 24 h;
 *   2. no couple is rostered on the same day without a recorded override;
 *   3. everybody who went past a workload threshold got a forced rest within a day, and no
 *      forced rest was ordered without a threshold passed;
 *   4. every duty day was paid once, at its post's rate;
 *   5. the ledger checker passes;
 *   6. every reminder was sent once: one message per reminder and recipient, and the file sink
 *      holds every sent file delivery exactly once;
 *   7. every figure of the weekly report checked here (frontline headcount, person-days, duty
 *      periods and minutes; incidents by kind; visits in time, late and overdue; weekly
 *      reports expected, on time, late, missing) matches what the script implies.
 * Prints a table of the invariants and their results. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <signal.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_mem.h"

enum { S_PEOPLE = 400, S_SUBS = 2, S_POSTS = 12, S_WEEKS = 2, S_MAX_PERIODS = 20000 };
#define S_START "2026-11-02"
#define S_H ((int64_t)3600 * FC_US_PER_S)

typedef struct {
    char emp[16], sub[8];
    int spouse;   /* index or -1 */
    int leader;
} s_person_t;

typedef struct {
    int person, risk;
    char post[16];
    int64_t start, end;
} s_period_t;

typedef struct {
    int person, ref; /* ref: the script's "I<ref>" */
    char kind[16];
    int64_t at, visited; /* visited: the task_done's time, 0 if never */
    long long id;        /* intake's id, looked up after the play */
} s_incident_t;

typedef struct {
    int person;
    char week[12];
    int64_t at;
} s_weekly_t;

/* the scenario as the script says it happened */
static struct {
    char dir[256];
    s_person_t people[S_PEOPLE];
    char post_code[S_POSTS * 4][16];
    int post_risk[S_POSTS * 4];
    int nposts;
    s_period_t *periods;
    int nperiods;
    s_incident_t incidents[512];
    int nincidents;
    s_weekly_t weekly[256];
    int nweekly;
    int failures;
} S;

static void s_result(const char *invariant, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void s_result(const char *invariant, int ok, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    printf("  %-44s %-4s %s\n", invariant, ok ? "ok" : "FAIL", detail);
    S.failures += !ok;
}

static int s_person_index(const char *emp)
{
    int i = emp && emp[0] == 'E' ? atoi(emp + 1) - 1 : -1;
    return i >= 0 && i < S_PEOPLE ? i : -1;
}

static int s_post_index(const char *code)
{
    for (int i = 0; i < S.nposts; i++)
        if (strcmp(S.post_code[i], code) == 0)
            return i;
    return -1;
}

static json_t *s_json_file(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j)
        fail_msg("%s: %s (line %d)", path, e.text, e.line);
    return j;
}

/* Splits a line of fc-gen's CSV (no quoting: fc-gen writes none) into at most n fields. */
static int s_split(char *line, char **f, int n)
{
    int k = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; k < n;) {
        f[k++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return k;
}

static void s_read_input(void)
{
    char path[512], line[1024];
    char *f[16];
    snprintf(path, sizeof path, "%s/people.csv", S.dir);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    assert_non_null(fgets(line, sizeof line, in)); /* header */
    while (fgets(line, sizeof line, in))
        if (s_split(line, f, 16) >= 12) {
            int i = s_person_index(f[0]);
            assert_true(i >= 0);
            s_person_t *p = &S.people[i];
            snprintf(p->emp, sizeof p->emp, "%s", f[0]);
            snprintf(p->sub, sizeof p->sub, "%.3s", f[3]);
            p->leader = atoi(f[6]);
            p->spouse = f[11][0] ? s_person_index(f[11]) : -1;
        }
    fclose(in);
    snprintf(path, sizeof path, "%s/posts.csv", S.dir);
    in = fopen(path, "r");
    assert_non_null(in);
    assert_non_null(fgets(line, sizeof line, in));
    while (fgets(line, sizeof line, in) && S.nposts < S_POSTS * 4)
        if (s_split(line, f, 8) >= 5) {
            snprintf(S.post_code[S.nposts], sizeof S.post_code[0], "%s", f[0]);
            S.post_risk[S.nposts++] = atoi(f[4]);
        }
    fclose(in);

    /* the script: duty periods, incidents with their visits, weekly reports */
    S.periods = fc_xcalloc(S_MAX_PERIODS, sizeof *S.periods);
    int open[S_PEOPLE];
    for (int i = 0; i < S_PEOPLE; i++)
        open[i] = -1;
    snprintf(path, sizeof path, "%s/events.jsonl", S.dir);
    in = fopen(path, "r");
    assert_non_null(in);
    char big[4096];
    while (fgets(big, sizeof big, in)) {
        json_t *e = json_loads(big, 0, NULL);
        assert_non_null(e);
        const char *type = json_string_value(json_object_get(e, "type"));
        int64_t at;
        assert_int_equal(fc_time_parse(json_string_value(json_object_get(e, "at")), &at, NULL),
                         FC_OK);
        int who = s_person_index(json_string_value(json_object_get(e, "employee_no")));
        if (strcmp(type, "duty_in") == 0) {
            assert_true(who >= 0 && S.nperiods < S_MAX_PERIODS);
            s_period_t *d = &S.periods[S.nperiods];
            d->person = who;
            snprintf(d->post, sizeof d->post, "%s",
                     json_string_value(json_object_get(e, "post_code")));
            int pi = s_post_index(d->post);
            assert_true(pi >= 0);
            d->risk = S.post_risk[pi];
            d->start = at;
            open[who] = S.nperiods++;
        } else if (strcmp(type, "duty_out") == 0) {
            assert_true(who >= 0 && open[who] >= 0);
            S.periods[open[who]].end = at;
            open[who] = -1;
        } else if (strcmp(type, "incident") == 0) {
            assert_true(S.nincidents < 512);
            s_incident_t *x = &S.incidents[S.nincidents++];
            x->person = who;
            x->ref = atoi(json_string_value(json_object_get(e, "ref")) + 1);
            snprintf(x->kind, sizeof x->kind, "%s", json_string_value(json_object_get(e, "kind")));
            x->at = at;
        } else if (strcmp(type, "task_done") == 0) {
            /* "incident:${I7}": the incident whose ref is I7, earlier in the script */
            const char *subj = json_string_value(json_object_get(e, "subject"));
            const char *ref = subj ? strstr(subj, "${I") : NULL;
            int k = 0;
            while (ref && k < S.nincidents && S.incidents[k].ref != atoi(ref + 3))
                k++;
            assert_true(ref && k < S.nincidents);
            S.incidents[k].visited = at;
        } else if (strcmp(type, "weekly_report") == 0) {
            assert_true(S.nweekly < 256);
            s_weekly_t *w = &S.weekly[S.nweekly++];
            w->person = who;
            snprintf(w->week, sizeof w->week, "%s",
                     json_string_value(json_object_get(e, "iso_week")));
            w->at = at;
        }
        json_decref(e);
    }
    fclose(in);
}

/* ---- 1. visit reminders ------------------------------------------------------------------ */
static int s_calls_for_visit(const char *kind)
{
    return strcmp(kind, "quarantined") != 0; /* notify policy incident_visit.kinds */
}

static void s_check_visit_reminders(void)
{
    int due = 0, in_time = 0;
    char sql[512];
    for (int k = 0; k < S.nincidents; k++) {
        s_incident_t *x = &S.incidents[k];
        snprintf(sql, sizeof sql,
                 "SELECT id FROM intake.incident WHERE employee_no = '%s' AND kind = '%s'"
                 " AND at = to_timestamp(%" PRId64 " / 1e6)",
                 S.people[x->person].emp, x->kind, x->at);
        x->id = fc_h_scalar(sql);
        if (!s_calls_for_visit(x->kind))
            continue;
        due++;
        snprintf(sql, sizeof sql,
                 "SELECT coalesce(min(d.sent_us), 0) FROM notify.reminder r"
                 " JOIN notify.message m USING (reminder_id)"
                 " JOIN notify.delivery d USING (message_id)"
                 " WHERE r.kind = 'incident_visit' AND r.subject = 'incident:%lld'"
                 " AND d.state = 'sent'",
                 x->id);
        long long sent = fc_h_scalar(sql);
        in_time += x->id > 0 && sent > 0 && sent <= x->at + 24 * S_H;
    }
    s_result("visit reminder within 24 h of each incident", due > 0 && in_time == due,
             "%d of %d incidents", in_time, due);
}

/* ---- 2. couples -------------------------------------------------------------------------- */
static void s_check_couples(void)
{
    PGresult *r = PQexec(fc_h_db(),
                         "SELECT DISTINCT employee_no, day::text FROM rotation.roster_assignment"
                         " WHERE removed_rev IS NULL AND superseded_by IS NULL");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    int n = PQntuples(r), both = 0, overridden = 0, couples_rostered = 0;
    char first[96] = "";
    for (int i = 0; i < n; i++) {
        int p = s_person_index(PQgetvalue(r, i, 0));
        if (p < 0 || S.people[p].spouse < p) /* each couple once, from the lower index */
            continue;
        const char *day = PQgetvalue(r, i, 1);
        couples_rostered++;
        for (int j = 0; j < n; j++)
            if (s_person_index(PQgetvalue(r, j, 0)) == S.people[p].spouse &&
                strcmp(PQgetvalue(r, j, 1), day) == 0) {
                both++;
                char sql[256];
                snprintf(sql, sizeof sql,
                         "SELECT count(*) FROM rotation.spouse_override WHERE '%s' BETWEEN"
                         " from_day AND to_day AND '%s' IN (employee_a, employee_b)",
                         day, S.people[p].emp);
                int ok = fc_h_scalar(sql) > 0;
                overridden += ok;
                if (!ok && !first[0])
                    snprintf(first, sizeof first, "; first: %s and %s on %s", S.people[p].emp,
                             S.people[S.people[p].spouse].emp, day);
            }
    }
    PQclear(r);
    s_result("no couple on duty the same day w/o override", both == overridden,
             "%d couple-days rostered together, %d with an override (%d days of spouses rostered)%s",
             both, overridden, couples_rostered, first);
}

/* ---- 3. thresholds and forced rests ---------------------------------------------------- */
static void s_check_forced_rest(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/infra/policy/rotation.json", getenv("FC_REPO_DIR"));
    json_t *pol = s_json_file(path), *t = json_object_get(pol, "thresholds");
    int64_t max_day = json_integer_value(json_object_get(t, "max_hours_day")) * 60;
    int64_t max_7d = json_integer_value(json_object_get(t, "max_hours_7d")) * 60;
    int64_t max_run = json_integer_value(json_object_get(t, "max_consecutive_days"));
    json_decref(pol);
    /* minutes per person and local day (fc-gen's periods never cross midnight) */
    int64_t day0 = 0;
    fc_time_parse(S_START "T00:00:00+08:00", &day0, NULL);
    day0 = fc_time_local_day(day0);
    enum { D = S_WEEKS * 7 + 1 };
    static int64_t minutes[S_PEOPLE][D];
    static int64_t last_end[S_PEOPLE][D];
    memset(minutes, 0, sizeof minutes);
    memset(last_end, 0, sizeof last_end);
    for (int k = 0; k < S.nperiods; k++) {
        s_period_t *d = &S.periods[k];
        int64_t day = fc_time_local_day(d->start) - day0;
        if (!d->end || day < 0 || day >= D)
            continue;
        minutes[d->person][day] += (d->end - d->start) / (60 * FC_US_PER_S);
        if (d->end > last_end[d->person][day])
            last_end[d->person][day] = d->end;
    }
    int over = 0, rested = 0, unjustified = 0;
    char sql[512];
    for (int p = 0; p < S_PEOPLE; p++) {
        int run = 0;
        int64_t first_over = 0;
        for (int day = 0; day < D && !first_over; day++) {
            run = minutes[p][day] ? run + 1 : 0;
            int64_t week = 0;
            for (int k = day; k >= 0 && k > day - 7; k--)
                week += minutes[p][k];
            if (minutes[p][day] > max_day || week > max_7d || run > max_run)
                first_over = last_end[p][day];
        }
        snprintf(sql, sizeof sql, "SELECT count(*) FROM rotation.forced_rest WHERE employee_no = '%s'",
                 S.people[p].emp);
        long long rests = fc_h_scalar(sql);
        if (!first_over) {
            unjustified += rests > 0;
            continue;
        }
        over++;
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM rotation.forced_rest WHERE employee_no = '%s' AND"
                 " from_us BETWEEN %" PRId64 " AND %" PRId64,
                 S.people[p].emp, (int64_t)(first_over - 24 * S_H), (int64_t)(first_over + 24 * S_H));
        rested += fc_h_scalar(sql) > 0;
    }
    s_result("past a threshold -> forced rest within a day", over > 0 && rested == over,
             "%d of %d people past a threshold", rested, over);
    s_result("no forced rest without a threshold passed", unjustified == 0,
             "%d people rested without reason", unjustified);
}

/* ---- 4. subsidies ------------------------------------------------------------------------ */
static void s_check_subsidies(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/infra/policy/welfare.json", getenv("FC_REPO_DIR"));
    json_t *pol = s_json_file(path);
    json_t *fs = json_object_get(json_object_get(pol, "kinds"), "frontline_subsidy");
    int64_t min_minutes = json_integer_value(json_object_get(fs, "min_minutes"));
    json_t *rate = json_object_get(fs, "by_risk_class");
    int expected = 0, right = 0;
    long long expected_fen = 0;
    char sql[512];
    for (int k = 0; k < S.nperiods; k++) {
        s_period_t *d = &S.periods[k];
        if (!d->end || (d->end - d->start) / (60 * FC_US_PER_S) < min_minutes)
            continue;
        char risk[4], day[16];
        snprintf(risk, sizeof risk, "%d", d->risk);
        int64_t want = json_integer_value(json_object_get(rate, risk));
        int y, m, dd;
        fc_civil_from_days(fc_time_local_day(d->start), &y, &m, &dd);
        snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, dd);
        expected++;
        expected_fen += want;
        snprintf(sql, sizeof sql,
                 "SELECT CASE WHEN count(*) = 1 AND min(amount) = %" PRId64 " THEN 1 ELSE 0 END"
                 " FROM welfare.disbursement WHERE kind = 'frontline_subsidy' AND state = 'paid'"
                 " AND employee_no = '%s' AND duty_day = '%s'",
                 want, S.people[d->person].emp, day);
        right += fc_h_scalar(sql) == 1;
    }
    json_decref(pol);
    long long paid = fc_h_scalar("SELECT count(*) FROM welfare.disbursement"
                                 " WHERE kind = 'frontline_subsidy' AND state = 'paid'");
    long long fen = fc_h_scalar("SELECT coalesce(sum(amount), 0) FROM welfare.disbursement"
                                " WHERE kind = 'frontline_subsidy' AND state = 'paid'");
    s_result("every duty day paid once at its rate",
             expected > 0 && right == expected && paid == expected && fen == expected_fen,
             "%d of %d days right; %lld paid, %lld fen (want %lld)", right, expected, paid, fen,
             expected_fen);
}

/* ---- 6. reminders once ------------------------------------------------------------------- */
static void s_check_reminders_once(const char *sink)
{
    long long dup_messages = fc_h_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM notify.message GROUP BY reminder_id, recipient"
        " HAVING count(*) > 1) x");
    PGresult *r = PQexec(fc_h_db(), "SELECT delivery_id FROM notify.delivery"
                                    " WHERE channel = 'file' AND state = 'sent'");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    int sent = PQntuples(r);
    long long max_id = fc_h_scalar("SELECT coalesce(max(delivery_id), 0) FROM notify.delivery");
    int *seen = fc_xcalloc((size_t)max_id + 1, sizeof *seen);
    FILE *in = fopen(sink, "r");
    assert_non_null(in);
    char line[16384];
    int lines = 0, twice = 0, missing = 0;
    while (fgets(line, sizeof line, in)) {
        json_t *j = json_loads(line, 0, NULL);
        long long id = json_integer_value(json_object_get(j, "delivery_id"));
        json_decref(j);
        lines++;
        if (id > 0 && id <= max_id && seen[id]++)
            twice++;
    }
    fclose(in);
    for (int i = 0; i < sent; i++)
        missing += !seen[atoll(PQgetvalue(r, i, 0))];
    PQclear(r);
    free(seen);
    s_result("every reminder sent once", sent > 0 && dup_messages == 0 && twice == 0 && missing == 0,
             "%d file deliveries sent, %d lines in the sink, %d twice, %d missing, %lld duplicate"
             " messages",
             sent, lines, twice, missing, dup_messages);
}

/* ---- 7. the weekly report ---------------------------------------------------------------- */
static json_t *s_row(json_t *report, const char *section, const char *unit)
{
    size_t i, k, n;
    json_t *s, *t, *row;
    json_array_foreach(json_object_get(report, "sections"), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "key")), section) != 0)
            continue;
        json_array_foreach(json_object_get(s, "tables"), k, t)
        {
            if (strcmp(json_string_value(json_object_get(t, "key")), "by_unit") != 0)
                continue;
            json_array_foreach(json_object_get(t, "rows"), n, row)
            {
                if (strcmp(json_string_value(json_object_get(row, "unit")), unit) == 0)
                    return row;
            }
        }
    }
    return NULL;
}

static int s_cmp(json_t *row, const char *col, long long want, const char *where, char *why,
                 size_t n)
{
    json_t *v = json_object_get(row, col);
    long long got = v && json_is_integer(v) ? json_integer_value(v) : -1;
    if (got == want)
        return 1;
    if (!why[0])
        snprintf(why, n, "%s %s: report %lld, script %lld", where, col, got, want);
    return 0;
}

static void s_check_report(void)
{
    int64_t week0;
    fc_time_parse(S_START "T00:00:00+08:00", &week0, NULL);
    int checked = 0, matched = 0;
    char why[256] = "";
    for (int w = 0; w < S_WEEKS; w++) {
        int64_t from = week0 + (int64_t)w * 7 * 24 * S_H, to = from + 7 * 24 * S_H;
        int y, wk;
        fc_iso_week(fc_time_local_day(from), &y, &wk);
        char week[16], path[512];
        snprintf(week, sizeof week, "%04d-W%02d", y, wk);
        snprintf(path, sizeof path, "%s/report-%s.json", S.dir, week);
        assert_int_equal(fc_h_fcctl(NULL, "report weekly --week %s --format json -o %s", week,
                                    path),
                         0);
        json_t *rep = s_json_file(path);
        for (int s = 1; s <= S_SUBS; s++) {
            char sub[8];
            snprintf(sub, sizeof sub, "S%02d", s);
            /* frontline */
            int heads = 0, periods = 0, person_days = 0;
            long long minutes = 0;
            static int seen_person[S_PEOPLE];
            static char seen_day[S_PEOPLE][8];
            memset(seen_person, 0, sizeof seen_person);
            memset(seen_day, 0, sizeof seen_day);
            for (int k = 0; k < S.nperiods; k++) {
                s_period_t *d = &S.periods[k];
                if (strcmp(S.people[d->person].sub, sub) != 0 || !d->end || d->start >= to ||
                    d->end <= from)
                    continue;
                periods++;
                minutes += (d->end - d->start) / (60 * FC_US_PER_S);
                heads += !seen_person[d->person]++;
                int day = (int)(fc_time_local_day(d->start) - fc_time_local_day(from));
                person_days += !seen_day[d->person][day]++;
            }
            json_t *row = s_row(rep, "frontline", sub);
            int ok = row && s_cmp(row, "headcount", heads, week, why, sizeof why) &&
                     s_cmp(row, "person_days", person_days, week, why, sizeof why) &&
                     s_cmp(row, "duty_periods", periods, week, why, sizeof why) &&
                     s_cmp(row, "duty_minutes", minutes, week, why, sizeof why);
            checked += 4;
            matched += ok ? 4 : 0;
            /* incidents and visits */
            int n = 0, died = 0, infected = 0, in_time = 0, late = 0, overdue = 0;
            for (int k = 0; k < S.nincidents; k++) {
                s_incident_t *x = &S.incidents[k];
                if (strcmp(S.people[x->person].sub, sub) != 0 || x->at < from || x->at >= to)
                    continue;
                n++;
                died += strcmp(x->kind, "died") == 0;
                infected += strcmp(x->kind, "infected") == 0;
                if (!s_calls_for_visit(x->kind))
                    continue;
                if (x->visited && x->visited <= x->at + 24 * S_H)
                    in_time++;
                else if (x->visited)
                    late++;
                else
                    overdue++; /* the report is built after the play: every window has passed */
            }
            row = s_row(rep, "incidents", sub);
            ok = row && s_cmp(row, "incidents", n, week, why, sizeof why) &&
                 s_cmp(row, "died", died, week, why, sizeof why) &&
                 s_cmp(row, "infected", infected, week, why, sizeof why);
            checked += 3;
            matched += ok ? 3 : 0;
            row = s_row(rep, "visits", sub);
            ok = row && s_cmp(row, "in_time", in_time, week, why, sizeof why) &&
                 s_cmp(row, "late", late, week, why, sizeof why) &&
                 s_cmp(row, "overdue", overdue, week, why, sizeof why);
            checked += 3;
            matched += ok ? 3 : 0;
            /* weekly reports: due Sunday 20:00 of the week (infra/policy/report.json) */
            int64_t due = to - 4 * S_H;
            int expected = 0, on_time = 0, lat = 0, missing = 0;
            for (int p = 0; p < S_PEOPLE; p++) {
                if (!S.people[p].leader || strcmp(S.people[p].sub, sub) != 0)
                    continue;
                expected++;
                int64_t first = 0;
                for (int k = 0; k < S.nweekly; k++)
                    if (S.weekly[k].person == p && strcmp(S.weekly[k].week, week) == 0 &&
                        (!first || S.weekly[k].at < first))
                        first = S.weekly[k].at;
                if (!first)
                    missing++;
                else if (first <= due)
                    on_time++;
                else
                    lat++;
            }
            row = s_row(rep, "weekly_reports", sub);
            ok = row && s_cmp(row, "expected", expected, week, why, sizeof why) &&
                 s_cmp(row, "on_time", on_time, week, why, sizeof why) &&
                 s_cmp(row, "late", lat, week, why, sizeof why) &&
                 s_cmp(row, "missing", missing, week, why, sizeof why);
            checked += 4;
            matched += ok ? 4 : 0;
        }
        json_decref(rep);
    }
    s_result("weekly report figures match the script", matched == checked, "%d of %d figures%s%s",
             matched, checked, why[0] ? "; first difference: " : "", why);
}

static void s_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* fcctl play on bad scripts: each stops at (or skips) the bad line and says which line. */
static void s_check_bad_scripts(const char *clock)
{
    static const struct {
        const char *script, *want;
        int rc;
    } cases[] = {
        {"not json\n", "line 1", 1},
        {"{\"at\": \"2026-11-16T12:00:00+08:00\", \"type\": \"nonsense\"}\n", "line 1", 1},
        {"{\"type\": \"secretary\"}\n", "line 1", 1},
        {"{\"at\": \"2026-11-16T12:00:00+08:00\", \"type\": \"secretary\", \"org_code\":"
         " \"S01G1B1\", \"employee_no\": \"E000100\"}\n"
         "{\"at\": \"2026-11-16T11:00:00+08:00\", \"type\": \"secretary\", \"org_code\":"
         " \"S01G1B1\", \"employee_no\": \"E000100\"}\n",
         "line 2", 1},
        {"{\"at\": \"2026-11-16T12:00:00+08:00\", \"type\": \"task_done\", \"kind\":"
         " \"incident_visit\", \"subject\": \"incident:${NOPE}\"}\n",
         "line 1 (task_done): refused: subject", 0},
    };
    char path[512];
    snprintf(path, sizeof path, "%s/bad.jsonl", S.dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s_write(path, cases[i].script);
        char *out = NULL;
        int rc = fc_h_fcctl(&out, "play %s --clock-file %s --wait-s 5 2>&1", path, clock);
        if (rc != cases[i].rc || !out || !strstr(out, cases[i].want))
            print_error("bad script %zu: exit %d, output:\n%s\n", i, rc, out ? out : "");
        assert_int_equal(rc, cases[i].rc);
        assert_non_null(out);
        assert_non_null(strstr(out, cases[i].want));
        free(out);
    }
}

static pid_t s_pids[5];

/* After a failed assertion too: no service outlives the test. */
static int s_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++)
        if (s_pids[i] > 0)
            fc_h_stop(s_pids[i], SIGKILL, 5000);
    return 0;
}

static void test_scenario(void **state)
{
    (void)state;
    fc_h_init("test_scenario");
    fc_h_reset();
    char tmpl[] = "/tmp/fc-scenario-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    snprintf(S.dir, sizeof S.dir, "%s", tmpl);
    char clock[300], policy[300], sink[300], cmd[1024], path[512];
    snprintf(clock, sizeof clock, "%s/clock", S.dir);
    snprintf(policy, sizeof policy, "%s/policy", S.dir);
    snprintf(sink, sizeof sink, "%s/reminders.jsonl", S.dir);
    s_write(clock, "2026-11-01T04:00:00Z\n");
    /* the demo's notification set-up: people's inbox and the file log; departments likewise */
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s/infra/policy/*.json %s/", policy,
             getenv("FC_REPO_DIR"), policy);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/notify.json", policy);
    json_t *np = s_json_file(path);
    json_t *ch = json_object_get(np, "channels");
    json_object_set_new(ch, "person", json_pack("[ss]", "inbox", "file"));
    json_object_set_new(ch, "desk", json_pack("[ss]", "inbox", "file"));
    assert_int_equal(json_dump_file(np, path, JSON_INDENT(2)), 0);
    json_decref(np);

    snprintf(cmd, sizeof cmd,
             "%s/fc-gen --out %s --seed 7 --people %d --subsidiaries %d --posts %d --weeks %d"
             " --start %s 2>/dev/null",
             getenv("FC_BIN_DIR"), S.dir, S_PEOPLE, S_SUBS, S_POSTS, S_WEEKS, S_START);
    assert_int_equal(system(cmd), 0);
    s_read_input();

    char e_clock[320], e_policy[320], e_sink[320];
    snprintf(e_clock, sizeof e_clock, "FC_CLOCK=file:%s", clock);
    snprintf(e_policy, sizeof e_policy, "FC_POLICY_DIR=%s", policy);
    snprintf(e_sink, sizeof e_sink, "NOTIFY_FILE_SINK=%s", sink);
    const char *env[] = {e_clock, e_policy, e_sink, NULL};
    static const char *services[] = {"intake", "rotation", "welfare", "notify", "report"};
    for (int i = 0; i < 5; i++)
        s_pids[i] = fc_h_up(services[i], env);

    assert_int_equal(fc_h_fcctl(NULL, "import org %s/org.csv", S.dir), 0);
    assert_int_equal(fc_h_fcctl(NULL, "import posts %s/posts.csv", S.dir), 0);
    assert_int_equal(fc_h_fcctl(NULL, "import people %s/people.csv", S.dir), 0);
    for (int s = 1; s <= S_SUBS; s++) {
        assert_int_equal(fc_h_fcctl(NULL, "funds topup S%02d epidemic_subsidy 1000000 --key t-%d-a",
                                    s, s),
                         0);
        assert_int_equal(fc_h_fcctl(NULL,
                                    "funds topup S%02d special_party_fee 100000 --key t-%d-b", s,
                                    s),
                         0);
        assert_int_equal(fc_h_fcctl(NULL,
                                    "funds topup S%02d retained_party_fee 100000 --key t-%d-c", s,
                                    s),
                         0);
    }
    char *out = NULL;
    int rc = fc_h_fcctl(&out, "--timeout %d play %s/events.jsonl --clock-file %s --wait-s 600",
                        fc_h_ms(60000), S.dir, clock);
    printf("%s", out ? out : "");
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "、0 条被拒绝")); /* the script is valid: nothing refused */
    free(out);

    printf("\n  %-44s %-4s %s\n", "INVARIANT", "", "DETAIL");
    s_check_visit_reminders();
    s_check_couples();
    s_check_forced_rest();
    s_check_subsidies();
    s_result("ledger checker passes", fc_h_fcctl(NULL, "funds check") == 0, "fcctl funds check");
    s_check_reminders_once(sink);
    s_check_report();
    s_check_bad_scripts(clock); /* after the checks: it moves the clock on */

    for (int i = 0; i < 5; i++) {
        assert_int_equal(fc_h_stop(s_pids[i], SIGTERM, fc_h_ms(20000)), 0);
        s_pids[i] = 0;
    }
    free(S.periods);
    snprintf(cmd, sizeof cmd, "rm -rf %s", S.dir);
    if (S.failures == 0)
        assert_int_equal(system(cmd), 0);
    else
        printf("  inputs kept in %s\n", S.dir);
    assert_int_equal(S.failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_scenario)};
    return cmocka_run_group_tests(tests, NULL, s_teardown);
}
