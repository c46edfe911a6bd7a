/* fc_clock: the injectable clock. Real time by default; FC_CLOCK selects a fixed,
 * accelerated or file-driven clock so tests and the demo control "now". */
#ifndef FC_CLOCK_H
#define FC_CLOCK_H

#include <stdint.h>
#include <stddef.h>
#include "fc_err.h"

#define FC_US_PER_S 1000000LL
#define FC_US_PER_DAY (86400LL * FC_US_PER_S)
/* Asia/Shanghai has no daylight saving since 1991: a fixed +08:00. */
#define FC_SHANGHAI_OFFSET_US (8LL * 3600 * FC_US_PER_S)

/* spec: "real" | "fixed:2026-11-16T08:00:00Z" | "accel:START,FACTOR,ANCHOR" (virtual time is
 * START + (real - ANCHOR) * FACTOR, ANCHOR in unix seconds, so processes started at different
 * moments agree) | "file:PATH" (PATH holds an ISO-8601 time or microseconds; re-read on each
 * call). */
int fc_clock_configure(const char *spec, fc_err_t *err);
/* Now, UTC microseconds since the epoch, per the configured clock. */
int64_t fc_clock_now_us(void);
/* Monotonic real milliseconds, for timeouts (never virtual). */
int64_t fc_clock_mono_ms(void);

/* Parses "YYYY-MM-DDTHH:MM[:SS[.ffffff]](Z|+HH:MM)" or "YYYY-MM-DD" (midnight Shanghai). */
int fc_time_parse(const char *s, int64_t *us_out, fc_err_t *err);
/* Formats as UTC "2026-11-22T06:00:00Z". buf at least 32 bytes. */
void fc_time_format_utc(int64_t us, char *buf, size_t n);
/* Formats in Asia/Shanghai "2026-11-22 14:00:00". */
void fc_time_format_local(int64_t us, char *buf, size_t n);
/* The Shanghai calendar day of a UTC instant, as days since 1970-01-01. */
int64_t fc_time_local_day(int64_t us);
/* UTC instant of midnight Shanghai starting local day d. */
int64_t fc_time_local_day_start(int64_t d);
/* Days since epoch for a civil date, and back. */
int64_t fc_days_from_civil(int y, int m, int d);
void fc_civil_from_days(int64_t z, int *y, int *m, int *d);
/* ISO-8601 week of a local day: year and week number 1..53. */
void fc_iso_week(int64_t day, int *iso_year, int *iso_week);
/* First local day (Monday) of an ISO week; FC_EINVAL if the week does not exist. */
int fc_iso_week_start(int iso_year, int iso_week, int64_t *day_out, fc_err_t *err);

#endif
