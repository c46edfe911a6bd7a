/* welfare_check: runs the ledger's invariants and collects what is wrong. */
#include "welfare_check.h"
#include "welfare_supply_store.h"
#include "fc_log.h"
#include "fc_mem.h"

#include <stdlib.h>
#include <string.h>

welfare_check_t *welfare_check_new(void)
{
    return fc_xcalloc(1, sizeof(welfare_check_t));
}

static void s_clear(welfare_check_t *self)
{
    for (size_t i = 0; i < self->nkept; i++)
        free(self->violations[i]);
    memset(self, 0, sizeof *self);
}

void welfare_check_destroy(welfare_check_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_clear(*self_p);
    free(*self_p);
    *self_p = NULL;
}

static void on_violation(void *arg, const char *check, const char *detail)
{
    welfare_check_t *self = arg;
    self->nviolations++;
    if (self->nkept < WELFARE_CHECK_KEEP)
        self->violations[self->nkept++] = fc_xasprintf("%s: %s", check, detail);
    fc_log_error("welfare.invariant_violated", "check", FC_LS(check), "detail", FC_LS(detail),
                 NULL);
}

int welfare_check_run(welfare_check_t *self, fc_pg_t *pg, fc_err_t *err)
{
    s_clear(self);
    int rc = welfare_store_check(pg, on_violation, self, &self->stats, err);
    /* the in-kind ledger of the supplies, under the same rules */
    wss_check_stats_t supply;
    memset(&supply, 0, sizeof supply);
    if (rc == FC_OK)
        rc = wss_check(pg, on_violation, self, &supply, err);
    self->ok = rc == FC_OK && self->nviolations == 0;
    return rc;
}
