/* welfare_supply_store: all SQL of the supplies (seed 000 §3): the projection of intake's posts
 * and open duties, the items catalogue, the in-kind ledger (accounts, supply_move), requests
 * in serving order, daily needs and the in-kind invariants. Functions run in the caller's
 * transaction unless they say otherwise; replies are built in the caller's arena. */
#ifndef WELFARE_SUPPLY_STORE_H
#define WELFARE_SUPPLY_STORE_H

#include <stdint.h>
#include "fc/v1/intake.pb-c.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_err.h"
#include "fc_mem.h"
#include "fc_pg.h"
#include "welfare_store.h"

/* ---- projections ---- */
int wss_post_upsert(fc_pg_t *pg, const Fc__V1__Post *p, int64_t at_us, fc_err_t *err);
/* Check-in opens the duty, check-out closes it (an out seen first is kept closed). */
int wss_duty(fc_pg_t *pg, const Fc__V1__DutyEvent *d, int out, fc_err_t *err);

typedef struct {
    char org_code[64];
    char name[256];
    int risk_class;
    int on_duty;
} wss_post_t;
/* FC_ENOTFOUND naming field if welfare has not heard of the post. */
int wss_post_get(fc_pg_t *pg, const char *post_code, const char *field, wss_post_t *out,
                 fc_err_t *err);

/* ---- catalogue ---- */
int wss_item_upsert(fc_pg_t *pg, const Fc__V1__SupplyItem *it, const char *source, int64_t at_us,
                    fc_err_t *err);
/* FC_ENOTFOUND naming field if the item is not in the catalogue; *out in arena (may be NULL). */
int wss_item_get(fc_pg_t *pg, const char *code, const char *field, fc_arena_t *arena,
                 Fc__V1__SupplyItem **out, fc_err_t *err);
int wss_items(fc_pg_t *pg, fc_arena_t *arena, Fc__V1__SupplyItem ***out, size_t *n, fc_err_t *err);

/* ---- ledger ---- */
/* The account (kind external|stock|issued, unit, post "" unless issued, item), created if
 * missing (without taking its row lock). */
int wss_account(fc_pg_t *pg, const char *kind, const char *org_code, const char *post_code,
                const char *item, int64_t *id_out, fc_err_t *err);
/* Moves qty from one account to another (supply_move): *transfer_id 0 if the source holds
 * less (nothing moved); *from_balance what the source holds after (or now). */
int wss_move(fc_pg_t *pg, const char *kind, int64_t from, int64_t to, int64_t qty,
             int64_t request_id, const char *actor, const char *source, const char *memo,
             int64_t at_us, int64_t *transfer_id, int64_t *from_balance, fc_err_t *err);
/* Stock rows of org_code (its subtree too if subtree; "" = every unit), item "" = all. */
int wss_stock(fc_pg_t *pg, const char *org_code, int subtree, const char *item, int64_t now_us,
              fc_arena_t *arena, Fc__V1__SupplyStock ***out, size_t *n, fc_err_t *err);

/* ---- requests ---- */
int wss_request_insert(fc_pg_t *pg, const char *post_code, const char *org_code, const char *item,
                       int64_t qty, const char *by, int64_t at_us, const char *memo,
                       const char *idem_key, int64_t *id_out, fc_err_t *err);
/* By id, or by key (id 0). FC_ENOTFOUND if absent. */
int wss_request_get(fc_pg_t *pg, int64_t id, const char *key, fc_arena_t *arena,
                    Fc__V1__SupplyRequestRow **out, fc_err_t *err);
/* Serialises serve runs of one item group-wide (transaction-scoped advisory lock). */
int wss_serve_lock(fc_pg_t *pg, const char *item, fc_err_t *err);
/* Items with waiting requests from posts under root, in code order (arena strings). */
int wss_waiting_items(fc_pg_t *pg, const char *root, fc_arena_t *arena, char ***out, size_t *n,
                      fc_err_t *err);
/* Requests under root ("" = all) in serving order: risk class I, II, others; more on duty;
 * older; lower id. state: "" open (waiting or partial) | all | waiting | partial | served.
 * item "" = all items (ranked per item). limit 0 = no limit. */
int wss_requests(fc_pg_t *pg, const char *root, const char *item, const char *state, int limit,
                 fc_arena_t *arena, Fc__V1__SupplyRequestRow ***out, size_t *n, fc_err_t *err);
/* Adds qty to a request's served count. */
int wss_request_served(fc_pg_t *pg, int64_t id, int64_t qty, int64_t at_us, fc_err_t *err);
/* Marks up to max open requests made at or before cutoff_us and not chased yet as chased
 * (now_us) and returns them, each once. */
int wss_requests_waiting(fc_pg_t *pg, int64_t cutoff_us, int64_t now_us, int max,
                         fc_arena_t *arena, Fc__V1__SupplyRequestRow ***out, size_t *n,
                         fc_err_t *err);
/* Requests (under root) still open; *units the quantity they wait for. */
int wss_open_count(fc_pg_t *pg, const char *root, int *requests, int64_t *units, fc_err_t *err);

/* ---- daily needs ---- */
/* Records or updates (while not met) the need of (post, day, item); *id_out its id;
 * FC_ECONFLICT (field item) if that need was met already. */
int wss_need_upsert(fc_pg_t *pg, const char *post_code, const char *org_code, const char *day,
                    const char *item, int64_t qty, const char *detail, int64_t due_us,
                    const char *by, int64_t at_us, int64_t *id_out, fc_err_t *err);
int wss_need_get(fc_pg_t *pg, int64_t id, int lock, fc_arena_t *arena, Fc__V1__SupplyNeed **out,
                 fc_err_t *err);
int wss_need_met(fc_pg_t *pg, int64_t id, const char *by, const char *note, int64_t at_us,
                 fc_err_t *err);
/* Marks the open need of (post, day, item) met by "welfare" if everything issued of the item
 * to the post in [day_start_us, day_end_us) covers its quantity; note's "{issued}" is replaced
 * by that total. *id_out the need met, else 0 (nothing open, or not covered yet). */
int wss_need_cover(fc_pg_t *pg, const char *post_code, const char *item, const char *day,
                   int64_t day_start_us, int64_t day_end_us, const char *note, int64_t at_us,
                   int64_t *id_out, int64_t *issued_out, fc_err_t *err);
int wss_needs(fc_pg_t *pg, const char *root, const char *day, int open_only, fc_arena_t *arena,
              Fc__V1__SupplyNeed ***out, size_t *n, fc_err_t *err);
/* Marks up to max needs due by now_us and not met as overdue (each once) and returns them. */
int wss_needs_overdue(fc_pg_t *pg, int64_t now_us, int max, fc_arena_t *arena,
                      Fc__V1__SupplyNeed ***out, size_t *n, fc_err_t *err);

/* ---- invariants ---- */
typedef struct {
    long long transfers, accounts, requests;
    long long received, held; /* units ever received; units in stock and issued accounts */
} wss_check_stats_t;
/* Runs the in-kind invariants in one REPEATABLE READ snapshot (own transaction). */
int wss_check(fc_pg_t *pg, welfare_violation_fn fn, void *arg, wss_check_stats_t *stats,
              fc_err_t *err);

#endif
