/* report_store: every SQL statement of the report service, for its own schema only: the
 * projections kept from other services' events, the aggregate queries of each section, the
 * stored reports and their versions, the schedule's record and the late/missing chase.
 * Query functions return a PGresult the caller PQclears; the column order of each is given
 * beside it and is what report_build expects. */
#ifndef REPORT_STORE_H
#define REPORT_STORE_H

#include <stdint.h>
#include <libpq-fe.h>
#include "fc/v1/intake.pb-c.h"
#include "fc/v1/notify.pb-c.h"
#include "fc/v1/rotation.pb-c.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_err.h"
#include "fc_pg.h"
#include "report_week.h"

/* ---- projections (inside the consumer's transaction) ---- */
int report_store_org(fc_pg_t *pg, const Fc__V1__OrgUnit *u, int64_t at_us, fc_err_t *err);
/* The person as published; a health status different from the last known is recorded. */
int report_store_person(fc_pg_t *pg, const Fc__V1__Person *p, int64_t at_us, fc_err_t *err);
int report_store_status(fc_pg_t *pg, const char *employee_no, int status, int64_t at_us,
                        fc_err_t *err);
int report_store_checkin(fc_pg_t *pg, const Fc__V1__HealthCheckedIn *c, fc_err_t *err);
int report_store_duty(fc_pg_t *pg, const Fc__V1__DutyEvent *d, fc_err_t *err);
int report_store_incident(fc_pg_t *pg, const Fc__V1__IncidentReported *i, fc_err_t *err);
int report_store_hardship(fc_pg_t *pg, const Fc__V1__HardshipCase *h, int closed, int64_t at_us,
                          fc_err_t *err);
/* *inserted 1 if this was the member's first report for the week. */
int report_store_weekly_report(fc_pg_t *pg, const Fc__V1__WeeklyReportSubmitted *w, int *inserted,
                               fc_err_t *err);
int report_store_merit(fc_pg_t *pg, const Fc__V1__MeritRecord *m, fc_err_t *err);
int report_store_key_event(fc_pg_t *pg, const Fc__V1__CadreKeyEvent *e, fc_err_t *err);
int report_store_party_candidate(fc_pg_t *pg, const Fc__V1__PartyCandidate *c, fc_err_t *err);
/* Records of the assessment that a fault-tolerance or clarification record cleared. */
int report_store_clearance(fc_pg_t *pg, const Fc__V1__AssessmentRecordEvent *e, fc_err_t *err);
/* A discrimination case's state (reported, handling, closed). */
int report_store_discrimination(fc_pg_t *pg, const Fc__V1__DiscriminationCaseChanged *d,
                                fc_err_t *err);
/* A village first-secretary assignment as last published (at_us: the event's time). */
int report_store_village(fc_pg_t *pg, const Fc__V1__VillageAssignment *a, int64_t at_us,
                         fc_err_t *err);
/* step: requested|funded|approved|paid|rejected|expired|reversed. */
int report_store_disbursement(fc_pg_t *pg, const Fc__V1__Disbursement *d, const char *step,
                              int64_t at_us, fc_err_t *err);
int report_store_funds_moved(fc_pg_t *pg, const Fc__V1__FundsMoved *f, fc_err_t *err);
int report_store_task(fc_pg_t *pg, const Fc__V1__Task *t, int64_t at_us, fc_err_t *err);
int report_store_overload(fc_pg_t *pg, const Fc__V1__OverloadWarning *w, fc_err_t *err);
int report_store_forced_rest(fc_pg_t *pg, const Fc__V1__ForcedRestOrdered *o, fc_err_t *err);

/* Name of a person, or "" (into out). */
void report_store_person_name(fc_pg_t *pg, const char *employee_no, char *out, size_t n);
/* Name of an org unit, or "". FC_ENOTFOUND if unknown. */
int report_store_org_name(fc_pg_t *pg, const char *org_code, char *out, size_t n);

/* ---- the chase of late and missing weekly reports ---- */
/* *inserted 1 if this (member, week, kind) was not raised before. */
int report_store_chase_add(fc_pg_t *pg, const char *employee_no, const char *iso_week,
                           const char *kind, const char *org_code, int64_t due_us,
                           int64_t submitted_us, int64_t detected_us, int *inserted, fc_err_t *err);
/* Subsidiaries (org_code, name), by code. */
PGresult *report_store_subsidiaries(fc_pg_t *pg, fc_err_t *err);
/* Leadership-team members of the given subsidiaries (units[i] due dues[i], PostgreSQL array
 * literals) registered before their due, with no report for iso_week and no missing raised:
 * employee_no, name, unit_code, unit_name, due_us. */
PGresult *report_store_missing_members(fc_pg_t *pg, const char *iso_week, const char *units,
                                       const char *dues, fc_err_t *err);

/* ---- building a report (inside one REPEATABLE READ transaction) ---- */
/* Starts the report's transaction (a consistent snapshot of every projection). */
int report_store_begin_snapshot(fc_pg_t *pg, fc_err_t *err);
/* Resolves the scope ("" = the group root; FC_ENOTFOUND for an unknown code) and fills the
 * temporary tables rpt_map (org_code -> unit_code) and rpt_rows (each unit, then the total
 * row with unit_code NULL). code_out/name_out get the scope. */
