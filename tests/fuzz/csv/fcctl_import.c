/* The csv target's client half: fcctl's import reader, compiled here with its static header
 * check and record → row mapping (the file is included so the fuzzer runs that very code),
 * driven like cmd_import but handing each chunk to a callback instead of the network. */
#include <stdio.h>

#include "fuzz_csv.h"

/* What fcctl tells the user goes nowhere: only the parsing matters here. */
static FILE *s_fuzz_stderr;
#undef stderr
#define stderr s_fuzz_stderr

#include "fcctl_intake.c"

static void s_fuzz_flush(s_imp_t *im, fuzz_csv_chunk_fn on_chunk, void *ctx)
{
    if (!im->n_rows && !im->n_problems)
        return;
    Fc__V1__ImportChunkRequest req = FC__V1__IMPORT_CHUNK_REQUEST__INIT;
    req.import_id = im->import_id;
    req.seq = im->seq;
    req.rows = im->rows;
    req.n_rows = im->n_rows;
    req.problems = im->problems;
    req.n_problems = im->n_problems;
    size_t len = 0;
    uint8_t *packed = fc_pb_pack(&req.base, &len);
    on_chunk(ctx, packed, len); /* takes packed */
    im->seq++;
    im->n_rows = im->n_problems = 0;
    im->chunk_bytes = 0;
    fc_arena_reset(im->arena);
}

int fuzz_csv_read(const char *kind, FILE *f, size_t max_bytes, fuzz_csv_chunk_fn on_chunk,
                  void *ctx)
{
    if (!s_fuzz_stderr)
        s_fuzz_stderr = fopen("/dev/null", "w");
    s_imp_t im;
    memset(&im, 0, sizeof im);
    im.kind = kind;
    im.cols = strcmp(kind, "org") == 0     ? s_org_cols
              : strcmp(kind, "posts") == 0 ? s_post_cols
                                           : s_people_cols;
    snprintf(im.import_id, sizeof im.import_id, "fuzz");
    im.arena = fc_arena_new(256 * 1024);
    intake_csv_t *csv = intake_csv_new(f, max_bytes);
    int ok = s_imp_header(&im, csv);
    while (ok) {
        char **fields = NULL;
        size_t n = 0;
        long line = 0;
        fc_err_t err;
        fc_err_clear(&err);
        int r = intake_csv_next(csv, &fields, &n, &line, &err);
        if (r == INTAKE_CSV_EOF)
            break;
        if (r == INTAKE_CSV_FATAL) {
            fprintf(stderr, "line %ld: %s: %s\n", line ? line : 1, err.field, err.message);
            ok = 0;
            break;
        }
        if (r == INTAKE_CSV_BAD_RECORD)
            s_imp_problem(&im, line, "row", "%s", err.message);
        else
            s_imp_record(&im, fields, n, line);
        if (im.n_rows >= FCCTL_IMPORT_CHUNK_ROWS || im.chunk_bytes >= FCCTL_IMPORT_CHUNK_BYTES)
            s_fuzz_flush(&im, on_chunk, ctx);
    }
    if (ok)
        s_fuzz_flush(&im, on_chunk, ctx);
    intake_csv_destroy(&csv);
    free(im.rows);
    free(im.problems);
    fc_arena_destroy(&im.arena);
    return ok;
}
