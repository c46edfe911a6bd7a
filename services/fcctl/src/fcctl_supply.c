/* fcctl_supply: protective supplies and daily needs (fc-welfare, seed 000 §3) — the items
 * catalogue, receipts, transfers down the tree, issues, requests from posts served by
 * priority, stock with days of cover, and a post's daily needs. */
#include "fcctl.h"
#include "fcctl_opts.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_clock.h"
#include "fc_id.h"

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int s_run(fcctl_t *ctl, const char *type, const ProtobufCMessage *req,
                 const ProtobufCMessageDescriptor *desc, void (*print)(const ProtobufCMessage *))
{
    return fcctl_run(ctl, "welfare", type, req, desc, print);
}

/* A whole positive quantity; a usage error otherwise (0 and negatives are left to the
 * service only when they parse, so its message names the field). */
static int s_qty(const char *s, int64_t *out)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end) {
        fprintf(stderr, "fcctl: quantity: \"%s\" is not a whole number\n", s);
        return FCCTL_EUSAGE;
    }
    *out = v;
    return FCCTL_OK;
}

static const char *s_time(int64_t us, char *buf, size_t n)
{
    if (!us)
        snprintf(buf, n, "—");
    else
        fc_time_format_local(us, buf, n);
    return buf;
}

static const char *s_state(const char *s)
{
    if (!strcmp(s, "waiting"))
        return "待保障";
    if (!strcmp(s, "partial"))
        return "部分保障";
    if (!strcmp(s, "served"))
        return "已保障";
    if (!strcmp(s, "cancelled"))
        return "已取消";
    return s;
}

static const char *s_class(int c)
{
    return c == 1 ? "一类" : c == 2 ? "二类" : "其他";
}

static void s_cover(int32_t x10, char *buf, size_t n)
{
    if (x10 < 0)
        snprintf(buf, n, "—");
    else
        snprintf(buf, n, "%d.%d", x10 / 10, x10 % 10);
}

static void s_print_stock(Fc__V1__SupplyStock **s, size_t n)
{
    if (n == 0) {
        printf("（无库存记录）\n");
        return;
    }
    printf("%-10s %-16s %12s %10s %10s %10s %8s\n", "组织", "物资", "库存", "近7天发放", "待保障",
           "累计入库", "可用天数");
    for (size_t i = 0; i < n; i++) {
        char cover[24], item[128];
        s_cover(s[i]->cover_days_x10, cover, sizeof cover);
        snprintf(item, sizeof item, "%s(%s)", s[i]->item_name, s[i]->unit);
        printf("%-10s %-16s %12" PRId64 " %10" PRId64 " %10" PRId64 " %10" PRId64 " %8s\n",
               s[i]->org_code, item, s[i]->stock, s[i]->issued_7d, s[i]->waiting, s[i]->received,
               cover);
    }
}

static void print_move(const ProtobufCMessage *m)
{
    const Fc__V1__SupplyMoveReply *r = (const Fc__V1__SupplyMoveReply *)m;
    printf("已记账（物资转账 #%" PRId64 "）%s\n", r->transfer_id,
           r->replayed ? "（幂等键已用过：这是第一次的结果，未重复入账）" : "");
    s_print_stock(r->stock, r->n_stock);
}

static void print_items(const ProtobufCMessage *m)
{
    const Fc__V1__SupplyItemsReply *r = (const Fc__V1__SupplyItemsReply *)m;
    printf("%-18s %-14s %-6s %-8s %s\n", "代码", "名称", "单位", "类别", "来源");
    for (size_t i = 0; i < r->n_items; i++)
        printf("%-18s %-14s %-6s %-8s %s\n", r->items[i]->code, r->items[i]->name,
               r->items[i]->unit, strcmp(r->items[i]->category, "daily") ? "防护物资" : "生活保障",
               strcmp(r->items[i]->source, "policy") ? "命令" : "政策");
}

/* Options: --memo/--note/--detail (text), --key, --source, --day, --due, --item, --state,
 * --org, --subtree, --open, --limit. Values left NULL/0 when absent. */
