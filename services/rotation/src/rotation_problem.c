/* rotation_problem: the problem model, its strict JSON reader and writer, and the derived fair
 * shares. Strings live in the problem's arena; growable arrays are malloc'ed and freed by
 * rp_problem_destroy. */
#include "rotation_problem.h"
#include "fc_clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_rule_names[RP_NRULES] = {
    "same_day",
    "unfit",
    "skill",
    "day_off",
    "unavailable",
    "max_minutes_day",
    "max_minutes_7d",
    "max_consecutive_days",
    "min_rest",
    "succession",
    "cycle",
    "spouse",
    "max_shifts",
    "max_minutes",
    "max_weekends",
    "unreported_uncover",
    "bad_reference",
    "under_cover",
    "over_cover",
    "request_on",
    "request_off",
    "min_minutes",
    "min_consecutive_days",
    "min_days_off",
    "fairness",
    "risk_fairness",
    "preference",
    "continuity",
};

const char *rp_rule_name(int rule)
{
    return rule >= 0 && rule < RP_NRULES ? s_rule_names[rule] : "?";
}

/* ---- a string → index map (open addressing), one per kind of id ---- */

typedef struct {
    const char **keys;
    int *vals;
    size_t cap, n;
} s_map_t;

enum { S_MAP_PEOPLE, S_MAP_SHIFTS, S_MAP_SKILLS, S_MAP_POSTS, S_MAP_CYCLES, S_NMAPS };

typedef struct {
    s_map_t maps[S_NMAPS];
} s_index_t;

static uint64_t s_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int s_map_get(const s_map_t *m, const char *key)
{
    if (!m->cap)
        return -1;
    for (size_t i = s_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return -1;
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
    }
}

static void s_map_put(s_map_t *m, const char *key, int val);

static void s_map_grow(s_map_t *m)
{
    s_map_t old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->keys = fc_xcalloc(m->cap, sizeof *m->keys);
    m->vals = fc_xcalloc(m->cap, sizeof *m->vals);
    m->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i])
            s_map_put(m, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
}

/* key must outlive the map (arena strings). */
static void s_map_put(s_map_t *m, const char *key, int val)
{
    if ((m->n + 1) * 2 > m->cap)
        s_map_grow(m);
    size_t i = s_hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}

