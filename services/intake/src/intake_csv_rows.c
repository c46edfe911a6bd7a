/* intake_csv_rows: an import file read into ImportChunkRequest rows (see intake_csv_rows.h),
 * the client half of a CSV import shared by fcctl and the csv fuzz target. */
#include "intake_csv_rows.h"
#include "intake_csv.h"
#include "intake_shift.h"
#include "fc_mem.h"
#include "fc_pb.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_org_cols[] = {"org_code", "parent_code",  "name",
                                         "kind",     "liaison_unit", NULL};
static const char *const s_post_cols[] = {"post_code",  "org_code", "name", "kind",
                                          "risk_class", "shifts",   NULL};
static const char *const s_people_cols[] = {"employee_no",
                                            "name",
                                            "phone",
                                            "org_code",
                                            "party_status",
                                            "cadre_level",
                                            "leadership_team",
                                            "young_cadre",
                                            "reserve_pool",
                                            "medical_staff",
                                            "aid_team",
                                            "spouse_employee_no",
                                            "cares_for_elderly",
                                            "cares_for_children",
                                            "fit_for_frontline",
                                            NULL};

struct intake_csv_rows {
    const char *kind;
    const char *const *cols;
    FILE *msgs;
    intake_csv_t *csv;
    int ncols;
    int map[INTAKE_CSV_MAX_FIELDS]; /* file column -> index in cols */
    fc_arena_t *arena;              /* one chunk's rows */
    Fc__V1__ImportRow **rows;
    size_t n_rows, cap_rows;
    Fc__V1__ImportProblem **problems;
    size_t n_problems, cap_problems;
    size_t chunk_bytes;
    int seq;
    long total_rows, total_problems;
};

