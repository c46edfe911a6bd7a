-- Report's own projections of the events of intake, welfare and notify (it reads no other
-- schema), the stored reports with their versions, and the late/missing weekly reports it raised (one row
-- per member, week, kind). Scheduled runs are recorded in the common schedule_runs table.
-- Times are UTC microseconds (bigint); "day" columns are Asia/Shanghai calendar days since
-- 1970-01-01; money is integer fen.

-- intake.org_upserted
CREATE TABLE org (
    org_code    text PRIMARY KEY,
    parent_code text NOT NULL DEFAULT '',
    name        text NOT NULL DEFAULT '',
    kind        text NOT NULL DEFAULT '',
    updated_us  bigint NOT NULL
);
CREATE INDEX org_parent ON org (parent_code);

-- intake.person_upserted: the person as last published.
CREATE TABLE person (
    employee_no     text PRIMARY KEY,
    name            text NOT NULL DEFAULT '',
    org_code        text NOT NULL DEFAULT '',
    party_status    text NOT NULL DEFAULT '',
    cadre_level     text NOT NULL DEFAULT '',
    leadership_team boolean NOT NULL DEFAULT false,
    young_cadre     boolean NOT NULL DEFAULT false,
    reserve_pool    boolean NOT NULL DEFAULT false,
    first_seen_us   bigint NOT NULL,
    updated_us      bigint NOT NULL
);
CREATE INDEX person_org ON person (org_code);

-- Health status history: the status a person_upserted carried (when it differed) and every
-- intake.health_status_changed.
CREATE TABLE person_status (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL,
    at_us       bigint NOT NULL,
    status      smallint NOT NULL CHECK (status BETWEEN 1 AND 7)
);
CREATE INDEX person_status_person ON person_status (employee_no, at_us, id);

-- intake.health_checked_in, one row each.
CREATE TABLE checkin (
    checkin_id  bigint PRIMARY KEY,
    employee_no text NOT NULL,
    org_code    text NOT NULL,
    at_us       bigint NOT NULL,
    fever       boolean NOT NULL
);
CREATE INDEX checkin_at ON checkin (at_us);

-- intake.duty_checked_in / intake.duty_checked_out. end_us NULL while open.
CREATE TABLE duty (
    duty_id       bigint PRIMARY KEY,
    employee_no   text NOT NULL,
    org_code      text NOT NULL,
    post_code     text NOT NULL DEFAULT '',
    post_org_code text NOT NULL DEFAULT '',
    risk_class    smallint NOT NULL DEFAULT 2,
    start_us      bigint NOT NULL,
    end_us        bigint,
    start_day     integer NOT NULL,
    end_day       integer NOT NULL   -- day of the last microsecond on duty (start_day while open)
);
CREATE INDEX duty_start ON duty (start_us);
CREATE INDEX duty_person ON duty (employee_no, start_us);

-- intake.incident_reported
CREATE TABLE incident (
    incident_id bigint PRIMARY KEY,
    employee_no text NOT NULL,
    org_code    text NOT NULL,
    kind        text NOT NULL,
    at_us       bigint NOT NULL,
    description text NOT NULL DEFAULT '',
    major       boolean NOT NULL,
    on_duty     boolean NOT NULL
);
CREATE INDEX incident_at ON incident (at_us);

-- intake.hardship_case_opened / intake.hardship_case_closed
CREATE TABLE hardship (
    case_id     bigint PRIMARY KEY,
    employee_no text NOT NULL,
    org_code    text NOT NULL,
    category    text NOT NULL DEFAULT '',
    opened_us   bigint,
    closed_us   bigint
);

-- intake.weekly_report_submitted: the first submission per member and week counts.
CREATE TABLE weekly_report (
    employee_no       text NOT NULL,
    iso_week          text NOT NULL,
    report_id         bigint NOT NULL,
    org_code          text NOT NULL,
    submitted_us      bigint NOT NULL,
    no_outbreak       boolean NOT NULL,
    production_stable boolean NOT NULL,
    PRIMARY KEY (employee_no, iso_week)
);
CREATE INDEX weekly_report_week ON weekly_report (iso_week);

