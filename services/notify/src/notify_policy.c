/* notify_policy: reading and checking infra/policy/notify.json. */
#include "notify_policy.h"
#include "fc_policy.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int notify_chanlist_parse(const char *const *names, int n, notify_chanlist_t *l, fc_err_t *err)
{
    memset(l, 0, sizeof *l);
    for (int i = 0; i < n; i++) {
        if (!notify_channel_known(names[i]))
            return fc_err_set(err, FC_EINVAL, "channels",
                              "未知的渠道“%s”（可用：wecom、sms、email、inbox、file）", names[i]);
        int dup = 0;
        for (int k = 0; k < l->n; k++)
            dup |= strcmp(l->name[k], names[i]) == 0;
        if (dup)
            continue;
        if (l->n == NOTIFY_MAX_CHANNELS)
            return fc_err_set(err, FC_EINVAL, "channels", "渠道过多");
        snprintf(l->name[l->n++], sizeof l->name[0], "%s", names[i]);
    }
    return FC_OK;
}

static int s_strings(const json_t *pol, const char *path, char *dst, size_t width, int max,
                     int *n_out, fc_err_t *err)
{
    const json_t *a = fc_policy_get(pol, path);
    *n_out = 0;
    if (!a)
        return FC_OK;
    if (!json_is_array(a) || (int)json_array_size(a) > max)
        return fc_err_set(err, FC_EINVAL, path, "policy value is not a list of at most %d names",
                          max);
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v) || strlen(json_string_value(v)) >= width)
            return fc_err_set(err, FC_EINVAL, path, "policy list item %zu is not a short name", i);
        snprintf(dst + (size_t)(*n_out) * width, width, "%s", json_string_value(v));
        (*n_out)++;
    }
    return FC_OK;
}

static int s_chanlist(const json_t *pol, const char *path, const char *const *def, int ndef,
                      notify_chanlist_t *l, fc_err_t *err)
{
    const json_t *a = fc_policy_get(pol, path);
    if (!a)
        return notify_chanlist_parse(def, ndef, l, err);
    const char *names[NOTIFY_MAX_CHANNELS];
    if (!json_is_array(a) || json_array_size(a) > NOTIFY_MAX_CHANNELS)
        return fc_err_set(err, FC_EINVAL, path, "policy value is not a list of channels");
    for (size_t i = 0; i < json_array_size(a); i++)
        if (!(names[i] = json_string_value(json_array_get(a, i))))
            return fc_err_set(err, FC_EINVAL, path, "policy list item %zu is not a name", i);
    int rc = notify_chanlist_parse(names, (int)json_array_size(a), l, err);
    if (rc != FC_OK)
        snprintf(err->field, sizeof err->field, "%s", path);
    return rc;
}

static int s_hhmm(const json_t *pol, const char *path, const char *def, int *min, fc_err_t *err)
{
    const json_t *v = fc_policy_get(pol, path);
    const char *s = v ? json_string_value(v) : def;
    if (!s || notify_parse_hhmm(s, min) != FC_OK)
        return fc_err_set(err, FC_EINVAL, path, "policy value is not a time of day HH:MM");
    return FC_OK;
}

static int s_int(const json_t *pol, const char *path, int def, int min, int max, int *out,
                 fc_err_t *err)
{
    int64_t v = 0;
    int rc = fc_policy_int(pol, path, def, min, max, &v, err);
    *out = (int)v;
    return rc;
}

