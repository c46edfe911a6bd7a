/* report_policy: report.json read and checked once at start. */
#include "report_policy.h"
#include "fc_clock.h"
#include "fc_mem.h"
#include "fc_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_statuses[] = {"member",   "probationary", "development_target",
                                   "activist", "applicant",    "none"};

static int s_int(const json_t *doc, const char *path, int def, int min, int max, int *out,
                 fc_err_t *err)
{
    int64_t v = 0;
    int rc = fc_policy_int(doc, path, def, min, max, &v, err);
    *out = (int)v;
    return rc;
}

static int s_bool(const json_t *doc, const char *path, int def, int *out, fc_err_t *err)
{
    const json_t *v = fc_policy_get(doc, path);
    if (!v) {
        *out = def;
        return FC_OK;
    }
    if (!json_is_boolean(v))
        return fc_err_set(err, FC_EINVAL, path, "policy value is not true or false");
    *out = json_is_true(v);
    return FC_OK;
}

/* {"weekday": 1-7, "time": "HH:MM", "next_week": bool} at path. */
static int s_due(const json_t *v, const char *path, report_due_t *out, fc_err_t *err)
{
    if (!json_is_object(v))
        return fc_err_set(err, FC_EINVAL, path, "policy value is not an object");
    const json_t *wd = json_object_get(v, "weekday"), *t = json_object_get(v, "time"),
                 *nw = json_object_get(v, "next_week");
    if (!json_is_integer(wd) || json_integer_value(wd) < 1 || json_integer_value(wd) > 7)
        return fc_err_set(err, FC_EINVAL, path, "weekday must be an integer 1 (Monday) to 7");
    int hh, mm;
    char tail;
    if (!json_is_string(t) || sscanf(json_string_value(t), "%2d:%2d%c", &hh, &mm, &tail) != 2 ||
        hh < 0 || hh > 23 || mm < 0 || mm > 59)
        return fc_err_set(err, FC_EINVAL, path, "time must be \"HH:MM\"");
    if (nw && !json_is_boolean(nw))
        return fc_err_set(err, FC_EINVAL, path, "next_week must be true or false");
    out->weekday = (int)json_integer_value(wd);
    out->minute = hh * 60 + mm;
    out->next_week = nw && json_is_true(nw);
    return FC_OK;
}

static int s_check_overrides(const json_t *doc, fc_err_t *err)
{
    const json_t *subs = fc_policy_get(doc, "weekly_report.subsidiaries");
    const json_t *weeks = fc_policy_get(doc, "weekly_report.weeks");
    report_due_t d;
    char path[160];
    if (subs && !json_is_object(subs))
        return fc_err_set(err, FC_EINVAL, "weekly_report.subsidiaries", "must be an object");
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)subs, k, v)
    {
        snprintf(path, sizeof path, "weekly_report.subsidiaries.%s", k);
        if (s_due(v, path, &d, err) != FC_OK)
            return FC_EINVAL;
    }
    if (weeks && !json_is_array(weeks))
        return fc_err_set(err, FC_EINVAL, "weekly_report.weeks", "must be an array");
    size_t i;
    json_array_foreach(weeks, i, v)
    {
        snprintf(path, sizeof path, "weekly_report.weeks[%zu]", i);
        report_week_t wk;
        const json_t *w = json_object_get(v, "week"), *org = json_object_get(v, "org");
        if (!json_is_string(w) || report_week_parse(json_string_value(w), path, &wk, err) != FC_OK)
            return fc_err_set(err, FC_EINVAL, path, "week must be an ISO week \"2026-W47\"");
        if (org && !json_is_string(org))
            return fc_err_set(err, FC_EINVAL, path, "org must be an org code");
        if (s_due(v, path, &d, err) != FC_OK)
            return FC_EINVAL;
    }
    return FC_OK;
}