int report_store_scope(fc_pg_t *pg, const char *org_code, char *code_out, size_t ncode,
                       char *name_out, size_t nname, fc_err_t *err);
/* Units of the scope (unit_code, name), in row order. */
PGresult *report_store_units(fc_pg_t *pg, fc_err_t *err);
/* Fills rpt_due from arrays (PostgreSQL literals) of unit codes and due times. */
int report_store_set_dues(fc_pg_t *pg, const char *units, const char *dues, fc_err_t *err);
/* 1 if anything at all happened in the scope in the week, else 0; <0 on error. */
int report_store_has_data(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err);

/* Each by-unit query returns unit_code (NULL on the total row), unit_name, then its figures. */
/* headcount, headcount_class1, headcount_class2, person_days, duty_minutes, duty_periods,
 * open_duties */
PGresult *report_store_q_frontline(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err);
/* people, healthy, observation, quarantined, suspected, confirmed, recovered, deceased,
 * unknown, new_suspected, new_confirmed, checkins, people_checked_in, fever_checkins,
 * fever_people */
PGresult *report_store_q_health(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err);
/* warnings, warned_people, forced_rests, rested_people, rests_checked, rests_breached,
 * compliance_permille (NULL without rests) */
PGresult *report_store_q_workload(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err);
/* order_id, unit_code, employee_no, name, metric, from_us, until_us, duty_start_us, total:
 * forced rests of the week during which the person was on duty */
PGresult *report_store_q_rest_breaches(fc_pg_t *pg, const report_week_t *wk, int limit,
                                       fc_err_t *err);
/* incidents, injured, fell_ill, infected, quarantined, died, major, on_duty */
PGresult *report_store_q_incidents(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err);
/* incident_id, at_us, unit_code, employee_no, name, kind, major, on_duty, description, total */
PGresult *report_store_q_incident_list(fc_pg_t *pg, const report_week_t *wk, int limit,
                                       fc_err_t *err);
/* incidents, in_time, late, overdue, pending, no_task */
PGresult *report_store_q_visits(fc_pg_t *pg, const report_week_t *wk, int64_t now_us, int within_h,
                                fc_err_t *err);
/* incident_id, at_us, unit_code, employee_no, name, kind, task_id, due_us, done_us, status,
 * total */
PGresult *report_store_q_visit_list(fc_pg_t *pg, const report_week_t *wk, int64_t now_us,
                                    int within_h, int limit, fc_err_t *err);
/* budget_fen, paid_to_date_fen, usage_permille, pending_fen, paid_week_count, condolence,
 * frontline_subsidy, epidemic_allowance, hardship, insurance_claim, paid_week_fen,
 * reversed_week_fen */
PGresult *report_store_q_funds(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err);
/* opened, closed, open_at_end */
PGresult *report_store_q_hardship(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err);
/* due_us, expected, submitted, on_time, late, missing, not_due (needs rpt_due) */
PGresult *report_store_q_weekly(fc_pg_t *pg, const report_week_t *wk, int64_t now_us,
                                fc_err_t *err);
/* unit_code, employee_no, name, status (late|missing), due_us, submitted_us, total */
PGresult *report_store_q_weekly_list(fc_pg_t *pg, const report_week_t *wk, int64_t now_us,
                                     int limit, fc_err_t *err);
/* reports, no_outbreak_fails, production_fails, no_outbreak, production_stable, rating,
 * unfit, new_confirmed (verdict texts NULL on the total row) */
PGresult *report_store_q_two_ensures(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err);
/* commendation, merit, public_praise, commendations, accountability, reassignment,
 * disciplinary */
PGresult *report_store_q_merits(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err);
/* record_id, at_us, unit_code, employee_no, name, kind, reason, issued_by, total */
PGresult *report_store_q_merit_list(fc_pg_t *pg, const report_week_t *wk, int limit, fc_err_t *err);

typedef struct {
    int64_t from_us;                              /* window start */
    const char *weeks;                            /* the window's ISO weeks, a text[] literal */
    int min_good, min_commend, exclude_bad;       /* advanced */
    int min_bad, min_accountability, min_overdue; /* lagging */
} report_ends_q_t;
/* which: "advanced" | "lagging". unit_code, employee_no, name, cadre_level, leadership,
 * good_events, bad_events, commendations, accountability, overdue_reports, reason, total */
PGresult *report_store_q_two_ends(fc_pg_t *pg, const report_week_t *wk, const char *which,
                                  const report_ends_q_t *q, int limit, fc_err_t *err);

/* fault_tolerance, clarifications, cleared, discrimination_reported, discrimination_closed,
 * discrimination_open, discrimination_overdue (past notify's close deadline, as of now) */
PGresult *report_store_q_support(fc_pg_t *pg, const report_week_t *wk, int64_t now_us,
                                 fc_err_t *err);
