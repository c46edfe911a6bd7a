/* rotation_workload: measuring and judging a workload. */
#include "rotation_workload.h"
#include "fc_clock.h"

#include <stdlib.h>
#include <string.h>

#define S_MIN_US (60 * FC_US_PER_S)

static int64_t s_overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

void rotation_workload_measure(const rotation_duty_t *duties, size_t n, int64_t now_us,
                               rotation_load_t *out)
{
    memset(out, 0, sizeof *out);
    out->rest_minutes = -1;
    int64_t today = fc_time_local_day(now_us);
    int64_t day0 = fc_time_local_day_start(today);
    int64_t day_us = 0, week_us = 0;
    /* the latest duty begun by now, and the latest end before it began */
    int64_t latest_start = INT64_MIN, prev_end = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t s = duties[i].start_us, e = duties[i].end_us ? duties[i].end_us : now_us;
        if (s > now_us)
            continue;
        if (e > now_us)
            e = now_us;
        day_us += s_overlap(s, e, day0, now_us);
        week_us += s_overlap(s, e, now_us - 7 * FC_US_PER_DAY, now_us);
        if (s > latest_start)
            latest_start = s;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t e = duties[i].end_us;
        if (e && duties[i].start_us < latest_start && e <= latest_start && e > prev_end)
            prev_end = e;
    }
    out->minutes_day = day_us / S_MIN_US;
    out->minutes_7d = week_us / S_MIN_US;
    if (latest_start != INT64_MIN && prev_end != INT64_MIN)
        out->rest_minutes = (latest_start - prev_end) / S_MIN_US;
    /* consecutive local days ending today, each touched by a duty */
    for (int64_t d = today;; d--) {
        int64_t a = fc_time_local_day_start(d), b = fc_time_local_day_start(d + 1);
        int worked = 0;
        for (size_t i = 0; i < n && !worked; i++) {
            int64_t s = duties[i].start_us, e = duties[i].end_us ? duties[i].end_us : now_us;
            worked = s <= now_us && s_overlap(s, e > s ? e : s + 1, a, b) > 0;
        }
        if (!worked)
            break;
        out->consecutive_days++;
    }
}

rotation_level_t rotation_workload_judge(const rotation_load_t *load,
                                         const rotation_limits_t *limits, rotation_alert_t *out)
{
    const struct {
        const char *metric;
        int64_t value, limit;
    } m[ROTATION_NMETRICS] = {
        {"minutes_day", load->minutes_day, limits->max_minutes_day},
        {"minutes_7d", load->minutes_7d, limits->max_minutes_7d},
        {"consecutive_days", load->consecutive_days, limits->max_consecutive_days},
        {"rest_minutes", load->rest_minutes, limits->min_rest_minutes},
    };
    rotation_level_t worst = ROTATION_OK;
    int warn = limits->warn_percent;
    for (int i = 0; i < ROTATION_NMETRICS; i++) {
        rotation_alert_t *a = &out[i];
        a->metric = m[i].metric;
        a->value = m[i].value;
        a->limit = m[i].limit;
        a->percent = m[i].limit > 0 ? (int)(m[i].value * 100 / m[i].limit) : 0;
        a->level = ROTATION_OK;
        if (i < 3) {
            if (m[i].value > m[i].limit)
                a->level = ROTATION_EXCEEDED;
            else if (m[i].value * 100 >= (int64_t)warn * m[i].limit)
                a->level = ROTATION_WARN;
        } else if (m[i].value >= 0) {
            /* a minimum: short of it is exceeded; the limit above warn % of the rest, a warning */
            if (m[i].value < m[i].limit)
                a->level = ROTATION_EXCEEDED;
            else if (m[i].limit * 100 > (int64_t)warn * m[i].value)
                a->level = ROTATION_WARN;
        }
        if (a->level > worst)
            worst = a->level;
    }
    return worst;
}
