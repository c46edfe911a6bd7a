-- Report's projection of rotation's events (proto/fc/v1/rotation.proto): overload warnings and
-- forced rest orders, for the workload section (overloads, forced rests, rest compliance).
CREATE TABLE overload_warning (
    id          bigserial PRIMARY KEY,
    employee_no text NOT NULL,
    org_code    text NOT NULL,
    metric      text NOT NULL,
    value       bigint NOT NULL,
    lim         bigint NOT NULL,
    percent     integer NOT NULL,
    at_us       bigint NOT NULL,
    duty_id     bigint NOT NULL DEFAULT 0
);
CREATE INDEX overload_warning_at ON overload_warning (at_us);

CREATE TABLE forced_rest (
    order_id    bigint PRIMARY KEY,
    employee_no text NOT NULL,
    org_code    text NOT NULL,
    metric      text NOT NULL,
    value       bigint NOT NULL,
    lim         bigint NOT NULL,
    from_us     bigint NOT NULL,
    until_us    bigint NOT NULL,
    duty_id     bigint NOT NULL DEFAULT 0
);
CREATE INDEX forced_rest_from ON forced_rest (from_us);
