/* fc_pg: libpq behind a small API: reconnecting connection, parameterised statements,
 * transactions and SQLSTATE-to-code mapping. */
#include "fc_pg.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct fc_pg {
    char *url, *user, *password, *schema, *app_name;
    PGconn *conn;
    int in_tx;
};

static void s_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int s_connect_once(fc_pg_t *self, fc_err_t *err)
{
    const char *keys[6], *vals[6];
    int n = 0;
    keys[n] = "dbname", vals[n++] = self->url;
    if (self->user && *self->user)
        keys[n] = "user", vals[n++] = self->user;
    if (self->password && *self->password)
        keys[n] = "password", vals[n++] = self->password;
    keys[n] = "application_name", vals[n++] = self->app_name;
    keys[n] = "connect_timeout", vals[n++] = "5";
    keys[n] = NULL, vals[n] = NULL;
    if (self->conn)
        PQfinish(self->conn);
    self->conn = PQconnectdbParams(keys, vals, 1);
    self->in_tx = 0;
    if (PQstatus(self->conn) != CONNECTION_OK) {
        char msg[FC_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(self->conn));
        msg[strcspn(msg, "\n")] = '\0';
        fc_err_set(err, FC_EUNAVAIL, "database", "could not connect to postgresql as \"%s\": %s",
                   self->user ? self->user : "", msg);
        PQfinish(self->conn);
        self->conn = NULL;
        return FC_EUNAVAIL;
    }
    if (self->schema && *self->schema) {
        char *ident = PQescapeIdentifier(self->conn, self->schema, strlen(self->schema));
        char *sql = fc_xasprintf("SET search_path TO %s; SET TIME ZONE 'UTC'", ident);
        PQfreemem(ident);
        PGresult *r = PQexec(self->conn, sql);
        free(sql);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
            fc_err_set(err, FC_ERR, "database", "could not set search_path to \"%s\": %s",
                       self->schema, PQerrorMessage(self->conn));
            PQfinish(self->conn);
            self->conn = NULL;
            return FC_ERR;
        }
    }
    return FC_OK;
}

fc_pg_t *fc_pg_new(const fc_pg_opts_t *opts, fc_err_t *err)
{
    fc_pg_t *self = fc_xcalloc(1, sizeof *self);
    self->url = fc_xstrdup(opts->url);
    self->user = opts->user ? fc_xstrdup(opts->user) : NULL;
    self->password = opts->password ? fc_xstrdup(opts->password) : NULL;
    self->schema = fc_xstrdup(opts->schema ? opts->schema : "");
    self->app_name = fc_xstrdup(opts->app_name ? opts->app_name : "frontline");
    int64_t deadline = fc_clock_mono_ms() + (int64_t)opts->connect_wait_s * 1000;
    int backoff = 100;
    for (;;) {
        if (s_connect_once(self, err) == FC_OK)
            return self;
        if (fc_clock_mono_ms() + backoff > deadline)
            break;
        fc_log_warn("pg.connect_retry", "error", FC_LS(err ? err->message : ""), "wait_ms",
                    FC_LI(backoff), NULL);
        s_sleep_ms(backoff);
        backoff = backoff * 2 > 5000 ? 5000 : backoff * 2;
    }
    fc_pg_destroy(&self);
    return NULL;
}

void fc_pg_destroy(fc_pg_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    fc_pg_t *self = *self_p;
    if (self->conn)
        PQfinish(self->conn);
    free(self->url);
    free(self->user);
    free(self->password);
    free(self->schema);
    free(self->app_name);
    free(self);
    *self_p = NULL;
}

PGconn *fc_pg_conn(fc_pg_t *self)
{
    return self->conn;
}

const char *fc_pg_schema(const fc_pg_t *self)
{
    return self->schema;
}

static int s_code_for(const char *state)
{
    if (!state)
        return FC_EUNAVAIL;
    if (strcmp(state, "23505") == 0)
        return FC_EDUP;
    if (strcmp(state, "23503") == 0)
        return FC_ENOTFOUND;
    if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0 ||
        strncmp(state, "22", 2) == 0)
        return FC_EINVAL;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
        strcmp(state, "55P03") == 0)
        return FC_EAGAIN;
    if (strcmp(state, "42501") == 0)
        return FC_EDENIED;
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
        return FC_EUNAVAIL;
    return FC_ERR;
}

