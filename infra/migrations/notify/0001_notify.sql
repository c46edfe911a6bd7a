-- notify: its projection of intake's people and units, recipients' channels, tasks with
-- their reminders, the messages rendered from them and their deliveries per channel, and the
-- in-app inbox. Times are UTC microseconds (bigint). The jobs table (fc_jobrec) is common.

-- ---- projection of intake (events org_upserted / person_upserted / duty_*) ----------------
CREATE TABLE org_unit (
    org_code text PRIMARY KEY,
    parent_code text,
    name text NOT NULL DEFAULT '',
    kind text NOT NULL DEFAULT '',
    at_us bigint NOT NULL DEFAULT 0
);
CREATE INDEX org_unit_parent ON org_unit (parent_code);

CREATE TABLE person (
    employee_no text PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    phone text NOT NULL DEFAULT '',
    org_code text NOT NULL DEFAULT '',
    leadership_team boolean NOT NULL DEFAULT false,
    health_status integer NOT NULL DEFAULT 0,
    at_us bigint NOT NULL DEFAULT 0
);
CREATE INDEX person_org ON person (org_code);

-- Local (Asia/Shanghai) days with frontline duty, for the heart-to-heart cadence and the
-- post-epidemic health check (everyone who served).
CREATE TABLE duty_day (
    employee_no text NOT NULL,
    day integer NOT NULL,          -- days since 1970-01-01, Shanghai calendar
    PRIMARY KEY (employee_no, day)
);

-- ---- recipients --------------------------------------------------------------------------
-- An organisation department (组织部) of a unit: recipient "@<org_code>".
CREATE TABLE desk (
    org_code text PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    wecom_url text NOT NULL DEFAULT '',
    email text NOT NULL DEFAULT '',
    phone text NOT NULL DEFAULT '',
    lang text NOT NULL DEFAULT '',
    channels text[] NOT NULL DEFAULT '{}'
);

-- A person's preferences: channels in use, language, addresses intake does not hold.
CREATE TABLE pref (
    employee_no text PRIMARY KEY,
    channels text[] NOT NULL DEFAULT '{}',
    lang text NOT NULL DEFAULT '',
    email text NOT NULL DEFAULT '',
    wecom_url text NOT NULL DEFAULT ''
);

-- The Party branch secretary of a unit (党支部书记), set by an operator.
CREATE TABLE secretary (
    org_code text PRIMARY KEY,
    employee_no text NOT NULL
);

-- ---- tasks, series, reminders ------------------------------------------------------------
CREATE TABLE task (
    task_id bigserial PRIMARY KEY,
    kind text NOT NULL,
    subject text NOT NULL,
    period text NOT NULL DEFAULT '',
    employee_no text NOT NULL DEFAULT '',
    org_code text NOT NULL DEFAULT '',
    due_us bigint NOT NULL DEFAULT 0,
    state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'cancelled')),
    done_us bigint NOT NULL DEFAULT 0,
    done_by text NOT NULL DEFAULT '',
    note text NOT NULL DEFAULT '',
    escalated boolean NOT NULL DEFAULT false,
    created_us bigint NOT NULL,
    UNIQUE (kind, subject, period)
);
CREATE INDEX task_open ON task (kind, state);
CREATE INDEX task_person ON task (employee_no);

-- A recurring duty (liaison check-ins of a hardship case, the weekly health check of one
-- person): the next period is opened when it comes due, until the series is closed.
CREATE TABLE series (
    series_id bigserial PRIMARY KEY,
    kind text NOT NULL,
    subject text NOT NULL,
    employee_no text NOT NULL DEFAULT '',
    org_code text NOT NULL DEFAULT '',
    every_us bigint NOT NULL CHECK (every_us > 0),
    next_us bigint NOT NULL,
    seq integer NOT NULL DEFAULT 0,
    vars jsonb NOT NULL DEFAULT '{}',
    recipients text[] NOT NULL DEFAULT '{}',
    -- per_period: each period is a task of its own (a check-in every week); otherwise one task
    -- (the health check) is reminded every period until it is done
    per_period boolean NOT NULL DEFAULT true,
    open boolean NOT NULL DEFAULT true,
    UNIQUE (kind, subject)
);
CREATE INDEX series_due ON series ((next_us - every_us)) WHERE open;

