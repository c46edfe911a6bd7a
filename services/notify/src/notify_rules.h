/* notify_rules: the delivery rules that need no database: quiet hours, what counts as a phone
 * number or an e-mail address, how a WeCom error code is treated, periods of the calendar
 * (Asia/Shanghai) and retry delays. Pure functions, unit-tested on their own. */
#ifndef NOTIFY_RULES_H
#define NOTIFY_RULES_H

#include <stddef.h>
#include <stdint.h>
#include "fc_err.h"

/* Quiet hours as minutes after local midnight; start == end means none. start > end wraps
 * midnight (22:00-07:00). */
typedef struct {
    int start_min;
    int end_min;
} notify_quiet_t;

/* Parses "HH:MM" (00:00-23:59) into minutes after midnight. FC_EINVAL otherwise. */
int notify_parse_hhmm(const char *s, int *min_out);
/* 1 if the Shanghai wall-clock time of now_us lies in the quiet hours. */
int notify_quiet_is(const notify_quiet_t *q, int64_t now_us);
/* The first instant at or after now_us outside the quiet hours (now_us itself if outside). */
int64_t notify_quiet_end(const notify_quiet_t *q, int64_t now_us);

/* A mainland mobile number: 11 digits starting 1[3-9], optionally with +86 / 86 in front and
 * spaces or dashes between groups. Writes the 11 digits to out (12 bytes) when valid. */
int notify_phone_valid(const char *phone, char out[12]);
/* A plausible address: one @, a non-empty local part, a dotted domain, no spaces or angle
 * brackets (which would break the SMTP envelope). */
int notify_email_valid(const char *addr);
/* A webhook URL we are willing to call: http:// or https:// with a host. */
int notify_url_valid(const char *url);

/* How a WeCom webhook errcode is treated: 1 retry later (busy, rate limited), 0 permanent
 * (bad key, bad message: retrying cannot help). errcode 0 is success and not asked here. */
int notify_wecom_retryable(long errcode);

/* ISO week of the Shanghai day of us, "2026-W47". buf at least 16 bytes. */
void notify_iso_week(int64_t us, char *buf, size_t n);
/* The UTC instant of Shanghai local time (dow 1=Mon..7, minute of day) in an ISO week. */
int notify_week_instant(int iso_year, int iso_week, int dow, int min_of_day, int64_t *us_out,
                        fc_err_t *err);
/* "2026-11-22 14:05" in Asia/Shanghai. buf at least 20 bytes. */
void notify_local_minute(int64_t us, char *buf, size_t n);
/* Integer fen as yuan with two decimals ("1234.50", "-0.05"); no floating point. */
void notify_fen_yuan(int64_t fen, char *buf, size_t n);

/* Exponential backoff with jitter for retry number attempt (1 = the first retry):
 * base * 2^(attempt-1) capped at max, plus up to a fifth of that drawn from rnd. */
int64_t notify_backoff_ms(int attempt, int64_t base_ms, int64_t max_ms, uint64_t rnd);

/* Channel names we know: wecom, sms, email, inbox, file. */
int notify_channel_known(const char *name);
/* Language codes we render: zh, en. */
int notify_lang_known(const char *lang);
/* 1 for the kinds of task that follow a record intake keeps (discrimination_handle,
 * discrimination_close, village_return): only intake's events close them. */
int notify_task_follows_intake(const char *kind);

#endif
