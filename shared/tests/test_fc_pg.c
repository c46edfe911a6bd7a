/* Integration tests for fc_pg and fc_migrate against the real test PostgreSQL: migrations run
 * once, twice and from two processes at once; each service role sees only its own schema;
 * SQLSTATEs map to FC_E* codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fc_harness.h"
#include "fc_log.h"
#include "fc_migrate.h"
#include "fc_pg.h"

static char s_dir[64];

static fc_pg_t *s_connect(const char *role, const char *schema)
{
    fc_pg_opts_t o = {getenv("FC_PG_URL"), role, NULL, schema, "test_fc_pg", 5};
    fc_err_t err;
    fc_pg_t *pg = fc_pg_new(&o, &err);
    if (!pg)
        fail_msg("connect as %s: %s", role, err.message);
    return pg;
}

static void s_write(const char *name, const char *sql)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", s_dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(sql, f);
    fclose(f);
}

static int s_setup(void **state)
{
    (void)state;
    fc_h_init("test_fc_pg");
    fc_h_reset();
    snprintf(s_dir, sizeof s_dir, "/tmp/fc_migrate_XXXXXX");
    assert_non_null(mkdtemp(s_dir));
    s_write("0001_first.sql", "CREATE TABLE t1 (id int PRIMARY KEY, v int CHECK (v >= 0));");
    s_write("0002_second.sql", "ALTER TABLE t1 ADD COLUMN note text;");
    s_write("README.txt", "not a migration");
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    return system(cmd);
}

static void test_migrate_once_and_twice(void **state)
{
    (void)state;
    fc_pg_t *pg = s_connect("fc_welfare", "welfare");
    fc_err_t err;
    int applied = -1;
    assert_int_equal(fc_migrate(pg, "welfare", s_dir, &applied, &err), FC_OK);
    assert_int_equal(applied, 5); /* the three common migrations + two files */
    assert_int_equal(fc_migrate(pg, "welfare", s_dir, &applied, &err), FC_OK);
    assert_int_equal(applied, 0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM welfare.schema_migrations"), 5);
    /* a failing migration rolls back whole and names the file */
    s_write("0003_bad.sql", "ALTER TABLE t1 ADD COLUMN x int; SELECT * FROM no_such_table;");
    fc_err_clear(&err);
    assert_int_not_equal(fc_migrate(pg, "welfare", s_dir, &applied, &err), FC_OK);
    assert_non_null(strstr(err.field, "0003_bad.sql"));
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM information_schema.columns WHERE "
                                 "table_schema = 'welfare' AND column_name = 'x'"),
                     0);
    char path[128];
    snprintf(path, sizeof path, "%s/0003_bad.sql", s_dir);
    unlink(path);
    fc_pg_destroy(&pg);
}

static void test_migrate_concurrently(void **state)
{
    (void)state;
    /* two replicas starting at once on a fresh schema: both succeed, each file applied once */
    fc_h_reset();
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            fc_pg_t *pg = s_connect("fc_notify", "notify");
            fc_err_t err;
            int rc = fc_migrate(pg, "notify", s_dir, NULL, &err);
            fc_pg_destroy(&pg);
            _exit(rc == FC_OK ? 0 : 1);
        }
    }
    for (int i = 0; i < 2; i++) {
        int status;
        waitpid(kids[i], &status, 0);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.schema_migrations"), 5);
}

static void test_roles_are_walled_off(void **state)
{
    (void)state;
    fc_pg_t *welfare = s_connect("fc_welfare", "welfare");
    fc_pg_t *intake = s_connect("fc_intake", "intake");
    fc_err_t err;
    assert_int_equal(fc_migrate(welfare, "welfare", s_dir, NULL, &err), FC_OK);
    fc_err_clear(&err);
    PGresult *r = fc_pg_exec(intake, "SELECT * FROM welfare.t1", 0, NULL, &err);
    assert_null(r);
    assert_int_equal(err.code, FC_EDENIED);
    assert_non_null(strstr(err.message, "permission denied"));
    fc_err_clear(&err);
    assert_int_equal(fc_pg_cmd(intake, "CREATE TABLE welfare.sneaky (x int)", 0, NULL, NULL, &err),
                     FC_EDENIED);
    fc_err_clear(&err);
    assert_int_equal(fc_pg_cmd(intake, "CREATE TABLE public.sneaky (x int)", 0, NULL, NULL, &err),
                     FC_EDENIED);
    /* its own schema works */
    assert_int_equal(fc_pg_cmd(intake, "CREATE TABLE mine (x int)", 0, NULL, NULL, &err), FC_OK);
    fc_pg_destroy(&intake);
    fc_pg_destroy(&welfare);
}

static void test_error_mapping(void **state)
{
    (void)state;
    fc_pg_t *pg = s_connect("fc_welfare", "welfare");
    fc_err_t err;
    fc_migrate(pg, "welfare", s_dir, NULL, &err);
    const char *p[] = {"1", "5"};
    assert_int_equal(fc_pg_cmd(pg, "INSERT INTO t1 (id, v) VALUES ($1, $2)", 2, p, NULL, &err),
                     FC_OK);
    fc_err_clear(&err);
    assert_int_equal(fc_pg_cmd(pg, "INSERT INTO t1 (id, v) VALUES ($1, $2)", 2, p, NULL, &err),
                     FC_EDUP);
    assert_string_equal(err.field, "t1_pkey");
    const char *neg[] = {"2", "-1"};
    fc_err_clear(&err);
    assert_int_equal(fc_pg_cmd(pg, "INSERT INTO t1 (id, v) VALUES ($1, $2)", 2, neg, NULL, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "t1_v_check");
    /* parameters are never spliced into SQL */
    const char *inj[] = {"1; DROP TABLE t1"};
    fc_err_clear(&err);
    assert_int_equal(fc_pg_cmd(pg, "SELECT * FROM t1 WHERE id = $1::int", 1, inj, NULL, &err),
                     FC_EINVAL);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM welfare.t1"), 1);
    /* a transaction that fails leaves nothing behind */
    assert_int_equal(fc_pg_begin(pg, &err), FC_OK);
    const char *p3[] = {"3", "3"};
    assert_int_equal(fc_pg_cmd(pg, "INSERT INTO t1 (id, v) VALUES ($1, $2)", 2, p3, NULL, &err),
                     FC_OK);
    fc_pg_rollback(pg);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM welfare.t1"), 1);
    fc_pg_destroy(&pg);
    /* unreachable database */
    fc_pg_opts_t o = {"postgresql://127.0.0.1:1/frontline", "fc_welfare", NULL, "welfare", "t", 0};
    fc_err_clear(&err);
    assert_null(fc_pg_new(&o, &err));
    assert_int_equal(err.code, FC_EUNAVAIL);
}

int main(void)
{
    fc_log_init("test_fc_pg", FC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_once_and_twice),
        cmocka_unit_test(test_migrate_concurrently),
        cmocka_unit_test(test_roles_are_walled_off),
        cmocka_unit_test(test_error_mapping),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
