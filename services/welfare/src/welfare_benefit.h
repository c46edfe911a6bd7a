/* welfare_benefit: benefit application cases (000 §4) — work-injury filings, work-related
 * disability, death on duty, martyr evaluation and aid-team insurance claims. A case walks
 * the steps its kind has in policy (benefit.kinds.<kind>), each with a handler and a deadline,
 * records the documents received, and ends granted (the payout one disbursement with key
 * "auto:benefit:<id>", through welfare_flow) or refused. Incidents of the right kind open
 * their cases automatically, once per incident. Every change publishes a BenefitCaseEvent.
 * Each function runs inside the caller's open transaction. */
#ifndef WELFARE_BENEFIT_H
#define WELFARE_BENEFIT_H

#include <jansson.h>
#include <stdint.h>
#include "fc/v1/welfare.pb-c.h"
#include "fc_consumer.h"
#include "fc_err.h"
#include "welfare_flow.h"
#include "welfare_policy.h"

typedef enum {
    WELFARE_BENEFIT_WORK_INJURY = 0,
    WELFARE_BENEFIT_DISABILITY,
    WELFARE_BENEFIT_DEATH_ON_DUTY,
    WELFARE_BENEFIT_MARTYR,
    WELFARE_BENEFIT_ACCIDENT_INSURANCE,
    WELFARE_BENEFIT_ILLNESS_INSURANCE,
    WELFARE_NBENEFITS
} welfare_benefit_kind_t;

#define WELFARE_BENEFIT_MAX_STEPS 12
#define WELFARE_BENEFIT_NAME_MAX 32
#define WELFARE_BENEFIT_LABEL_MAX 96

typedef struct {
    char name[WELFARE_BENEFIT_NAME_MAX];
    char label[WELFARE_BENEFIT_LABEL_MAX];
    int64_t days; /* deadline: this many days after the step starts */
} welfare_benefit_step_t;

typedef struct {
    int nsteps;
    welfare_benefit_step_t steps[WELFARE_BENEFIT_MAX_STEPS];
    int payout_kind;                 /* a welfare_kind_t */
    int open_on[WELFARE_NINCIDENTS]; /* incident kinds that open it automatically */
    int on_duty_only, aid_team_only;
} welfare_benefit_kind_policy_t;

typedef struct {
    welfare_benefit_kind_policy_t kinds[WELFARE_NBENEFITS];
} welfare_benefit_policy_t;

/* Fills out from the policy document's "benefit" object (defaults where absent); every value
 * is checked, FC_EINVAL naming its dotted path. */
int welfare_benefit_policy_parse(const json_t *doc, welfare_benefit_policy_t *out, fc_err_t *err);
/* Loads <dir>/welfare.json and parses its benefit part. */
int welfare_benefit_policy_load(const char *dir, welfare_benefit_policy_t *out, fc_err_t *err);

int welfare_benefit_kind_code(const char *name); /* -1 if unknown */
const char *welfare_benefit_kind_name(int kind);
const char *welfare_benefit_kind_label(int kind);

/* The commands. *out (c->arena) is the case as it is afterwards, with steps and docs. */
int welfare_benefit_open(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                         const Fc__V1__BenefitOpenRequest *req, Fc__V1__BenefitCase **out,
                         fc_err_t *err);
int welfare_benefit_step(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                         const Fc__V1__BenefitStepRequest *req, Fc__V1__BenefitCase **out,
                         fc_err_t *err);
int welfare_benefit_doc(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                        const Fc__V1__BenefitDocRequest *req, Fc__V1__BenefitCase **out,
                        fc_err_t *err);
/* grant = 1: at the last step, with an amount: the payout is requested (once); *disb_out the
 * disbursement. grant = 0: refused, with a reason. */
int welfare_benefit_decide(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                           const Fc__V1__BenefitDecisionRequest *req, int grant,
                           Fc__V1__BenefitCase **out, welfare_disb_t **disb_out, fc_err_t *err);
int welfare_benefit_show(welfare_ctx_t *c, const welfare_benefit_policy_t *bp, int64_t case_id,
                         Fc__V1__BenefitCase **out, fc_err_t *err);
int welfare_benefit_list(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                         const Fc__V1__BenefitListRequest *req, Fc__V1__BenefitListReply *out,
                         fc_err_t *err);

/* intake.incident_reported: opens the cases the policy says this incident calls for (each at
 * most once per incident). FC_EINVAL for an event that can never apply. */
int welfare_benefit_on_incident(welfare_ctx_t *c, const welfare_benefit_policy_t *bp,
                                const fc_event_t *ev, fc_err_t *err);

#endif
