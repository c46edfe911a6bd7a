/* intake_store: every SQL statement of intake, over its own schema. Functions run inside the
 * caller's transaction; results that outlive a call are allocated in the caller's arena. */
#ifndef INTAKE_STORE_H
#define INTAKE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "fc/v1/intake.pb-c.h"
#include "fc_err.h"
#include "fc_mem.h"
#include "fc_pg.h"

typedef enum { INTAKE_UNCHANGED = 0, INTAKE_INSERTED = 1, INTAKE_UPDATED = 2 } intake_outcome_t;

#define INTAKE_STREAM "fc:events:intake"

/* What the door checks need to know about a person. */
typedef struct {
    char employee_no[40];
    char org_code[40];
    char org_path[512];
    char party_status[24];
    char cadre_level[16];
    int health_status;
    int fit_for_frontline;
    int leadership_team, young_cadre, reserve_pool;
} intake_person_brief_t;

/* An org unit's place in the tree. */
typedef struct {
    const char *org_code;
    const char *path;
    const char *kind;
    int liaison_unit;
} intake_org_ref_t;

/* ---- scope ---- */

/* Is org_code inside the subtree rooted at scope_code? FC_OK/FC_EDENIED; FC_ENOTFOUND if
 * either is unknown. An empty scope_code is refused (callers decide who may act group-wide). */
int intake_store_check_scope(fc_pg_t *pg, const char *scope_code, const char *org_code,
                             const char *field, fc_err_t *err);
/* The materialised path ("/G/S1/") of a scope's org unit, in arena; FC_EDENIED if unknown. */
int intake_store_scope_path(fc_pg_t *pg, const char *scope_code, fc_arena_t *arena,
                            const char **path_out, fc_err_t *err);

/* ---- organisation and people ---- */

int intake_store_org_upsert(fc_pg_t *pg, const Fc__V1__OrgUnit *u, intake_outcome_t *outcome,
                            fc_err_t *err);
/* Every org unit sorted by org_code (for import validation); strings in arena. */
int intake_store_org_all(fc_pg_t *pg, fc_arena_t *arena, intake_org_ref_t **out, size_t *n_out,
                         fc_err_t *err);
/* Kind and path of one org unit; FC_ENOTFOUND naming field. */
int intake_store_org_ref(fc_pg_t *pg, const char *org_code, const char *field, fc_arena_t *arena,
                         intake_org_ref_t *out, fc_err_t *err);
/* The org units from the root down to org_code, in arena. */
int intake_store_org_path(fc_pg_t *pg, const char *org_code, fc_arena_t *arena,
                          Fc__V1__OrgUnit ***out, size_t *n_out, fc_err_t *err);
/* The org unit a person belongs to, or FC_ENOTFOUND. out: at least 33 bytes. */
int intake_store_person_org(fc_pg_t *pg, const char *employee_no, char *org_out, size_t n,
                            int *health_status_out, fc_err_t *err);
/* The brief of a person; FC_ENOTFOUND naming field. */
int intake_store_person_brief(fc_pg_t *pg, const char *employee_no, const char *field,
                              intake_person_brief_t *out, fc_err_t *err);
/* Upserts a person and keeps the spouse link symmetric. *others_out (arena, may be NULL) gets
 * the employee numbers of other people whose spouse link changed as a consequence. */
int intake_store_person_upsert(fc_pg_t *pg, const Fc__V1__Person *p, intake_outcome_t *outcome,
                               fc_arena_t *arena, char ***others_out, size_t *n_others,
                               fc_err_t *err);
/* Loads a person into arena memory. */
int intake_store_person_get(fc_pg_t *pg, const char *employee_no, fc_arena_t *arena,
                            Fc__V1__Person **out, fc_err_t *err);
/* Loads many people (those that exist), in arena. */
int intake_store_people_get(fc_pg_t *pg, char *const *employee_nos, size_t n, fc_arena_t *arena,
                            Fc__V1__Person ***out, size_t *n_out, fc_err_t *err);

/* Existing people among employee_nos, sorted by employee_no, for import validation. */
typedef struct {
    const char *employee_no;
    const char *org_code;
    const char *org_path;
    const char *spouse; /* "" when none */
} intake_person_ref_t;
int intake_store_people_refs(fc_pg_t *pg, char *const *employee_nos, size_t n, fc_arena_t *arena,
                             intake_person_ref_t **out, size_t *n_out, fc_err_t *err);

/* Upserts validated people at once (an import) and makes every spouse link mutual: people
 * outside the set who pointed at one of them are unlinked unless named back, and each named
 * spouse outside the set points back. outcome[i] for people[i]; *others_out (arena) the
 * other people whose link changed. */