static void s_map_fini(s_map_t *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static s_map_t *s_map(const rp_problem_t *self, int which)
{
    return &((s_index_t *)self->index)->maps[which];
}

/* ---- lifecycle ---- */

rp_problem_t *rp_problem_new(int64_t start_day, int days)
{
    rp_problem_t *self = fc_xcalloc(1, sizeof *self);
    self->arena = fc_arena_new(64 * 1024);
    self->index = fc_xcalloc(1, sizeof(s_index_t));
    self->name = fc_arena_strdup(self->arena, "");
    self->start_day = start_day;
    self->days = days;
    self->rules = (rp_rules_t){720, 3600, 7, 660};
    self->weights = (rp_weights_t){100000, 100000, 1, 60, 120, 30, 0, 0, 0};
    self->history_days = 7;
    return self;
}

static void s_person_fini(rp_person_t *p)
{
    free(p->skills);
    free(p->max_shifts);
    free(p->day_off);
    free(p->unavailable);
    free(p->history);
    free(p->requests);
}

void rp_problem_destroy(rp_problem_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    rp_problem_t *self = *self_p;
    for (int i = 0; i < self->nshifts; i++) {
        free(self->shifts[i].requires);
        free(self->shifts[i].cannot_follow);
    }
    for (int i = 0; i < self->npeople; i++)
        s_person_fini(&self->people[i]);
    free(self->shifts);
    free(self->people);
    free(self->cycles);
    free(self->skills);
    free(self->posts);
    free(self->cover);
    free(self->overrides);
    s_index_t *ix = self->index;
    for (int i = 0; i < S_NMAPS; i++)
        s_map_fini(&ix->maps[i]);
    free(ix);
    fc_arena_destroy(&self->arena);
    free(self);
    *self_p = NULL;
}

/* Grows arr (elements of elem bytes, n in use) so that element n fits. The capacity is implied
 * by n: the next power of two from 4, so every array grown here must only ever grow here. */
static void *s_grow(void *arr, int n, size_t elem)
{
    if (n == 0)
        return fc_xrealloc(arr, 4 * elem);
    if (n >= 4 && (n & (n - 1)) == 0)
        return fc_xrealloc(arr, (size_t)n * 2 * elem);
    return arr;
}

/* ---- building ---- */

static int s_intern(rp_problem_t *self, int which, char ***arr, int *n, const char *id)
{
    int i = s_map_get(s_map(self, which), id);
    if (i >= 0)
        return i;
    *arr = s_grow(*arr, *n, sizeof **arr);
    (*arr)[*n] = fc_arena_strdup(self->arena, id);
    s_map_put(s_map(self, which), (*arr)[*n], *n);
    return (*n)++;
}

int rp_problem_add_skill(rp_problem_t *self, const char *id)
{
    return s_intern(self, S_MAP_SKILLS, &self->skills, &self->nskills, id);
}

static int s_add_post(rp_problem_t *self, const char *id)
{
    return s_intern(self, S_MAP_POSTS, &self->posts, &self->nposts, id);
}

int rp_problem_add_cycle(rp_problem_t *self, const char *id, int on_days, int off_days)
{
    int i = s_map_get(s_map(self, S_MAP_CYCLES), id);
    if (i >= 0)
        return i;
    self->cycles = s_grow(self->cycles, self->ncycles, sizeof *self->cycles);
    rp_cycle_t *c = &self->cycles[self->ncycles];
    c->id = fc_arena_strdup(self->arena, id);
    c->on_days = on_days;
    c->off_days = off_days;
    s_map_put(s_map(self, S_MAP_CYCLES), c->id, self->ncycles);
    return self->ncycles++;
}

static int s_cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* A sorted, duplicate-free copy of ids[0..n). */
static int *s_sorted_set(const int *ids, int n, int *n_out)
{
    int *out = fc_xmalloc((size_t)(n > 0 ? n : 1) * sizeof *out);
    if (n > 0) {
        memcpy(out, ids, (size_t)n * sizeof *out);
        qsort(out, (size_t)n, sizeof *out, s_cmp_int);
    }
    int k = 0;
    for (int i = 0; i < n; i++)
        if (k == 0 || out[k - 1] != out[i])
            out[k++] = out[i];
    *n_out = k;
    return out;
}

/* Re-lays the cover matrix out when shift types were added after it was made. */
static void s_cover_ensure(rp_problem_t *self, int old_nshifts)
{
    if (!self->cover || old_nshifts == self->nshifts)
        return;
    rp_cover_t *c = fc_xcalloc((size_t)self->days * (size_t)self->nshifts, sizeof *c);
    for (int d = 0; d < self->days; d++)
        for (int s = 0; s < self->nshifts; s++)
            c[(size_t)d * self->nshifts + s] = s < old_nshifts
                                                   ? self->cover[(size_t)d * old_nshifts + s]
                                                   : (rp_cover_t){0, (int)self->weights.under_cover,
                                                                  (int)self->weights.over_cover};
    free(self->cover);
    self->cover = c;
}

int rp_problem_add_shift(rp_problem_t *self, const char *id, const char *name, const char *post,
                         int start_min, int minutes, int risk_class, int cycle, const int *requires,
                         int nrequires)
{
    int old = self->nshifts;
    self->shifts = s_grow(self->shifts, self->nshifts, sizeof *self->shifts);
    rp_shift_t *s = &self->shifts[self->nshifts];
    memset(s, 0, sizeof *s);
    s->id = fc_arena_strdup(self->arena, id);
    s->name = fc_arena_strdup(self->arena, name ? name : "");
    s->post = s_add_post(self, post && *post ? post : id);
    s->start_min = start_min;
    s->minutes = minutes;
    s->risk_class = risk_class;
    s->cycle = cycle;
    s->requires = s_sorted_set(requires, nrequires, &s->nrequires);
    s_map_put(s_map(self, S_MAP_SHIFTS), s->id, self->nshifts);
    self->nshifts++;
    s_cover_ensure(self, old);
    return self->nshifts - 1;
}

int rp_problem_add_person(rp_problem_t *self, const char *id, const char *name)
{
    self->people = s_grow(self->people, self->npeople, sizeof *self->people);
    rp_person_t *p = &self->people[self->npeople];
    memset(p, 0, sizeof *p);
    p->id = fc_arena_strdup(self->arena, id);
    p->name = fc_arena_strdup(self->arena, name ? name : "");
    p->spouse = -1;
    p->fit = 1;
    p->max_minutes = -1;
    p->max_consecutive_days = -1;
    p->max_minutes_day = -1;
    p->max_minutes_7d = -1;
    p->min_rest_minutes = -1;
    p->max_weekends = -1;
    s_map_put(s_map(self, S_MAP_PEOPLE), p->id, self->npeople);
    return self->npeople++;
}

void rp_problem_person_skills(rp_problem_t *self, int p, const int *skills, int n)
{
    rp_person_t *x = &self->people[p];
    free(x->skills);
    x->skills = s_sorted_set(skills, n, &x->nskills);
}

void rp_problem_set_spouse(rp_problem_t *self, int p, int q)
{
    self->people[p].spouse = q;
    if (q >= 0)
        self->people[q].spouse = p;
}

void rp_problem_add_day_off(rp_problem_t *self, int p, int day)
{
    rp_person_t *x = &self->people[p];
    if (day < 0 || day >= self->days)
        return;
    if (!x->day_off)
        x->day_off = fc_xcalloc((size_t)self->days, 1);
    x->day_off[day] = 1;
}

void rp_problem_add_unavailable(rp_problem_t *self, int p, int64_t from_min, int64_t to_min)
{
    rp_person_t *x = &self->people[p];
    x->unavailable = s_grow(x->unavailable, x->nunavailable, sizeof *x->unavailable);
    x->unavailable[x->nunavailable++] = (rp_interval_t){from_min, to_min};
}

void rp_problem_add_history(rp_problem_t *self, int p, int day, int start_min, int minutes,
                            int cycle)
{
    rp_person_t *x = &self->people[p];
    x->history = s_grow(x->history, x->nhistory, sizeof *x->history);
    x->history[x->nhistory++] = (rp_past_t){day, start_min, minutes, cycle};
}

void rp_problem_add_request(rp_problem_t *self, int p, int day, int shift, int on, int weight)
{
    rp_person_t *x = &self->people[p];
    x->requests = s_grow(x->requests, x->nrequests, sizeof *x->requests);
    x->requests[x->nrequests++] = (rp_request_t){day, shift, on, weight};
}

void rp_problem_add_override(rp_problem_t *self, int a, int b, int day, const char *reason)
{
    self->overrides = s_grow(self->overrides, self->noverrides, sizeof *self->overrides);
    self->overrides[self->noverrides++] =
        (rp_override_t){a, b, day, fc_arena_strdup(self->arena, reason ? reason : "")};
}

/* Makes the cover matrix (nothing needed, default weights) if there is none yet. */
static void s_cover_alloc(rp_problem_t *self)
{
    if (self->cover)
        return;
    size_t n = (size_t)self->days * (size_t)(self->nshifts ? self->nshifts : 1);
    self->cover = fc_xcalloc(n, sizeof *self->cover);
    for (size_t i = 0; i < n; i++)
        self->cover[i] =
            (rp_cover_t){0, (int)self->weights.under_cover, (int)self->weights.over_cover};
}

void rp_problem_set_cover(rp_problem_t *self, int day, int shift, int requirement)
{
    s_cover_alloc(self);
    if (day < 0 || day >= self->days || shift < 0 || shift >= self->nshifts)
        return;
    self->cover[(size_t)day * self->nshifts + shift].requirement = requirement;
}

/* ---- reading helpers ---- */

int rp_problem_person_index(const rp_problem_t *self, const char *id)
{
    return s_map_get(s_map(self, S_MAP_PEOPLE), id);
}

int rp_problem_shift_index(const rp_problem_t *self, const char *id)
{
    return s_map_get(s_map(self, S_MAP_SHIFTS), id);
}

int rp_problem_is_weekend(const rp_problem_t *self, int day)
{
    int64_t z = self->start_day + day;
    int wd = (int)(((z + 4) % 7 + 7) % 7); /* 0 Sunday .. 6 Saturday; 1970-01-01 a Thursday */
    return wd == 0 || wd == 6;
}

int64_t rp_problem_weekend_key(const rp_problem_t *self, int day)
{
    int64_t z = self->start_day + day + 2; /* a Saturday and the Sunday after share z / 7 */
    return z >= 0 ? z / 7 : -((-z + 6) / 7);
}

void rp_problem_date(const rp_problem_t *self, int day, char *buf, size_t n)
{
    int y, m, d;
    fc_civil_from_days(self->start_day + day, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

static int s_parse_date(const char *s, int64_t *day_out)
{
    int y, m, d;
    char extra;
    if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 || d < 1 ||
        d > 31 || y < 1970 || y > 9999)
        return -1;
    int64_t z = fc_days_from_civil(y, m, d);
    int yy, mm, dd;
    fc_civil_from_days(z, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d)
        return -1; /* 2026-02-30 */
    *day_out = z;
    return 0;
}

int rp_problem_day_of(const rp_problem_t *self, const char *date, int *day_out, fc_err_t *err)
{
    int64_t z;
    if (s_parse_date(date, &z) != 0)
        return fc_err_set(err, FC_EINVAL, "date", "“%s”不是 YYYY-MM-DD 格式的日期", date);
    if (z < self->start_day || z >= self->start_day + self->days)
        return fc_err_set(err, FC_EINVAL, "date", "日期“%s”不在排班期内", date);
    *day_out = (int)(z - self->start_day);
    return FC_OK;
}

void rp_problem_rules_for(const rp_problem_t *self, int p, rp_rules_t *out)
{
    const rp_person_t *x = &self->people[p];
    *out = self->rules;
    if (x->max_consecutive_days >= 0)
        out->max_consecutive_days = x->max_consecutive_days;
    if (x->max_minutes_day >= 0)
        out->max_minutes_day = x->max_minutes_day;
    if (x->max_minutes_7d >= 0)
        out->max_minutes_7d = x->max_minutes_7d;
    if (x->min_rest_minutes >= 0)
        out->min_rest_minutes = x->min_rest_minutes;
}

int rp_problem_has_skills(const rp_problem_t *self, int p, int s)
{
    const rp_shift_t *sh = &self->shifts[s];
    const rp_person_t *x = &self->people[p];
    int j = 0;
    for (int i = 0; i < sh->nrequires; i++) {
        while (j < x->nskills && x->skills[j] < sh->requires[i])
            j++;
        if (j == x->nskills || x->skills[j] != sh->requires[i])
            return 0;
    }
    return 1;
}

static const rp_override_t *s_find_override(const rp_problem_t *self, int a, int b, int day)
{
    for (int i = 0; i < self->noverrides; i++) {
        const rp_override_t *o = &self->overrides[i];
        if (((o->a == a && o->b == b) || (o->a == b && o->b == a)) && (o->day < 0 || o->day == day))
            return o;
    }
    return NULL;
}

int rp_problem_override(const rp_problem_t *self, int a, int b, int day)
{
    return self->noverrides && s_find_override(self, a, b, day) != NULL;
}

const char *rp_problem_override_reason(const rp_problem_t *self, int a, int b, int day)
{
    const rp_override_t *o = s_find_override(self, a, b, day);
    return o ? o->reason : NULL;
}

/* ---- finalize: checks and fair shares ---- */

/* Days person p could work at all: fit, not a day off, not unavailable the whole day. */
static int s_avail_days(const rp_problem_t *self, const rp_person_t *x)
{
    if (!x->fit)
        return 0;
    int n = 0;
    for (int d = 0; d < self->days; d++) {
        if (x->day_off && x->day_off[d])
            continue;
        int64_t a = (int64_t)d * RP_DAY_MIN, b = a + RP_DAY_MIN;
        int blocked = 0;
        for (int i = 0; i < x->nunavailable && !blocked; i++)
            blocked = x->unavailable[i].from_min <= a && x->unavailable[i].to_min >= b;
        n += !blocked;
    }
    return n;
}

/* The fair share of each person: every shift type's demand (minutes, and class-I shifts)
 * divided among the people who may work it in proportion to the days they can work. People
 * with the same skills form one group, so this is cheap for large problems. */
static void s_fair_shares(rp_problem_t *self)
{
    int P = self->npeople, S = self->nshifts;
    int *group = fc_xmalloc((size_t)(P ? P : 1) * sizeof *group);
    int *avail = fc_xmalloc((size_t)(P ? P : 1) * sizeof *avail);
    int *rep = fc_xmalloc((size_t)(P ? P : 1) * sizeof *rep); /* a member of each group */
    double *gavail = fc_xcalloc((size_t)(P ? P : 1), sizeof *gavail);
    int ngroups = 0;
    s_map_t groups = {0};
    fc_arena_t *keys = fc_arena_new(16 * 1024);
    fc_buf_t key;
    fc_buf_init(&key);
    for (int p = 0; p < P; p++) {
        const rp_person_t *x = &self->people[p];
        fc_buf_reset(&key);
        fc_buf_puts(&key, ".");
        for (int i = 0; i < x->nskills; i++)
            fc_buf_printf(&key, "%d.", x->skills[i]);
        int g = s_map_get(&groups, key.data);
        if (g < 0) {
            g = ngroups++;
            rep[g] = p;
            s_map_put(&groups, fc_arena_strdup(keys, key.data), g);
        }
        group[p] = g;
        avail[p] = s_avail_days(self, x);
        gavail[g] += avail[p];
    }
    double *share = fc_xcalloc((size_t)(ngroups ? ngroups : 1), sizeof *share);
    double *rshare = fc_xcalloc((size_t)(ngroups ? ngroups : 1), sizeof *rshare);
    uint8_t *elig = fc_xmalloc((size_t)(ngroups ? ngroups : 1));
    for (int s = 0; s < S; s++) {
        double demand = 0, risk = 0;
        for (int d = 0; d < self->days && self->cover; d++)
            demand += self->cover[(size_t)d * S + s].requirement;
        if (demand <= 0)
            continue;
        risk = self->shifts[s].risk_class == 1 ? demand : 0;
        demand *= self->shifts[s].minutes;
        double total = 0;
        for (int g = 0; g < ngroups; g++) {
            elig[g] = rp_problem_has_skills(self, rep[g], s);
            if (elig[g])
                total += gavail[g];
        }
        if (total <= 0)
            continue;
        for (int g = 0; g < ngroups; g++)
            if (elig[g]) {
                share[g] += demand / total;
                rshare[g] += risk / total;
            }
    }
    for (int p = 0; p < P; p++) {
        if (self->people[p].targets_given)
            continue;
        self->people[p].target_minutes = llround(share[group[p]] * avail[p]);
        self->people[p].target_risk = (int)lround(rshare[group[p]] * avail[p]);
    }
    free(elig);
    free(share);
    free(rshare);
    fc_buf_fini(&key);
    fc_arena_destroy(&keys);
    s_map_fini(&groups);
    free(gavail);
    free(rep);
    free(avail);
    free(group);
}

int rp_problem_finalize(rp_problem_t *self, fc_err_t *err)
{
    s_cover_alloc(self);
    for (int p = 0; p < self->npeople; p++) {
        const rp_person_t *x = &self->people[p];
        char field[64];
        snprintf(field, sizeof field, "people[%d].spouse", p);
        if (x->spouse == p)
            return fc_err_set(err, FC_EINVAL, field, "人员“%s”不能是自己的配偶", x->id);
        if (x->spouse >= 0 && self->people[x->spouse].spouse != p)
            return fc_err_set(err, FC_EINVAL, field,
                              "配偶关系须对称：“%s”的配偶是“%s”，而“%s”的配偶不是“%s”", x->id,
                              self->people[x->spouse].id, self->people[x->spouse].id, x->id);
    }
    for (int i = 0; i < self->noverrides; i++) {
        const rp_override_t *o = &self->overrides[i];
        char field[64];
        snprintf(field, sizeof field, "spouse_overrides[%d]", i);
        if (o->a < 0 || o->b < 0 || self->people[o->a].spouse != o->b)
            return fc_err_set(err, FC_EINVAL, field, "例外只能登记给一对配偶");
        if (!o->reason || !*o->reason)
            return fc_err_set(err, FC_EINVAL, field, "配偶同日上岗的例外必须写明理由");
    }
    int h = 7;
    if (self->rules.max_consecutive_days + 1 > h)
        h = self->rules.max_consecutive_days + 1;
    for (int p = 0; p < self->npeople; p++)
        if (self->people[p].max_consecutive_days + 1 > h)
            h = self->people[p].max_consecutive_days + 1;
    for (int c = 0; c < self->ncycles; c++)
        if (self->cycles[c].on_days + self->cycles[c].off_days > h)
            h = self->cycles[c].on_days + self->cycles[c].off_days;
    self->history_days = h > RP_MAX_DAYS ? RP_MAX_DAYS : h;
    s_fair_shares(self);
    return FC_OK;
}

/* ---- the JSON reader ---- */

typedef struct {
    rp_problem_t *pb;
    fc_err_t *err;
    char path[160];
} s_rd_t;

static int s_bad(s_rd_t *rd, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int s_bad(s_rd_t *rd, const char *key, const char *fmt, ...)
{
    char field[FC_ERR_FIELD_MAX];
    if (key && *rd->path)
        snprintf(field, sizeof field, "%s.%s", rd->path, key);
    else
        snprintf(field, sizeof field, "%s", key ? key : rd->path);
    va_list ap;
    va_start(ap, fmt);
    fc_err_vset(rd->err, FC_EINVAL, field, fmt, ap);
    va_end(ap);
    return FC_EINVAL;
}

/* Every key of o must be one of allowed (NULL-terminated). */
static int s_keys(s_rd_t *rd, const json_t *o, const char *const *allowed)
{
    if (!json_is_object(o))
        return s_bad(rd, NULL, "须为 JSON 对象");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok)
            return s_bad(rd, k, "未知字段“%s”", k);
    }
    return FC_OK;
}

static int s_int(s_rd_t *rd, const json_t *o, const char *key, int64_t def, int64_t min,
                 int64_t max, const char *what, int64_t *out)
{
    const json_t *v = json_object_get(o, key);
    if (!v) {
        *out = def;
        return FC_OK;
    }
    if (!json_is_integer(v))
        return s_bad(rd, key, "须为整数（%s）", what);
    int64_t x = json_integer_value(v);
    if (x < 0 && min >= 0)
        return s_bad(rd, key, "不能为负数：%lld（%s）", (long long)x, what);
    if (x < min || x > max)
        return s_bad(rd, key, "须在 %lld 到 %lld 之间，现为 %lld（%s）", (long long)min,
                     (long long)max, (long long)x, what);
    *out = x;
    return FC_OK;
}

static int s_int32(s_rd_t *rd, const json_t *o, const char *key, int def, int min, int max,
                   const char *what, int *out)
{
    int64_t v;
    int rc = s_int(rd, o, key, def, min, max, what, &v);
    if (rc == FC_OK)
        *out = (int)v;
    return rc;
}

static int s_str(s_rd_t *rd, const json_t *o, const char *key, int required, const char **out)
{
    const json_t *v = json_object_get(o, key);
    if (!v) {
        *out = NULL;
        return required ? s_bad(rd, key, "缺少必填字段“%s”", key) : FC_OK;
    }
    if (!json_is_string(v))
        return s_bad(rd, key, "须为字符串");
    *out = json_string_value(v);
    if (required && !**out)
        return s_bad(rd, key, "不能为空");
    return FC_OK;
}

static int s_bool(s_rd_t *rd, const json_t *o, const char *key, int def, int *out)
{
    const json_t *v = json_object_get(o, key);
    if (!v) {
        *out = def;
        return FC_OK;
    }
    if (!json_is_boolean(v))
        return s_bad(rd, key, "须为 true 或 false");
    *out = json_is_true(v);
    return FC_OK;
}

static const json_t *s_array(s_rd_t *rd, const json_t *o, const char *key, int required, int *rc)
{
    const json_t *v = json_object_get(o, key);
    *rc = FC_OK;
    if (!v) {
        if (required)
            *rc = s_bad(rd, key, "缺少必填字段“%s”", key);
        return NULL;
    }
    if (!json_is_array(v)) {
        *rc = s_bad(rd, key, "须为数组");
        return NULL;
    }
    return v;
}

/* "HH:MM" → minutes after midnight. */
static int s_clock(s_rd_t *rd, const json_t *o, const char *key, int *out)
{
    const char *s;
    int rc = s_str(rd, o, key, 1, &s);
    if (rc != FC_OK)
        return rc;
    int h, m;
    char extra;
    if (sscanf(s, "%2d:%2d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 || m < 0 || m > 59 ||
        strlen(s) != 5)
        return s_bad(rd, key, "“%s”不是 HH:MM 格式的时刻（00:00 到 23:59）", s);
    *out = h * 60 + m;
    return FC_OK;
}

static void s_push(s_rd_t *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void s_push(s_rd_t *rd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->path, sizeof rd->path, fmt, ap);
    va_end(ap);
}

static int s_read_rules(s_rd_t *rd, const json_t *o)
{
    static const char *const keys[] = {"max_minutes_per_day",
                                       "max_minutes_per_7_days",
                                       "max_consecutive_days",
                                       "min_rest_minutes",
                                       "cycles",
                                       NULL};
    rp_problem_t *pb = rd->pb;
    s_push(rd, "rules");
    int rc = s_keys(rd, o, keys);
    if (rc == FC_OK)
        rc = s_int32(rd, o, "max_minutes_per_day", 720, 1, 1440, "每日最多工作分钟数",
                     &pb->rules.max_minutes_day);
    if (rc == FC_OK)
        rc = s_int32(rd, o, "max_minutes_per_7_days", 3600, 1, 7 * 1440,
                     "任意连续 7 天最多工作分钟数", &pb->rules.max_minutes_7d);
    if (rc == FC_OK)
        rc = s_int32(rd, o, "max_consecutive_days", 7, 1, RP_MAX_DAYS, "最多连续上岗天数",
                     &pb->rules.max_consecutive_days);
    if (rc == FC_OK)
        rc = s_int32(rd, o, "min_rest_minutes", 660, 0, 2880, "两班之间最少休息分钟数",
                     &pb->rules.min_rest_minutes);
    const json_t *cycles = rc == FC_OK ? s_array(rd, o, "cycles", 0, &rc) : NULL;
    size_t i;
    const json_t *c;
    json_array_foreach(cycles, i, c)
    {
        static const char *const ckeys[] = {"id", "on_days", "off_days", NULL};
        s_push(rd, "rules.cycles[%zu]", i);
        const char *id = NULL;
        int on, off;
        if ((rc = s_keys(rd, c, ckeys)) != FC_OK || (rc = s_str(rd, c, "id", 1, &id)) != FC_OK ||
            (rc = s_int32(rd, c, "on_days", -1, 1, RP_MAX_DAYS, "轮换周期上岗天数", &on)) !=
                FC_OK ||
            (rc = s_int32(rd, c, "off_days", -1, 1, RP_MAX_DAYS, "轮换周期休息天数", &off)) !=
                FC_OK)
            return rc;
        if (on < 0 || off < 0)
            return s_bad(rd, on < 0 ? "on_days" : "off_days", "缺少必填字段");
        if (s_map_get(s_map(pb, S_MAP_CYCLES), id) >= 0)
            return s_bad(rd, "id", "轮换周期“%s”重复", id);
        if (pb->ncycles >= RP_MAX_CYCLES)
            return s_bad(rd, NULL, "轮换周期最多 %d 个", RP_MAX_CYCLES);
        rp_problem_add_cycle(pb, id, on, off);
    }
    return rc;
}

static int s_read_weights(s_rd_t *rd, const json_t *o)
{
    static const char *const keys[] = {
        "under_cover",  "over_cover", "fairness_per_minute",    "risk_fairness",
        "preference",   "continuity", "min_minutes_per_minute", "min_consecutive_days",
        "min_days_off", NULL};
    int64_t *dst[] = {&rd->pb->weights.under_cover,
                      &rd->pb->weights.over_cover,
                      &rd->pb->weights.fairness_per_minute,
                      &rd->pb->weights.risk_fairness,
                      &rd->pb->weights.preference,
                      &rd->pb->weights.continuity,
                      &rd->pb->weights.min_minutes_per_minute,
                      &rd->pb->weights.min_consecutive_days,
                      &rd->pb->weights.min_days_off};
    s_push(rd, "weights");
    int rc = s_keys(rd, o, keys);
    for (int i = 0; rc == FC_OK && keys[i]; i++)
        rc = s_int(rd, o, keys[i], *dst[i], 0, 1000000000, "罚分权重", dst[i]);
    return rc;
}

/* A list of ids of one kind → indices; unknown ids are an error. */
static int s_id_list(s_rd_t *rd, const json_t *o, const char *key, int which, const char *what,
                     int intern, int **out, int *n_out)
{
    int rc;
    const json_t *a = s_array(rd, o, key, 0, &rc);
    *out = NULL;
    *n_out = 0;
    if (!a)
        return rc;
    int *ids = fc_xmalloc((json_array_size(a) + 1) * sizeof *ids);
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v) || !*json_string_value(v)) {
            free(ids);
            char k[64];
            snprintf(k, sizeof k, "%s[%zu]", key, i);
            return s_bad(rd, k, "须为非空字符串");
        }
        int ix = intern ? rp_problem_add_skill(rd->pb, json_string_value(v))
                        : s_map_get(s_map(rd->pb, which), json_string_value(v));
        if (ix < 0) {
            free(ids);
            char k[64];
            snprintf(k, sizeof k, "%s[%zu]", key, i);
            return s_bad(rd, k, "未定义的%s“%s”", what, json_string_value(v));
        }
        ids[(*n_out)++] = ix;
    }
    *out = ids;
    return FC_OK;
}