-- intake.merit_recorded (commendations and accountability)
CREATE TABLE merit (
    record_id      bigint PRIMARY KEY,
    employee_no    text NOT NULL,
    org_code       text NOT NULL,
    kind           text NOT NULL,
    accountability boolean NOT NULL,
    reason         text NOT NULL DEFAULT '',
    issued_by      text NOT NULL DEFAULT '',
    at_us          bigint NOT NULL
);
CREATE INDEX merit_at ON merit (at_us);

-- intake.cadre_key_event_recorded
CREATE TABLE key_event (
    event_id    bigint PRIMARY KEY,
    employee_no text NOT NULL,
    org_code    text NOT NULL,
    polarity    text NOT NULL,
    description text NOT NULL DEFAULT '',
    at_us       bigint NOT NULL
);
CREATE INDEX key_event_at ON key_event (at_us);

-- intake.party_candidate_upserted
CREATE TABLE party_candidate (
    employee_no  text PRIMARY KEY,
    org_code     text NOT NULL,
    party_status text NOT NULL DEFAULT '',
    fast_track   boolean NOT NULL,
    reason       text NOT NULL DEFAULT '',
    at_us        bigint NOT NULL
);

-- welfare.disbursement_*: each disbursement's life (times of the steps that matter here).
CREATE TABLE disbursement (
    id           bigint PRIMARY KEY,
    kind         text NOT NULL,
    employee_no  text NOT NULL DEFAULT '',
    person_org   text NOT NULL DEFAULT '',
    payer_org    text NOT NULL DEFAULT '',
    fund         text NOT NULL DEFAULT '',
    amount_fen   bigint NOT NULL,
    state        text NOT NULL,
    requested_us bigint NOT NULL,
    paid_us      bigint,
    closed_us    bigint,      -- rejected or expired
    reversed_us  bigint,
    updated_us   bigint NOT NULL
);

-- welfare.funds_moved: inflows and allocations.
CREATE TABLE funds_moved (
    transfer_id bigint PRIMARY KEY,
    kind        text NOT NULL,
    from_org    text NOT NULL DEFAULT '',
    to_org      text NOT NULL,
    fund        text NOT NULL DEFAULT '',
    amount_fen  bigint NOT NULL,
    at_us       bigint NOT NULL
);

-- notify.task_*: the tasks notify keeps (incident visits among them).
CREATE TABLE notify_task (
    task_id     bigint PRIMARY KEY,
    kind        text NOT NULL,
    subject     text NOT NULL DEFAULT '',
    period      text NOT NULL DEFAULT '',
    employee_no text NOT NULL DEFAULT '',
    org_code    text NOT NULL DEFAULT '',
    due_us      bigint NOT NULL DEFAULT 0,
    state       text NOT NULL,
    done_us     bigint NOT NULL DEFAULT 0,
    escalated   boolean NOT NULL DEFAULT false,
    created_us  bigint NOT NULL DEFAULT 0,
    updated_us  bigint NOT NULL
);
CREATE INDEX notify_task_subject ON notify_task (kind, subject);

-- Stored reports: the packed fc.v1.ReportWeekly exactly as built; a re-run is a new version.
CREATE TABLE report (
    id              bigserial PRIMARY KEY,
    iso_week        text NOT NULL CHECK (iso_week ~ '^[0-9]{4}-W[0-9]{2}$'),
    org_code        text NOT NULL,
    version         integer NOT NULL CHECK (version >= 1),
    completeness    text NOT NULL CHECK (completeness IN ('complete', 'partial')),
    missing         text[] NOT NULL DEFAULT '{}',
    empty           boolean NOT NULL DEFAULT false,
    trigger         text NOT NULL CHECK (trigger IN ('schedule', 'on_demand')),
    request_id      text UNIQUE,       -- the command's message id: a retry finds its version
    period_start_us bigint NOT NULL,
    period_end_us   bigint NOT NULL,
    generated_us    bigint NOT NULL,
    generated_by    text NOT NULL DEFAULT '',
    body            bytea NOT NULL,
    body_sha256     text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (iso_week, org_code, version)
);

-- Late and missing weekly reports raised on fc:events:report, once each.
CREATE TABLE chase (
    employee_no  text NOT NULL,
    iso_week     text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('late', 'missing')),
    org_code     text NOT NULL,
    due_us       bigint NOT NULL,
    submitted_us bigint NOT NULL DEFAULT 0,
    detected_us  bigint NOT NULL,
    PRIMARY KEY (employee_no, iso_week, kind)
);
