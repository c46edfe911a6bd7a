/* report_html: one printable page (A4, no scripts, no outside resources) with every section's
 * tables and inline SVG bar charts. Every string from the report is escaped. */
#include "report_render.h"
#include "fc_clock.h"
#include "fc_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_esc(fc_buf_t *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&':
            fc_buf_puts(b, "&amp;");
            break;
        case '<':
            fc_buf_puts(b, "&lt;");
            break;
        case '>':
            fc_buf_puts(b, "&gt;");
            break;
        case '"':
            fc_buf_puts(b, "&quot;");
            break;
        case '\'':
            fc_buf_puts(b, "&#39;");
            break;
        default:
            fc_buf_append(b, p, 1);
        }
    }
}

static int s_col(const Fc__V1__ReportTable *t, const char *key)
{
    for (size_t i = 0; i < t->n_columns; i++)
        if (strcmp(t->columns[i]->key, key) == 0)
            return (int)i;
    return -1;
}

/* Horizontal bars, one group per unit; series side by side, or stacked. */
static void s_svg_bars(fc_buf_t *b, const char *title, const Fc__V1__ReportTable *t,
                       const char *const *keys, int stacked)
{
    static const char *colors[] = {"#2f6db5", "#e0a030", "#c0392b", "#5a9e4b"};
    int name = s_col(t, "unit_name"), cols[4], ncols = 0;
    for (int i = 0; keys[i] && ncols < 4; i++)
        if ((cols[ncols] = s_col(t, keys[i])) >= 0)
            ncols++;
    size_t units = 0;
    long long max = 1;
    for (size_t r = 0; r < t->n_rows; r++) {
        if (t->rows[r]->total)
            continue;
        units++;
        long long sum = 0;
        for (int k = 0; k < ncols; k++) {
            long long v = t->rows[r]->cells[cols[k]]->num;
            sum += stacked ? v : 0;
            if (!stacked && v > max)
                max = v;
        }
        if (stacked && sum > max)
            max = sum;
    }
    if (name < 0 || ncols == 0 || units == 0)
        return;
    int bar = stacked ? 16 : 9, gap = 8, group = stacked ? bar : bar * ncols, left = 170,
        width = 480;
    int height = 40 + (int)units * (group + gap) + 24;
    fc_buf_printf(b,
                  "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"700\" height=\"%d\""
                  " role=\"img\" aria-label=\"",
                  height);
    s_esc(b, title);
    fc_buf_puts(b, "\"><title>");
    s_esc(b, title);
    fc_buf_puts(b, "</title>");
    int y = 30;
    for (size_t r = 0; r < t->n_rows; r++) {
        const Fc__V1__ReportRow *row = t->rows[r];
        if (row->total)
            continue;
        fc_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">", left - 6,
                      y + group / 2 + 4);
        s_esc(b, row->cells[name]->text);
        fc_buf_puts(b, "</text>");
        int x = left;
        for (int k = 0; k < ncols; k++) {
            long long v = row->cells[cols[k]]->num;
            int w = (int)(v * width / max);
            int by = stacked ? y : y + k * bar;
            fc_buf_printf(b,
                          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                          "<title>%lld</title></rect>",
                          x, by, w, bar - 1, colors[k], v);
            if (!stacked)
                fc_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"9\">%lld</text>", x + w + 3,
                              by + bar - 2, v);
            if (stacked)
                x += w;
        }
        if (stacked) {
            long long sum = 0;
            for (int k = 0; k < ncols; k++)
                sum += row->cells[cols[k]]->num;
            fc_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"9\">%lld</text>", x + 3,
                          y + bar - 3, sum);
        }
        y += group + gap;
    }
    int lx = left;
    for (int k = 0; k < ncols; k++) {
        fc_buf_printf(b,
                      "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                      "<text x=\"%d\" y=\"%d\" font-size=\"11\">",
                      lx, height - 16, colors[k], lx + 14, height - 7);
        s_esc(b, t->columns[cols[k]]->title);
        fc_buf_puts(b, "</text>");
        lx += 20 + report_text_width(t->columns[cols[k]]->title) * 7;
    }
    fc_buf_puts(b, "</svg><figcaption>");
    s_esc(b, title);
    fc_buf_puts(b, "</figcaption></figure>\n");
}

static void s_table(fc_buf_t *b, const Fc__V1__ReportTable *t)
{
    fc_buf_puts(b, "<h3>");
    s_esc(b, t->title);
    fc_buf_puts(b, "</h3>\n<table><thead><tr>");
    for (size_t c = 0; c < t->n_columns; c++) {
        fc_buf_puts(b, "<th>");
        s_esc(b, t->columns[c]->title);
        fc_buf_puts(b, "</th>");
    }
    fc_buf_puts(b, "</tr></thead><tbody>\n");
    if (t->n_rows == 0)
        fc_buf_printf(b, "<tr><td colspan=\"%zu\">（无）</td></tr>\n", t->n_columns);
    for (size_t r = 0; r < t->n_rows; r++) {
        const Fc__V1__ReportRow *row = t->rows[r];
        fc_buf_puts(b, row->total ? "<tr class=\"total\">" : "<tr>");
        for (size_t c = 0; c < t->n_columns && c < row->n_cells; c++) {
            char text[2400];
            report_cell_text(t->columns[c], row->cells[c], text, sizeof text);
            fc_buf_puts(b, strcmp(t->columns[c]->kind, "text") == 0 ? "<td>" : "<td class=\"n\">");
            s_esc(b, text);
            fc_buf_puts(b, "</td>");
        }
        fc_buf_puts(b, "</tr>\n");
    }
    fc_buf_puts(b, "</tbody></table>\n");
    if (t->truncated > 0)
        fc_buf_printf(b, "<p class=\"note\">另有 %lld 行未列出。</p>\n", (long long)t->truncated);
}

