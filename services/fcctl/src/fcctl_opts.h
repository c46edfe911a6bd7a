/* fcctl_opts: a command's options as a table instead of a getopt loop. Each row names an
 * option (--name VALUE, or -letter VALUE) and where its value goes: text as given, a time
 * (an ISO time or a date, UTC microseconds), a whole number, an id (a positive number), a flag (no value), or a parse
 * function of the command's own (amounts, repeatable lists). */
#ifndef FCCTL_OPTS_H
#define FCCTL_OPTS_H

#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

typedef struct {
    const char *name;
    int letter;
    char **text;
    int64_t *time;
    int32_t *num;
    int64_t *id;
    protobuf_c_boolean *flag;
    /* prints its own error naming the option; FCCTL_OK or FCCTL_EUSAGE */
    int (*parse)(const char *opt, const char *value, void *arg);
    void *arg;
} fcctl_opt_t;

#define FCCTL_TEXT(n, l, p) {.name = (n), .letter = (l), .text = (p)}
#define FCCTL_TIME(n, l, p) {.name = (n), .letter = (l), .time = (p)}
#define FCCTL_NUM(n, l, p) {.name = (n), .letter = (l), .num = (p)}
#define FCCTL_ID(n, l, p) {.name = (n), .letter = (l), .id = (p)}
#define FCCTL_FLAG(n, l, p) {.name = (n), .letter = (l), .flag = (p)}
#define FCCTL_PARSE(n, l, f, a) {.name = (n), .letter = (l), .parse = (f), .arg = (a)}
#define FCCTL_OPTS_END {.name = NULL}

/* The most rows a table may have. */
#define FCCTL_MAX_OPTS 24

/* Parses argv's options by table t (ended by FCCTL_OPTS_END); FCCTL_OK when between min_args
 * and max_args arguments are left (from argv[optind]), else FCCTL_EUSAGE with what was wrong
 * printed. */
int fcctl_parse_opts(int argc, char **argv, const fcctl_opt_t *t, int min_args, int max_args);

/* An option's or argument's time: an ISO time or a date; prints the error naming opt. */
int fcctl_time_arg(const char *opt, const char *value, int64_t *us);

/* A positive whole number (an id); prints the error naming what. */
int fcctl_id_arg(const char *what, const char *value, int64_t *id);

#endif
