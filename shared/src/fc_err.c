/* fc_err: error codes and the error detail handed back to callers. */
#include "fc_err.h"

#include <stdio.h>
#include <string.h>

void fc_err_clear(fc_err_t *err)
{
    if (!err)
        return;
    err->code = FC_OK;
    err->field[0] = '\0';
    err->message[0] = '\0';
}

int fc_err_vset(fc_err_t *err, int code, const char *field, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return code;
}

int fc_err_set(fc_err_t *err, int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fc_err_vset(err, code, field, fmt, ap);
    va_end(ap);
    return code;
}

void fc_err_prefix_field(fc_err_t *err, const char *prefix)
{
    if (!err || !prefix || !*prefix)
        return;
    /* "prefix.field", cut to fit */
    char tmp[2 * FC_ERR_FIELD_MAX + 2];
    if (err->field[0])
        snprintf(tmp, sizeof tmp, "%s.%s", prefix, err->field);
    else
        snprintf(tmp, sizeof tmp, "%s", prefix);
    size_t n = strlen(tmp);
    if (n >= FC_ERR_FIELD_MAX)
        n = FC_ERR_FIELD_MAX - 1;
    memcpy(err->field, tmp, n);
    err->field[n] = '\0';
}

const char *fc_err_name(int code)
{
    switch (code) {
    case FC_OK: return "OK";
    case FC_ERR: return "ERR";
    case FC_EINVAL: return "EINVAL";
    case FC_ENOTFOUND: return "ENOTFOUND";
    case FC_EAGAIN: return "EAGAIN";
    case FC_EDUP: return "EDUP";
    case FC_EDENIED: return "EDENIED";
    case FC_ETOOBIG: return "ETOOBIG";
    case FC_ECONFLICT: return "ECONFLICT";
    case FC_ETIMEOUT: return "ETIMEOUT";
    case FC_EUNAVAIL: return "EUNAVAIL";
    case FC_ELEASE: return "ELEASE";
    default: return "UNKNOWN";
    }
}
