/* fc_config: the environment read once against declarative tables, all errors at once. */
#include "fc_config.h"
#include "fc_mem.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const fc_cfg_def_t *def;
    char *value;
    long long ival;
} s_entry_t;

struct fc_config {
    s_entry_t *entries;
    size_t n;
};

static int s_parse_bool(const char *v, int *out)
{
    static const char *yes[] = {"1", "true", "yes", "on"};
    static const char *no[] = {"0", "false", "no", "off"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

static void s_add_problem(fc_buf_t *problems, const char *fmt, const char *name, const char *v)
{
    if (problems->len)
        fc_buf_puts(problems, "\n");
    fc_buf_printf(problems, fmt, name, v);
}

static void s_load_one(s_entry_t *e, const fc_cfg_def_t *def, fc_buf_t *problems)
{
    e->def = def;
    const char *v = getenv(def->name);
    if (!v || !*v)
        v = def->def;
    if (!v) {
        s_add_problem(problems, "%s is required but not set%s", def->name, "");
        return;
    }
    e->value = fc_xstrdup(v);
    if (def->type == FC_CFG_INT) {
        char *end;
        errno = 0;
        long long x = strtoll(v, &end, 10);
        if (errno || *end || end == v)
            s_add_problem(problems, "%s=\"%s\" is not an integer", def->name, v);
        else if (x < def->min || x > def->max) {
            if (problems->len)
                fc_buf_puts(problems, "\n");
            fc_buf_printf(problems, "%s=%s is out of range %lld..%lld", def->name, v, def->min,
                          def->max);
        } else
            e->ival = x;
    } else if (def->type == FC_CFG_BOOL) {
        int b;
        if (s_parse_bool(v, &b) != 0)
            s_add_problem(problems, "%s=\"%s\" is not a boolean (0/1, true/false)", def->name, v);
        else
            e->ival = b;
    }
}

fc_config_t *fc_config_load(const fc_cfg_def_t *a, size_t na, const fc_cfg_def_t *b, size_t nb,
                            fc_err_t *err)
{
    fc_config_t *self = fc_xcalloc(1, sizeof *self);
    self->entries = fc_xcalloc(na + nb, sizeof *self->entries);
    fc_buf_t problems;
    fc_buf_init(&problems);
    for (size_t i = 0; i < na; i++)
        s_load_one(&self->entries[self->n++], &a[i], &problems);
    for (size_t i = 0; i < nb; i++)
        s_load_one(&self->entries[self->n++], &b[i], &problems);
    if (problems.len) {
        fc_err_set(err, FC_EINVAL, "config", "%s", problems.data);
        fc_buf_fini(&problems);
        fc_config_destroy(&self);
        return NULL;
    }
    fc_buf_fini(&problems);
    return self;
}

void fc_config_destroy(fc_config_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    fc_config_t *self = *self_p;
    for (size_t i = 0; i < self->n; i++)
        free(self->entries[i].value);
    free(self->entries);
    free(self);
    *self_p = NULL;
}

static const s_entry_t *s_find(const fc_config_t *self, const char *name)
{
    /* later tables override earlier ones: search from the end */
    for (size_t i = self->n; i-- > 0;)
        if (strcmp(self->entries[i].def->name, name) == 0)
            return &self->entries[i];
    assert(!"configuration variable not declared");
    return NULL;
}

const char *fc_config_str(const fc_config_t *self, const char *name)
{
    const s_entry_t *e = s_find(self, name);
    return e && e->value ? e->value : "";
}

long long fc_config_int(const fc_config_t *self, const char *name)
{
    const s_entry_t *e = s_find(self, name);
    return e ? e->ival : 0;
}

int fc_config_bool(const fc_config_t *self, const char *name)
{
    return (int)fc_config_int(self, name);
}

void fc_config_print(const fc_config_t *self, FILE *out)
{
    for (size_t i = 0; i < self->n; i++) {
        const s_entry_t *e = &self->entries[i];
        int secret = strstr(e->def->name, "PASSWORD") || strstr(e->def->name, "SECRET") ||
                     strstr(e->def->name, "TOKEN");
        fprintf(out, "%s=%s", e->def->name, secret && e->value && *e->value ? "********"
                                                : e->value ? e->value : "");
        if (e->def->help)
            fprintf(out, "    # %s", e->def->help);
        fputc('\n', out);
    }
}
