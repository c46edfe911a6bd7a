/* report_week: the ISO week a report covers ("2026-W47"): parsing with a clear error, and
 * its bounds as Asia/Shanghai calendar days and UTC instants. */
#ifndef REPORT_WEEK_H
#define REPORT_WEEK_H

#include <stdint.h>
#include "fc_err.h"

typedef struct {
    char iso_week[16]; /* "2026-W47" */
    int iso_year;
    int week;
    int64_t start_day; /* Monday, days since 1970-01-01 (Shanghai) */
    int64_t end_day;   /* the next Monday (exclusive) */
    int64_t start_us;  /* Monday 00:00 Asia/Shanghai, UTC us */
    int64_t end_us;    /* the next Monday 00:00 (exclusive) */
} report_week_t;

/* Parses "YYYY-Www". FC_EINVAL naming field if malformed or if the week does not exist. */
int report_week_parse(const char *s, const char *field, report_week_t *out, fc_err_t *err);
/* The ISO week holding a Shanghai calendar day. */
void report_week_of_day(int64_t day, report_week_t *out);
/* The week n weeks before wk (n may be negative). */
void report_week_shift(const report_week_t *wk, int n, report_week_t *out);

#endif
