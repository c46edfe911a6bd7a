/* xlsx_read: a test helper that opens an .xlsx the way a reader does: unzip (the unzip
 * program) and parse the workbook, shared strings and sheet XML (libxml2) into cells. */
#ifndef XLSX_READ_H
#define XLSX_READ_H

#include <stddef.h>

typedef struct {
    int sheet;    /* index into sheets */
    int row, col; /* 0-based */
    int is_num;
    double num;
    char *text; /* strings (shared or inline); NULL for numbers */
} xcell_t;

typedef struct {
    char **sheets; /* names in workbook order */
    size_t nsheets;
    xcell_t *cells;
    size_t ncells;
    int frozen_rows[64]; /* ySplit of each sheet's frozen pane (0 if none) */
    int charts;          /* xl/charts/chart*.xml files */
} xbook_t;

/* 0 on success; -1 if the file is not a workbook a reader can open. */
int xbook_load(const char *path, xbook_t *out);
void xbook_fini(xbook_t *b);
int xbook_sheet(const xbook_t *b, const char *name);
const xcell_t *xbook_cell(const xbook_t *b, int sheet, int row, int col);

#endif
