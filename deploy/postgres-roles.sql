-- PostgreSQL roles and database for tenant_app.
--
-- Run ONCE as a superuser (safe to re-run: it also resets passwords and grants):
--   sudo -u postgres psql -v owner_password='...' -v app_password='...' -f deploy/postgres-roles.sql
--
-- Two roles, on purpose:
--   tenant_owner  owns the database, the schema objects and every table. Migrations
--                 (`flask db upgrade`, MIGRATION_DATABASE_URL) run as it. The app never does.
--   tenant_app    the role the web and worker processes connect as (DATABASE_URL).
--                 It owns NOTHING and only gets SELECT/INSERT/UPDATE/DELETE.
--
-- Why: tenant isolation is enforced by row-level security. The migrations enable
-- ENABLE + FORCE ROW LEVEL SECURITY on the tenant tables, with policies keyed on
-- current_setting('app.network_id'). A table owner can be exempt from RLS (FORCE
-- closes that), and superusers and BYPASSRLS roles skip RLS entirely. Because
-- tenant_app is not an owner, not a superuser and NOBYPASSRLS, the policies ALWAYS
-- apply to it. Never point DATABASE_URL at tenant_owner, postgres, or any
-- superuser / BYPASSRLS role: that would silently switch tenant isolation off.

\set ON_ERROR_STOP on

\if :{?owner_password}
\else
  \echo 'missing: -v owner_password=...'
  SELECT 1/0 AS missing_owner_password;  -- stop with a non-zero exit status
\endif
\if :{?app_password}
\else
  \echo 'missing: -v app_password=...'
  SELECT 1/0 AS missing_app_password;  -- stop with a non-zero exit status
\endif

-- Roles (created if missing; attributes and passwords always (re)set).
SELECT 'CREATE ROLE tenant_owner'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tenant_owner') \gexec
SELECT 'CREATE ROLE tenant_app'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tenant_app') \gexec

ALTER ROLE tenant_owner WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE
    PASSWORD :'owner_password';
ALTER ROLE tenant_app   WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE
    PASSWORD :'app_password';

-- Database, owned by tenant_owner.
SELECT 'CREATE DATABASE tenant OWNER tenant_owner ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'tenant') \gexec
ALTER DATABASE tenant OWNER TO tenant_owner;

-- Only our two roles may connect.
REVOKE ALL ON DATABASE tenant FROM PUBLIC;
GRANT CONNECT ON DATABASE tenant TO tenant_app;

\connect tenant

-- Schema: nobody but the owner may create objects; the app may only use them.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO tenant_owner;
GRANT USAGE ON SCHEMA public TO tenant_app;

-- Tables and sequences created later by the migrations (as tenant_owner) are
-- usable by tenant_app automatically -- data access only, no DDL, no ownership.
ALTER DEFAULT PRIVILEGES FOR ROLE tenant_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tenant_app;
ALTER DEFAULT PRIVILEGES FOR ROLE tenant_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO tenant_app;

-- When re-run on an existing database: cover objects that already exist.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tenant_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO tenant_app;

-- Sanity check: tenant_app must own nothing and must not bypass RLS.
SELECT rolname, rolsuper, rolbypassrls
  FROM pg_roles WHERE rolname IN ('tenant_owner', 'tenant_app') ORDER BY rolname;
SELECT count(*) AS objects_owned_by_tenant_app
  FROM pg_class WHERE relowner = 'tenant_app'::regrole;
