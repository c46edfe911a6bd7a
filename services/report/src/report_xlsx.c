/* report_xlsx: the workbook the departments open (libxlsxwriter): an overview sheet, then a
 * sheet per section with its tables; Chinese headers, frozen header rows, column widths that
 * count CJK characters double, money in yuan with a number format, hours with one decimal,
 * and column charts for the frontline figures and the weekly reports. */
#include "report_render.h"
#include "fc_clock.h"
#include "fc_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define MAX_COLS 32

typedef struct {
    lxw_workbook *wb;
    lxw_format *title, *head, *text, *integer, *money, *hours, *percent, *total, *missing, *bold;
} s_fmt_t;

typedef struct {
    int width[MAX_COLS];
} s_widths_t;

static void s_width(s_widths_t *w, int col, const char *text)
{
    if (col >= MAX_COLS)
        return;
    int n = report_text_width(text) + 2;
    if (n > 60)
        n = 60;
    if (n > w->width[col])
        w->width[col] = n;
}

static void s_apply_widths(lxw_worksheet *ws, const s_widths_t *w)
{
    for (int c = 0; c < MAX_COLS; c++)
        if (w->width[c] > 0)
            worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w->width[c] < 8 ? 8 : w->width[c],
                                 NULL);
}

/* A cell with its number format: figures stay numbers (money in yuan, minutes as hours). */
static void s_cell(lxw_worksheet *ws, const s_fmt_t *f, int row, int col,
                   const Fc__V1__ReportColumn *c, const Fc__V1__ReportCell *cell, int total,
                   s_widths_t *w)
{
    char text[2400];
    report_cell_text(c, cell, text, sizeof text);
    s_width(w, col, text);
    const char *k = c->kind;
    lxw_row_t r = (lxw_row_t)row;
    lxw_col_t cc = (lxw_col_t)col;
    if (cell->is_null || strcmp(k, "text") == 0 || strcmp(k, "time") == 0 || strcmp(k, "flag") == 0)
        worksheet_write_string(ws, r, cc, text, total ? f->total : f->text);
    else if (strcmp(k, "money") == 0)
        worksheet_write_number(ws, r, cc, (double)cell->num / 100.0, f->money);
    else if (strcmp(k, "minutes") == 0)
        worksheet_write_number(ws, r, cc, (double)cell->num / 60.0, f->hours);
    else if (strcmp(k, "permille") == 0)
        worksheet_write_number(ws, r, cc, (double)cell->num / 1000.0, f->percent);
    else
        worksheet_write_number(ws, r, cc, (double)cell->num, total ? f->total : f->integer);
}

static int s_col_index(const Fc__V1__ReportTable *t, const char *key)
{
    for (size_t i = 0; i < t->n_columns; i++)
        if (strcmp(t->columns[i]->key, key) == 0)
            return (int)i;
    return -1;
}

/* A column chart of some columns of a by-unit table (rows first_row.. of the units). */
static void s_chart(const s_fmt_t *f, lxw_worksheet *ws, const char *sheet,
                    const Fc__V1__ReportTable *t, int first_row, int nunits, const char *title,
                    const char *const *keys, int stacked, int at_row, int at_col)
{
    int name_col = s_col_index(t, "unit_name");
    if (nunits < 1 || name_col < 0)
        return;
    lxw_chart *ch =
        workbook_add_chart(f->wb, stacked ? LXW_CHART_COLUMN_STACKED : LXW_CHART_COLUMN);
    for (int i = 0; keys[i]; i++) {
        int col = s_col_index(t, keys[i]);
        if (col < 0)
            continue;
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(s, sheet, (lxw_row_t)first_row, (lxw_col_t)name_col,
                                    (lxw_row_t)(first_row + nunits - 1), (lxw_col_t)name_col);
        chart_series_set_values(s, sheet, (lxw_row_t)first_row, (lxw_col_t)col,
                                (lxw_row_t)(first_row + nunits - 1), (lxw_col_t)col);
        chart_series_set_name(s, t->columns[col]->title);
    }
    chart_title_set_name(ch, title);
    worksheet_insert_chart(ws, (lxw_row_t)at_row, (lxw_col_t)at_col, ch);
}

