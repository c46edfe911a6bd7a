/* test_notify_supply: a post's daily need not met in time (welfare.supply_need_overdue, seed
 * 000 §3) reminds the organisation department of the post's subsidiary exactly once, in its
 * language, over its channels — also when welfare's event is delivered twice or published
 * again — and a malformed event is rejected without a message. End to end with the real
 * fc-welfare: a need recorded there and not met by its due time (the file clock moved past it)
 * reaches the department exactly once; a need met in time — by hand or by an issue to the post
 * that covers it — never does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc/v1/intake.pb-c.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_rpc.h"
#include <signal.h>
#include "notify_testkit.h"
#include "notify_world.h"

#define HOUR (3600LL * FC_US_PER_S)
#define WAIT 10000

static notify_world_t W;
static pid_t s_welfare_pid; /* the real fc-welfare of the end-to-end test */

static int s_teardown(void **state)
{
    (void)state;
    if (s_welfare_pid > 0)
        fc_h_stop(s_welfare_pid, SIGKILL, 5000);
    s_welfare_pid = 0;
    nw_end(&W);
    return 0;
}

static void s_overdue(int64_t id, const char *org, int64_t at)
{
    Fc__V1__SupplyNeed n = FC__V1__SUPPLY_NEED__INIT;
    n.id = id;
    n.post_code = "P1";
    n.post_name = "东门卡口";
    n.org_code = (char *)org;
    n.day = "2026-11-23";
    n.item = "lodging";
    n.item_name = "住宿";
    n.unit = "间夜";
    n.quantity = 6;
    n.detail = "夜班人员就近住宿";
    n.due_us = at - HOUR;
    n.overdue_at_us = at;
    Fc__V1__SupplyNeedEvent ev = FC__V1__SUPPLY_NEED_EVENT__INIT;
    ev.need = &n;
    ev.at_us = at;
    nt_publish("welfare", "welfare.supply_need_overdue", &ev.base, at);
}

static void test_need_overdue_reminds_once(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-23T11:00:00+08:00");
    nw_begin(&W, "test_notify_supply_once", t0, NULL);
    s_overdue(41, "B1", t0);
    s_overdue(41, "B1", t0); /* the same need published again */
    /* S1's department reads English: its robot gets the reminder once */
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "Daily need overdue", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "lodging") +
                         notify_fake_count_with(W.http, "wecom", "住宿"),
                     1);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM notify.inbox_item"
                                      " WHERE recipient = '@S1'",
                                      1, fc_h_ms(WAIT)),
                     1);
    nw_settle(600);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "Daily need overdue"), 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder"
                                 " WHERE kind = 'supply_need_overdue'"),
                     1);
    assert_int_equal(
        fc_h_scalar("SELECT count(*) FROM notify.message m JOIN notify.reminder r"
                    " ON r.reminder_id = m.reminder_id WHERE r.kind = 'supply_need_overdue'"),
        1);
    /* another need is another reminder */
    s_overdue(42, "B1", t0);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "Daily need overdue", 2, WAIT), 2);
    /* a malformed event (no post) is rejected: no reminder */
    Fc__V1__SupplyNeed n = FC__V1__SUPPLY_NEED__INIT;
    n.id = 43;
    n.org_code = "B1";
    n.day = "2026-11-23";
    Fc__V1__SupplyNeedEvent ev = FC__V1__SUPPLY_NEED_EVENT__INIT;
    ev.need = &n;
    nt_publish("welfare", "welfare.supply_need_overdue", &ev.base, t0);
    nw_settle(600);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder"
                                 " WHERE kind = 'supply_need_overdue'"),
                     2);

    /* a request still waiting after the policy's wait: once, to the same department */
    Fc__V1__SupplyRequestRow q = FC__V1__SUPPLY_REQUEST_ROW__INIT;
    q.id = 77;
    q.post_code = "P1";
    q.post_name = "东门卡口";
    q.org_code = "B1";
    q.item = "protective_suit";
    q.item_name = "防护服";
    q.unit = "套";
    q.quantity = 40;
    q.served = 15;
    q.requested_at_us = t0 - 25 * HOUR;
    Fc__V1__SupplyRequestEvent rq = FC__V1__SUPPLY_REQUEST_EVENT__INIT;
    rq.request = &q;
    rq.at_us = t0;
    nt_publish("welfare", "welfare.supply_request_waiting", &rq.base, t0);
    nt_publish("welfare", "welfare.supply_request_waiting", &rq.base, t0);
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "Supply request waiting", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "25 套"), 1); /* what is missing */
    nw_settle(600);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "Supply request waiting"), 1);
}

static ProtobufCMessage *s_welfare_as(const char *role, const char *type,
                                      const ProtobufCMessage *req,
                                      const ProtobufCMessageDescriptor *desc)
{
    fc_rpc_client_opts_t o = {.actor_id = "sec",
                              .actor_role = role,
                              .org_scope = "S1",
                              .timeout_ms = fc_h_ms(10000),
                              .retries = 2};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("welfare"), &o);
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    int rc = fc_rpc_call(c, type, req, desc, &reply, NULL, &err);
    fc_rpc_client_destroy(&c);
    if (rc != FC_OK)
        fail_msg("%s: %s: %s", type, err.field, err.message);
    return reply;
}

