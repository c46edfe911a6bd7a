-- Intake: organisation tree, people and health check-ins (the foundation's flow).
CREATE TABLE org_unit (
    org_code      text PRIMARY KEY CHECK (org_code ~ '^[A-Za-z0-9_.-]{1,32}$'),
    parent_code   text REFERENCES org_unit (org_code),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind          text NOT NULL CHECK (kind IN ('group', 'subsidiary', 'committee',
                                                'general_branch', 'branch')),
    liaison_unit  boolean NOT NULL DEFAULT false,
    -- materialised path "/G/S1/B3/": a subtree is a prefix
    path          text NOT NULL UNIQUE,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX org_unit_path ON org_unit (path text_pattern_ops);

CREATE TABLE person (
    employee_no        text PRIMARY KEY CHECK (employee_no ~ '^[A-Za-z0-9_.-]{1,32}$'),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    phone              text NOT NULL DEFAULT '',
    org_code           text NOT NULL REFERENCES org_unit (org_code),
    party_status       text NOT NULL DEFAULT 'none' CHECK (party_status IN
                           ('member', 'probationary', 'development_target', 'activist',
                            'applicant', 'none')),
    cadre_level        text NOT NULL DEFAULT 'none' CHECK (cadre_level IN
                           ('none', 'section', 'division', 'bureau')),
    leadership_team    boolean NOT NULL DEFAULT false,
    young_cadre        boolean NOT NULL DEFAULT false,
    reserve_pool       boolean NOT NULL DEFAULT false,
    medical_staff      boolean NOT NULL DEFAULT false,
    aid_team           boolean NOT NULL DEFAULT false,
    spouse_employee_no text REFERENCES person (employee_no) DEFERRABLE INITIALLY DEFERRED,
    cares_for_elderly  boolean NOT NULL DEFAULT false,
    cares_for_children boolean NOT NULL DEFAULT false,
    fit_for_frontline  boolean NOT NULL DEFAULT true,
    health_status      smallint NOT NULL DEFAULT 1 CHECK (health_status BETWEEN 1 AND 7),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (spouse_employee_no IS DISTINCT FROM employee_no)
);
CREATE INDEX person_org ON person (org_code);

CREATE TABLE health_checkin (
    id             bigserial PRIMARY KEY,
    employee_no    text NOT NULL REFERENCES person (employee_no),
    temperature_dc integer NOT NULL CHECK (temperature_dc BETWEEN 340 AND 430),
    symptoms       text[] NOT NULL DEFAULT '{}',
    note           text NOT NULL DEFAULT '',
    at             timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_checkin_person_at ON health_checkin (employee_no, at);
