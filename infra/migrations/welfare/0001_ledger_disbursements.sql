-- Welfare: projections of intake's org tree and people, the double-entry ledger (accounts,
-- transfers, entries) whose budget balances PostgreSQL itself keeps from going below zero,
-- disbursements with their audit trail, idempotent replies, and family-care records.

-- ---- projections of intake (from fc:events:intake) ------------------------------------------
CREATE TABLE org_unit (
    org_code        text PRIMARY KEY,
    parent_code     text,
    name            text NOT NULL DEFAULT '',
    kind            text NOT NULL DEFAULT '',
    updated_at_us   bigint NOT NULL
);
CREATE INDEX org_unit_parent ON org_unit (parent_code);

CREATE TABLE person (
    employee_no         text PRIMARY KEY,
    name                text NOT NULL DEFAULT '',
    phone               text NOT NULL DEFAULT '',
    org_code            text NOT NULL,
    aid_team            boolean NOT NULL DEFAULT false,
    medical_staff       boolean NOT NULL DEFAULT false,
    spouse_employee_no  text,
    health_status       smallint NOT NULL DEFAULT 0,
    updated_at_us       bigint NOT NULL
);

-- ---- the ledger -------------------------------------------------------------------------------
-- budget: what an org unit may still reserve from a fund; hold: reserved for pending
-- disbursements; payout: paid out; external: where inflows come from (the only account
-- allowed below zero: minus everything that ever entered the books).
CREATE TABLE account (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('budget', 'hold', 'payout', 'external')),
    org_code    text NOT NULL,
    fund        text NOT NULL CHECK (fund IN ('special_party_fee', 'matching',
                                              'retained_party_fee', 'epidemic_subsidy')),
    balance     bigint NOT NULL DEFAULT 0,
    UNIQUE (kind, org_code, fund),
    CONSTRAINT account_balance_nonnegative CHECK (kind = 'external' OR balance >= 0)
);

CREATE TABLE transfer (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('inflow_topup', 'inflow_match', 'allocate',
                                                  'reserve', 'release', 'post', 'reverse')),
    amount          bigint NOT NULL CHECK (amount > 0),
    at_us           bigint NOT NULL,
    actor           text NOT NULL DEFAULT '',
    memo            text NOT NULL DEFAULT '',
    disbursement_id bigint
);
CREATE INDEX transfer_disbursement ON transfer (disbursement_id) WHERE disbursement_id IS NOT NULL;

CREATE TABLE entry (
    id          bigserial PRIMARY KEY,
    transfer_id bigint NOT NULL REFERENCES transfer (id),
    account_id  bigint NOT NULL REFERENCES account (id),
    amount      bigint NOT NULL CHECK (amount <> 0),
    at_us       bigint NOT NULL
);
CREATE INDEX entry_transfer ON entry (transfer_id);
CREATE INDEX entry_account_at ON entry (account_id, at_us, transfer_id);

-- The ledger is append-only: a mistake is corrected by a compensating transfer.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = '23514', CONSTRAINT = 'ledger_append_only';
END $$;
CREATE TRIGGER transfer_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON transfer
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON entry
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- Every transfer balances: checked at commit, whoever wrote the entries.
CREATE FUNCTION transfer_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s bigint;
    n int;
BEGIN
    SELECT COALESCE(sum(amount), 0), count(*) INTO s, n FROM entry WHERE transfer_id = NEW.transfer_id;
    IF s <> 0 OR n < 2 THEN
        RAISE EXCEPTION 'transfer % does not balance: % entries summing to %', NEW.transfer_id, n, s
            USING ERRCODE = '23514', CONSTRAINT = 'transfer_balanced';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER entry_balanced AFTER INSERT ON entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION transfer_balanced();

