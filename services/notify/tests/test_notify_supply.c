/* test_notify_supply: a post's daily need not met in time (welfare.supply_need_overdue, seed
 * 000 §3) reminds the organisation department of the post's subsidiary exactly once, in its
 * language, over its channels — also when welfare's event is delivered twice or published
 * again — and a malformed event is rejected without a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc/v1/welfare.pb-c.h"
#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "notify_testkit.h"
#include "notify_world.h"

#define HOUR (3600LL * FC_US_PER_S)
#define WAIT 10000

static notify_world_t W;

static int s_teardown(void **state)
{
    (void)state;
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
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM notify.message m JOIN notify.reminder r"
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
}

int main(void)
{
    fc_log_init("test_notify_supply", FC_LOG_ERROR);
    nw_fakes(&W);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_need_overdue_reminds_once, s_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    nw_destroy(&W);
    return rc;
}
