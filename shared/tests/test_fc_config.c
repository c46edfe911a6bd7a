/* Unit tests for fc_config: defaults, overrides, every bad variable reported at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc_config.h"

static const fc_cfg_def_t s_defs[] = {
    {"FC_T_NAME", FC_CFG_STR, "intake", 0, 0, "a name"},
    {"FC_T_PORT", FC_CFG_INT, "5551", 1, 65535, "a port"},
    {"FC_T_FLAG", FC_CFG_BOOL, "false", 0, 0, "a flag"},
    {"FC_T_SECRET_PASSWORD", FC_CFG_STR, "", 0, 0, "a secret"},
};
#define N (sizeof s_defs / sizeof s_defs[0])

static void test_defaults_and_overrides(void **state)
{
    (void)state;
    unsetenv("FC_T_PORT");
    setenv("FC_T_FLAG", "yes", 1);
    setenv("FC_T_SECRET_PASSWORD", "hunter2", 1);
    fc_err_t err;
    fc_config_t *c = fc_config_load(s_defs, N, NULL, 0, &err);
    assert_non_null(c);
    assert_string_equal(fc_config_str(c, "FC_T_NAME"), "intake");
    assert_int_equal(fc_config_int(c, "FC_T_PORT"), 5551);
    assert_true(fc_config_bool(c, "FC_T_FLAG"));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fc_config_print(c, f);
    fclose(f);
    assert_null(strstr(text, "hunter2")); /* secrets masked */
    assert_non_null(strstr(text, "FC_T_PORT=5551"));
    free(text);
    fc_config_destroy(&c);
    assert_null(c);
    unsetenv("FC_T_FLAG");
    unsetenv("FC_T_SECRET_PASSWORD");
}

static void test_all_errors_at_once(void **state)
{
    (void)state;
    setenv("FC_T_PORT", "99999", 1);
    setenv("FC_T_FLAG", "maybe", 1);
    fc_err_t err;
    fc_err_clear(&err);
    fc_config_t *c = fc_config_load(s_defs, N, NULL, 0, &err);
    assert_null(c);
    assert_int_equal(err.code, FC_EINVAL);
    assert_non_null(strstr(err.message, "FC_T_PORT=99999 is out of range"));
    assert_non_null(strstr(err.message, "FC_T_FLAG=\"maybe\" is not a boolean"));
    setenv("FC_T_PORT", "12x", 1);
    unsetenv("FC_T_FLAG");
    c = fc_config_load(s_defs, N, NULL, 0, &err);
    assert_null(c);
    assert_non_null(strstr(err.message, "is not an integer"));
    unsetenv("FC_T_PORT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_overrides),
        cmocka_unit_test(test_all_errors_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