-- Moves p_amount from p_from to p_to as one balanced transfer. Locks both accounts in id order
-- (no deadlock between two transfers over the same pair), then checks the source under the
-- lock: a budget, hold or payout account that holds less than p_amount leaves everything
-- unchanged and returns transfer_id NULL with the balance it has, so the caller can queue or
-- refuse without aborting its transaction. The CHECK constraint account_balance_nonnegative
-- stands behind this check: no code path can take a balance below zero.
CREATE FUNCTION ledger_transfer(p_kind text, p_from bigint, p_to bigint, p_amount bigint,
                                p_disbursement bigint, p_actor text, p_memo text,
                                p_at_us bigint, OUT transfer_id bigint, OUT from_balance bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_kind text;
    v_n int;
BEGIN
    IF p_amount IS NULL OR p_amount <= 0 THEN
        RAISE EXCEPTION 'transfer amount must be positive, not %', p_amount
            USING ERRCODE = '22023', COLUMN = 'amount_fen';
    END IF;
    IF p_from = p_to THEN
        RAISE EXCEPTION 'transfer from account % to itself', p_from USING ERRCODE = '22023';
    END IF;
    PERFORM 1 FROM account WHERE id IN (p_from, p_to) ORDER BY id FOR UPDATE;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    IF v_n <> 2 THEN
        RAISE EXCEPTION 'transfer between unknown accounts % and %', p_from, p_to
            USING ERRCODE = '23503';
    END IF;
    SELECT kind, balance INTO v_kind, from_balance FROM account WHERE id = p_from;
    IF v_kind <> 'external' AND from_balance < p_amount THEN
        transfer_id := NULL;
        RETURN;
    END IF;
    INSERT INTO transfer (kind, amount, at_us, actor, memo, disbursement_id)
        VALUES (p_kind, p_amount, p_at_us, COALESCE(p_actor, ''), COALESCE(p_memo, ''),
                p_disbursement)
        RETURNING id INTO transfer_id;
    INSERT INTO entry (transfer_id, account_id, amount, at_us)
        VALUES (transfer_id, p_from, -p_amount, p_at_us), (transfer_id, p_to, p_amount, p_at_us);
    UPDATE account SET balance = balance - p_amount WHERE id = p_from
        RETURNING balance INTO from_balance;
    UPDATE account SET balance = balance + p_amount WHERE id = p_to;
END $$;

-- ---- disbursements ----------------------------------------------------------------------------
CREATE TABLE disbursement (
    id              bigserial PRIMARY KEY,
    idem_key        text NOT NULL UNIQUE,
    kind            text NOT NULL CHECK (kind IN ('condolence', 'frontline_subsidy',
                                 'epidemic_allowance', 'hardship', 'insurance_claim')),
    employee_no     text NOT NULL,
    person_org      text NOT NULL,
    payer_org       text NOT NULL,
    fund            text NOT NULL,
    amount          bigint NOT NULL CHECK (amount > 0),
    state           text NOT NULL CHECK (state IN ('awaiting_funds', 'pending', 'paid',
                                                   'rejected', 'expired', 'reversed')),
    reason          text NOT NULL DEFAULT '',
    source          text NOT NULL CHECK (source IN ('manual', 'intake')),
    source_ref      text NOT NULL DEFAULT '',
    incident_kind   text NOT NULL DEFAULT '',
    duty_day        date,
    risk_class      smallint NOT NULL DEFAULT 0,
    requested_by    text NOT NULL DEFAULT '',
    approved_by     text NOT NULL DEFAULT '',
    requested_at_us bigint NOT NULL,
    decided_at_us   bigint NOT NULL DEFAULT 0,
    reversed_at_us  bigint NOT NULL DEFAULT 0,
    memo            text NOT NULL DEFAULT '',
    budget_account  bigint NOT NULL REFERENCES account (id),
    hold_account    bigint NOT NULL REFERENCES account (id),
    payout_account  bigint NOT NULL REFERENCES account (id)
);
-- one frontline subsidy per person per local day (a class II day later worked at a class I
-- post gets one class I top-up for the difference, never more)
CREATE UNIQUE INDEX disbursement_one_subsidy_per_day ON disbursement (employee_no, duty_day, risk_class)
    WHERE kind = 'frontline_subsidy';
CREATE INDEX disbursement_queue ON disbursement (budget_account, id) WHERE state = 'awaiting_funds';
CREATE INDEX disbursement_open ON disbursement (requested_at_us) WHERE state IN ('awaiting_funds', 'pending');
CREATE INDEX disbursement_person ON disbursement (employee_no, requested_at_us);
CREATE INDEX disbursement_payer ON disbursement (payer_org, requested_at_us);

CREATE TABLE disbursement_audit (
    id              bigserial PRIMARY KEY,
    disbursement_id bigint NOT NULL REFERENCES disbursement (id),
    at_us           bigint NOT NULL,
    action          text NOT NULL,
    actor           text NOT NULL DEFAULT '',
    role            text NOT NULL DEFAULT '',
    org_scope       text NOT NULL DEFAULT '',
    from_state      text NOT NULL DEFAULT '',
    to_state        text NOT NULL DEFAULT '',
    note            text NOT NULL DEFAULT '',
    transfer_id     bigint REFERENCES transfer (id)
);
CREATE INDEX disbursement_audit_of ON disbursement_audit (disbursement_id, id);

-- The first answer to a client-keyed request (manual payments, fund movements): a retry with
-- the same key gets these bytes back; the same key with other parameters is refused.
CREATE TABLE idem_reply (
    idem_key    text PRIMARY KEY,
    signature   text NOT NULL,
    reply       bytea NOT NULL,
    at_us       bigint NOT NULL
);

-- ---- families of the deceased (000 §5) --------------------------------------------------------
CREATE TABLE family_care (
    employee_no         text PRIMARY KEY,
    org_code            text NOT NULL,
    incident_id         bigint NOT NULL DEFAULT 0,
    opened_at_us        bigint NOT NULL,
    liaison_employee_no text NOT NULL DEFAULT '',
    contact_name        text NOT NULL DEFAULT '',
    contact_phone       text NOT NULL DEFAULT '',
    contact_relation    text NOT NULL DEFAULT '',
    visit_every_days    integer NOT NULL CHECK (visit_every_days BETWEEN 1 AND 366),
    next_due_us         bigint NOT NULL,
    last_visit_us       bigint NOT NULL DEFAULT 0,
    due_notified_us     bigint NOT NULL DEFAULT 0
);
CREATE INDEX family_care_due ON family_care (next_due_us);

CREATE TABLE family_visit (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL REFERENCES family_care (employee_no),
    at_us       bigint NOT NULL,
    visitor     text NOT NULL,
    note        text NOT NULL DEFAULT '',
    recorded_by text NOT NULL DEFAULT ''
);
CREATE INDEX family_visit_of ON family_visit (employee_no, at_us);
