/* report_render: formats, cell text, JSON and CSV; XLSX and HTML in their own files. */
#include "report_render.h"
#include "fc_clock.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int report_render_format(const char *s, report_format_t *out, fc_err_t *err)
{
    static const struct {
        const char *name;
        report_format_t fmt;
    } names[] = {{"json", REPORT_FMT_JSON},
                 {"csv", REPORT_FMT_CSV},
                 {"xlsx", REPORT_FMT_XLSX},
                 {"html", REPORT_FMT_HTML}};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].fmt;
            return FC_OK;
        }
    return fc_err_set(err, FC_EINVAL, "format", "输出格式“%s”无效，应为 json、csv、xlsx 或 html",
                      s ? s : "");
}

const char *report_status_label(const char *status)
{
    if (strcmp(status, "complete") == 0)
        return "完整";
    if (strcmp(status, "partial") == 0)
        return "不完整";
    if (strcmp(status, "missing") == 0)
        return "缺失";
    return status;
}

void report_cell_text(const Fc__V1__ReportColumn *col, const Fc__V1__ReportCell *cell, char *buf,
                      size_t n)
{
    const char *k = col->kind;
    long long v = cell->num;
    if (cell->is_null) {
        snprintf(buf, n, "—");
    } else if (strcmp(k, "text") == 0) {
        snprintf(buf, n, "%s", cell->text ? cell->text : "");
    } else if (strcmp(k, "money") == 0) {
        unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        snprintf(buf, n, "%s%llu.%02llu", v < 0 ? "-" : "", a / 100, a % 100);
    } else if (strcmp(k, "minutes") == 0) {
        long long tenths = (v * 10 + 30) / 60; /* hours, one decimal, half up */
        snprintf(buf, n, "%lld.%lld", tenths / 10, tenths % 10);
    } else if (strcmp(k, "time") == 0) {
        fc_time_format_local(v, buf, n);
    } else if (strcmp(k, "flag") == 0) {
        snprintf(buf, n, "%s", v ? "是" : "否");
    } else if (strcmp(k, "permille") == 0) {
        snprintf(buf, n, "%lld.%lld%%", v / 10, v % 10);
    } else {
        snprintf(buf, n, "%lld", v);
    }
}

