/* The csv target's service half: intake_import.c compiled here so its static helpers run as
 * import_commit runs them, minus the database: each chunk decoded by on_chunk, every row
 * through intake_rules, duplicates by s_keys, the org hierarchy by s_org_depth, problems sorted
 * by s_sort_problems. What needs the database (parents, spouses and scope known only there) is
 * left out. */
#include "fuzz_csv.h"

#include "intake_import.c"

static void s_fuzz_org(s_import_t *im)
{
    for (size_t i = 0; i < im->n_rows; i++) {
        fc_err_t e;
        fc_err_clear(&e);
        if (intake_rules_org(im->rows[i]->org, &e) != FC_OK)
            s_row_bad(im, i, &e);
    }
    s_key_t *keys = s_keys(im, s_org_key, "org_code");
    for (size_t i = 0; i < im->n_rows; i++) {
        size_t anchor = i;
        if (im->bad[i])
            continue;
        if (s_org_depth(im, keys, i, &anchor) < 0) {
            s_problem(im, im->rows[i]->line, "parent_code", "组织层级成环（经由“%s”）",
                      im->rows[i]->org->parent_code);
            im->bad[i] = 1;
        }
    }
    for (int changed = 1; changed;) { /* as s_import_org: a unit under a bad row */
        changed = 0;
        for (size_t i = 0; i < im->n_rows; i++) {
            if (im->bad[i])
                continue;
            const s_key_t *k = s_find(keys, im->n_rows, im->rows[i]->org->parent_code);
            if (k && im->bad[k->i]) {
                s_problem(im, im->rows[i]->line, "parent_code", "上级组织“%s”所在第 %d 行有错误",
                          im->rows[i]->org->parent_code, im->rows[k->i]->line);
                im->bad[i] = 1;
                changed = 1;
            }
        }
    }
    free(keys);
}

static void s_fuzz_posts(s_import_t *im)
{
    for (size_t i = 0; i < im->n_rows; i++) {
        fc_err_t e;
        fc_err_clear(&e);
        if (intake_rules_post(im->rows[i]->post, &e) != FC_OK)
            s_row_bad(im, i, &e);
    }
    free(s_keys(im, s_post_key, "post_code"));
}

static void s_fuzz_people(s_import_t *im)
{
    for (size_t i = 0; i < im->n_rows; i++) {
        fc_err_t e;
        fc_err_clear(&e);
        Fc__V1__Person *p = im->rows[i]->person;
        p->health_status = 0;
        if (intake_rules_person(p, &e) != FC_OK)
            s_row_bad(im, i, &e);
    }
    s_key_t *keys = s_keys(im, s_person_key, "employee_no");
    for (size_t i = 0; i < im->n_rows; i++) { /* a spouse in the file must name this row back */
        const Fc__V1__Person *p = im->rows[i]->person;
        const s_key_t *sk =
            *p->spouse_employee_no ? s_find(keys, im->n_rows, p->spouse_employee_no) : NULL;
        if (!im->bad[i] && sk &&
            strcmp(im->rows[sk->i]->person->spouse_employee_no, p->employee_no) != 0) {
            s_problem(im, im->rows[i]->line, "spouse_employee_no", "配偶关系须互相一致");
            im->bad[i] = 1;
        }
    }
    free(keys);
}

void fuzz_csv_commit(const char *kind, uint8_t *const *chunks, const size_t *lens, size_t n)
{
    fc_call_t call = {NULL, NULL, fc_arena_new(64 * 1024), NULL};
    s_import_t im;
    memset(&im, 0, sizeof im);
    im.call = &call;
    im.kind = kind;
    im.scope = "";
    im.group_wide = 1;
    int rc = FC_OK;
    for (size_t i = 0; i < n && rc == FC_OK; i++) {
        fc_err_t err;
        fc_err_clear(&err);
        rc = on_chunk(&im, (int)i, chunks[i], lens[i], &err);
        if (rc != FC_OK) /* fcctl packed it: the service must be able to read it back */
            __builtin_trap();
    }
    im.bad = fc_xcalloc(im.n_rows + 1, 1);
    if (strcmp(kind, "org") == 0)
        s_fuzz_org(&im);
    else if (strcmp(kind, "posts") == 0)
        s_fuzz_posts(&im);
    else
        s_fuzz_people(&im);
    s_sort_problems(&im);
    /* problems are stored as PostgreSQL text and sent in replies: valid UTF-8, always */
    for (size_t i = 0; i < im.n_problems; i++)
        if (!fc_utf8_valid(im.problems[i]->column, strlen(im.problems[i]->column)) ||
            !fc_utf8_valid(im.problems[i]->reason, strlen(im.problems[i]->reason)))
            __builtin_trap();
    s_import_fini(&im);
    fc_arena_destroy(&call.arena);
}