static int s_read_shifts(s_rd_t *rd, const json_t *arr)
{
    static const char *const keys[] = {
        "id",         "name",  "post",     "start",         "minutes",
        "risk_class", "cycle", "requires", "cannot_follow", NULL};
    rp_problem_t *pb = rd->pb;
    size_t i;
    const json_t *o;
    int rc = FC_OK;
    if (json_array_size(arr) > RP_MAX_SHIFTS)
        return s_bad(rd, "shift_types", "班次类型最多 %d 个", RP_MAX_SHIFTS);
    json_array_foreach(arr, i, o)
    {
        s_push(rd, "shift_types[%zu]", i);
        const char *id = NULL, *name = NULL, *post = NULL, *cycle = NULL;
        int start, minutes, risk, cyc = -1;
        int *req = NULL, nreq = 0;
        if ((rc = s_keys(rd, o, keys)) != FC_OK || (rc = s_str(rd, o, "id", 1, &id)) != FC_OK ||
            (rc = s_str(rd, o, "name", 0, &name)) != FC_OK ||
            (rc = s_str(rd, o, "post", 0, &post)) != FC_OK ||
            (rc = s_clock(rd, o, "start", &start)) != FC_OK ||
            (rc = s_int32(rd, o, "minutes", -1, 1, 1440, "班次时长，分钟；不能超过 24 小时",
                          &minutes)) != FC_OK ||
            (rc = s_int32(rd, o, "risk_class", 0, 0, 2, "风险等级：1 一类，2 二类，0 无", &risk)) !=
                FC_OK ||
            (rc = s_str(rd, o, "cycle", 0, &cycle)) != FC_OK)
            return rc;
        if (minutes < 0)
            return s_bad(rd, "minutes", "缺少必填字段“minutes”");
        if (s_map_get(s_map(pb, S_MAP_SHIFTS), id) >= 0)
            return s_bad(rd, "id", "班次类型“%s”重复", id);
        if (cycle && (cyc = s_map_get(s_map(pb, S_MAP_CYCLES), cycle)) < 0)
            return s_bad(rd, "cycle", "未定义的轮换周期“%s”（须在 rules.cycles 中定义）", cycle);
        if ((rc = s_id_list(rd, o, "requires", S_MAP_SKILLS, "技能", 1, &req, &nreq)) != FC_OK)
            return rc;
        rp_problem_add_shift(pb, id, name, post, start, minutes, risk, cyc, req, nreq);
        free(req);
    }
    /* successions name shift types that may be defined later in the list */
    json_array_foreach(arr, i, o)
    {
        s_push(rd, "shift_types[%zu]", i);
        rp_shift_t *s = &pb->shifts[i];
        if ((rc = s_id_list(rd, o, "cannot_follow", S_MAP_SHIFTS, "班次类型", 0, &s->cannot_follow,
                            &s->ncannot_follow)) != FC_OK)
            return rc;
    }
    return FC_OK;
}

