/* report_store: all of report's SQL, against its own schema (search_path = report). */
#include "report_store.h"
#include "fc_clock.h"
#include "fc_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define I64(buf, v) snprintf(buf, sizeof buf, "%lld", (long long)(v))

static const char *s_b(int v)
{
    return v ? "t" : "f";
}

static int s_rc(fc_err_t *err)
{
    return err && err->code ? err->code : FC_ERR;
}

/* ---- projections -------------------------------------------------------------------- */

int report_store_org(fc_pg_t *pg, const Fc__V1__OrgUnit *u, int64_t at_us, fc_err_t *err)
{
    char at[24];
    I64(at, at_us);
    const char *p[] = {u->org_code, u->parent_code ? u->parent_code : "", u->name ? u->name : "",
                       u->kind ? u->kind : "", at};
    return fc_pg_cmd(pg,
                     "INSERT INTO org AS o (org_code, parent_code, name, kind, updated_us)"
                     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_code) DO UPDATE SET"
                     " parent_code = EXCLUDED.parent_code, name = EXCLUDED.name,"
                     " kind = EXCLUDED.kind, updated_us = EXCLUDED.updated_us"
                     " WHERE o.updated_us <= EXCLUDED.updated_us",
                     5, p, NULL, err);
}

int report_store_person(fc_pg_t *pg, const Fc__V1__Person *x, int64_t at_us, fc_err_t *err)
{
    char at[24];
    I64(at, at_us);
    const char *p[] = {x->employee_no,
                       x->name ? x->name : "",
                       x->org_code ? x->org_code : "",
                       x->party_status ? x->party_status : "",
                       x->cadre_level ? x->cadre_level : "",
                       s_b(x->leadership_team),
                       s_b(x->young_cadre),
                       s_b(x->reserve_pool),
                       at};
    int rc =
        fc_pg_cmd(pg,
                  "INSERT INTO person AS p (employee_no, name, org_code, party_status,"
                  " cadre_level, leadership_team, young_cadre, reserve_pool, first_seen_us,"
                  " updated_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
                  " ON CONFLICT (employee_no) DO UPDATE SET name = EXCLUDED.name,"
                  " org_code = EXCLUDED.org_code, party_status = EXCLUDED.party_status,"
                  " cadre_level = EXCLUDED.cadre_level,"
                  " leadership_team = EXCLUDED.leadership_team,"
                  " young_cadre = EXCLUDED.young_cadre, reserve_pool = EXCLUDED.reserve_pool,"
                  " first_seen_us = least(p.first_seen_us, EXCLUDED.first_seen_us),"
                  " updated_us = EXCLUDED.updated_us WHERE p.updated_us <= EXCLUDED.updated_us",
                  9, p, NULL, err);
    if (rc != FC_OK || x->health_status < 1 || x->health_status > 7)
        return rc;
    char st[8];
    I64(st, x->health_status);
    const char *q[] = {x->employee_no, at, st};
    /* only a status that differs from the one known at that time is a change */
    return fc_pg_cmd(pg,
                     "INSERT INTO person_status (employee_no, at_us, status)"
                     " SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM (SELECT status"
                     " FROM person_status WHERE employee_no = $1 AND at_us <= $2"
                     " ORDER BY at_us DESC, id DESC LIMIT 1) l WHERE l.status = $3::smallint)",
                     3, q, NULL, err);
}

int report_store_status(fc_pg_t *pg, const char *employee_no, int status, int64_t at_us,
                        fc_err_t *err)
{
    char at[24], st[8];
    I64(at, at_us);
    I64(st, status);
    const char *p[] = {employee_no, at, st};
    return fc_pg_cmd(pg,
                     "INSERT INTO person_status (employee_no, at_us, status) VALUES ($1, $2, $3)",
                     3, p, NULL, err);
}

int report_store_checkin(fc_pg_t *pg, const Fc__V1__HealthCheckedIn *c, fc_err_t *err)
{
    char id[24], at[24], day[16];
    I64(id, c->checkin_id);
    I64(at, c->at_us);
    int y, mo, d;
    fc_civil_from_days(fc_time_local_day(c->at_us), &y, &mo, &d);
    snprintf(day, sizeof day, "%04d-%02d-%02d", y, mo, d);
    const char *p[] = {id, c->employee_no, c->org_code ? c->org_code : "", at, s_b(c->fever), day};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO checkin (checkin_id, employee_no, org_code, at_us, fever)"
                       " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (checkin_id) DO NOTHING",
                       5, p, &n, err);
    if (rc != FC_OK || n == 0)
        return rc;
    /* the day's counts per unit (kept from the foundation; the flow tests read them) */
    const char *q[] = {day, p[2], c->fever ? "1" : "0"};
    return fc_pg_cmd(pg,
                     "INSERT INTO health_daily AS h (day, org_code, checkins, fevers)"
                     " VALUES ($1, $2, 1, $3) ON CONFLICT (day, org_code) DO UPDATE SET"
                     " checkins = h.checkins + 1, fevers = h.fevers + EXCLUDED.fevers",
                     3, q, NULL, err);
}

int report_store_duty(fc_pg_t *pg, const Fc__V1__DutyEvent *d, fc_err_t *err)
{
    char id[24], rc_[8], st[24], en[24], sd[16], ed[16];
    I64(id, d->duty_id);
    I64(rc_, d->risk_class ? d->risk_class : 2);
    I64(st, d->start_us);
    I64(en, d->end_us);
    I64(sd, fc_time_local_day(d->start_us));
    I64(ed, d->end_us > d->start_us ? fc_time_local_day(d->end_us - 1)
                                    : fc_time_local_day(d->start_us));
    const char *p[] = {id,
                       d->employee_no,
                       d->org_code ? d->org_code : "",
                       d->post_code ? d->post_code : "",
                       d->post_org_code ? d->post_org_code : "",
                       rc_,
                       st,
                       d->end_us > d->start_us ? en : NULL,
                       sd,
                       ed};
    return fc_pg_cmd(pg,
                     "INSERT INTO duty AS d (duty_id, employee_no, org_code, post_code,"
                     " post_org_code, risk_class, start_us, end_us, start_day, end_day)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                     " ON CONFLICT (duty_id) DO UPDATE SET"
                     " end_us = coalesce(EXCLUDED.end_us, d.end_us),"
                     " end_day = CASE WHEN EXCLUDED.end_us IS NOT NULL THEN EXCLUDED.end_day"
                     " ELSE d.end_day END",
                     10, p, NULL, err);
}

int report_store_incident(fc_pg_t *pg, const Fc__V1__IncidentReported *i, fc_err_t *err)
{
    char id[24], at[24];
    I64(id, i->incident_id);
    I64(at, i->at_us);
    const char *p[] = {id,
                       i->employee_no,
                       i->org_code ? i->org_code : "",
                       i->kind,
                       at,
                       i->description ? i->description : "",
                       s_b(i->major),
                       s_b(i->on_duty)};
    return fc_pg_cmd(pg,
                     "INSERT INTO incident (incident_id, employee_no, org_code, kind, at_us,"
                     " description, major, on_duty) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                     " ON CONFLICT (incident_id) DO NOTHING",
                     8, p, NULL, err);
}

int report_store_hardship(fc_pg_t *pg, const Fc__V1__HardshipCase *h, int closed, int64_t at_us,
                          fc_err_t *err)
{
    char id[24], at[24];
    I64(id, h->case_id);
    I64(at, at_us);
    const char *p[] = {id, h->employee_no ? h->employee_no : "", h->org_code ? h->org_code : "",
                       h->category ? h->category : "", at};
    if (closed)
        return fc_pg_cmd(pg,
                         "INSERT INTO hardship AS h (case_id, employee_no, org_code, category,"
                         " closed_us) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id)"
                         " DO UPDATE SET closed_us = EXCLUDED.closed_us",
                         5, p, NULL, err);
    return fc_pg_cmd(pg,
                     "INSERT INTO hardship AS h (case_id, employee_no, org_code, category,"
                     " opened_us) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id)"
                     " DO UPDATE SET opened_us = coalesce(h.opened_us, EXCLUDED.opened_us)",
                     5, p, NULL, err);
}

int report_store_weekly_report(fc_pg_t *pg, const Fc__V1__WeeklyReportSubmitted *w, int *inserted,
                               fc_err_t *err)
{
    char id[24], at[24];
    I64(id, w->report_id);
    I64(at, w->submitted_us);
    const char *p[] = {w->employee_no,
                       w->iso_week,
                       id,
                       w->org_code ? w->org_code : "",
                       at,
                       s_b(w->no_outbreak),
                       s_b(w->production_stable)};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO weekly_report (employee_no, iso_week, report_id, org_code,"
                       " submitted_us, no_outbreak, production_stable)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7)"
                       " ON CONFLICT (employee_no, iso_week) DO NOTHING",
                       7, p, &n, err);
    *inserted = rc == FC_OK && n > 0;
    return rc;
}

int report_store_merit(fc_pg_t *pg, const Fc__V1__MeritRecord *m, fc_err_t *err)
{
    char id[24], at[24];
    I64(id, m->record_id);
    I64(at, m->at_us);
    const char *p[] = {id,
                       m->employee_no,
                       m->org_code ? m->org_code : "",
                       m->kind,
                       s_b(m->accountability),
                       m->reason ? m->reason : "",
                       m->issued_by ? m->issued_by : "",
                       at};
    return fc_pg_cmd(pg,
                     "INSERT INTO merit (record_id, employee_no, org_code, kind, accountability,"
                     " reason, issued_by, at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                     " ON CONFLICT (record_id) DO NOTHING",
                     8, p, NULL, err);
}

int report_store_key_event(fc_pg_t *pg, const Fc__V1__CadreKeyEvent *e, fc_err_t *err)
{
    char id[24], at[24];
    I64(id, e->event_id);
    I64(at, e->at_us);
    const char *p[] = {id,
                       e->employee_no,
                       e->org_code ? e->org_code : "",
                       e->polarity,
                       e->description ? e->description : "",
                       at};
    return fc_pg_cmd(pg,
                     "INSERT INTO key_event (event_id, employee_no, org_code, polarity,"
                     " description, at_us) VALUES ($1, $2, $3, $4, $5, $6)"
                     " ON CONFLICT (event_id) DO NOTHING",
                     6, p, NULL, err);
}

int report_store_clearance(fc_pg_t *pg, const Fc__V1__AssessmentRecordEvent *e, fc_err_t *err)
{
    char by[24], at[24];
    I64(by, e->record_id);
    I64(at, e->at_us);
    char nc[16];
    I64(nc, (long long)e->n_cleared);
    const char *q[] = {e->kind, by, e->employee_no, e->org_code ? e->org_code : "", at, nc};
    int rc0 = fc_pg_cmd(pg,
                        "INSERT INTO assessment_record (kind, record_id, employee_no, org_code,"
                        " at_us, cleared) VALUES ($1, $2, $3, $4, $5, $6)"
                        " ON CONFLICT (kind, record_id) DO NOTHING",
                        6, q, NULL, err);
    if (rc0 != FC_OK)
        return rc0;
    for (size_t i = 0; i < e->n_cleared; i++) {
        char id[24];
        I64(id, e->cleared[i]->record_id);
        const char *p[] = {e->cleared[i]->kind, id, e->kind, by, at};
        int rc = fc_pg_cmd(pg,
                           "INSERT INTO clearance (kind, record_id, by_kind, by_id, at_us)"
                           " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, record_id) DO NOTHING",
                           5, p, NULL, err);
        if (rc != FC_OK)
            return rc;
    }
    return FC_OK;
}

