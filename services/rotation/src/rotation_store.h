/* rotation_store: every SQL statement of rotation, parameterised, over its own schema:
 * the projections of intake's events, availability, overload records, spouse overrides and
 * the versioned rosters. Rows that feed the planner come back through typed callbacks. */
#ifndef ROTATION_STORE_H
#define ROTATION_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "fc/v1/intake.pb-c.h"
#include "fc_err.h"
#include "fc_mem.h"
#include "fc_pg.h"
#include "rotation_workload.h"

/* ---- projections ---- */

/* Latest-wins by at_us for each record. */
int rotation_store_org_upsert(fc_pg_t *pg, const Fc__V1__OrgUnit *u, int64_t at_us, fc_err_t *err);
/* *old_fit_out: the fitness before (1/0), or -1 if the person is new; *applied_out 0 when an
 * older event arrived after a newer one and changed nothing. */
int rotation_store_person_upsert(fc_pg_t *pg, const Fc__V1__Person *p, int64_t at_us,
                                 int *old_fit_out, int *applied_out, fc_err_t *err);
int rotation_store_post_upsert(fc_pg_t *pg, const Fc__V1__Post *p, int64_t at_us, fc_err_t *err);
int rotation_store_duty_upsert(fc_pg_t *pg, const Fc__V1__DutyEvent *d, fc_err_t *err);
int rotation_store_person_health(fc_pg_t *pg, const char *employee_no, int status, int64_t at_us,
                                 fc_err_t *err);
/* The person's unit and name; FC_ENOTFOUND if rotation has not heard of them. */
int rotation_store_person(fc_pg_t *pg, const char *employee_no, char *org, size_t norg, char *name,
                          size_t nname, fc_err_t *err);
/* The unit and its ancestors, nearest first (arena strings); just the unit if unknown. */
int rotation_store_org_chain(fc_pg_t *pg, const char *org, fc_arena_t *arena,
                             const char ***chain_out, int *n_out, fc_err_t *err);
/* FC_OK if org lies in scope's subtree, else FC_EDENIED; FC_ENOTFOUND if org is unknown. */
int rotation_store_in_scope(fc_pg_t *pg, const char *scope, const char *org, const char *field,
                            fc_err_t *err);
int rotation_store_org_exists(fc_pg_t *pg, const char *org, fc_err_t *err);
/* A person's duties starting after since_us (caller frees *out). */
int rotation_store_duties(fc_pg_t *pg, const char *employee_no, int64_t since_us,
                          rotation_duty_t **out, size_t *n_out, fc_err_t *err);

/* ---- availability ---- */

/* to_us 0: until further notice. *inserted 0 if source was recorded before. */
int rotation_store_unavail_add(fc_pg_t *pg, const char *employee_no, const char *kind,
                               int64_t from_us, int64_t to_us, const char *source,
                               const char *detail, int *inserted, fc_err_t *err);
/* Ends the open periods of those kinds ("{health,incident}") at at_us. */
int rotation_store_unavail_close(fc_pg_t *pg, const char *employee_no, const char *kinds,
                                 int64_t at_us, fc_err_t *err);

typedef struct {
    const char *employee_no, *kind, *detail;
    int64_t from_us, to_us; /* to_us 0: open */
} rotation_unavail_row_t;

/* ---- overload ---- */

int rotation_store_warning_add(fc_pg_t *pg, const char *employee_no, const char *org,
                               const char *metric, const char *local_date, int64_t value,
                               int64_t limit, int64_t at_us, int64_t duty_id, int *inserted,
                               fc_err_t *err);
/* *until_out: the end of a forced rest covering at_us, or 0. */
int rotation_store_forced_rest_active(fc_pg_t *pg, const char *employee_no, int64_t at_us,
                                      int64_t *until_out, fc_err_t *err);
int rotation_store_forced_rest_add(fc_pg_t *pg, const char *employee_no, const char *org,
                                   const char *metric, int64_t value, int64_t limit,
                                   int64_t from_us, int64_t until_us, int64_t duty_id,
                                   int64_t *id_out, fc_err_t *err);

/* ---- spouse overrides ---- */

int rotation_store_override_add(fc_pg_t *pg, const char *a, const char *b, const char *from_date,
                                const char *to_date, const char *reason, const char *actor,
                                int64_t *id_out, fc_err_t *err);
/* The person's registered spouse ("" if none). */
int rotation_store_spouse_of(fc_pg_t *pg, const char *employee_no, char *out, size_t n,
                             fc_err_t *err);

/* ---- the rows a plan is built from (org: the planned subtree) ---- */