static int s_time_min(s_rd_t *rd, const json_t *o, const char *key, int64_t *out)
{
    const char *s;
    int rc = s_str(rd, o, key, 1, &s);
    if (rc != FC_OK)
        return rc;
    int64_t us;
    fc_err_t e;
    if (fc_time_parse(s, &us, &e) != FC_OK)
        return s_bad(rd, key, "“%s”不是 ISO-8601 时间（如 2026-03-02T08:00+08:00）", s);
    int64_t base = fc_time_local_day_start(rd->pb->start_day);
    int64_t d = us - base;
    *out = d >= 0 ? d / (60 * FC_US_PER_S) : -((-d + 60 * FC_US_PER_S - 1) / (60 * FC_US_PER_S));
    return FC_OK;
}

static int s_read_person(s_rd_t *rd, const json_t *o, int p)
{
    static const char *const keys[] = {"id",
                                       "name",
                                       "skills",
                                       "spouse",
                                       "fit",
                                       "young_cadre",
                                       "party_member",
                                       "max_minutes",
                                       "min_minutes",
                                       "max_consecutive_days",
                                       "max_minutes_per_day",
                                       "max_minutes_per_7_days",
                                       "min_rest_minutes",
                                       "min_consecutive_days",
                                       "target_minutes",
                                       "target_risk_shifts",
                                       "min_consecutive_days_off",
                                       "max_weekends",
                                       "max_shifts",
                                       "days_off",
                                       "unavailable",
                                       "history",
                                       NULL};
    rp_problem_t *pb = rd->pb;
    rp_person_t *x = &pb->people[p];
    int rc = s_keys(rd, o, keys);
    int *skills = NULL, nskills = 0;
    if (rc == FC_OK)
        rc = s_id_list(rd, o, "skills", S_MAP_SKILLS, "技能", 1, &skills, &nskills);
    if (rc != FC_OK)
        return rc;
    rp_problem_person_skills(pb, p, skills, nskills);
    free(skills);
    int horizon_min = pb->days * RP_DAY_MIN;
    if ((rc = s_bool(rd, o, "fit", 1, &x->fit)) != FC_OK ||
        (rc = s_bool(rd, o, "young_cadre", 0, &x->young_cadre)) != FC_OK ||
        (rc = s_bool(rd, o, "party_member", 0, &x->party_member)) != FC_OK ||
        (rc = s_int32(rd, o, "max_minutes", -1, 0, horizon_min, "排班期内最多工作分钟数",
                      &x->max_minutes)) != FC_OK ||
        (rc = s_int32(rd, o, "min_minutes", 0, 0, horizon_min, "排班期内最少工作分钟数",
                      &x->min_minutes)) != FC_OK ||
        (rc = s_int32(rd, o, "max_consecutive_days", -1, 1, RP_MAX_DAYS, "最多连续上岗天数",
                      &x->max_consecutive_days)) != FC_OK ||
        (rc = s_int32(rd, o, "max_minutes_per_day", -1, 1, 1440, "本人每日最多工作分钟数",
                      &x->max_minutes_day)) != FC_OK ||
        (rc = s_int32(rd, o, "max_minutes_per_7_days", -1, 1, 7 * 1440,
                      "本人任意连续 7 天最多工作分钟数", &x->max_minutes_7d)) != FC_OK ||
        (rc = s_int32(rd, o, "min_rest_minutes", -1, 0, 2880, "本人两班之间最少休息分钟数",
                      &x->min_rest_minutes)) != FC_OK ||
        (rc = s_int32(rd, o, "min_consecutive_days", 0, 0, RP_MAX_DAYS, "最少连续上岗天数",
                      &x->min_consecutive_days)) != FC_OK ||
        (rc = s_int32(rd, o, "min_consecutive_days_off", 0, 0, RP_MAX_DAYS, "最少连续休息天数",
                      &x->min_consecutive_days_off)) != FC_OK ||
        (rc = s_int32(rd, o, "max_weekends", -1, 0, RP_MAX_DAYS, "最多上岗周末数",
                      &x->max_weekends)) != FC_OK)
        return rc;
    int64_t tm;
    int tr;
    if ((rc = s_int(rd, o, "target_minutes", -1, 0, (int64_t)horizon_min, "公平工时份额，分钟",
                    &tm)) != FC_OK ||
        (rc = s_int32(rd, o, "target_risk_shifts", -1, 0, RP_MAX_DAYS, "一类风险班次公平份额",
                      &tr)) != FC_OK)
        return rc;
    if ((tm >= 0) != (tr >= 0))
        return s_bad(rd, tm >= 0 ? "target_risk_shifts" : "target_minutes",
                     "target_minutes 与 target_risk_shifts 须同时给出或同时省略");
    if (tm >= 0) {
        x->target_minutes = tm;
        x->target_risk = tr;
        x->targets_given = 1;
    }
    const json_t *ms = json_object_get(o, "max_shifts");
    if (ms) {
        if (!json_is_object(ms))
            return s_bad(rd, "max_shifts", "须为对象：{\"班次类型\": 最多次数}");
        x->max_shifts = fc_xmalloc((size_t)pb->nshifts * sizeof *x->max_shifts);
        for (int s = 0; s < pb->nshifts; s++)
            x->max_shifts[s] = -1;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)ms, k, v)
        {
            char key[96];
            snprintf(key, sizeof key, "max_shifts.%s", k);
            int s = s_map_get(s_map(pb, S_MAP_SHIFTS), k);
            if (s < 0)
                return s_bad(rd, key, "未定义的班次类型“%s”", k);
            if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                json_integer_value(v) > RP_MAX_DAYS)
                return s_bad(rd, key, "须为 0 到 %d 之间的整数", RP_MAX_DAYS);
            x->max_shifts[s] = (int)json_integer_value(v);
        }
    }
    const json_t *a = s_array(rd, o, "days_off", 0, &rc);
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        char key[48];
        snprintf(key, sizeof key, "days_off[%zu]", i);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= pb->days)
            return s_bad(rd, key, "须为 0 到 %d 之间的日序号", pb->days - 1);
        rp_problem_add_day_off(pb, p, (int)json_integer_value(v));
    }
    if (rc != FC_OK)
        return rc;
    a = s_array(rd, o, "unavailable", 0, &rc);
    char base[160];
    snprintf(base, sizeof base, "%s", rd->path);
    json_array_foreach(a, i, v)
    {
        static const char *const ukeys[] = {"from", "to", "reason", NULL};
        s_push(rd, "%s.unavailable[%zu]", base, i);
        int64_t from, to;
        const char *reason = NULL;
        if ((rc = s_keys(rd, v, ukeys)) != FC_OK ||
            (rc = s_time_min(rd, v, "from", &from)) != FC_OK ||
            (rc = s_time_min(rd, v, "to", &to)) != FC_OK ||
            (rc = s_str(rd, v, "reason", 0, &reason)) != FC_OK)
            return rc;
        if (to <= from)
            return s_bad(rd, "to", "结束时间须晚于开始时间");
        rp_problem_add_unavailable(pb, p, from, to);
    }
    if (rc != FC_OK)
        return rc;
    a = s_array(rd, o, "history", 0, &rc);
    json_array_foreach(a, i, v)
    {
        static const char *const hkeys[] = {"day", "start", "minutes", "cycle", NULL};
        s_push(rd, "%s.history[%zu]", base, i);
        int day, start, minutes, cyc = -1;
        const char *cycle = NULL;
        if ((rc = s_keys(rd, v, hkeys)) != FC_OK ||
            (rc = s_int32(rd, v, "day", 0, -RP_MAX_DAYS, -1, "排班期前的日序号，-1 为前一天",
                          &day)) != FC_OK ||
            (rc = s_clock(rd, v, "start", &start)) != FC_OK ||
            (rc = s_int32(rd, v, "minutes", -1, 1, 1440, "班次时长，分钟；不能超过 24 小时",
                          &minutes)) != FC_OK ||
            (rc = s_str(rd, v, "cycle", 0, &cycle)) != FC_OK)
            return rc;
        if (!json_object_get(v, "day"))
            return s_bad(rd, "day", "缺少必填字段“day”");
        if (minutes < 0)
            return s_bad(rd, "minutes", "缺少必填字段“minutes”");
        if (cycle && (cyc = s_map_get(s_map(pb, S_MAP_CYCLES), cycle)) < 0)
            return s_bad(rd, "cycle", "未定义的轮换周期“%s”", cycle);
        rp_problem_add_history(pb, p, day, start, minutes, cyc);
    }
    return rc;
}