PGresult *fc_pg_execb(fc_pg_t *self, const char *sql, int n, const char *const *params,
                      const int *lengths, const int *formats, fc_err_t *err)
{
    if (!self->conn || PQstatus(self->conn) != CONNECTION_OK) {
        /* a transaction cannot survive a reconnect: tell the caller to retry it whole */
        if (self->in_tx) {
            fc_err_set(err, FC_EUNAVAIL, "database", "connection to postgresql was lost");
            return NULL;
        }
        if (s_connect_once(self, err) != FC_OK)
            return NULL;
    }
    PGresult *r = PQexecParams(self->conn, sql, n, NULL, params, lengths, formats, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return r;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *constraint = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
    const char *column = r ? PQresultErrorField(r, PG_DIAG_COLUMN_NAME) : NULL;
    char msg[FC_ERR_MSG_MAX];
    snprintf(msg, sizeof msg, "%s",
             r && PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                 ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                 : PQerrorMessage(self->conn));
    msg[strcspn(msg, "\n")] = '\0';
    int code = s_code_for(state);
    fc_err_set(err, code, constraint ? constraint : column ? column : "database", "%s", msg);
    if (code == FC_EUNAVAIL || PQstatus(self->conn) != CONNECTION_OK) {
        PQfinish(self->conn);
        self->conn = NULL;
        if (err)
            err->code = FC_EUNAVAIL;
    }
    PQclear(r);
    return NULL;
}

PGresult *fc_pg_exec(fc_pg_t *self, const char *sql, int n, const char *const *params,
                     fc_err_t *err)
{
    return fc_pg_execb(self, sql, n, params, NULL, NULL, err);
}

int fc_pg_cmd(fc_pg_t *self, const char *sql, int n, const char *const *params, long *affected_out,
              fc_err_t *err)
{
    PGresult *r = fc_pg_exec(self, sql, n, params, err);
    if (!r)
        return err && err->code ? err->code : FC_ERR;
    if (affected_out)
        *affected_out = atol(PQcmdTuples(r));
    PQclear(r);
    return FC_OK;
}

int fc_pg_script(fc_pg_t *self, const char *sql, fc_err_t *err)
{
    if (!self->conn && s_connect_once(self, err) != FC_OK)
        return FC_EUNAVAIL;
    PGresult *r = PQexec(self->conn, sql);
    ExecStatusType st = PQresultStatus(r);
    int rc = FC_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        rc = fc_err_set(err, s_code_for(state), "database", "%s",
                        PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                            ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                            : PQerrorMessage(self->conn));
    }
    PQclear(r);
    return rc;
}

int fc_pg_begin(fc_pg_t *self, fc_err_t *err)
{
    int rc = fc_pg_cmd(self, "BEGIN", 0, NULL, NULL, err);
    self->in_tx = rc == FC_OK;
    return rc;
}

int fc_pg_commit(fc_pg_t *self, fc_err_t *err)
{
    int rc = fc_pg_cmd(self, "COMMIT", 0, NULL, NULL, err);
    self->in_tx = 0;
    return rc;
}

void fc_pg_rollback(fc_pg_t *self)
{
    if (self->conn && PQtransactionStatus(self->conn) != PQTRANS_IDLE) {
        PGresult *r = PQexec(self->conn, "ROLLBACK");
        PQclear(r);
    }
    self->in_tx = 0;
}

int fc_pg_in_tx(const fc_pg_t *self)
{
    return self->in_tx;
}

int fc_pg_ping(fc_pg_t *self)
{
    if (self->in_tx)
        return 1;
    PGresult *r = fc_pg_exec(self, "SELECT 1", 0, NULL, NULL);
    if (!r)
        return 0;
    PQclear(r);
    return 1;
}

const char *fc_pg_str(const PGresult *r, int row, int col)
{
    if (!r || row >= PQntuples(r) || col >= PQnfields(r) || PQgetisnull(r, row, col))
        return "";
    return PQgetvalue(r, row, col);
}

long long fc_pg_int(const PGresult *r, int row, int col)
{
    return strtoll(fc_pg_str(r, row, col), NULL, 10);
}
