/* The csv target's client half: fcctl's import reader (intake_csv_rows, the very code fcctl's
 * `import` runs: header check, record → row mapping, chunking), each chunk packed and handed to
 * a callback instead of the network. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_csv.h"
#include "intake_csv.h"
#include "intake_csv_rows.h"
#include "fc_pb.h"

/* Sends the pending chunk as fcctl's s_imp_flush does, to on_chunk. */
static void s_fuzz_flush(intake_csv_rows_t *rows, fuzz_csv_chunk_fn on_chunk, void *ctx)
{
    Fc__V1__ImportChunkRequest req = FC__V1__IMPORT_CHUNK_REQUEST__INIT;
    if (!intake_csv_rows_chunk(rows, &req))
        return;
    req.import_id = (char *)"fuzz";
    size_t len = 0;
    uint8_t *packed = fc_pb_pack(&req.base, &len);
    on_chunk(ctx, packed, len); /* takes packed */
    intake_csv_rows_sent(rows);
}

int fuzz_csv_read(const char *kind, FILE *f, size_t max_bytes, fuzz_csv_chunk_fn on_chunk,
                  void *ctx)
{
    /* What fcctl tells the user goes nowhere: only the parsing matters here. */
    static FILE *devnull;
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    intake_csv_rows_t *rows = intake_csv_rows_new(kind, devnull);
    if (!rows)
        abort();
    int ok = intake_csv_rows_header(rows, f, max_bytes);
    while (ok) {
        int r = intake_csv_rows_fill(rows);
        if (r == INTAKE_CSV_FATAL)
            ok = 0;
        else
            s_fuzz_flush(rows, on_chunk, ctx);
        if (r != INTAKE_CSV_RECORD)
            break;
    }
    intake_csv_rows_destroy(&rows);
    return ok;
}