static int s_read_people(s_rd_t *rd, const json_t *arr)
{
    rp_problem_t *pb = rd->pb;
    size_t i;
    const json_t *o;
    int rc;
    if (json_array_size(arr) > RP_MAX_PEOPLE)
        return s_bad(rd, "people", "人员最多 %d 人", RP_MAX_PEOPLE);
    /* ids first, so spouses may name people later in the list */
    json_array_foreach(arr, i, o)
    {
        s_push(rd, "people[%zu]", i);
        const char *id = NULL, *name = NULL;
        if (!json_is_object(o))
            return s_bad(rd, NULL, "须为 JSON 对象");
        if ((rc = s_str(rd, o, "id", 1, &id)) != FC_OK ||
            (rc = s_str(rd, o, "name", 0, &name)) != FC_OK)
            return rc;
        if (rp_problem_person_index(pb, id) >= 0)
            return s_bad(rd, "id", "人员“%s”重复", id);
        rp_problem_add_person(pb, id, name);
    }
    json_array_foreach(arr, i, o)
    {
        s_push(rd, "people[%zu]", i);
        if ((rc = s_read_person(rd, o, (int)i)) != FC_OK)
            return rc;
        s_push(rd, "people[%zu]", i);
        const char *spouse = NULL;
        if ((rc = s_str(rd, o, "spouse", 0, &spouse)) != FC_OK)
            return rc;
        if (spouse && *spouse) {
            int q = rp_problem_person_index(pb, spouse);
            if (q < 0)
                return s_bad(rd, "spouse", "配偶“%s”不在人员名单中", spouse);
            if (q == (int)i)
                return s_bad(rd, "spouse", "人员“%s”不能是自己的配偶", spouse);
            rp_person_t *x = &pb->people[i], *y = &pb->people[q];
            if (y->spouse >= 0 && y->spouse != (int)i)
                return s_bad(rd, "spouse", "“%s”已登记配偶“%s”，不能同时是“%s”的配偶", spouse,
                             pb->people[y->spouse].id, x->id);
            if (x->spouse >= 0 && x->spouse != q)
                return s_bad(rd, "spouse", "配偶关系须对称：“%s”已被登记为“%s”的配偶", x->id,
                             pb->people[x->spouse].id);
            rp_problem_set_spouse(pb, (int)i, q);
        }
    }
    return FC_OK;
}

