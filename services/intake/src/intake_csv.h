/* intake_csv: a small, careful RFC 4180 reader for the CSV imports (fcctl parses, intake
 * re-validates). Quoted fields with embedded commas, newlines and doubled quotes; CRLF or LF;
 * a UTF-8 byte-order mark at the start is skipped; blank lines are skipped. */
#ifndef INTAKE_CSV_H
#define INTAKE_CSV_H

#include <stddef.h>
#include <stdio.h>
#include "fc_err.h"

#define INTAKE_CSV_MAX_FIELD 65536 /* bytes in one field */
#define INTAKE_CSV_MAX_FIELDS 256  /* fields in one record */

typedef struct intake_csv intake_csv_t;

/* Reads from f (borrowed, not closed). max_bytes caps the whole input (0 = no cap). */
intake_csv_t *intake_csv_new(FILE *f, size_t max_bytes);
void intake_csv_destroy(intake_csv_t **self_p);

enum {
    INTAKE_CSV_EOF = 0,
    INTAKE_CSV_RECORD = 1,
    INTAKE_CSV_BAD_RECORD = 2, /* a record that is malformed but was read to its end: err says
                                  why (stray quote, NUL byte, field too long); go on reading */
    INTAKE_CSV_FATAL = -1,     /* the input cannot be read further (unterminated quote, over
                                  max_bytes, read error): err says why */
};

/* Reads the next record. *fields_out and its strings stay valid until the next call;
 * *line_out is the line the record starts on (1-based). */
int intake_csv_next(intake_csv_t *self, char ***fields_out, size_t *n_out, long *line_out,
                    fc_err_t *err);
/* Bytes consumed so far. */
size_t intake_csv_bytes(const intake_csv_t *self);
/* How many bytes of s to quote in a message ("%.*s"): at most max, never cutting a UTF-8
 * character in two (a cut one makes the whole message invalid UTF-8, which protobuf and
 * PostgreSQL refuse). */
int intake_csv_show_len(const char *s, size_t max);

#endif
