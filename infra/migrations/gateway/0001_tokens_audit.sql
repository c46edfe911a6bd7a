-- Gateway: bearer tokens (only their SHA-256 is kept) and the append-only audit log of the
-- HTTP/JSON API. Times are UTC microseconds from the injectable clock.
CREATE TABLE token (
    token_id       text PRIMARY KEY CHECK (length(token_id) = 26),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role           text NOT NULL CHECK (role IN ('group_admin', 'org_admin', 'branch_secretary',
                                                 'viewer')),
    org_scope      text NOT NULL CHECK (org_scope ~ '^[A-Za-z0-9_.-]{1,32}$'),
    -- SHA-256 of the whole bearer string: a leaked table does not leak usable tokens
    secret_sha256  bytea NOT NULL UNIQUE CHECK (length(secret_sha256) = 32),
    created_us     bigint NOT NULL,
    created_by     text NOT NULL,
    expires_us     bigint NOT NULL DEFAULT 0,
    revoked_us     bigint NOT NULL DEFAULT 0,
    revoke_reason  text NOT NULL DEFAULT '',
    last_used_us   bigint NOT NULL DEFAULT 0,
    -- the create command's message id: a retried create takes effect once. (Not a stored
    -- reply: that would keep the secret; a retry whose first answer was lost is told which
    -- token it made, and that the secret cannot be shown again.)
    create_message_id text NOT NULL UNIQUE
);

CREATE TABLE audit_log (
    audit_id     bigserial PRIMARY KEY,
    at_us        bigint NOT NULL,
    token_id     text NOT NULL,
    actor        text NOT NULL,
    role         text NOT NULL,
    org_scope    text NOT NULL,
    method       text NOT NULL,
    operation    text NOT NULL,
    message_id   text NOT NULL,
    subjects     text[] NOT NULL DEFAULT '{}',
    record       jsonb NOT NULL DEFAULT '{}',
    remote_addr  text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    phase        text NOT NULL CHECK (phase IN ('attempt', 'result')),
    status       integer NOT NULL,
    error_code   text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_subjects ON audit_log USING gin (subjects);
CREATE INDEX audit_log_at ON audit_log (at_us);
CREATE INDEX audit_log_token ON audit_log (token_id, at_us);

-- Append-only: rows are inserted, never changed or removed (a superuser can still drop the
-- table; that is what the database's own log and backups are for).
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
