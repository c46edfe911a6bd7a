-- Report's projections for issue 11: fault-tolerance and clarification records and the
-- assessment records they took out of a cadre's assessment (intake.fault_tolerance_recorded /
-- intake.clarification_recorded), discrimination cases (intake.discrimination_case_changed),
-- and village first-secretary assignments (intake.village_assignment_changed). No texts: the
-- events carry none. Times are UTC microseconds; days Asia/Shanghai days.

CREATE TABLE assessment_record (
    kind        text NOT NULL CHECK (kind IN ('fault_tolerance', 'clarification')),
    record_id   bigint NOT NULL,
    employee_no text NOT NULL,
    org_code    text NOT NULL,
    at_us       bigint NOT NULL,
    cleared     integer NOT NULL,
    PRIMARY KEY (kind, record_id)
);

CREATE TABLE discrimination (
    case_id     bigint PRIMARY KEY,
    employee_no text NOT NULL,
    org_code    text NOT NULL,
    victim      text NOT NULL DEFAULT '',
    reported_us bigint NOT NULL,
    state       text NOT NULL,
    outcome     text NOT NULL DEFAULT '',
    closed_us   bigint
);

CREATE TABLE clearance (
    kind      text NOT NULL CHECK (kind IN ('key_event', 'merit')),
    record_id bigint NOT NULL,
    by_kind   text NOT NULL,
    by_id     bigint NOT NULL,
    at_us     bigint NOT NULL,
    PRIMARY KEY (kind, record_id)
);

-- What counts in the assessment figures (commendations and accountability, the two ends, the
-- candidate lists): every key event and merit record but the cleared ones.
CREATE VIEW key_event_live AS
    SELECT k.* FROM key_event k
    WHERE NOT EXISTS (SELECT 1 FROM clearance c WHERE c.kind = 'key_event'
                      AND c.record_id = k.event_id);
CREATE VIEW merit_live AS
    SELECT m.* FROM merit m
    WHERE NOT EXISTS (SELECT 1 FROM clearance c WHERE c.kind = 'merit'
                      AND c.record_id = m.record_id);

CREATE TABLE village (
    assignment_id     bigint PRIMARY KEY,
    employee_no       text NOT NULL,
    org_code          text NOT NULL,
    village           text NOT NULL DEFAULT '',
    township          text NOT NULL DEFAULT '',
    start_us          bigint NOT NULL,
    planned_return_us bigint,
    returned_us       bigint,
    start_day         integer NOT NULL,
    return_day        integer,
    updated_us        bigint NOT NULL
);
CREATE INDEX village_person ON village (employee_no);
