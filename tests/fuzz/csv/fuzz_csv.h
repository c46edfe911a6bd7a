/* fuzz_csv: the two halves of a CSV import the csv target drives, each calling the real
 * code it exercises: fcctl's reader (intake_csv_rows: header, record → row, chunking) and
 * intake's commit-time checks that need no database (intake_import_check: decode, rules,
 * duplicates, org cycles, spouses within the file). */
#ifndef FUZZ_CSV_H
#define FUZZ_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One chunk as fcctl would send it: an ImportChunkRequest, packed. */
typedef void (*fuzz_csv_chunk_fn)(void *ctx, const uint8_t *packed, size_t len);

/* Reads f as fcctl's `import KIND FILE` does (kind "org", "posts" or "people"), with max_bytes
 * as the reader's cap; each chunk goes to on_chunk. Returns 1 if the file would be sent, 0 if
 * fcctl would refuse it (bad header, unreadable file). */
int fuzz_csv_read(const char *kind, FILE *f, size_t max_bytes, fuzz_csv_chunk_fn on_chunk,
                  void *ctx);

/* Runs intake's commit checks that need no database over the packed chunks: decode each chunk
 * as the service does, every row through the rules, duplicates within the file, and for org
 * files the hierarchy (cycles, rows under bad rows). */
void fuzz_csv_commit(const char *kind, uint8_t *const *chunks, const size_t *lens, size_t n);

#endif
