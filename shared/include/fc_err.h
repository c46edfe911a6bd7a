/* fc_err: the error codes every function returns and the caller-supplied error detail
 * (code, field at fault, message) that handlers turn into error replies. */
#ifndef FC_ERR_H
#define FC_ERR_H

#include <stdarg.h>

enum {
    FC_OK = 0,
    FC_ERR = -1,        /* internal or unclassified failure */
    FC_EINVAL = -2,     /* bad input: field and reason in fc_err_t */
    FC_ENOTFOUND = -3,  /* a named record does not exist */
    FC_EAGAIN = -4,     /* transient: retry later */
    FC_EDUP = -5,       /* already applied (idempotent retry) */
    FC_EDENIED = -6,    /* outside the actor's role or org scope */
    FC_ETOOBIG = -7,    /* over a size limit */
    FC_ECONFLICT = -8,  /* state does not allow it (e.g. illegal transition) */
    FC_ETIMEOUT = -9,   /* no answer in time */
    FC_EUNAVAIL = -10,  /* a dependency (database, redis, peer) is unreachable */
    FC_ELEASE = -11,    /* a job lease was lost: the acknowledgement is refused */
};

#define FC_ERR_FIELD_MAX 96
#define FC_ERR_MSG_MAX 512

typedef struct {
    int code;
    char field[FC_ERR_FIELD_MAX];
    char message[FC_ERR_MSG_MAX];
} fc_err_t;

/* Clears err (may be NULL). */
void fc_err_clear(fc_err_t *err);
/* Sets code, field (may be NULL) and a printf-style message; returns code. err may be NULL. */
int fc_err_set(fc_err_t *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int fc_err_vset(fc_err_t *err, int code, const char *field, const char *fmt, va_list ap);
/* Prefixes err->field with "prefix." (for nested messages: "checkins[3].employee_no"). */
void fc_err_prefix_field(fc_err_t *err, const char *prefix);
/* The symbolic name of a code: "EINVAL", "ENOTFOUND", ... */
const char *fc_err_name(int code);

#endif
