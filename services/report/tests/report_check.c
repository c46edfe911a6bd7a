/* report_check: lookups over a report and the workbook comparison. */
#include "report_check.h"
#include "report_render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const Fc__V1__ReportSection *rc_section(const Fc__V1__ReportWeekly *r, const char *key)
{
    for (size_t i = 0; i < r->n_sections; i++)
        if (strcmp(r->sections[i]->key, key) == 0)
            return r->sections[i];
    return NULL;
}

const Fc__V1__ReportTable *rc_table(const Fc__V1__ReportWeekly *r, const char *section,
                                    const char *table)
{
    const Fc__V1__ReportSection *s = rc_section(r, section);
    for (size_t i = 0; s && i < s->n_tables; i++)
        if (strcmp(s->tables[i]->key, table) == 0)
            return s->tables[i];
    return NULL;
}

const Fc__V1__ReportRow *rc_row(const Fc__V1__ReportTable *t, const char *key, int total)
{
    for (size_t i = 0; t && i < t->n_rows; i++)
        if (total ? t->rows[i]->total : (!t->rows[i]->total && strcmp(t->rows[i]->key, key) == 0))
            return t->rows[i];
    return NULL;
}

const Fc__V1__ReportCell *rc_cell(const Fc__V1__ReportTable *t, const Fc__V1__ReportRow *row,
                                  const char *col)
{
    for (size_t i = 0; t && row && i < t->n_columns; i++)
        if (strcmp(t->columns[i]->key, col) == 0)
            return row->cells[i];
    return NULL;
}

static const char *s_text(const xbook_t *b, int sheet, int row, int col)
{
    const xcell_t *c = xbook_cell(b, sheet, row, col);
    return c && c->text ? c->text : "";
}

static int s_cell_ok(const xcell_t *x, const Fc__V1__ReportColumn *col,
                     const Fc__V1__ReportCell *cell)
{
    const char *k = col->kind;
    char text[2400];
    report_cell_text(col, cell, text, sizeof text);
    if (cell->is_null || !strcmp(k, "text") || !strcmp(k, "time") || !strcmp(k, "flag"))
        return strcmp(x && x->text ? x->text : "", text) == 0;
    if (!x || !x->is_num)
        return 0;
    double want = (double)cell->num;
    if (!strcmp(k, "money"))
        return fabs(x->num * 100.0 - want) < 0.5;
    if (!strcmp(k, "minutes"))
        return fabs(x->num * 60.0 - want) < 0.01;
    if (!strcmp(k, "permille"))
        return fabs(x->num * 1000.0 - want) < 0.5;
    return fabs(x->num - want) < 0.5;
}

int rc_xlsx_matches(const xbook_t *b, const Fc__V1__ReportWeekly *r, char *why, size_t n)
{
    if (b->nsheets != r->n_sections + 1 || strcmp(b->sheets[0], "概览") != 0) {
        snprintf(why, n, "%zu sheets for %zu sections", b->nsheets, r->n_sections);
        return -1;
    }
    for (size_t si = 0; si < r->n_sections; si++) {
        const Fc__V1__ReportSection *s = r->sections[si];
        char name[64];
        snprintf(name, sizeof name, "%zu %s", si + 1, s->title);
        int sh = xbook_sheet(b, name);
        if (sh < 0) {
            snprintf(why, n, "no sheet \"%s\"", name);
            return -1;
        }
        if (strcmp(s->status, "complete") != 0) {
            if (!strstr(s_text(b, sh, 1, 0), "本部分缺失") ||
                !strstr(s_text(b, sh, 1, 0), s->reason)) {
                snprintf(why, n, "sheet \"%s\" does not say the section is missing", name);
                return -1;
            }
            continue;
        }
        int row = 1;
        for (size_t ti = 0; ti < s->n_tables; ti++) {
            const Fc__V1__ReportTable *t = s->tables[ti];
            while (row < 100000 && strcmp(s_text(b, sh, row, 0), t->title) != 0)
                row++;
            if (row >= 100000) {
                snprintf(why, n, "table \"%s\" not on sheet \"%s\"", t->title, name);
                return -1;
            }
            row++;
            for (size_t c = 0; c < t->n_columns; c++)
                if (strcmp(s_text(b, sh, row, (int)c), t->columns[c]->title) != 0) {
                    snprintf(why, n, "%s/%s: header %zu is \"%s\", not \"%s\"", s->key, t->key, c,
                             s_text(b, sh, row, (int)c), t->columns[c]->title);
                    return -1;
                }
            row++;
            for (size_t ri = 0; ri < t->n_rows; ri++, row++)
                for (size_t c = 0; c < t->n_columns; c++)
                    if (!s_cell_ok(xbook_cell(b, sh, row, (int)c), t->columns[c],
                                   t->rows[ri]->cells[c])) {
                        const xcell_t *x = xbook_cell(b, sh, row, (int)c);
                        snprintf(why, n, "%s/%s row %zu column %s: workbook has %s%g, report %lld",
                                 s->key, t->key, ri, t->columns[c]->key,
                                 x && x->text ? x->text : "", x && x->is_num ? x->num : 0.0,
                                 (long long)t->rows[ri]->cells[c]->num);
                        return -1;
                    }
        }
    }
    return 0;
}
