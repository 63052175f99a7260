"""`flask db upgrade` from empty, down and up again, and models that agree with the migrations."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from tests import pg
from tests.conftest import ON_PG

ROOT = Path(__file__).resolve().parents[1]


def _fresh_database(tmp_path):
    if ON_PG:
        name = f"tenant_mig_{uuid.uuid4().hex[:8]}"
        app_url, owner_url = pg.create_database(name)
        return owner_url, lambda: pg.drop_database(name)
    return f"sqlite:///{tmp_path / 'mig.db'}", lambda: None


def _flask_db(url, *args):
    env = {**os.environ, "DATABASE_URL": url, "MIGRATION_DATABASE_URL": url, "FLASK_APP": "wsgi"}
    return subprocess.run([sys.executable, "-m", "flask", "db", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_upgrade_from_empty_downgrade_and_upgrade_again(tmp_path):
    url, cleanup = _fresh_database(tmp_path)
    try:
        for step in (("upgrade",), ("downgrade", "base"), ("upgrade",)):
            done = _flask_db(url, *step)
            assert done.returncode == 0, done.stderr
        engine = create_engine(url)
        tables = set(inspect(engine).get_table_names())
        assert {"networks", "organisations", "users", "audit_log", "alembic_version"} <= tables
        engine.dispose()
    finally:
        cleanup()


def test_models_and_migrations_agree(app):
    from tenant_app.extensions import db

    with app.app_context():
        engine = create_engine(app.config["MIGRATION_DATABASE_URL"])
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        engine.dispose()
    assert diff == [], f"run `flask db migrate`: {diff}"
