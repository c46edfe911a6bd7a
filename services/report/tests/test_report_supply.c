/* test_report_supply: the weekly report's supplies section (防护物资与生活保障, seed 000 §3) end to
 * end over real processes: intake's org and post events are put on their stream, the real
 * fc-welfare receives, transfers, serves requests by priority and chases a daily need, and the
 * real fc-report projects welfare's supply events; the section's figures (stock at the week's
 * end, days of cover, requests open, needs not met in time) are compared with what this test
 * did, following docs/report-definitions.md §15. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc/v1/intake.pb-c.h"
#include "fc/v1/report.pb-c.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_id.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_pb.h"
#include "fc_redis.h"
#include "fc_rpc.h"
#include "report_check.h"

#define HOUR (3600LL * 1000000)

static fc_redis_t *s_redis;
static char s_clock_file[128], s_env_clock[160];
static pid_t s_welfare, s_report;

static void s_set_clock(int64_t us)
{
    FILE *f = fopen(s_clock_file, "w");
    fprintf(f, "%lld\n", (long long)us);
    fclose(f);
}

static void s_xadd(const char *source, const char *type, const ProtobufCMessage *m, int64_t at)
{
    size_t len = 0;
    uint8_t *payload = fc_pb_pack(m, &len);
    char id[FC_ID_LEN + 1], ats[24], stream[64];
    fc_id_new(id);
    snprintf(ats, sizeof ats, "%lld", (long long)at);
    snprintf(stream, sizeof stream, "fc:events:%s", source);
    const char *argv[] = {"XADD",
                          stream,
                          "*",
                          "id",
                          id,
                          "type",
                          type,
                          "source",
                          source,
                          "at",
                          ats,
                          "payload",
                          (const char *)payload};
    size_t lens[13];
    for (int i = 0; i < 12; i++)
        lens[i] = strlen(argv[i]);
    lens[12] = len;
    fc_err_t err;
    redisReply *r = fc_redis_cmdargv(s_redis, &err, 13, argv, lens);
    if (!r)
        fail_msg("XADD %s: %s", type, err.message);
    freeReplyObject(r);
    free(payload);
}

static void s_org(const char *code, const char *parent, const char *kind, int64_t at)
{
    Fc__V1__OrgUnit u = FC__V1__ORG_UNIT__INIT;
    u.org_code = (char *)code;
    u.parent_code = (char *)parent;
    u.name = (char *)code;
    u.kind = (char *)kind;
    Fc__V1__OrgUpserted ev = FC__V1__ORG_UPSERTED__INIT;
    ev.unit = &u;
    ev.at_us = at;
    s_xadd("intake", "intake.org_upserted", &ev.base, at);
}

static void s_post(const char *code, const char *org, int risk, int64_t at)
{
    Fc__V1__Post p = FC__V1__POST__INIT;
    p.post_code = (char *)code;
    p.org_code = (char *)org;
    p.name = (char *)code;
    p.kind = "checkpoint";
    p.risk_class = risk;
    Fc__V1__PostUpserted ev = FC__V1__POST_UPSERTED__INIT;
    ev.post = &p;
    ev.at_us = at;
    s_xadd("intake", "intake.post_upserted", &ev.base, at);
}

static ProtobufCMessage *s_welfare_call(const char *type, const ProtobufCMessage *req,
                                        const ProtobufCMessageDescriptor *desc)
{
    fc_rpc_client_opts_t o = {
        .actor_id = "test", .actor_role = "service", .timeout_ms = fc_h_ms(10000), .retries = 2};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("welfare"), &o);
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    int rc = fc_rpc_call(c, type, req, desc, &reply, NULL, &err);
    fc_rpc_client_destroy(&c);
    if (rc != FC_OK)
        fail_msg("%s: %s: %s", type, err.field, err.message);
    return reply;
}

static void s_receive(const char *org, const char *item, long long qty, const char *key)
{
    Fc__V1__SupplyReceiveRequest r = FC__V1__SUPPLY_RECEIVE_REQUEST__INIT;
    r.org_code = (char *)org;
    r.item = (char *)item;
    r.quantity = qty;
    r.source = "采购";
    r.idempotency_key = (char *)key;
    protobuf_c_message_free_unpacked(
        s_welfare_call("welfare.supply_receive", &r.base, &fc__v1__supply_move_reply__descriptor),
        NULL);
}

static void s_request(const char *post, const char *item, long long qty)
{
    Fc__V1__SupplyRequestNew r = FC__V1__SUPPLY_REQUEST_NEW__INIT;
    r.post_code = (char *)post;
    r.item = (char *)item;
    r.quantity = qty;
    protobuf_c_message_free_unpacked(s_welfare_call("welfare.supply_request", &r.base,
                                                    &fc__v1__supply_request_reply__descriptor),
                                     NULL);
}

static void s_serve(const char *org, const char *item)
{
    Fc__V1__SupplyServeRequest r = FC__V1__SUPPLY_SERVE_REQUEST__INIT;
    r.org_code = (char *)org;
    r.item = (char *)item;
    protobuf_c_message_free_unpacked(
        s_welfare_call("welfare.supply_serve", &r.base, &fc__v1__supply_serve_reply__descriptor),
        NULL);
}

static long long s_need(const char *post, const char *item, long long qty, int64_t due)
{
    Fc__V1__SupplyNeedRecordRequest r = FC__V1__SUPPLY_NEED_RECORD_REQUEST__INIT;
    r.post_code = (char *)post;
    r.item = (char *)item;
    r.quantity = qty;
    r.due_us = due;
    Fc__V1__SupplyNeedReply *rep = (Fc__V1__SupplyNeedReply *)s_welfare_call(
        "welfare.supply_need_record", &r.base, &fc__v1__supply_need_reply__descriptor);
    long long id = rep->need->id;
    protobuf_c_message_free_unpacked(&rep->base, NULL);
    return id;
}

/* The cell of a row by column key. */
static const Fc__V1__ReportCell *s_cell(const Fc__V1__ReportTable *t, const char *row,
                                        const char *col)
{
    for (size_t r = 0; r < t->n_rows; r++) {
        if (strcmp(t->rows[r]->key, row) != 0)
            continue;
        for (size_t c = 0; c < t->n_columns; c++)
            if (strcmp(t->columns[c]->key, col) == 0)
                return t->rows[r]->cells[c];
    }
    fail_msg("no cell %s / %s in %s", row, col, t->key);
    return NULL;
}