-- One reminder per (kind, subject, period): the dedupe key that keeps a reminder from ever
-- being sent twice. Its job (fc_jobrec, queue notify.reminders) carries reminder_id.
CREATE TABLE reminder (
    reminder_id bigserial PRIMARY KEY,
    task_id bigint REFERENCES task (task_id),
    kind text NOT NULL,
    subject text NOT NULL,
    period text NOT NULL DEFAULT '',
    employee_no text NOT NULL DEFAULT '',
    org_code text NOT NULL DEFAULT '',
    due_us bigint NOT NULL,
    urgent boolean NOT NULL DEFAULT false,
    recipients text[] NOT NULL,
    vars jsonb NOT NULL DEFAULT '{}',
    -- a reminder that is an escalation goes out only if its task is still open at due_us
    escalation boolean NOT NULL DEFAULT false,
    state text NOT NULL DEFAULT 'scheduled'
        CHECK (state IN ('scheduled', 'sent', 'cancelled', 'failed')),
    job_id text NOT NULL,
    error text NOT NULL DEFAULT '',
    created_us bigint NOT NULL,
    sent_us bigint NOT NULL DEFAULT 0,
    UNIQUE (kind, subject, period)
);
CREATE INDEX reminder_task ON reminder (task_id);
CREATE UNIQUE INDEX reminder_job ON reminder (job_id);

-- ---- messages and deliveries -------------------------------------------------------------
-- One message per reminder and recipient, rendered once and stored as sent. state failed:
-- nothing could be sent (no recipient found, no channel, a template variable missing).
CREATE TABLE message (
    message_id bigserial PRIMARY KEY,
    reminder_id bigint NOT NULL REFERENCES reminder (reminder_id),
    recipient text NOT NULL,
    recipient_name text NOT NULL DEFAULT '',
    lang text NOT NULL DEFAULT 'zh',
    title text NOT NULL DEFAULT '',
    body text NOT NULL DEFAULT '',
    markdown text NOT NULL DEFAULT '',
    sms_params text NOT NULL DEFAULT '{}',
    sms_template text NOT NULL DEFAULT '',
    state text NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'failed')),
    error text NOT NULL DEFAULT '',
    created_us bigint NOT NULL,
    UNIQUE (reminder_id, recipient)
);
CREATE INDEX message_recipient ON message (recipient, message_id);

-- One delivery per message and channel. sending = an attempt is in flight until lease_us
-- (real time, not the business clock: a lease is about a process being alive); a sending row
-- found after its lease (the sender died) is in doubt and resolved per channel.
CREATE TABLE delivery (
    delivery_id bigserial PRIMARY KEY,
    message_id bigint NOT NULL REFERENCES message (message_id),
    channel text NOT NULL,
    address text NOT NULL,
    state text NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'dead', 'cancelled')),
    attempts integer NOT NULL DEFAULT 0,
    job_id text NOT NULL,
    lease_us bigint NOT NULL DEFAULT 0,
    attempt_us bigint NOT NULL DEFAULT 0,   -- when the last attempt began
    next_us bigint NOT NULL DEFAULT 0,
    last_error text NOT NULL DEFAULT '',
    provider_ref text NOT NULL DEFAULT '',
    in_doubt_resends integer NOT NULL DEFAULT 0,
    created_us bigint NOT NULL,
    sent_us bigint NOT NULL DEFAULT 0,
    UNIQUE (message_id, channel)
);
CREATE INDEX delivery_job ON delivery (job_id);

-- The in-app inbox (the common table "inbox" is the consumer's record of events applied).
CREATE TABLE inbox_item (
    inbox_id bigserial PRIMARY KEY,
    recipient text NOT NULL,
    message_id bigint NOT NULL REFERENCES message (message_id),
    delivery_id bigint NOT NULL UNIQUE REFERENCES delivery (delivery_id),
    created_us bigint NOT NULL,
    read_us bigint NOT NULL DEFAULT 0
);
CREATE INDEX inbox_item_recipient ON inbox_item (recipient, inbox_id);

-- A periodic schedule's period that has been run (the weekly report round of 2026-W47):
-- written in the transaction that created its tasks, so a period runs once.
CREATE TABLE schedule_run (
    schedule text NOT NULL,
    period text NOT NULL,
    run_us bigint NOT NULL,
    PRIMARY KEY (schedule, period)
);