int intake_store_people_apply(fc_pg_t *pg, Fc__V1__Person *const *people, size_t n,
                              intake_outcome_t *outcome, fc_arena_t *arena, char ***others_out,
                              size_t *n_others, fc_err_t *err);

/* ---- posts ---- */

int intake_store_post_upsert(fc_pg_t *pg, const Fc__V1__Post *p, intake_outcome_t *outcome,
                             fc_err_t *err);
int intake_store_post_get(fc_pg_t *pg, const char *post_code, fc_arena_t *arena, Fc__V1__Post **out,
                          fc_err_t *err);
/* Existing post codes with their org, sorted by post_code (for import validation). */
int intake_store_post_orgs(fc_pg_t *pg, fc_arena_t *arena, intake_org_ref_t **out, size_t *n_out,
                           fc_err_t *err);

/* ---- health ---- */

/* Stores one check-in measured at at_us; returns its id. */
int intake_store_checkin(fc_pg_t *pg, const Fc__V1__HealthCheckin *c, int64_t at_us,
                         int64_t *id_out, fc_err_t *err);
/* Briefs of the people of a batch, one per employee number (NULL where unknown), in arena.
 * Without with_path only employee_no, org_code and health_status are filled. */
int intake_store_person_briefs(fc_pg_t *pg, char *const *employee_nos, size_t n, int with_path,
                               fc_arena_t *arena, intake_person_brief_t ***out, fc_err_t *err);
/* Stores a batch of validated check-ins with COPY: ids_out[i] gets each one's id. */
int intake_store_checkins_copy(fc_pg_t *pg, Fc__V1__HealthCheckin *const *c, size_t n,
                               const int64_t *at_us, int64_t *ids_out, fc_err_t *err);
/* Sets the person's health status and records the change. */
int intake_store_health_status_set(fc_pg_t *pg, const char *employee_no, int from, int to,
                                   const char *reason, int64_t at_us, fc_err_t *err);

/* ---- duty ---- */

/* Opens a duty period. FC_ECONFLICT if the person has an open check-in, or a recorded duty
 * that ends after at_us. */
int intake_store_duty_open(fc_pg_t *pg, const char *employee_no, const char *post_code,
                           int64_t at_us, int64_t *id_out, fc_err_t *err);
/* The person's open check-in: id, post, start; FC_ENOTFOUND if none. */
int intake_store_duty_current(fc_pg_t *pg, const char *employee_no, int64_t *id_out, char *post_out,
                              size_t n, int64_t *start_out, fc_err_t *err);
int intake_store_duty_close(fc_pg_t *pg, int64_t duty_id, int64_t end_us, int minutes,
                            fc_err_t *err);
/* 1 if the person was on duty (an open or recorded period covers at_us), else 0. */
int intake_store_on_duty_at(fc_pg_t *pg, const char *employee_no, int64_t at_us, int *on_out,
                            fc_err_t *err);
/* How many duty periods the person has on record. */
int intake_store_duty_count(fc_pg_t *pg, const char *employee_no, long long *n_out, fc_err_t *err);

/* ---- incidents and cases ---- */

int intake_store_incident_add(fc_pg_t *pg, const Fc__V1__IncidentReported *ev, int64_t *id_out,
                              fc_err_t *err);
int intake_store_key_group_open(fc_pg_t *pg, const Fc__V1__KeyGroupFile *f, int64_t *id_out,
                                fc_err_t *err);
int intake_store_key_group_get(fc_pg_t *pg, int64_t file_id, fc_arena_t *arena,
                               Fc__V1__KeyGroupFile **out, fc_err_t *err);
int intake_store_key_group_close(fc_pg_t *pg, int64_t file_id, const char *note, int64_t at_us,
                                 fc_err_t *err);
int intake_store_service_contact_add(fc_pg_t *pg, const Fc__V1__ServiceContact *c, int64_t *id_out,
                                     fc_err_t *err);
int intake_store_hardship_open(fc_pg_t *pg, const Fc__V1__HardshipCase *c, int64_t *id_out,
                               fc_err_t *err);
int intake_store_hardship_get(fc_pg_t *pg, int64_t case_id, fc_arena_t *arena,
                              Fc__V1__HardshipCase **out, fc_err_t *err);
int intake_store_hardship_close(fc_pg_t *pg, int64_t case_id, const char *note, int64_t at_us,
                                fc_err_t *err);
int intake_store_weekly_report_add(fc_pg_t *pg, const Fc__V1__WeeklyReport *r, int64_t *id_out,
                                   fc_err_t *err);
int intake_store_cadre_event_add(fc_pg_t *pg, const Fc__V1__CadreKeyEvent *e, int64_t *id_out,
                                 fc_err_t *err);