static long long s_num(const Fc__V1__ReportTable *t, const char *row, const char *col)
{
    const Fc__V1__ReportCell *c = s_cell(t, row, col);
    assert_false(c->is_null);
    return c->num;
}

static const Fc__V1__ReportTable *s_table(const Fc__V1__ReportSection *s, const char *key)
{
    for (size_t i = 0; i < s->n_tables; i++)
        if (strcmp(s->tables[i]->key, key) == 0)
            return s->tables[i];
    fail_msg("no table %s", key);
    return NULL;
}

static void test_supplies_section(void **state)
{
    (void)state;
    fc_h_reset();
    fc_err_t err;
    s_redis = fc_redis_new(getenv("FC_REDIS_URL"), &err);
    assert_non_null(s_redis);
    snprintf(s_clock_file, sizeof s_clock_file, "/tmp/fc_report_supply_clock_%d", (int)getpid());
    snprintf(s_env_clock, sizeof s_env_clock, "FC_CLOCK=file:%s", s_clock_file);
    /* Monday 2026-11-23 10:00 Shanghai, in ISO week 2026-W48 */
    int64_t t0 = INT64_C(1795399200000000);
    s_set_clock(t0);
    s_org("G", "", "group", t0);
    s_org("S1", "G", "subsidiary", t0);
    s_org("B1", "S1", "branch", t0);
    s_org("S2", "G", "subsidiary", t0);
    s_org("B2", "S2", "branch", t0);
    s_post("P1", "B1", 1, t0);
    s_post("P2", "B2", 2, t0);
    const char *wenv[] = {s_env_clock, "WELFARE_SWEEP_MS=50", NULL};
    s_welfare = fc_h_up("welfare", wenv);
    const char *renv[] = {s_env_clock, "FC_REPORT_SCHEDULE_ENABLED=0", NULL};
    s_report = fc_h_up("report", renv);
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM welfare.supply_post", 2, fc_h_ms(20000)), 2);

    s_receive("G", "mask", 1000, "g-masks");
    Fc__V1__SupplyTransferRequest tr = FC__V1__SUPPLY_TRANSFER_REQUEST__INIT;
    tr.from_org = "G";
    tr.to_org = "S1";
    tr.item = "mask";
    tr.quantity = 400;
    protobuf_c_message_free_unpacked(
        s_welfare_call("welfare.supply_transfer", &tr.base, &fc__v1__supply_move_reply__descriptor),
        NULL);
    s_request("P1", "mask", 300);
    s_request("P2", "mask", 500);
    s_request("P2", "disinfectant", 50); /* nothing in stock: still waiting at the week's end */
    s_serve("S1", "mask");               /* P1: 300 of S1's 400 */
    s_serve("G", "mask");                /* P2: 500 of G's 600 */
    s_need("P1", "meals", 20, t0 + 2 * HOUR);                 /* never met */
    long long n2 = s_need("P2", "lodging", 4, t0 + 2 * HOUR); /* met in time */
    Fc__V1__SupplyNeedMetRequest met = FC__V1__SUPPLY_NEED_MET_REQUEST__INIT;
    met.id = n2;
    protobuf_c_message_free_unpacked(s_welfare_call("welfare.supply_need_met", &met.base,
                                                    &fc__v1__supply_need_reply__descriptor),
                                     NULL);
    s_set_clock(t0 + 3 * HOUR);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.supply_need"
                                      " WHERE overdue_us IS NOT NULL",
                                      1, fc_h_ms(20000)),
                     1);
    assert_int_equal(
        fc_h_wait_scalar("SELECT count(*) FROM report.supply_moved", 4, fc_h_ms(20000)), 4);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM report.supply_request"
                                      " WHERE served_us IS NOT NULL",
                                      2, fc_h_ms(20000)),
                     2);

    /* the report of the week */
    fc_rpc_client_opts_t o = {.timeout_ms = fc_h_ms(60000), .retries = 0};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("report"), &o);
    Fc__V1__ReportGenerateRequest gr = FC__V1__REPORT_GENERATE_REQUEST__INIT;
    gr.iso_week = "2026-W48";
    gr.org_code = "";
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fc_rpc_call(c, "report.weekly_generate", &gr.base,
                                 &fc__v1__report_generate_reply__descriptor, &reply, NULL, &err),
                     FC_OK);
    long long id = ((Fc__V1__ReportGenerateReply *)reply)->meta->report_id;
    protobuf_c_message_free_unpacked(reply, NULL);
    Fc__V1__ReportGetRequest get = FC__V1__REPORT_GET_REQUEST__INIT;
    get.report_id = id;
    assert_int_equal(fc_rpc_call(c, "report.weekly_get", &get.base,
                                 &fc__v1__report_get_reply__descriptor, &reply, NULL, &err),
                     FC_OK);
    fc_rpc_client_destroy(&c);
    const Fc__V1__ReportWeekly *r = ((Fc__V1__ReportGetReply *)reply)->report;
    const Fc__V1__ReportSection *s = rc_section(r, "supplies");
    assert_non_null(s);
    if (strcmp(s->status, "complete") != 0)
        fail_msg("supplies section %s: %s", s->status, s->reason);

    const Fc__V1__ReportTable *u = s_table(s, "by_unit");
    assert_int_equal(s_num(u, "S1", "requests_made"), 1);
    assert_int_equal(s_num(u, "S1", "requests_served"), 1);
    assert_int_equal(s_num(u, "S1", "requests_open"), 0);
    assert_int_equal(s_num(u, "S1", "needs_due"), 1);
    assert_int_equal(s_num(u, "S1", "needs_in_time"), 0);
    assert_int_equal(s_num(u, "S1", "needs_not_in_time"), 1);
    assert_int_equal(s_num(u, "S1", "needs_open"), 1);
    assert_int_equal(s_num(u, "S2", "requests_made"), 2);
    assert_int_equal(s_num(u, "S2", "requests_served"), 1);
    assert_int_equal(s_num(u, "S2", "requests_open"), 1);
    assert_int_equal(s_num(u, "S2", "needs_in_time"), 1);
    assert_int_equal(s_num(u, "S2", "needs_not_in_time"), 0);
    assert_int_equal(s_num(u, "G", "requests_made"), 3); /* the total row, keyed by the scope */
    assert_int_equal(s_num(u, "G", "needs_not_in_time"), 1);

    const Fc__V1__ReportTable *st = s_table(s, "stock");
    /* the group's own store: 1000 in, 400 down to S1, 500 issued to P2 */
    assert_int_equal(s_num(st, ":mask", "stock_end"), 100);
    assert_int_equal(s_num(st, ":mask", "received"), 1000);
    assert_int_equal(s_num(st, ":mask", "moved_out"), 400);
    assert_int_equal(s_num(st, ":mask", "issued"), 500);
    assert_int_equal(s_num(st, ":mask", "cover_days"), 1); /* 100 / (500 / 7) = 1.4 */
    assert_int_equal(s_num(st, "S1:mask", "stock_end"), 100);
    assert_int_equal(s_num(st, "S1:mask", "moved_in"), 400);
    assert_int_equal(s_num(st, "S1:mask", "issued"), 300);
    assert_int_equal(s_num(st, "S1:mask", "cover_days"), 2); /* 100 / (300 / 7) = 2.3 */
    assert_int_equal(s_num(st, "S2:disinfectant", "stock_end"), 0);
    assert_int_equal(s_num(st, "S2:disinfectant", "waiting"), 50);
    assert_true(s_cell(st, "S2:disinfectant", "cover_days")->is_null); /* no use: unknown */
    assert_string_equal(s_cell(st, "S1:mask", "item")->text, "口罩");
    protobuf_c_message_free_unpacked(reply, NULL);

    assert_int_equal(fc_h_scalar("SELECT count(*) FROM report.inbox WHERE outcome <> 'applied'"),
                     0);
    assert_int_equal(fc_h_stop(s_report, SIGTERM, fc_h_ms(10000)), 0);
    assert_int_equal(fc_h_stop(s_welfare, SIGTERM, fc_h_ms(10000)), 0);
    s_report = s_welfare = 0;
    fc_redis_destroy(&s_redis);
    unlink(s_clock_file);
}

static int s_teardown(void **state)
{
    (void)state;
    if (s_report > 0)
        fc_h_stop(s_report, SIGKILL, 5000);
    if (s_welfare > 0)
        fc_h_stop(s_welfare, SIGKILL, 5000);
    fc_redis_destroy(&s_redis);
    return 0;
}

int main(void)
{
    fc_log_init("test_report_supply", FC_LOG_ERROR);
    fc_h_init("test_report_supply");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_supplies_section, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
