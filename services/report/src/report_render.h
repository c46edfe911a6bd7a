/* report_render: a stored report as the files people open: JSON (one object), CSV (one file per
 * table, plus meta.csv), XLSX (a sheet per section, through libxlsxwriter) and a printable HTML
 * page with inline SVG charts. Every renderer reads the same ReportWeekly, so every format
 * holds the same figures. */
#ifndef REPORT_RENDER_H
#define REPORT_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include "fc/v1/report.pb-c.h"
#include "fc_err.h"
#include "fc_mem.h"

typedef enum { REPORT_FMT_JSON, REPORT_FMT_CSV, REPORT_FMT_XLSX, REPORT_FMT_HTML } report_format_t;

/* "json" | "csv" | "xlsx" | "html"; FC_EINVAL naming "format" otherwise. */
int report_render_format(const char *s, report_format_t *out, fc_err_t *err);
/* The files of rep in fmt, allocated in arena. */
int report_render(const Fc__V1__ReportWeekly *rep, report_format_t fmt, fc_arena_t *arena,
                  Fc__V1__ReportFile ***files_out, size_t *n_out, fc_err_t *err);

/* Each returns a new buffer the caller frees. */
char *report_render_json(const Fc__V1__ReportWeekly *rep);
char *report_render_html(const Fc__V1__ReportWeekly *rep);
int report_render_xlsx(const Fc__V1__ReportWeekly *rep, uint8_t **out, size_t *len_out,
                       fc_err_t *err);

/* A cell as people read it: money in yuan "1234.56", minutes as hours "12.5", times in
 * Asia/Shanghai, flags 是/否, permille as "12.3%", unknown as "—". */
void report_cell_text(const Fc__V1__ReportColumn *col, const Fc__V1__ReportCell *cell, char *buf,
                      size_t n);
/* Display width of UTF-8 text, CJK and other wide characters counting 2. */
int report_text_width(const char *s);
/* Chinese labels of a section status and of a report's completeness. */
const char *report_status_label(const char *status);

#endif