typedef struct {
    char *memo, *key, *source, *day, *item, *state, *org;
    int64_t due_us;
    protobuf_c_boolean subtree, open;
    int32_t limit;
} s_opts_t;

static int s_opts(int argc, char **argv, s_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->memo = o->key = o->source = o->day = o->item = o->state = o->org = "";
    const fcctl_opt_t t[] = {
        FCCTL_TEXT("memo", 'm', &o->memo),     FCCTL_TEXT("note", 'm', &o->memo),
        FCCTL_TEXT("detail", 'm', &o->memo),   FCCTL_TEXT("key", 'k', &o->key),
        FCCTL_TEXT("source", 's', &o->source), FCCTL_TEXT("day", 'd', &o->day),
        FCCTL_TIME("due", 'u', &o->due_us),    FCCTL_TEXT("item", 'i', &o->item),
        FCCTL_TEXT("state", 't', &o->state),   FCCTL_TEXT("org", 'o', &o->org),
        FCCTL_FLAG("subtree", 'S', &o->subtree), FCCTL_FLAG("open", 'O', &o->open),
        FCCTL_NUM("limit", 'l', &o->limit),    FCCTL_OPTS_END};
    return fcctl_parse_opts(argc, argv, t, 0, INT_MAX);
}

static int cmd_item(fcctl_t *ctl, int argc, char **argv)
{
    s_opts_t o;
    if (s_opts(argc, argv, &o) != FCCTL_OK)
        return FCCTL_EUSAGE;
    if (optind == argc) {
        Fc__V1__SupplyItemsRequest req = FC__V1__SUPPLY_ITEMS_REQUEST__INIT;
        return s_run(ctl, "welfare.supply_items", &req.base,
                     &fc__v1__supply_items_reply__descriptor, print_items);
    }
    if (optind != argc - 4)
        return FCCTL_EUSAGE;
    Fc__V1__SupplyItem it = FC__V1__SUPPLY_ITEM__INIT;
    it.code = argv[optind];
    it.name = argv[optind + 1];
    it.unit = argv[optind + 2];
    it.category = argv[optind + 3];
    Fc__V1__SupplyItemSetRequest req = FC__V1__SUPPLY_ITEM_SET_REQUEST__INIT;
    req.item = &it;
    return s_run(ctl, "welfare.supply_item_set", &req.base, &fc__v1__supply_items_reply__descriptor,
                 print_items);
}

static int cmd_receive(fcctl_t *ctl, int argc, char **argv)
{
    s_opts_t o;
    Fc__V1__SupplyReceiveRequest req = FC__V1__SUPPLY_RECEIVE_REQUEST__INIT;
    if (s_opts(argc, argv, &o) != FCCTL_OK || optind != argc - 3)
        return FCCTL_EUSAGE;
    int rc = s_qty(argv[optind + 2], &req.quantity);
    if (rc != FCCTL_OK)
        return rc;
    char key[160];
    snprintf(key, sizeof key, "%s", o.key);
    if (!key[0]) {
        /* no key given: a fresh one, printed so that a retry can reuse it */
        char id[FC_ID_LEN + 1];
        fc_id_new(id);
        snprintf(key, sizeof key, "fcctl-%s", id);
        if (!ctl->json)
            fprintf(stderr, "fcctl: idempotency key %s (repeat with --key %s to retry safely)\n",
                    key, key);
    }
    req.org_code = argv[optind];
    req.item = argv[optind + 1];
    req.source = (char *)o.source;
    req.memo = (char *)o.memo;
    req.idempotency_key = key;
    return s_run(ctl, "welfare.supply_receive", &req.base, &fc__v1__supply_move_reply__descriptor,
                 print_move);
}

