-- Report's projection of welfare's benefit application cases (welfare.benefit_case_opened,
-- welfare.benefit_step_changed, welfare.benefit_case_closed): cases opened, closed and overdue
-- per subsidiary. Steps keep their own deadline and completion so a past week's "overdue at
-- the week end" stays what it was, whatever happened after.
CREATE TABLE benefit_case (
    case_id     bigint PRIMARY KEY,
    kind        text NOT NULL,
    employee_no text NOT NULL,
    org_code    text NOT NULL,
    payer_org   text NOT NULL DEFAULT '',
    opened_us   bigint NOT NULL,
    closed_us   bigint,
    state       text NOT NULL DEFAULT 'open',
    amount_fen  bigint NOT NULL DEFAULT 0
);
CREATE INDEX benefit_case_opened ON benefit_case (opened_us);

CREATE TABLE benefit_step (
    case_id      bigint NOT NULL,
    step_index   int NOT NULL,
    step         text NOT NULL,
    started_us   bigint NOT NULL,
    deadline_us  bigint NOT NULL,
    completed_us bigint,
    PRIMARY KEY (case_id, step_index)
);
