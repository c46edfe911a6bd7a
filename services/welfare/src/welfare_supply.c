/* welfare_supply: the supplies' rules and flows — policy and catalogue, receipts, transfers
 * down the tree, issues, requests served by priority, daily needs and their chasing, and the
 * projection of intake's posts and duties they rely on. SQL is in welfare_supply_store.c. */
#include "welfare_supply.h"
#include "welfare_rules.h"
#include "welfare_store.h"
#include "welfare_supply_store.h"
#include "fc/v1/intake.pb-c.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_pb.h"
#include "fc_policy.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_KEY_PREFIX "supply:" /* namespace of supply keys in welfare's idem_reply */

/* One service process serves one policy: set at start, read by the handlers. */
static welfare_supply_policy_t s_policy = {10, 100000000, 24};

/* ---- policy and catalogue ------------------------------------------------------------------- */

static int s_item_code(const char *field, const char *code, fc_err_t *err)
{
    size_t n = strlen(code);
    if (n == 0)
        return fc_err_set(err, FC_EINVAL, field, "须指定物资");
    int ok = n <= 32 && code[0] >= 'a' && code[0] <= 'z';
    for (size_t i = 1; ok && i < n; i++)
        ok = (code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9') ||
             code[i] == '_';
    return ok ? FC_OK
              : fc_err_set(err, FC_EINVAL, field,
                           "物资代码“%s”须为小写字母开头的 1–32 个小写字母、数字或下划线", code);
}

static int s_item_check(const char *path, const Fc__V1__SupplyItem *it, fc_err_t *err)
{
    char f[160];
    int rc;
    snprintf(f, sizeof f, "%s.code", path);
    if ((rc = s_item_code(f, it->code, err)) != FC_OK)
        return rc;
    snprintf(f, sizeof f, "%s.name", path);
    if ((rc = welfare_rules_text(f, it->name, 128, 1, err)) != FC_OK)
        return rc;
    snprintf(f, sizeof f, "%s.unit", path);
    if ((rc = welfare_rules_text(f, it->unit, 32, 1, err)) != FC_OK)
        return rc;
    if (strcmp(it->category, "protective") && strcmp(it->category, "daily")) {
        snprintf(f, sizeof f, "%s.category", path);
        return fc_err_set(err, FC_EINVAL, f,
                          "“%s”不是物资类别（protective 防护物资、daily 生活保障）", it->category);
    }
    return FC_OK;
}

int welfare_supply_policy_parse(const json_t *doc, welfare_supply_policy_t *out,
                                const json_t **items_out, fc_err_t *err)
{
    welfare_supply_policy_t p = {10, 100000000, 24};
    const json_t *sup = fc_policy_get(doc, "supplies");
    int rc;
    if (items_out)
        *items_out = NULL;
    if (sup && !json_is_object(sup))
        return fc_err_set(err, FC_EINVAL, "supplies", "not an object");
    if (sup) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)sup, k, v)
        {
            if (k[0] != '_' && strcmp(k, "items") && strcmp(k, "need_due_hour") &&
                strcmp(k, "max_quantity") && strcmp(k, "request_wait_hours"))
                return fc_err_set(err, FC_EINVAL, "supplies", "unknown policy key \"%s\"", k);
        }
    }
    if ((rc = fc_policy_int(doc, "supplies.need_due_hour", 10, 0, 23, &p.need_due_hour, err)) !=
            FC_OK ||
        (rc = fc_policy_int(doc, "supplies.max_quantity", 100000000, 1, INT64_C(1000000000000),
                            &p.max_quantity, err)) != FC_OK ||
        (rc = fc_policy_int(doc, "supplies.request_wait_hours", 24, 0, 24 * 366,
                            &p.request_wait_hours, err)) != FC_OK)
        return rc;
    const json_t *items = sup ? json_object_get(sup, "items") : NULL;
    if (items && !json_is_object(items))
        return fc_err_set(err, FC_EINVAL, "supplies.items", "not an object");
    const char *code;
    json_t *it;
    json_object_foreach((json_t *)items, code, it)
    {
        char path[96];
        snprintf(path, sizeof path, "supplies.items.%s", code);
        if (code[0] == '_')
            continue;
        const char *name = json_string_value(json_object_get(it, "name"));
        const char *unit = json_string_value(json_object_get(it, "unit"));
        const char *cat = json_string_value(json_object_get(it, "category"));
        Fc__V1__SupplyItem si = FC__V1__SUPPLY_ITEM__INIT;
        si.code = (char *)code;
        si.name = (char *)(name ? name : "");
        si.unit = (char *)(unit ? unit : "");
        si.category = (char *)(cat ? cat : "");
        if (!json_is_object(it))
            return fc_err_set(err, FC_EINVAL, path, "not an object");
        if ((rc = s_item_check(path, &si, err)) != FC_OK)
            return rc;
    }
    if (items_out)
        *items_out = items;
    *out = p;
    return FC_OK;
}

int welfare_supply_start(fc_service_t *svc, const char *dir, fc_err_t *err)
{
    fc_pg_t *pg = fc_service_pg(svc);
    json_t *doc = fc_policy_load(dir, "welfare", err);
    const json_t *items = NULL;
    int rc = doc ? welfare_supply_policy_parse(doc, &s_policy, &items, err) : FC_EINVAL;
    if (rc != FC_OK)
        goto out;
    if ((rc = fc_pg_begin(pg, err)) != FC_OK)
        goto out;
    int64_t now = fc_clock_now_us();
    const char *code;
    json_t *it;
    int n = 0;
    json_object_foreach((json_t *)items, code, it)
    {
        if (code[0] == '_')
            continue;
        Fc__V1__SupplyItem si = FC__V1__SUPPLY_ITEM__INIT;
        si.code = (char *)code;
        si.name = (char *)json_string_value(json_object_get(it, "name"));
        si.unit = (char *)json_string_value(json_object_get(it, "unit"));
        si.category = (char *)json_string_value(json_object_get(it, "category"));
        if ((rc = wss_item_upsert(pg, &si, "policy", now, err)) != FC_OK)
            goto out;
        n++;
    }
    if ((rc = fc_pg_commit(pg, err)) != FC_OK)
        goto out;
    fc_log_info("welfare.supply_items_loaded", "items", FC_LI(n), "need_due_hour",
                FC_LI(s_policy.need_due_hour), NULL);
out:
    if (fc_pg_in_tx(pg))
        fc_pg_rollback(pg);
    json_decref(doc);
    return rc;
}