int report_text_width(const char *s)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        int len;
        if (*p < 0x80) {
            cp = *p;
            len = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            len = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            len = 3;
        } else {
            cp = *p & 0x07;
            len = 4;
        }
        for (int i = 1; i < len && p[i]; i++)
            cp = (cp << 6) | (p[i] & 0x3F);
        for (int i = 0; i < len && *p; i++)
            p++;
        /* East Asian wide and fullwidth ranges */
        int wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                   (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                   (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                   (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}

/* ---- JSON ------------------------------------------------------------------------------ */

static json_t *s_json_str(const char *s)
{
    return json_string(s ? s : "");
}

static json_t *s_json_strv(char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, s_json_str(v[i]));
    return a;
}

static json_t *s_json_cell(const Fc__V1__ReportColumn *col, const Fc__V1__ReportCell *cell)
{
    if (cell->is_null)
        return json_null();
    if (strcmp(col->kind, "text") == 0)
        return s_json_str(cell->text);
    if (strcmp(col->kind, "flag") == 0)
        return json_boolean(cell->num != 0);
    return json_integer(cell->num);
}

static json_t *s_json_meta(const Fc__V1__ReportMeta *m)
{
    char start[40], end[40], gen[40];
    fc_time_format_local(m->period_start_us, start, sizeof start);
    fc_time_format_local(m->period_end_us, end, sizeof end);
    fc_time_format_local(m->generated_us, gen, sizeof gen);
    json_t *j = json_object();
    json_object_set_new(j, "report_id", json_integer(m->report_id));
    json_object_set_new(j, "iso_week", s_json_str(m->iso_week));
    json_object_set_new(j, "org_code", s_json_str(m->org_code));
    json_object_set_new(j, "org_name", s_json_str(m->org_name));
    json_object_set_new(j, "version", json_integer(m->version));
    json_object_set_new(j, "completeness", s_json_str(m->completeness));
    json_object_set_new(j, "missing_sections",
                        s_json_strv(m->missing_sections, m->n_missing_sections));
    json_object_set_new(j, "trigger", s_json_str(m->trigger));
    json_object_set_new(j, "period_start_us", json_integer(m->period_start_us));
    json_object_set_new(j, "period_end_us", json_integer(m->period_end_us));
    json_object_set_new(j, "period_start", s_json_str(start));
    json_object_set_new(j, "period_end", s_json_str(end));
    json_object_set_new(j, "generated_us", json_integer(m->generated_us));
    json_object_set_new(j, "generated_at", s_json_str(gen));
    json_object_set_new(j, "generated_by", s_json_str(m->generated_by));
    json_object_set_new(j, "empty", json_boolean(m->empty));
    json_object_set_new(j, "body_sha256", s_json_str(m->body_sha256));
    json_object_set_new(j, "time_zone", s_json_str("Asia/Shanghai"));
    return j;
}

char *report_render_json(const Fc__V1__ReportWeekly *rep)
{
    json_t *root = json_object();
    json_object_set_new(root, "meta", s_json_meta(rep->meta));
    json_t *srcs = json_array();
    for (size_t i = 0; i < rep->n_sources; i++) {
        const Fc__V1__ReportSource *s = rep->sources[i];
        json_array_append_new(srcs, json_pack("{s:s, s:s, s:s, s:I}", "service", s->service,
                                              "status", s->status, "detail", s->detail, "backlog",
                                              (json_int_t)s->backlog));
    }
    json_object_set_new(root, "sources", srcs);
    json_object_set_new(root, "notes", s_json_strv(rep->notes, rep->n_notes));
    json_t *secs = json_array();
    for (size_t i = 0; i < rep->n_sections; i++) {
        const Fc__V1__ReportSection *s = rep->sections[i];
        json_t *js = json_object();
        json_object_set_new(js, "key", s_json_str(s->key));
        json_object_set_new(js, "title", s_json_str(s->title));
        json_object_set_new(js, "status", s_json_str(s->status));
        json_object_set_new(js, "sources", s_json_strv(s->sources, s->n_sources));
        json_object_set_new(js, "reason", s_json_str(s->reason));
        json_t *tables = json_array();
        for (size_t t = 0; t < s->n_tables; t++) {
            const Fc__V1__ReportTable *tb = s->tables[t];
            json_t *jt = json_object(), *cols = json_array(), *rows = json_array();
            json_object_set_new(jt, "key", s_json_str(tb->key));
            json_object_set_new(jt, "title", s_json_str(tb->title));
            for (size_t c = 0; c < tb->n_columns; c++)
                json_array_append_new(cols, json_pack("{s:s, s:s, s:s}", "key", tb->columns[c]->key,
                                                      "title", tb->columns[c]->title, "kind",
                                                      tb->columns[c]->kind));
            for (size_t r = 0; r < tb->n_rows; r++) {
                const Fc__V1__ReportRow *row = tb->rows[r];
                json_t *jr = json_object();
                json_object_set_new(jr, "_key", s_json_str(row->key));
                json_object_set_new(jr, "_total", json_boolean(row->total));
                for (size_t c = 0; c < tb->n_columns && c < row->n_cells; c++)
                    json_object_set_new(jr, tb->columns[c]->key,
                                        s_json_cell(tb->columns[c], row->cells[c]));
                json_array_append_new(rows, jr);
            }
            json_object_set_new(jt, "columns", cols);
            json_object_set_new(jt, "rows", rows);
            json_object_set_new(jt, "truncated", json_integer(tb->truncated));
            json_array_append_new(tables, jt);
        }
        json_object_set_new(js, "tables", tables);
        json_array_append_new(secs, js);
    }
    json_object_set_new(root, "sections", secs);
    char *out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return out;
}

/* ---- CSV ------------------------------------------------------------------------------- */

/* RFC 4180 field; a text starting with = + - @ gets a leading ' so a spreadsheet does not run
 * it as a formula. */
static void s_csv_field(fc_buf_t *b, const char *s, int is_text)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    int guard = is_text && (*s == '=' || *s == '+' || *s == '-' || *s == '@');
    if (quote)
        fc_buf_puts(b, "\"");
    if (guard)
        fc_buf_puts(b, "'");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fc_buf_puts(b, "\"");
        fc_buf_append(b, p, 1);
    }
    if (quote)
        fc_buf_puts(b, "\"");
}

