-- Frontline Care database bootstrap: the database, one LOGIN role and one schema per service,
-- and the lock-down between them. Idempotent: safe to run on every start.
--
-- Run with psql as a superuser, connected to any existing database (e.g. postgres):
--   psql -X -v ON_ERROR_STOP=1 -d postgres -f infra/sql/bootstrap.sql \
--        [-v dbname=frontline_test] [-v fc_password=SECRET]
-- psql variables:
--   dbname       database to create and lock down (default: frontline). The roles are
--                cluster-wide, so several databases (frontline, frontline_test) share them.
--   fc_password  optional: set as the password of the six service roles (docker-compose sets it
--                through infra/docker/initdb.sh). Without it, passwords are left as they are.
-- Passwords: the private cluster of infra/scripts/localinfra.sh uses "trust" authentication on
-- 127.0.0.1 only, so no password is needed there. That is for development and tests ONLY: any
-- local user of the machine can connect as any role. Real deployments use passwords (scram).
--
-- Each service connects as its own role (fc_intake, ...), owns its schema (intake, ...), has its
-- search_path set to that schema in this database, and has no access to any other schema,
-- not even public. Migrations run as the service role, so they create objects it owns.

\set ON_ERROR_STOP on
SET client_min_messages = warning;

\if :{?dbname}
\else
\set dbname frontline
\endif

-- 1. Roles (cluster-wide). Created if missing, attributes enforced every time.
SELECT format('CREATE ROLE %I LOGIN', r)
  FROM unnest(ARRAY['fc_intake', 'fc_rotation', 'fc_welfare',
                    'fc_notify', 'fc_report', 'fc_gateway']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r)
\gexec

ALTER ROLE fc_intake   LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
ALTER ROLE fc_rotation LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
ALTER ROLE fc_welfare  LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
ALTER ROLE fc_notify   LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
ALTER ROLE fc_report   LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
ALTER ROLE fc_gateway  LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;

\if :{?fc_password}
SELECT format('ALTER ROLE %I PASSWORD %L', r, :'fc_password')
  FROM unnest(ARRAY['fc_intake', 'fc_rotation', 'fc_welfare',
                    'fc_notify', 'fc_report', 'fc_gateway']) AS r
\gexec
\endif

-- 2. The database (CREATE DATABASE cannot run in a DO block or a transaction: \gexec).
SELECT format('CREATE DATABASE %I WITH TEMPLATE = template0 ENCODING = %L', :'dbname', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = :'dbname')
\gexec

-- Nobody but the six roles (and superusers) may connect; nobody may create schemas in it.
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"dbname"
   TO fc_intake, fc_rotation, fc_welfare, fc_notify, fc_report, fc_gateway;

-- 3. Inside the database: one schema per service, owned by its role.
\connect :"dbname"
\set ON_ERROR_STOP on
SET client_min_messages = warning;

REVOKE ALL ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS intake   AUTHORIZATION fc_intake;
CREATE SCHEMA IF NOT EXISTS rotation AUTHORIZATION fc_rotation;
CREATE SCHEMA IF NOT EXISTS welfare  AUTHORIZATION fc_welfare;
CREATE SCHEMA IF NOT EXISTS notify   AUTHORIZATION fc_notify;
CREATE SCHEMA IF NOT EXISTS report   AUTHORIZATION fc_report;
CREATE SCHEMA IF NOT EXISTS gateway  AUTHORIZATION fc_gateway;

-- Enforced every run, in case a schema pre-existed with another owner or grants.
ALTER SCHEMA intake   OWNER TO fc_intake;
ALTER SCHEMA rotation OWNER TO fc_rotation;
ALTER SCHEMA welfare  OWNER TO fc_welfare;
ALTER SCHEMA notify   OWNER TO fc_notify;
ALTER SCHEMA report   OWNER TO fc_report;
ALTER SCHEMA gateway  OWNER TO fc_gateway;

REVOKE ALL ON SCHEMA intake, rotation, welfare, notify, report, gateway FROM PUBLIC;

-- No role but the owner keeps any privilege on a service schema (undoes hand-made grants).
SELECT DISTINCT format('REVOKE ALL ON SCHEMA %I FROM %I', n.nspname, g.rolname)
  FROM pg_catalog.pg_namespace n
 CROSS JOIN LATERAL aclexplode(n.nspacl) AS a
  JOIN pg_catalog.pg_roles g ON g.oid = a.grantee
 WHERE n.nspname IN ('intake', 'rotation', 'welfare', 'notify', 'report', 'gateway')
   AND a.grantee <> n.nspowner
\gexec

-- Unqualified names resolve to the service's own schema (only in this database).
ALTER ROLE fc_intake   IN DATABASE :"dbname" SET search_path = intake;
ALTER ROLE fc_rotation IN DATABASE :"dbname" SET search_path = rotation;
ALTER ROLE fc_welfare  IN DATABASE :"dbname" SET search_path = welfare;
ALTER ROLE fc_notify   IN DATABASE :"dbname" SET search_path = notify;
ALTER ROLE fc_report   IN DATABASE :"dbname" SET search_path = report;
ALTER ROLE fc_gateway  IN DATABASE :"dbname" SET search_path = gateway;
