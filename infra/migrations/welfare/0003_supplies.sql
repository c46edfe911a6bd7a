-- Supplies (seed 000 §3): protective supplies and daily needs of the front line. An items
-- catalogue; stock per org unit as an in-kind double-entry ledger in whole units of each item
-- (the same rules as the money: balanced, append-only transfers; stock and issued accounts
-- that PostgreSQL itself keeps from going below zero); requests from posts served by
-- priority; a post's daily needs chased when not met in time. Projections of intake's posts
-- and open duties give the priority its risk class and headcount on duty.

-- ---- projections of intake (posts, duty on now) ---------------------------------------------
CREATE TABLE supply_post (
    post_code       text PRIMARY KEY,
    org_code        text NOT NULL,
    name            text NOT NULL DEFAULT '',
    kind            text NOT NULL DEFAULT '',
    risk_class      smallint NOT NULL DEFAULT 0,
    updated_at_us   bigint NOT NULL
);
CREATE INDEX supply_post_org ON supply_post (org_code);

-- one row per duty: open from check-in until check-out (an out seen first is recorded closed,
-- so a late check-in event never reopens it)
CREATE TABLE supply_duty (
    duty_id         bigint PRIMARY KEY,
    post_code       text NOT NULL,
    employee_no     text NOT NULL,
    start_us        bigint NOT NULL DEFAULT 0,
    end_us          bigint NOT NULL DEFAULT 0,
    open            boolean NOT NULL
);
CREATE INDEX supply_duty_open ON supply_duty (post_code) WHERE open;

-- ---- the catalogue ----------------------------------------------------------------------------
CREATE TABLE supply_item (
    code            text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
    name            text NOT NULL CHECK (name <> ''),
    unit            text NOT NULL CHECK (unit <> ''),
    category        text NOT NULL CHECK (category IN ('protective', 'daily')),
    source          text NOT NULL CHECK (source IN ('policy', 'command')),
    updated_at_us   bigint NOT NULL
);

-- ---- the in-kind ledger -----------------------------------------------------------------------
-- external: where receipts come from, per unit and item (the only account allowed below zero:
-- minus everything the unit ever received); stock: what a unit holds; issued: what a post was
-- given (post_code set, org_code the post's unit).
CREATE TABLE supply_account (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('external', 'stock', 'issued')),
    org_code    text NOT NULL,
    post_code   text NOT NULL DEFAULT '',
    item        text NOT NULL REFERENCES supply_item (code),
    balance     bigint NOT NULL DEFAULT 0,
    UNIQUE (kind, org_code, post_code, item),
    CHECK ((kind = 'issued') = (post_code <> '')),
    CONSTRAINT supply_balance_nonnegative CHECK (kind = 'external' OR balance >= 0)
);

CREATE TABLE supply_transfer (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('receipt', 'transfer', 'issue')),
    item            text NOT NULL REFERENCES supply_item (code),
    quantity        bigint NOT NULL CHECK (quantity > 0),
    at_us           bigint NOT NULL,
    actor           text NOT NULL DEFAULT '',
    source          text NOT NULL DEFAULT '',
    memo            text NOT NULL DEFAULT '',
    request_id      bigint
);
CREATE INDEX supply_transfer_request ON supply_transfer (request_id) WHERE request_id IS NOT NULL;

CREATE TABLE supply_entry (
    id          bigserial PRIMARY KEY,
    transfer_id bigint NOT NULL REFERENCES supply_transfer (id),
    account_id  bigint NOT NULL REFERENCES supply_account (id),
    quantity    bigint NOT NULL CHECK (quantity <> 0),
    at_us       bigint NOT NULL
);
CREATE INDEX supply_entry_transfer ON supply_entry (transfer_id);
CREATE INDEX supply_entry_account_at ON supply_entry (account_id, at_us);

CREATE TRIGGER supply_transfer_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON supply_transfer
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER supply_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON supply_entry
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- Every transfer balances, in one item: checked at commit, whoever wrote the entries.
CREATE FUNCTION supply_transfer_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s bigint;
    n int;
    items int;
BEGIN
    SELECT COALESCE(sum(e.quantity), 0), count(*), count(DISTINCT a.item) INTO s, n, items
        FROM supply_entry e JOIN supply_account a ON a.id = e.account_id
        WHERE e.transfer_id = NEW.transfer_id;
    IF s <> 0 OR n < 2 OR items <> 1 THEN
        RAISE EXCEPTION 'supply transfer % does not balance: % entries in % items summing to %',
            NEW.transfer_id, n, items, s
            USING ERRCODE = '23514', CONSTRAINT = 'supply_transfer_balanced';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER supply_entry_balanced AFTER INSERT ON supply_entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION supply_transfer_balanced();

