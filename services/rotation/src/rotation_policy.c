/* rotation_policy: reading and looking up the rotation policy. */
#include "rotation_policy.h"
#include "fc_mem.h"
#include "fc_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *org;
    int v[6]; /* per threshold, -1 when not overridden */
} s_override_t;

typedef struct {
    char *id;
    int on_days, off_days;
    char **kinds;
    int nkinds;
} s_cycle_t;

struct rotation_policy {
    int base[6];
    s_override_t *overrides;
    int noverrides;
    s_cycle_t *cycles;
    int ncycles;
    char **medical; /* post kinds that need medical staff */
    int nmedical;
    int leave_ratio;
    rp_weights_t weights;
    int default_days, max_days;
};

/* The thresholds: the key, how policy gives it (hours or a plain number), bounds. */
static const struct {
    const char *key;
    int hours;
    int64_t def, min, max;
} s_thresholds[6] = {
    {"max_hours_day", 1, 12, 1, 24},        {"max_hours_7d", 1, 60, 1, 168},
    {"max_consecutive_days", 0, 7, 1, 366}, {"min_rest_hours", 1, 11, 0, 48},
    {"forced_rest_hours", 1, 48, 1, 720},   {"warn_percent", 0, 80, 1, 99},
};

static int s_keys(const json_t *o, const char *path, const char *const *allowed, fc_err_t *err)
{
    if (!json_is_object(o))
        return fc_err_set(err, FC_EINVAL, path, "policy value is not an object");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok) {
            char field[FC_ERR_FIELD_MAX];
            snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", k);
            return fc_err_set(err, FC_EINVAL, field, "unknown policy key \"%s\"", k);
        }
    }
    return FC_OK;
}

static int s_thresholds_read(const json_t *o, const char *path, const int *defaults, int *out,
                             fc_err_t *err)
{
    static const char *const keys[] = {"max_hours_day",
                                       "max_hours_7d",
                                       "max_consecutive_days",
                                       "min_rest_hours",
                                       "forced_rest_hours",
                                       "warn_percent",
                                       NULL};
    int rc = s_keys(o, path, keys, err);
    for (int i = 0; rc == FC_OK && i < 6; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s.%s", path, s_thresholds[i].key);
        int64_t v;
        /* fc_policy_int reads dotted paths from the document root: look up the object here */
        json_t *wrap = json_object();
        if (json_object_get(o, s_thresholds[i].key))
            json_object_set(wrap, "v", json_object_get(o, s_thresholds[i].key));
        rc = fc_policy_int(wrap, "v", -1, s_thresholds[i].min, s_thresholds[i].max, &v, err);
        json_decref(wrap);
        if (rc != FC_OK) {
            snprintf(err->field, sizeof err->field, "%s", p);
            break;
        }
        if (v < 0)
            out[i] = defaults ? defaults[i] : -1;
        else
            out[i] = (int)(s_thresholds[i].hours ? v * 60 : v);
    }
    return rc;
}

static char *s_str_copy(const json_t *v)
{
    return fc_xstrdup(json_string_value(v));
}

