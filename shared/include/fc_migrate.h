/* fc_migrate: applies a service's numbered SQL migrations (NNNN_what.sql) in order, inside
 * one transaction under an advisory lock, recording each in <schema>.schema_migrations:
 * safe to run twice and from two replicas at once. */
#ifndef FC_MIGRATE_H
#define FC_MIGRATE_H

#include "fc_err.h"
#include "fc_pg.h"

/* dir holds the .sql files of this schema; *applied_out how many were new (may be NULL). */
int fc_migrate(fc_pg_t *pg, const char *schema, const char *dir, int *applied_out, fc_err_t *err);

#endif
