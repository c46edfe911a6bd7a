/* welfare_policy: the welfare vocabulary (funds, disbursement kinds, states, incident kinds,
 * with their Chinese names) and the group's policy for it, read from infra/policy/welfare.json
 * and checked whole at start-up: which funds pay each kind, amounts by incident kind and by
 * post risk class, auto-approval limits, per-payment caps, expiry and visit cadence. */
#ifndef WELFARE_POLICY_H
#define WELFARE_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "fc_err.h"

typedef enum {
    WELFARE_FUND_SPECIAL_PARTY_FEE = 0,
    WELFARE_FUND_MATCHING,
    WELFARE_FUND_RETAINED_PARTY_FEE,
    WELFARE_FUND_EPIDEMIC_SUBSIDY,
    WELFARE_NFUNDS
} welfare_fund_t;

typedef enum {
    WELFARE_KIND_CONDOLENCE = 0,
    WELFARE_KIND_FRONTLINE_SUBSIDY,
    WELFARE_KIND_EPIDEMIC_ALLOWANCE,
    WELFARE_KIND_HARDSHIP,
    WELFARE_KIND_INSURANCE_CLAIM,
    WELFARE_NKINDS
} welfare_kind_t;

typedef enum {
    WELFARE_INCIDENT_INJURED = 0,
    WELFARE_INCIDENT_FELL_ILL,
    WELFARE_INCIDENT_INFECTED,
    WELFARE_INCIDENT_QUARANTINED,
    WELFARE_INCIDENT_DIED,
    WELFARE_NINCIDENTS
} welfare_incident_t;

/* The largest amount the system handles at all (a sanity bound under int64 overflow). */
#define WELFARE_AMOUNT_LIMIT INT64_C(1000000000000000) /* 10^15 fen */

typedef struct {
    int nfunds;
    welfare_fund_t funds[WELFARE_NFUNDS];    /* tried in this order */
    int64_t auto_approve_max_fen;            /* 0: always needs an approver */
    int64_t max_fen;                         /* largest single payment */
    int on_duty_only;                        /* condolence: automatic only for on-duty incidents */
    int aid_team_only;                       /* insurance: aid-team members only (000 §4) */
    int64_t by_incident[WELFARE_NINCIDENTS]; /* condolence amounts; 0 = none */
    int64_t by_risk_class[3];                /* frontline subsidy: [1] class I, [2] class II */
    int64_t min_minutes;                     /* frontline subsidy: shortest duty that counts */
} welfare_kind_policy_t;

typedef struct {
    int64_t max_transfer_fen;
    int64_t pending_ttl_days;
    int64_t visit_every_days;
    welfare_kind_policy_t kinds[WELFARE_NKINDS];
} welfare_policy_t;

/* Fills out from a parsed policy document; every value is checked (FC_EINVAL naming its
 * dotted path). Absent values take the defaults of the national 2020 rates and the file in
 * infra/policy. */
int welfare_policy_parse(const json_t *doc, welfare_policy_t *out, fc_err_t *err);
/* Loads <dir>/welfare.json and parses it. */
int welfare_policy_load(const char *dir, welfare_policy_t *out, fc_err_t *err);

/* Codes and names. *_code returns the index or -1 if unknown. */
int welfare_fund_code(const char *name);
const char *welfare_fund_name(int fund);  /* "special_party_fee" */
const char *welfare_fund_label(int fund); /* "专项党费" */
int welfare_kind_code(const char *name);
const char *welfare_kind_name(int kind);
const char *welfare_kind_label(int kind);
int welfare_incident_code(const char *name);
const char *welfare_incident_name(int incident);
const char *welfare_incident_label(int incident);
/* Disbursement states. */
const char *welfare_state_label(const char *state);
/* 12345 → "123.45 元" into buf (at least 32 bytes). */
const char *welfare_yuan(int64_t fen, char *buf, size_t n);

#endif