rotation_policy_t *rotation_policy_new(const json_t *doc, fc_err_t *err)
{
    static const char *const top[] = {"thresholds", "overrides", "cycles",   "post_kinds",
                                      "comp_leave", "weights",   "planning", NULL};
    rotation_policy_t *self = fc_xcalloc(1, sizeof *self);
    int defaults[6];
    for (int i = 0; i < 6; i++)
        defaults[i] = (int)(s_thresholds[i].hours ? s_thresholds[i].def * 60 : s_thresholds[i].def);
    int rc = s_keys(doc, "", top, err);
    const json_t *t = json_object_get(doc, "thresholds");
    if (rc == FC_OK)
        rc = t ? s_thresholds_read(t, "thresholds", defaults, self->base, err) : FC_OK;
    if (rc == FC_OK && !t)
        memcpy(self->base, defaults, sizeof defaults);
    const json_t *ov = json_object_get(doc, "overrides");
    if (rc == FC_OK && ov && !json_is_object(ov))
        rc = fc_err_set(err, FC_EINVAL, "overrides", "policy value is not an object");
    if (rc == FC_OK && ov) {
        self->overrides = fc_xcalloc(json_object_size(ov) + 1, sizeof *self->overrides);
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)ov, k, v)
        {
            char path[128];
            snprintf(path, sizeof path, "overrides.%s", k);
            s_override_t *o = &self->overrides[self->noverrides++];
            o->org = fc_xstrdup(k);
            if ((rc = s_thresholds_read(v, path, NULL, o->v, err)) != FC_OK)
                break;
        }
    }
    const json_t *cy = json_object_get(doc, "cycles");
    if (rc == FC_OK && cy && !json_is_object(cy))
        rc = fc_err_set(err, FC_EINVAL, "cycles", "policy value is not an object");
    if (rc == FC_OK && cy) {
        static const char *const ckeys[] = {"on_days", "off_days", "post_kinds", NULL};
        self->cycles = fc_xcalloc(json_object_size(cy) + 1, sizeof *self->cycles);
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)cy, k, v)
        {
            char path[128];
            snprintf(path, sizeof path, "cycles.%s", k);
            s_cycle_t *c = &self->cycles[self->ncycles++];
            c->id = fc_xstrdup(k);
            const json_t *on = json_object_get(v, "on_days"), *off = json_object_get(v, "off_days");
            const json_t *kinds = json_object_get(v, "post_kinds");
            if ((rc = s_keys(v, path, ckeys, err)) != FC_OK)
                break;
            if (!json_is_integer(on) || json_integer_value(on) < 1 ||
                json_integer_value(on) > 366 || !json_is_integer(off) ||
                json_integer_value(off) < 1 || json_integer_value(off) > 366) {
                rc = fc_err_set(err, FC_EINVAL, path,
                                "on_days and off_days must be integers in 1..366");
                break;
            }
            c->on_days = (int)json_integer_value(on);
            c->off_days = (int)json_integer_value(off);
            if (!json_is_array(kinds)) {
                rc = fc_err_set(err, FC_EINVAL, path, "post_kinds must be a list of post kinds");
                break;
            }
            c->kinds = fc_xcalloc(json_array_size(kinds) + 1, sizeof *c->kinds);
            size_t i;
            const json_t *kind;
            json_array_foreach(kinds, i, kind)
            {
                if (!json_is_string(kind)) {
                    rc = fc_err_set(err, FC_EINVAL, path, "post_kinds must be strings");
                    break;
                }
                c->kinds[c->nkinds++] = s_str_copy(kind);
            }
            if (rc != FC_OK)
                break;
        }
    }
    const json_t *pk = json_object_get(doc, "post_kinds");
    if (rc == FC_OK && pk && !json_is_object(pk))
        rc = fc_err_set(err, FC_EINVAL, "post_kinds", "policy value is not an object");
    if (rc == FC_OK && pk) {
        static const char *const pkeys[] = {"requires_medical", NULL};
        self->medical = fc_xcalloc(json_object_size(pk) + 1, sizeof *self->medical);
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)pk, k, v)
        {
            char path[128];
            snprintf(path, sizeof path, "post_kinds.%s", k);
            if ((rc = s_keys(v, path, pkeys, err)) != FC_OK)
                break;
            const json_t *m = json_object_get(v, "requires_medical");
            if (m && !json_is_boolean(m)) {
                rc = fc_err_set(err, FC_EINVAL, path, "requires_medical must be true or false");
                break;
            }
            if (json_is_true(m))
                self->medical[self->nmedical++] = fc_xstrdup(k);
        }
    }
    static const char *const lkeys[] = {"frontline_days_per_rest_day", NULL};
    static const char *const wkeys[] = {
        "under_cover", "over_cover", "fairness_per_minute", "risk_fairness", "preference",
        "continuity",  NULL};
    static const char *const plkeys[] = {"default_days", "max_days", NULL};
    int64_t v;
    if (rc == FC_OK && json_object_get(doc, "comp_leave"))
        rc = s_keys(json_object_get(doc, "comp_leave"), "comp_leave", lkeys, err);
    if (rc == FC_OK)
        rc = fc_policy_int(doc, "comp_leave.frontline_days_per_rest_day", 6, 1, 365, &v, err);
    self->leave_ratio = (int)v;
    if (rc == FC_OK && json_object_get(doc, "weights"))
        rc = s_keys(json_object_get(doc, "weights"), "weights", wkeys, err);
    rp_weights_t w = {1000000, 1000000, 1, 60, 120, 30, 0, 0, 0};
    int64_t *dst[] = {&w.under_cover,   &w.over_cover, &w.fairness_per_minute,
                      &w.risk_fairness, &w.preference, &w.continuity};
    for (int i = 0; rc == FC_OK && wkeys[i]; i++) {
        char path[64];
        snprintf(path, sizeof path, "weights.%s", wkeys[i]);
        rc = fc_policy_int(doc, path, *dst[i], 0, 1000000000, dst[i], err);
    }
    self->weights = w;
    if (rc == FC_OK && json_object_get(doc, "planning"))
        rc = s_keys(json_object_get(doc, "planning"), "planning", plkeys, err);
    if (rc == FC_OK)
        rc = fc_policy_int(doc, "planning.max_days", 92, 1, 366, &v, err);
    self->max_days = (int)v;
    if (rc == FC_OK)
        rc = fc_policy_int(doc, "planning.default_days", 28, 1, self->max_days, &v, err);
    self->default_days = (int)v;
    if (rc != FC_OK)
        rotation_policy_destroy(&self);
    return self;
}