int report_store_discrimination(fc_pg_t *pg, const Fc__V1__DiscriminationCaseChanged *d,
                                fc_err_t *err)
{
    char id[24], at[24];
    I64(id, d->case_id);
    I64(at, d->at_us);
    const char *p[] = {id, d->employee_no, d->org_code ? d->org_code : "",
                       d->victim ? d->victim : "", at, d->state, d->outcome ? d->outcome : ""};
    /* reported -> handling -> closed; a closed case stays closed whatever arrives late */
    return fc_pg_cmd(pg,
                     "INSERT INTO discrimination AS d (case_id, employee_no, org_code, victim,"
                     " reported_us, state, outcome, closed_us) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                     " CASE WHEN $6 = 'closed' THEN $5::bigint END)"
                     " ON CONFLICT (case_id) DO UPDATE SET"
                     " state = CASE WHEN d.state = 'closed' THEN d.state ELSE EXCLUDED.state END,"
                     " outcome = CASE WHEN d.state = 'closed' THEN d.outcome"
                     " ELSE EXCLUDED.outcome END,"
                     " closed_us = coalesce(d.closed_us, EXCLUDED.closed_us),"
                     " reported_us = CASE WHEN EXCLUDED.state = 'reported'"
                     " THEN EXCLUDED.reported_us ELSE d.reported_us END",
                     7, p, NULL, err);
}

int report_store_village(fc_pg_t *pg, const Fc__V1__VillageAssignment *a, int64_t at_us,
                         fc_err_t *err)
{
    char id[24], st[24], pr[24], ret[24], sd[16], rd[16], at[24];
    I64(id, a->assignment_id);
    I64(st, a->start_us);
    I64(pr, a->planned_return_us);
    I64(ret, a->returned_us);
    I64(sd, fc_time_local_day(a->start_us));
    I64(rd, a->returned_us ? fc_time_local_day(a->returned_us) : 0);
    I64(at, at_us);
    const char *p[] = {id,
                       a->employee_no,
                       a->org_code ? a->org_code : "",
                       a->village ? a->village : "",
                       a->township ? a->township : "",
                       st,
                       a->planned_return_us ? pr : NULL,
                       a->returned_us ? ret : NULL,
                       sd,
                       a->returned_us ? rd : NULL,
                       at};
    /* a return is final (intake refuses changes after it): a redelivered older event never
     * undoes it */
    return fc_pg_cmd(pg,
                     "INSERT INTO village AS v (assignment_id, employee_no, org_code, village,"
                     " township, start_us, planned_return_us, returned_us, start_day, return_day,"
                     " updated_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                     " ON CONFLICT (assignment_id) DO UPDATE SET"
                     " planned_return_us = CASE WHEN v.returned_us IS NULL"
                     " THEN EXCLUDED.planned_return_us ELSE v.planned_return_us END,"
                     " returned_us = coalesce(v.returned_us, EXCLUDED.returned_us),"
                     " return_day = coalesce(v.return_day, EXCLUDED.return_day),"
                     " updated_us = greatest(v.updated_us, EXCLUDED.updated_us)",
                     11, p, NULL, err);
}

int report_store_party_candidate(fc_pg_t *pg, const Fc__V1__PartyCandidate *c, fc_err_t *err)
{
    char at[24];
    I64(at, c->at_us);
    const char *p[] = {
        c->employee_no,     c->org_code ? c->org_code : "", c->party_status ? c->party_status : "",
        s_b(c->fast_track), c->reason ? c->reason : "",     at};
    return fc_pg_cmd(pg,
                     "INSERT INTO party_candidate AS c (employee_no, org_code, party_status,"
                     " fast_track, reason, at_us) VALUES ($1, $2, $3, $4, $5, $6)"
                     " ON CONFLICT (employee_no) DO UPDATE SET org_code = EXCLUDED.org_code,"
                     " party_status = EXCLUDED.party_status, fast_track = EXCLUDED.fast_track,"
                     " reason = EXCLUDED.reason, at_us = EXCLUDED.at_us",
                     6, p, NULL, err);
}

int report_store_disbursement(fc_pg_t *pg, const Fc__V1__Disbursement *d, const char *step,
                              int64_t at_us, fc_err_t *err)
{
    char id[24], amt[24], req[24], at[24];
    I64(id, d->id);
    I64(amt, d->amount_fen);
    I64(req, d->requested_at_us ? d->requested_at_us : at_us);
    I64(at, at_us);
    const char *p[] = {id,
                       d->kind ? d->kind : "",
                       d->employee_no ? d->employee_no : "",
                       d->person_org ? d->person_org : "",
                       d->payer_org ? d->payer_org : "",
                       d->fund ? d->fund : "",
                       amt,
                       d->state ? d->state : "",
                       req,
                       step,
                       at};
    return fc_pg_cmd(
        pg,
        "INSERT INTO disbursement AS d (id, kind, employee_no, person_org, payer_org, fund,"
        " amount_fen, state, requested_us, paid_us, closed_us, reversed_us, updated_us)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
        " CASE WHEN $10 = 'paid' THEN $11::bigint END,"
        " CASE WHEN $10 IN ('rejected', 'expired') THEN $11::bigint END,"
        " CASE WHEN $10 = 'reversed' THEN $11::bigint END, $11)"
        " ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, employee_no = EXCLUDED.employee_no,"
        " person_org = EXCLUDED.person_org, payer_org = EXCLUDED.payer_org,"
        " fund = EXCLUDED.fund, amount_fen = EXCLUDED.amount_fen,"
        " state = CASE WHEN d.updated_us <= EXCLUDED.updated_us THEN EXCLUDED.state"
        " ELSE d.state END,"
        " paid_us = coalesce(d.paid_us, EXCLUDED.paid_us),"
        " closed_us = coalesce(d.closed_us, EXCLUDED.closed_us),"
        " reversed_us = coalesce(d.reversed_us, EXCLUDED.reversed_us),"
        " updated_us = greatest(d.updated_us, EXCLUDED.updated_us)",
        11, p, NULL, err);
}

int report_store_funds_moved(fc_pg_t *pg, const Fc__V1__FundsMoved *f, fc_err_t *err)
{
    char id[24], amt[24], at[24];
    I64(id, f->transfer_id);
    I64(amt, f->amount_fen);
    I64(at, f->at_us);
    const char *p[] = {id,        f->kind ? f->kind : "", f->from_org ? f->from_org : "",
                       f->to_org, f->fund ? f->fund : "", amt,
                       at};
    return fc_pg_cmd(pg,
                     "INSERT INTO funds_moved (transfer_id, kind, from_org, to_org, fund,"
                     " amount_fen, at_us) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                     " ON CONFLICT (transfer_id) DO NOTHING",
                     7, p, NULL, err);
}

int report_store_task(fc_pg_t *pg, const Fc__V1__Task *t, int64_t at_us, fc_err_t *err)
{
    char id[24], due[24], done[24], cr[24], at[24];
    I64(id, t->task_id);
    I64(due, t->due_us);
    I64(done, t->done_us);
    I64(cr, t->created_us);
    I64(at, at_us);
    const char *p[] = {id,
                       t->kind,
                       t->subject ? t->subject : "",
                       t->period ? t->period : "",
                       t->employee_no ? t->employee_no : "",
                       t->org_code ? t->org_code : "",
                       due,
                       t->state ? t->state : "",
                       done,
                       s_b(t->escalated),
                       cr,
                       at};
    return fc_pg_cmd(pg,
                     "INSERT INTO notify_task AS t (task_id, kind, subject, period, employee_no,"
                     " org_code, due_us, state, done_us, escalated, created_us, updated_us)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                     " ON CONFLICT (task_id) DO UPDATE SET kind = EXCLUDED.kind,"
                     " subject = EXCLUDED.subject, period = EXCLUDED.period,"
                     " employee_no = EXCLUDED.employee_no, org_code = EXCLUDED.org_code,"
                     " due_us = EXCLUDED.due_us, state = EXCLUDED.state,"
                     " done_us = EXCLUDED.done_us, escalated = EXCLUDED.escalated,"
                     " created_us = EXCLUDED.created_us, updated_us = EXCLUDED.updated_us"
                     " WHERE t.updated_us <= EXCLUDED.updated_us",
                     12, p, NULL, err);
}