/* ---- shared helpers ------------------------------------------------------------------------- */

static int s_publish_call(void *arg, const char *type, const ProtobufCMessage *event, int64_t at_us,
                          fc_err_t *err)
{
    return fc_service_publish((fc_service_t *)arg, type, event, at_us, err);
}

static void s_ctx(fc_service_t *svc, fc_call_t *call, welfare_ctx_t *c)
{
    memset(c, 0, sizeof *c);
    c->pg = fc_service_pg(svc);
    c->publish = s_publish_call;
    c->publish_arg = svc;
    c->arena = call->arena;
    c->now_us = fc_clock_now_us();
    c->actor = fc_call_actor(call);
    c->role = fc_call_role(call);
    c->scope = fc_call_scope(call);
}

static int s_quantity(const char *field, int64_t q, fc_err_t *err)
{
    if (q <= 0)
        return fc_err_set(err, FC_EINVAL, field, "数量须为正整数（收到 %" PRId64 "）", q);
    if (q > s_policy.max_quantity)
        return fc_err_set(err, FC_EINVAL, field, "数量 %" PRId64 " 超过单笔上限 %" PRId64, q,
                          s_policy.max_quantity);
    return FC_OK;
}

/* The unit a query covers: the one asked for, else the caller's scope ("" = everything, only
 * for group-wide callers). */
static int s_query_root(const welfare_ctx_t *c, const char *asked, const char **root, fc_err_t *err)
{
    int rc;
    *root = asked && *asked ? asked : c->scope ? c->scope : "";
    if (!**root)
        return welfare_flow_group_wide(c)
                   ? FC_OK
                   : fc_err_set(err, FC_EDENIED, "org_scope", "请求未携带组织范围");
    if ((rc = welfare_rules_code("org_code", *root, err)) != FC_OK)
        return rc;
    return welfare_flow_authorize(c, *root, WELFARE_ACT_READ, "org_code", err);
}

static char *s_signature(fc_arena_t *arena, const char *const *fields, int n)
{
    fc_buf_t b;
    fc_buf_init(&b);
    for (int i = 0; i < n; i++)
        fc_buf_printf(&b, "%zu:%s|", strlen(fields[i]), fields[i]);
    char *s = fc_arena_strdup(arena, b.data ? b.data : "");
    fc_buf_fini(&b);
    return s;
}

/* The first answer under a client key (prefixed into the supply namespace), or NULL. A key
 * reused with other parameters is refused. Holds the key's lock until the transaction ends. */
static int s_idem_replay(welfare_ctx_t *c, const char *key, const char *sig,
                         const ProtobufCMessageDescriptor *desc, ProtobufCMessage **out,
                         fc_err_t *err)
{
    *out = NULL;
    int found = 0, rc;
    char *stored = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    char *k = fc_arena_alloc(c->arena, strlen(key) + sizeof S_KEY_PREFIX);
    sprintf(k, S_KEY_PREFIX "%s", key);
    if ((rc = welfare_store_idem_lock(c->pg, k, err)) != FC_OK ||
        (rc = welfare_store_idem_get(c->pg, k, c->arena, &found, &stored, &bytes, &len, err)) !=
            FC_OK ||
        !found)
        return rc;
    if (strcmp(stored, sig) != 0)
        return fc_err_set(err, FC_ECONFLICT, "idempotency_key",
                          "幂等键“%s”已用于另一笔参数不同的请求", key);
    ProtobufCAllocator alloc;
    fc_pb_arena_allocator(&alloc, c->arena);
    *out = fc_pb_unpack(desc, bytes, len, FC_PB_MAX_MESSAGE, &alloc, "idempotency_key", err);
    return *out ? FC_OK : FC_ERR;
}

static int s_idem_store(welfare_ctx_t *c, const char *key, const char *sig,
                        const ProtobufCMessage *reply, fc_err_t *err)
{
    size_t len = 0;
    char *k = fc_arena_alloc(c->arena, strlen(key) + sizeof S_KEY_PREFIX);
    sprintf(k, S_KEY_PREFIX "%s", key);
    uint8_t *bytes = fc_pb_pack(reply, &len);
    int rc = welfare_store_idem_put(c->pg, k, sig, bytes, len, c->now_us, err);
    free(bytes);
    return rc;
}

static int s_publish_moved(welfare_ctx_t *c, const char *kind, const Fc__V1__SupplyItem *it,
                           int64_t qty, const char *from, const char *to, const char *post,
                           int64_t request_id, int64_t transfer_id, int64_t stock_after,
                           fc_err_t *err)
{
    Fc__V1__SupplyMoved ev = FC__V1__SUPPLY_MOVED__INIT;
    ev.transfer_id = transfer_id;
    ev.kind = (char *)kind;
    ev.item = it->code;
    ev.item_name = it->name;
    ev.unit = it->unit;
    ev.quantity = qty;
    ev.from_org = (char *)from;
    ev.to_org = (char *)(to ? to : "");
    ev.post_code = (char *)(post ? post : "");
    ev.request_id = request_id;
    ev.actor = (char *)(c->actor ? c->actor : "");
    ev.at_us = c->now_us;
    ev.stock_after = stock_after;
    return c->publish(c->publish_arg, "welfare.supply_moved", &ev.base, c->now_us, err);
}

