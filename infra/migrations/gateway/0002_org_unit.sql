-- Gateway: the names of the org units, from intake's "intake.org_upserted" events, so that
-- gateway.whoami can say which unit a token's scope is (the console's header).
CREATE TABLE org_unit (
    org_code   text PRIMARY KEY,
    name       text NOT NULL,
    updated_us bigint NOT NULL
);
