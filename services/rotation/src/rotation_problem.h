/* rotation_problem: the rostering problem that the planner and the independent checker both
 * read: horizon, rules, shift types, people (availability, limits, history, requests), cover
 * and spouse overrides, with the JSON problem file of docs/rotation-problem-format.md (a strict
 * parser that names the bad field, and a writer). Pure C: no database, no network. */
#ifndef ROTATION_PROBLEM_H
#define ROTATION_PROBLEM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "fc_err.h"
#include "fc_mem.h"

#define RP_FORMAT "fc-rotation-problem/1"
#define RP_MAX_DAYS 366
#define RP_MAX_PEOPLE 500000
#define RP_MAX_SHIFTS 100000
#define RP_MAX_CYCLES 32
#define RP_DAY_MIN 1440

/* Every rule a roster is judged by. Hard rules must never be broken; soft ones cost. */
typedef enum {
    RP_H_SAME_DAY = 0, /* at most one shift per person per day */
    RP_H_UNFIT,        /* unfit for frontline duty */
    RP_H_SKILL,        /* lacks a skill the shift requires */
    RP_H_DAY_OFF,      /* a fixed day off (leave, rest day) */
    RP_H_UNAVAILABLE,  /* unavailable then (incident, health, forced rest) */
    RP_H_DAY_MINUTES,  /* minutes per day */
    RP_H_WEEK_MINUTES, /* minutes in any 7 consecutive days */
    RP_H_CONSECUTIVE,  /* consecutive duty days */
    RP_H_REST,         /* minimum rest between shifts */
    RP_H_SUCCESSION,   /* a shift type that may not follow the previous day's */
    RP_H_CYCLE,        /* rotation cycle: at most on_days duty days in any on+off days */
    RP_H_SPOUSE,       /* both spouses on duty the same day without an override */
    RP_H_MAX_SHIFTS,   /* shifts of one type per person */
    RP_H_MAX_MINUTES,  /* minutes per person over the horizon */
    RP_H_MAX_WEEKENDS, /* weekends worked per person */
    RP_H_UNREPORTED,   /* under-cover the roster does not report as uncovered */
    RP_H_BAD_REF,      /* a roster entry naming no known person, day or shift */
    RP_NHARD,
    RP_S_UNDER_COVER = RP_NHARD,
    RP_S_OVER_COVER,
    RP_S_REQUEST_ON,
    RP_S_REQUEST_OFF,
    RP_S_MIN_MINUTES,
    RP_S_MIN_CONSECUTIVE,
    RP_S_MIN_DAYS_OFF,
    RP_S_FAIRNESS,      /* |minutes - fair share| */
    RP_S_RISK_FAIRNESS, /* |class-I shifts - fair share| */
    RP_S_PREFERENCE,    /* class-I shift for someone neither young cadre nor Party member */
    RP_S_CONTINUITY,    /* each distinct post a person works on */
    RP_NRULES
} rp_rule_t;

#define RP_IS_HARD(r) ((r) < RP_NHARD)

/* The rule's stable name ("max_minutes_7d"), used in files, events and logs. */
const char *rp_rule_name(int rule);

typedef struct {
    char *id;
    int on_days, off_days;
} rp_cycle_t;

typedef struct {
    char *id;
    char *name;
    int post;       /* index into problem posts: the continuity key */
    int start_min;  /* local minutes after midnight of its day, 0..1439 */
    int minutes;    /* 1..1440 */
    int risk_class; /* 0 none, 1 direct contact, 2 other frontline */
    int cycle;      /* index into cycles, or -1 */
    int *requires;  /* sorted skill indices */
    int nrequires;
    int *cannot_follow; /* shift types that may not be worked the day after this one */
    int ncannot_follow;
} rp_shift_t;

/* [from, to) in minutes from the start of the horizon (local midnight of day 0). */
typedef struct {
    int64_t from_min, to_min;
} rp_interval_t;

/* A shift worked before the horizon (day < 0). */
typedef struct {
    int day;
    int start_min;
    int minutes;
    int cycle; /* -1 none */
} rp_past_t;

typedef struct {
    int day;
    int shift; /* -1: any shift */
    int on;    /* 1: wants to work it, 0: wants it off */
    int weight;
} rp_request_t;

typedef struct {
    char *id;
    char *name;
    int spouse; /* person index or -1 */
    int fit;
    int young_cadre;
    int party_member;
    int *skills; /* sorted skill indices */
    int nskills;
    int max_minutes; /* over the horizon; -1 none */
    int min_minutes; /* soft; 0 none */
    /* the person's own limits, replacing the rules' (per-subsidiary policy); -1: the rule's */
    int max_consecutive_days;
    int max_minutes_day;
    int max_minutes_7d;
    int min_rest_minutes;
    int min_consecutive_days;     /* soft; 0 none */
    int min_consecutive_days_off; /* soft; 0 none */
    int max_weekends;             /* -1 none */
    int *max_shifts;              /* per shift type, -1 none; NULL when no limit is set */
    uint8_t *day_off;             /* per day, or NULL */
    rp_interval_t *unavailable;
    int nunavailable;
    rp_past_t *history;
    int nhistory;
    rp_request_t *requests;
    int nrequests;
    /* fair shares: derived by rp_problem_finalize unless the file gives them */
    int64_t target_minutes;
    int target_risk;
    int targets_given;
} rp_person_t;

