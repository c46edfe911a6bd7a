/* fc_config: configuration from environment variables, declared as one static table per
 * service (name, type, default, bounds); every bad variable is reported at once. */
#ifndef FC_CONFIG_H
#define FC_CONFIG_H

#include <stdio.h>
#include <stddef.h>
#include "fc_err.h"

typedef enum { FC_CFG_STR, FC_CFG_INT, FC_CFG_BOOL } fc_cfg_type_t;

typedef struct {
    const char *name;     /* environment variable, e.g. "FC_PG_URL" */
    fc_cfg_type_t type;
    const char *def;      /* default as text; NULL = required */
    long long min, max;   /* bounds for FC_CFG_INT */
    const char *help;
} fc_cfg_def_t;

typedef struct fc_config fc_config_t;

/* Reads the variables of both tables (either may be NULL). On error returns NULL and puts
 * every bad variable, one per line, in err->message. */
fc_config_t *fc_config_load(const fc_cfg_def_t *a, size_t na, const fc_cfg_def_t *b, size_t nb,
                            fc_err_t *err);
void fc_config_destroy(fc_config_t **self_p);
/* Values; asking for a name not in the tables is a programming error (assert). */
const char *fc_config_str(const fc_config_t *self, const char *name);
long long fc_config_int(const fc_config_t *self, const char *name);
int fc_config_bool(const fc_config_t *self, const char *name);
/* Prints "NAME=value  # help" for every variable (secrets masked). */
void fc_config_print(const fc_config_t *self, FILE *out);

#endif
