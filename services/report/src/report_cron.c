/* report_cron: parse and evaluate cron expressions in Asia/Shanghai (fixed +08:00). */
#include "report_cron.h"
#include "fc_clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses one field ("*", "1-5", "*\/15" i.e. every 15th, "0,30", "1-10/3") into bits lo..hi. */
static int s_field(const char *text, int lo, int hi, uint64_t *bits, int *any)
{
    *bits = 0;
    *any = strcmp(text, "*") == 0;
    char buf[128];
    if (strlen(text) >= sizeof buf || !*text)
        return -1;
    strcpy(buf, text);
    char *save = NULL;
    for (char *part = strtok_r(buf, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
        int a, b, step = 1;
        char *slash = strchr(part, '/');
        if (slash) {
            *slash = '\0';
            char *end;
            long s = strtol(slash + 1, &end, 10);
            if (!isdigit((unsigned char)slash[1]) || *end || s < 1 || s > hi)
                return -1;
            step = (int)s;
        }
        if (strcmp(part, "*") == 0) {
            a = lo;
            b = hi;
        } else {
            char *end;
            if (!isdigit((unsigned char)*part))
                return -1;
            long x = strtol(part, &end, 10), y = x;
            if (*end == '-') {
                if (!isdigit((unsigned char)end[1]))
                    return -1;
                y = strtol(end + 1, &end, 10);
            } else if (slash) {
                y = hi; /* "5/10" = from 5 every 10 */
            }
            if (*end || x < lo || y > hi || x > y)
                return -1;
            a = (int)x;
            b = (int)y;
        }
        for (int v = a; v <= b; v += step)
            *bits |= 1ULL << v;
    }
    return 0;
}

int report_cron_parse(const char *expr, const char *field, report_cron_t *out, fc_err_t *err)
{
    static const char *names[] = {"分钟", "小时", "日", "月", "星期"};
    static const int lo[] = {0, 0, 1, 1, 0}, hi[] = {59, 23, 31, 12, 7};
    memset(out, 0, sizeof *out);
    char buf[256];
    if (!expr || strlen(expr) >= sizeof buf)
        return fc_err_set(err, FC_EINVAL, field, "cron 表达式为空或过长");
    strcpy(buf, expr);
    char *parts[6] = {0}, *save = NULL;
    int n = 0;
    for (char *p = strtok_r(buf, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
        if (n == 5)
            return fc_err_set(err, FC_EINVAL, field,
                              "cron 表达式“%s”应有 5 个字段（分 时 日 月 星期）", expr);
        parts[n++] = p;
    }
    if (n != 5)
        return fc_err_set(err, FC_EINVAL, field, "cron 表达式“%s”应有 5 个字段（分 时 日 月 星期）",
                          expr);
    uint64_t bits[5];
    int any[5];
    for (int i = 0; i < 5; i++)
        if (s_field(parts[i], lo[i], hi[i], &bits[i], &any[i]) != 0)
            return fc_err_set(err, FC_EINVAL, field, "cron 表达式“%s”的%s字段“%s”无效（%d–%d）",
                              expr, names[i], parts[i], lo[i], hi[i]);
    out->minute = bits[0];
    out->hour = (uint32_t)bits[1];
    out->dom = (uint32_t)bits[2];
    out->month = (uint16_t)bits[3];
    uint64_t dow = bits[4];
    if (dow & (1ULL << 7))
        dow = (dow | 1ULL) & ~(1ULL << 7); /* 7 is Sunday too */
    out->dow = (uint8_t)dow;
    out->dom_any = any[2];
    out->dow_any = any[4];
    return FC_OK;
}

static int s_day_matches(const report_cron_t *c, int64_t day)
{
    int y, m, d;
    fc_civil_from_days(day, &y, &m, &d);
    if (!(c->month & (1u << m)))
        return 0;
    int wday = (int)(((day % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
    int dom_ok = (c->dom >> d) & 1, dow_ok = (c->dow >> wday) & 1;
    if (c->dom_any || c->dow_any)
        return dom_ok && dow_ok;
    return dom_ok || dow_ok;
}

int report_cron_prev(const report_cron_t *c, int64_t now_us, int max_days, int64_t *fire_us)
{
    int64_t local = now_us + FC_SHANGHAI_OFFSET_US;
    int64_t day = local >= 0 ? local / FC_US_PER_DAY : (local - FC_US_PER_DAY + 1) / FC_US_PER_DAY;
    int64_t minute_of_day = (local - day * FC_US_PER_DAY) / (60 * FC_US_PER_S);
    for (int back = 0; back <= max_days; back++, day--) {
        if (!s_day_matches(c, day))
            continue;
        int start = back == 0 ? (int)minute_of_day : 24 * 60 - 1;
        for (int m = start; m >= 0; m--) {
            if (((c->hour >> (m / 60)) & 1) && ((c->minute >> (m % 60)) & 1)) {
                *fire_us = fc_time_local_day_start(day) + (int64_t)m * 60 * FC_US_PER_S;
                return FC_OK;
            }
        }
    }
    return FC_ENOTFOUND;
}