static int s_read_cover(s_rd_t *rd, const json_t *arr)
{
    static const char *const keys[] = {"shift",        "day",         "requirement",
                                       "under_weight", "over_weight", NULL};
    rp_problem_t *pb = rd->pb;
    int S = pb->nshifts;
    s_cover_alloc(pb);
    uint8_t *seen = fc_xcalloc((size_t)pb->days * (size_t)(S ? S : 1), 1);
    int rc = FC_OK;
    /* two passes: entries for every day first, so a single day's entry overrides them */
    for (int pass = 0; pass < 2 && rc == FC_OK; pass++) {
        size_t i;
        const json_t *o;
        json_array_foreach(arr, i, o)
        {
            s_push(rd, "cover[%zu]", i);
            const char *shift = NULL;
            int day, req, under, over;
            if ((rc = s_keys(rd, o, keys)) != FC_OK ||
                (rc = s_str(rd, o, "shift", 1, &shift)) != FC_OK ||
                (rc = s_int32(rd, o, "day", -1, 0, pb->days - 1, "日序号；省略则为每一天", &day)) !=
                    FC_OK ||
                (rc = s_int32(rd, o, "requirement", -1, 0, 100000, "需要人数", &req)) != FC_OK ||
                (rc = s_int32(rd, o, "under_weight", (int)pb->weights.under_cover, 0, 1000000000,
                              "缺员罚分权重", &under)) != FC_OK ||
                (rc = s_int32(rd, o, "over_weight", (int)pb->weights.over_cover, 0, 1000000000,
                              "超员罚分权重", &over)) != FC_OK)
                goto out;
            if (req < 0) {
                rc = s_bad(rd, "requirement", "缺少必填字段“requirement”");
                goto out;
            }
            int s = rp_problem_shift_index(pb, shift);
            if (s < 0) {
                rc = s_bad(rd, "shift", "未定义的班次类型“%s”", shift);
                goto out;
            }
            int every = !json_object_get(o, "day");
            if (every != (pass == 0))
                continue;
            for (int d = every ? 0 : day; d < (every ? pb->days : day + 1); d++) {
                size_t k = (size_t)d * S + s;
                if (seen[k] == pass + 1) {
                    rc = s_bad(rd, NULL, "班次“%s”第 %d 天的需求重复", shift, d);
                    goto out;
                }
                seen[k] = (uint8_t)(pass + 1);
                pb->cover[k] = (rp_cover_t){req, under, over};
            }
        }
    }
out:
    free(seen);
    return rc;
}

static int s_read_requests(s_rd_t *rd, const json_t *arr)
{
    static const char *const keys[] = {"person", "day", "shift", "type", "weight", NULL};
    rp_problem_t *pb = rd->pb;
    size_t i;
    const json_t *o;
    int rc;
    json_array_foreach(arr, i, o)
    {
        s_push(rd, "requests[%zu]", i);
        const char *person = NULL, *shift = NULL, *type = NULL;
        int day, weight;
        if ((rc = s_keys(rd, o, keys)) != FC_OK ||
            (rc = s_str(rd, o, "person", 1, &person)) != FC_OK ||
            (rc = s_int32(rd, o, "day", -1, 0, pb->days - 1, "日序号", &day)) != FC_OK ||
            (rc = s_str(rd, o, "shift", 0, &shift)) != FC_OK ||
            (rc = s_str(rd, o, "type", 1, &type)) != FC_OK ||
            (rc = s_int32(rd, o, "weight", 1, 0, 1000000000, "罚分权重", &weight)) != FC_OK)
            return rc;
        if (day < 0)
            return s_bad(rd, "day", "缺少必填字段“day”");
        int p = rp_problem_person_index(pb, person);
        if (p < 0)
            return s_bad(rd, "person", "人员“%s”不在人员名单中", person);
        int s = -1;
        if (shift && (s = rp_problem_shift_index(pb, shift)) < 0)
            return s_bad(rd, "shift", "未定义的班次类型“%s”", shift);
        int on = strcmp(type, "on") == 0;
        if (!on && strcmp(type, "off") != 0)
            return s_bad(rd, "type", "须为“on”（希望上岗）或“off”（希望休息），现为“%s”", type);
        rp_problem_add_request(pb, p, day, s, on, weight);
    }
    return FC_OK;
}