static void s_problem(intake_csv_rows_t *im, long line, const char *col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void s_problem(intake_csv_rows_t *im, long line, const char *col, const char *fmt, ...)
{
    Fc__V1__ImportProblem *p = fc_arena_alloc(im->arena, sizeof *p);
    fc__v1__import_problem__init(p);
    p->line = (int32_t)line;
    p->column = fc_arena_strdup(im->arena, col);
    va_list ap;
    va_start(ap, fmt);
    char *m = fc_xvasprintf(fmt, ap);
    va_end(ap);
    p->reason = fc_arena_strdup(im->arena, m);
    free(m);
    if (im->n_problems == im->cap_problems) {
        im->cap_problems = im->cap_problems ? im->cap_problems * 2 : 64;
        im->problems = fc_xrealloc(im->problems, im->cap_problems * sizeof *im->problems);
    }
    im->problems[im->n_problems++] = p;
    im->chunk_bytes += 32 + strlen(p->column) + strlen(p->reason);
    im->total_problems++;
}

static char *s_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* "0"/"1" into *out; a problem otherwise. */
static int s_bool(intake_csv_rows_t *im, long line, const char *col, const char *v,
                  protobuf_c_boolean *out)
{
    if (strcmp(v, "0") == 0 || strcmp(v, "1") == 0) {
        *out = v[0] == '1';
        return 1;
    }
    s_problem(im, line, col, "应为 0 或 1，而不是“%.*s”", intake_csv_show_len(v, 40), v);
    return 0;
}

/* One record of the file into a row of the chunk (or problems). */
static void s_record(intake_csv_rows_t *im, char **f, size_t n, long line)
{
    if ((int)n != im->ncols) {
        s_problem(im, line, "row", "有 %zu 个字段，表头有 %d 个", n, im->ncols);
        return;
    }
    const char *v[32] = {0};
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const char *col = im->cols[im->map[i]];
        if (!fc_utf8_valid(f[i], strlen(f[i]))) {
            s_problem(im, line, col, "不是有效的 UTF-8 文本");
            bad = 1;
            continue;
        }
        v[im->map[i]] = fc_arena_strdup(im->arena, s_trim(f[i]));
    }
    if (bad)
        return;
    Fc__V1__ImportRow *row = fc_arena_alloc(im->arena, sizeof *row);
    fc__v1__import_row__init(row);
    row->line = (int32_t)line;
    if (im->cols == s_org_cols) {
        Fc__V1__OrgUnit *u = fc_arena_alloc(im->arena, sizeof *u);
        fc__v1__org_unit__init(u);
        u->org_code = (char *)v[0];
        u->parent_code = (char *)v[1];
        u->name = (char *)v[2];
        u->kind = (char *)v[3];
        bad |= !s_bool(im, line, "liaison_unit", v[4], &u->liaison_unit);
        row->org = u;
    } else if (im->cols == s_post_cols) {
        Fc__V1__Post *p = fc_arena_alloc(im->arena, sizeof *p);
        fc__v1__post__init(p);
        p->post_code = (char *)v[0];
        p->org_code = (char *)v[1];
        p->name = (char *)v[2];
        p->kind = (char *)v[3];
        char *end = NULL;
        long risk = strtol(v[4], &end, 10);
        if (!*v[4] || *end || risk < 0 || risk > 9) {
            s_problem(im, line, "risk_class", "应为 1 或 2，而不是“%.*s”",
                      intake_csv_show_len(v[4], 40), v[4]);
            bad = 1;
        }
        p->risk_class = (int32_t)risk;
        fc_err_t err;
        fc_err_clear(&err);
        if (intake_shift_parse(v[5], im->arena, &p->shifts, &p->n_shifts, &err) != FC_OK) {
            s_problem(im, line, "shifts", "%s", err.message);
            bad = 1;
        }
        row->post = p;
    } else {
        Fc__V1__Person *p = fc_arena_alloc(im->arena, sizeof *p);
        fc__v1__person__init(p);
        p->employee_no = (char *)v[0];
        p->name = (char *)v[1];
        p->phone = (char *)v[2];
        p->org_code = (char *)v[3];
        p->party_status = (char *)v[4];
        p->cadre_level = (char *)v[5];
        protobuf_c_boolean *flags[] = {&p->leadership_team, &p->young_cadre, &p->reserve_pool,
                                       &p->medical_staff, &p->aid_team};
        for (int k = 0; k < 5; k++)
            bad |= !s_bool(im, line, im->cols[6 + k], v[6 + k], flags[k]);
        p->spouse_employee_no = (char *)v[11];
        bad |= !s_bool(im, line, "cares_for_elderly", v[12], &p->cares_for_elderly);
        bad |= !s_bool(im, line, "cares_for_children", v[13], &p->cares_for_children);
        bad |= !s_bool(im, line, "fit_for_frontline", v[14], &p->fit_for_frontline);
        if (!*v[4] || !*v[5]) {
            s_problem(im, line, !*v[4] ? "party_status" : "cadre_level", "不能为空");
            bad = 1;
        }
        row->person = p;
    }
    if (bad)
        return;
    if (im->n_rows == im->cap_rows) {
        im->cap_rows = im->cap_rows ? im->cap_rows * 2 : 1024;
        im->rows = fc_xrealloc(im->rows, im->cap_rows * sizeof *im->rows);
    }
    im->rows[im->n_rows++] = row;
    im->chunk_bytes += protobuf_c_message_get_packed_size(&row->base) + 8;
    im->total_rows++;
}

/* Reads and checks the header; prints every problem and returns 0 if it is unusable. */
static int s_header(intake_csv_rows_t *im, intake_csv_t *csv)
{
    char **f = NULL;
    size_t n = 0;
    long line = 1;
    fc_err_t err;
    fc_err_clear(&err);
    int r = intake_csv_next(csv, &f, &n, &line, &err);
    int ok = 1, binary = 0, seen[32] = {0};
    if (r == INTAKE_CSV_EOF) {
        fprintf(im->msgs, "line 1: header: 文件为空，缺少表头\n");
        return 0;
    }
    if (r != INTAKE_CSV_RECORD) {
        fprintf(im->msgs, "line %ld: header: %s\n", line, err.message);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char *name = s_trim(f[i]);
        int k = -1;
        if (!fc_utf8_valid(name, strlen(name))) {
            fprintf(im->msgs,
                    "line %ld: header: 第 %zu 列的列名不是有效的 UTF-8（不是 CSV 文本文件？）\n",
                    line, i + 1);
            ok = 0;
            binary = 1;
            continue;
        }
        for (int c = 0; im->cols[c]; c++)
            if (strcmp(name, im->cols[c]) == 0)
                k = c;
        if (k < 0) {
            fprintf(im->msgs, "line %ld: %.60s: 未知的列（%s 导入的列：", line, name, im->kind);
            for (int c = 0; im->cols[c]; c++)
                fprintf(im->msgs, "%s%s", c ? ", " : "", im->cols[c]);
            fprintf(im->msgs, "）\n");
            ok = 0;
        } else if (seen[k]++) {
            fprintf(im->msgs, "line %ld: %s: 列名重复\n", line, name);
            ok = 0;
        } else {
            im->map[i] = k;
        }
    }
    for (int c = 0; im->cols[c]; c++)
        if (!seen[c] && !binary) {
            fprintf(im->msgs, "line %ld: %s: 缺少这一列\n", line, im->cols[c]);
            ok = 0;
        }
    im->ncols = (int)n;
    return ok;
}

