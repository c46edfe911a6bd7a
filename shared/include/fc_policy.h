/* fc_policy: the group's policy files (thresholds, rates, cadences), one JSON document per
 * service in FC_POLICY_DIR (default infra/policy/<service>.json), read at start-up. */
#ifndef FC_POLICY_H
#define FC_POLICY_H

#include <jansson.h>
#include <stdint.h>
#include "fc_err.h"

/* Loads <dir>/<name>.json; the caller json_decref's it. A missing or malformed file is an
 * error naming the file, line and column. */
json_t *fc_policy_load(const char *dir, const char *name, fc_err_t *err);
/* Integer at a dotted path ("limits.max_hours_day"); def if absent; FC_EINVAL (with the path)
 * if present but not an integer in [min, max]. */
int fc_policy_int(const json_t *policy, const char *path, int64_t def, int64_t min, int64_t max,
                  int64_t *out, fc_err_t *err);
/* The JSON value at a dotted path, borrowed; NULL if absent. */
const json_t *fc_policy_get(const json_t *policy, const char *path);

#endif
