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


def _not_postgres_search(obj, name, kind, reflected, compare_to):
    """PostgreSQL's trigram indexes for the search box are the migration's alone (0030)."""
    return not (kind == "index" and (name or "").startswith("ix_trgm_"))


def test_models_and_migrations_agree(app):
    from tenant_app.extensions import db

    with app.app_context():
        engine = create_engine(app.config["MIGRATION_DATABASE_URL"])
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": _not_postgres_search})
            diff = compare_metadata(context, db.metadata)
        engine.dispose()
    assert diff == [], f"run `flask db migrate`: {diff}"


def _insert(conn, table: str, **values):
    """A row with every NOT NULL column filled (by type) unless given: data as an older revision held it."""
    from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, JSON, text
    import datetime
    columns = inspect(conn).get_columns(table)
    row = {}
    for col in columns:
        if col["name"] in values or col["nullable"] or col["name"] == "id":
            continue
        kind = col["type"]
        row[col["name"]] = (False if isinstance(kind, Boolean) else datetime.datetime(2026, 1, 1)
                            if isinstance(kind, DateTime) else datetime.date(2026, 1, 1) if isinstance(kind, Date)
                            else 0 if isinstance(kind, (Integer, Numeric)) else "[]" if isinstance(kind, JSON)
                            else "")
    row.update(values)
    names = ", ".join(row)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)


def _as_network(conn, network_id):
    from sqlalchemy import text
    if conn.dialect.name == "postgresql":  # FORCE row-level security applies to the owner too
        conn.execute(text("SELECT set_config('app.network_id', :n, true)"), {"n": str(network_id)})


def test_0014_stores_phones_normalised_and_keeps_what_is_not_a_phone(tmp_path):
    from sqlalchemy import text
    url, cleanup = _fresh_database(tmp_path)
    try:
        assert _flask_db(url, "upgrade", "0013").returncode == 0
        engine = create_engine(url)
        with engine.begin() as conn:
            _insert(conn, "networks", id=1, code="n1", name="n1", status="active")
            _as_network(conn, 1)
            _insert(conn, "organisations", id=1, network_id=1, kind="dealer", code="D1", name="d1", status="active")
            for i, (phone, phone2) in enumerate([("+86 138-1234-5678", "０７７２-３１０００００"), ("138 00", ""),
                                                 ("13900000000", "")], start=1):
                _insert(conn, "customers", id=i, network_id=1, org_id=1, name=f"c{i}", name_key=f"c{i}", phone=phone,
                        phone2=phone2, phone_key="x")
            _insert(conn, "stakeholders", id=1, network_id=1, customer_id=1, role="driver", name="s",
                    phone="139 0000 0001")
        engine.dispose()
        done = _flask_db(url, "upgrade")
        assert done.returncode == 0, done.stderr
        engine = create_engine(url)
        with engine.begin() as conn:
            _as_network(conn, 1)
            rows = conn.execute(text("SELECT phone, phone2, phone_key FROM customers ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [("13812345678", "07723100000", "13812345678"),
                                                ("138 00", "", "x"), ("13900000000", "", "x")]
            assert conn.execute(text("SELECT phone FROM stakeholders")).scalar() == "13900000001"
        engine.dispose()
    finally:
        cleanup()
