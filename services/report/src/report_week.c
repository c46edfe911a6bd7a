/* report_week: ISO weeks in Asia/Shanghai. */
#include "report_week.h"
#include "fc_clock.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void s_fill(int64_t monday, report_week_t *out)
{
    fc_iso_week(monday, &out->iso_year, &out->week);
    snprintf(out->iso_week, sizeof out->iso_week, "%04d-W%02d", out->iso_year, out->week);
    out->start_day = monday;
    out->end_day = monday + 7;
    out->start_us = fc_time_local_day_start(monday);
    out->end_us = fc_time_local_day_start(monday + 7);
}

int report_week_parse(const char *s, const char *field, report_week_t *out, fc_err_t *err)
{
    if (!s || strlen(s) != 8 || s[4] != '-' || s[5] != 'W')
        return fc_err_set(err, FC_EINVAL, field, "“%s”不是 ISO 周，应写作 2026-W47 的形式",
                          s ? s : "");
    for (int i = 0; i < 8; i++)
        if (i != 4 && i != 5 && !isdigit((unsigned char)s[i]))
            return fc_err_set(err, FC_EINVAL, field, "“%s”不是 ISO 周，应写作 2026-W47 的形式", s);
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int w = (s[6] - '0') * 10 + (s[7] - '0');
    int64_t monday = 0;
    fc_err_t e;
    fc_err_clear(&e);
    if (fc_iso_week_start(y, w, &monday, &e) != FC_OK)
        return fc_err_set(err, FC_EINVAL, field, "ISO 周 %s 不存在（%04d 年没有第 %d 周）", s, y,
                          w);
    s_fill(monday, out);
    return FC_OK;
}

void report_week_of_day(int64_t day, report_week_t *out)
{
    int y, w;
    fc_iso_week(day, &y, &w);
    int64_t monday = 0;
    fc_iso_week_start(y, w, &monday, NULL);
    s_fill(monday, out);
}

void report_week_shift(const report_week_t *wk, int n, report_week_t *out)
{
    s_fill(wk->start_day - 7LL * n, out);
}