static int cmd_transfer(fcctl_t *ctl, int argc, char **argv)
{
    s_opts_t o;
    Fc__V1__SupplyTransferRequest req = FC__V1__SUPPLY_TRANSFER_REQUEST__INIT;
    if (s_opts(argc, argv, &o) != FCCTL_OK || optind != argc - 4)
        return FCCTL_EUSAGE;
    int rc = s_qty(argv[optind + 3], &req.quantity);
    if (rc != FCCTL_OK)
        return rc;
    req.from_org = argv[optind];
    req.to_org = argv[optind + 1];
    req.item = argv[optind + 2];
    req.memo = (char *)o.memo;
    req.idempotency_key = (char *)o.key;
    return s_run(ctl, "welfare.supply_transfer", &req.base, &fc__v1__supply_move_reply__descriptor,
                 print_move);
}

static int cmd_issue(fcctl_t *ctl, int argc, char **argv)
{
    s_opts_t o;
    Fc__V1__SupplyIssueRequest req = FC__V1__SUPPLY_ISSUE_REQUEST__INIT;
    if (s_opts(argc, argv, &o) != FCCTL_OK || optind != argc - 4)
        return FCCTL_EUSAGE;
    int rc = s_qty(argv[optind + 3], &req.quantity);
    if (rc != FCCTL_OK)
        return rc;
    req.org_code = argv[optind];
    req.post_code = argv[optind + 1];
    req.item = argv[optind + 2];
    req.memo = (char *)o.memo;
    req.idempotency_key = (char *)o.key;
    return s_run(ctl, "welfare.supply_issue", &req.base, &fc__v1__supply_move_reply__descriptor,
                 print_move);
}

static void s_print_requests(Fc__V1__SupplyRequestRow **q, size_t n)
{
    if (n == 0) {
        printf("（无物资申请）\n");
        return;
    }
    printf("%4s %6s %-10s %-10s %-6s %6s %10s %10s %-8s %s\n", "顺位", "编号", "岗位", "物资",
           "风险", "在岗", "申请", "已保障", "状态", "申请时间");
    for (size_t i = 0; i < n; i++) {
        char t[40];
        printf("%4d %6" PRId64 " %-10s %-10s %-6s %6d %10" PRId64 " %10" PRId64 " %-8s %s\n",
               (int)q[i]->rank, q[i]->id, q[i]->post_code, q[i]->item_name,
               s_class(q[i]->risk_class), (int)q[i]->on_duty, q[i]->quantity, q[i]->served,
               s_state(q[i]->state), s_time(q[i]->requested_at_us, t, sizeof t));
    }
}

static void print_request(const ProtobufCMessage *m)
{
    const Fc__V1__SupplyRequestReply *r = (const Fc__V1__SupplyRequestReply *)m;
    printf("物资申请 #%" PRId64 " 已登记%s：%s %s %" PRId64 " %s（%s岗位，在岗 %d 人）\n",
           r->request->id, r->replayed ? "（幂等键已用过：这是第一次的结果）" : "",
           r->request->post_code, r->request->item_name, r->request->quantity, r->request->unit,
           s_class(r->request->risk_class), (int)r->request->on_duty);
}

static int cmd_request(fcctl_t *ctl, int argc, char **argv)
{
    s_opts_t o;
    Fc__V1__SupplyRequestNew req = FC__V1__SUPPLY_REQUEST_NEW__INIT;
    if (s_opts(argc, argv, &o) != FCCTL_OK || optind != argc - 3)
        return FCCTL_EUSAGE;
    int rc = s_qty(argv[optind + 2], &req.quantity);
    if (rc != FCCTL_OK)
        return rc;
    req.post_code = argv[optind];
    req.item = argv[optind + 1];
    req.memo = (char *)o.memo;
    req.idempotency_key = (char *)o.key;
    return s_run(ctl, "welfare.supply_request", &req.base,
                 &fc__v1__supply_request_reply__descriptor, print_request);
}

static void print_serve(const ProtobufCMessage *m)
{
    const Fc__V1__SupplyServeReply *r = (const Fc__V1__SupplyServeReply *)m;
    printf("本次保障 %zu 笔，共发放 %" PRId64 " 单位；仍待保障的申请 %d 笔\n", r->n_allocations,
           r->issued, (int)r->still_waiting);
    for (size_t i = 0; i < r->n_allocations; i++) {
        const Fc__V1__SupplyAllocation *a = r->allocations[i];
        printf("  申请 #%" PRId64 " %-10s %-14s %s岗位 在岗 %d 人  发放 %" PRId64 "  尚缺 %" PRId64
               "\n",
               a->request_id, a->post_code, a->item, s_class(a->risk_class), (int)a->on_duty,
               a->quantity, a->left);
    }
}

