/* welfare_supply: protective supplies and daily needs of the front line (seed 000 §3). The
 * items catalogue (policy key "supplies" of welfare.json, plus items added by command), stock
 * per org unit as an in-kind double-entry ledger (receipts 入库, transfers down the tree 调拨,
 * issues to posts), requests from posts served frontline first (risk class, then headcount on
 * duty, then waiting time), and daily needs chased when not met by their due time. Its routes
 * are appended to welfare's; its events go out on fc:events:welfare. */
#ifndef WELFARE_SUPPLY_H
#define WELFARE_SUPPLY_H

#include <stddef.h>
#include <jansson.h>
#include "fc_consumer.h"
#include "fc_service.h"
#include "welfare_flow.h"

typedef struct {
    int64_t need_due_hour; /* a need without a due time is due at this local hour of its day */
    int64_t max_quantity;  /* the largest single receipt, transfer, issue, request or need */
    int64_t request_wait_hours; /* a request waiting this long is chased once; 0 = never */
} welfare_supply_policy_t;

/* Checks the "supplies" key of a welfare policy document (absent = defaults, no items);
 * items_out (may be NULL) gets the catalogue as a borrowed JSON object. */
int welfare_supply_policy_parse(const json_t *doc, welfare_supply_policy_t *out,
                                const json_t **items_out, fc_err_t *err);
/* At start-up: loads the policy from dir and writes its items into the catalogue. */
int welfare_supply_start(fc_service_t *svc, const char *dir, fc_err_t *err);
/* The sweeper (own transaction; the connection must be idle): needs not met by their due
 * time, and requests waiting longer than request_wait_hours, each published once. */
int welfare_supply_sweep(welfare_ctx_t *c, int max, int *n_out, fc_err_t *err);
/* intake.post_upserted, intake.duty_checked_in/_out into the projection (other types: no-op). */
int welfare_supply_apply(welfare_ctx_t *c, const fc_event_t *ev, fc_err_t *err);

/* Route handlers (welfare_server.c lists them in welfare_routes). */
int welfare_supply_handle_item_set(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int welfare_supply_handle_items(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int welfare_supply_handle_receive(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int welfare_supply_handle_transfer(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int welfare_supply_handle_issue(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int welfare_supply_handle_request(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int welfare_supply_handle_serve(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int welfare_supply_handle_requests(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int welfare_supply_handle_stock(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int welfare_supply_handle_need_record(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int welfare_supply_handle_need_met(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
int welfare_supply_handle_needs(fc_service_t *svc, fc_call_t *call, fc_err_t *err);

#endif