typedef struct {
    const char *org_code, *parent_code, *kind;
} rotation_org_row_t;
typedef struct {
    const char *post_code, *org_code, *name, *kind;
    int risk_class, idx, start_min, end_min, headcount;
} rotation_shift_row_t;
typedef struct {
    const char *employee_no, *name, *org_code, *party_status, *spouse;
    int young_cadre, medical_staff, fit, health_status;
} rotation_person_row_t;
typedef struct {
    const char *employee_no, *post_kind;
    int64_t start_us, end_us;
} rotation_past_row_t;
typedef struct {
    const char *a, *b, *from_day, *to_day, *reason;
} rotation_override_row_t;
typedef struct {
    const char *employee_no, *day;
} rotation_leave_row_t;
typedef struct {
    const char *employee_no;
    int frontline_days, leave_days;
} rotation_leave_count_row_t;

/* Each callback returns FC_OK to go on. */
typedef int (*rotation_row_fn)(void *ctx, const void *row);

int rotation_store_subtree(fc_pg_t *pg, const char *org, rotation_row_fn fn, void *ctx,
                           fc_err_t *err);
int rotation_store_shifts(fc_pg_t *pg, const char *org, rotation_row_fn fn, void *ctx,
                          fc_err_t *err);
int rotation_store_people(fc_pg_t *pg, const char *org, rotation_row_fn fn, void *ctx,
                          fc_err_t *err);
/* Unavailability of the subtree's people overlapping [from_us, to_us). */
int rotation_store_unavail_between(fc_pg_t *pg, const char *org, int64_t from_us, int64_t to_us,
                                   rotation_row_fn fn, void *ctx, fc_err_t *err);
/* Logged duty in [from_us, to_us), and current roster shifts there not yet begun at now_us. */
int rotation_store_past_duty(fc_pg_t *pg, const char *org, int64_t from_us, int64_t to_us,
                             int64_t now_us, rotation_row_fn fn, void *ctx, fc_err_t *err);
int rotation_store_overrides_between(fc_pg_t *pg, const char *org, const char *from_day,
                                     const char *to_day, rotation_row_fn fn, void *ctx,
                                     fc_err_t *err);
/* Compensatory leave already scheduled in [from_day, to_day]. */
int rotation_store_leave_between(fc_pg_t *pg, const char *org, const char *from_day,
                                 const char *to_day, rotation_row_fn fn, void *ctx, fc_err_t *err);
/* (person, day) for the subtree's people whose spouse, outside the subtree, holds a current
 * shift that day in another roster and no override covers it: days they may not work. */
int rotation_store_spouse_busy(fc_pg_t *pg, const char *org, const char *from_day,
                               const char *to_day, rotation_row_fn fn, void *ctx, fc_err_t *err);
/* Per person: frontline duty days and leave days before from_day. */
int rotation_store_leave_counts(fc_pg_t *pg, const char *org, const char *from_day,
                                rotation_row_fn fn, void *ctx, fc_err_t *err);

/* ---- rosters ---- */

typedef struct {
    const char *employee_no, *day, *shift_id, *post_code, *note;
    int64_t start_us, end_us;
} rotation_assign_row_t;

/* A new roster with the next version for org. */
int rotation_store_roster_create(fc_pg_t *pg, const char *org, const char *from_day, int days,
                                 const char *problem, int64_t penalty, const char *actor,
                                 int64_t created_us, int64_t *id_out, int *version_out,
                                 fc_err_t *err);
/* Bulk (COPY): assignments and members of a new roster. */
int rotation_store_roster_fill(fc_pg_t *pg, int64_t roster_id, const rotation_assign_row_t *rows,
                               size_t n, const char *const *members, size_t nmembers,
                               fc_err_t *err);
/* Older current assignments and uncovered shifts of the subtree's posts in the date range
 * are superseded by roster_id. */
int rotation_store_supersede(fc_pg_t *pg, int64_t roster_id, const char *org, const char *from_day,
                             const char *to_day, fc_err_t *err);
int rotation_store_uncovered_add(fc_pg_t *pg, int64_t roster_id, int revision, const char *day,
                                 const char *shift_id, const char *post_code, int64_t start_us,
                                 int64_t end_us, int missing, const char *reason, const char *text,
                                 fc_err_t *err);
int rotation_store_leave_add(fc_pg_t *pg, int64_t roster_id, const char *employee_no,
                             const char *day, fc_err_t *err);

typedef struct {
    int64_t id;
    char org_code[64];
    int version, revision;
    char from_day[16];
    int days;
} rotation_roster_info_t;

/* The roster's header; *problem_out (caller frees) its problem file unless NULL. */
int rotation_store_roster_info(fc_pg_t *pg, int64_t roster_id, rotation_roster_info_t *info,
                               char **problem_out, fc_err_t *err);