char *report_render_html(const Fc__V1__ReportWeekly *rep)
{
    const Fc__V1__ReportMeta *m = rep->meta;
    fc_buf_t b;
    fc_buf_init(&b);
    char start[40], end[40], gen[40];
    fc_time_format_local(m->period_start_us, start, sizeof start);
    fc_time_format_local(m->period_end_us, end, sizeof end);
    fc_time_format_local(m->generated_us, gen, sizeof gen);
    fc_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
    s_esc(&b, m->org_name);
    fc_buf_puts(&b, " ");
    s_esc(&b, m->iso_week);
    fc_buf_puts(&b,
                " 周报</title>\n<style>\n"
                "@page{size:A4;margin:15mm}\n"
                "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\","
                "sans-serif;font-size:11pt;color:#111;margin:0 auto;max-width:1100px}\n"
                "h1{font-size:18pt;margin:0 0 6px}h2{font-size:14pt;border-bottom:2px solid "
                "#2f6db5;margin-top:22px}h3{font-size:11pt;margin:12px 0 4px}\n"
                "table{border-collapse:collapse;width:100%;font-size:9pt;margin-bottom:8px}"
                "th,td{border:1px solid #999;padding:2px 4px;vertical-align:top}"
                "th{background:#ddebf7}td.n{text-align:right;white-space:nowrap}"
                "tr.total td{font-weight:bold;background:#f3f3f3}\n"
                ".meta td{border:none;padding:1px 8px 1px 0}.missing{border:1px solid #c00;"
                "color:#c00;padding:6px;margin:6px 0}.note{color:#a00}\n"
                "section{break-inside:auto}h2{break-after:avoid}figure{margin:6px 0;"
                "break-inside:avoid}figcaption{font-size:9pt;color:#555}\n"
                "</style></head><body>\n<h1>");
    s_esc(&b, m->org_name);
    fc_buf_puts(&b, " 疫情防控一线关心关爱周报</h1>\n<table class=\"meta\">");
    char ver[16];
    snprintf(ver, sizeof ver, "%d", m->version);
    const char *kv[][2] = {{"ISO 周", m->iso_week},
                           {"时间（北京时间）", NULL},
                           {"范围", m->org_code},
                           {"版本", ver},
                           {"完整性", report_status_label(m->completeness)},
                           {"生成时间", gen}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
        fc_buf_puts(&b, "<tr><td>");
        s_esc(&b, kv[i][0]);
        fc_buf_puts(&b, "</td><td>");
        if (kv[i][1]) {
            s_esc(&b, kv[i][1]);
        } else {
            s_esc(&b, start);
            fc_buf_puts(&b, " 至 ");
            s_esc(&b, end);
        }
        fc_buf_puts(&b, "</td></tr>");
    }
    fc_buf_puts(&b, "</table>\n");
    for (size_t i = 0; i < rep->n_notes; i++) {
        fc_buf_puts(&b, "<p class=\"note\">");
        s_esc(&b, rep->notes[i]);
        fc_buf_puts(&b, "</p>\n");
    }
    for (size_t i = 0; i < rep->n_sections; i++) {
        const Fc__V1__ReportSection *s = rep->sections[i];
        fc_buf_puts(&b, "<section id=\"");
        s_esc(&b, s->key);
        fc_buf_puts(&b, "\"><h2>");
        s_esc(&b, s->title);
        fc_buf_puts(&b, "</h2>\n");
        if (strcmp(s->status, "complete") != 0) {
            fc_buf_puts(&b, "<div class=\"missing\">本部分缺失，不显示任何数字：");
            s_esc(&b, s->reason);
            fc_buf_puts(&b, "</div></section>\n");
            continue;
        }
        for (size_t t = 0; t < s->n_tables; t++) {
            const Fc__V1__ReportTable *tb = s->tables[t];
            s_table(&b, tb);
            if (strcmp(tb->key, "by_unit") != 0)
                continue;
            if (strcmp(s->key, "frontline") == 0) {
                static const char *const k[] = {"headcount", "person_days", NULL};
                s_svg_bars(&b, "各单位一线人数与人天", tb, k, 0);
            } else if (strcmp(s->key, "weekly_reports") == 0) {
                static const char *const k[] = {"on_time", "late", "missing", NULL};
                s_svg_bars(&b, "班子成员周报：按时、迟报、漏报", tb, k, 1);
            } else if (strcmp(s->key, "health") == 0) {
                static const char *const k[] = {"observation", "quarantined", "suspected",
                                                "confirmed", NULL};
                s_svg_bars(&b, "周末健康状态：医学观察、隔离、疑似、确诊", tb, k, 1);
            } else if (strcmp(s->key, "funds") == 0) {
                static const char *const k[] = {"budget_fen", "paid_to_date_fen", NULL};
                s_svg_bars(&b, "专项资金：到账与累计支出（分）", tb, k, 0);
            }
        }
        fc_buf_puts(&b, "</section>\n");
    }
    fc_buf_puts(&b, "</body></html>\n");
    char *out = fc_xstrndup(b.data, b.len);
    fc_buf_fini(&b);
    return out;
}
