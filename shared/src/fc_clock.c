/* fc_clock: the injectable clock and calendar helpers (UTC storage, Shanghai display). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "fc_clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum { S_REAL, S_FIXED, S_ACCEL, S_FILE } s_mode_t;

static s_mode_t s_mode = S_REAL;
static int64_t s_fixed_us;
static int64_t s_accel_start_us;
static double s_accel_factor = 1.0;
static int64_t s_accel_anchor_us;
static char s_file[512];

static int64_t s_real_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * FC_US_PER_S + ts.tv_nsec / 1000;
}

int fc_clock_configure(const char *spec, fc_err_t *err)
{
    if (!spec || !*spec || strcmp(spec, "real") == 0) {
        s_mode = S_REAL;
        return FC_OK;
    }
    if (strncmp(spec, "fixed:", 6) == 0) {
        if (fc_time_parse(spec + 6, &s_fixed_us, err) != FC_OK)
            return fc_err_set(err, FC_EINVAL, "FC_CLOCK", "bad fixed time in \"%s\"", spec);
        s_mode = S_FIXED;
        return FC_OK;
    }
    if (strncmp(spec, "accel:", 6) == 0) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", spec + 6);
        char *c1 = strchr(buf, ',');
        char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (!c1 || !c2)
            return fc_err_set(err, FC_EINVAL, "FC_CLOCK",
                              "accelerated clock \"%s\" is not accel:START,FACTOR,ANCHOR", spec);
        *c1 = *c2 = '\0';
        char *end;
        double factor = strtod(c1 + 1, &end);
        if (*end || factor <= 0 || factor > 1e6)
            return fc_err_set(err, FC_EINVAL, "FC_CLOCK", "bad factor \"%s\" in clock", c1 + 1);
        long long anchor = strtoll(c2 + 1, &end, 10);
        if (*end || anchor <= 0)
            return fc_err_set(err, FC_EINVAL, "FC_CLOCK", "bad anchor \"%s\" in clock", c2 + 1);
        if (fc_time_parse(buf, &s_accel_start_us, err) != FC_OK)
            return fc_err_set(err, FC_EINVAL, "FC_CLOCK", "bad start \"%s\" in clock", buf);
        s_accel_factor = factor;
        s_accel_anchor_us = (int64_t)anchor * FC_US_PER_S;
        s_mode = S_ACCEL;
        return FC_OK;
    }
    if (strncmp(spec, "file:", 5) == 0 && spec[5]) {
        snprintf(s_file, sizeof s_file, "%s", spec + 5);
        s_mode = S_FILE;
        return FC_OK;
    }
    return fc_err_set(err, FC_EINVAL, "FC_CLOCK",
                      "unknown clock \"%s\" (want real, fixed:, accel: or file:)", spec);
}

static int64_t s_file_now(void)
{
    FILE *f = fopen(s_file, "r");
    if (!f)
        return s_real_us();
    char line[64] = "";
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, "\r\n ")] = '\0';
    int64_t us;
    char *end;
    long long v = strtoll(line, &end, 10);
    if (*line && !*end)
        return v;
    if (fc_time_parse(line, &us, NULL) == FC_OK)
        return us;
    return s_real_us();
}

int64_t fc_clock_now_us(void)
{
    switch (s_mode) {
    case S_FIXED: return s_fixed_us;
    case S_ACCEL:
        return s_accel_start_us + (int64_t)((double)(s_real_us() - s_accel_anchor_us) * s_accel_factor);
    case S_FILE: return s_file_now();
    case S_REAL:
    default: return s_real_us();
    }
}

int64_t fc_clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- civil calendar (Howard Hinnant's algorithms) ------------------------- */