typedef struct {
    int requirement;
    int under_weight;
    int over_weight;
} rp_cover_t;

typedef struct {
    int a, b; /* person indices */
    int day;  /* -1: the whole horizon */
    char *reason;
} rp_override_t;

typedef struct {
    int max_minutes_day;
    int max_minutes_7d;
    int max_consecutive_days;
    int min_rest_minutes;
} rp_rules_t;

typedef struct {
    int64_t under_cover; /* default under-cover weight of a cover entry */
    int64_t over_cover;
    int64_t fairness_per_minute;
    int64_t risk_fairness; /* per class-I shift from the fair share */
    int64_t preference;    /* per class-I shift of a non-preferred person */
    int64_t continuity;    /* per distinct post of a person */
    int64_t min_minutes_per_minute;
    int64_t min_consecutive_days; /* per day a stint is short */
    int64_t min_days_off;         /* per day a rest period is short */
} rp_weights_t;

typedef struct rp_problem {
    fc_arena_t *arena; /* owns every string and array below */
    char *name;
    int64_t start_day; /* local (Asia/Shanghai) day number of day 0, days since 1970-01-01 */
    int days;
    rp_rules_t rules;
    rp_weights_t weights;
    rp_cycle_t *cycles;
    int ncycles;
    char **skills;
    int nskills;
    char **posts;
    int nposts;
    rp_shift_t *shifts;
    int nshifts;
    rp_person_t *people;
    int npeople;
    rp_cover_t *cover; /* [day * nshifts + shift] */
    rp_override_t *overrides;
    int noverrides;
    int history_days; /* how far back history matters: max window length */
    void *index;      /* id lookups (private) */
} rp_problem_t;

/* An empty problem of days days from local day start_day with the default rules and weights. */
rp_problem_t *rp_problem_new(int64_t start_day, int days);
void rp_problem_destroy(rp_problem_t **self_p);

/* Parses a problem document; FC_EINVAL names the field ("people[3].spouse") and says why in
 * Simplified Chinese. The result is finalized. */
rp_problem_t *rp_problem_from_json(const json_t *doc, fc_err_t *err);
/* Reads and parses a problem file. */
rp_problem_t *rp_problem_load(const char *path, fc_err_t *err);
/* The problem as a document (caller json_decref's). */
json_t *rp_problem_to_json(const rp_problem_t *self);

/* ---- building a problem in code (the service) ---- */
int rp_problem_add_skill(rp_problem_t *self, const char *id);
int rp_problem_add_cycle(rp_problem_t *self, const char *id, int on_days, int off_days);
/* Adds a shift type; post may be NULL (then the id). Returns its index. */
int rp_problem_add_shift(rp_problem_t *self, const char *id, const char *name, const char *post,
                         int start_min, int minutes, int risk_class, int cycle, const int *requires,
                         int nrequires);
/* Adds a person with the defaults (fit, no limits of their own). Returns its index. */
int rp_problem_add_person(rp_problem_t *self, const char *id, const char *name);
void rp_problem_person_skills(rp_problem_t *self, int p, const int *skills, int n);
/* Links spouses both ways. */
void rp_problem_set_spouse(rp_problem_t *self, int p, int q);
void rp_problem_add_request(rp_problem_t *self, int p, int day, int shift, int on, int weight);
void rp_problem_add_day_off(rp_problem_t *self, int p, int day);
void rp_problem_add_unavailable(rp_problem_t *self, int p, int64_t from_min, int64_t to_min);
void rp_problem_add_history(rp_problem_t *self, int p, int day, int start_min, int minutes,
                            int cycle);
void rp_problem_add_override(rp_problem_t *self, int a, int b, int day, const char *reason);
void rp_problem_set_cover(rp_problem_t *self, int day, int shift, int requirement);
/* Checks the whole problem (spouses, ranges) and derives the fair shares. Call after building
 * and after changing availability. */
int rp_problem_finalize(rp_problem_t *self, fc_err_t *err);

/* ---- reading helpers shared by everyone who reads a problem ---- */
int rp_problem_person_index(const rp_problem_t *self, const char *id);
int rp_problem_shift_index(const rp_problem_t *self, const char *id);
/* Local day number of day d, and whether it is a Saturday or Sunday. */
int rp_problem_is_weekend(const rp_problem_t *self, int day);
/* Days of one weekend share a key. */
int64_t rp_problem_weekend_key(const rp_problem_t *self, int day);
/* "2026-03-02" for day d; buf at least 11 bytes. */
void rp_problem_date(const rp_problem_t *self, int day, char *buf, size_t n);
/* The day index of a "YYYY-MM-DD" date, or FC_EINVAL. */
int rp_problem_day_of(const rp_problem_t *self, const char *date, int *day_out, fc_err_t *err);
/* The rules that hold for person p: the problem's, with p's own limits in their place. */
void rp_problem_rules_for(const rp_problem_t *self, int p, rp_rules_t *out);
/* True if person p has every skill shift s requires. */
int rp_problem_has_skills(const rp_problem_t *self, int p, int s);
/* True if an override lets spouses a and b both work day d. */
int rp_problem_override(const rp_problem_t *self, int a, int b, int day);
/* The override's recorded reason, or NULL. */
const char *rp_problem_override_reason(const rp_problem_t *self, int a, int b, int day);

#endif
