/* report_check: test helpers over a report: find a table or a cell by keys, and check that a
 * workbook read back from disk holds exactly what the report holds. */
#ifndef REPORT_CHECK_H
#define REPORT_CHECK_H

#include <stddef.h>
#include "fc/v1/report.pb-c.h"
#include "xlsx_read.h"

const Fc__V1__ReportSection *rc_section(const Fc__V1__ReportWeekly *r, const char *key);
const Fc__V1__ReportTable *rc_table(const Fc__V1__ReportWeekly *r, const char *section,
                                    const char *table);
/* The row with this key (the total row when total is set); NULL if none. */
const Fc__V1__ReportRow *rc_row(const Fc__V1__ReportTable *t, const char *key, int total);
/* The cell of column key in row; NULL if no such column. */
const Fc__V1__ReportCell *rc_cell(const Fc__V1__ReportTable *t, const Fc__V1__ReportRow *row,
                                  const char *col);
/* 0 if every complete section's tables are in the workbook with the same figures (and every
 * missing section says so); else -1 with why. */
int rc_xlsx_matches(const xbook_t *b, const Fc__V1__ReportWeekly *r, char *why, size_t n);

#endif
