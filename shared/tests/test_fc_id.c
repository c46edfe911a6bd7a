/* Unit tests for fc_id: form, uniqueness and order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fc_id.h"

static int s_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_ids_sorted_and_unique(void **state)
{
    (void)state;
    enum { N = 20000 };
    char(*ids)[FC_ID_LEN + 1] = malloc(N * sizeof *ids);
    for (int i = 0; i < N; i++) {
        fc_id_new(ids[i]);
        assert_true(fc_id_valid(ids[i]));
        if (i)
            assert_true(strcmp(ids[i - 1], ids[i]) < 0); /* monotonic within a process */
    }
    qsort(ids, N, sizeof *ids, s_cmp);
    for (int i = 1; i < N; i++)
        assert_true(strcmp(ids[i - 1], ids[i]) != 0);
    free(ids);
}

static void test_valid(void **state)
{
    (void)state;
    assert_false(fc_id_valid(NULL));
    assert_false(fc_id_valid(""));
    assert_false(fc_id_valid("01ARZ3NDEKTSV4RRFFQ69G5FA")); /* 25 chars */
    assert_false(fc_id_valid("01ARZ3NDEKTSV4RRFFQ69G5FAU")); /* U is not Crockford */
    assert_false(fc_id_valid("81ARZ3NDEKTSV4RRFFQ69G5FAV")); /* over 128 bits */
    assert_true(fc_id_valid("01ARZ3NDEKTSV4RRFFQ69G5FAV"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_sorted_and_unique),
        cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
