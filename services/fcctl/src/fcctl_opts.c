/* fcctl_opts: table-driven option parsing for fcctl's commands (see fcctl_opts.h). */
#include "fcctl_opts.h"
#include "fcctl.h"
#include "fc_clock.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

int fcctl_time_arg(const char *opt, const char *value, int64_t *us)
{
    fc_err_t err;
    if (fc_time_parse(value, us, &err) != FC_OK) {
        fprintf(stderr, "fcctl: %s：“%s”不是时间（例如 2026-11-22T08:00+08:00 或 2026-11-22）\n",
                opt, value);
        return FCCTL_EUSAGE;
    }
    return FCCTL_OK;
}

int fcctl_id_arg(const char *what, const char *value, int64_t *id)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    if (!*value || *end || errno || v <= 0) {
        fprintf(stderr, "fcctl: %s：“%s”不是正整数编号\n", what, value);
        return FCCTL_EUSAGE;
    }
    *id = v;
    return FCCTL_OK;
}

static int s_num(const char *opt, const char *value, int32_t *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (!*value || *end || errno || v < INT32_MIN || v > INT32_MAX) {
        fprintf(stderr, "fcctl: %s：“%s”不是整数\n", opt, value);
        return FCCTL_EUSAGE;
    }
    *out = (int32_t)v;
    return FCCTL_OK;
}

/* Stores one option's value where its row says. */
static int s_store(const fcctl_opt_t *o, const char *value)
{
    char opt[64];
    snprintf(opt, sizeof opt, "--%s", o->name);
    if (o->text)
        *o->text = (char *)value;
    else if (o->time)
        return fcctl_time_arg(opt, value, o->time);
    else if (o->num)
        return s_num(opt, value, o->num);
    else if (o->id)
        return fcctl_id_arg(opt, value, o->id);
    else if (o->flag)
        *o->flag = 1;
    else if (o->parse)
        return o->parse(opt, value, o->arg);
    return FCCTL_OK;
}

int fcctl_parse_opts(int argc, char **argv, const fcctl_opt_t *t, int min_args, int max_args)
{
    struct option lo[FCCTL_MAX_OPTS + 1];
    char shorts[2 * FCCTL_MAX_OPTS + 1];
    size_t n = 0, ns = 0;
    for (; t[n].name; n++) {
        if (n == FCCTL_MAX_OPTS) {
            fprintf(stderr, "fcctl: internal: a command has more than %d options\n",
                    FCCTL_MAX_OPTS);
            return FCCTL_EUSAGE;
        }
        int has_value = t[n].flag == NULL;
        lo[n] = (struct option){t[n].name, has_value ? required_argument : no_argument, NULL,
                                t[n].letter};
        shorts[ns++] = (char)t[n].letter;
        if (has_value)
            shorts[ns++] = ':';
    }
    lo[n] = (struct option){0};
    shorts[ns] = '\0';
    int c;
    while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        const fcctl_opt_t *o = NULL;
        for (size_t i = 0; i < n && !o; i++)
            if (t[i].letter == c)
                o = &t[i];
        if (!o || s_store(o, optarg) != FCCTL_OK)
            return FCCTL_EUSAGE;
    }
    int left = argc - optind;
    return left >= min_args && left <= max_args ? FCCTL_OK : FCCTL_EUSAGE;
}