static void s_section_sheet(const s_fmt_t *f, const Fc__V1__ReportSection *s, int index)
{
    char sheet[64];
    /* sheet names: at most 31 characters; the titles are short Chinese phrases */
    snprintf(sheet, sizeof sheet, "%d %s", index, s->title);
    lxw_worksheet *ws = workbook_add_worksheet(f->wb, sheet);
    s_widths_t w;
    memset(&w, 0, sizeof w);
    int row = 0;
    worksheet_write_string(ws, (lxw_row_t)row++, 0, s->title, f->title);
    if (strcmp(s->status, "complete") != 0) {
        char text[1200];
        snprintf(text, sizeof text, "本部分缺失，不显示任何数字：%s", s->reason);
        worksheet_write_string(ws, (lxw_row_t)row, 0, text, f->missing);
        worksheet_set_column(ws, 0, 0, 100, NULL);
        return;
    }
    int frozen = 0;
    for (size_t ti = 0; ti < s->n_tables; ti++) {
        const Fc__V1__ReportTable *t = s->tables[ti];
        worksheet_write_string(ws, (lxw_row_t)row++, 0, t->title, f->bold);
        int head = row++;
        for (size_t c = 0; c < t->n_columns && c < MAX_COLS; c++) {
            worksheet_write_string(ws, (lxw_row_t)head, (lxw_col_t)c, t->columns[c]->title,
                                   f->head);
            s_width(&w, (int)c, t->columns[c]->title);
        }
        if (!frozen) {
            int unit_cols = s_col_index(t, "unit_name") == 1 ? 2 : 0;
            worksheet_freeze_panes(ws, (lxw_row_t)(head + 1), (lxw_col_t)unit_cols);
            frozen = 1;
        }
        int first = row, nunits = 0;
        for (size_t r = 0; r < t->n_rows; r++, row++) {
            const Fc__V1__ReportRow *rr = t->rows[r];
            nunits += !rr->total;
            for (size_t c = 0; c < t->n_columns && c < rr->n_cells && c < MAX_COLS; c++)
                s_cell(ws, f, row, (int)c, t->columns[c], rr->cells[c], rr->total, &w);
        }
        if (t->n_rows == 0)
            worksheet_write_string(ws, (lxw_row_t)row++, 0, "（无）", f->text);
        if (t->truncated > 0) {
            char note[96];
            snprintf(note, sizeof note, "另有 %lld 行未列出", (long long)t->truncated);
            worksheet_write_string(ws, (lxw_row_t)row++, 0, note, f->missing);
        }
        if (strcmp(s->key, "frontline") == 0 && strcmp(t->key, "by_unit") == 0) {
            static const char *const keys[] = {"headcount", "person_days", NULL};
            s_chart(f, ws, sheet, t, first, nunits, "各单位一线人数与人天", keys, 0, row + 1, 1);
            row += 16;
        } else if (strcmp(s->key, "weekly_reports") == 0 && strcmp(t->key, "by_unit") == 0) {
            static const char *const keys[] = {"on_time", "late", "missing", NULL};
            s_chart(f, ws, sheet, t, first, nunits, "班子成员周报：按时、迟报、漏报", keys, 1,
                    row + 1, 1);
            row += 16;
        }
        row++;
    }
    s_apply_widths(ws, &w);
}

static void s_overview(const s_fmt_t *f, const Fc__V1__ReportWeekly *rep)
{
    const Fc__V1__ReportMeta *m = rep->meta;
    lxw_worksheet *ws = workbook_add_worksheet(f->wb, "概览");
    s_widths_t w;
    memset(&w, 0, sizeof w);
    char title[300], start[40], end[40], gen[40], ver[16];
    snprintf(title, sizeof title, "%s 疫情防控一线关心关爱周报（%s）", m->org_name, m->iso_week);
    fc_time_format_local(m->period_start_us, start, sizeof start);
    fc_time_format_local(m->period_end_us, end, sizeof end);
    fc_time_format_local(m->generated_us, gen, sizeof gen);
    snprintf(ver, sizeof ver, "%d", m->version);
    worksheet_write_string(ws, 0, 0, title, f->title);
    const char *kv[][2] = {{"ISO 周", m->iso_week},
                           {"起（北京时间）", start},
                           {"止（北京时间）", end},
                           {"范围", m->org_code},
                           {"范围名称", m->org_name},
                           {"版本", ver},
                           {"完整性", report_status_label(m->completeness)},
                           {"生成时间（北京时间）", gen},
                           {"生成方式", strcmp(m->trigger, "schedule") == 0 ? "定时" : "按需"},
                           {"数据", m->empty ? "本周在本范围内没有任何记录" : "有"}};
    int row = 2;
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++, row++) {
        worksheet_write_string(ws, (lxw_row_t)row, 0, kv[i][0], f->bold);
        worksheet_write_string(ws, (lxw_row_t)row, 1, kv[i][1], f->text);
        s_width(&w, 0, kv[i][0]);
        s_width(&w, 1, kv[i][1]);
    }
    row++;
    for (size_t i = 0; i < rep->n_notes; i++, row++)
        worksheet_write_string(ws, (lxw_row_t)row, 0, rep->notes[i], f->missing);
    row++;
    const char *head[] = {"部分", "状态", "数据来源", "说明"};
    for (int c = 0; c < 4; c++)
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c, head[c], f->head);
    row++;
    for (size_t i = 0; i < rep->n_sections; i++, row++) {
        const Fc__V1__ReportSection *s = rep->sections[i];
        char srcs[128] = "";
        for (size_t k = 0; k < s->n_sources; k++)
            snprintf(srcs + strlen(srcs), sizeof srcs - strlen(srcs), "%s%s", k ? "、" : "",
                     s->sources[k]);
        int ok = strcmp(s->status, "complete") == 0;
        worksheet_write_string(ws, (lxw_row_t)row, 0, s->title, f->text);
        worksheet_write_string(ws, (lxw_row_t)row, 1, report_status_label(s->status),
                               ok ? f->text : f->missing);
        worksheet_write_string(ws, (lxw_row_t)row, 2, srcs, f->text);
        worksheet_write_string(ws, (lxw_row_t)row, 3, s->reason, f->text);
        s_width(&w, 0, s->title);
        s_width(&w, 2, srcs);
        s_width(&w, 3, s->reason);
    }
    s_apply_widths(ws, &w);
}

