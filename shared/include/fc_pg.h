/* fc_pg: a PostgreSQL connection (libpq) for one service's schema: connect with retry and
 * backoff, parameterised statements only, transactions, SQLSTATE mapped to FC_E* codes. */
#ifndef FC_PG_H
#define FC_PG_H

#include <libpq-fe.h>
#include "fc_err.h"

typedef struct fc_pg fc_pg_t;

typedef struct {
    const char *url;       /* libpq URI or conninfo */
    const char *user;      /* overrides the url's user; may be NULL */
    const char *password;  /* may be NULL */
    const char *schema;    /* search_path for this connection */
    const char *app_name;  /* application_name */
    int connect_wait_s;    /* keep retrying with backoff this long; 0 = one try */
} fc_pg_opts_t;

fc_pg_t *fc_pg_new(const fc_pg_opts_t *opts, fc_err_t *err);
void fc_pg_destroy(fc_pg_t **self_p);
PGconn *fc_pg_conn(fc_pg_t *self);
const char *fc_pg_schema(const fc_pg_t *self);

/* Runs sql with text parameters ($1..$n). Returns the result (caller PQclears) or NULL with
 * err set: unique violation FC_EDUP, foreign key FC_ENOTFOUND, check FC_EINVAL (field = the
 * constraint), serialization/deadlock FC_EAGAIN, lost connection FC_EUNAVAIL (the next call
 * reconnects, outside a transaction). */
PGresult *fc_pg_exec(fc_pg_t *self, const char *sql, int n, const char *const *params,
                     fc_err_t *err);
/* The same with lengths and formats (1 = binary, for bytea); either may be NULL. */
PGresult *fc_pg_execb(fc_pg_t *self, const char *sql, int n, const char *const *params,
                      const int *lengths, const int *formats, fc_err_t *err);
/* Runs sql and discards the result; *affected_out rows affected if not NULL. */
int fc_pg_cmd(fc_pg_t *self, const char *sql, int n, const char *const *params, long *affected_out,
              fc_err_t *err);
/* Runs one or more statements without parameters (migrations). */
int fc_pg_script(fc_pg_t *self, const char *sql, fc_err_t *err);

int fc_pg_begin(fc_pg_t *self, fc_err_t *err);
int fc_pg_commit(fc_pg_t *self, fc_err_t *err);
/* Never fails from the caller's view; safe when no transaction is open. */
void fc_pg_rollback(fc_pg_t *self);
int fc_pg_in_tx(const fc_pg_t *self);
/* True if a trivial query answers now. */
int fc_pg_ping(fc_pg_t *self);

/* Helpers over a result: value or "" / 0. */
const char *fc_pg_str(const PGresult *r, int row, int col);
long long fc_pg_int(const PGresult *r, int row, int col);

#endif
