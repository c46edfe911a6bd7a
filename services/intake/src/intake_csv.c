/* intake_csv: the RFC 4180 reader: a byte-at-a-time state machine over a FILE. */
#include "intake_csv.h"
#include "fc_mem.h"

#include <stdlib.h>
#include <string.h>

struct intake_csv {
    FILE *f;
    size_t max_bytes, bytes;
    long line;    /* current physical line */
    int at_start; /* BOM check pending */
    int eof;
    fc_buf_t data; /* fields of the record, each NUL-terminated */
    size_t *offsets;
    char **fields;
};

intake_csv_t *intake_csv_new(FILE *f, size_t max_bytes)
{
    intake_csv_t *self = fc_xcalloc(1, sizeof *self);
    self->f = f;
    self->max_bytes = max_bytes;
    self->line = 1;
    self->at_start = 1;
    fc_buf_init(&self->data);
    self->offsets = fc_xcalloc(INTAKE_CSV_MAX_FIELDS + 1, sizeof *self->offsets);
    self->fields = fc_xcalloc(INTAKE_CSV_MAX_FIELDS + 1, sizeof *self->fields);
    return self;
}

void intake_csv_destroy(intake_csv_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    intake_csv_t *self = *self_p;
    fc_buf_fini(&self->data);
    free(self->offsets);
    free(self->fields);
    free(self);
    *self_p = NULL;
}

size_t intake_csv_bytes(const intake_csv_t *self)
{
    return self->bytes;
}

/* Next byte, or EOF; -2 when over the cap. */
static int s_get(intake_csv_t *self)
{
    int c = getc_unlocked(self->f);
    if (c == EOF)
        return EOF;
    if (self->max_bytes && ++self->bytes > self->max_bytes)
        return -2;
    if (!self->max_bytes)
        self->bytes++;
    return c;
}

int intake_csv_show_len(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);
    if (n <= max)
        return (int)n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) /* s[n] continues a character */
        n--;
    return (int)n;
}

static void s_unget(intake_csv_t *self, int c)
{
    ungetc(c, self->f);
    self->bytes--;
}

int intake_csv_next(intake_csv_t *self, char ***fields_out, size_t *n_out, long *line_out,
                    fc_err_t *err)
{
    enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED, AFTER_QUOTED } st = FIELD_START;
    const char *bad = NULL;
    size_t nf = 0, flen = 0;
    int c;
    *n_out = 0;
    if (self->eof)
        return INTAKE_CSV_EOF;
    if (self->at_start) {
        self->at_start = 0;
        unsigned char bom[3];
        int k = 0;
        while (k < 3 && (c = s_get(self)) >= 0) {
            bom[k++] = (unsigned char)c;
            if (bom[k - 1] != (unsigned char)"\xEF\xBB\xBF"[k - 1])
                break;
        }
        if (!(k == 3 && memcmp(bom, "\xEF\xBB\xBF", 3) == 0))
            while (k > 0)
                s_unget(self, bom[--k]);
    }
    /* skip blank lines between records */
    for (;;) {
        c = s_get(self);
        if (c == '\n') {
            self->line++;
            continue;
        }
        if (c == '\r') {
            int d = s_get(self);
            if (d == '\n') {
                self->line++;
                continue;
            }
            if (d >= 0)
                s_unget(self, d);
            self->line++;
            continue;
        }
        break;
    }
    if (c == EOF) {
        self->eof = 1;
        return INTAKE_CSV_EOF;
    }
    *line_out = self->line;
    fc_buf_reset(&self->data);
    self->offsets[0] = 0;
    for (;; c = s_get(self)) {
        if (c == -2) {
            fc_err_set(err, FC_ETOOBIG, "file", "文件超过 %zu 字节的上限", self->max_bytes);
            return INTAKE_CSV_FATAL;
        }
        if (c == EOF && st == QUOTED) {
            fc_err_set(err, FC_EINVAL, "row", "第 %ld 行开始的引号直到文件末尾都未闭合", *line_out);
            self->eof = 1;
            return INTAKE_CSV_FATAL;
        }
        int end_field = 0, end_record = 0;
        if (c == EOF) {
            self->eof = 1;
            end_field = end_record = 1;
        } else if (st == QUOTED) {
            if (c == '"')
                st = QUOTE_IN_QUOTED;
            else {
                if (c == '\n')
                    self->line++;
                goto append;
            }
            continue;
        } else if (c == ',') {
            end_field = 1;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r') {
                int d = s_get(self);
                if (d != '\n' && d >= 0)
                    s_unget(self, d);
            }
            self->line++;
            end_field = end_record = 1;
        } else if (c == '"') {
            if (st == FIELD_START) {
                st = QUOTED;
                continue;
            }
            if (st == QUOTE_IN_QUOTED) {
                st = QUOTED; /* "" inside quotes: one quote */
                goto append;
            }
            if (!bad)
                bad = "未加引号的字段中出现引号（含引号的字段须整体用引号括起，内部引号写作两个）";
            goto append;
        } else {
            if (st == QUOTE_IN_QUOTED || st == AFTER_QUOTED) {
                if (!bad)
                    bad = "引号结束后、逗号之前还有其他字符";
                st = AFTER_QUOTED;
            } else if (st == FIELD_START) {
                st = UNQUOTED;
            }
            goto append;
        }
        if (end_field) {
            fc_buf_append(&self->data, "", 1);
            nf++;
            flen = 0;
            if (nf > INTAKE_CSV_MAX_FIELDS) {
                if (!bad)
                    bad = "字段数超过 256 个";
                nf = INTAKE_CSV_MAX_FIELDS;
                self->data.len = self->offsets[nf];
            }
            self->offsets[nf] = self->data.len;
            st = FIELD_START;
            if (end_record)
                break;
            continue;
        }
        continue;
    append:
        if (c == 0 && !bad)
            bad = "含有 NUL 字节（不是文本文件？）";
        if (++flen > INTAKE_CSV_MAX_FIELD) {
            if (!bad)
                bad = "字段超过 65536 字节";
            continue;
        }
        {
            char ch = (char)c;
            fc_buf_append(&self->data, &ch, 1);
        }
    }
    for (size_t i = 0; i < nf; i++)
        self->fields[i] = self->data.data + self->offsets[i];
    *fields_out = self->fields;
    *n_out = nf;
    if (bad) {
        fc_err_set(err, FC_EINVAL, "row", "%s", bad);
        return INTAKE_CSV_BAD_RECORD;
    }
    return INTAKE_CSV_RECORD;
}
