/* notify_policy: the group's notification policy (infra/policy/notify.json): quiet hours,
 * default channels and language, the cadences of talks, checks, check-ins and weekly
 * reports, and which kinds are urgent. Read once at start; read-only afterwards. */
#ifndef NOTIFY_POLICY_H
#define NOTIFY_POLICY_H

#include <stdint.h>
#include "fc_err.h"
#include "notify_rules.h"

#define NOTIFY_MAX_CHANNELS 5
#define NOTIFY_MAX_KINDS 16

typedef struct {
    char name[NOTIFY_MAX_CHANNELS][8];
    int n;
} notify_chanlist_t;

typedef struct {
    char default_lang[8];
    notify_quiet_t quiet;
    notify_chanlist_t person_channels;
    notify_chanlist_t desk_channels;
    char visit_kinds[NOTIFY_MAX_KINDS][16]; /* incident kinds that call for a visit */
    int n_visit_kinds;
    int visit_within_hours;
    int heart_talk_duty_days;
    int health_check_every_days;
    int liaison_every_days;
    int family_overdue_days;
    int benefit_remind_days; /* benefit cases: remind this many days before a step's deadline */
    int disc_handle_days;    /* discrimination cases: still "reported" this long, the subsidiary */
    int disc_close_days;     /* not closed this long after reported, the group */
    int village_after_days;  /* village first secretaries: after the planned return date */
    int wr_remind_dow, wr_remind_min, wr_due_dow, wr_due_min, wr_missing_hours;
    char urgent[NOTIFY_MAX_KINDS][32];
    int n_urgent;
} notify_policy_t;

/* Loads <dir>/notify.json; every bad value is an error naming its path. */
int notify_policy_load(const char *dir, notify_policy_t *out, fc_err_t *err);
/* 1 if messages of kind may use SMS in quiet hours. */
int notify_policy_urgent(const notify_policy_t *p, const char *kind);
/* 1 if an incident of this kind calls for a visit. */
int notify_policy_visit_kind(const notify_policy_t *p, const char *incident_kind);
/* Parses "sms,inbox" or a JSON-ish list of names into l; FC_EINVAL naming an unknown one. */
int notify_chanlist_parse(const char *const *names, int n, notify_chanlist_t *l, fc_err_t *err);

#endif