static int cmd_serve(fcctl_t *ctl, int argc, char **argv)
{
    s_opts_t o;
    Fc__V1__SupplyServeRequest req = FC__V1__SUPPLY_SERVE_REQUEST__INIT;
    if (s_opts(argc, argv, &o) != FCCTL_OK || (optind != argc - 1 && optind != argc - 2))
        return FCCTL_EUSAGE;
    req.org_code = argv[optind];
    req.item = optind == argc - 2 ? argv[optind + 1] : (char *)o.item;
    return s_run(ctl, "welfare.supply_serve", &req.base, &fc__v1__supply_serve_reply__descriptor,
                 print_serve);
}

static void print_requests(const ProtobufCMessage *m)
{
    const Fc__V1__SupplyRequestsReply *r = (const Fc__V1__SupplyRequestsReply *)m;
    s_print_requests(r->requests, r->n_requests);
}

static int cmd_requests(fcctl_t *ctl, int argc, char **argv)
{
    s_opts_t o;
    Fc__V1__SupplyRequestsRequest req = FC__V1__SUPPLY_REQUESTS_REQUEST__INIT;
    if (s_opts(argc, argv, &o) != FCCTL_OK || optind < argc - 1)
        return FCCTL_EUSAGE;
    req.org_code = optind == argc - 1 ? argv[optind] : (char *)o.org;
    req.item = (char *)o.item;
    req.state = (char *)o.state;
    req.limit = o.limit;
    return s_run(ctl, "welfare.supply_requests", &req.base,
                 &fc__v1__supply_requests_reply__descriptor, print_requests);
}

static void print_stock(const ProtobufCMessage *m)
{
    const Fc__V1__SupplyStockReply *r = (const Fc__V1__SupplyStockReply *)m;
    s_print_stock(r->stock, r->n_stock);
}

static int cmd_stock(fcctl_t *ctl, int argc, char **argv)
{
    s_opts_t o;
    Fc__V1__SupplyStockRequest req = FC__V1__SUPPLY_STOCK_REQUEST__INIT;
    if (s_opts(argc, argv, &o) != FCCTL_OK || optind < argc - 1)
        return FCCTL_EUSAGE;
    req.org_code = optind == argc - 1 ? argv[optind] : (char *)o.org;
    req.subtree = o.subtree;
    req.item = (char *)o.item;
    return s_run(ctl, "welfare.supply_stock", &req.base, &fc__v1__supply_stock_reply__descriptor,
                 print_stock);
}

static void s_print_need(const Fc__V1__SupplyNeed *n)
{
    char due[40], met[40];
    printf("需求 #%" PRId64 " %s %s %s %" PRId64 " %s  截止 %s  %s%s\n", n->id, n->day,
           n->post_code, n->item_name, n->quantity, n->unit, s_time(n->due_us, due, sizeof due),
           n->met_at_us       ? "已保障 "
           : n->overdue_at_us ? "逾期未保障"
                              : "待保障",
           n->met_at_us ? s_time(n->met_at_us, met, sizeof met) : "");
}

static void print_need(const ProtobufCMessage *m)
{
    s_print_need(((const Fc__V1__SupplyNeedReply *)m)->need);
}

static int cmd_need(fcctl_t *ctl, int argc, char **argv)
{
    s_opts_t o;
    Fc__V1__SupplyNeedRecordRequest req = FC__V1__SUPPLY_NEED_RECORD_REQUEST__INIT;
    if (s_opts(argc, argv, &o) != FCCTL_OK || optind != argc - 3)
        return FCCTL_EUSAGE;
    int rc = s_qty(argv[optind + 2], &req.quantity);
    if (rc != FCCTL_OK)
        return rc;
    req.post_code = argv[optind];
    req.item = argv[optind + 1];
    req.day = (char *)o.day;
    req.due_us = o.due_us;
    req.detail = (char *)o.memo;
    return s_run(ctl, "welfare.supply_need_record", &req.base,
                 &fc__v1__supply_need_reply__descriptor, print_need);
}

