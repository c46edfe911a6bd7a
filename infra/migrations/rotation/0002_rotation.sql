-- Rotation's own projections of intake's organisation, people, posts and duty log; the
-- availability, overload and forced-rest records derived from them; spouse overrides; and the
-- versioned rosters with their assignments, uncovered shifts and compensatory leave.

-- ---- projections of intake's events (rotation never reads intake's tables) ----
CREATE TABLE org_unit (
    org_code    text PRIMARY KEY,
    parent_code text,
    name        text NOT NULL DEFAULT '',
    kind        text NOT NULL DEFAULT '',
    updated_us  bigint NOT NULL DEFAULT 0
);
CREATE INDEX org_unit_parent ON org_unit (parent_code);

CREATE TABLE person (
    employee_no        text PRIMARY KEY,
    name               text NOT NULL DEFAULT '',
    org_code           text NOT NULL,
    party_status       text NOT NULL DEFAULT 'none',
    young_cadre        boolean NOT NULL DEFAULT false,
    medical_staff      boolean NOT NULL DEFAULT false,
    spouse_employee_no text,
    fit                boolean NOT NULL DEFAULT true,
    health_status      smallint NOT NULL DEFAULT 1,
    updated_us         bigint NOT NULL DEFAULT 0
);
CREATE INDEX person_org ON person (org_code);

CREATE TABLE post (
    post_code  text PRIMARY KEY,
    org_code   text NOT NULL,
    name       text NOT NULL DEFAULT '',
    kind       text NOT NULL DEFAULT '',
    risk_class smallint NOT NULL DEFAULT 2,
    updated_us bigint NOT NULL DEFAULT 0
);
CREATE INDEX post_org ON post (org_code);

-- a post's shifts: minutes after local midnight; end <= start crosses midnight
CREATE TABLE post_shift (
    post_code text NOT NULL REFERENCES post (post_code) ON DELETE CASCADE,
    idx       smallint NOT NULL,
    start_min integer NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min   integer NOT NULL CHECK (end_min BETWEEN 0 AND 1440),
    headcount integer NOT NULL CHECK (headcount >= 0),
    PRIMARY KEY (post_code, idx)
);

-- the duty log: one row per check-in; end_us and minutes once checked out
CREATE TABLE duty (
    duty_id       bigint PRIMARY KEY,
    employee_no   text NOT NULL,
    org_code      text NOT NULL,
    post_code     text NOT NULL,
    post_org_code text NOT NULL DEFAULT '',
    risk_class    smallint NOT NULL DEFAULT 2,
    start_us      bigint NOT NULL,
    end_us        bigint,
    minutes       integer
);
CREATE INDEX duty_person_start ON duty (employee_no, start_us);

-- ---- availability: periods a person may not be rostered (to_us NULL: until further notice)
CREATE TABLE unavailability (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('incident', 'health', 'unfit', 'forced_rest')),
    from_us     bigint NOT NULL,
    to_us       bigint,
    source      text NOT NULL UNIQUE,      -- what caused it, so it is recorded once
    detail      text NOT NULL DEFAULT '',
    CHECK (to_us IS NULL OR to_us > from_us)
);
CREATE INDEX unavailability_person ON unavailability (employee_no, from_us);

-- ---- overload (000 §3): warnings at 80 % of a threshold, forced rest past one
CREATE TABLE overload_warning (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL,
    org_code    text NOT NULL,
    metric      text NOT NULL,
    local_day   date NOT NULL,
    value       bigint NOT NULL,
    limit_value bigint NOT NULL,
    at_us       bigint NOT NULL,
    duty_id     bigint,
    UNIQUE (employee_no, metric, local_day)    -- one warning per metric and day
);

CREATE TABLE forced_rest (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL,
    org_code    text NOT NULL,
    metric      text NOT NULL,
    value       bigint NOT NULL,
    limit_value bigint NOT NULL,
    from_us     bigint NOT NULL,
    until_us    bigint NOT NULL CHECK (until_us > from_us),
    duty_id     bigint,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX forced_rest_person ON forced_rest (employee_no, until_us);

-- ---- spouses on duty the same day: only with a recorded reason (000 §5)
CREATE TABLE spouse_override (
    id         bigserial PRIMARY KEY,
    employee_a text NOT NULL,
    employee_b text NOT NULL,
    from_day   date NOT NULL,
    to_day     date NOT NULL,
    reason     text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    actor      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (employee_a < employee_b),
    CHECK (from_day <= to_day)
);
CREATE INDEX spouse_override_pair ON spouse_override (employee_a, employee_b);

-- ---- rosters: one row per plan; version counts plans per org, revision the replacements
CREATE TABLE roster (
    id         bigserial PRIMARY KEY,
    org_code   text NOT NULL,
    version    integer NOT NULL,
    revision   integer NOT NULL DEFAULT 0,
    from_day   date NOT NULL,
    days       integer NOT NULL CHECK (days BETWEEN 1 AND 366),
    problem    text NOT NULL,              -- the planning problem as a problem file
    penalty    bigint NOT NULL,
    actor      text NOT NULL DEFAULT '',
    created_us bigint NOT NULL,
    UNIQUE (org_code, version)
);

-- An assignment is current while removed_rev and superseded_by are NULL: a replacement
-- removes it at a revision of its roster, a later plan over the same post and day supersedes
-- it. Rows are never deleted, so every version of a roster can be read back.
CREATE TABLE roster_assignment (
    id            bigserial PRIMARY KEY,
    roster_id     bigint NOT NULL REFERENCES roster (id),
    day           date NOT NULL,
    shift_id      text NOT NULL,
    post_code     text NOT NULL,
    employee_no   text NOT NULL,
    start_us      bigint NOT NULL,
    end_us        bigint NOT NULL,
    added_rev     integer NOT NULL DEFAULT 0,
    removed_rev   integer,
    superseded_by bigint,
    note          text NOT NULL DEFAULT ''
);
CREATE INDEX roster_assignment_roster ON roster_assignment (roster_id);
CREATE INDEX roster_assignment_person ON roster_assignment (employee_no, day)
    WHERE removed_rev IS NULL AND superseded_by IS NULL;
CREATE INDEX roster_assignment_post ON roster_assignment (post_code, day)
    WHERE removed_rev IS NULL AND superseded_by IS NULL;

CREATE TABLE roster_uncovered (
    id            bigserial PRIMARY KEY,
    roster_id     bigint NOT NULL REFERENCES roster (id),
    day           date NOT NULL,
    shift_id      text NOT NULL,
    post_code     text NOT NULL,
    start_us      bigint NOT NULL,
    end_us        bigint NOT NULL,
    missing       integer NOT NULL,
    reason        text NOT NULL,
    text          text NOT NULL,
    added_rev     integer NOT NULL DEFAULT 0,
    superseded_by bigint
);
CREATE INDEX roster_uncovered_post ON roster_uncovered (post_code, day)
    WHERE superseded_by IS NULL;

-- compensatory leave (调休/轮休, 002 §6) scheduled into a roster's off days
CREATE TABLE comp_leave (
    employee_no text NOT NULL,
    day         date NOT NULL,
    roster_id   bigint NOT NULL REFERENCES roster (id),
    PRIMARY KEY (employee_no, day)
);

-- who a roster planned for (also those it gave no shift), to explain their days off
CREATE TABLE roster_member (
    roster_id   bigint NOT NULL REFERENCES roster (id),
    employee_no text NOT NULL,
    PRIMARY KEY (roster_id, employee_no)
);
CREATE INDEX roster_member_person ON roster_member (employee_no);