/* on_assignment, returned_week, returned_to_date, overdue_return */
PGresult *report_store_q_village(fc_pg_t *pg, const report_week_t *wk, int64_t now_us,
                                 fc_err_t *err);
/* unit_code, employee_no, name, village, township, start_us, planned_return_us, returned_us,
 * total: assignments overlapping the week */
PGresult *report_store_q_village_list(fc_pg_t *pg, const report_week_t *wk, int limit,
                                      fc_err_t *err);

typedef struct {
    int64_t from_us;
    int64_t from_day;
    int min_duty_days, min_merits, exclude_bad, include_proposed;
    const char *statuses; /* fast track: Party statuses, a text[] literal */
    int64_t now_day;      /* today: village days count up to it */
    int village_days;     /* days on village assignment count as frontline days */
} report_cand_q_t;
/* which: "reserve" | "fast_track". unit_code, employee_no, name, status (cadre level or Party
 * status), duty_days, merits, proposed, reason, total */
PGresult *report_store_q_candidates(fc_pg_t *pg, const report_week_t *wk, const char *which,
                                    const report_cand_q_t *q, int limit, fc_err_t *err);

/* ---- stored reports ---- */
/* The report a command with this message id created: *found 1 and its id. */
int report_store_find_request(fc_pg_t *pg, const char *request_id, int64_t *id_out, int *found,
                              fc_err_t *err);
/* A new id and the next version for (iso_week, org_code), serialised per key. */
int report_store_next_version(fc_pg_t *pg, const char *iso_week, const char *org_code,
                              int64_t *id_out, int *version_out, fc_err_t *err);
typedef struct {
    int64_t id;
    const char *iso_week, *org_code, *completeness, *missing /* text[] literal */;
    int version, empty;
    const char *trigger, *request_id /* may be NULL */, *generated_by;
    int64_t period_start_us, period_end_us, generated_us;
} report_row_t;
int report_store_insert(fc_pg_t *pg, const report_row_t *row, const uint8_t *body, size_t len,
                        fc_err_t *err);
/* The stored body of one report (by id when id > 0, else week + org + version, 0 = latest):
 * id, org_code, body (bytea), body_sha256. FC_ENOTFOUND if none. */
PGresult *report_store_get(fc_pg_t *pg, int64_t id, const char *iso_week, const char *org_code,
                           int version, fc_err_t *err);
/* Stored reports newest first: id, iso_week, org_code, version, completeness, missing,
 * trigger, period_start_us, period_end_us, generated_us, generated_by, empty, body_sha256.
 * scope "" = all; else only reports whose org lies in scope's subtree. */
PGresult *report_store_list(fc_pg_t *pg, const char *iso_week, const char *org_code,
                            const char *scope, int limit, fc_err_t *err);
/* 1 if org_code is scope or below it (by the org projection), 0 if not, <0 on error. */
int report_store_in_subtree(fc_pg_t *pg, const char *org_code, const char *scope, fc_err_t *err);

/* ---- the schedule's record ---- */
/* 1 if the period ran already (the common schedule_runs record, fc_jobrec.h). */
int report_store_schedule_done(fc_pg_t *pg, const char *schedule, const char *period,
                               fc_err_t *err);

/* ---- benefit application cases (welfare) ---- */
/* Applies a BenefitCaseEvent: what = "opened" | "step_changed" | "closed". */
int report_store_benefit(fc_pg_t *pg, const Fc__V1__BenefitCaseEvent *m, const char *what,
                         int64_t at_us, fc_err_t *err);
/* Per unit: unit_code, name, opened, closed, granted, refused, granted_fen, open_at_end,
 * overdue_at_end (open, its step past its deadline at the week end, or now if sooner). */
PGresult *report_store_q_benefits(fc_pg_t *pg, const report_week_t *wk, int64_t now_us,
                                  fc_err_t *err);
/* ---- supplies (welfare's supply events, seed 000 §3; docs/report-definitions.md §15) ---- */
int report_store_supply_moved(fc_pg_t *pg, const Fc__V1__SupplyMoved *m, fc_err_t *err);
/* A request as published (requested or served): the served quantity is recorded at at_us. */
int report_store_supply_request(fc_pg_t *pg, const Fc__V1__SupplyRequestRow *q, int64_t at_us,
                                fc_err_t *err);
/* step: recorded | met | overdue. */
int report_store_supply_need(fc_pg_t *pg, const Fc__V1__SupplyNeed *n, const char *step,
                             int64_t at_us, fc_err_t *err);
/* By unit: unit_code, name, requests made, requests served in full, requests open at the end,
 * needs due, needs met in time, needs not met in time, needs still open at the end. */
PGresult *report_store_q_supply_units(fc_pg_t *pg, const report_week_t *wk, fc_err_t *err);
/* Per unit and item: key, unit_code, item_name, measure unit, stock at the end, received,
 * transferred in, transferred out, issued, cover days, units waiting at the end, window count. */
PGresult *report_store_q_supply_stock(fc_pg_t *pg, const report_week_t *wk, int limit,
                                      fc_err_t *err);

#endif
