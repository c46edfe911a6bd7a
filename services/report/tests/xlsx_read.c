/* xlsx_read: unzip + libxml2 reading of the cells of a workbook, for the tests. */
#include "xlsx_read.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bytes of one member of the zip (unzip -p), or NULL. */
static char *s_member(const char *path, const char *member, size_t *len)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", path, member);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, p)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    int st = pclose(p);
    if (st != 0 || n == 0) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static xmlDocPtr s_doc(const char *path, const char *member)
{
    size_t len = 0;
    char *data = s_member(path, member, &len);
    if (!data)
        return NULL;
    xmlDocPtr d = xmlReadMemory(data, (int)len, member, NULL, XML_PARSE_NONET);
    free(data);
    return d;
}

static int s_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Concatenated text of every <t> under n. */
static void s_text(xmlNodePtr n, char **out)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (s_is(c, "t")) {
            xmlChar *t = xmlNodeGetContent(c);
            size_t old = *out ? strlen(*out) : 0, add = strlen((const char *)t);
            *out = realloc(*out, old + add + 1);
            memcpy(*out + old, t, add + 1);
            xmlFree(t);
        } else if (c->type == XML_ELEMENT_NODE) {
            s_text(c, out);
        }
    }
}

static void s_ref(const char *ref, int *row, int *col)
{
    int c = 0;
    const char *p = ref;
    while (*p >= 'A' && *p <= 'Z')
        c = c * 26 + (*p++ - 'A' + 1);
    *col = c - 1;
    *row = atoi(p) - 1;
}

int xbook_load(const char *path, xbook_t *b)
{
    memset(b, 0, sizeof *b);
    xmlDocPtr wb = s_doc(path, "xl/workbook.xml");
    if (!wb)
        return -1;
    for (xmlNodePtr n = xmlDocGetRootElement(wb)->children; n; n = n->next)
        if (s_is(n, "sheets"))
            for (xmlNodePtr s = n->children; s; s = s->next)
                if (s_is(s, "sheet")) {
                    xmlChar *name = xmlGetProp(s, (const xmlChar *)"name");
                    b->sheets = realloc(b->sheets, (b->nsheets + 1) * sizeof *b->sheets);
                    b->sheets[b->nsheets++] = strdup((const char *)name);
                    xmlFree(name);
                }
    xmlFreeDoc(wb);
    char **strings = NULL;
    size_t nstrings = 0;
    xmlDocPtr ss = s_doc(path, "xl/sharedStrings.xml");
    if (ss) {
        for (xmlNodePtr n = xmlDocGetRootElement(ss)->children; n; n = n->next)
            if (s_is(n, "si")) {
                char *t = NULL;
                s_text(n, &t);
                strings = realloc(strings, (nstrings + 1) * sizeof *strings);
                strings[nstrings++] = t ? t : strdup("");
            }
        xmlFreeDoc(ss);
    }
    size_t cap = 0;
    for (size_t i = 0; i < b->nsheets; i++) {
        char member[64];
        snprintf(member, sizeof member, "xl/worksheets/sheet%zu.xml", i + 1);
        xmlDocPtr sh = s_doc(path, member);
        if (!sh)
            continue;
        for (xmlNodePtr n = xmlDocGetRootElement(sh)->children; n; n = n->next) {
            if (s_is(n, "sheetViews") && i < 64)
                for (xmlNodePtr v = n->children; v; v = v->next)
                    for (xmlNodePtr p = v->children; p; p = p->next)
                        if (s_is(p, "pane")) {
                            xmlChar *y = xmlGetProp(p, (const xmlChar *)"ySplit");
                            b->frozen_rows[i] = y ? atoi((const char *)y) : 0;
                            xmlFree(y);
                        }
            if (!s_is(n, "sheetData"))
                continue;
            for (xmlNodePtr r = n->children; r; r = r->next)
                for (xmlNodePtr c = r->children; c; c = c->next) {
                    if (!s_is(c, "c"))
                        continue;
                    xmlChar *ref = xmlGetProp(c, (const xmlChar *)"r");
                    xmlChar *type = xmlGetProp(c, (const xmlChar *)"t");
                    xcell_t cell = {(int)i, 0, 0, 0, 0, NULL};
                    s_ref((const char *)ref, &cell.row, &cell.col);
                    for (xmlNodePtr v = c->children; v; v = v->next) {
                        if (s_is(v, "v")) {
                            xmlChar *val = xmlNodeGetContent(v);
                            if (type && strcmp((const char *)type, "s") == 0) {
                                size_t k = (size_t)atol((const char *)val);
                                cell.text = strdup(k < nstrings ? strings[k] : "");
                            } else if (type && strcmp((const char *)type, "str") == 0) {
                                cell.text = strdup((const char *)val);
                            } else {
                                cell.is_num = 1;
                                cell.num = strtod((const char *)val, NULL);
                            }
                            xmlFree(val);
                        } else if (s_is(v, "is")) {
                            s_text(v, &cell.text);
                        }
                    }
                    xmlFree(ref);
                    xmlFree(type);
                    if (b->ncells == cap)
                        b->cells =
                            realloc(b->cells, (cap = cap ? cap * 2 : 256) * sizeof *b->cells);
                    b->cells[b->ncells++] = cell;
                }
        }
        xmlFreeDoc(sh);
    }
    for (size_t i = 0; i < nstrings; i++)
        free(strings[i]);
    free(strings);
    for (int k = 1; k < 64; k++) {
        char member[64];
        size_t len = 0;
        snprintf(member, sizeof member, "xl/charts/chart%d.xml", k);
        char *data = s_member(path, member, &len);
        if (!data)
            break;
        free(data);
        b->charts++;
    }
    return 0;
}

void xbook_fini(xbook_t *b)
{
    for (size_t i = 0; i < b->nsheets; i++)
        free(b->sheets[i]);
    free(b->sheets);
    for (size_t i = 0; i < b->ncells; i++)
        free(b->cells[i].text);
    free(b->cells);
    memset(b, 0, sizeof *b);
}

int xbook_sheet(const xbook_t *b, const char *name)
{
    for (size_t i = 0; i < b->nsheets; i++)
        if (strcmp(b->sheets[i], name) == 0)
            return (int)i;
    return -1;
}

const xcell_t *xbook_cell(const xbook_t *b, int sheet, int row, int col)
{
    for (size_t i = 0; i < b->ncells; i++)
        if (b->cells[i].sheet == sheet && b->cells[i].row == row && b->cells[i].col == col)
            return &b->cells[i];
    return NULL;
}
