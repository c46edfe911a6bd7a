/* notify_rules: quiet hours, address checks, WeCom error classes, calendar periods, backoff. */
#include "notify_rules.h"
#include "fc_clock.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define S_MIN_US (60LL * FC_US_PER_S)

int notify_parse_hhmm(const char *s, int *min_out)
{
    if (!s || strlen(s) != 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
        s[2] != ':' || !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
        return FC_EINVAL;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59)
        return FC_EINVAL;
    *min_out = h * 60 + m;
    return FC_OK;
}

/* Minute of the Shanghai day of us. */
static int s_local_min(int64_t us)
{
    int64_t day_start = fc_time_local_day_start(fc_time_local_day(us));
    return (int)((us - day_start) / S_MIN_US);
}

int notify_quiet_is(const notify_quiet_t *q, int64_t now_us)
{
    if (q->start_min == q->end_min)
        return 0;
    int m = s_local_min(now_us);
    if (q->start_min < q->end_min)
        return m >= q->start_min && m < q->end_min;
    return m >= q->start_min || m < q->end_min;
}

int64_t notify_quiet_end(const notify_quiet_t *q, int64_t now_us)
{
    if (!notify_quiet_is(q, now_us))
        return now_us;
    int64_t day = fc_time_local_day(now_us);
    int64_t end = fc_time_local_day_start(day) + q->end_min * S_MIN_US;
    /* before midnight in a window that wraps: the end is tomorrow morning */
    if (end <= now_us)
        end = fc_time_local_day_start(day + 1) + q->end_min * S_MIN_US;
    return end;
}

int notify_phone_valid(const char *phone, char out[12])
{
    char digits[24];
    size_t n = 0;
    const char *p = phone ? phone : "";
    if (*p == '+')
        p++;
    for (; *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (!isdigit((unsigned char)*p) || n + 1 >= sizeof digits)
            return 0;
        digits[n++] = *p;
    }
    digits[n] = '\0';
    const char *d = digits;
    if (n == 13 && strncmp(d, "86", 2) == 0) {
        d += 2;
        n -= 2;
    }
    if (n != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9')
        return 0;
    if (out)
        memcpy(out, d, 12);
    return 1;
}

int notify_email_valid(const char *addr)
{
    if (!addr || !*addr || strlen(addr) > 254)
        return 0;
    const char *at = strchr(addr, '@');
    if (!at || at == addr || strchr(at + 1, '@'))
        return 0;
    for (const char *p = addr; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';' ||
            *p == '"')
            return 0;
    const char *dot = strrchr(at + 1, '.');
    return dot && dot > at + 1 && dot[1] != '\0';
}

int notify_url_valid(const char *url)
{
    if (!url)
        return 0;
    const char *host = strncmp(url, "http://", 7) == 0    ? url + 7
                       : strncmp(url, "https://", 8) == 0 ? url + 8
                                                          : NULL;
    if (!host || !*host || *host == '/')
        return 0;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ')
            return 0;
    return 1;
}

int notify_wecom_retryable(long errcode)
{
    switch (errcode) {
    case -1:    /* system busy */
    case 45009: /* api freq out of limit */
    case 45033: /* too many concurrent calls */
    case 45047: /* too many messages queued */
        return 1;
    default:
        /* 93000 invalid webhook url, 40008 invalid message type, 44004 empty content,
         * 40058 bad parameter, 93017 / 93004 robot removed or disabled, ... */
        return 0;
    }
}

void notify_iso_week(int64_t us, char *buf, size_t n)
{
    int y = 0, w = 0;
    fc_iso_week(fc_time_local_day(us), &y, &w);
    snprintf(buf, n, "%04d-W%02d", y, w);
}

int notify_week_instant(int iso_year, int iso_week, int dow, int min_of_day, int64_t *us_out,
                        fc_err_t *err)
{
    if (dow < 1 || dow > 7)
        return fc_err_set(err, FC_EINVAL, "dow", "day of week %d is not 1..7", dow);
    int64_t monday = 0;
    int rc = fc_iso_week_start(iso_year, iso_week, &monday, err);
    if (rc != FC_OK)
        return rc;
    *us_out = fc_time_local_day_start(monday + dow - 1) + (int64_t)min_of_day * S_MIN_US;
    return FC_OK;
}

void notify_local_minute(int64_t us, char *buf, size_t n)
{
    char full[32];
    fc_time_format_local(us, full, sizeof full);
    /* "2026-11-22 14:00:00" → "2026-11-22 14:00" */
    snprintf(buf, n, "%.16s", full);
}

void notify_fen_yuan(int64_t fen, char *buf, size_t n)
{
    uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(buf, n, "%s%" PRIu64 ".%02u", fen < 0 ? "-" : "", a / 100, (unsigned)(a % 100));
}

int64_t notify_backoff_ms(int attempt, int64_t base_ms, int64_t max_ms, uint64_t rnd)
{
    int64_t d = base_ms > 0 ? base_ms : 1;
    for (int i = 1; i < attempt && d < max_ms && d <= INT64_MAX / 2; i++)
        d *= 2;
    if (d > max_ms)
        d = max_ms;
    int64_t span = d / 5;
    if (span > 0)
        d += (int64_t)(rnd % ((uint64_t)span + 1));
    return d;
}

int notify_channel_known(const char *name)
{
    static const char *known[] = {"wecom", "sms", "email", "inbox", "file"};
    for (size_t i = 0; name && i < sizeof known / sizeof known[0]; i++)
        if (strcmp(name, known[i]) == 0)
            return 1;
    return 0;
}

int notify_lang_known(const char *lang)
{
    return lang && (strcmp(lang, "zh") == 0 || strcmp(lang, "en") == 0);
}

int notify_task_follows_intake(const char *kind)
{
    static const char *kinds[] = {"discrimination_handle", "discrimination_close",
                                  "village_return"};
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return 1;
    return 0;
}
