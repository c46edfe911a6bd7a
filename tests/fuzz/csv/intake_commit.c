/* The csv target's service half: import_commit's checks that need no database, run from
 * intake_import_check as intake_import.c runs them: each chunk decoded, every row through the
 * rules, duplicates within the file, the org hierarchy (cycles, units under bad rows), spouses
 * named within the file and couples, problems sorted. What needs the database (parents,
 * spouses and scope known only there) is left out. */
#include <string.h>

#include "fuzz_csv.h"
#include "intake_import_check.h"
#include "fc_pb.h"

void fuzz_csv_commit(const char *kind, uint8_t *const *chunks, const size_t *lens, size_t n)
{
    fc_arena_t *arena = fc_arena_new(64 * 1024);
    intake_import_rows_t r;
    intake_import_rows_init(&r, kind, arena);
    for (size_t i = 0; i < n; i++) {
        fc_err_t err;
        fc_err_clear(&err);
        if (intake_import_rows_add_chunk(&r, (int)i, chunks[i], lens[i], &err) != FC_OK)
            __builtin_trap(); /* fcctl packed it: the service must be able to read it back */
    }
    intake_import_check_rules(&r);
    intake_import_check_dups(&r);
    if (strcmp(kind, "org") == 0) {
        intake_import_check_cycles(&r);
        intake_import_check_under_bad(&r);
    } else if (strcmp(kind, "people") == 0) {
        for (size_t i = 0; i < r.n_rows; i++)
            if (!r.bad[i])
                intake_import_check_spouse_in_file(&r, i);
        intake_import_check_couples(&r);
    }
    intake_import_sort_problems(&r);
    /* problems are stored as PostgreSQL text and sent in replies: valid UTF-8, always */
    for (size_t i = 0; i < r.n_problems; i++)
        if (!fc_utf8_valid(r.problems[i]->column, strlen(r.problems[i]->column)) ||
            !fc_utf8_valid(r.problems[i]->reason, strlen(r.problems[i]->reason)))
            __builtin_trap();
    intake_import_rows_fini(&r);
    fc_arena_destroy(&arena);
}