static void s_csv_row(fc_buf_t *b, const char *const *fields, size_t n, int is_text)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fc_buf_puts(b, ",");
        s_csv_field(b, fields[i], is_text);
    }
    fc_buf_puts(b, "\r\n");
}

static Fc__V1__ReportFile *s_file(fc_arena_t *a, const char *name, const char *type,
                                  const void *data, size_t len)
{
    Fc__V1__ReportFile *f = fc_arena_alloc(a, sizeof *f);
    fc__v1__report_file__init(f);
    f->name = fc_arena_strdup(a, name);
    f->media_type = (char *)type;
    f->content.data = fc_arena_alloc(a, len ? len : 1);
    memcpy(f->content.data, data, len);
    f->content.len = len;
    return f;
}

#define CSV_TYPE "text/csv; charset=utf-8"
#define BOM "\xEF\xBB\xBF" /* so that spreadsheet programs read the Chinese as UTF-8 */

static void s_csv_meta(const Fc__V1__ReportWeekly *rep, fc_buf_t *b)
{
    const Fc__V1__ReportMeta *m = rep->meta;
    char start[40], end[40], gen[40], v[32];
    fc_time_format_local(m->period_start_us, start, sizeof start);
    fc_time_format_local(m->period_end_us, end, sizeof end);
    fc_time_format_local(m->generated_us, gen, sizeof gen);
    fc_buf_puts(b, BOM);
    const char *head[] = {"项目", "内容"};
    s_csv_row(b, head, 2, 1);
    snprintf(v, sizeof v, "%d", m->version);
    const char *rows[][2] = {{"ISO 周", m->iso_week},
                             {"起（北京时间）", start},
                             {"止（北京时间）", end},
                             {"范围", m->org_code},
                             {"范围名称", m->org_name},
                             {"版本", v},
                             {"完整性", report_status_label(m->completeness)},
                             {"生成时间", gen},
                             {"生成方式", strcmp(m->trigger, "schedule") == 0 ? "定时" : "按需"},
                             {"有无数据", m->empty ? "本周无任何记录" : "有"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        s_csv_row(b, rows[i], 2, 1);
    for (size_t i = 0; i < rep->n_sections; i++) {
        const Fc__V1__ReportSection *s = rep->sections[i];
        char label[256];
        snprintf(label, sizeof label, "部分：%s（%s）", s->title, s->key);
        const char *row[] = {label, *s->reason ? s->reason : report_status_label(s->status)};
        if (strcmp(s->status, "complete") != 0) {
            char text[1200];
            snprintf(text, sizeof text, "缺失：%s", s->reason);
            row[1] = text;
            s_csv_row(b, row, 2, 1);
        } else {
            s_csv_row(b, row, 2, 1);
        }
    }
    for (size_t i = 0; i < rep->n_notes; i++) {
        const char *row[] = {"说明", rep->notes[i]};
        s_csv_row(b, row, 2, 1);
    }
}

static void s_csv_table(const Fc__V1__ReportTable *t, fc_buf_t *b)
{
    fc_buf_puts(b, BOM);
    for (size_t c = 0; c < t->n_columns; c++) {
        if (c)
            fc_buf_puts(b, ",");
        s_csv_field(b, t->columns[c]->title, 1);
    }
    fc_buf_puts(b, "\r\n");
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_columns; c++) {
            char text[2400];
            const Fc__V1__ReportCell *cell = t->rows[r]->cells[c];
            if (cell->is_null)
                text[0] = '\0';
            else
                report_cell_text(t->columns[c], cell, text, sizeof text);
            if (c)
                fc_buf_puts(b, ",");
            s_csv_field(b, text, strcmp(t->columns[c]->kind, "text") == 0);
        }
        fc_buf_puts(b, "\r\n");
    }
    if (t->truncated > 0) {
        char note[128];
        snprintf(note, sizeof note, "另有 %lld 行未列出", (long long)t->truncated);
        s_csv_field(b, note, 1);
        fc_buf_puts(b, "\r\n");
    }
}