static int s_read_overrides(s_rd_t *rd, const json_t *arr)
{
    static const char *const keys[] = {"people", "day", "reason", NULL};
    rp_problem_t *pb = rd->pb;
    size_t i;
    const json_t *o;
    int rc;
    json_array_foreach(arr, i, o)
    {
        s_push(rd, "spouse_overrides[%zu]", i);
        const char *reason = NULL;
        int day;
        if ((rc = s_keys(rd, o, keys)) != FC_OK ||
            (rc = s_int32(rd, o, "day", -1, 0, pb->days - 1, "日序号；省略则为整个排班期", &day)) !=
                FC_OK ||
            (rc = s_str(rd, o, "reason", 1, &reason)) != FC_OK)
            return rc;
        const json_t *ppl = json_object_get(o, "people");
        if (!json_is_array(ppl) || json_array_size(ppl) != 2 ||
            !json_is_string(json_array_get(ppl, 0)) || !json_is_string(json_array_get(ppl, 1)))
            return s_bad(rd, "people", "须为两个工号组成的数组");
        int a = rp_problem_person_index(pb, json_string_value(json_array_get(ppl, 0)));
        int b = rp_problem_person_index(pb, json_string_value(json_array_get(ppl, 1)));
        if (a < 0 || b < 0)
            return s_bad(rd, "people", "人员“%s”不在人员名单中",
                         json_string_value(json_array_get(ppl, a < 0 ? 0 : 1)));
        if (pb->people[a].spouse != b)
            return s_bad(rd, "people", "“%s”和“%s”不是配偶", pb->people[a].id, pb->people[b].id);
        rp_problem_add_override(pb, a, b, day, reason);
    }
    return FC_OK;
}

rp_problem_t *rp_problem_from_json(const json_t *doc, fc_err_t *err)
{
    static const char *const keys[] = {
        "format", "name",     "horizon",          "rules", "weights", "shift_types", "people",
        "cover",  "requests", "spouse_overrides", NULL};
    static const char *const hkeys[] = {"start", "days", NULL};
    rp_problem_t *pb = NULL;
    s_rd_t rd = {NULL, err, ""};
    const char *format = NULL, *name = NULL, *start = NULL;
    int days, rc;
    int64_t start_day;
    if (s_keys(&rd, doc, keys) != FC_OK || s_str(&rd, doc, "format", 0, &format) != FC_OK ||
        s_str(&rd, doc, "name", 0, &name) != FC_OK)
        return NULL;
    if (format && strcmp(format, RP_FORMAT) != 0) {
        s_bad(&rd, "format", "不支持的格式“%s”，应为“%s”", format, RP_FORMAT);
        return NULL;
    }
    const json_t *h = json_object_get(doc, "horizon");
    if (!h) {
        s_bad(&rd, "horizon", "缺少必填字段“horizon”");
        return NULL;
    }
    s_push(&rd, "horizon");
    if (s_keys(&rd, h, hkeys) != FC_OK || s_str(&rd, h, "start", 1, &start) != FC_OK ||
        s_int32(&rd, h, "days", -1, 1, RP_MAX_DAYS, "排班天数", &days) != FC_OK)
        return NULL;
    if (days < 0) {
        s_bad(&rd, "days", "缺少必填字段“days”");
        return NULL;
    }
    if (s_parse_date(start, &start_day) != 0) {
        s_bad(&rd, "start", "“%s”不是 YYYY-MM-DD 格式的日期", start);
        return NULL;
    }
    pb = rp_problem_new(start_day, days);
    rd.pb = pb;
    pb->name = fc_arena_strdup(pb->arena, name ? name : "");
    rd.path[0] = '\0';
    const json_t *shifts, *people, *cover, *requests, *overrides;
    if ((json_object_get(doc, "rules") &&
         (rc = s_read_rules(&rd, json_object_get(doc, "rules"))) != FC_OK) ||
        (json_object_get(doc, "weights") &&
         (rc = s_read_weights(&rd, json_object_get(doc, "weights"))) != FC_OK))
        goto fail;
    rd.path[0] = '\0';
    if (!(shifts = s_array(&rd, doc, "shift_types", 1, &rc)) ||
        (rc = s_read_shifts(&rd, shifts)) != FC_OK)
        goto fail;
    rd.path[0] = '\0';
    if (!(people = s_array(&rd, doc, "people", 1, &rc)) ||
        (rc = s_read_people(&rd, people)) != FC_OK)
        goto fail;
    rd.path[0] = '\0';
    if (!(cover = s_array(&rd, doc, "cover", 1, &rc)) || (rc = s_read_cover(&rd, cover)) != FC_OK)
        goto fail;
    rd.path[0] = '\0';
    requests = s_array(&rd, doc, "requests", 0, &rc);
    if (rc != FC_OK || (requests && (rc = s_read_requests(&rd, requests)) != FC_OK))
        goto fail;
    rd.path[0] = '\0';
    overrides = s_array(&rd, doc, "spouse_overrides", 0, &rc);
    if (rc != FC_OK || (overrides && (rc = s_read_overrides(&rd, overrides)) != FC_OK))
        goto fail;
    if (rp_problem_finalize(pb, err) != FC_OK)
        goto fail;
    return pb;
fail:
    rp_problem_destroy(&pb);
    return NULL;
}

rp_problem_t *rp_problem_load(const char *path, fc_err_t *err)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        fc_err_set(err, FC_EINVAL, "problem", "无法读取问题文件“%s”：第 %d 行第 %d 列：%s", path,
                   jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    rp_problem_t *pb = rp_problem_from_json(doc, err);
    json_decref(doc);
    return pb;
}

/* ---- the JSON writer ---- */

static json_t *s_clock_json(int min)
{
    char buf[8];
    snprintf(buf, sizeof buf, "%02d:%02d", min / 60, min % 60);
    return json_string(buf);
}

static json_t *s_time_json(const rp_problem_t *pb, int64_t min)
{
    char buf[40];
    int64_t us = fc_time_local_day_start(pb->start_day) + min * 60 * FC_US_PER_S;
    fc_time_format_utc(us, buf, sizeof buf);
    return json_string(buf);
}