int report_render_xlsx(const Fc__V1__ReportWeekly *rep, uint8_t **out, size_t *len_out,
                       fc_err_t *err)
{
    *out = NULL;
    *len_out = 0;
    const char *tmp = getenv("TMPDIR");
    char *path = fc_xasprintf("%s/fc-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path), rc = FC_ERR;
    FILE *in = NULL;
    if (fd < 0) {
        rc = fc_err_set(err, FC_ERR, "xlsx", "could not create a temporary file in \"%s\"",
                        tmp && *tmp ? tmp : "/tmp");
        goto out;
    }
    close(fd);
    s_fmt_t f;
    memset(&f, 0, sizeof f);
    f.wb = workbook_new(path);
    if (!f.wb) {
        rc = fc_err_set(err, FC_ERR, "xlsx", "could not start a workbook at \"%s\"", path);
        goto out;
    }
    f.title = workbook_add_format(f.wb);
    format_set_bold(f.title);
    format_set_font_size(f.title, 14);
    f.bold = workbook_add_format(f.wb);
    format_set_bold(f.bold);
    f.head = workbook_add_format(f.wb);
    format_set_bold(f.head);
    format_set_bg_color(f.head, 0xDDEBF7);
    format_set_border(f.head, LXW_BORDER_THIN);
    format_set_text_wrap(f.head);
    f.text = workbook_add_format(f.wb);
    f.integer = workbook_add_format(f.wb);
    format_set_num_format(f.integer, "#,##0");
    f.money = workbook_add_format(f.wb);
    format_set_num_format(f.money, "\"¥\"#,##0.00");
    f.hours = workbook_add_format(f.wb);
    format_set_num_format(f.hours, "#,##0.0");
    f.percent = workbook_add_format(f.wb);
    format_set_num_format(f.percent, "0.0%");
    f.total = workbook_add_format(f.wb);
    format_set_bold(f.total);
    format_set_num_format(f.total, "#,##0");
    f.missing = workbook_add_format(f.wb);
    format_set_font_color(f.missing, 0xC00000);
    s_overview(&f, rep);
    for (size_t i = 0; i < rep->n_sections; i++)
        s_section_sheet(&f, rep->sections[i], (int)i + 1);
    lxw_error e = workbook_close(f.wb);
    if (e != LXW_NO_ERROR) {
        rc = fc_err_set(err, FC_ERR, "xlsx", "could not write the workbook: %s", lxw_strerror(e));
        goto out;
    }
    struct stat st;
    in = fopen(path, "rb");
    if (!in || fstat(fileno(in), &st) != 0) {
        rc = fc_err_set(err, FC_ERR, "xlsx", "could not read back the workbook \"%s\"", path);
        goto out;
    }
    *out = fc_xmalloc((size_t)st.st_size + 1);
    *len_out = fread(*out, 1, (size_t)st.st_size, in);
    rc = *len_out == (size_t)st.st_size
             ? FC_OK
             : fc_err_set(err, FC_ERR, "xlsx", "short read of \"%s\"", path);
out:
    if (in)
        fclose(in);
    if (rc != FC_OK) {
        free(*out);
        *out = NULL;
        *len_out = 0;
    }
    if (fd >= 0)
        unlink(path);
    free(path);
    return rc;
}