int report_store_overload(fc_pg_t *pg, const Fc__V1__OverloadWarning *w, fc_err_t *err)
{
    char v[24], l[24], pc[16], at[24], d[24];
    I64(v, w->value);
    I64(l, w->limit);
    I64(pc, w->percent);
    I64(at, w->at_us);
    I64(d, w->duty_id);
    const char *p[] = {w->employee_no,
                       w->org_code ? w->org_code : "",
                       w->metric ? w->metric : "",
                       v,
                       l,
                       pc,
                       at,
                       d};
    return fc_pg_cmd(pg,
                     "INSERT INTO overload_warning (employee_no, org_code, metric, value, lim,"
                     " percent, at_us, duty_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                     8, p, NULL, err);
}

int report_store_forced_rest(fc_pg_t *pg, const Fc__V1__ForcedRestOrdered *o, fc_err_t *err)
{
    char id[24], v[24], l[24], f[24], u[24], d[24];
    I64(id, o->order_id);
    I64(v, o->value);
    I64(l, o->limit);
    I64(f, o->from_us);
    I64(u, o->until_us);
    I64(d, o->duty_id);
    const char *p[] = {
        id, o->employee_no, o->org_code ? o->org_code : "", o->metric ? o->metric : "", v, l, f, u,
        d};
    return fc_pg_cmd(pg,
                     "INSERT INTO forced_rest (order_id, employee_no, org_code, metric, value, lim,"
                     " from_us, until_us, duty_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                     " ON CONFLICT (order_id) DO NOTHING",
                     9, p, NULL, err);
}

void report_store_person_name(fc_pg_t *pg, const char *employee_no, char *out, size_t n)
{
    const char *p[] = {employee_no};
    PGresult *r = fc_pg_exec(pg, "SELECT name FROM person WHERE employee_no = $1", 1, p, NULL);
    snprintf(out, n, "%s", r && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
}

int report_store_org_name(fc_pg_t *pg, const char *org_code, char *out, size_t n)
{
    const char *p[] = {org_code};
    PGresult *r = fc_pg_exec(pg, "SELECT name FROM org WHERE org_code = $1", 1, p, NULL);
    int found = r && PQntuples(r) == 1;
    snprintf(out, n, "%s", found ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return found ? FC_OK : FC_ENOTFOUND;
}

/* ---- chase ---------------------------------------------------------------------------- */

int report_store_chase_add(fc_pg_t *pg, const char *employee_no, const char *iso_week,
                           const char *kind, const char *org_code, int64_t due_us,
                           int64_t submitted_us, int64_t detected_us, int *inserted, fc_err_t *err)
{
    char due[24], sub[24], det[24];
    I64(due, due_us);
    I64(sub, submitted_us);
    I64(det, detected_us);
    const char *p[] = {employee_no, iso_week, kind, org_code, due, sub, det};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO chase (employee_no, iso_week, kind, org_code, due_us,"
                       " submitted_us, detected_us) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                       " ON CONFLICT DO NOTHING",
                       7, p, &n, err);
    *inserted = rc == FC_OK && n > 0;
    return rc;
}

PGresult *report_store_subsidiaries(fc_pg_t *pg, fc_err_t *err)
{
    return fc_pg_exec(pg,
                      "SELECT org_code, name FROM org WHERE kind = 'subsidiary' ORDER BY org_code",
                      0, NULL, err);
}

PGresult *report_store_missing_members(fc_pg_t *pg, const char *iso_week, const char *units,
                                       const char *dues, fc_err_t *err)
{
    const char *p[] = {iso_week, units, dues};
    return fc_pg_exec(
        pg,
        "WITH RECURSIVE d(unit_code, due_us) AS (SELECT * FROM unnest($2::text[], $3::bigint[])),"
        " t(org_code, unit_code, depth) AS (SELECT unit_code, unit_code, 0 FROM d"
        "  UNION ALL SELECT o.org_code, t.unit_code, t.depth + 1 FROM org o"
        "  JOIN t ON o.parent_code = t.org_code WHERE o.kind <> 'subsidiary' AND t.depth < 64)"
        " SELECT p.employee_no, p.name, t.unit_code, coalesce(u.name, ''), d.due_us"
        " FROM person p JOIN t ON t.org_code = p.org_code JOIN d ON d.unit_code = t.unit_code"
        " LEFT JOIN org u ON u.org_code = t.unit_code"
        " WHERE p.leadership_team AND p.first_seen_us < d.due_us"
        " AND NOT EXISTS (SELECT 1 FROM weekly_report w WHERE w.employee_no = p.employee_no"
        "  AND w.iso_week = $1)"
        " AND NOT EXISTS (SELECT 1 FROM chase c WHERE c.employee_no = p.employee_no"
        "  AND c.iso_week = $1 AND c.kind = 'missing')"
        " ORDER BY t.unit_code, p.employee_no",
        3, p, err);
}

/* ---- building a report ------------------------------------------------------------------ */

int report_store_begin_snapshot(fc_pg_t *pg, fc_err_t *err)
{
    int rc = fc_pg_begin(pg, err);
    if (rc == FC_OK)
        rc = fc_pg_cmd(pg, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", 0, NULL, NULL, err);
    if (rc != FC_OK)
        fc_pg_rollback(pg);
    return rc;
}

int report_store_scope(fc_pg_t *pg, const char *org_code, char *code_out, size_t ncode,
                       char *name_out, size_t nname, fc_err_t *err)
{
    int rc;
    PGresult *r = NULL;
    char code[64] = "", name[256] = "集团";
    if (org_code && *org_code) {
        if (report_store_org_name(pg, org_code, name, sizeof name) != FC_OK) {
            rc = fc_err_set(err, FC_ENOTFOUND, "org_code", "组织“%s”不存在（报表尚未收到该组织）",
                            org_code);
            goto out;
        }
        snprintf(code, sizeof code, "%s", org_code);
    } else {
        /* the group root, if there is exactly one */
        r = fc_pg_exec(
            pg,
            "SELECT org_code, name FROM org WHERE parent_code = ''"
            " OR parent_code NOT IN (SELECT org_code FROM org) ORDER BY org_code LIMIT 2",
            0, NULL, err);
        if (!r) {
            rc = s_rc(err);
            goto out;
        }
        if (PQntuples(r) == 1) {
            snprintf(code, sizeof code, "%s", PQgetvalue(r, 0, 0));
            snprintf(name, sizeof name, "%s", PQgetvalue(r, 0, 1));
        }
    }
    if ((rc = fc_pg_script(pg,
                           "SET LOCAL client_min_messages = warning;"
                           "DROP TABLE IF EXISTS pg_temp.rpt_sub, pg_temp.rpt_map,"
                           " pg_temp.rpt_rows, pg_temp.rpt_due;"
                           "CREATE TEMP TABLE rpt_sub (org_code text PRIMARY KEY, kind text,"
                           " depth int) ON COMMIT DROP;"
                           "CREATE TEMP TABLE rpt_map (org_code text PRIMARY KEY, unit_code text)"
                           " ON COMMIT DROP;"
                           "CREATE TEMP TABLE rpt_rows (unit_code text, name text, ord int)"
                           " ON COMMIT DROP;"
                           "CREATE TEMP TABLE rpt_due (unit_code text PRIMARY KEY, due_us bigint)"
                           " ON COMMIT DROP",
                           err)) != FC_OK)
        goto out;
    const char *p[] = {code};
    if ((rc = fc_pg_cmd(pg,
                        "WITH RECURSIVE t(org_code, kind, depth) AS ("
                        " SELECT org_code, kind, 0 FROM org WHERE ($1 <> '' AND org_code = $1)"
                        "  OR ($1 = '' AND (parent_code = ''"
                        "   OR parent_code NOT IN (SELECT org_code FROM org)))"
                        " UNION ALL SELECT o.org_code, o.kind, t.depth + 1 FROM org o"
                        " JOIN t ON o.parent_code = t.org_code WHERE t.depth < 64)"
                        " INSERT INTO rpt_sub SELECT DISTINCT ON (org_code) org_code, kind, depth"
                        " FROM t ORDER BY org_code, depth",
                        1, p, NULL, err)) != FC_OK)
        goto out;
    /* the units: the subsidiaries in the scope; below subsidiary level, the scope itself */
    long n = 0;
    if ((rc = fc_pg_cmd(pg,
                        "INSERT INTO rpt_rows SELECT s.org_code, o.name, 0 FROM rpt_sub s"
                        " JOIN org o USING (org_code) WHERE s.kind = 'subsidiary'",
                        0, NULL, &n, err)) != FC_OK)
        goto out;
    if (n == 0 && (rc = fc_pg_cmd(pg,
                                  "INSERT INTO rpt_rows SELECT s.org_code, o.name, 0 FROM rpt_sub s"
                                  " JOIN org o USING (org_code) WHERE s.depth = 0",
                                  0, NULL, NULL, err)) != FC_OK)
        goto out;
    if ((rc = fc_pg_cmd(pg,
                        "WITH RECURSIVE t(org_code, unit_code, depth) AS ("
                        " SELECT s.org_code, CASE WHEN u.unit_code IS NOT NULL THEN s.org_code"
                        "  ELSE '' END, 0 FROM rpt_sub s LEFT JOIN rpt_rows u"
                        "  ON u.unit_code = s.org_code WHERE s.depth = 0"
                        " UNION ALL SELECT o.org_code, CASE WHEN u.unit_code IS NOT NULL"
                        "  THEN o.org_code ELSE t.unit_code END, t.depth + 1 FROM org o"
                        "  JOIN t ON o.parent_code = t.org_code LEFT JOIN rpt_rows u"
                        "  ON u.unit_code = o.org_code WHERE t.depth < 64)"
                        " INSERT INTO rpt_map SELECT DISTINCT ON (org_code) org_code, unit_code"
                        " FROM t ORDER BY org_code, depth",
                        0, NULL, NULL, err)) != FC_OK)
        goto out;
    const char *q[] = {name};
    if ((rc = fc_pg_cmd(pg, "INSERT INTO rpt_rows VALUES (NULL, $1, 1)", 1, q, NULL, err)) != FC_OK)
        goto out;
    if ((rc = fc_pg_script(pg, "ANALYZE rpt_map; ANALYZE rpt_rows", err)) != FC_OK)
        goto out;
    snprintf(code_out, ncode, "%s", code);
    snprintf(name_out, nname, "%s", name);
    rc = FC_OK;
out:
    PQclear(r);
    return rc;
}

PGresult *report_store_units(fc_pg_t *pg, fc_err_t *err)
{
    return fc_pg_exec(pg,
                      "SELECT unit_code, name FROM rpt_rows WHERE unit_code IS NOT NULL"
                      " ORDER BY ord, unit_code",
                      0, NULL, err);
}

int report_store_set_dues(fc_pg_t *pg, const char *units, const char *dues, fc_err_t *err)
{
    const char *p[] = {units, dues};
    return fc_pg_cmd(pg,
                     "INSERT INTO rpt_due SELECT * FROM unnest($1::text[], $2::bigint[])"
                     " ON CONFLICT DO NOTHING",
                     2, p, NULL, err);
}

/* the period's parameters: $1 start_us, $2 end_us, $3 start_day, $4 end_day */
#define WEEK_PARAMS(wk)                                                                            \
    char ws[24], we[24], wsd[16], wed[16];                                                         \
    I64(ws, (wk)->start_us);                                                                       \
    I64(we, (wk)->end_us);                                                                         \
    I64(wsd, (wk)->start_day);                                                                     \
    I64(wed, (wk)->end_day)

int report_store_has_data(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    const char *p[] = {ws, we, wk->iso_week};
    PGresult *r = fc_pg_exec(
        pg,
        "SELECT EXISTS (SELECT 1 FROM duty d JOIN rpt_map m USING (org_code)"
        "  WHERE d.start_us < $2 AND coalesce(d.end_us, d.start_us + 1) > $1)"
        " OR EXISTS (SELECT 1 FROM checkin c JOIN rpt_map m USING (org_code)"
        "  WHERE c.at_us >= $1 AND c.at_us < $2)"
        " OR EXISTS (SELECT 1 FROM incident i JOIN rpt_map m USING (org_code)"
        "  WHERE i.at_us >= $1 AND i.at_us < $2)"
        " OR EXISTS (SELECT 1 FROM hardship h JOIN rpt_map m USING (org_code)"
        "  WHERE (h.opened_us >= $1 AND h.opened_us < $2) OR (h.closed_us >= $1 AND h.closed_us < "
        "$2))"
        " OR EXISTS (SELECT 1 FROM weekly_report w JOIN rpt_map m USING (org_code)"
        "  WHERE w.iso_week = $3)"
        " OR EXISTS (SELECT 1 FROM merit x JOIN rpt_map m USING (org_code)"
        "  WHERE x.at_us >= $1 AND x.at_us < $2)"
        " OR EXISTS (SELECT 1 FROM key_event x JOIN rpt_map m USING (org_code)"
        "  WHERE x.at_us >= $1 AND x.at_us < $2)"
        " OR EXISTS (SELECT 1 FROM disbursement x JOIN rpt_map m ON m.org_code = x.payer_org"
        "  WHERE (x.requested_us >= $1 AND x.requested_us < $2) OR (x.paid_us >= $1"
        "  AND x.paid_us < $2) OR (x.reversed_us >= $1 AND x.reversed_us < $2))"
        " OR EXISTS (SELECT 1 FROM funds_moved f JOIN rpt_map m ON m.org_code = f.to_org"
        "  WHERE f.at_us >= $1 AND f.at_us < $2)"
        " OR EXISTS (SELECT 1 FROM person_status s JOIN person p USING (employee_no)"
        "  JOIN rpt_map m ON m.org_code = p.org_code WHERE s.at_us >= $1 AND s.at_us < $2)"
        " OR EXISTS (SELECT 1 FROM benefit_case b JOIN rpt_map m USING (org_code)"
        "  WHERE (b.opened_us >= $1 AND b.opened_us < $2) OR (b.closed_us >= $1"
        "  AND b.closed_us < $2))",
        3, p, err);
    int v = r ? strcmp(PQgetvalue(r, 0, 0), "t") == 0 : -1;
    PQclear(r);
    return v;
}

/* The rows of every by-unit table: each unit, then the total (unit_code NULL). */
#define BY_UNIT_FROM " FROM rpt_rows r LEFT JOIN a ON a.unit_code IS NOT DISTINCT FROM r.unit_code"
#define BY_UNIT_ORDER " ORDER BY r.ord, r.unit_code"

PGresult *report_store_q_frontline(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    const char *p[] = {ws, we, wsd, wed};
    return fc_pg_exec(
        pg,
        "WITH d AS (SELECT m.unit_code, d.employee_no, d.risk_class, d.start_us, d.end_us,"
        "  d.start_day, d.end_day FROM duty d JOIN rpt_map m ON m.org_code = d.org_code"
        "  WHERE d.start_us < $2 AND ((d.end_us IS NOT NULL AND d.end_us > $1)"
        "  OR (d.end_us IS NULL AND d.start_us >= $1))),"
        " x AS (SELECT unit_code, count(DISTINCT employee_no) hc,"
        "  count(DISTINCT employee_no) FILTER (WHERE risk_class = 1) hc1,"
        "  count(DISTINCT employee_no) FILTER (WHERE risk_class <> 1) hc2,"
        "  coalesce(sum((least(end_us, $2) - greatest(start_us, $1)) / 60000000)"
        "   FILTER (WHERE end_us IS NOT NULL), 0) minutes,"
        "  count(*) periods, count(*) FILTER (WHERE end_us IS NULL) open_duties"
        "  FROM d GROUP BY GROUPING SETS ((unit_code), ())),"
        " pd AS (SELECT unit_code, count(DISTINCT (employee_no, day)) person_days"
        "  FROM (SELECT d.unit_code, d.employee_no, g.day FROM d,"
        "  generate_series(greatest(d.start_day, $3::int), least(d.end_day, $4::int - 1)) g(day)) y"
        "  GROUP BY GROUPING SETS ((unit_code), ())),"
        " a AS (SELECT x.*, pd.person_days FROM x LEFT JOIN pd"
        "  ON pd.unit_code IS NOT DISTINCT FROM x.unit_code)"
        " SELECT r.unit_code, r.name, coalesce(a.hc, 0), coalesce(a.hc1, 0), coalesce(a.hc2, 0),"
        " coalesce(a.person_days, 0), coalesce(a.minutes, 0), coalesce(a.periods, 0),"
        " coalesce(a.open_duties, 0)" BY_UNIT_FROM BY_UNIT_ORDER,
        4, p, err);
}

#define NEW_STATUS_CTE                                                                             \
    " nc AS (SELECT m.unit_code,"                                                                  \
    "  count(DISTINCT s.employee_no) FILTER (WHERE s.status = 4) new_suspected,"                   \
    "  count(DISTINCT s.employee_no) FILTER (WHERE s.status = 5) new_confirmed"                    \
    "  FROM person_status s JOIN person p ON p.employee_no = s.employee_no"                        \
    "  JOIN rpt_map m ON m.org_code = p.org_code WHERE s.at_us >= $1 AND s.at_us < $2"             \
    "  GROUP BY GROUPING SETS ((m.unit_code), ()))"

PGresult *report_store_q_health(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    const char *p[] = {ws, we};
    return fc_pg_exec(
        pg,
        "WITH st AS (SELECT DISTINCT ON (employee_no) employee_no, status FROM person_status"
        "  WHERE at_us < $2 ORDER BY employee_no, at_us DESC, id DESC),"
        " ps AS (SELECT m.unit_code, st.status FROM person p JOIN rpt_map m"
        "  ON m.org_code = p.org_code LEFT JOIN st ON st.employee_no = p.employee_no"
        "  WHERE p.first_seen_us < $2),"
        " x AS (SELECT unit_code, count(*) people,"
        "  count(*) FILTER (WHERE status = 1) s1, count(*) FILTER (WHERE status = 2) s2,"
        "  count(*) FILTER (WHERE status = 3) s3, count(*) FILTER (WHERE status = 4) s4,"
        "  count(*) FILTER (WHERE status = 5) s5, count(*) FILTER (WHERE status = 6) s6,"
        "  count(*) FILTER (WHERE status = 7) s7, count(*) FILTER (WHERE status IS NULL) s0"
        "  FROM ps GROUP BY GROUPING SETS ((unit_code), ()))," NEW_STATUS_CTE ","
        " c AS (SELECT m.unit_code, count(*) checkins, count(DISTINCT c.employee_no) people,"
        "  count(*) FILTER (WHERE c.fever) fevers,"
        "  count(DISTINCT c.employee_no) FILTER (WHERE c.fever) fever_people"
        "  FROM checkin c JOIN rpt_map m ON m.org_code = c.org_code"
        "  WHERE c.at_us >= $1 AND c.at_us < $2 GROUP BY GROUPING SETS ((m.unit_code), ())),"
        " a AS (SELECT r0.unit_code, x.people, x.s1, x.s2, x.s3, x.s4, x.s5, x.s6, x.s7, x.s0,"
        "  nc.new_suspected, nc.new_confirmed, c.checkins, c.people AS checked, c.fevers,"
        "  c.fever_people FROM rpt_rows r0"
        "  LEFT JOIN x ON x.unit_code IS NOT DISTINCT FROM r0.unit_code"
        "  LEFT JOIN nc ON nc.unit_code IS NOT DISTINCT FROM r0.unit_code"
        "  LEFT JOIN c ON c.unit_code IS NOT DISTINCT FROM r0.unit_code)"
        " SELECT r.unit_code, r.name, coalesce(a.people, 0), coalesce(a.s1, 0),"
        " coalesce(a.s2, 0), coalesce(a.s3, 0), coalesce(a.s4, 0), coalesce(a.s5, 0),"
        " coalesce(a.s6, 0), coalesce(a.s7, 0), coalesce(a.s0, 0), coalesce(a.new_suspected, 0),"
        " coalesce(a.new_confirmed, 0), coalesce(a.checkins, 0), coalesce(a.checked, 0),"
        " coalesce(a.fevers, 0), coalesce(a.fever_people, 0)" BY_UNIT_FROM BY_UNIT_ORDER,
        2, p, err);
}

/* forced rests ordered in the week; breached when a duty period of the person overlaps it */
#define REST_CTE                                                                                   \
    "WITH f AS (SELECT m.unit_code, f.*, (SELECT min(d.start_us) FROM duty d"                      \
    "  WHERE d.employee_no = f.employee_no AND d.start_us < f.until_us"                            \
    "  AND coalesce(d.end_us, d.start_us + 1) > f.from_us) breach FROM forced_rest f"              \
    "  JOIN rpt_map m ON m.org_code = f.org_code WHERE f.from_us >= $1 AND f.from_us < $2)"

PGresult *report_store_q_workload(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    const char *p[] = {ws, we};
    return fc_pg_exec(
        pg,
        REST_CTE
        ","
        " w AS (SELECT m.unit_code, count(*) n, count(DISTINCT w.employee_no) people"
        "  FROM overload_warning w JOIN rpt_map m ON m.org_code = w.org_code"
        "  WHERE w.at_us >= $1 AND w.at_us < $2 GROUP BY GROUPING SETS ((m.unit_code), ())),"
        " r AS (SELECT unit_code, count(*) n, count(DISTINCT employee_no) people,"
        "  count(*) FILTER (WHERE breach IS NOT NULL) breached FROM f"
        "  GROUP BY GROUPING SETS ((unit_code), ())),"
        " a AS (SELECT r0.unit_code, coalesce(w.n, 0) wn, coalesce(w.people, 0) wp,"
        "  coalesce(r.n, 0) rn, coalesce(r.people, 0) rp, coalesce(r.breached, 0) rb"
        "  FROM rpt_rows r0 LEFT JOIN w ON w.unit_code IS NOT DISTINCT FROM r0.unit_code"
        "  LEFT JOIN r ON r.unit_code IS NOT DISTINCT FROM r0.unit_code)"
        " SELECT r.unit_code, r.name, a.wn, a.wp, a.rn, a.rp, a.rn - a.rb, a.rb,"
        " CASE WHEN a.rn > 0 THEN (a.rn - a.rb) * 1000 / a.rn END" BY_UNIT_FROM BY_UNIT_ORDER,
        2, p, err);
}

PGresult *report_store_q_rest_breaches(fc_pg_t *pg, const report_week_t *wk, int limit,
                                       fc_err_t *err)
{
    WEEK_PARAMS(wk);
    char lim[16];
    I64(lim, limit);
    const char *p[] = {ws, we, lim};
    return fc_pg_exec(pg,
                      REST_CTE
                      " SELECT f.order_id, f.unit_code, f.employee_no,"
                      " coalesce(p.name, ''), f.metric, f.from_us, f.until_us, f.breach,"
                      " count(*) OVER () FROM f LEFT JOIN person p USING (employee_no)"
                      " WHERE f.breach IS NOT NULL ORDER BY f.from_us, f.order_id LIMIT $3",
                      3, p, err);
}

PGresult *report_store_q_incidents(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    const char *p[] = {ws, we};
    return fc_pg_exec(
        pg,
        "WITH a AS (SELECT m.unit_code, count(*) n,"
        "  count(*) FILTER (WHERE kind = 'injured') k1,"
        "  count(*) FILTER (WHERE kind = 'fell_ill') k2,"
        "  count(*) FILTER (WHERE kind = 'infected') k3,"
        "  count(*) FILTER (WHERE kind = 'quarantined') k4,"
        "  count(*) FILTER (WHERE kind = 'died') k5,"
        "  count(*) FILTER (WHERE major) major, count(*) FILTER (WHERE on_duty) on_duty"
        "  FROM incident i JOIN rpt_map m ON m.org_code = i.org_code"
        "  WHERE i.at_us >= $1 AND i.at_us < $2 GROUP BY GROUPING SETS ((m.unit_code), ()))"
        " SELECT r.unit_code, r.name, coalesce(a.n, 0), coalesce(a.k1, 0), coalesce(a.k2, 0),"
        " coalesce(a.k3, 0), coalesce(a.k4, 0), coalesce(a.k5, 0), coalesce(a.major, 0),"
        " coalesce(a.on_duty, 0)" BY_UNIT_FROM BY_UNIT_ORDER,
        2, p, err);
}

PGresult *report_store_q_incident_list(fc_pg_t *pg, const report_week_t *wk, int limit,
                                       fc_err_t *err)
{
    WEEK_PARAMS(wk);
    char lim[16];
    I64(lim, limit);
    const char *p[] = {ws, we, lim};
    return fc_pg_exec(pg,
                      "SELECT i.incident_id, i.at_us, m.unit_code, i.employee_no,"
                      " coalesce(p.name, ''), i.kind, i.major::int, i.on_duty::int, i.description,"
                      " count(*) OVER () FROM incident i JOIN rpt_map m ON m.org_code = i.org_code"
                      " LEFT JOIN person p ON p.employee_no = i.employee_no"
                      " WHERE i.at_us >= $1 AND i.at_us < $2 ORDER BY i.at_us, i.incident_id"
                      " LIMIT $3",
                      3, p, err);
}

/* $1 start, $2 end, $3 now, $4 the visit window (us) */
#define VISIT_CTE                                                                                  \
    "WITH v AS (SELECT i.incident_id, i.at_us, m.unit_code, i.employee_no, i.kind, t.task_id,"     \
    "  t.due_us, t.done_us, CASE WHEN t.task_id IS NULL THEN 'no_task'"                            \
    "  WHEN t.state = 'done' AND t.done_us <= i.at_us + $4::bigint THEN 'in_time'"                 \
    "  WHEN t.state = 'done' THEN 'late' WHEN t.state = 'cancelled' THEN 'cancelled'"              \
    "  WHEN $3::bigint > i.at_us + $4::bigint THEN 'overdue' ELSE 'pending' END AS status"         \
    "  FROM incident i JOIN rpt_map m ON m.org_code = i.org_code"                                  \
    "  LEFT JOIN LATERAL (SELECT * FROM notify_task t WHERE t.kind = 'incident_visit'"             \
    "  AND t.subject = 'incident:' || i.incident_id ORDER BY t.task_id LIMIT 1) t ON true"         \
    "  WHERE i.at_us >= $1 AND i.at_us < $2)"

PGresult *report_store_q_visits(fc_pg_t *pg, const report_week_t *wk, int64_t now_us, int within_h,
                                fc_err_t *err)
{
    WEEK_PARAMS(wk);
    char now[24], win[24];
    I64(now, now_us);
    I64(win, (int64_t)within_h * 3600 * FC_US_PER_S);
    const char *p[] = {ws, we, now, win};
    return fc_pg_exec(
        pg,
        VISIT_CTE
        ","
        " a AS (SELECT unit_code, count(*) n, count(*) FILTER (WHERE status = 'in_time') s1,"
        "  count(*) FILTER (WHERE status = 'late') s2, count(*) FILTER (WHERE status = 'overdue') "
        "s3,"
        "  count(*) FILTER (WHERE status = 'pending') s4,"
        "  count(*) FILTER (WHERE status = 'cancelled') s5,"
        "  count(*) FILTER (WHERE status = 'no_task') s6 FROM v"
        "  GROUP BY GROUPING SETS ((unit_code), ()))"
        " SELECT r.unit_code, r.name, coalesce(a.n, 0), coalesce(a.s1, 0), coalesce(a.s2, 0),"
        " coalesce(a.s3, 0), coalesce(a.s4, 0), coalesce(a.s5, 0), coalesce(a.s6, 0)" BY_UNIT_FROM
            BY_UNIT_ORDER,
        4, p, err);
}

PGresult *report_store_q_visit_list(fc_pg_t *pg, const report_week_t *wk, int64_t now_us,
                                    int within_h, int limit, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    char now[24], win[24], lim[16];
    I64(now, now_us);
    I64(win, (int64_t)within_h * 3600 * FC_US_PER_S);
    I64(lim, limit);
    const char *p[] = {ws, we, now, win, lim};
    return fc_pg_exec(pg,
                      VISIT_CTE " SELECT v.incident_id, v.at_us, v.unit_code, v.employee_no,"
                                " coalesce(p.name, ''), v.kind, v.task_id, v.due_us,"
                                " nullif(v.done_us, 0), v.status, count(*) OVER () FROM v"
                                " LEFT JOIN person p ON p.employee_no = v.employee_no"
                                " ORDER BY v.at_us, v.incident_id LIMIT $5",
                      5, p, err);
}

PGresult *report_store_q_funds(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    const char *p[] = {ws, we};
    return fc_pg_exec(
        pg,
        "WITH d AS (SELECT m.unit_code, x.* FROM disbursement x"
        "  JOIN rpt_map m ON m.org_code = x.payer_org),"
        " x AS (SELECT unit_code,"
        "  sum(amount_fen) FILTER (WHERE paid_us < $2 AND (reversed_us IS NULL"
        "   OR reversed_us >= $2)) paid_to_date,"
        "  sum(amount_fen) FILTER (WHERE requested_us < $2 AND coalesce(paid_us, closed_us,"
        "   9223372036854775807) >= $2) pending,"
        "  count(*) FILTER (WHERE paid_us >= $1 AND paid_us < $2) paid_count,"
        "  sum(amount_fen) FILTER (WHERE paid_us >= $1 AND paid_us < $2"
        "   AND kind = 'condolence') k1,"
        "  sum(amount_fen) FILTER (WHERE paid_us >= $1 AND paid_us < $2"
        "   AND kind = 'frontline_subsidy') k2,"
        "  sum(amount_fen) FILTER (WHERE paid_us >= $1 AND paid_us < $2"
        "   AND kind = 'epidemic_allowance') k3,"
        "  sum(amount_fen) FILTER (WHERE paid_us >= $1 AND paid_us < $2"
        "   AND kind = 'hardship') k4,"
        "  sum(amount_fen) FILTER (WHERE paid_us >= $1 AND paid_us < $2"
        "   AND kind = 'insurance_claim') k5,"
        "  sum(amount_fen) FILTER (WHERE paid_us >= $1 AND paid_us < $2) paid_week,"
        "  sum(amount_fen) FILTER (WHERE reversed_us >= $1 AND reversed_us < $2) reversed"
        "  FROM d GROUP BY GROUPING SETS ((unit_code), ())),"
        /* a unit's budget: what came into its subtree from outside it, less what left it */
        " f AS (SELECT f.amount_fen, mf.unit_code uf, mt.unit_code ut FROM funds_moved f"
        "  LEFT JOIN rpt_map mf ON mf.org_code = f.from_org"
        "  LEFT JOIN rpt_map mt ON mt.org_code = f.to_org WHERE f.at_us < $2),"
        " b AS (SELECT unit_code, sum(amt) budget FROM ("
        "   SELECT ut unit_code, amount_fen amt FROM f WHERE ut IS NOT NULL AND ut <> ''"
        "    AND uf IS DISTINCT FROM ut"
        "   UNION ALL SELECT uf, -amount_fen FROM f WHERE uf IS NOT NULL AND uf <> ''"
        "    AND ut IS DISTINCT FROM uf) y GROUP BY unit_code"
        "  UNION ALL SELECT NULL, sum(CASE WHEN ut IS NOT NULL AND uf IS NULL THEN amount_fen"
        "   WHEN uf IS NOT NULL AND ut IS NULL THEN -amount_fen ELSE 0 END) FROM f),"
        " a AS (SELECT r0.unit_code, coalesce(b.budget, 0) budget,"
        "  coalesce(x.paid_to_date, 0) paid_to_date, coalesce(x.pending, 0) pending,"
        "  coalesce(x.paid_count, 0) paid_count, coalesce(x.k1, 0) k1, coalesce(x.k2, 0) k2,"
        "  coalesce(x.k3, 0) k3, coalesce(x.k4, 0) k4, coalesce(x.k5, 0) k5,"
        "  coalesce(x.paid_week, 0) paid_week, coalesce(x.reversed, 0) reversed FROM rpt_rows r0"
        "  LEFT JOIN x ON x.unit_code IS NOT DISTINCT FROM r0.unit_code"
        "  LEFT JOIN b ON b.unit_code IS NOT DISTINCT FROM r0.unit_code)"
        " SELECT r.unit_code, r.name, a.budget, a.paid_to_date,"
        " CASE WHEN a.budget > 0 THEN a.paid_to_date * 1000 / a.budget END, a.pending,"
        " a.paid_count, a.k1, a.k2, a.k3, a.k4, a.k5, a.paid_week, a.reversed" BY_UNIT_FROM
            BY_UNIT_ORDER,
        2, p, err);
}

PGresult *report_store_q_hardship(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    const char *p[] = {ws, we};
    return fc_pg_exec(pg,
                      "WITH a AS (SELECT m.unit_code,"
                      "  count(*) FILTER (WHERE h.opened_us >= $1 AND h.opened_us < $2) opened,"
                      "  count(*) FILTER (WHERE h.closed_us >= $1 AND h.closed_us < $2) closed,"
                      "  count(*) FILTER (WHERE h.opened_us < $2 AND (h.closed_us IS NULL"
                      "   OR h.closed_us >= $2)) open_at_end"
                      "  FROM hardship h JOIN rpt_map m ON m.org_code = h.org_code"
                      "  GROUP BY GROUPING SETS ((m.unit_code), ()))"
                      " SELECT r.unit_code, r.name, coalesce(a.opened, 0), coalesce(a.closed, 0),"
                      " coalesce(a.open_at_end, 0)" BY_UNIT_FROM BY_UNIT_ORDER,
                      2, p, err);
}

/* $1 iso_week, $2 now: each expected member or submitter with their status */
#define WEEKLY_CTE                                                                                 \
    "WITH e AS (SELECT m.unit_code, p.employee_no FROM person p JOIN rpt_map m"                    \
    "  ON m.org_code = p.org_code JOIN rpt_due d ON d.unit_code = m.unit_code"                     \
    "  WHERE p.leadership_team AND p.first_seen_us < d.due_us),"                                   \
    " s AS (SELECT coalesce(mp.unit_code, mw.unit_code) unit_code, w.employee_no,"                 \
    "  w.submitted_us, w.no_outbreak, w.production_stable FROM weekly_report w"                    \
    "  LEFT JOIN person p ON p.employee_no = w.employee_no"                                        \
    "  LEFT JOIN rpt_map mp ON mp.org_code = p.org_code"                                           \
    "  LEFT JOIN rpt_map mw ON mw.org_code = w.org_code"                                           \
    "  WHERE w.iso_week = $1 AND coalesce(mp.unit_code, mw.unit_code) IS NOT NULL),"               \
    " x AS (SELECT coalesce(e.unit_code, s.unit_code) unit_code,"                                  \
    "  coalesce(e.employee_no, s.employee_no) employee_no, e.employee_no IS NOT NULL expected,"    \
    "  s.employee_no IS NOT NULL submitted, s.submitted_us, d.due_us,"                             \
    "  CASE WHEN s.employee_no IS NULL THEN CASE WHEN $2::bigint > d.due_us THEN 'missing'"        \
    "  ELSE 'not_due' END WHEN s.submitted_us <= d.due_us THEN 'on_time' ELSE 'late' END status"   \
    "  FROM e FULL JOIN s ON s.employee_no = e.employee_no"                                        \
    "  LEFT JOIN rpt_due d ON d.unit_code = coalesce(e.unit_code, s.unit_code))"

PGresult *report_store_q_weekly(fc_pg_t *pg, const report_week_t *wk, int64_t now_us, fc_err_t *err)
{
    char now[24];
    I64(now, now_us);
    const char *p[] = {wk->iso_week, now};
    return fc_pg_exec(pg,
                      WEEKLY_CTE
                      ","
                      " a AS (SELECT unit_code, count(*) FILTER (WHERE expected) expected,"
                      "  count(*) FILTER (WHERE submitted) submitted,"
                      "  count(*) FILTER (WHERE status = 'on_time') on_time,"
                      "  count(*) FILTER (WHERE status = 'late') late,"
                      "  count(*) FILTER (WHERE status = 'missing') missing,"
                      "  count(*) FILTER (WHERE status = 'not_due') not_due"
                      "  FROM x GROUP BY GROUPING SETS ((unit_code), ()))"
                      " SELECT r.unit_code, r.name, d.due_us, coalesce(a.expected, 0),"
                      " coalesce(a.submitted, 0), coalesce(a.on_time, 0), coalesce(a.late, 0),"
                      " coalesce(a.missing, 0), coalesce(a.not_due, 0)" BY_UNIT_FROM
                      " LEFT JOIN rpt_due d ON d.unit_code = r.unit_code" BY_UNIT_ORDER,
                      2, p, err);
}

PGresult *report_store_q_weekly_list(fc_pg_t *pg, const report_week_t *wk, int64_t now_us,
                                     int limit, fc_err_t *err)
{
    char now[24], lim[16];
    I64(now, now_us);
    I64(lim, limit);
    const char *p[] = {wk->iso_week, now, lim};
    return fc_pg_exec(pg,
                      WEEKLY_CTE " SELECT x.unit_code, x.employee_no, coalesce(p.name, ''),"
                                 " x.status, x.due_us, x.submitted_us, count(*) OVER () FROM x"
                                 " LEFT JOIN person p ON p.employee_no = x.employee_no"
                                 " WHERE x.status IN ('late', 'missing')"
                                 " ORDER BY x.unit_code, x.status, x.employee_no LIMIT $3",
                      3, p, err);
}

PGresult *report_store_q_two_ensures(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    (void)wsd;
    (void)wed;
    const char *p[] = {ws, we, wk->iso_week};
    return fc_pg_exec(
        pg,
        "WITH s AS (SELECT coalesce(mp.unit_code, mw.unit_code) unit_code, w.no_outbreak,"
        "  w.production_stable FROM weekly_report w"
        "  LEFT JOIN person p ON p.employee_no = w.employee_no"
        "  LEFT JOIN rpt_map mp ON mp.org_code = p.org_code"
        "  LEFT JOIN rpt_map mw ON mw.org_code = w.org_code"
        "  WHERE w.iso_week = $3 AND coalesce(mp.unit_code, mw.unit_code) IS NOT NULL),"
        " x AS (SELECT unit_code, count(*) reports,"
        "  count(*) FILTER (WHERE NOT no_outbreak) fo,"
        "  count(*) FILTER (WHERE NOT production_stable) fp"
        "  FROM s GROUP BY GROUPING SETS ((unit_code), ()))," NEW_STATUS_CTE ","
        " a AS (SELECT r0.unit_code, coalesce(x.reports, 0) reports, coalesce(x.fo, 0) fo,"
        "  coalesce(x.fp, 0) fp, coalesce(nc.new_confirmed, 0) new_confirmed FROM rpt_rows r0"
        "  LEFT JOIN x ON x.unit_code IS NOT DISTINCT FROM r0.unit_code"
        "  LEFT JOIN nc ON nc.unit_code IS NOT DISTINCT FROM r0.unit_code)"
        " SELECT r.unit_code, r.name, a.reports, a.fo, a.fp,"
        " CASE WHEN r.unit_code IS NULL THEN NULL WHEN a.reports = 0 THEN '无周报'"
        "  WHEN a.fo > 0 THEN '未达标' ELSE '达标' END,"
        " CASE WHEN r.unit_code IS NULL THEN NULL WHEN a.reports = 0 THEN '无周报'"
        "  WHEN a.fp > 0 THEN '未达标' ELSE '达标' END,"
        " CASE WHEN r.unit_code IS NULL THEN NULL WHEN a.fo > 0 OR a.fp > 0 THEN '不称职'"
        "  ELSE '' END,"
        " CASE WHEN r.unit_code IS NOT NULL THEN (a.fo > 0 OR a.fp > 0)::int"
        "  ELSE (SELECT count(*) FROM a a2 WHERE a2.unit_code IS NOT NULL"
        "  AND (a2.fo > 0 OR a2.fp > 0)) END,"
        " a.new_confirmed" BY_UNIT_FROM BY_UNIT_ORDER,
        3, p, err);
}

PGresult *report_store_q_merits(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    const char *p[] = {ws, we};
    return fc_pg_exec(
        pg,
        "WITH a AS (SELECT m.unit_code, count(*) FILTER (WHERE kind = 'commendation') k1,"
        "  count(*) FILTER (WHERE kind = 'merit') k2,"
        "  count(*) FILTER (WHERE kind = 'public_praise') k3,"
        "  count(*) FILTER (WHERE NOT accountability) good,"
        "  count(*) FILTER (WHERE kind = 'accountability') k4,"
        "  count(*) FILTER (WHERE kind = 'reassignment') k5,"
        "  count(*) FILTER (WHERE kind = 'disciplinary') k6"
        "  FROM merit_live x JOIN rpt_map m ON m.org_code = x.org_code"
        "  WHERE x.at_us >= $1 AND x.at_us < $2 GROUP BY GROUPING SETS ((m.unit_code), ()))"
        " SELECT r.unit_code, r.name, coalesce(a.k1, 0), coalesce(a.k2, 0), coalesce(a.k3, 0),"
        " coalesce(a.good, 0), coalesce(a.k4, 0), coalesce(a.k5, 0), coalesce(a.k6, 0)" BY_UNIT_FROM
            BY_UNIT_ORDER,
        2, p, err);
}

PGresult *report_store_q_merit_list(fc_pg_t *pg, const report_week_t *wk, int limit, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    char lim[16];
    I64(lim, limit);
    const char *p[] = {ws, we, lim};
    return fc_pg_exec(pg,
                      "SELECT x.record_id, x.at_us, m.unit_code, x.employee_no,"
                      " coalesce(p.name, ''), x.kind, x.reason, x.issued_by, count(*) OVER ()"
                      " FROM merit_live x JOIN rpt_map m ON m.org_code = x.org_code"
                      " LEFT JOIN person p ON p.employee_no = x.employee_no"
                      " WHERE x.at_us >= $1 AND x.at_us < $2 ORDER BY x.at_us, x.record_id"
                      " LIMIT $3",
                      3, p, err);
}

/* 驻村第一书记 (002 §12) by unit: on assignment at the week end, returned during the week,
 * returned before the week end, and past the planned return (as of now) still in the village */
PGresult *report_store_q_village(fc_pg_t *pg, const report_week_t *wk, int64_t now_us,
                                 fc_err_t *err)
{
    WEEK_PARAMS(wk);
    char now[24];
    I64(now, now_us);
    const char *p[] = {ws, we, now};
    return fc_pg_exec(
        pg,
        "WITH a AS (SELECT m.unit_code,"
        "  count(DISTINCT x.employee_no) FILTER (WHERE x.start_us < $2"
        "  AND (x.returned_us IS NULL OR x.returned_us >= $2)) onv,"
        "  count(*) FILTER (WHERE x.returned_us >= $1 AND x.returned_us < $2) rw,"
        "  count(*) FILTER (WHERE x.returned_us < $2) rt,"
        "  count(*) FILTER (WHERE x.start_us < $2 AND x.planned_return_us < least($2, $3)"
        "  AND (x.returned_us IS NULL OR x.returned_us >= least($2, $3))) od"
        "  FROM village x JOIN rpt_map m ON m.org_code = x.org_code"
        "  GROUP BY GROUPING SETS ((m.unit_code), ()))"
        " SELECT r.unit_code, r.name, coalesce(a.onv, 0), coalesce(a.rw, 0), coalesce(a.rt, 0),"
        " coalesce(a.od, 0)" BY_UNIT_FROM BY_UNIT_ORDER,
        3, p, err);
}

PGresult *report_store_q_village_list(fc_pg_t *pg, const report_week_t *wk, int limit,
                                      fc_err_t *err)
{
    WEEK_PARAMS(wk);
    char lim[16];
    I64(lim, limit);
    const char *p[] = {ws, we, lim};
    return fc_pg_exec(pg,
                      "SELECT m.unit_code, x.employee_no, coalesce(p.name, ''), x.village,"
                      " x.township, x.start_us, x.planned_return_us, x.returned_us,"
                      " count(*) OVER () FROM village x JOIN rpt_map m ON m.org_code = x.org_code"
                      " LEFT JOIN person p ON p.employee_no = x.employee_no"
                      " WHERE x.start_us < $2 AND (x.returned_us IS NULL OR x.returned_us >= $1)"
                      " ORDER BY m.unit_code, x.employee_no, x.start_us LIMIT $3",
                      3, p, err);
}

/* 撑腰鼓劲 (000 §9) by unit: fault-tolerance decisions and clarifications dated in the week, the
 * records they cleared, discrimination cases reported and closed in the week, open at its end,
 * and of those the ones past the close deadline notify chases them by (its task
 * discrimination_close, due close_within_days after the report; as of now) */
PGresult *report_store_q_support(fc_pg_t *pg, const report_week_t *wk, int64_t now_us,
                                 fc_err_t *err)
{
    WEEK_PARAMS(wk);
    char now[24];
    I64(now, now_us);
    const char *p[] = {ws, we, now};
    return fc_pg_exec(
        pg,
        "WITH x AS (SELECT org_code, kind, at_us, cleared, NULL::bigint closed_us, '' st,"
        "  NULL::bigint due_us FROM assessment_record UNION ALL SELECT d.org_code,"
        "  'discrimination', d.reported_us, 0, d.closed_us, d.state, nullif(t.due_us, 0)"
        "  FROM discrimination d LEFT JOIN notify_task t ON t.kind = 'discrimination_close'"
        "  AND t.subject = 'discrimination:' || d.case_id AND t.period = ''),"
        " a AS (SELECT m.unit_code,"
        "  count(*) FILTER (WHERE kind = 'fault_tolerance' AND at_us >= $1 AND at_us < $2) ft,"
        "  count(*) FILTER (WHERE kind = 'clarification' AND at_us >= $1 AND at_us < $2) cl,"
        "  coalesce(sum(cleared) FILTER (WHERE kind <> 'discrimination' AND at_us >= $1"
        "  AND at_us < $2), 0) cd,"
        "  count(*) FILTER (WHERE kind = 'discrimination' AND at_us >= $1 AND at_us < $2) dr,"
        "  count(*) FILTER (WHERE kind = 'discrimination' AND closed_us >= $1"
        "  AND closed_us < $2) dc,"
        "  count(*) FILTER (WHERE kind = 'discrimination' AND at_us < $2"
        "  AND (closed_us IS NULL OR closed_us >= $2)) dopen,"
        "  count(*) FILTER (WHERE kind = 'discrimination' AND at_us < $2"
        "  AND due_us < least($2, $3::bigint)"
        "  AND (closed_us IS NULL OR closed_us >= least($2, $3::bigint))) dod"
        "  FROM x JOIN rpt_map m ON m.org_code = x.org_code"
        "  GROUP BY GROUPING SETS ((m.unit_code), ()))"
        " SELECT r.unit_code, r.name, coalesce(a.ft, 0), coalesce(a.cl, 0), coalesce(a.cd, 0),"
        " coalesce(a.dr, 0), coalesce(a.dc, 0), coalesce(a.dopen, 0),"
        " coalesce(a.dod, 0)" BY_UNIT_FROM BY_UNIT_ORDER,
        3, p, err);
}

#define ENDS_CTE                                                                                   \
    "WITH pop AS (SELECT m.unit_code, p.employee_no, p.name, p.cadre_level,"                       \
    "  p.leadership_team FROM person p JOIN rpt_map m ON m.org_code = p.org_code"                  \
    "  WHERE (p.cadre_level NOT IN ('', 'none') OR p.leadership_team)"                             \
    "  AND p.first_seen_us < $2),"                                                                 \
    " k AS (SELECT employee_no, count(*) FILTER (WHERE polarity = 'good') good,"                   \
    "  count(*) FILTER (WHERE polarity = 'bad') bad FROM key_event_live"                           \
    "  WHERE at_us >= $1 AND at_us < $2 GROUP BY employee_no),"                                    \
    " mr AS (SELECT employee_no, count(*) FILTER (WHERE NOT accountability) comm,"                 \
    "  count(*) FILTER (WHERE accountability) acc FROM merit_live"                                 \
    "  WHERE at_us >= $1 AND at_us < $2 GROUP BY employee_no),"                                    \
    " ch AS (SELECT employee_no, count(DISTINCT iso_week) overdue FROM chase"                      \
    "  WHERE iso_week = ANY($3::text[]) GROUP BY employee_no),"                                    \
    " x AS (SELECT pop.*, coalesce(k.good, 0) good, coalesce(k.bad, 0) bad,"                       \
    "  coalesce(mr.comm, 0) comm, coalesce(mr.acc, 0) acc, coalesce(ch.overdue, 0) overdue"        \
    "  FROM pop LEFT JOIN k USING (employee_no) LEFT JOIN mr USING (employee_no)"                  \
    "  LEFT JOIN ch USING (employee_no))"                                                          \
    " SELECT unit_code, employee_no, name, cadre_level, leadership_team::int, good, bad, comm,"    \
    " acc, overdue, "

PGresult *report_store_q_two_ends(fc_pg_t *pg, const report_week_t *wk, const char *which,
                                  const report_ends_q_t *q, int limit, fc_err_t *err)
{
    char from[24], to[24], a[16], b[16], c[16], lim[16];
    I64(from, q->from_us);
    I64(to, wk->end_us);
    I64(lim, limit);
    int advanced = strcmp(which, "advanced") == 0;
    I64(a, advanced ? q->min_good : q->min_bad);
    I64(b, advanced ? q->min_commend : q->min_accountability);
    I64(c, advanced ? q->exclude_bad : q->min_overdue);
    const char *p[] = {from, to, q->weeks, a, b, c, lim};
    if (advanced)
        return fc_pg_exec(
            pg,
            ENDS_CTE
            "concat_ws('；', CASE WHEN good > 0 THEN format('好的关键事件 %s 件', good)"
            " END, CASE WHEN comm > 0 THEN format('受表彰 %s 次', comm) END),"
            " count(*) OVER () FROM x"
            " WHERE (($4::int > 0 AND good >= $4::int) OR ($5::int > 0 AND comm >= $5::int))"
            " AND NOT ($6::int <> 0 AND (bad > 0 OR acc > 0))"
            " ORDER BY unit_code, employee_no LIMIT $7",
            7, p, err);
    return fc_pg_exec(
        pg,
        ENDS_CTE "concat_ws('；', CASE WHEN bad > 0 THEN format('不好的关键事件 %s 件', bad) END,"
                 " CASE WHEN acc > 0 THEN format('被问责或组织处理 %s 次', acc) END,"
                 " CASE WHEN overdue > 0 THEN format('周报迟报或漏报 %s 周', overdue) END),"
                 " count(*) OVER () FROM x"
                 " WHERE ($4::int > 0 AND bad >= $4::int) OR ($5::int > 0 AND acc >= $5::int)"
                 " OR ($6::int > 0 AND overdue >= $6::int)"
                 " ORDER BY unit_code, employee_no LIMIT $7",
        7, p, err);
}

PGresult *report_store_q_candidates(fc_pg_t *pg, const report_week_t *wk, const char *which,
                                    const report_cand_q_t *q, int limit, fc_err_t *err)
{
    char from[24], to[24], fd[16], td[16], md[16], mm[16], ex[8], ip[8], lim[16];
    I64(from, q->from_us);
    I64(to, wk->end_us);
    I64(fd, q->from_day);
    I64(td, wk->end_day);
    I64(md, q->min_duty_days);
    I64(mm, q->min_merits);
    I64(ex, q->exclude_bad);
    I64(ip, q->include_proposed);
    I64(lim, limit);
    char nd[16], vd[8];
    I64(nd, q->now_day);
    I64(vd, q->village_days);
    int fast = strcmp(which, "fast_track") == 0;
    const char *p[] = {from, to, fd, td, md, mm, ex, ip, q->statuses ? q->statuses : "{}",
                       lim,  nd, vd};
    const char *pop_reserve =
        "WITH pop AS (SELECT m.unit_code, p.employee_no, p.name, p.cadre_level AS status,"
        "  false AS proposed FROM person p JOIN rpt_map m ON m.org_code = p.org_code"
        "  WHERE (p.cadre_level NOT IN ('', 'none') OR p.young_cadre"
        "  OR ($12::int <> 0 AND EXISTS (SELECT 1 FROM village v"
        "  WHERE v.employee_no = p.employee_no AND v.start_us < $2"
        "  AND coalesce(v.returned_us, $2) > $1))) AND NOT p.reserve_pool"
        "  AND p.first_seen_us < $2 AND $9::text[] IS NOT NULL AND $8::int >= 0),";
    const char *pop_fast =
        "WITH pop AS (SELECT m.unit_code, p.employee_no, p.name, p.party_status AS status,"
        "  coalesce(pc.fast_track, false) AND $8::int <> 0 AS proposed FROM person p"
        "  JOIN rpt_map m ON m.org_code = p.org_code"
        "  LEFT JOIN party_candidate pc ON pc.employee_no = p.employee_no"
        "  WHERE p.party_status = ANY($9::text[]) AND p.first_seen_us < $2),";
    char *sql = fc_xasprintf(
        "%s"
        /* a day on village assignment (002 §12: the rural front line) is a frontline day:
         * from the start day to the day before the return, at most up to today */
        " vday AS (SELECT v.employee_no, g.day FROM village v"
        "  JOIN pop ON pop.employee_no = v.employee_no,"
        "  generate_series(greatest(v.start_day, $3::int),"
        "  least(coalesce(v.return_day - 1, $11::int), $4::int - 1, $11::int)) g(day)"
        "  WHERE $12::int <> 0),"
        " vd AS (SELECT employee_no, count(DISTINCT day) vdays FROM vday GROUP BY employee_no),"
        " dd AS (SELECT u.employee_no, count(DISTINCT u.day) days FROM ("
        "  SELECT d.employee_no, g.day FROM duty d"
        "  JOIN pop ON pop.employee_no = d.employee_no,"
        "  generate_series(greatest(d.start_day, $3::int), least(d.end_day, $4::int - 1)) g(day)"
        "  WHERE d.start_us < $2 AND coalesce(d.end_us, d.start_us + 1) > $1"
        "  UNION ALL SELECT employee_no, day FROM vday) u GROUP BY u.employee_no),"
        " k AS (SELECT employee_no, count(*) FILTER (WHERE polarity = 'good') good,"
        "  count(*) FILTER (WHERE polarity = 'bad') bad FROM key_event_live"
        "  WHERE at_us >= $1 AND at_us < $2 GROUP BY employee_no),"
        " mr AS (SELECT employee_no, count(*) FILTER (WHERE NOT accountability) comm,"
        "  count(*) FILTER (WHERE accountability) acc FROM merit_live"
        "  WHERE at_us >= $1 AND at_us < $2 GROUP BY employee_no),"
        " x AS (SELECT pop.*, coalesce(dd.days, 0) days, coalesce(vd.vdays, 0) vdays,"
        "  coalesce(k.good, 0) + coalesce(mr.comm, 0) merits,"
        "  coalesce(k.bad, 0) + coalesce(mr.acc, 0) bads FROM pop"
        "  LEFT JOIN dd USING (employee_no) LEFT JOIN k USING (employee_no)"
        "  LEFT JOIN mr USING (employee_no) LEFT JOIN vd USING (employee_no))"
        " SELECT unit_code, employee_no, name, status, days, merits, proposed::int,"
        " concat_ws('；', format('一线执勤 %%s 天', days),"
        "  CASE WHEN vdays > 0 THEN format('其中驻村第一书记 %%s 天', vdays) END,"
        "  CASE WHEN merits > 0 THEN format('表彰及好的关键事件 %%s 次', merits) END,"
        "  CASE WHEN proposed THEN '组织已提名火线发展' END), count(*) OVER () FROM x"
        " WHERE %s ORDER BY unit_code, employee_no LIMIT $10",
        fast ? pop_fast : pop_reserve,
        fast ? "((days >= $5::int AND merits >= $6::int) OR proposed) AND $7::int >= 0"
             : "days >= $5::int AND merits >= $6::int AND NOT ($7::int <> 0 AND bads > 0)");
    PGresult *r = fc_pg_exec(pg, sql, 12, p, err);
    free(sql);
    return r;
}

/* ---- stored reports -------------------------------------------------------------------- */

int report_store_find_request(fc_pg_t *pg, const char *request_id, int64_t *id_out, int *found,
                              fc_err_t *err)
{
    const char *p[] = {request_id};
    PGresult *r = fc_pg_exec(pg, "SELECT id FROM report WHERE request_id = $1", 1, p, err);
    if (!r)
        return s_rc(err);
    *found = PQntuples(r) == 1;
    *id_out = *found ? fc_pg_int(r, 0, 0) : 0;
    PQclear(r);
    return FC_OK;
}

int report_store_next_version(fc_pg_t *pg, const char *iso_week, const char *org_code,
                              int64_t *id_out, int *version_out, fc_err_t *err)
{
    const char *p[] = {iso_week, org_code};
    int rc = fc_pg_cmd(pg, "SELECT pg_advisory_xact_lock(hashtext('report:' || $1 || '/' || $2))",
                       2, p, NULL, err);
    if (rc != FC_OK)
        return rc;
    PGresult *r = fc_pg_exec(pg,
                             "SELECT coalesce(max(version), 0) + 1,"
                             " nextval(pg_get_serial_sequence('report', 'id'))"
                             " FROM report WHERE iso_week = $1 AND org_code = $2",
                             2, p, err);
    if (!r)
        return s_rc(err);
    *version_out = (int)fc_pg_int(r, 0, 0);
    *id_out = fc_pg_int(r, 0, 1);
    PQclear(r);
    return FC_OK;
}

int report_store_insert(fc_pg_t *pg, const report_row_t *row, const uint8_t *body, size_t len,
                        fc_err_t *err)
{
    char id[24], ver[16], ps[24], pe[24], gen[24];
    I64(id, row->id);
    I64(ver, row->version);
    I64(ps, row->period_start_us);
    I64(pe, row->period_end_us);
    I64(gen, row->generated_us);
    const char *p[] = {id,
                       row->iso_week,
                       row->org_code,
                       ver,
                       row->completeness,
                       row->missing,
                       s_b(row->empty),
                       row->trigger,
                       row->request_id,
                       ps,
                       pe,
                       gen,
                       row->generated_by,
                       (const char *)body};
    int lengths[14] = {0};
    int formats[14] = {0};
    lengths[13] = (int)len;
    formats[13] = 1;
    PGresult *r = fc_pg_execb(pg,
                              "INSERT INTO report (id, iso_week, org_code, version, completeness,"
                              " missing, empty, trigger, request_id, period_start_us,"
                              " period_end_us, generated_us, generated_by, body, body_sha256)"
                              " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
                              " $14, encode(sha256($14), 'hex'))",
                              14, p, lengths, formats, err);
    if (!r)
        return s_rc(err);
    PQclear(r);
    return FC_OK;
}

PGresult *report_store_get(fc_pg_t *pg, int64_t id, const char *iso_week, const char *org_code,
                           int version, fc_err_t *err)
{
    char ids[24], ver[16];
    I64(ids, id);
    I64(ver, version);
    const char *p[] = {ids, iso_week ? iso_week : "", org_code ? org_code : "", ver};
    PGresult *r = fc_pg_execb(pg,
                              "SELECT id, org_code, body, body_sha256 FROM report"
                              " WHERE ($1::bigint > 0 AND id = $1::bigint) OR ($1::bigint = 0"
                              " AND iso_week = $2 AND org_code = $3"
                              " AND ($4::int = 0 OR version = $4::int))"
                              " ORDER BY version DESC LIMIT 1",
                              4, p, NULL, NULL, err);
    if (r && PQntuples(r) == 0) {
        PQclear(r);
        r = NULL;
        if (id > 0)
            fc_err_set(err, FC_ENOTFOUND, "report_id", "报表 %lld 不存在", (long long)id);
        else
            fc_err_set(err, FC_ENOTFOUND, version ? "version" : "iso_week", "没有 %s “%s”的报表%s",
                       iso_week, org_code, version ? "（该版本不存在）" : "（尚未生成）");
    }
    return r;
}

PGresult *report_store_list(fc_pg_t *pg, const char *iso_week, const char *org_code,
                            const char *scope, int limit, fc_err_t *err)
{
    char lim[16];
    I64(lim, limit);
    const char *p[] = {iso_week ? iso_week : "", org_code ? org_code : "", scope ? scope : "", lim};
    return fc_pg_exec(
        pg,
        "WITH RECURSIVE t(org_code, depth) AS (SELECT org_code, 0 FROM org WHERE org_code = $3"
        " UNION ALL SELECT o.org_code, t.depth + 1 FROM org o JOIN t ON o.parent_code = t.org_code"
        " WHERE t.depth < 64)"
        " SELECT id, iso_week, org_code, version, completeness, array_to_string(missing, ','),"
        " trigger, period_start_us, period_end_us, generated_us, generated_by, empty::int,"
        " body_sha256 FROM report WHERE ($1 = '' OR iso_week = $1) AND ($2 = '' OR org_code = $2)"
        " AND ($3 = '' OR org_code IN (SELECT org_code FROM t))"
        " ORDER BY iso_week DESC, org_code, version DESC LIMIT $4",
        4, p, err);
}

int report_store_in_subtree(fc_pg_t *pg, const char *org_code, const char *scope, fc_err_t *err)
{
    const char *p[] = {org_code, scope};
    PGresult *r = fc_pg_exec(pg,
                             "WITH RECURSIVE up(org_code, parent_code, depth) AS ("
                             " SELECT org_code, parent_code, 0 FROM org WHERE org_code = $1"
                             " UNION ALL SELECT o.org_code, o.parent_code, up.depth + 1 FROM org o"
                             " JOIN up ON o.org_code = up.parent_code WHERE up.depth < 64)"
                             " SELECT EXISTS (SELECT 1 FROM up WHERE org_code = $2)",
                             2, p, err);
    int v = r ? strcmp(PQgetvalue(r, 0, 0), "t") == 0 : -1;
    PQclear(r);
    return v;
}

int report_store_schedule_done(fc_pg_t *pg, const char *schedule, const char *period, fc_err_t *err)
{
    const char *p[] = {schedule, period};
    PGresult *r = fc_pg_exec(pg, "SELECT 1 FROM schedule_runs WHERE schedule = $1 AND period = $2",
                             2, p, err);
    int v = r ? PQntuples(r) > 0 : -1;
    PQclear(r);
    return v;
}

/* ---- benefit application cases ----------------------------------------------------------- */

int report_store_benefit(fc_pg_t *pg, const Fc__V1__BenefitCaseEvent *m, const char *what,
                         int64_t at_us, fc_err_t *err)
{
    const Fc__V1__BenefitCase *x = m->benefit;
    char id[24], at[24], idx[24], dl[24], amt[24], opened[24], prev[24];
    I64(id, x->id);
    I64(at, at_us);
    I64(idx, x->step_index);
    I64(dl, x->step_deadline_us);
    I64(amt, x->amount_fen);
    I64(opened, x->opened_at_us ? x->opened_at_us : at_us);
    I64(prev, x->step_index - 1);
    const char *c[] = {id, x->kind, x->employee_no, x->org_code, x->payer_org, opened};
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO benefit_case (case_id, kind, employee_no, org_code, payer_org,"
                       " opened_us) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id)"
                       " DO NOTHING",
                       6, c, NULL, err);
    if (rc != FC_OK)
        return rc;
    if (strcmp(what, "closed") == 0) {
        const char *p[] = {id, at, x->state, amt, idx};
        return fc_pg_cmd(pg,
                         "WITH s AS (UPDATE benefit_step SET completed_us = $2 WHERE case_id = $1"
                         " AND step_index = $5::int AND completed_us IS NULL)"
                         " UPDATE benefit_case SET closed_us = $2, state = $3, amount_fen = $4"
                         " WHERE case_id = $1",
                         5, p, NULL, err);
    }
    if (strcmp(what, "step_changed") == 0) {
        const char *p[] = {id, prev, at};
        if ((rc = fc_pg_cmd(pg,
                            "UPDATE benefit_step SET completed_us = $3 WHERE case_id = $1"
                            " AND step_index = $2::int AND completed_us IS NULL",
                            3, p, NULL, err)) != FC_OK)
            return rc;
    }
    const char *s[] = {id, idx, x->step, at, dl};
    return fc_pg_cmd(pg,
                     "INSERT INTO benefit_step (case_id, step_index, step, started_us, deadline_us)"
                     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id, step_index) DO NOTHING",
                     5, s, NULL, err);
}

PGresult *report_store_q_benefits(fc_pg_t *pg, const report_week_t *wk, int64_t now_us,
                                  fc_err_t *err)
{
    WEEK_PARAMS(wk);
    char at[24];
    I64(at, now_us < wk->end_us ? now_us : wk->end_us);
    const char *p[] = {ws, we, at};
    return fc_pg_exec(
        pg,
        "WITH a AS (SELECT m.unit_code,"
        "  count(*) FILTER (WHERE b.opened_us >= $1 AND b.opened_us < $2) opened,"
        "  count(*) FILTER (WHERE b.closed_us >= $1 AND b.closed_us < $2) closed,"
        "  count(*) FILTER (WHERE b.closed_us >= $1 AND b.closed_us < $2"
        "   AND b.state = 'granted') granted,"
        "  count(*) FILTER (WHERE b.closed_us >= $1 AND b.closed_us < $2"
        "   AND b.state = 'refused') refused,"
        "  coalesce(sum(b.amount_fen) FILTER (WHERE b.closed_us >= $1 AND b.closed_us < $2"
        "   AND b.state = 'granted'), 0) granted_fen,"
        "  count(*) FILTER (WHERE b.opened_us < $2 AND (b.closed_us IS NULL"
        "   OR b.closed_us >= $2)) open_at_end,"
        "  count(*) FILTER (WHERE b.opened_us < $3::bigint AND (b.closed_us IS NULL"
        "   OR b.closed_us >= $3::bigint) AND EXISTS (SELECT 1 FROM benefit_step s"
        "   WHERE s.case_id = b.case_id AND s.started_us < $3::bigint"
        "   AND (s.completed_us IS NULL OR s.completed_us >= $3::bigint)"
        "   AND s.deadline_us < $3::bigint)) overdue_at_end"
        "  FROM benefit_case b JOIN rpt_map m ON m.org_code = b.org_code"
        "  GROUP BY GROUPING SETS ((m.unit_code), ()))"
        " SELECT r.unit_code, r.name, coalesce(a.opened, 0), coalesce(a.closed, 0),"
        " coalesce(a.granted, 0), coalesce(a.refused, 0), coalesce(a.granted_fen, 0),"
        " coalesce(a.open_at_end, 0), coalesce(a.overdue_at_end, 0)" BY_UNIT_FROM BY_UNIT_ORDER,
        3, p, err);
}

/* ---- supplies (welfare's supply events; docs/report-definitions.md §15) -------------------- */

int report_store_supply_moved(fc_pg_t *pg, const Fc__V1__SupplyMoved *m, fc_err_t *err)
{
    char id[24], q[24], req[24], at[24];
    I64(id, m->transfer_id);
    I64(q, m->quantity);
    I64(req, m->request_id);
    I64(at, m->at_us);
    const char *p[] = {id, m->kind, m->item, m->item_name, m->unit, q, m->from_org, m->to_org,
                       m->post_code, req, at};
    return fc_pg_cmd(pg,
                     "INSERT INTO supply_moved (transfer_id, kind, item, item_name, unit,"
                     " quantity, from_org, to_org, post_code, request_id, at_us)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                     " ON CONFLICT (transfer_id) DO NOTHING",
                     11, p, NULL, err);
}

int report_store_supply_request(fc_pg_t *pg, const Fc__V1__SupplyRequestRow *q, int64_t at_us,
                                fc_err_t *err)
{
    char id[24], qty[24], req[24], at[24], served[24], risk[16];
    I64(id, q->id);
    I64(qty, q->quantity);
    I64(req, q->requested_at_us);
    I64(at, at_us);
    I64(served, q->served);
    I64(risk, q->risk_class);
    const char *p[] = {id,  q->post_code, q->org_code, q->item, q->item_name, q->unit, qty, req,
                       at,  served,       risk};
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO supply_request (request_id, post_code, org_code, item,"
                       " item_name, unit, quantity, requested_us, served_us, risk_class)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
                       " CASE WHEN $10::bigint >= $7::bigint THEN $9::bigint END, $11)"
                       " ON CONFLICT (request_id) DO UPDATE SET served_us ="
                       " coalesce(supply_request.served_us, EXCLUDED.served_us)",
                       11, p, NULL, err);
    const char *ps[] = {id, served, at};
    if (rc == FC_OK && q->served > 0)
        rc = fc_pg_cmd(pg,
                       "INSERT INTO supply_request_served (request_id, served, at_us)"
                       " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                       3, ps, NULL, err);
    return rc;
}

int report_store_supply_need(fc_pg_t *pg, const Fc__V1__SupplyNeed *n, const char *step,
                             int64_t at_us, fc_err_t *err)
{
    char id[24], qty[24], due[24], at[24];
    I64(id, n->id);
    I64(qty, n->quantity);
    I64(due, n->due_us);
    I64(at, at_us);
    const char *p[] = {id, n->post_code, n->org_code, n->day, n->item, qty, due, at, step};
    /* recorded (again, while not met) updates quantity and due time; met and overdue stamp
     * their time once */
    return fc_pg_cmd(pg,
                     "INSERT INTO supply_need AS s (need_id, post_code, org_code, day, item,"
                     " quantity, due_us, recorded_us, met_us, overdue_us)"
                     " VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8,"
                     " CASE WHEN $9 = 'met' THEN $8::bigint END,"
                     " CASE WHEN $9 = 'overdue' THEN $8::bigint END)"
                     " ON CONFLICT (need_id) DO UPDATE SET"
                     " quantity = CASE WHEN $9 = 'recorded' AND s.met_us IS NULL"
                     "  THEN EXCLUDED.quantity ELSE s.quantity END,"
                     " due_us = CASE WHEN $9 = 'recorded' AND s.met_us IS NULL"
                     "  THEN EXCLUDED.due_us ELSE s.due_us END,"
                     " met_us = coalesce(s.met_us, EXCLUDED.met_us),"
                     " overdue_us = coalesce(s.overdue_us, EXCLUDED.overdue_us)",
                     9, p, NULL, err);
}

/* $1 week start, $2 week end. A request is open at a time when it was made before it and
 * what had been served by then is less than asked. */
#define SUPPLY_OPEN_CTE                                                                            \
    "WITH q AS (SELECT r.*, m.unit_code, coalesce((SELECT max(s.served)"                           \
    "  FROM supply_request_served s WHERE s.request_id = r.request_id AND s.at_us < $2), 0)"       \
    "  served_end FROM supply_request r JOIN rpt_map m ON m.org_code = r.org_code"                 \
    "  WHERE r.requested_us < $2)"

PGresult *report_store_q_supply_units(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err)
{
    WEEK_PARAMS(wk);
    const char *p[] = {ws, we};
    return fc_pg_exec(
        pg,
        SUPPLY_OPEN_CTE ","
        " qa AS (SELECT unit_code,"
        "  count(*) FILTER (WHERE requested_us >= $1) made,"
        "  count(*) FILTER (WHERE served_us >= $1 AND served_us < $2) served,"
        "  count(*) FILTER (WHERE served_end < quantity) open_end"
        "  FROM q GROUP BY GROUPING SETS ((unit_code), ())),"
        " na AS (SELECT m.unit_code,"
        "  count(*) FILTER (WHERE n.due_us >= $1 AND n.due_us < $2) due,"
        "  count(*) FILTER (WHERE n.due_us >= $1 AND n.due_us < $2 AND n.met_us <= n.due_us)"
        "   in_time,"
        "  count(*) FILTER (WHERE n.due_us >= $1 AND n.due_us < $2"
        "   AND (n.met_us IS NULL OR n.met_us > n.due_us)) not_in_time,"
        "  count(*) FILTER (WHERE n.recorded_us < $2 AND (n.met_us IS NULL OR n.met_us >= $2))"
        "   open_end"
        "  FROM supply_need n JOIN rpt_map m ON m.org_code = n.org_code"
        "  GROUP BY GROUPING SETS ((m.unit_code), ()))"
        " SELECT r.unit_code, r.name, coalesce(qa.made, 0), coalesce(qa.served, 0),"
        " coalesce(qa.open_end, 0), coalesce(na.due, 0), coalesce(na.in_time, 0),"
        " coalesce(na.not_in_time, 0), coalesce(na.open_end, 0)"
        " FROM rpt_rows r LEFT JOIN qa ON qa.unit_code IS NOT DISTINCT FROM r.unit_code"
        " LEFT JOIN na ON na.unit_code IS NOT DISTINCT FROM r.unit_code" BY_UNIT_ORDER,
        2, p, err);
}

PGresult *report_store_q_supply_stock(fc_pg_t *pg, const report_week_t *wk, int limit,
                                      fc_err_t *err)
{
    WEEK_PARAMS(wk);
    char lim[16];
    I64(lim, limit);
    const char *p[] = {ws, we, lim};
    /* stock of a unit = what entered its subtree (receipts, transfers from outside it) less
     * what left it (transfers out of it, issues) before the week's end */
    return fc_pg_exec(
        pg,
        SUPPLY_OPEN_CTE ","
        " mv AS (SELECT * FROM supply_moved WHERE at_us < $2),"
        " d AS (SELECT m.unit_code, mv.item, mv.quantity q, 'receipt' k, mv.at_us FROM mv"
        "  JOIN rpt_map m ON m.org_code = mv.from_org WHERE mv.kind = 'receipt'"
        "  UNION ALL SELECT m.unit_code, mv.item, -mv.quantity, mv.kind || '_out', mv.at_us"
        "  FROM mv JOIN rpt_map m ON m.org_code = mv.from_org WHERE mv.kind <> 'receipt'"
        "  UNION ALL SELECT m.unit_code, mv.item, mv.quantity, 'transfer_in', mv.at_us FROM mv"
        "  JOIN rpt_map m ON m.org_code = mv.to_org WHERE mv.kind = 'transfer'),"
        " s AS (SELECT unit_code, item, sum(q) stock_end,"
        "  coalesce(sum(q) FILTER (WHERE k = 'receipt' AND at_us >= $1), 0) received,"
        "  coalesce(sum(q) FILTER (WHERE k = 'transfer_in' AND at_us >= $1), 0) moved_in,"
        "  coalesce(-sum(q) FILTER (WHERE k = 'transfer_out' AND at_us >= $1), 0) moved_out,"
        "  coalesce(-sum(q) FILTER (WHERE k = 'issue_out' AND at_us >= $1), 0) issued"
        "  FROM d GROUP BY unit_code, item),"
        " w AS (SELECT unit_code, item, sum(quantity - served_end) waiting FROM q"
        "  WHERE served_end < quantity GROUP BY unit_code, item),"
        " x AS (SELECT coalesce(s.unit_code, w.unit_code) unit_code,"
        "  coalesce(s.item, w.item) item, coalesce(s.stock_end, 0) stock_end,"
        "  coalesce(s.received, 0) received, coalesce(s.moved_in, 0) moved_in,"
        "  coalesce(s.moved_out, 0) moved_out, coalesce(s.issued, 0) issued,"
        "  coalesce(w.waiting, 0) waiting FROM s FULL JOIN w"
        "  ON w.unit_code = s.unit_code AND w.item = s.item)"
        " SELECT x.unit_code || ':' || x.item, x.unit_code,"
        " coalesce((SELECT item_name FROM supply_moved WHERE item = x.item LIMIT 1),"
        "  (SELECT item_name FROM supply_request WHERE item = x.item LIMIT 1), x.item),"
        " coalesce((SELECT unit FROM supply_moved WHERE item = x.item LIMIT 1),"
        "  (SELECT unit FROM supply_request WHERE item = x.item LIMIT 1), ''),"
        " x.stock_end, x.received, x.moved_in, x.moved_out, x.issued,"
        " CASE WHEN x.issued > 0 THEN x.stock_end * 7 / x.issued END, x.waiting,"
        " count(*) OVER () FROM x ORDER BY x.unit_code, x.item LIMIT $3",
        3, p, err);
}
