/* intake_records: fault-tolerance (容错免责) and clarification (澄清正名) records with the
 * assessment records they clear, discrimination cases against frontline staff or their
 * families (000 §9), and village first-secretary assignments (驻村第一书记, 002 §12): the
 * routes (intake_records.c) and their SQL (intake_records_store.c). */
#ifndef INTAKE_RECORDS_H
#define INTAKE_RECORDS_H

#include <stddef.h>
#include <stdint.h>
#include "fc/v1/intake.pb-c.h"
#include "fc_err.h"
#include "fc_mem.h"
#include "fc_pg.h"
#include "fc_service.h"

extern const fc_route_t intake_records_routes[];
extern const size_t intake_records_nroutes;

#define INTAKE_EV_FAULT_TOLERANCE "intake.fault_tolerance_recorded"
#define INTAKE_EV_CLARIFICATION "intake.clarification_recorded"
#define INTAKE_EV_DISCRIMINATION "intake.discrimination_case_changed"
#define INTAKE_EV_VILLAGE "intake.village_assignment_changed"

#define INTAKE_VILLAGE_LIST_DEFAULT_LIMIT 50
#define INTAKE_VILLAGE_LIST_MAX_LIMIT 500
#define INTAKE_VILLAGE_LIST_MAX_OFFSET 100000

/* ---- rules (pure) ---- */

/* Texts and the order of dates of a record; now_us the service clock. */
int intake_records_rules_fault(const Fc__V1__FaultToleranceRecord *r, int64_t now_us,
                               fc_err_t *err);
int intake_records_rules_clarification(const Fc__V1__ClarificationRecord *r, int64_t now_us,
                                       fc_err_t *err);
int intake_records_rules_discrimination(const Fc__V1__DiscriminationCase *c, int64_t now_us,
                                        fc_err_t *err);
/* The next state of a discrimination case: reported|handling + handling -> handling,
 * handling + closed -> closed; anything else FC_ECONFLICT naming "step". */
int intake_records_next_state(const char *state, const char *step, const char **next_out,
                              fc_err_t *err);
int intake_records_rules_village(const Fc__V1__VillageAssignment *a, int64_t now_us, fc_err_t *err);
/* intake.village_list: state one of on_assignment|overdue|returned|all|"" ; org_code a code or
 * ""; limit >= 0; offset 0..INTAKE_VILLAGE_LIST_MAX_OFFSET. */
int intake_records_rules_village_list(const Fc__V1__VillageListRequest *r, fc_err_t *err);

/* ---- store (inside the caller's transaction; results in arena) ---- */

/* The subsidiary (kind "subsidiary") whose subtree holds org_path; "" if none. */
int intake_records_store_subsidiary(fc_pg_t *pg, const char *org_path, fc_arena_t *arena,
                                    const char **code_out, fc_err_t *err);
/* A record to clear: it exists, belongs to employee_no and counts against them (a bad key
 * event, an accountability record); FC_ECONFLICT if already cleared. field names it. */
int intake_records_store_check_clear(fc_pg_t *pg, const char *employee_no,
                                     const Fc__V1__ClearedRecord *c, const char *field,
                                     fc_err_t *err);
int intake_records_store_clear(fc_pg_t *pg, const Fc__V1__ClearedRecord *c, const char *by_kind,
                               int64_t by_id, fc_err_t *err);
int intake_records_store_fault_add(fc_pg_t *pg, const Fc__V1__FaultToleranceRecord *r,
                                   int64_t *id_out, fc_err_t *err);
int intake_records_store_clarification_add(fc_pg_t *pg, const Fc__V1__ClarificationRecord *r,
                                           int64_t *id_out, fc_err_t *err);
/* Inserts the case in state "reported" with its first step. */
int intake_records_store_discrimination_add(fc_pg_t *pg, const Fc__V1__DiscriminationCase *c,
                                            int64_t *id_out, fc_err_t *err);
/* Loads a case with its steps and locks it for the transaction; FC_ENOTFOUND naming case_id. */
int intake_records_store_discrimination_get(fc_pg_t *pg, int64_t case_id, fc_arena_t *arena,
                                            Fc__V1__DiscriminationCase **out, fc_err_t *err);
/* Appends a step and moves the case to state (closed: with outcome and at_us). */
int intake_records_store_discrimination_step(fc_pg_t *pg, int64_t case_id, int seq,
                                             const char *state, const char *action, const char *by,
                                             int64_t at_us, const char *outcome, fc_err_t *err);
/* Records newest first, at most limit of each: of one person (employee_no), or of everyone
 * whose unit lies under org_path (employee_no ""); open_only: discrimination cases not closed. */
int intake_records_store_list(fc_pg_t *pg, const char *employee_no, const char *org_path,
                              int open_only, int limit, fc_arena_t *arena,
                              Fc__V1__RecordsListReply *out, fc_err_t *err);

int intake_records_store_village_add(fc_pg_t *pg, const Fc__V1__VillageAssignment *a,
                                     int64_t *id_out, fc_err_t *err);
/* Loads an assignment and locks it; FC_ENOTFOUND naming assignment_id. */
int intake_records_store_village_get(fc_pg_t *pg, int64_t id, fc_arena_t *arena,
                                     Fc__V1__VillageAssignment **out, fc_err_t *err);
/* Writes planned return, frontline record, return and its note as given in a. */
int intake_records_store_village_set(fc_pg_t *pg, const Fc__V1__VillageAssignment *a,
                                     fc_err_t *err);
/* A person's assignments, newest first. */
int intake_records_store_villages(fc_pg_t *pg, const char *employee_no, int limit,
                                  fc_arena_t *arena, Fc__V1__VillageAssignment ***out,
                                  size_t *n_out, fc_err_t *err);
/* The assignments of everyone whose current unit lies under org_path, newest first, filtered
 * by state (on_assignment|overdue|returned|all; overdue: planned return before now_us and not
 * returned), limit/offset applied; *total_out counts all that match. */
int intake_records_store_village_list(fc_pg_t *pg, const char *org_path, const char *state,
                                      int64_t now_us, int limit, int offset, fc_arena_t *arena,
                                      Fc__V1__VillageListReply *out, fc_err_t *err);

#endif