int notify_policy_load(const char *dir, notify_policy_t *out, fc_err_t *err)
{
    memset(out, 0, sizeof *out);
    json_t *pol = fc_policy_load(dir, "notify", err);
    if (!pol)
        return FC_EINVAL;
    static const char *person_def[] = {"inbox", "sms"};
    static const char *desk_def[] = {"wecom", "email", "inbox"};
    int rc;
    const json_t *lang = fc_policy_get(pol, "default_lang");
    snprintf(out->default_lang, sizeof out->default_lang, "%s",
             lang ? json_string_value(lang) ? json_string_value(lang) : "?" : "zh");
    if (!notify_lang_known(out->default_lang)) {
        rc = fc_err_set(err, FC_EINVAL, "default_lang", "policy language \"%s\" is not zh or en",
                        out->default_lang);
        goto out;
    }
    if ((rc = s_hhmm(pol, "quiet_hours.start", "22:00", &out->quiet.start_min, err)) != FC_OK ||
        (rc = s_hhmm(pol, "quiet_hours.end", "07:00", &out->quiet.end_min, err)) != FC_OK ||
        (rc = s_chanlist(pol, "channels.person", person_def, 2, &out->person_channels, err)) !=
            FC_OK ||
        (rc = s_chanlist(pol, "channels.desk", desk_def, 3, &out->desk_channels, err)) != FC_OK ||
        (rc = s_strings(pol, "incident_visit.kinds", out->visit_kinds[0],
                        sizeof out->visit_kinds[0], NOTIFY_MAX_KINDS, &out->n_visit_kinds, err)) !=
            FC_OK ||
        (rc = s_int(pol, "incident_visit.visit_within_hours", 24, 1, 24 * 30,
                    &out->visit_within_hours, err)) != FC_OK ||
        (rc = s_int(pol, "heart_talk.every_duty_days", 14, 1, 365, &out->heart_talk_duty_days,
                    err)) != FC_OK ||
        (rc = s_int(pol, "health_check.every_days", 7, 1, 365, &out->health_check_every_days,
                    err)) != FC_OK ||
        (rc = s_int(pol, "liaison_checkin.every_days", 7, 1, 365, &out->liaison_every_days, err)) !=
            FC_OK ||
        (rc = s_int(pol, "family_visit.overdue_after_days", 7, 1, 365, &out->family_overdue_days,
                    err)) != FC_OK ||
        (rc = s_int(pol, "benefit_case.remind_days_before", 3, 0, 365, &out->benefit_remind_days,
                    err)) != FC_OK ||
        (rc = s_int(pol, "discrimination_case.handle_within_days", 3, 1, 365,
                    &out->disc_handle_days, err)) != FC_OK ||
        (rc = s_int(pol, "discrimination_case.close_within_days", 15, 1, 365, &out->disc_close_days,
                    err)) != FC_OK ||
        (rc = s_int(pol, "village_return.remind_after_days", 0, 0, 365, &out->village_after_days,
                    err)) != FC_OK ||
        (rc = s_int(pol, "weekly_report.remind_dow", 5, 1, 7, &out->wr_remind_dow, err)) != FC_OK ||
        (rc = s_hhmm(pol, "weekly_report.remind_time", "09:00", &out->wr_remind_min, err)) !=
            FC_OK ||
        (rc = s_int(pol, "weekly_report.due_dow", 5, 1, 7, &out->wr_due_dow, err)) != FC_OK ||
        (rc = s_hhmm(pol, "weekly_report.due_time", "18:00", &out->wr_due_min, err)) != FC_OK ||
        (rc = s_int(pol, "weekly_report.missing_after_hours", 48, 1, 24 * 14,
                    &out->wr_missing_hours, err)) != FC_OK ||
        (rc = s_strings(pol, "urgent_kinds", out->urgent[0], sizeof out->urgent[0],
                        NOTIFY_MAX_KINDS, &out->n_urgent, err)) != FC_OK)
        goto out;
    if (!fc_policy_get(pol, "incident_visit.kinds")) {
        static const char *def[] = {"injured", "fell_ill", "infected", "died"};
        for (size_t i = 0; i < 4; i++)
            snprintf(out->visit_kinds[i], sizeof out->visit_kinds[0], "%s", def[i]);
        out->n_visit_kinds = 4;
    }
    if (out->disc_close_days < out->disc_handle_days) {
        rc = fc_err_set(err, FC_EINVAL, "discrimination_case.close_within_days",
                        "a case is to be closed before it is to be handled");
        goto out;
    }
    if (out->wr_due_dow * 1440 + out->wr_due_min < out->wr_remind_dow * 1440 + out->wr_remind_min)
        rc = fc_err_set(err, FC_EINVAL, "weekly_report.due_time",
                        "the weekly report is due before its reminder");
out:
    json_decref(pol);
    return rc;
}

int notify_policy_urgent(const notify_policy_t *p, const char *kind)
{
    for (int i = 0; i < p->n_urgent; i++)
        if (strcmp(p->urgent[i], kind) == 0)
            return 1;
    return 0;
}

int notify_policy_visit_kind(const notify_policy_t *p, const char *incident_kind)
{
    for (int i = 0; i < p->n_visit_kinds; i++)
        if (strcmp(p->visit_kinds[i], incident_kind) == 0)
            return 1;
    return 0;
}
