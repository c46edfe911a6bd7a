/* Unit tests for fc_mem: arena, buffer and JSON string escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fc_mem.h"

static void test_arena(void **state)
{
    (void)state;
    fc_arena_t *a = fc_arena_new(128);
    char *s = fc_arena_strdup(a, "健康打卡");
    assert_string_equal(s, "健康打卡");
    void *big = fc_arena_alloc(a, 10000); /* larger than a block */
    memset(big, 1, 10000);
    for (int i = 0; i < 1000; i++) {
        double *d = fc_arena_alloc(a, sizeof *d);
        assert_true(((uintptr_t)d % _Alignof(max_align_t)) == 0);
        *d = i;
    }
    assert_true(fc_arena_used(a) > 10000);
    fc_arena_reset(a);
    assert_int_equal(fc_arena_used(a), 0);
    assert_non_null(fc_arena_alloc(a, 16));
    fc_arena_destroy(&a);
    assert_null(a);
    fc_arena_destroy(&a); /* idempotent */
}

static void test_buf(void **state)
{
    (void)state;
    fc_buf_t b;
    fc_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        fc_buf_printf(&b, "%d,", i);
    assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
    fc_buf_reset(&b);
    fc_buf_json_str(&b, "a\"b\\c\n\x01中");
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001中\"");
    fc_buf_fini(&b);
    char *s = fc_xasprintf("%s-%d", "x", 42);
    assert_string_equal(s, "x-42");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_buf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
