/* libFuzzer target: a CSV import file end to end without the database. The first byte picks
 * the kind (org, posts, people) and whether the reader gets a small byte cap; the rest is the
 * file, read by fcctl's import reader (RFC 4180 reader, header, record → row, chunks) and the
 * chunks checked as intake's import_commit checks them (decode, rules, duplicates, org
 * hierarchy). Must never crash, leak, hang or hit undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_csv.h"
#include "fc_mem.h"

typedef struct {
    uint8_t **data;
    size_t *len;
    size_t n, cap;
} s_chunks_t;

static void s_on_chunk(void *ctx, const uint8_t *packed, size_t len)
{
    s_chunks_t *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 4;
        c->data = fc_xrealloc(c->data, c->cap * sizeof *c->data);
        c->len = fc_xrealloc(c->len, c->cap * sizeof *c->len);
    }
    c->data[c->n] = (uint8_t *)packed;
    c->len[c->n++] = len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const kinds[] = {"org", "posts", "people"};
    if (size < 1)
        return 0;
    const char *kind = kinds[(data[0] & 0x7f) % 3];
    int small_cap = data[0] & 0x80;
    data++, size--;
    /* fmemopen refuses an empty buffer: an empty file is a buffer with nothing to read */
    static char empty[1];
    FILE *f = size ? fmemopen((void *)data, size, "r") : fmemopen(empty, 1, "r");
    if (!f)
        abort();
    if (!size)
        fgetc(f);
    s_chunks_t chunks = {NULL, NULL, 0, 0};
    int ok =
        fuzz_csv_read(kind, f, small_cap ? size / 2 + 1 : 64u * 1024 * 1024, s_on_chunk, &chunks);
    fclose(f);
    if (ok)
        fuzz_csv_commit(kind, chunks.data, chunks.len, chunks.n);
    for (size_t i = 0; i < chunks.n; i++)
        free(chunks.data[i]);
    free(chunks.data);
    free(chunks.len);
    return 0;
}