rotation_policy_t *rotation_policy_load(const char *dir, fc_err_t *err)
{
    json_t *doc = fc_policy_load(dir, "rotation", err);
    if (!doc)
        return NULL;
    rotation_policy_t *self = rotation_policy_new(doc, err);
    json_decref(doc);
    return self;
}

void rotation_policy_destroy(rotation_policy_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    rotation_policy_t *self = *self_p;
    for (int i = 0; i < self->noverrides; i++)
        free(self->overrides[i].org);
    free(self->overrides);
    for (int i = 0; i < self->ncycles; i++) {
        for (int k = 0; k < self->cycles[i].nkinds; k++)
            free(self->cycles[i].kinds[k]);
        free(self->cycles[i].kinds);
        free(self->cycles[i].id);
    }
    free(self->cycles);
    for (int i = 0; i < self->nmedical; i++)
        free(self->medical[i]);
    free(self->medical);
    free(self);
    *self_p = NULL;
}

void rotation_policy_limits(const rotation_policy_t *self, const char *const *chain, int n,
                            rotation_limits_t *out)
{
    int v[6];
    memcpy(v, self->base, sizeof v);
    int set[6] = {0};
    for (int c = 0; c < n; c++)
        for (int i = 0; i < self->noverrides; i++) {
            if (strcmp(self->overrides[i].org, chain[c]) != 0)
                continue;
            for (int k = 0; k < 6; k++)
                if (!set[k] && self->overrides[i].v[k] >= 0) {
                    v[k] = self->overrides[i].v[k];
                    set[k] = 1;
                }
        }
    out->max_minutes_day = v[0];
    out->max_minutes_7d = v[1];
    out->max_consecutive_days = v[2];
    out->min_rest_minutes = v[3];
    out->forced_rest_minutes = v[4];
    out->warn_percent = v[5];
}

int rotation_policy_ncycles(const rotation_policy_t *self)
{
    return self->ncycles;
}

void rotation_policy_cycle(const rotation_policy_t *self, int i, const char **id, int *on_days,
                           int *off_days)
{
    *id = self->cycles[i].id;
    *on_days = self->cycles[i].on_days;
    *off_days = self->cycles[i].off_days;
}

int rotation_policy_cycle_of(const rotation_policy_t *self, const char *post_kind)
{
    for (int i = 0; i < self->ncycles; i++)
        for (int k = 0; k < self->cycles[i].nkinds; k++)
            if (strcmp(self->cycles[i].kinds[k], post_kind) == 0)
                return i;
    return -1;
}

int rotation_policy_requires_medical(const rotation_policy_t *self, const char *post_kind)
{
    for (int i = 0; i < self->nmedical; i++)
        if (strcmp(self->medical[i], post_kind) == 0)
            return 1;
    return 0;
}

int rotation_policy_leave_ratio(const rotation_policy_t *self)
{
    return self->leave_ratio;
}

const rp_weights_t *rotation_policy_weights(const rotation_policy_t *self)
{
    return &self->weights;
}

int rotation_policy_default_days(const rotation_policy_t *self)
{
    return self->default_days;
}

int rotation_policy_max_days(const rotation_policy_t *self)
{
    return self->max_days;
}
