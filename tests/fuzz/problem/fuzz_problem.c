/* libFuzzer target: a rotation problem file (fc-rotation-problem/1), optionally followed by a
 * roster file (fc-rotation-roster/1) in the same input — the files `fc-rotation check` reads.
 * The problem goes through rp_problem_from_json and, once accepted, must survive its own
 * round trip (rp_problem_to_json → rp_problem_from_json: the service stores problems that
 * way); the roster is read against it and checked by the independent checker. Must never
 * crash, leak, hang or hit undefined behaviour. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "rotation_check.h"
#include "rotation_problem.h"
#include "rotation_roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    fc_err_t err;
    rp_problem_t *pb = NULL, *again = NULL;
    rotation_roster_t *roster = NULL;
    rotation_check_t *check = NULL;
    json_t *rdoc = NULL, *out = NULL;
    /* the problem is the first JSON value; whatever follows it is the roster */
    json_t *doc = json_loadb((const char *)data, size, JSON_DISABLE_EOF_CHECK, &jerr);
    if (!doc)
        goto done;
    fc_err_clear(&err);
    if (!(pb = rp_problem_from_json(doc, &err)))
        goto done;
    out = rp_problem_to_json(pb);
    fc_err_clear(&err);
    if (!(again = rp_problem_from_json(out, &err)))
        __builtin_trap(); /* a problem it wrote itself must read back */
    size_t used = (size_t)jerr.position;
    if (used >= size)
        goto done;
    rdoc = json_loadb((const char *)data + used, size - used, 0, &jerr);
    fc_err_clear(&err);
    if (rdoc && (roster = rotation_roster_from_json(rdoc, pb, &err)) != NULL)
        check = rotation_check_run(pb, roster);
done:
    rotation_check_destroy(&check);
    rotation_roster_destroy(&roster);
    rp_problem_destroy(&again);
    rp_problem_destroy(&pb);
    json_decref(out);
    json_decref(rdoc);
    json_decref(doc);
    return 0;
}
