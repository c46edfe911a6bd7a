/* intake_csv_rows: an import file (org, posts or people CSV) read into the rows of
 * ImportChunkRequests as fcctl sends them: the header checked against the kind's columns,
 * each record mapped to a row (or to problems naming its line and column), rows gathered into
 * chunks under the message cap. The client half of an import, without the network: fcctl and
 * the csv fuzz target both run it; intake re-validates every row at commit. */
#ifndef INTAKE_CSV_ROWS_H
#define INTAKE_CSV_ROWS_H

#include <stddef.h>
#include <stdio.h>

#include "fc/v1/intake.pb-c.h"

#define INTAKE_CSV_ROWS_CHUNK_BYTES (768 * 1024) /* under the 1 MiB message cap */
#define INTAKE_CSV_ROWS_CHUNK_ROWS 5000

typedef struct intake_csv_rows intake_csv_rows_t;

/* A reader for kind "org", "posts" or "people"; NULL for any other kind. What is wrong with
 * the header or makes the file unreadable is printed to msgs (borrowed), "line N: column:
 * reason" a line. */
intake_csv_rows_t *intake_csv_rows_new(const char *kind, FILE *msgs);
void intake_csv_rows_destroy(intake_csv_rows_t **self_p);

/* Starts reading f (borrowed, not closed; max_bytes caps the whole input) and checks its
 * header: returns 1 if usable, else 0 with every problem printed. */
int intake_csv_rows_header(intake_csv_rows_t *self, FILE *f, size_t max_bytes);

/* Reads records into the pending chunk until it is full (INTAKE_CSV_RECORD: send it, then
 * call again) or the file ends (INTAKE_CSV_EOF: send the last one). INTAKE_CSV_FATAL: the
 * file cannot be read further; the reason is printed. */
int intake_csv_rows_fill(intake_csv_rows_t *self);

/* Points req's rows, problems and seq at the pending chunk (valid until _sent); the caller
 * sets import_id. Returns 0 if the chunk is empty (nothing to send). */
int intake_csv_rows_chunk(intake_csv_rows_t *self, Fc__V1__ImportChunkRequest *req);
/* The pending chunk went out: the next one starts empty with the next seq. */
void intake_csv_rows_sent(intake_csv_rows_t *self);

/* Chunks sent so far. */
int intake_csv_rows_seq(const intake_csv_rows_t *self);
/* Rows plus problems so far (the progress figure fcctl prints). */
long intake_csv_rows_progress(const intake_csv_rows_t *self);
/* Bytes of the file consumed so far. */
size_t intake_csv_rows_bytes(const intake_csv_rows_t *self);

#endif