report_policy_t *report_policy_from_json(json_t *doc, fc_err_t *err)
{
    report_policy_t *self = fc_xcalloc(1, sizeof *self);
    self->doc = doc;
    const json_t *due = fc_policy_get(doc, "weekly_report.due");
    int rc = FC_EINVAL;
    if (due)
        rc = s_due(due, "weekly_report.due", &self->due, err);
    else {
        self->due = (report_due_t){7, 20 * 60, 0};
        rc = FC_OK;
    }
    if (rc == FC_OK)
        rc = s_check_overrides(doc, err);
    if (rc == FC_OK)
        rc = s_int(doc, "weekly_report.chase_lookback_days", 14, 1, 366, &self->chase_lookback_days,
                   err);
    if (rc == FC_OK)
        rc = s_int(doc, "two_ends.window_weeks", 4, 1, 52, &self->ends.window_weeks, err);
    if (rc == FC_OK)
        rc = s_int(doc, "two_ends.advanced.min_good_events", 2, 0, 1000, &self->ends.adv_min_good,
                   err);
    if (rc == FC_OK)
        rc = s_int(doc, "two_ends.advanced.min_commendations", 1, 0, 1000,
                   &self->ends.adv_min_commend, err);
    if (rc == FC_OK)
        rc = s_bool(doc, "two_ends.advanced.exclude_if_bad", 1, &self->ends.adv_exclude_bad, err);
    if (rc == FC_OK)
        rc =
            s_int(doc, "two_ends.lagging.min_bad_events", 1, 0, 1000, &self->ends.lag_min_bad, err);
    if (rc == FC_OK)
        rc = s_int(doc, "two_ends.lagging.min_accountability", 1, 0, 1000,
                   &self->ends.lag_min_accountability, err);
    if (rc == FC_OK)
        rc = s_int(doc, "two_ends.lagging.min_overdue_reports", 2, 0, 1000,
                   &self->ends.lag_min_overdue, err);
    if (rc == FC_OK)
        rc = s_int(doc, "reserve_pool.window_weeks", 4, 1, 52, &self->reserve.window_weeks, err);
    if (rc == FC_OK)
        rc = s_int(doc, "reserve_pool.min_duty_days", 5, 0, 366, &self->reserve.min_duty_days, err);
    if (rc == FC_OK)
        rc = s_int(doc, "reserve_pool.min_merits", 1, 0, 1000, &self->reserve.min_merits, err);
    if (rc == FC_OK)
        rc = s_bool(doc, "reserve_pool.exclude_if_bad", 1, &self->reserve.exclude_bad, err);
    if (rc == FC_OK)
        rc = s_int(doc, "fast_track.window_weeks", 4, 1, 52, &self->fast.window_weeks, err);
    if (rc == FC_OK)
        rc = s_int(doc, "fast_track.min_duty_days", 5, 0, 366, &self->fast.min_duty_days, err);
    if (rc == FC_OK)
        rc = s_int(doc, "fast_track.min_merits", 1, 0, 1000, &self->fast.min_merits, err);
    if (rc == FC_OK)
        rc = s_bool(doc, "fast_track.include_proposed", 1, &self->fast.include_proposed, err);
    if (rc == FC_OK)
        rc = s_bool(doc, "reserve_pool.village_days_count", 1, &self->reserve.village_days, err);
    if (rc == FC_OK)
        rc = s_bool(doc, "fast_track.village_days_count", 1, &self->fast.village_days, err);
    if (rc == FC_OK)
        rc = s_int(doc, "visits.within_hours", 24, 1, 24 * 30, &self->visit_within_hours, err);
    if (rc == FC_OK)
        rc = s_int(doc, "lists.max_rows", 500, 1, 100000, &self->max_rows, err);
    if (rc == FC_OK) {
        const json_t *st = fc_policy_get(doc, "fast_track.party_status");
        strcpy(self->fast.statuses, "{");
        if (!st) {
            strcat(self->fast.statuses, "applicant,activist,development_target");
        } else if (!json_is_array(st) || json_array_size(st) == 0) {
            rc = fc_err_set(err, FC_EINVAL, "fast_track.party_status",
                            "must be a non-empty array of Party statuses");
        } else {
            size_t i;
            const json_t *v;
            json_array_foreach(st, i, v)
            {
                int known = 0;
                for (size_t k = 0; json_is_string(v) && k < 6; k++)
                    known |= strcmp(json_string_value(v), s_statuses[k]) == 0;
                if (!known) {
                    rc = fc_err_set(err, FC_EINVAL, "fast_track.party_status",
                                    "unknown Party status at index %zu", i);
                    break;
                }
                if (i)
                    strcat(self->fast.statuses, ",");
                strcat(self->fast.statuses, json_string_value(v));
            }
        }
        strcat(self->fast.statuses, "}");
    }
    if (rc != FC_OK)
        report_policy_destroy(&self);
    return self;
}

report_policy_t *report_policy_load(const char *dir, fc_err_t *err)
{
    json_t *doc = fc_policy_load(dir, "report", err);
    return doc ? report_policy_from_json(doc, err) : NULL;
}

void report_policy_destroy(report_policy_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    json_decref((*self_p)->doc);
    free(*self_p);
    *self_p = NULL;
}

int64_t report_policy_due_us(const report_policy_t *self, const char *org_code,
                             const report_week_t *wk)
{
    report_due_t d = self->due, tmp;
    const json_t *sub = fc_policy_get(self->doc, "weekly_report.subsidiaries");
    const json_t *v = org_code && sub ? json_object_get(sub, org_code) : NULL;
    if (v && s_due(v, "", &tmp, NULL) == FC_OK)
        d = tmp;
    /* a week's rule for every unit, then one for this unit: the most specific wins */
    const json_t *weeks = fc_policy_get(self->doc, "weekly_report.weeks");
    for (int pass = 0; pass < 2; pass++) {
        size_t i;
        json_array_foreach(weeks, i, v)
        {
            const json_t *w = json_object_get(v, "week"), *org = json_object_get(v, "org");
            if (!json_is_string(w) || strcmp(json_string_value(w), wk->iso_week) != 0)
                continue;
            int for_unit = org && json_is_string(org);
            if (pass == 0 && !for_unit && s_due(v, "", &tmp, NULL) == FC_OK)
                d = tmp;
            if (pass == 1 && for_unit && org_code &&
                strcmp(json_string_value(org), org_code) == 0 && s_due(v, "", &tmp, NULL) == FC_OK)
                d = tmp;
        }
    }
    int64_t day = wk->start_day + (d.next_week ? 7 : 0) + (d.weekday - 1);
    return fc_time_local_day_start(day) + (int64_t)d.minute * 60 * FC_US_PER_S;
}