static int s_render_csv(const Fc__V1__ReportWeekly *rep, fc_arena_t *a, Fc__V1__ReportFile ***out,
                        size_t *n_out)
{
    size_t cap = 1;
    for (size_t i = 0; i < rep->n_sections; i++)
        cap += rep->sections[i]->n_tables ? rep->sections[i]->n_tables : 1;
    Fc__V1__ReportFile **files = fc_arena_alloc(a, cap * sizeof *files);
    size_t n = 0;
    fc_buf_t b;
    fc_buf_init(&b);
    s_csv_meta(rep, &b);
    files[n++] = s_file(a, "meta.csv", CSV_TYPE, b.data, b.len);
    for (size_t i = 0; i < rep->n_sections; i++) {
        const Fc__V1__ReportSection *s = rep->sections[i];
        char name[160];
        if (strcmp(s->status, "complete") != 0) {
            fc_buf_reset(&b);
            fc_buf_puts(&b, BOM);
            const char *head[] = {"部分", "状态", "原因"};
            const char *row[] = {s->title, "缺失", s->reason};
            s_csv_row(&b, head, 3, 1);
            s_csv_row(&b, row, 3, 1);
            snprintf(name, sizeof name, "%s_missing.csv", s->key);
            files[n++] = s_file(a, name, CSV_TYPE, b.data, b.len);
            continue;
        }
        for (size_t t = 0; t < s->n_tables; t++) {
            fc_buf_reset(&b);
            s_csv_table(s->tables[t], &b);
            snprintf(name, sizeof name, "%s_%s.csv", s->key, s->tables[t]->key);
            files[n++] = s_file(a, name, CSV_TYPE, b.data, b.len);
        }
    }
    fc_buf_fini(&b);
    *out = files;
    *n_out = n;
    return FC_OK;
}

int report_render(const Fc__V1__ReportWeekly *rep, report_format_t fmt, fc_arena_t *arena,
                  Fc__V1__ReportFile ***files_out, size_t *n_out, fc_err_t *err)
{
    char base[96];
    snprintf(base, sizeof base, "report-%s-%s-v%d", rep->meta->iso_week,
             *rep->meta->org_code ? rep->meta->org_code : "group", rep->meta->version);
    char name[128];
    if (fmt == REPORT_FMT_CSV)
        return s_render_csv(rep, arena, files_out, n_out);
    Fc__V1__ReportFile **files = fc_arena_alloc(arena, sizeof *files);
    int rc = FC_OK;
    if (fmt == REPORT_FMT_JSON || fmt == REPORT_FMT_HTML) {
        char *text = fmt == REPORT_FMT_JSON ? report_render_json(rep) : report_render_html(rep);
        snprintf(name, sizeof name, "%s.%s", base, fmt == REPORT_FMT_JSON ? "json" : "html");
        files[0] = s_file(arena, name,
                          fmt == REPORT_FMT_JSON ? "application/json" : "text/html; charset=utf-8",
                          text, strlen(text));
        free(text);
    } else {
        uint8_t *data = NULL;
        size_t len = 0;
        rc = report_render_xlsx(rep, &data, &len, err);
        if (rc == FC_OK) {
            snprintf(name, sizeof name, "%s.xlsx", base);
            files[0] = s_file(arena, name,
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              data, len);
        }
        free(data);
    }
    *files_out = files;
    *n_out = rc == FC_OK ? 1 : 0;
    return rc;
}