/* Its current assignments (employee_no, day, shift_id). */
int rotation_store_roster_current(fc_pg_t *pg, int64_t roster_id, rotation_row_fn fn, void *ctx,
                                  fc_err_t *err);
/* Its members' unavailability overlapping [from_us, to_us), and their leave days in it. */
int rotation_store_roster_unavail(fc_pg_t *pg, int64_t roster_id, int64_t from_us, int64_t to_us,
                                  rotation_row_fn fn, void *ctx, fc_err_t *err);
int rotation_store_roster_leave(fc_pg_t *pg, int64_t roster_id, const char *from_day,
                                const char *to_day, rotation_row_fn fn, void *ctx, fc_err_t *err);
/* The same for a stored roster's members: their spouses' shifts in other rosters. */
int rotation_store_roster_spouse_busy(fc_pg_t *pg, int64_t roster_id, const char *from_day,
                                      const char *to_day, rotation_row_fn fn, void *ctx,
                                      fc_err_t *err);
/* Rosters holding current assignments of the person that end after from_us and begin before
 * to_us (0: no end). Caller frees *ids. */
int rotation_store_rosters_of(fc_pg_t *pg, const char *employee_no, int64_t from_us, int64_t to_us,
                              int64_t **ids, size_t *n, fc_err_t *err);
/* The roster to explain the person's day by: the one holding their shift that day, else the
 * newest covering that day that planned for them. FC_ENOTFOUND if none. */
int rotation_store_roster_for(fc_pg_t *pg, const char *employee_no, const char *day,
                              int64_t *id_out, fc_err_t *err);
int rotation_store_assignment_remove(fc_pg_t *pg, int64_t roster_id, const char *day,
                                     const char *shift_id, const char *employee_no, int revision,
                                     fc_err_t *err);
int rotation_store_assignment_add(fc_pg_t *pg, int64_t roster_id, const rotation_assign_row_t *a,
                                  int revision, fc_err_t *err);
int rotation_store_roster_revision(fc_pg_t *pg, int64_t roster_id, int revision, fc_err_t *err);
/* The newest assignment row of any roster: it moves whenever any roster changes (a plan, a
 * replacement, in this process or another), so a loaded roster knows when what it learnt of
 * the others (spouses rostered elsewhere) may be stale. */
int rotation_store_assignment_mark(fc_pg_t *pg, int64_t *mark_out, fc_err_t *err);

/* ---- queries ---- */

typedef struct {
    const char *day, *employee_no, *name, *post_code, *post_name, *shift_id, *note;
    int64_t start_us, end_us, roster_id;
    int risk_class, version, revision;
} rotation_show_row_t;
typedef struct {
    const char *day, *post_code, *shift_id, *reason, *text;
    int64_t start_us, end_us;
    int missing;
} rotation_uncovered_row_t;
typedef struct {
    const char *employee_no, *name, *day;
    int64_t roster_id;
} rotation_leave_show_row_t;

/* Current assignments (then uncovered shifts, then leave days) of org's subtree or of one
 * person in [from_day, to_day]; at most limit assignments (*truncated set beyond). */
int rotation_store_show(fc_pg_t *pg, const char *org, const char *employee_no, const char *from_day,
                        const char *to_day, int limit, rotation_row_fn on_entry,
                        rotation_row_fn on_uncovered, rotation_row_fn on_leave, void *ctx,
                        int *truncated, fc_err_t *err);
typedef struct {
    int64_t order_id, value, limit, from_us, until_us;
    const char *employee_no, *name, *org_code, *metric;
    const char *post_codes; /* comma-separated, "" for none */
    int in_force;
} rotation_rest_show_row_t;

/* The forced rests overlapping [from_us, to_us) of org's subtree's people and of the people
 * on its posts in [from_day, to_day] (or of one person), oldest first; in_force says whether
 * each covers now_us; post_codes are the posts the person is or was rostered on in those days.
 * At most limit rows (*truncated set beyond). */
int rotation_store_show_rests(fc_pg_t *pg, const char *org, const char *employee_no,
                              const char *from_day, const char *to_day, int64_t from_us,
                              int64_t to_us, int64_t now_us, int limit, rotation_row_fn fn,
                              void *ctx, int *truncated, fc_err_t *err);
/* Frontline days logged, future duty days rostered (after today), and every leave day with
 * whether it is past. */
int rotation_store_leave_summary(fc_pg_t *pg, const char *employee_no, const char *today,
                                 int *frontline_days, int *planned_days, rotation_row_fn on_day,
                                 void *ctx, fc_err_t *err);
/* The person's unavailability covering now_us or later. */
int rotation_store_unavail_of(fc_pg_t *pg, const char *employee_no, int64_t now_us,
                              rotation_row_fn fn, void *ctx, fc_err_t *err);

#endif
