-- Benefit application cases (000 §4): work-injury filings, work-related disability, death on
-- duty and martyr evaluation, aid-team insurance claims. A case walks the steps of its kind
-- (policy), records the documents received and who handles each step, and ends granted (its
-- payout a disbursement with key auto:benefit:<id>) or refused.

CREATE TABLE benefit_case (
    id               bigserial PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('work_injury', 'disability', 'death_on_duty',
                                                   'martyr', 'accident_insurance',
                                                   'illness_insurance')),
    employee_no      text NOT NULL,
    org_code         text NOT NULL,
    payer_org        text NOT NULL,
    incident_id      bigint NOT NULL DEFAULT 0,
    source           text NOT NULL CHECK (source IN ('incident', 'manual')),
    state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'granted', 'refused')),
    step_index       int NOT NULL DEFAULT 0 CHECK (step_index >= 0),
    step             text NOT NULL,
    step_deadline_us bigint NOT NULL,
    handler          text NOT NULL,
    opened_at_us     bigint NOT NULL,
    opened_by        text NOT NULL DEFAULT '',
    closed_at_us     bigint NOT NULL DEFAULT 0,
    outcome_note     text NOT NULL DEFAULT '',
    amount_fen       bigint NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    payout_kind      text NOT NULL DEFAULT '',
    disbursement_id  bigint REFERENCES disbursement (id),
    CHECK ((state = 'open') = (closed_at_us = 0))
);
-- an incident opens each kind of case once, whoever opens it and however often it arrives
CREATE UNIQUE INDEX benefit_case_incident ON benefit_case (incident_id, kind) WHERE incident_id > 0;
-- one open case of a kind per person
CREATE UNIQUE INDEX benefit_case_open ON benefit_case (employee_no, kind) WHERE state = 'open';
CREATE INDEX benefit_case_payer ON benefit_case (payer_org, state);
CREATE INDEX benefit_case_deadline ON benefit_case (step_deadline_us) WHERE state = 'open';

CREATE TABLE benefit_step (
    case_id          bigint NOT NULL REFERENCES benefit_case (id),
    step_index       int NOT NULL,
    step             text NOT NULL,
    started_at_us    bigint NOT NULL,
    deadline_us      bigint NOT NULL,
    completed_at_us  bigint NOT NULL DEFAULT 0,
    handler          text NOT NULL,
    note             text NOT NULL DEFAULT '',
    completed_by     text NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, step_index)
);

CREATE TABLE benefit_doc (
    id               bigserial PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES benefit_case (id),
    step             text NOT NULL,
    name             text NOT NULL CHECK (name <> ''),
    reference        text NOT NULL DEFAULT '',
    received_at_us   bigint NOT NULL,
    recorded_by      text NOT NULL DEFAULT '',
    recorded_at_us   bigint NOT NULL
);
CREATE INDEX benefit_doc_case ON benefit_doc (case_id, id);

-- a granted case's payment is a disbursement of its own source
ALTER TABLE disbursement DROP CONSTRAINT disbursement_source_check;
ALTER TABLE disbursement ADD CONSTRAINT disbursement_source_check
    CHECK (source IN ('manual', 'intake', 'benefit'));