json_t *rp_problem_to_json(const rp_problem_t *self)
{
    json_t *doc = json_object();
    char date[16];
    rp_problem_date(self, 0, date, sizeof date);
    json_object_set_new(doc, "format", json_string(RP_FORMAT));
    json_object_set_new(doc, "name", json_string(self->name));
    json_object_set_new(doc, "horizon", json_pack("{s:s, s:i}", "start", date, "days", self->days));
    json_t *rules = json_pack(
        "{s:i, s:i, s:i, s:i}", "max_minutes_per_day", self->rules.max_minutes_day,
        "max_minutes_per_7_days", self->rules.max_minutes_7d, "max_consecutive_days",
        self->rules.max_consecutive_days, "min_rest_minutes", self->rules.min_rest_minutes);
    json_t *cycles = json_array();
    for (int c = 0; c < self->ncycles; c++)
        json_array_append_new(cycles, json_pack("{s:s, s:i, s:i}", "id", self->cycles[c].id,
                                                "on_days", self->cycles[c].on_days, "off_days",
                                                self->cycles[c].off_days));
    json_object_set_new(rules, "cycles", cycles);
    json_object_set_new(doc, "rules", rules);
    const rp_weights_t *w = &self->weights;
    json_object_set_new(
        doc, "weights",
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "under_cover",
                  (json_int_t)w->under_cover, "over_cover", (json_int_t)w->over_cover,
                  "fairness_per_minute", (json_int_t)w->fairness_per_minute, "risk_fairness",
                  (json_int_t)w->risk_fairness, "preference", (json_int_t)w->preference,
                  "continuity", (json_int_t)w->continuity, "min_minutes_per_minute",
                  (json_int_t)w->min_minutes_per_minute, "min_consecutive_days",
                  (json_int_t)w->min_consecutive_days, "min_days_off",
                  (json_int_t)w->min_days_off));
    json_t *shifts = json_array();
    for (int s = 0; s < self->nshifts; s++) {
        const rp_shift_t *sh = &self->shifts[s];
        json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:i, s:i}", "id", sh->id, "name", sh->name,
                              "post", self->posts[sh->post], "start", s_clock_json(sh->start_min),
                              "minutes", sh->minutes, "risk_class", sh->risk_class);
        if (sh->cycle >= 0)
            json_object_set_new(o, "cycle", json_string(self->cycles[sh->cycle].id));
        if (sh->nrequires) {
            json_t *r = json_array();
            for (int i = 0; i < sh->nrequires; i++)
                json_array_append_new(r, json_string(self->skills[sh->requires[i]]));
            json_object_set_new(o, "requires", r);
        }
        if (sh->ncannot_follow) {
            json_t *r = json_array();
            for (int i = 0; i < sh->ncannot_follow; i++)
                json_array_append_new(r, json_string(self->shifts[sh->cannot_follow[i]].id));
            json_object_set_new(o, "cannot_follow", r);
        }
        json_array_append_new(shifts, o);
    }
    json_object_set_new(doc, "shift_types", shifts);
    json_t *people = json_array(), *requests = json_array();
    for (int p = 0; p < self->npeople; p++) {
        const rp_person_t *x = &self->people[p];
        json_t *o = json_pack("{s:s, s:s}", "id", x->id, "name", x->name);
        if (x->nskills) {
            json_t *a = json_array();
            for (int i = 0; i < x->nskills; i++)
                json_array_append_new(a, json_string(self->skills[x->skills[i]]));
            json_object_set_new(o, "skills", a);
        }
        if (x->spouse >= 0)
            json_object_set_new(o, "spouse", json_string(self->people[x->spouse].id));
        if (!x->fit)
            json_object_set_new(o, "fit", json_false());
        if (x->young_cadre)
            json_object_set_new(o, "young_cadre", json_true());
        if (x->party_member)
            json_object_set_new(o, "party_member", json_true());
        if (x->max_minutes >= 0)
            json_object_set_new(o, "max_minutes", json_integer(x->max_minutes));
        if (x->min_minutes > 0)
            json_object_set_new(o, "min_minutes", json_integer(x->min_minutes));
        if (x->max_consecutive_days >= 0)
            json_object_set_new(o, "max_consecutive_days", json_integer(x->max_consecutive_days));
        if (x->max_minutes_day >= 0)
            json_object_set_new(o, "max_minutes_per_day", json_integer(x->max_minutes_day));
        if (x->max_minutes_7d >= 0)
            json_object_set_new(o, "max_minutes_per_7_days", json_integer(x->max_minutes_7d));
        if (x->min_rest_minutes >= 0)
            json_object_set_new(o, "min_rest_minutes", json_integer(x->min_rest_minutes));
        if (x->min_consecutive_days > 0)
            json_object_set_new(o, "min_consecutive_days", json_integer(x->min_consecutive_days));
        if (x->min_consecutive_days_off > 0)
            json_object_set_new(o, "min_consecutive_days_off",
                                json_integer(x->min_consecutive_days_off));
        if (x->max_weekends >= 0)
            json_object_set_new(o, "max_weekends", json_integer(x->max_weekends));
        /* the fair shares as planned, so the problem reads back to the same penalties */
        json_object_set_new(o, "target_minutes", json_integer(x->target_minutes));
        json_object_set_new(o, "target_risk_shifts", json_integer(x->target_risk));
        if (x->max_shifts) {
            json_t *m = json_object();
            for (int s = 0; s < self->nshifts; s++)
                if (x->max_shifts[s] >= 0)
                    json_object_set_new(m, self->shifts[s].id, json_integer(x->max_shifts[s]));
            json_object_set_new(o, "max_shifts", m);
        }
        if (x->day_off) {
            json_t *a = json_array();
            for (int d = 0; d < self->days; d++)
                if (x->day_off[d])
                    json_array_append_new(a, json_integer(d));
            json_object_set_new(o, "days_off", a);
        }
        if (x->nunavailable) {
            json_t *a = json_array();
            for (int i = 0; i < x->nunavailable; i++)
                json_array_append_new(a,
                                      json_pack("{s:o, s:o}", "from",
                                                s_time_json(self, x->unavailable[i].from_min), "to",
                                                s_time_json(self, x->unavailable[i].to_min)));
            json_object_set_new(o, "unavailable", a);
        }
        if (x->nhistory) {
            json_t *a = json_array();
            for (int i = 0; i < x->nhistory; i++) {
                const rp_past_t *h = &x->history[i];
                json_t *e = json_pack("{s:i, s:o, s:i}", "day", h->day, "start",
                                      s_clock_json(h->start_min), "minutes", h->minutes);
                if (h->cycle >= 0)
                    json_object_set_new(e, "cycle", json_string(self->cycles[h->cycle].id));
                json_array_append_new(a, e);
            }
            json_object_set_new(o, "history", a);
        }
        for (int i = 0; i < x->nrequests; i++) {
            const rp_request_t *r = &x->requests[i];
            json_t *e = json_pack("{s:s, s:i, s:s, s:i}", "person", x->id, "day", r->day, "type",
                                  r->on ? "on" : "off", "weight", r->weight);
            if (r->shift >= 0)
                json_object_set_new(e, "shift", json_string(self->shifts[r->shift].id));
            json_array_append_new(requests, e);
        }
        json_array_append_new(people, o);
    }
    json_object_set_new(doc, "people", people);
    /* cover: one entry for a shift type whose need is the same every day, else one a day */
    json_t *cover = json_array();
    for (int s = 0; s < self->nshifts; s++) {
        int same = 1;
        const rp_cover_t *c0 = &self->cover[s];
        for (int d = 1; d < self->days && same; d++) {
            const rp_cover_t *c = &self->cover[(size_t)d * self->nshifts + s];
            same = c->requirement == c0->requirement && c->under_weight == c0->under_weight &&
                   c->over_weight == c0->over_weight;
        }
        for (int d = 0; d < (same ? 1 : self->days); d++) {
            const rp_cover_t *c = &self->cover[(size_t)d * self->nshifts + s];
            json_t *e = json_pack("{s:s, s:i, s:i, s:i}", "shift", self->shifts[s].id,
                                  "requirement", c->requirement, "under_weight", c->under_weight,
                                  "over_weight", c->over_weight);
            if (!same)
                json_object_set_new(e, "day", json_integer(d));
            json_array_append_new(cover, e);
        }
    }
    json_object_set_new(doc, "cover", cover);
    json_object_set_new(doc, "requests", requests);
    json_t *ov = json_array();
    for (int i = 0; i < self->noverrides; i++) {
        const rp_override_t *o = &self->overrides[i];
        json_t *e = json_pack("{s:[s,s], s:s}", "people", self->people[o->a].id,
                              self->people[o->b].id, "reason", o->reason);
        if (o->day >= 0)
            json_object_set_new(e, "day", json_integer(o->day));
        json_array_append_new(ov, e);
    }
    json_object_set_new(doc, "spouse_overrides", ov);
    return doc;
}
