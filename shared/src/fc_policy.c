/* fc_policy: policy documents from JSON files, looked up by dotted paths. */
#include "fc_policy.h"
#include "fc_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *fc_policy_load(const char *dir, const char *name, fc_err_t *err)
{
    char *path = fc_xasprintf("%s/%s.json", dir, name);
    json_error_t jerr;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        fc_err_set(err, FC_EINVAL, "FC_POLICY_DIR", "policy file \"%s\" line %d column %d: %s",
                   path, jerr.line, jerr.column, jerr.text);
    else if (!json_is_object(j)) {
        fc_err_set(err, FC_EINVAL, "FC_POLICY_DIR", "policy file \"%s\" is not a JSON object",
                   path);
        json_decref(j);
        j = NULL;
    }
    free(path);
    return j;
}

const json_t *fc_policy_get(const json_t *policy, const char *path)
{
    const json_t *cur = policy;
    const char *p = path;
    while (cur && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char key[128];
        if (n >= sizeof key)
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        cur = json_is_object(cur) ? json_object_get(cur, key) : NULL;
        p = dot ? dot + 1 : p + n;
    }
    return cur;
}

int fc_policy_int(const json_t *policy, const char *path, int64_t def, int64_t min, int64_t max,
                  int64_t *out, fc_err_t *err)
{
    const json_t *v = fc_policy_get(policy, path);
    if (!v) {
        *out = def;
        return FC_OK;
    }
    if (!json_is_integer(v))
        return fc_err_set(err, FC_EINVAL, path, "policy value is not an integer");
    int64_t x = json_integer_value(v);
    if (x < min || x > max)
        return fc_err_set(err, FC_EINVAL, path, "policy value %lld is outside %lld..%lld",
                          (long long)x, (long long)min, (long long)max);
    *out = x;
    return FC_OK;
}