static int cmd_met(fcctl_t *ctl, int argc, char **argv)
{
    s_opts_t o;
    Fc__V1__SupplyNeedMetRequest req = FC__V1__SUPPLY_NEED_MET_REQUEST__INIT;
    if (s_opts(argc, argv, &o) != FCCTL_OK || optind != argc - 1)
        return FCCTL_EUSAGE;
    char *end = NULL;
    req.id = strtoll(argv[optind], &end, 10);
    if (*end || req.id <= 0) {
        fprintf(stderr, "fcctl: id: \"%s\" is not a need number\n", argv[optind]);
        return FCCTL_EUSAGE;
    }
    req.note = (char *)o.memo;
    return s_run(ctl, "welfare.supply_need_met", &req.base, &fc__v1__supply_need_reply__descriptor,
                 print_need);
}

static void print_needs(const ProtobufCMessage *m)
{
    const Fc__V1__SupplyNeedsReply *r = (const Fc__V1__SupplyNeedsReply *)m;
    if (r->n_needs == 0)
        printf("（无日常保障需求）\n");
    for (size_t i = 0; i < r->n_needs; i++)
        s_print_need(r->needs[i]);
}

static int cmd_needs(fcctl_t *ctl, int argc, char **argv)
{
    s_opts_t o;
    Fc__V1__SupplyNeedsRequest req = FC__V1__SUPPLY_NEEDS_REQUEST__INIT;
    if (s_opts(argc, argv, &o) != FCCTL_OK || optind < argc - 1)
        return FCCTL_EUSAGE;
    req.org_code = optind == argc - 1 ? argv[optind] : (char *)o.org;
    req.day = (char *)o.day;
    req.open_only = o.open;
    return s_run(ctl, "welfare.supply_needs", &req.base, &fc__v1__supply_needs_reply__descriptor,
                 print_needs);
}

const fcctl_cmd_t fcctl_supply_cmds[] = {
    {"supply item", "supply item [CODE NAME UNIT protective|daily]",
     "the supplies catalogue; with arguments adds or renames an item", cmd_item},
    {"supply receive", "supply receive ORG ITEM QUANTITY --source TEXT [--memo TEXT] [--key KEY]",
     "receives supplies into an org unit's stock (入库)", cmd_receive},
    {"supply transfer", "supply transfer FROM_ORG TO_ORG ITEM QUANTITY [--memo TEXT] [--key KEY]",
     "moves stock down the tree (调拨); only what FROM_ORG holds", cmd_transfer},
    {"supply issue", "supply issue ORG POST ITEM QUANTITY [--memo TEXT] [--key KEY]",
     "issues stock of ORG to a post below it", cmd_issue},
    {"supply request", "supply request POST ITEM QUANTITY [--memo TEXT] [--key KEY]",
     "a post asks for supplies", cmd_request},
    {"supply serve", "supply serve ORG [ITEM]",
     "serves waiting requests from ORG's stock, frontline first", cmd_serve},
    {"supply requests", "supply requests [ORG] [--item ITEM] [--state all|waiting|partial|served]",
     "requests in serving order", cmd_requests},
    {"supply stock", "supply stock [ORG] [--subtree] [--item ITEM]",
     "stock per unit and item, days of cover, unmet requests", cmd_stock},
    {"supply need",
     "supply need POST ITEM QUANTITY [--day YYYY-MM-DD] [--due TIME] [--detail TEXT]",
     "records a post's daily need (meals, lodging, warmth, night_duty, transport)", cmd_need},
    {"supply met", "supply met NEED_ID [--note TEXT]", "records a daily need met", cmd_met},
    {"supply needs", "supply needs [ORG] [--day YYYY-MM-DD] [--open]", "a subtree's daily needs",
     cmd_needs},
    {NULL, NULL, NULL, NULL},
};