int intake_store_merit_add(fc_pg_t *pg, const Fc__V1__MeritRecord *m, int64_t *id_out,
                           fc_err_t *err);
int intake_store_party_candidate_upsert(fc_pg_t *pg, const Fc__V1__PartyCandidate *c,
                                        int *inserted_out, fc_err_t *err);

/* ---- people search (intake.person_search) ---- */

/* People whose org path starts with scope_path ("" = everyone) and whose employee number starts
 * with query (case-insensitive) or whose name contains it; the page [offset, offset + limit)
 * in the order of PersonSearchRequest, hits in arena. *more_out: a further row exists. */
int intake_store_person_search(fc_pg_t *pg, const char *query, const char *scope_path, int limit,
                               int offset, fc_arena_t *arena, Fc__V1__PersonSearchHit ***out,
                               size_t *n_out, int *more_out, fc_err_t *err);

/* ---- one person, one file ---- */

/* Fills everything but person and org_path; lists hold the most recent `limit` items. */
int intake_store_person_file(fc_pg_t *pg, const char *employee_no, int limit, int64_t now_us,
                             fc_arena_t *arena, Fc__V1__PersonFileReply *out, fc_err_t *err);

/* ---- events in bulk ---- */

/* Events gathered for one COPY into the outbox (same rows fc_outbox_add writes). */
typedef struct {
    fc_buf_t rows;
    size_t n;
} intake_events_t;
void intake_events_init(intake_events_t *ev);
void intake_events_fini(intake_events_t *ev);
void intake_events_add(intake_events_t *ev, const char *type, const ProtobufCMessage *msg,
                       int64_t at_us);
/* Writes the gathered events into the outbox in the open transaction, then empties ev. */
int intake_store_events_flush(fc_pg_t *pg, intake_events_t *ev, fc_err_t *err);

/* ---- CSV import sessions ---- */

typedef struct {
    char kind[16];
    int skip_bad;
    char state[16];
    char actor[64];
    char role[32];
    char org_scope[64];
    int rows;
} intake_import_t;

int intake_store_import_begin(fc_pg_t *pg, const char *import_id, const char *kind, int skip_bad,
                              const char *file_name, const char *actor, const char *role,
                              const char *org_scope, fc_err_t *err);
/* Locks the session row for the rest of the transaction. */
int intake_store_import_get(fc_pg_t *pg, const char *import_id, intake_import_t *out,
                            fc_err_t *err);
int intake_store_import_chunk_add(fc_pg_t *pg, const char *import_id, int seq, int rows,
                                  const uint8_t *payload, size_t len, int *total_rows_out,
                                  fc_err_t *err);
/* Calls fn for each stored chunk in seq order; *n_chunks_out how many. */
int intake_store_import_chunks(fc_pg_t *pg, const char *import_id,
                               int (*fn)(void *ctx, int seq, const uint8_t *data, size_t len,
                                         fc_err_t *err),
                               void *ctx, int *n_chunks_out, fc_err_t *err);
/* Records the outcome and the problems (sorted by line), drops the chunks. */
int intake_store_import_finish(fc_pg_t *pg, const char *import_id, const char *state,
                               Fc__V1__ImportProblem *const *problems, size_t n, fc_err_t *err);
int intake_store_import_problems(fc_pg_t *pg, const char *import_id, int offset, int limit,
                                 fc_arena_t *arena, Fc__V1__ImportProblemsReply *out,
                                 fc_err_t *err);
/* Drops sessions (and their chunks) older than max_age_s. */
int intake_store_import_gc(fc_pg_t *pg, int max_age_s, fc_err_t *err);

/* ---- SQL helpers shared by intake's store modules (intake_store.c, intake_records_store.c) */

/* The code of a failed call: err's, or FC_ERR if it has none. */
int intake_store_fail(fc_err_t *err);
/* v as a text parameter. */
void intake_store_i64(char *buf, size_t n, long long v);
/* A copy of a result's text value in the arena. */
char *intake_store_adup(fc_arena_t *a, const PGresult *r, int row, int col);
/* Runs an INSERT ... RETURNING id. */
int intake_store_insert_id(fc_pg_t *pg, const char *sql, int n, const char *const *p,
                           int64_t *id_out, fc_err_t *err);
/* Runs sql ($1 = id) for one row, locked; FC_ENOTFOUND "<what> <id> 不存在" naming field if
 * there is none. On FC_OK the caller maps row 0 and PQclears *r_out. */
int intake_store_one_by_id(fc_pg_t *pg, const char *sql, int64_t id, const char *field,
                           const char *what, PGresult **r_out, fc_err_t *err);

#endif