/* Appends the stock rows of (org, item) to a move reply. */
static int s_add_stock(welfare_ctx_t *c, Fc__V1__SupplyMoveReply *r, const char *org,
                       const char *item, fc_err_t *err)
{
    Fc__V1__SupplyStock **s = NULL;
    size_t n = 0;
    int rc = wss_stock(c->pg, org, 0, item, c->now_us, c->arena, &s, &n, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__SupplyStock **all = fc_arena_alloc(c->arena, (r->n_stock + n + 1) * sizeof *all);
    if (r->n_stock)
        memcpy(all, r->stock, r->n_stock * sizeof *all);
    memcpy(all + r->n_stock, s, n * sizeof *all);
    r->stock = all;
    r->n_stock += n;
    return FC_OK;
}

static int s_short(const Fc__V1__SupplyItem *it, const char *org, int64_t have, int64_t want,
                   fc_err_t *err)
{
    return fc_err_set(err, FC_ECONFLICT, "quantity",
                      "%s 的%s库存不足：现有 %" PRId64 " %s，需要 %" PRId64 " %s", org, it->name,
                      have, it->unit, want, it->unit);
}

/* ---- catalogue ------------------------------------------------------------------------------ */

int welfare_supply_handle_item_set(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SupplyItemSetRequest *req = (const Fc__V1__SupplyItemSetRequest *)call->request;
    welfare_ctx_t c;
    s_ctx(svc, call, &c);
    int rc;
    if (!welfare_flow_group_wide(&c) && strcmp(c.role ? c.role : "", "group_admin") != 0)
        return fc_err_set(err, FC_EDENIED, "role", "只有集团管理员可以维护物资目录");
    if (!req->item)
        return fc_err_set(err, FC_EINVAL, "item", "须指定物资");
    if ((rc = s_item_check("item", req->item, err)) != FC_OK ||
        (rc = wss_item_upsert(c.pg, req->item, "command", c.now_us, err)) != FC_OK)
        return rc;
    Fc__V1__SupplyItemsReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_items_reply__init(r);
    if ((rc = wss_items(c.pg, call->arena, &r->items, &r->n_items, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

int welfare_supply_handle_items(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    Fc__V1__SupplyItemsReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_items_reply__init(r);
    int rc = wss_items(fc_service_pg(svc), call->arena, &r->items, &r->n_items, err);
    if (rc == FC_OK)
        call->reply = &r->base;
    return rc;
}

/* ---- receipts, transfers, issues ------------------------------------------------------------ */

int welfare_supply_handle_receive(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SupplyReceiveRequest *req = (const Fc__V1__SupplyReceiveRequest *)call->request;
    welfare_ctx_t c;
    s_ctx(svc, call, &c);
    Fc__V1__SupplyItem *it = NULL;
    int rc;
    if ((rc = welfare_rules_key("idempotency_key", req->idempotency_key, 1, err)) != FC_OK ||
        (rc = welfare_rules_code("org_code", req->org_code, err)) != FC_OK ||
        (rc = s_item_code("item", req->item, err)) != FC_OK ||
        (rc = s_quantity("quantity", req->quantity, err)) != FC_OK ||
        (rc = welfare_rules_text("source", req->source, 200, 1, err)) != FC_OK ||
        (rc = welfare_rules_text("memo", req->memo, WELFARE_TEXT_MAX, 0, err)) != FC_OK ||
        (rc = wss_item_get(c.pg, req->item, "item", c.arena, &it, err)) != FC_OK ||
        (rc = welfare_flow_authorize(&c, req->org_code, WELFARE_ACT_DECIDE, "org_code", err)) !=
            FC_OK)
        return rc;
    char q[24];
    snprintf(q, sizeof q, "%" PRId64, req->quantity);
    const char *f[] = {"receive", req->org_code, req->item, q, req->source, req->memo};
    const char *sig = s_signature(c.arena, f, 6);
    ProtobufCMessage *first = NULL;
    if ((rc = s_idem_replay(&c, req->idempotency_key, sig, &fc__v1__supply_move_reply__descriptor,
                            &first, err)) != FC_OK)
        return rc;
    if (first) {
        ((Fc__V1__SupplyMoveReply *)first)->replayed = 1;
        call->reply = first;
        return FC_OK;
    }
    int64_t ext = 0, stock = 0, tid = 0, bal = 0;
    if ((rc = wss_account(c.pg, "stock", req->org_code, "", req->item, &stock, err)) != FC_OK ||
        (rc = wss_account(c.pg, "external", req->org_code, "", req->item, &ext, err)) != FC_OK ||
        (rc = wss_move(c.pg, "receipt", ext, stock, req->quantity, 0, c.actor, req->source,
                       req->memo, c.now_us, &tid, &bal, err)) != FC_OK)
        return rc;
    Fc__V1__SupplyMoveReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_move_reply__init(r);
    r->transfer_id = tid;
    if ((rc = s_add_stock(&c, r, req->org_code, req->item, err)) != FC_OK ||
        (rc = s_publish_moved(&c, "receipt", it, req->quantity, req->org_code, req->org_code, "", 0,
                              tid, r->n_stock ? r->stock[0]->stock : 0, err)) != FC_OK ||
        (rc = s_idem_store(&c, req->idempotency_key, sig, &r->base, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

int welfare_supply_handle_transfer(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SupplyTransferRequest *req = (const Fc__V1__SupplyTransferRequest *)call->request;
    welfare_ctx_t c;
    s_ctx(svc, call, &c);
    Fc__V1__SupplyItem *it = NULL;
    int rc, inside = 0;
    if ((rc = welfare_rules_key("idempotency_key", req->idempotency_key, 0, err)) != FC_OK ||
        (rc = welfare_rules_code("from_org", req->from_org, err)) != FC_OK ||
        (rc = welfare_rules_code("to_org", req->to_org, err)) != FC_OK ||
        (rc = s_item_code("item", req->item, err)) != FC_OK ||
        (rc = s_quantity("quantity", req->quantity, err)) != FC_OK ||
        (rc = welfare_rules_text("memo", req->memo, WELFARE_TEXT_MAX, 0, err)) != FC_OK ||
        (rc = wss_item_get(c.pg, req->item, "item", c.arena, &it, err)) != FC_OK ||
        (rc = welfare_flow_authorize(&c, req->from_org, WELFARE_ACT_DECIDE, "from_org", err)) !=
            FC_OK ||
        (rc = welfare_store_in_subtree(c.pg, req->from_org, req->to_org, "to_org", &inside, err)) !=
            FC_OK)
        return rc;
    if (!inside || strcmp(req->from_org, req->to_org) == 0)
        return fc_err_set(err, FC_EINVAL, "to_org", "只能向下级单位调拨：“%s”不在“%s”之下",
                          req->to_org, req->from_org);
    char q[24];
    snprintf(q, sizeof q, "%" PRId64, req->quantity);
    const char *f[] = {"transfer", req->from_org, req->to_org, req->item, q, req->memo};
    const char *sig = s_signature(c.arena, f, 6);
    ProtobufCMessage *first = NULL;
    if (req->idempotency_key[0] &&
        (rc = s_idem_replay(&c, req->idempotency_key, sig, &fc__v1__supply_move_reply__descriptor,
                            &first, err)) != FC_OK)
        return rc;
    if (first) {
        ((Fc__V1__SupplyMoveReply *)first)->replayed = 1;
        call->reply = first;
        return FC_OK;
    }
    int64_t from = 0, to = 0, tid = 0, bal = 0;
    if ((rc = wss_account(c.pg, "stock", req->from_org, "", req->item, &from, err)) != FC_OK ||
        (rc = wss_account(c.pg, "stock", req->to_org, "", req->item, &to, err)) != FC_OK ||
        (rc = wss_move(c.pg, "transfer", from, to, req->quantity, 0, c.actor, "", req->memo,
                       c.now_us, &tid, &bal, err)) != FC_OK)
        return rc;
    if (!tid)
        return s_short(it, req->from_org, bal, req->quantity, err);
    Fc__V1__SupplyMoveReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_move_reply__init(r);
    r->transfer_id = tid;
    if ((rc = s_add_stock(&c, r, req->from_org, req->item, err)) != FC_OK ||
        (rc = s_add_stock(&c, r, req->to_org, req->item, err)) != FC_OK ||
        (rc = s_publish_moved(&c, "transfer", it, req->quantity, req->from_org, req->to_org, "", 0,
                              tid, bal, err)) != FC_OK)
        return rc;
    if (req->idempotency_key[0] &&
        (rc = s_idem_store(&c, req->idempotency_key, sig, &r->base, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

static int s_publish_need(welfare_ctx_t *c, const char *type, Fc__V1__SupplyNeed *n,
                          fc_err_t *err);

/* A local day (days since the epoch) as "YYYY-MM-DD", as supply_need.day is keyed. */
static void s_day_text(int64_t day, char *buf, size_t n)
{
    int y, m, d;
    fc_civil_from_days(day, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

/* After issue tid to a post (or, tid 0, after its need was recorded): its open need for the
 * item on today's local day is met, by "welfare", once that day's issues of the item to the
 * post reach the need's quantity; the same event as a manual need_met, in the same
 * transaction. */
static int s_need_cover(welfare_ctx_t *c, const char *post, const Fc__V1__SupplyItem *it,
                        int64_t tid, fc_err_t *err)
{
    int64_t day = fc_time_local_day(c->now_us), id = 0, issued = 0;
    int rc;
    char ds[16], note[160];
    s_day_text(day, ds, sizeof ds);
    if (tid)
        snprintf(note, sizeof note, "由发放 #%" PRId64 " 满足（当日共发放 {issued} %s）", tid,
                 it->unit);
    else
        snprintf(note, sizeof note, "登记时当日已发放 {issued} %s，已满足", it->unit);
    if ((rc = wss_need_cover(c->pg, post, it->code, ds, fc_time_local_day_start(day),
                             fc_time_local_day_start(day + 1), note, c->now_us, &id, &issued,
                             err)) != FC_OK ||
        !id)
        return rc;
    Fc__V1__SupplyNeed *n = NULL;
    if ((rc = wss_need_get(c->pg, id, 0, c->arena, &n, err)) != FC_OK ||
        (rc = s_publish_need(c, "welfare.supply_need_met", n, err)) != FC_OK)
        return rc;
    fc_log_info("welfare.supply_need_met_by_issue", "need_id", FC_LI(id), "transfer_id",
                FC_LI(tid), "post_code", FC_LS(post), "item", FC_LS(it->code), "issued",
                FC_LI(issued), NULL);
    return FC_OK;
}

/* Issues qty of item from org's stock to a post: *tid 0 and *have what the stock holds if it
 * is short (nothing moved). A daily need of the post the day's issues now cover is met. */
static int s_issue(welfare_ctx_t *c, const char *org, const char *post, const char *post_org,
                   const Fc__V1__SupplyItem *it, int64_t qty, int64_t request_id, const char *memo,
                   int64_t *tid, int64_t *have, fc_err_t *err)
{
    int64_t stock = 0, issued = 0;
    int rc;
    if ((rc = wss_account(c->pg, "stock", org, "", it->code, &stock, err)) != FC_OK ||
        (rc = wss_account(c->pg, "issued", post_org, post, it->code, &issued, err)) != FC_OK ||
        (rc = wss_move(c->pg, "issue", stock, issued, qty, request_id, c->actor, "", memo,
                       c->now_us, tid, have, err)) != FC_OK)
        return rc;
    if (*tid &&
        (rc = s_publish_moved(c, "issue", it, qty, org, post_org, post, request_id, *tid, *have,
                              err)) == FC_OK)
        rc = s_need_cover(c, post, it, *tid, err);
    return rc;
}

int welfare_supply_handle_issue(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SupplyIssueRequest *req = (const Fc__V1__SupplyIssueRequest *)call->request;
    welfare_ctx_t c;
    s_ctx(svc, call, &c);
    Fc__V1__SupplyItem *it = NULL;
    wss_post_t post;
    int rc, inside = 0;
    if ((rc = welfare_rules_key("idempotency_key", req->idempotency_key, 0, err)) != FC_OK ||
        (rc = welfare_rules_code("org_code", req->org_code, err)) != FC_OK ||
        (rc = welfare_rules_code("post_code", req->post_code, err)) != FC_OK ||
        (rc = s_item_code("item", req->item, err)) != FC_OK ||
        (rc = s_quantity("quantity", req->quantity, err)) != FC_OK ||
        (rc = welfare_rules_text("memo", req->memo, WELFARE_TEXT_MAX, 0, err)) != FC_OK ||
        (rc = wss_item_get(c.pg, req->item, "item", c.arena, &it, err)) != FC_OK ||
        (rc = wss_post_get(c.pg, req->post_code, "post_code", &post, err)) != FC_OK ||
        (rc = welfare_flow_authorize(&c, req->org_code, WELFARE_ACT_DECIDE, "org_code", err)) !=
            FC_OK ||
        (rc = welfare_store_in_subtree(c.pg, req->org_code, post.org_code, "post_code", &inside,
                                       err)) != FC_OK)
        return rc;
    if (!inside)
        return fc_err_set(err, FC_EINVAL, "post_code", "岗位“%s”不在“%s”之下", req->post_code,
                          req->org_code);
    char q[24];
    snprintf(q, sizeof q, "%" PRId64, req->quantity);
    const char *f[] = {"issue", req->org_code, req->post_code, req->item, q, req->memo};
    const char *sig = s_signature(c.arena, f, 6);
    ProtobufCMessage *first = NULL;
    if (req->idempotency_key[0] &&
        (rc = s_idem_replay(&c, req->idempotency_key, sig, &fc__v1__supply_move_reply__descriptor,
                            &first, err)) != FC_OK)
        return rc;
    if (first) {
        ((Fc__V1__SupplyMoveReply *)first)->replayed = 1;
        call->reply = first;
        return FC_OK;
    }
    int64_t tid = 0, have = 0;
    if ((rc = s_issue(&c, req->org_code, req->post_code, post.org_code, it, req->quantity, 0,
                      req->memo, &tid, &have, err)) != FC_OK)
        return rc;
    if (!tid)
        return s_short(it, req->org_code, have, req->quantity, err);
    Fc__V1__SupplyMoveReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_move_reply__init(r);
    r->transfer_id = tid;
    if ((rc = s_add_stock(&c, r, req->org_code, req->item, err)) != FC_OK)
        return rc;
    if (req->idempotency_key[0] &&
        (rc = s_idem_store(&c, req->idempotency_key, sig, &r->base, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

/* ---- requests and serving ------------------------------------------------------------------- */

static int s_publish_request(welfare_ctx_t *c, const char *type, Fc__V1__SupplyRequestRow *row,
                             fc_err_t *err)
{
    Fc__V1__SupplyRequestEvent ev = FC__V1__SUPPLY_REQUEST_EVENT__INIT;
    ev.request = row;
    ev.at_us = c->now_us;
    return c->publish(c->publish_arg, type, &ev.base, c->now_us, err);
}

int welfare_supply_handle_request(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SupplyRequestNew *req = (const Fc__V1__SupplyRequestNew *)call->request;
    welfare_ctx_t c;
    s_ctx(svc, call, &c);
    wss_post_t post;
    int rc;
    if ((rc = welfare_rules_key("idempotency_key", req->idempotency_key, 0, err)) != FC_OK ||
        (rc = welfare_rules_code("post_code", req->post_code, err)) != FC_OK ||
        (rc = s_item_code("item", req->item, err)) != FC_OK ||
        (rc = s_quantity("quantity", req->quantity, err)) != FC_OK ||
        (rc = welfare_rules_text("memo", req->memo, WELFARE_TEXT_MAX, 0, err)) != FC_OK ||
        (rc = wss_item_get(c.pg, req->item, "item", c.arena, NULL, err)) != FC_OK ||
        (rc = wss_post_get(c.pg, req->post_code, "post_code", &post, err)) != FC_OK ||
        (rc = welfare_flow_authorize(&c, post.org_code, WELFARE_ACT_REQUEST, "post_code", err)) !=
            FC_OK)
        return rc;
    char q[24];
    snprintf(q, sizeof q, "%" PRId64, req->quantity);
    const char *f[] = {"request", req->post_code, req->item, q, req->memo};
    const char *sig = s_signature(c.arena, f, 5);
    ProtobufCMessage *first = NULL;
    if (req->idempotency_key[0] &&
        (rc = s_idem_replay(&c, req->idempotency_key, sig,
                            &fc__v1__supply_request_reply__descriptor, &first, err)) != FC_OK)
        return rc;
    if (first) {
        ((Fc__V1__SupplyRequestReply *)first)->replayed = 1;
        call->reply = first;
        return FC_OK;
    }
    int64_t id = 0;
    Fc__V1__SupplyRequestReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_request_reply__init(r);
    if ((rc = wss_request_insert(c.pg, req->post_code, post.org_code, req->item, req->quantity,
                                 c.actor, c.now_us, req->memo, NULL, &id, err)) != FC_OK ||
        (rc = wss_request_get(c.pg, id, NULL, call->arena, &r->request, err)) != FC_OK ||
        (rc = s_publish_request(&c, "welfare.supply_requested", r->request, err)) != FC_OK)
        return rc;
    if (req->idempotency_key[0] &&
        (rc = s_idem_store(&c, req->idempotency_key, sig, &r->base, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

/* Serves the waiting requests of one item under org from org's stock, in priority order. */
static int s_serve_item(welfare_ctx_t *c, const char *org, const Fc__V1__SupplyItem *it,
                        Fc__V1__SupplyServeReply *r, size_t *cap, fc_err_t *err)
{
    Fc__V1__SupplyRequestRow **q = NULL;
    size_t n = 0;
    int rc;
    if ((rc = wss_serve_lock(c->pg, it->code, err)) != FC_OK ||
        (rc = wss_requests(c->pg, org, it->code, "", 0, c->arena, &q, &n, err)) != FC_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        int64_t want = q[i]->quantity - q[i]->served, tid = 0, have = 0, take = want;
        char memo[64];
        snprintf(memo, sizeof memo, "物资申请 #%" PRId64, q[i]->id);
        /* all of it, else what the stock holds (read under its lock by supply_move) */
        if ((rc = s_issue(c, org, q[i]->post_code, q[i]->org_code, it, take, q[i]->id, memo, &tid,
                          &have, err)) != FC_OK)
            return rc;
        if (!tid && have > 0) {
            take = have;
            if ((rc = s_issue(c, org, q[i]->post_code, q[i]->org_code, it, take, q[i]->id, memo,
                              &tid, &have, err)) != FC_OK)
                return rc;
        }
        if (!tid)
            break; /* nothing left of this item here */
        if ((rc = wss_request_served(c->pg, q[i]->id, take, c->now_us, err)) != FC_OK)
            return rc;
        Fc__V1__SupplyRequestRow *row = NULL;
        if ((rc = wss_request_get(c->pg, q[i]->id, NULL, c->arena, &row, err)) != FC_OK ||
            (rc = s_publish_request(c, "welfare.supply_request_served", row, err)) != FC_OK)
            return rc;
        if (r->n_allocations == *cap) {
            size_t ncap = *cap ? *cap * 2 : 16;
            Fc__V1__SupplyAllocation **a = fc_arena_alloc(c->arena, ncap * sizeof *a);
            if (r->n_allocations)
                memcpy(a, r->allocations, r->n_allocations * sizeof *a);
            r->allocations = a;
            *cap = ncap;
        }
        Fc__V1__SupplyAllocation *a = fc_arena_alloc(c->arena, sizeof *a);
        fc__v1__supply_allocation__init(a);
        a->request_id = q[i]->id;
        a->post_code = q[i]->post_code;
        a->item = it->code;
        a->quantity = take;
        a->transfer_id = tid;
        a->risk_class = q[i]->risk_class;
        a->on_duty = q[i]->on_duty;
        a->requested_at_us = q[i]->requested_at_us;
        a->left = want - take;
        r->allocations[r->n_allocations++] = a;
        r->issued += take;
        if (take < want)
            break; /* the stock ran out on this one */
    }
    return FC_OK;
}

int welfare_supply_handle_serve(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SupplyServeRequest *req = (const Fc__V1__SupplyServeRequest *)call->request;
    welfare_ctx_t c;
    s_ctx(svc, call, &c);
    int rc;
    if ((rc = welfare_rules_code("org_code", req->org_code, err)) != FC_OK ||
        (req->item[0] && (rc = s_item_code("item", req->item, err)) != FC_OK) ||
        (req->item[0] &&
         (rc = wss_item_get(c.pg, req->item, "item", c.arena, NULL, err)) != FC_OK) ||
        (rc = welfare_flow_authorize(&c, req->org_code, WELFARE_ACT_DECIDE, "org_code", err)) !=
            FC_OK)
        return rc;
    char **items = NULL;
    size_t nitems = 0, cap = 0;
    char *one[1] = {req->item};
    if (req->item[0]) {
        items = one;
        nitems = 1;
    } else if ((rc = wss_waiting_items(c.pg, req->org_code, c.arena, &items, &nitems, err)) !=
               FC_OK) {
        return rc;
    }
    Fc__V1__SupplyServeReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_serve_reply__init(r);
    for (size_t i = 0; i < nitems; i++) {
        Fc__V1__SupplyItem *it = NULL;
        if ((rc = wss_item_get(c.pg, items[i], "item", c.arena, &it, err)) != FC_OK ||
            (rc = s_serve_item(&c, req->org_code, it, r, &cap, err)) != FC_OK)
            return rc;
    }
    int64_t units = 0;
    int open = 0;
    if ((rc = wss_open_count(c.pg, req->org_code, &open, &units, err)) != FC_OK)
        return rc;
    r->still_waiting = open;
    fc_log_info("welfare.supply_served", "org_code", FC_LS(req->org_code), "allocations",
                FC_LI((int64_t)r->n_allocations), "issued", FC_LI(r->issued), "still_waiting",
                FC_LI(open), NULL);
    call->reply = &r->base;
    return FC_OK;
}

static int s_state_filter(const char *state, fc_err_t *err)
{
    static const char *ok[] = {"", "all", "waiting", "partial", "served", NULL};
    for (const char **s = ok; *s; s++)
        if (strcmp(*s, state) == 0)
            return FC_OK;
    return fc_err_set(err, FC_EINVAL, "state", "“%s”不是申请状态（all、waiting、partial、served）",
                      state);
}

int welfare_supply_handle_requests(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SupplyRequestsRequest *req = (const Fc__V1__SupplyRequestsRequest *)call->request;
    welfare_ctx_t c;
    s_ctx(svc, call, &c);
    const char *root = NULL;
    int rc;
    if ((req->item[0] && (rc = s_item_code("item", req->item, err)) != FC_OK) ||
        (rc = s_state_filter(req->state, err)) != FC_OK)
        return rc;
    if (req->limit < 0 || req->limit > 10000)
        return fc_err_set(err, FC_EINVAL, "limit", "条数须在 1 到 10000 之间（收到 %d）",
                          (int)req->limit);
    if ((rc = s_query_root(&c, req->org_code, &root, err)) != FC_OK)
        return rc;
    Fc__V1__SupplyRequestsReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_requests_reply__init(r);
    if ((rc = wss_requests(c.pg, root, req->item, req->state, req->limit ? req->limit : 1000,
                           call->arena, &r->requests, &r->n_requests, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

int welfare_supply_handle_stock(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SupplyStockRequest *req = (const Fc__V1__SupplyStockRequest *)call->request;
    welfare_ctx_t c;
    s_ctx(svc, call, &c);
    const char *root = NULL;
    int rc;
    if ((req->item[0] && (rc = s_item_code("item", req->item, err)) != FC_OK) ||
        (rc = s_query_root(&c, req->org_code, &root, err)) != FC_OK)
        return rc;
    Fc__V1__SupplyStockReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_stock_reply__init(r);
    if ((rc = wss_stock(c.pg, root, req->subtree || !*root, req->item, c.now_us, call->arena,
                        &r->stock, &r->n_stock, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

/* ---- daily needs ---------------------------------------------------------------------------- */

/* "YYYY-MM-DD" → local day number; FC_EINVAL naming field otherwise. */
static int s_day(const char *field, const char *s, int64_t *day_out, fc_err_t *err)
{
    int y = 0, m = 0, d = 0, used = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 ||
        m < 1 || m > 12 || d < 1 || d > 31)
        return fc_err_set(err, FC_EINVAL, field, "日期“%s”须为 YYYY-MM-DD", s);
    int64_t z = fc_days_from_civil(y, m, d);
    int y2, m2, d2;
    fc_civil_from_days(z, &y2, &m2, &d2);
    if (y2 != y || m2 != m || d2 != d)
        return fc_err_set(err, FC_EINVAL, field, "日期“%s”不存在", s);
    *day_out = z;
    return FC_OK;
}

static int s_publish_need(welfare_ctx_t *c, const char *type, Fc__V1__SupplyNeed *n, fc_err_t *err)
{
    Fc__V1__SupplyNeedEvent ev = FC__V1__SUPPLY_NEED_EVENT__INIT;
    ev.need = n;
    ev.at_us = c->now_us;
    return c->publish(c->publish_arg, type, &ev.base, c->now_us, err);
}

int welfare_supply_handle_need_record(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SupplyNeedRecordRequest *req =
        (const Fc__V1__SupplyNeedRecordRequest *)call->request;
    welfare_ctx_t c;
    s_ctx(svc, call, &c);
    wss_post_t post;
    Fc__V1__SupplyItem *it = NULL;
    int rc;
    if ((rc = welfare_rules_code("post_code", req->post_code, err)) != FC_OK ||
        (rc = s_item_code("item", req->item, err)) != FC_OK ||
        (rc = s_quantity("quantity", req->quantity, err)) != FC_OK ||
        (rc = welfare_rules_text("detail", req->detail, WELFARE_TEXT_MAX, 0, err)) != FC_OK)
        return rc;
    int64_t today = fc_time_local_day(c.now_us), day = today;
    if (req->day[0] && (rc = s_day("day", req->day, &day, err)) != FC_OK)
        return rc;
    if (day < today)
        return fc_err_set(err, FC_EINVAL, "day", "不能为已过去的日期“%s”登记需求", req->day);
    if (req->due_us < 0 || (req->due_us && req->due_us <= c.now_us))
        return fc_err_set(err, FC_EINVAL, "due_us", "截止时间须晚于现在");
    if ((rc = wss_item_get(c.pg, req->item, "item", c.arena, &it, err)) != FC_OK)
        return rc;
    if (strcmp(it->category, "daily") != 0)
        return fc_err_set(err, FC_EINVAL, "item",
                          "“%s”是防护物资，请用物资申请；日常保障需求须为生活保障类物资", it->name);
    if ((rc = wss_post_get(c.pg, req->post_code, "post_code", &post, err)) != FC_OK ||
        (rc = welfare_flow_authorize(&c, post.org_code, WELFARE_ACT_REQUEST, "post_code", err)) !=
            FC_OK)
        return rc;
    int64_t due = req->due_us;
    if (!due) {
        /* the policy's hour of that day; if that has passed already, the end of the day */
        due = fc_time_local_day_start(day) + s_policy.need_due_hour * 3600 * FC_US_PER_S;
        if (due <= c.now_us)
            due = fc_time_local_day_start(day + 1);
    }
    char ds[16];
    s_day_text(day, ds, sizeof ds);
    int64_t id = 0;
    Fc__V1__SupplyNeedReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_need_reply__init(r);
    if ((rc = wss_need_upsert(c.pg, req->post_code, post.org_code, ds, req->item, req->quantity,
                              req->detail, due, c.actor, c.now_us, &id, err)) != FC_OK ||
        (rc = wss_need_get(c.pg, id, 0, call->arena, &r->need, err)) != FC_OK ||
        (rc = s_publish_need(&c, "welfare.supply_need_recorded", r->need, err)) != FC_OK)
        return rc;
    /* today's need the post already got today is met at once, not chased */
    if (day == today && !r->need->met_at_us &&
        ((rc = s_need_cover(&c, req->post_code, it, 0, err)) != FC_OK ||
         (rc = wss_need_get(c.pg, id, 0, call->arena, &r->need, err)) != FC_OK))
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

int welfare_supply_handle_need_met(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SupplyNeedMetRequest *req = (const Fc__V1__SupplyNeedMetRequest *)call->request;
    welfare_ctx_t c;
    s_ctx(svc, call, &c);
    Fc__V1__SupplyNeed *n = NULL;
    int rc;
    if (req->id <= 0)
        return fc_err_set(err, FC_EINVAL, "id", "须指定需求编号");
    if ((rc = welfare_rules_text("note", req->note, WELFARE_TEXT_MAX, 0, err)) != FC_OK ||
        (rc = wss_need_get(c.pg, req->id, 1, call->arena, &n, err)) != FC_OK ||
        (rc = welfare_flow_authorize(&c, n->org_code, WELFARE_ACT_REQUEST, "id", err)) != FC_OK)
        return rc;
    Fc__V1__SupplyNeedReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_need_reply__init(r);
    if (n->met_at_us) { /* met twice is not an error: the first record stands */
        r->need = n;
        call->reply = &r->base;
        return FC_OK;
    }
    if ((rc = wss_need_met(c.pg, req->id, c.actor, req->note, c.now_us, err)) != FC_OK ||
        (rc = wss_need_get(c.pg, req->id, 0, call->arena, &r->need, err)) != FC_OK ||
        (rc = s_publish_need(&c, "welfare.supply_need_met", r->need, err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

int welfare_supply_handle_needs(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SupplyNeedsRequest *req = (const Fc__V1__SupplyNeedsRequest *)call->request;
    welfare_ctx_t c;
    s_ctx(svc, call, &c);
    const char *root = NULL;
    int64_t day = 0;
    int rc;
    if ((req->day[0] && (rc = s_day("day", req->day, &day, err)) != FC_OK) ||
        (rc = s_query_root(&c, req->org_code, &root, err)) != FC_OK)
        return rc;
    Fc__V1__SupplyNeedsReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__supply_needs_reply__init(r);
    if ((rc = wss_needs(c.pg, root, req->day, req->open_only, call->arena, &r->needs, &r->n_needs,
                        err)) != FC_OK)
        return rc;
    call->reply = &r->base;
    return FC_OK;
}

int welfare_supply_sweep(welfare_ctx_t *c, int max, int *n_out, fc_err_t *err)
{
    Fc__V1__SupplyNeed **due = NULL;
    Fc__V1__SupplyRequestRow **late = NULL;
    size_t n = 0, nlate = 0;
    int rc;
    *n_out = 0;
    if ((rc = fc_pg_begin(c->pg, err)) != FC_OK)
        return rc;
    /* needs not met by their due time, and requests waiting too long: each published once */
    if ((rc = wss_needs_overdue(c->pg, c->now_us, max, c->arena, &due, &n, err)) != FC_OK)
        goto out;
    if (s_policy.request_wait_hours > 0 &&
        (rc = wss_requests_waiting(c->pg,
                                   c->now_us - s_policy.request_wait_hours * 3600 * FC_US_PER_S,
                                   c->now_us, max, c->arena, &late, &nlate, err)) != FC_OK)
        goto out;
    for (size_t i = 0; i < n && rc == FC_OK; i++)
        rc = s_publish_need(c, "welfare.supply_need_overdue", due[i], err);
    for (size_t i = 0; i < nlate && rc == FC_OK; i++)
        rc = s_publish_request(c, "welfare.supply_request_waiting", late[i], err);
    if (rc == FC_OK && (rc = fc_pg_commit(c->pg, err)) == FC_OK)
        *n_out = (int)(n + nlate);
    for (size_t i = 0; rc == FC_OK && i < n; i++)
        fc_log_info("welfare.supply_need_overdue", "need_id", FC_LI(due[i]->id), "post_code",
                    FC_LS(due[i]->post_code), "item", FC_LS(due[i]->item), NULL);
    for (size_t i = 0; rc == FC_OK && i < nlate; i++)
        fc_log_info("welfare.supply_request_waiting", "request_id", FC_LI(late[i]->id), "post_code",
                    FC_LS(late[i]->post_code), "item", FC_LS(late[i]->item), NULL);
out:
    if (fc_pg_in_tx(c->pg))
        fc_pg_rollback(c->pg);
    return rc;
}

/* ---- intake's events ------------------------------------------------------------------------ */

int welfare_supply_apply(welfare_ctx_t *c, const fc_event_t *ev, fc_err_t *err)
{
    int post = strcmp(ev->type, "intake.post_upserted") == 0;
    int in = strcmp(ev->type, "intake.duty_checked_in") == 0;
    int out = strcmp(ev->type, "intake.duty_checked_out") == 0;
    if (!post && !in && !out)
        return FC_OK;
    ProtobufCAllocator alloc;
    fc_pb_arena_allocator(&alloc, c->arena);
    int rc;
    if (post) {
        Fc__V1__PostUpserted *m = (Fc__V1__PostUpserted *)fc_pb_unpack(
            &fc__v1__post_upserted__descriptor, ev->payload, ev->payload_len, FC_PB_MAX_MESSAGE,
            &alloc, "payload", err);
        if (!m)
            return FC_EINVAL;
        if (!m->post)
            return fc_err_set(err, FC_EINVAL, "post", "post_upserted without a post");
        if ((rc = welfare_rules_code("post.post_code", m->post->post_code, err)) != FC_OK ||
            (rc = welfare_rules_code("post.org_code", m->post->org_code, err)) != FC_OK) {
            err->code = FC_EINVAL;
            return FC_EINVAL;
        }
        return wss_post_upsert(c->pg, m->post, m->at_us ? m->at_us : ev->at_us, err);
    }
    Fc__V1__DutyEvent *m = (Fc__V1__DutyEvent *)fc_pb_unpack(
        &fc__v1__duty_event__descriptor, ev->payload, ev->payload_len, FC_PB_MAX_MESSAGE, &alloc,
        "payload", err);
    if (!m)
        return FC_EINVAL;
    if (m->duty_id <= 0 || !m->post_code[0])
        return FC_OK; /* a duty without a post counts for nobody's headcount */
    return wss_duty(c->pg, m, out, err);
}
