/* fc_migrate: numbered SQL files applied once, in order, in one locked transaction. */
#include "fc_migrate.h"
#include "fc_log.h"
#include "fc_mem.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tables every service has, applied before its own files, in order: the outbox it publishes
 * from, the inbox that makes event consumption exactly-once, the stored replies that make a
 * retried command (same message id) take effect once, the record of its jobs (fc_jobrec) and
 * of its periodic runs (fc_schedule_run_once). */
typedef struct {
    const char *version;
    const char *sql;
} s_migration_t;

static const s_migration_t s_common[] = {
    {"0000_fc_common",
     "CREATE TABLE outbox ("
     " id bigserial PRIMARY KEY,"
     " event_id text NOT NULL UNIQUE,"
     " stream text NOT NULL,"
     " type text NOT NULL,"
     " payload bytea NOT NULL,"
     " at_us bigint NOT NULL,"
     " created_at timestamptz NOT NULL DEFAULT now(),"
     " published_at timestamptz);"
     "CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;"
     "CREATE TABLE inbox ("
     " event_id text PRIMARY KEY,"
     " stream text NOT NULL,"
     " type text NOT NULL,"
     " outcome text NOT NULL DEFAULT 'applied' CHECK (outcome IN ('applied', 'rejected')),"
     " detail text,"
     " received_at timestamptz NOT NULL DEFAULT now());"
     "CREATE TABLE rpc_replies ("
     " message_id text PRIMARY KEY,"
     " type text NOT NULL,"
     " payload bytea NOT NULL,"
     " created_at timestamptz NOT NULL DEFAULT now());"},
    {"0000_fc_jobs",
     "CREATE TABLE jobs ("
     " job_id text PRIMARY KEY,"
     " queue text NOT NULL,"
     " payload text NOT NULL,"
     " run_at_us bigint NOT NULL,"
     " state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dead',"
     " 'cancelled')),"
     " attempts integer NOT NULL DEFAULT 0,"
     " last_error text,"
     " created_at timestamptz NOT NULL DEFAULT now(),"
     " finished_at timestamptz);"
     "CREATE INDEX jobs_pending ON jobs (queue, run_at_us) WHERE state = 'pending';"},
    {"0000_fc_schedules",
     "CREATE TABLE schedule_runs ("
     " schedule text NOT NULL,"
     " period text NOT NULL,"
     " ran_at timestamptz NOT NULL DEFAULT now(),"
     " PRIMARY KEY (schedule, period));"},
};

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of NNNN_*.sql files in dir; caller frees each and the array. */
static char **s_list(const char *dir, size_t *n_out, fc_err_t *err)
{
    DIR *d = opendir(dir);
    if (!d && errno == ENOENT) {
        /* a service with no tables of its own yet: only the common ones */
        *n_out = 0;
        return fc_xcalloc(1, sizeof(char *));
    }
    if (!d) {
        fc_err_set(err, FC_ERR, "FC_MIGRATIONS_DIR", "could not open migrations directory \"%s\"",
                   dir);
        return NULL;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 9 || strcmp(e->d_name + len - 4, ".sql") != 0)
            continue;
        if (strspn(e->d_name, "0123456789") != 4 || e->d_name[4] != '_')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = fc_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = fc_xstrdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, s_cmp);
    *n_out = n;
    return names ? names : fc_xcalloc(1, sizeof *names);
}

static char *s_read_file(const char *path, fc_err_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fc_err_set(err, FC_ERR, "migration", "could not read \"%s\"", path);
        return NULL;
    }
    fc_buf_t b;
    fc_buf_init(&b);
    char chunk[8192];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        fc_buf_append(&b, chunk, k);
    fclose(f);
    if (!b.data)
        fc_buf_append(&b, "", 0);
    return b.data;
}

int fc_migrate(fc_pg_t *pg, const char *schema, const char *dir, int *applied_out, fc_err_t *err)
{
    int rc = FC_ERR, applied = 0;
    size_t n = 0;
    char *sql = NULL;
    PGresult *done = NULL;
    char **names = s_list(dir, &n, err);
    if (!names)
        return FC_ERR;
    if ((rc = fc_pg_begin(pg, err)) != FC_OK)
        goto out;
    /* one migrator per schema at a time, across every replica */
    const char *lock_params[] = {schema};
    if ((rc = fc_pg_cmd(pg, "SELECT pg_advisory_xact_lock(hashtext('fc_migrate:' || $1))", 1,
                        lock_params, NULL, err)) != FC_OK)
        goto out;
    if ((rc = fc_pg_cmd(pg,
                        "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version text PRIMARY KEY,"
                        " applied_at timestamptz NOT NULL DEFAULT now())",
                        0, NULL, NULL, err)) != FC_OK)
        goto out;
    done = fc_pg_exec(pg, "SELECT version FROM schema_migrations", 0, NULL, err);
    if (!done) {
        rc = err ? err->code : FC_ERR;
        goto out;
    }
    for (size_t c = 0; c < sizeof s_common / sizeof s_common[0]; c++) {
        int seen = 0;
        for (int r = 0; r < PQntuples(done) && !seen; r++)
            seen = strcmp(PQgetvalue(done, r, 0), s_common[c].version) == 0;
        if (seen)
            continue;
        const char *p[] = {s_common[c].version};
        if ((rc = fc_pg_script(pg, s_common[c].sql, err)) != FC_OK ||
            (rc = fc_pg_cmd(pg, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, p, NULL,
                            err)) != FC_OK)
            goto out;
        applied++;
    }
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (int r = 0; r < PQntuples(done) && !seen; r++)
            seen = strcmp(PQgetvalue(done, r, 0), names[i]) == 0;
        if (seen)
            continue;
        char *path = fc_xasprintf("%s/%s", dir, names[i]);
        sql = s_read_file(path, err);
        free(path);
        if (!sql) {
            rc = FC_ERR;
            goto out;
        }
        if ((rc = fc_pg_script(pg, sql, err)) != FC_OK) {
            fc_err_prefix_field(err, names[i]);
            goto out;
        }
        free(sql);
        sql = NULL;
        const char *p[] = {names[i]};
        if ((rc = fc_pg_cmd(pg, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, p, NULL,
                            err)) != FC_OK)
            goto out;
        fc_log_info("migrate.applied", "schema", FC_LS(schema), "version", FC_LS(names[i]), NULL);
        applied++;
    }
    rc = fc_pg_commit(pg, err);
out:
    if (rc != FC_OK)
        fc_pg_rollback(pg);
    PQclear(done);
    free(sql);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (applied_out)
        *applied_out = rc == FC_OK ? applied : 0;
    return rc;
}
