/* report_cron: five-field cron expressions ("0 8 * * 1": minute hour day-of-month month
 * day-of-week) evaluated in Asia/Shanghai, for the weekly schedule. Lists, ranges, steps and
 * "*" as in Vixie cron; day-of-week 0 and 7 are Sunday; when both day fields are restricted a
 * day matching either runs (the cron convention). */
#ifndef REPORT_CRON_H
#define REPORT_CRON_H

#include <stdint.h>
#include "fc_err.h"

typedef struct {
    uint64_t minute; /* bit n: minute n may run */
    uint32_t hour;
    uint32_t dom;   /* bits 1..31 */
    uint16_t month; /* bits 1..12 */
    uint8_t dow;    /* bits 0..6, Sunday = 0 */
    int dom_any, dow_any;
} report_cron_t;

/* FC_EINVAL naming field and the bad part if expr is not a valid expression. */
int report_cron_parse(const char *expr, const char *field, report_cron_t *out, fc_err_t *err);
/* The latest run time at or before now_us (UTC us, whole minutes), looking back at most
 * max_days; FC_ENOTFOUND if none. */
int report_cron_prev(const report_cron_t *c, int64_t now_us, int max_days, int64_t *fire_us);

#endif
