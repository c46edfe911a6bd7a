-- Intake: fault-tolerance (容错免责) and clarification (澄清正名) records with the assessment
-- records they clear, discrimination cases against frontline staff or their families with
-- their handling steps (000 §9), and village first-secretary assignments (002 §12).
-- Times are timestamptz (UTC); the wire carries microseconds.

CREATE TABLE fault_tolerance (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL REFERENCES person (employee_no),
    org_code    text NOT NULL,
    mistake     text NOT NULL CHECK (length(mistake) BETWEEN 1 AND 4000),
    reasons     text NOT NULL CHECK (length(reasons) BETWEEN 1 AND 4000),
    decided_by  text NOT NULL CHECK (length(decided_by) BETWEEN 1 AND 200),
    decided_at  timestamptz NOT NULL,
    recorded_by text NOT NULL DEFAULT '',
    recorded_at timestamptz NOT NULL
);
CREATE INDEX fault_tolerance_person ON fault_tolerance (employee_no, decided_at);

CREATE TABLE clarification (
    id             bigserial PRIMARY KEY,
    employee_no    text NOT NULL REFERENCES person (employee_no),
    org_code       text NOT NULL,
    complaint      text NOT NULL CHECK (length(complaint) BETWEEN 1 AND 4000),
    complaint_at   timestamptz NOT NULL,
    findings       text NOT NULL CHECK (length(findings) BETWEEN 1 AND 4000),
    decided_by     text NOT NULL CHECK (length(decided_by) BETWEEN 1 AND 200),
    clarified_at   timestamptz NOT NULL,
    accuser_action text NOT NULL DEFAULT '',
    recorded_by    text NOT NULL DEFAULT '',
    recorded_at    timestamptz NOT NULL,
    CHECK (complaint_at <= clarified_at)
);
CREATE INDEX clarification_person ON clarification (employee_no, clarified_at);

-- A bad key event or an accountability record taken out of the cadre's assessment, by exactly
-- one fault-tolerance or clarification record: the primary key makes "cleared once" hold.
CREATE TABLE assessment_clearance (
    kind         text NOT NULL CHECK (kind IN ('key_event', 'merit')),
    record_id    bigint NOT NULL,
    by_kind      text NOT NULL CHECK (by_kind IN ('fault_tolerance', 'clarification')),
    by_id        bigint NOT NULL,
    PRIMARY KEY (kind, record_id)
);
CREATE INDEX assessment_clearance_by ON assessment_clearance (by_kind, by_id);

CREATE TABLE discrimination_case (
    id            bigserial PRIMARY KEY,
    employee_no   text NOT NULL REFERENCES person (employee_no),
    org_code      text NOT NULL,
    victim        text NOT NULL CHECK (victim IN ('staff', 'family')),
    family_member text NOT NULL DEFAULT '',
    description   text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    reported_by   text NOT NULL CHECK (length(reported_by) BETWEEN 1 AND 200),
    reported_at   timestamptz NOT NULL,
    state         text NOT NULL CHECK (state IN ('reported', 'handling', 'closed')),
    outcome       text NOT NULL DEFAULT ''
                  CHECK (outcome IN ('', 'education', 'punished', 'unfounded', 'other')),
    closed_at     timestamptz,
    CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
    CHECK ((state = 'closed') = (outcome <> '')),
    CHECK (victim = 'staff' OR family_member <> '')
);
CREATE INDEX discrimination_case_person ON discrimination_case (employee_no, reported_at);

CREATE TABLE discrimination_step (
    case_id bigint NOT NULL REFERENCES discrimination_case (id),
    seq     integer NOT NULL,
    step    text NOT NULL CHECK (step IN ('reported', 'handling', 'closed')),
    action  text NOT NULL CHECK (length(action) BETWEEN 1 AND 4000),
    by_whom text NOT NULL DEFAULT '',
    at      timestamptz NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE village_assignment (
    id               bigserial PRIMARY KEY,
    employee_no      text NOT NULL REFERENCES person (employee_no),
    org_code         text NOT NULL,
    village          text NOT NULL CHECK (length(village) BETWEEN 1 AND 200),
    township         text NOT NULL DEFAULT '',
    start_at         timestamptz NOT NULL,
    planned_return_at timestamptz,
    returned_at      timestamptz,
    frontline_record text NOT NULL DEFAULT '',
    return_note      text NOT NULL DEFAULT '',
    CHECK (planned_return_at IS NULL OR planned_return_at >= start_at),
    CHECK (returned_at IS NULL OR returned_at >= start_at)
);
-- one assignment at a time per person
CREATE UNIQUE INDEX village_assignment_one_open ON village_assignment (employee_no)
    WHERE returned_at IS NULL;
CREATE INDEX village_assignment_person ON village_assignment (employee_no, start_at);
