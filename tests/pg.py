"""PostgreSQL for the suite: a fresh database owned by an owner role, used by the app
through a role that owns nothing, so FORCE ROW LEVEL SECURITY really applies."""
from __future__ import annotations

import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

OWNER, APP_ROLE = "tenant_test_owner", "tenant_test_app"


def admin_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def _url(role: str, dbname: str) -> str:
    return make_url(admin_url()).set(username=role, password=None, database=dbname,
                                     drivername="postgresql+psycopg").render_as_string(hide_password=False)


def create_database(dbname: str) -> tuple[str, str]:
    """Returns (app_url, owner_url) of a new, empty database."""
    admin = create_engine(make_url(admin_url()).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        for role in (OWNER, APP_ROLE):
            if not c.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
                c.execute(text(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"))
        c.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{dbname}" OWNER {OWNER}'))
    admin.dispose()
    db_admin = create_engine(make_url(admin_url()).set(drivername="postgresql+psycopg", database=dbname),
                             isolation_level="AUTOCOMMIT")
    with db_admin.connect() as c:
        for sql in (
            "REVOKE ALL ON SCHEMA public FROM PUBLIC",
            f"GRANT ALL ON SCHEMA public TO {OWNER}",
            f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}",
        ):
            c.execute(text(sql))
    db_admin.dispose()
    return _url(APP_ROLE, dbname), _url(OWNER, dbname)


def drop_database(dbname: str) -> None:
    admin = create_engine(make_url(admin_url()).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
    admin.dispose()
