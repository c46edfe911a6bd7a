-- Intake: posts and teams, duty log, health status history, incidents, key-group files with
-- their service contacts, hardship cases, weekly reports, cadre key events, commendations and
-- accountability, Party development candidates, and the staged CSV import sessions.
-- Times are timestamptz (UTC); the wire carries microseconds.

CREATE TABLE post (
    post_code   text PRIMARY KEY CHECK (post_code ~ '^[A-Za-z0-9_.-]{1,32}$'),
    org_code    text NOT NULL REFERENCES org_unit (org_code),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind        text NOT NULL CHECK (kind IN ('checkpoint', 'temperature_station', 'fever_clinic',
                    'disinfection', 'quarantine_service', 'production', 'pioneer_post',
                    'commando_team', 'volunteer_team', 'responsibility_zone')),
    risk_class  smallint NOT NULL CHECK (risk_class IN (1, 2)),
    -- canonical "HH:MM-HH:MM*N;..." (the wire's repeated Shift, validated by intake_rules)
    shifts      text NOT NULL CHECK (shifts <> ''),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_org ON post (org_code);

CREATE TABLE duty (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL REFERENCES person (employee_no),
    post_code   text NOT NULL REFERENCES post (post_code),
    start_at    timestamptz NOT NULL,
    end_at      timestamptz,
    minutes     integer,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CHECK (end_at IS NULL OR (end_at > start_at AND end_at <= start_at + interval '24 hours')),
    CHECK ((end_at IS NULL) = (minutes IS NULL))
);
-- one open check-in per person, whatever the application does
CREATE UNIQUE INDEX duty_one_open ON duty (employee_no) WHERE end_at IS NULL;
CREATE INDEX duty_person_start ON duty (employee_no, start_at);

CREATE TABLE health_status_change (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL REFERENCES person (employee_no),
    from_status smallint NOT NULL CHECK (from_status BETWEEN 1 AND 7),
    to_status   smallint NOT NULL CHECK (to_status BETWEEN 1 AND 7),
    reason      text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_status_change_person ON health_status_change (employee_no, at);

CREATE TABLE incident (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL REFERENCES person (employee_no),
    org_code    text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('injured', 'fell_ill', 'infected', 'quarantined',
                                              'died')),
    at          timestamptz NOT NULL,
    description text NOT NULL DEFAULT '',
    major       boolean NOT NULL,
    on_duty     boolean NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_person ON incident (employee_no, at);

CREATE TABLE key_group_file (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL REFERENCES person (employee_no),
    org_code    text NOT NULL,
    category    text NOT NULL CHECK (category IN ('confirmed', 'suspected', 'fever',
                                                  'close_contact')),
    volunteer_employee_no text NOT NULL REFERENCES person (employee_no),
    card_phone  text NOT NULL DEFAULT '',
    location    text NOT NULL DEFAULT '',
    note        text NOT NULL DEFAULT '',
    opened_at   timestamptz NOT NULL,
    closed_at   timestamptz,
    CHECK (closed_at IS NULL OR closed_at >= opened_at)
);
-- one person, one (open) file
CREATE UNIQUE INDEX key_group_one_open ON key_group_file (employee_no) WHERE closed_at IS NULL;

CREATE TABLE service_contact (
    id          bigserial PRIMARY KEY,
    file_id     bigint NOT NULL REFERENCES key_group_file (id),
    kind        text NOT NULL CHECK (kind IN ('phone_call', 'psych_care', 'groceries', 'visit',
                                              'other')),
    by_employee_no text NOT NULL REFERENCES person (employee_no),
    note        text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_contact_file ON service_contact (file_id, at);

CREATE TABLE hardship_case (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL REFERENCES person (employee_no),
    org_code    text NOT NULL,
    category    text NOT NULL CHECK (category IN ('elderly_care', 'child_care', 'illness',
                                                  'income', 'housing', 'other')),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    liaison_employee_no text NOT NULL REFERENCES person (employee_no),
    requested_fen bigint NOT NULL DEFAULT 0 CHECK (requested_fen >= 0),
    opened_at   timestamptz NOT NULL,
    closed_at   timestamptz,
    close_note  text NOT NULL DEFAULT '',
    CHECK (liaison_employee_no <> employee_no)
);
-- one open case per person and category; a liaison serves one open case ("一对一")
CREATE UNIQUE INDEX hardship_one_open ON hardship_case (employee_no, category)
    WHERE closed_at IS NULL;
CREATE UNIQUE INDEX hardship_liaison_one_open ON hardship_case (liaison_employee_no)
    WHERE closed_at IS NULL;

CREATE TABLE weekly_report (
    id            bigserial PRIMARY KEY,
    employee_no   text NOT NULL REFERENCES person (employee_no),
    org_code      text NOT NULL REFERENCES org_unit (org_code),
    iso_week      text NOT NULL CHECK (iso_week ~ '^[0-9]{4}-W[0-9]{2}$'),
    epidemic_duty text NOT NULL,
    production    text NOT NULL,
    no_outbreak   boolean NOT NULL,
    production_stable boolean NOT NULL,
    submitted_at  timestamptz NOT NULL,
    UNIQUE (employee_no, iso_week)
);

CREATE TABLE cadre_key_event (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL REFERENCES person (employee_no),
    org_code    text NOT NULL,
    polarity    text NOT NULL CHECK (polarity IN ('good', 'bad')),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    at          timestamptz NOT NULL,
    recorded_by text NOT NULL DEFAULT ''
);
CREATE INDEX cadre_key_event_person ON cadre_key_event (employee_no, at);

CREATE TABLE merit_record (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL REFERENCES person (employee_no),
    org_code    text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('commendation', 'merit', 'public_praise',
                                              'accountability', 'reassignment', 'disciplinary')),
    reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    issued_by   text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL
);
CREATE INDEX merit_record_person ON merit_record (employee_no, at);

CREATE TABLE party_candidate (
    employee_no  text PRIMARY KEY REFERENCES person (employee_no),
    org_code     text NOT NULL,
    party_status text NOT NULL,
    fast_track   boolean NOT NULL,
    reason       text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- CSV import sessions: chunks as sent (packed ImportChunkRequest), problems found at commit.
CREATE TABLE import_session (
    import_id   text PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('org', 'posts', 'people')),
    skip_bad    boolean NOT NULL,
    file_name   text NOT NULL DEFAULT '',
    actor       text NOT NULL DEFAULT '',
    role        text NOT NULL DEFAULT '',
    org_scope   text NOT NULL DEFAULT '',
    state       text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'applied', 'rejected',
                                                              'checked')),
    rows        integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

CREATE TABLE import_chunk (
    import_id   text NOT NULL REFERENCES import_session (import_id) ON DELETE CASCADE,
    seq         integer NOT NULL CHECK (seq >= 0),
    rows        integer NOT NULL,
    payload     bytea NOT NULL,
    PRIMARY KEY (import_id, seq)
);

CREATE TABLE import_problem (
    import_id   text NOT NULL REFERENCES import_session (import_id) ON DELETE CASCADE,
    n           integer NOT NULL,
    line        integer NOT NULL,
    col         text NOT NULL,
    reason      text NOT NULL,
    PRIMARY KEY (import_id, n)
);
