/* intake_server: intake's routes (message type → handler) and the helpers its handlers share
 * (scope checks, publishing). */
#ifndef INTAKE_SERVER_H
#define INTAKE_SERVER_H

#include <stddef.h>
#include "fc_service.h"

extern const fc_route_t intake_routes[];
extern const size_t intake_nroutes;

/* Event types intake publishes on fc:events:intake (the contract in intake.proto). */
#define INTAKE_EV_ORG_UPSERTED "intake.org_upserted"
#define INTAKE_EV_PERSON_UPSERTED "intake.person_upserted"
#define INTAKE_EV_POST_UPSERTED "intake.post_upserted"
#define INTAKE_EV_HEALTH_CHECKED_IN "intake.health_checked_in"
#define INTAKE_EV_HEALTH_STATUS_CHANGED "intake.health_status_changed"
#define INTAKE_EV_DUTY_CHECKED_IN "intake.duty_checked_in"
#define INTAKE_EV_DUTY_CHECKED_OUT "intake.duty_checked_out"
#define INTAKE_EV_INCIDENT_REPORTED "intake.incident_reported"
#define INTAKE_EV_HARDSHIP_OPENED "intake.hardship_case_opened"
#define INTAKE_EV_HARDSHIP_CLOSED "intake.hardship_case_closed"
#define INTAKE_EV_WEEKLY_REPORT "intake.weekly_report_submitted"
#define INTAKE_EV_KEY_GROUP_OPENED "intake.key_group_file_opened"
#define INTAKE_EV_KEY_GROUP_CLOSED "intake.key_group_file_closed"
#define INTAKE_EV_SERVICE_CONTACT "intake.service_contact_logged"
#define INTAKE_EV_CADRE_KEY_EVENT "intake.cadre_key_event_recorded"
#define INTAKE_EV_MERIT "intake.merit_recorded"
#define INTAKE_EV_PARTY_CANDIDATE "intake.party_candidate_upserted"

/* Group-wide work: role "service" with no narrower scope. */
int intake_group_wide(const fc_call_t *call);
/* The path of the call's scope ("" when group-wide), in the call's arena. */
int intake_scope_path(fc_service_t *svc, fc_call_t *call, const char **path_out, fc_err_t *err);
/* Is org_path inside scope_path ("" = everywhere)? */
int intake_in_scope(const char *scope_path, const char *org_path);
/* Writes are refused to the viewer role. */
int intake_may_write(const fc_call_t *call, fc_err_t *err);

/* The import routes (intake_import.c). */
int intake_import_begin(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int intake_import_chunk(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int intake_import_commit(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int intake_import_problems(fc_service_t *svc, fc_call_t *call, fc_err_t *err);

#endif
