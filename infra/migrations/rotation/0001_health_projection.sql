-- Rotation's own projection of intake's health check-ins (availability input).
CREATE TABLE person_health (
    employee_no     text PRIMARY KEY,
    org_code        text NOT NULL,
    last_temp_dc    integer NOT NULL,
    last_at         timestamptz NOT NULL,
    fever           boolean NOT NULL,
    checkins        bigint NOT NULL DEFAULT 0,
    health_status   smallint NOT NULL DEFAULT 1
);
