-- Report's projection: health check-ins per org unit per Shanghai calendar day.
CREATE TABLE health_daily (
    day          date NOT NULL,
    org_code     text NOT NULL,
    checkins     bigint NOT NULL DEFAULT 0,
    fevers       bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, org_code)
);
