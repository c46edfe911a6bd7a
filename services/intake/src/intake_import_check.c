/* intake_import_check: an import's checks that need no database (see intake_import_check.h). */
#include "intake_import_check.h"
#include "intake_rules.h"
#include "fc_pb.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void s_grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return;
    *cap = *cap ? *cap * 2 : 64;
    *v = fc_xrealloc(*v, *cap * size);
}

void intake_import_rows_init(intake_import_rows_t *r, const char *kind, fc_arena_t *arena)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->arena = arena;
}

void intake_import_rows_fini(intake_import_rows_t *r)
{
    for (size_t i = 0; i < r->n_chunks; i++)
        protobuf_c_message_free_unpacked(&r->chunks[i]->base, NULL);
    free(r->chunks);
    free(r->rows);
    free(r->bad);
    free(r->problems);
    free(r->keys);
    r->chunks = NULL;
    r->rows = NULL;
    r->bad = NULL;
    r->problems = NULL;
    r->keys = NULL;
    r->n_chunks = r->n_rows = r->n_problems = 0;
}

void intake_import_problem(intake_import_rows_t *r, int line, const char *column, const char *fmt,
                           ...)
{
    fc_arena_t *a = r->arena;
    Fc__V1__ImportProblem *p = fc_arena_alloc(a, sizeof *p);
    fc__v1__import_problem__init(p);
    p->line = line;
    p->column = fc_arena_strdup(a, column && *column ? column : "row");
    va_list ap;
    va_start(ap, fmt);
    char *msg = fc_xvasprintf(fmt, ap);
    va_end(ap);
    p->reason = fc_arena_strdup(a, msg);
    free(msg);
    s_grow((void **)&r->problems, &r->cap_problems, r->n_problems, sizeof *r->problems);
    r->problems[r->n_problems++] = p;
}

void intake_import_row_bad(intake_import_rows_t *r, size_t i, const fc_err_t *err)
{
    const char *col = err->field;
    const char *dot = strrchr(col, '.'); /* "units[0].org_code" -> "org_code" */
    intake_import_problem(r, r->rows[i]->line, dot ? dot + 1 : col, "%s", err->message);
    r->bad[i] = 1;
}

int intake_import_rows_add_chunk(void *ctx, int seq, const uint8_t *data, size_t len, fc_err_t *err)
{
    intake_import_rows_t *r = ctx;
    if ((size_t)seq != r->n_chunks)
        return fc_err_set(err, FC_EINVAL, "chunks", "缺少第 %zu 块数据", r->n_chunks);
    Fc__V1__ImportChunkRequest *c =
        (Fc__V1__ImportChunkRequest *)fc_pb_unpack(&fc__v1__import_chunk_request__descriptor, data,
                                                   len, 2 * FC_PB_MAX_MESSAGE, NULL, "chunk", err);
    if (!c)
        return err->code;
    s_grow((void **)&r->chunks, &r->cap_chunks, r->n_chunks, sizeof *r->chunks);
    r->chunks[r->n_chunks++] = c;
    for (size_t i = 0; i < c->n_rows; i++) {
        s_grow((void **)&r->rows, &r->cap_rows, r->n_rows, sizeof *r->rows);
        r->rows[r->n_rows++] = c->rows[i];
    }
    for (size_t i = 0; i < c->n_problems; i++) {
        s_grow((void **)&r->problems, &r->cap_problems, r->n_problems, sizeof *r->problems);
        r->problems[r->n_problems++] = c->problems[i];
    }
    return FC_OK;
}

void intake_import_check_rules(intake_import_rows_t *r)
{
    free(r->bad);
    r->bad = fc_xcalloc(r->n_rows + 1, 1);
    for (size_t i = 0; i < r->n_rows; i++) {
        fc_err_t e;
        fc_err_clear(&e);
        int rc;
        if (strcmp(r->kind, "org") == 0) {
            rc = intake_rules_org(r->rows[i]->org, &e);
        } else if (strcmp(r->kind, "posts") == 0) {
            rc = intake_rules_post(r->rows[i]->post, &e);
        } else {
            Fc__V1__Person *p = r->rows[i]->person;
            p->health_status = 0; /* never set by an import: the health-status command does */
            rc = intake_rules_person(p, &e);
        }
        if (rc != FC_OK)
            intake_import_row_bad(r, i, &e);
    }
}