-- Moves p_qty units from p_from to p_to as one balanced transfer (the same item). Locks both
-- accounts in id order, then checks the source under the lock: a stock or issued account
-- holding less than p_qty leaves everything unchanged and returns transfer_id NULL with what
-- it holds, so the caller can refuse or serve partially without aborting its transaction.
-- The CHECK constraint supply_balance_nonnegative stands behind this check.
CREATE FUNCTION supply_move(p_kind text, p_from bigint, p_to bigint, p_qty bigint,
                            p_request bigint, p_actor text, p_source text, p_memo text,
                            p_at_us bigint, OUT transfer_id bigint, OUT from_balance bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_kind text;
    v_item text;
    v_n int;
BEGIN
    IF p_qty IS NULL OR p_qty <= 0 THEN
        RAISE EXCEPTION 'supply quantity must be positive, not %', p_qty
            USING ERRCODE = '22023', COLUMN = 'quantity';
    END IF;
    IF p_from = p_to THEN
        RAISE EXCEPTION 'supply transfer from account % to itself', p_from USING ERRCODE = '22023';
    END IF;
    PERFORM 1 FROM supply_account WHERE id IN (p_from, p_to) ORDER BY id FOR UPDATE;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    IF v_n <> 2 THEN
        RAISE EXCEPTION 'supply transfer between unknown accounts % and %', p_from, p_to
            USING ERRCODE = '23503';
    END IF;
    SELECT count(DISTINCT item), min(item) INTO v_n, v_item FROM supply_account
        WHERE id IN (p_from, p_to);
    IF v_n <> 1 THEN
        RAISE EXCEPTION 'supply transfer between accounts of different items'
            USING ERRCODE = '22023';
    END IF;
    SELECT kind, balance INTO v_kind, from_balance FROM supply_account WHERE id = p_from;
    IF v_kind <> 'external' AND from_balance < p_qty THEN
        transfer_id := NULL;
        RETURN;
    END IF;
    INSERT INTO supply_transfer (kind, item, quantity, at_us, actor, source, memo, request_id)
        VALUES (p_kind, v_item, p_qty, p_at_us, COALESCE(p_actor, ''), COALESCE(p_source, ''),
                COALESCE(p_memo, ''), p_request)
        RETURNING id INTO transfer_id;
    INSERT INTO supply_entry (transfer_id, account_id, quantity, at_us)
        VALUES (transfer_id, p_from, -p_qty, p_at_us), (transfer_id, p_to, p_qty, p_at_us);
    UPDATE supply_account SET balance = balance - p_qty WHERE id = p_from
        RETURNING balance INTO from_balance;
    UPDATE supply_account SET balance = balance + p_qty WHERE id = p_to;
END $$;

-- ---- requests from posts ----------------------------------------------------------------------
CREATE TABLE supply_request (
    id              bigserial PRIMARY KEY,
    post_code       text NOT NULL REFERENCES supply_post (post_code),
    org_code        text NOT NULL,
    item            text NOT NULL REFERENCES supply_item (code),
    quantity        bigint NOT NULL CHECK (quantity > 0),
    served          bigint NOT NULL DEFAULT 0 CHECK (served >= 0 AND served <= quantity),
    cancelled       boolean NOT NULL DEFAULT false,
    requested_by    text NOT NULL DEFAULT '',
    requested_at_us bigint NOT NULL,
    memo            text NOT NULL DEFAULT '',
    idem_key        text UNIQUE,
    last_served_us  bigint NOT NULL DEFAULT 0,
    wait_notified_us bigint NOT NULL DEFAULT 0
);
CREATE INDEX supply_request_waiting ON supply_request (item, requested_at_us)
    WHERE served < quantity AND NOT cancelled;

-- ---- daily needs of a post (meals, lodging, warmth, night duty, transport) -------------------
CREATE TABLE supply_need (
    id              bigserial PRIMARY KEY,
    post_code       text NOT NULL REFERENCES supply_post (post_code),
    org_code        text NOT NULL,
    day             date NOT NULL,
    item            text NOT NULL REFERENCES supply_item (code),
    quantity        bigint NOT NULL CHECK (quantity > 0),
    detail          text NOT NULL DEFAULT '',
    due_us          bigint NOT NULL,
    recorded_by     text NOT NULL DEFAULT '',
    recorded_at_us  bigint NOT NULL,
    met_at_us       bigint NOT NULL DEFAULT 0,
    met_by          text NOT NULL DEFAULT '',
    met_note        text NOT NULL DEFAULT '',
    overdue_at_us   bigint NOT NULL DEFAULT 0,
    UNIQUE (post_code, day, item)
);
CREATE INDEX supply_need_overdue ON supply_need (due_us) WHERE met_at_us = 0 AND overdue_at_us = 0;

-- True if p_org is p_root or below it in the projection of the org tree ('' = everything).
CREATE FUNCTION supply_under(p_root text, p_org text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_root = '' OR EXISTS (
        WITH RECURSIVE up(code, parent, depth) AS (
            SELECT org_code, parent_code, 0 FROM org_unit WHERE org_code = p_org
            UNION ALL SELECT o.org_code, o.parent_code, up.depth + 1
                FROM org_unit o JOIN up ON o.org_code = up.parent WHERE up.depth < 32)
        SELECT 1 FROM up WHERE code = p_root)
$$;
