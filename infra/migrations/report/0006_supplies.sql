-- Report: projections of welfare's supplies (seed 000 §3) for the weekly section 物资保障:
-- every stock movement (receipts, transfers down the tree, issues to posts), requests from
-- posts with what has been served, and posts' daily needs with when they were met or found
-- overdue. Definitions: docs/report-definitions.md §13.

-- welfare.supply_moved
CREATE TABLE supply_moved (
    transfer_id bigint PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('receipt', 'transfer', 'issue')),
    item        text NOT NULL,
    item_name   text NOT NULL DEFAULT '',
    unit        text NOT NULL DEFAULT '',
    quantity    bigint NOT NULL CHECK (quantity > 0),
    from_org    text NOT NULL,
    to_org      text NOT NULL DEFAULT '',
    post_code   text NOT NULL DEFAULT '',
    request_id  bigint NOT NULL DEFAULT 0,
    at_us       bigint NOT NULL
);
CREATE INDEX supply_moved_at ON supply_moved (at_us);

-- welfare.supply_requested / welfare.supply_request_served (served only grows)
CREATE TABLE supply_request (
    request_id      bigint PRIMARY KEY,
    post_code       text NOT NULL,
    org_code        text NOT NULL,
    item            text NOT NULL,
    quantity        bigint NOT NULL,
    requested_us    bigint NOT NULL,
    item_name       text NOT NULL DEFAULT '',
    unit            text NOT NULL DEFAULT '',
    served_us       bigint,          -- when it was served in full
    risk_class      int NOT NULL DEFAULT 0
);

-- served quantity over time (one row per allocation event), so the state at a week's end is
-- known whatever came later
CREATE TABLE supply_request_served (
    request_id  bigint NOT NULL,
    served      bigint NOT NULL,
    at_us       bigint NOT NULL,
    PRIMARY KEY (request_id, served)
);

-- welfare.supply_need_recorded / _met / _overdue
CREATE TABLE supply_need (
    need_id     bigint PRIMARY KEY,
    post_code   text NOT NULL,
    org_code    text NOT NULL,
    day         date NOT NULL,
    item        text NOT NULL,
    quantity    bigint NOT NULL,
    due_us      bigint NOT NULL,
    recorded_us bigint NOT NULL,
    met_us      bigint,
    overdue_us  bigint
);
