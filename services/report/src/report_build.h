/* report_build: builds a weekly report from report's projections and stores it as a new
 * version, in one REPEATABLE READ transaction (every figure from one snapshot). Sections whose
 * source service is not known to be up to date carry no figures and are listed as missing. */
#ifndef REPORT_BUILD_H
#define REPORT_BUILD_H

#include <stdint.h>
#include "fc/v1/report.pb-c.h"
#include "fc_mem.h"
#include "fc_service.h"
#include "report_app.h"
#include "report_week.h"

typedef struct {
    const report_week_t *week;
    const char *org_code; /* "" = the group root */
    const char *trigger;  /* schedule | on_demand */
    const char *actor;
    const char *request_id;      /* the command's message id (on demand), or NULL */
    const char *schedule_period; /* the schedule's period (scheduled runs), or NULL */
    int64_t fire_us;
    const report_source_t *sources; /* report_nsources entries, checked just before */
} report_build_req_t;

/* Builds, stores and publishes report.weekly_generated, all in one transaction. *meta_out is
 * the stored report's meta (in arena). A request id seen before returns that report's meta;
 * a schedule period already recorded is FC_EDUP. */
int report_build_weekly(fc_service_t *svc, const report_build_req_t *req, fc_arena_t *arena,
                        Fc__V1__ReportMeta **meta_out, fc_err_t *err);

/* The meta of a stored report body (decoded with the arena). */
int report_build_meta_of(fc_pg_t *pg, int64_t id, fc_arena_t *arena, Fc__V1__ReportMeta **meta_out,
                         fc_err_t *err);

#endif