int intake_import_key_cmp(const void *a, const void *b)
{
    const intake_import_key_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

static const char *s_key(const intake_import_rows_t *r, const Fc__V1__ImportRow *row)
{
    const char *k = strcmp(r->kind, "org") == 0     ? (row->org ? row->org->org_code : NULL)
                    : strcmp(r->kind, "posts") == 0 ? (row->post ? row->post->post_code : NULL)
                    : row->person                   ? row->person->employee_no
                                                    : NULL;
    return k ? k : "";
}

void intake_import_check_dups(intake_import_rows_t *r)
{
    const char *column = strcmp(r->kind, "org") == 0     ? "org_code"
                         : strcmp(r->kind, "posts") == 0 ? "post_code"
                                                         : "employee_no";
    intake_import_key_t *k = fc_xcalloc(r->n_rows ? r->n_rows : 1, sizeof *k);
    for (size_t i = 0; i < r->n_rows; i++) {
        k[i].key = s_key(r, r->rows[i]);
        k[i].i = i;
    }
    qsort(k, r->n_rows, sizeof *k, intake_import_key_cmp);
    for (size_t j = 1; j < r->n_rows; j++)
        if (strcmp(k[j].key, k[j - 1].key) == 0 && *k[j].key) {
            size_t first = j - 1;
            while (first > 0 && strcmp(k[first - 1].key, k[j].key) == 0)
                first--;
            intake_import_problem(r, r->rows[k[j].i]->line, column, "“%s”与第 %d 行重复", k[j].key,
                                  r->rows[k[first].i]->line);
            r->bad[k[j].i] = 1;
        }
    free(r->keys);
    r->keys = k;
}

const intake_import_key_t *intake_import_find(const intake_import_rows_t *r, const char *key)
{
    const intake_import_key_t *keys = r->keys;
    size_t lo = 0, hi = r->n_rows;
    while (lo < hi) { /* first entry with this key (the earliest line) */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(keys[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n_rows && strcmp(keys[lo].key, key) == 0 ? &keys[lo] : NULL;
}

int intake_import_org_depth(const intake_import_rows_t *r, size_t i, size_t *anchor_row)
{
    size_t cur = i;
    int depth = 0;
    for (;;) {
        const char *parent = r->rows[cur]->org->parent_code;
        const intake_import_key_t *k = *parent ? intake_import_find(r, parent) : NULL;
        if (!k) {
            *anchor_row = cur;
            return depth;
        }
        cur = k->i;
        if (++depth > (int)r->n_rows)
            return -1;
    }
}

void intake_import_check_cycles(intake_import_rows_t *r)
{
    for (size_t i = 0; i < r->n_rows; i++) {
        size_t anchor = i;
        if (r->bad[i])
            continue;
        if (intake_import_org_depth(r, i, &anchor) < 0) {
            intake_import_problem(r, r->rows[i]->line, "parent_code", "组织层级成环（经由“%s”）",
                                  r->rows[i]->org->parent_code);
            r->bad[i] = 1;
        }
    }
}

void intake_import_check_under_bad(intake_import_rows_t *r)
{
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < r->n_rows; i++) {
            if (r->bad[i])
                continue;
            const intake_import_key_t *k = intake_import_find(r, r->rows[i]->org->parent_code);
            if (k && r->bad[k->i]) {
                intake_import_problem(r, r->rows[i]->line, "parent_code",
                                      "上级组织“%s”所在第 %d 行有错误",
                                      r->rows[i]->org->parent_code, r->rows[k->i]->line);
                r->bad[i] = 1;
                changed = 1;
            }
        }
    }
}

int intake_import_check_spouse_in_file(intake_import_rows_t *r, size_t i)
{
    const Fc__V1__Person *p = r->rows[i]->person;
    const char *sp = p->spouse_employee_no;
    const intake_import_key_t *sk = *sp ? intake_import_find(r, sp) : NULL;
    if (!sk)
        return 0;
    const Fc__V1__Person *q = r->rows[sk->i]->person;
    int line = r->rows[i]->line;
    if (strcmp(q->spouse_employee_no, p->employee_no) != 0) {
        if (*q->spouse_employee_no)
            intake_import_problem(r, line, "spouse_employee_no",
                                  "配偶“%s”在第 %d 行登记的配偶是“%s”，配偶关系须互相一致", sp,
                                  r->rows[sk->i]->line, q->spouse_employee_no);
        else
            intake_import_problem(r, line, "spouse_employee_no",
                                  "配偶“%s”在第 %d 行未登记配偶，配偶关系须互相一致", sp,
                                  r->rows[sk->i]->line);
        r->bad[i] = 1;
    }
    return 1;
}

void intake_import_check_couples(intake_import_rows_t *r)
{
    for (size_t i = 0; i < r->n_rows; i++) {
        const char *sp = r->rows[i]->person->spouse_employee_no;
        const intake_import_key_t *sk = sp[0] ? intake_import_find(r, sp) : NULL;
        if (!r->bad[i] && sk && r->bad[sk->i]) {
            intake_import_problem(r, r->rows[i]->line, "spouse_employee_no",
                                  "配偶“%s”所在第 %d 行有错误", sp, r->rows[sk->i]->line);
            r->bad[i] = 1;
        }
    }
}

typedef struct {
    Fc__V1__ImportProblem *p;
    size_t seq;
} s_sorted_problem_t;

static int s_cmp_problem(const void *a, const void *b)
{
    const s_sorted_problem_t *x = a, *y = b;
    if (x->p->line != y->p->line)
        return x->p->line < y->p->line ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

size_t intake_import_sort_problems(intake_import_rows_t *r)
{
    s_sorted_problem_t *v = fc_xcalloc(r->n_problems + 1, sizeof *v);
    for (size_t i = 0; i < r->n_problems; i++) {
        v[i].p = r->problems[i];
        v[i].seq = i;
    }
    qsort(v, r->n_problems, sizeof *v, s_cmp_problem);
    size_t lines = 0;
    for (size_t i = 0; i < r->n_problems; i++) {
        r->problems[i] = v[i].p;
        lines += i == 0 || v[i].p->line != v[i - 1].p->line;
    }
    free(v);
    return lines;
}
