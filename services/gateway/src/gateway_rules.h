/* gateway_rules: validation of the gateway's own commands (tokens, audit queries). Each
 * returns FC_OK or FC_EINVAL naming the field, with a message in Simplified Chinese. */
#ifndef GATEWAY_RULES_H
#define GATEWAY_RULES_H

#include <stdint.h>
#include "fc/v1/gateway.pb-c.h"
#include "fc_err.h"

#define GATEWAY_AUDIT_MAX_LIMIT 1000

/* True if s is an org or employee code: [A-Za-z0-9_.-]{1,32}. */
int gateway_rules_code(const char *s);
int gateway_rules_token_create(const Fc__V1__TokenCreateRequest *req, int64_t now_us,
                               fc_err_t *err);
int gateway_rules_token_revoke(const Fc__V1__TokenRevokeRequest *req, fc_err_t *err);
int gateway_rules_audit_query(const Fc__V1__AuditQueryRequest *req, fc_err_t *err);

#endif
