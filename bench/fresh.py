"""A fresh database for one benchmark run, set up as bench/platform.py does it.

Import this module before anything from tenant_app: it points INSTANCE_PATH at a new
temp dir and sets a random SECRET_KEY (the app's config reads both), so a run never
touches instance/.

By default the database is an SQLite file in that temp dir. When DATABASE_URL is a
PostgreSQL *superuser* URL, tests/pg.py creates a database of our own: migrations run as
the owner role, the app connects as a role that owns nothing, so row-level security
(FORCE) applies to every figure. Everything is removed at the end, also after an error.
"""
from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

TMP = tempfile.mkdtemp(prefix="bench-")
os.environ["INSTANCE_PATH"] = os.path.join(TMP, "instance")
os.environ["SECRET_KEY"] = "bench-" + secrets.token_hex(32)

from bench.common import app_config  # noqa: E402,F401
from bench.timing import note, report, time_ms  # noqa: E402
from tests import pg  # noqa: E402


@dataclass
class Fresh:
    backend: str  # sqlite | postgresql
    app_url: str
    owner_url: str
    tmp: str

    @property
    def postgres(self) -> bool:
        return self.backend == "postgresql"


@contextmanager
def fresh_database(prefix: str):
    """Yields a Fresh; drops the database and removes the temp dir afterwards."""
    admin = pg.admin_url()
    dbname = f"{prefix}_{os.getpid()}"
    try:
        if admin:
            app_url, owner_url = pg.create_database(dbname)
            note(f"database {dbname} created (app connects as {pg.APP_ROLE}, RLS applies)")
        else:
            app_url = owner_url = f"sqlite:///{os.path.join(TMP, 'bench.db')}"
        fresh = Fresh("postgresql" if admin else "sqlite", app_url, owner_url, TMP)
        import sqlalchemy
        report("backend", fresh.backend)
        report("python", sys.version.split()[0])
        report("sqlalchemy", sqlalchemy.__version__)
        yield fresh
    finally:
        if admin:
            pg.drop_database(dbname)
            note(f"database {dbname} dropped")
        shutil.rmtree(TMP, ignore_errors=True)


def migrated_app(fresh: Fresh):
    """create_app + flask_migrate.upgrade() (as the owner), audit actor 'bench'."""
    from flask_migrate import upgrade

    from tenant_app import create_app

    app = create_app(app_config(fresh.app_url, fresh.owner_url))
    with app.app_context():
        elapsed, _ = time_ms(upgrade)
        note(f"migrated in {elapsed:.0f} ms")
    return app


def dispose(app) -> None:
    if app is None:
        return
    from tenant_app.extensions import db
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def owner_maintenance(fresh: Fresh, *statements: str) -> None:
    """VACUUM / ANALYZE as the owner role (the app role owns nothing), PostgreSQL only."""
    if not fresh.postgres:
        return
    from sqlalchemy import create_engine, text
    owner = create_engine(fresh.owner_url, isolation_level="AUTOCOMMIT")
    try:
        with owner.connect() as c:
            for sql in statements:
                c.execute(text(sql))
    finally:
        owner.dispose()
