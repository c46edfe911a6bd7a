/* intake_import_check: the checks of an import commit that need no database, over the rows of
 * the uploaded chunks: decoding the chunks, every row through intake_rules, duplicate keys
 * within the file, the org hierarchy of the file (cycles, units under bad rows) and spouses
 * named within the file. intake_import.c runs them between its database checks; the csv fuzz
 * target runs them on their own. Problems are ImportProblems in the given arena. */
#ifndef INTAKE_IMPORT_CHECK_H
#define INTAKE_IMPORT_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "fc/v1/intake.pb-c.h"
#include "fc_err.h"
#include "fc_mem.h"

/* A key of a file row (org_code, post_code or employee_no), for sorting and lookup. */
typedef struct {
    const char *key;
    size_t i;
} intake_import_key_t;

/* qsort order of keys: by key, then by row. */
int intake_import_key_cmp(const void *a, const void *b);

/* An import's rows as uploaded, what is wrong with them and which are bad. */
typedef struct {
    fc_arena_t *arena; /* borrowed: the problems found here */
    const char *kind;  /* "org", "posts" or "people" */
    Fc__V1__ImportChunkRequest **chunks;
    size_t n_chunks, cap_chunks;
    Fc__V1__ImportRow **rows; /* point into the chunks */
    size_t n_rows, cap_rows;
    unsigned char *bad; /* per row, from intake_import_check_rules */
    Fc__V1__ImportProblem **problems;
    size_t n_problems, cap_problems;
    intake_import_key_t *keys; /* sorted, from intake_import_check_dups */
} intake_import_rows_t;

void intake_import_rows_init(intake_import_rows_t *r, const char *kind, fc_arena_t *arena);
/* Frees the chunks and everything but the arena's problems. */
void intake_import_rows_fini(intake_import_rows_t *r);
/* Decodes chunk seq (ctx is the intake_import_rows_t; chunks must come in order) and adds its
 * rows and client problems. */
int intake_import_rows_add_chunk(void *ctx, int seq, const uint8_t *data, size_t len,
                                 fc_err_t *err);

void intake_import_problem(intake_import_rows_t *r, int line, const char *column, const char *fmt,
                           ...) __attribute__((format(printf, 4, 5)));
/* Row i breaks a rule: a problem (the last part of err's field as the column); row marked bad. */
void intake_import_row_bad(intake_import_rows_t *r, size_t i, const fc_err_t *err);

/* First check: every row through the rules of its kind (bad rows marked). */
void intake_import_check_rules(intake_import_rows_t *r);
/* Rows sorted by key into r->keys; each later duplicate a problem naming the first line. */
void intake_import_check_dups(intake_import_rows_t *r);
/* The first row (earliest line) with this key, after intake_import_check_dups. */
const intake_import_key_t *intake_import_find(const intake_import_rows_t *r, const char *key);

/* org: depth of row i among the file's rows (parents in the file first), the row whose parent
 * is outside the file in *anchor_row; -1 on a cycle. */
int intake_import_org_depth(const intake_import_rows_t *r, size_t i, size_t *anchor_row);
/* org: every good row in a cycle of the file is bad. */
void intake_import_check_cycles(intake_import_rows_t *r);
/* org: a unit under a bad row cannot be placed either (to the end of the chains). */
void intake_import_check_under_bad(intake_import_rows_t *r);

/* people: if row i's spouse is a row of the file, checks that one names row i back (a problem
 * and row i bad if not) and returns 1; 0 if the spouse is not in the file. */
int intake_import_check_spouse_in_file(intake_import_rows_t *r, size_t i);
/* people: a couple in the file goes in together or not at all. */
void intake_import_check_couples(intake_import_rows_t *r);

/* Sorts the problems by line (stable) and returns how many lines have one. */
size_t intake_import_sort_problems(intake_import_rows_t *r);

#endif
