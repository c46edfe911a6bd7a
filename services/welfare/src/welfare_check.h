/* welfare_check: the invariant checker. It verifies, in one consistent snapshot of the
 * ledger: every transfer balances (two entries summing to zero); every account's balance is
 * the sum of its entries; no budget, hold or payout balance is negative; the balances of the
 * books sum to the external inflows; only inflows touch external accounts; no idempotency key
 * is paid twice (nor reversed more often than paid); at most one frontline subsidy per person
 * per day and class; each disbursement's state matches what the ledger moved for it; hold
 * accounts hold exactly the pending disbursements and payout accounts the paid ones. Tests run
 * it after every scenario; `fcctl funds check` runs it on a live system. */
#ifndef WELFARE_CHECK_H
#define WELFARE_CHECK_H

#include <stddef.h>
#include "fc_err.h"
#include "fc_pg.h"
#include "welfare_store.h"

#define WELFARE_CHECK_KEEP 100 /* violations kept verbatim; all are counted */

typedef struct {
    int ok;
    size_t nviolations; /* all found */
    size_t nkept;
    char *violations[WELFARE_CHECK_KEEP]; /* "check: detail" */
    welfare_check_stats_t stats;
} welfare_check_t;

welfare_check_t *welfare_check_new(void);
void welfare_check_destroy(welfare_check_t **self_p);
/* Runs every invariant on pg (which must not be in a transaction); self->ok says the result. */
int welfare_check_run(welfare_check_t *self, fc_pg_t *pg, fc_err_t *err);

#endif