static ProtobufCMessage *s_welfare(const char *type, const ProtobufCMessage *req,
                                   const ProtobufCMessageDescriptor *desc)
{
    return s_welfare_as("branch_secretary", type, req, desc);
}

static void test_need_end_to_end(void **state)
{
    (void)state;
    int64_t t0 = nt_time("2026-11-24T09:00:00+08:00");
    nw_begin(&W, "test_notify_supply_e2e", t0, NULL);
    char clock_env[320];
    snprintf(clock_env, sizeof clock_env, "FC_CLOCK=file:%s",
             nt_clock_init("test_notify_supply_e2e", t0));
    Fc__V1__Post p = FC__V1__POST__INIT;
    p.post_code = "GATE1";
    p.org_code = "B1";
    p.name = "东门卡口";
    p.kind = "checkpoint";
    p.risk_class = 1;
    Fc__V1__PostUpserted pu = FC__V1__POST_UPSERTED__INIT;
    pu.post = &p;
    pu.at_us = t0;
    nt_publish("intake", "intake.post_upserted", &pu.base, t0);
    const char *env[] = {clock_env, "WELFARE_SWEEP_MS=50", NULL};
    s_welfare_pid = fc_h_up("welfare", env);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM welfare.supply_post", 1, fc_h_ms(WAIT)),
                     1);
    Fc__V1__SupplyNeedRecordRequest r = FC__V1__SUPPLY_NEED_RECORD_REQUEST__INIT;
    r.post_code = "GATE1";
    r.item = "lodging";
    r.quantity = 4;
    r.detail = "夜班人员就近住宿";
    r.due_us = t0 + HOUR;
    protobuf_c_message_free_unpacked(
        s_welfare("welfare.supply_need_record", &r.base, &fc__v1__supply_need_reply__descriptor),
        NULL);
    r.item = "meals";
    r.quantity = 12;
    r.due_us = t0 + HOUR;
    Fc__V1__SupplyNeedReply *meals = (Fc__V1__SupplyNeedReply *)s_welfare(
        "welfare.supply_need_record", &r.base, &fc__v1__supply_need_reply__descriptor);
    Fc__V1__SupplyNeedMetRequest met = FC__V1__SUPPLY_NEED_MET_REQUEST__INIT;
    met.id = meals->need->id;
    protobuf_c_message_free_unpacked(&meals->base, NULL);
    protobuf_c_message_free_unpacked(
        s_welfare("welfare.supply_need_met", &met.base, &fc__v1__supply_need_reply__descriptor),
        NULL);
    /* warmth: met by welfare when an issue to the post covers it, never chased */
    r.item = "warmth";
    r.quantity = 3;
    Fc__V1__SupplyNeedReply *warm = (Fc__V1__SupplyNeedReply *)s_welfare(
        "welfare.supply_need_record", &r.base, &fc__v1__supply_need_reply__descriptor);
    long long warm_id = (long long)warm->need->id;
    protobuf_c_message_free_unpacked(&warm->base, NULL);
    Fc__V1__SupplyReceiveRequest rc = FC__V1__SUPPLY_RECEIVE_REQUEST__INIT;
    rc.org_code = "B1";
    rc.item = "warmth";
    rc.quantity = 10;
    rc.source = "工会采购";
    rc.idempotency_key = "notify-e2e-warmth";
    protobuf_c_message_free_unpacked(
        s_welfare_as("org_admin", "welfare.supply_receive", &rc.base,
                     &fc__v1__supply_move_reply__descriptor),
        NULL);
    Fc__V1__SupplyIssueRequest is = FC__V1__SUPPLY_ISSUE_REQUEST__INIT;
    is.org_code = "B1";
    is.post_code = "GATE1";
    is.item = "warmth";
    is.quantity = 3;
    protobuf_c_message_free_unpacked(
        s_welfare_as("org_admin", "welfare.supply_issue", &is.base,
                     &fc__v1__supply_move_reply__descriptor),
        NULL);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM welfare.supply_need WHERE id = %lld AND met_at_us > 0"
             " AND met_by = 'welfare'",
             warm_id);
    assert_int_equal(fc_h_scalar(sql), 1);
    nw_settle(300);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "Daily need overdue"), 0);
    nt_clock_set(t0 + 2 * HOUR); /* past the due time: the lodging was never recorded met */
    assert_int_equal(nw_wait_fake_with(W.http, "wecom", "Daily need overdue", 1, WAIT), 1);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "住宿"), 1); /* the item's name */
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "御寒物资"), 0); /* met by the issue */
    nt_clock_set(t0 + 26 * HOUR); /* a day later: still the one reminder */
    nw_settle(800);
    assert_int_equal(notify_fake_count_with(W.http, "wecom", "Daily need overdue"), 1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.reminder"
                                 " WHERE kind = 'supply_need_overdue'"),
                     1);
    assert_int_equal(fc_h_stop(s_welfare_pid, SIGTERM, fc_h_ms(10000)), 0);
    s_welfare_pid = 0;
}

int main(void)
{
    fc_log_init("test_notify_supply", FC_LOG_ERROR);
    nw_fakes(&W);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_need_overdue_reminds_once, s_teardown),
        cmocka_unit_test_teardown(test_need_end_to_end, s_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    nw_destroy(&W);
    return rc;
}