int64_t fc_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void fc_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static int s_days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static int s_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int fc_time_parse(const char *s, int64_t *us_out, fc_err_t *err)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    int64_t frac_us = 0;
    if (!s || s_digits(&p, 4, &y) || *p++ != '-' || s_digits(&p, 2, &mo) || *p++ != '-' ||
        s_digits(&p, 2, &d))
        goto bad;
    if (mo < 1 || mo > 12 || d < 1 || d > s_days_in_month(y, mo))
        goto bad;
    if (*p == '\0') {
        /* a bare date means midnight in Asia/Shanghai */
        *us_out = fc_time_local_day_start(fc_days_from_civil(y, mo, d));
        return FC_OK;
    }
    if (*p != 'T' && *p != ' ')
        goto bad;
    p++;
    if (s_digits(&p, 2, &h) || *p++ != ':' || s_digits(&p, 2, &mi))
        goto bad;
    if (*p == ':') {
        p++;
        if (s_digits(&p, 2, &sec))
            goto bad;
        if (*p == '.') {
            p++;
            int64_t scale = 100000;
            if (!isdigit((unsigned char)*p))
                goto bad;
            while (isdigit((unsigned char)*p)) {
                frac_us += (*p - '0') * scale;
                scale /= 10;
                p++;
            }
        }
    }
    if (h > 23 || mi > 59 || sec > 60)
        goto bad;
    int64_t offset_s;
    if (*p == 'Z' && p[1] == '\0') {
        offset_s = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (s_digits(&p, 2, &oh) || *p++ != ':' || s_digits(&p, 2, &om) || oh > 14 || om > 59)
            goto bad;
        offset_s = sign * (oh * 3600 + om * 60);
    } else if (*p == '\0') {
        offset_s = 8 * 3600; /* no zone: Asia/Shanghai, as users write it */
    } else {
        goto bad;
    }
    int64_t days = fc_days_from_civil(y, mo, d);
    *us_out = ((days * 86400 + h * 3600 + mi * 60 + sec) - offset_s) * FC_US_PER_S + frac_us;
    return FC_OK;
bad:
    return fc_err_set(err, FC_EINVAL, NULL,
                      "\"%s\" is not a time like 2026-11-22T08:00:00+08:00 or 2026-11-22",
                      s ? s : "");
}

static void s_format(int64_t us, int64_t offset_us, const char *fmt_sep, const char *suffix,
                     char *buf, size_t n)
{
    int64_t t = us + offset_us;
    int64_t secs = t >= 0 ? t / FC_US_PER_S : -((-t + FC_US_PER_S - 1) / FC_US_PER_S);
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    int y, m, d;
    fc_civil_from_days(days, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d%s%02d:%02d:%02d%s", y, m, d, fmt_sep, (int)(sod / 3600),
             (int)(sod / 60 % 60), (int)(sod % 60), suffix);
}

void fc_time_format_utc(int64_t us, char *buf, size_t n)
{
    s_format(us, 0, "T", "Z", buf, n);
}

void fc_time_format_local(int64_t us, char *buf, size_t n)
{
    s_format(us, FC_SHANGHAI_OFFSET_US, " ", "", buf, n);
}

int64_t fc_time_local_day(int64_t us)
{
    int64_t t = us + FC_SHANGHAI_OFFSET_US;
    return t >= 0 ? t / FC_US_PER_DAY : -((-t + FC_US_PER_DAY - 1) / FC_US_PER_DAY);
}

int64_t fc_time_local_day_start(int64_t d)
{
    return d * FC_US_PER_DAY - FC_SHANGHAI_OFFSET_US;
}

/* ISO weekday 1 (Monday) .. 7 of a day number; 1970-01-01 was a Thursday. */
static int s_iso_wday(int64_t day)
{
    int64_t w = (day + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

void fc_iso_week(int64_t day, int *iso_year, int *iso_week)
{
    int64_t thursday = day - s_iso_wday(day) + 4;
    int y, m, d;
    fc_civil_from_days(thursday, &y, &m, &d);
    int64_t jan1 = fc_days_from_civil(y, 1, 1);
    *iso_year = y;
    *iso_week = (int)((thursday - jan1) / 7 + 1);
}

int fc_iso_week_start(int iso_year, int iso_week, int64_t *day_out, fc_err_t *err)
{
    if (iso_year < 1970 || iso_year > 9999 || iso_week < 1 || iso_week > 53)
        return fc_err_set(err, FC_EINVAL, "week", "week %04d-W%02d does not exist", iso_year,
                          iso_week);
    int64_t jan4 = fc_days_from_civil(iso_year, 1, 4);
    int64_t monday = jan4 - s_iso_wday(jan4) + 1 + (int64_t)(iso_week - 1) * 7;
    int y, w;
    fc_iso_week(monday, &y, &w);
    if (y != iso_year || w != iso_week)
        return fc_err_set(err, FC_EINVAL, "week", "week %04d-W%02d does not exist", iso_year,
                          iso_week);
    *day_out = monday;
    return FC_OK;
}