intake_csv_rows_t *intake_csv_rows_new(const char *kind, FILE *msgs)
{
    const char *const *cols = strcmp(kind, "org") == 0      ? s_org_cols
                              : strcmp(kind, "posts") == 0  ? s_post_cols
                              : strcmp(kind, "people") == 0 ? s_people_cols
                                                            : NULL;
    if (!cols)
        return NULL;
    intake_csv_rows_t *self = fc_xcalloc(1, sizeof *self);
    self->kind = kind;
    self->cols = cols;
    self->msgs = msgs;
    self->arena = fc_arena_new(256 * 1024);
    return self;
}

void intake_csv_rows_destroy(intake_csv_rows_t **self_p)
{
    intake_csv_rows_t *self = *self_p;
    if (!self)
        return;
    intake_csv_destroy(&self->csv);
    free(self->rows);
    free(self->problems);
    fc_arena_destroy(&self->arena);
    free(self);
    *self_p = NULL;
}

int intake_csv_rows_header(intake_csv_rows_t *self, FILE *f, size_t max_bytes)
{
    intake_csv_destroy(&self->csv);
    self->csv = intake_csv_new(f, max_bytes);
    return s_header(self, self->csv);
}

int intake_csv_rows_fill(intake_csv_rows_t *self)
{
    for (;;) {
        char **fields = NULL;
        size_t n = 0;
        long line = 0;
        fc_err_t err;
        fc_err_clear(&err);
        int r = intake_csv_next(self->csv, &fields, &n, &line, &err);
        if (r == INTAKE_CSV_EOF)
            return INTAKE_CSV_EOF;
        if (r == INTAKE_CSV_FATAL) {
            fprintf(self->msgs, "line %ld: %s: %s\n", line ? line : 1, err.field, err.message);
            return INTAKE_CSV_FATAL;
        }
        if (r == INTAKE_CSV_BAD_RECORD)
            s_problem(self, line, "row", "%s", err.message);
        else
            s_record(self, fields, n, line);
        if (self->n_rows >= INTAKE_CSV_ROWS_CHUNK_ROWS ||
            self->chunk_bytes >= INTAKE_CSV_ROWS_CHUNK_BYTES)
            return INTAKE_CSV_RECORD;
    }
}

int intake_csv_rows_chunk(intake_csv_rows_t *self, Fc__V1__ImportChunkRequest *req)
{
    req->seq = self->seq;
    req->rows = self->rows;
    req->n_rows = self->n_rows;
    req->problems = self->problems;
    req->n_problems = self->n_problems;
    return self->n_rows || self->n_problems;
}

void intake_csv_rows_sent(intake_csv_rows_t *self)
{
    self->seq++;
    self->n_rows = self->n_problems = 0;
    self->chunk_bytes = 0;
    fc_arena_reset(self->arena);
}

int intake_csv_rows_seq(const intake_csv_rows_t *self)
{
    return self->seq;
}

long intake_csv_rows_progress(const intake_csv_rows_t *self)
{
    return self->total_rows + self->total_problems;
}

size_t intake_csv_rows_bytes(const intake_csv_rows_t *self)
{
    return intake_csv_bytes(self->csv);
}
