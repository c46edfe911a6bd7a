/* welfare_rules: the checks at welfare's door, as pure functions over values and decoded
 * messages. Each failure names the field and says why, in Simplified Chinese (users read it). */
#ifndef WELFARE_RULES_H
#define WELFARE_RULES_H

#include <stdint.h>
#include "fc_err.h"
#include "welfare_policy.h"

#define WELFARE_KEY_MAX 128
#define WELFARE_TEXT_MAX 1000
/* Keys of automatic requests start with this; clients may not use it. */
#define WELFARE_AUTO_KEY_PREFIX "auto:"

/* An org code or employee number: 1-32 of [A-Za-z0-9_.-]. */
int welfare_rules_code(const char *field, const char *value, fc_err_t *err);
/* An amount in fen: > 0 and <= max (the policy's cap). */
int welfare_rules_amount(const char *field, int64_t fen, int64_t max, fc_err_t *err);
/* A fund name; *fund_out its code. */
int welfare_rules_fund(const char *field, const char *name, int *fund_out, fc_err_t *err);
/* A disbursement kind name; *kind_out its code. */
int welfare_rules_kind(const char *field, const char *name, int *kind_out, fc_err_t *err);
/* An idempotency key: 1-128 printable ASCII characters without spaces; a client's key may not
 * start with "auto:". required = 0 lets an empty key through. */
int welfare_rules_key(const char *field, const char *key, int required, fc_err_t *err);
/* Free text of at most max bytes; required = non-empty. */
int welfare_rules_text(const char *field, const char *value, size_t max, int required,
                       fc_err_t *err);
/* Which state filter names are valid for queries. */
int welfare_rules_state(const char *field, const char *state, fc_err_t *err);

#endif
