"""Platform-layer benchmark: password hashing, login, and the main list pages, on a fresh
database (SQLite in a temp dir, or PostgreSQL with row-level security when DATABASE_URL
points at a PostgreSQL superuser URL). Run from the project root:

    .venv/bin/python -m bench.platform

stdout: one figure a line, ``name: value unit``; progress goes to stderr.
Figures only, never assertions on time. See bench/README.md for what each figure means.
"""
from __future__ import annotations

import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

# Before tenant_app is imported: its config reads these.
_TMP = tempfile.mkdtemp(prefix="bench-platform-")
os.environ["INSTANCE_PATH"] = os.path.join(_TMP, "instance")
os.environ["SECRET_KEY"] = "bench-" + secrets.token_hex(32)

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.common import app_config, logged_in_client  # noqa: E402,F401
from bench.timing import note, p50, report, report_samples, sample_ms, time_ms  # noqa: E402
from tests import pg  # noqa: E402

AUDIT_ROWS_PER_NETWORK = int(os.environ.get("BENCH_AUDIT_ROWS", "50000"))
AUDIT_BATCH = 1000
PAGE_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100"))
LOGIN_REQUESTS = int(os.environ.get("BENCH_LOGINS", "30"))
HASH_ROUNDS = int(os.environ.get("BENCH_HASH_ROUNDS", "20"))
WARMUP = 5
NETWORK, PASSWORD = "liuqi", "Demo@2026"

# (figure name, URL, user name in network liuqi)
PAGES = [
    ("page_dealer_home_gm", "/d/", "gx-lz-001.gm"),
    ("page_m_orgs_admin", "/m/orgs", "admin"),
    ("page_m_users_admin", "/m/users", "admin"),
    ("page_org_audit_admin", "/org/audit", "admin"),
    ("page_org_audit_gm", "/org/audit", "gx-lz-001.gm"),
]


# --------------------------------------------------------------------------- set-up

def build_app(app_url: str, owner_url: str):
    from flask_migrate import upgrade

    from tenant_app import create_app
    from tenant_app.extensions import db
    from tenant_app.services.audit import set_actor
    from tenant_app.demo import seed

    app = create_app(app_config(app_url, owner_url))
    with app.app_context():
        elapsed, _ = time_ms(upgrade)
        note(f"migrated in {elapsed:.0f} ms")
        set_actor(db.session, label="bench")
        elapsed, lines = time_ms(lambda: list(seed()))
        for line in lines:
            note(f"seed: {line}")
        note(f"seeded in {elapsed:.0f} ms")
        db.session.remove()
    return app


_ACTIONS = (["login"] * 40 + ["logout"] * 20 + ["update"] * 15 + ["create"] * 8 + ["login_failed"] * 7
            + ["password_change"] * 4 + ["password_reset"] * 3 + ["delete"] * 3)


def _audit_rows(rng: random.Random, network_id: int, users: list, orgs: list, n: int):
    """n plausible audit rows of one network, oldest first (ids follow time, as in life)."""
    start = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=365)
    step = timedelta(days=365) / max(n, 1)
    for i in range(n):
        actor = rng.choice(users)
        action = rng.choice(_ACTIONS)
        row = {
            "network_id": network_id,
            "created_at": start + step * i,
            "user_id": actor.id,
            "username": actor.username,
            "org_id": actor.org_id,
            "subject_org_id": None,
            "action": action,
            "object_type": "",
            "object_id": None,
            "summary": "",
            "changes": {},
            "ip": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        }
        if action == "login_failed":
            row.update(user_id=None, org_id=None, summary="密码错误")
        elif action in ("password_change", "password_reset"):
            target = actor if action == "password_change" else rng.choice(users)
            row.update(object_type="User", object_id=target.id, subject_org_id=target.org_id,
                       summary=target.username)
        elif action in ("create", "update", "delete"):
            if rng.random() < 0.7:
                target = rng.choice(users)
                row.update(object_type="User", object_id=target.id, subject_org_id=target.org_id,
                           summary=target.name)
                if action == "update":
                    row["changes"] = {"phone": ["13800001111", "13900002222"], "roles": [["staff"], ["manager"]]}
                else:
                    row["changes"] = {"username": target.username, "name": target.name, "org_id": target.org_id,
                                      "roles": list(target.roles), "status": "active"}
            else:
                org = rng.choice(orgs)
                row.update(object_type="Organisation", object_id=org.id, subject_org_id=org.id, summary=org.name)
                row["changes"] = ({"address": ["旧地址", "新地址"]} if action == "update"
                                  else {"code": org.code, "name": org.name, "kind": org.kind})
        yield row


def add_audit_rows(app, owner_url: str, backend: str) -> None:
    from tenant_app.extensions import db
    from tenant_app.models import AuditEntry, Network, Organisation, User
    from tenant_app.tenancy import use_network

    rng = random.Random(2026)
    table = AuditEntry.__table__
    with app.app_context():
        networks = db.session.execute(select(Network.id, Network.code).order_by(Network.id)).all()
        streams = {}
        for network_id, code in networks:
            use_network(db.session, network_id)
            # Plain copies: ORM objects would expire at the rollback below.
            users = [SimpleNamespace(id=u.id, username=u.username, name=u.name, org_id=u.org_id,
                                     roles=list(u.roles)) for u in db.session.scalars(select(User))]
            orgs = [SimpleNamespace(id=o.id, code=o.code, name=o.name, kind=o.kind)
                    for o in db.session.scalars(select(Organisation))]
            streams[network_id] = _audit_rows(rng, network_id, users, orgs, AUDIT_ROWS_PER_NETWORK)
        db.session.rollback()
        # Batches alternate between networks, so their rows interleave in id order as they
        # do in a shared deployment (one network's rows are not all older than another's).
        start = time.perf_counter()
        while streams:
            for network_id in list(streams):
                batch = [row for _, row in zip(range(AUDIT_BATCH), streams[network_id])]
                if not batch:
                    del streams[network_id]
                    continue
                use_network(db.session, network_id)  # RLS's WITH CHECK accepts only this network
                db.session.execute(insert(table), batch)
        db.session.commit()
        note(f"audit: {AUDIT_ROWS_PER_NETWORK} rows into each of {len(networks)} networks "
             f"in {time.perf_counter() - start:.1f} s")
        db.session.remove()
    if backend == "postgresql":
        # A live database is vacuumed and has planner statistics (autovacuum); the app role
        # owns nothing, so the owner does it, once, so figures do not depend on autovacuum's timing.
        from sqlalchemy import create_engine
        owner = create_engine(owner_url, isolation_level="AUTOCOMMIT")
        with owner.connect() as c:
            c.execute(text("VACUUM ANALYZE"))
        owner.dispose()


def user_facts(app, username: str, network_code: str = NETWORK):
    """(login id for the session, network id, user id) of a seeded user."""
    from tenant_app.extensions import db
    from tenant_app.models import Network, User
    from tenant_app.services.sessions import open_session
    from tenant_app.tenancy import use_network

    with app.app_context():
        network_id = db.session.scalar(select(Network.id).where(Network.code == network_code))
        use_network(db.session, network_id)
        user = db.session.scalar(select(User).where(User.username == username))
        facts = (open_session(user), network_id, user.id)  # a login session on the server
        db.session.commit()
        db.session.remove()
    return facts


# --------------------------------------------------------------------------- measurements

def bench_passwords() -> None:
    from tenant_app.services.passwords import hash_password, verify_password

    hashed = hash_password(PASSWORD)
    report_samples("argon2id_hash", sample_ms(lambda: hash_password(PASSWORD), HASH_ROUNDS, warmup=2))
    report_samples("argon2id_verify", sample_ms(lambda: verify_password(hashed, PASSWORD), HASH_ROUNDS, warmup=2))
    both = sample_ms(lambda: verify_password(hash_password(PASSWORD), PASSWORD), HASH_ROUNDS, warmup=1)
    report("argon2id_hash_verify_ms", p50(both), "ms")


def _check(expected: int, what: str):
    def after(response):
        if response.status_code != expected:
            raise SystemExit(f"{what}: HTTP {response.status_code}, expected {expected} "
                             f"(Location: {response.headers.get('Location')})")
        response.close()
    return after


def bench_login(app) -> None:
    form = {"network": NETWORK, "username": "gx-lz-001.gm", "password": PASSWORD}
    # A new client each time: a logged-in client is redirected before the password is checked.
    samples = sample_ms(lambda: app.test_client().post("/login", data=form), LOGIN_REQUESTS, warmup=2,
                        after=_check(302, "POST /login"))
    report_samples("login_post", samples)


def bench_pages(app) -> None:
    for name, url, username in PAGES:
        login_id, _, _ = user_facts(app, username)
        client = logged_in_client(app, login_id)
        samples = sample_ms(lambda: client.get(url), PAGE_REQUESTS, warmup=WARMUP, after=_check(200, f"GET {url}"))
        report_samples(name, samples)


def bench_audit_sql(app) -> None:
    """The audit page's queries alone, through db.session.execute: the floor under the page."""
    from tenant_app.extensions import db
    from tenant_app.models import AuditEntry, User
    from tenant_app.policies import scope
    from tenant_app.tenancy import use_network

    for who in ("admin", "gx-lz-001.gm"):
        _, network_id, user_id = user_facts(app, who)
        with app.app_context():
            use_network(db.session, network_id)
            user = db.session.get(User, user_id)
            db.session.expunge(user)
            db.session.rollback()
            base = scope(user, select(AuditEntry), AuditEntry)
            page = base.order_by(AuditEntry.id.desc()).limit(50)
            count = select(func.count()).select_from(base.subquery())  # what db.paginate adds

            def run(stmt, scalars):
                def go():
                    result = db.session.execute(stmt)
                    return result.scalars().all() if scalars else result.scalar()
                return go

            # Each sample is one transaction, as in a request (on PostgreSQL: BEGIN + set_config for RLS).
            suffix = "admin" if who == "admin" else "gm"
            rows = run(page, True)()
            if not rows:
                raise SystemExit(f"audit SQL for {who}: no rows")
            db.session.rollback()
            report_samples(f"audit_sql_page_{suffix}",
                           sample_ms(run(page, True), PAGE_REQUESTS, warmup=WARMUP,
                                     after=lambda _: db.session.rollback()))
            report_samples(f"audit_sql_count_{suffix}",
                           sample_ms(run(count, False), PAGE_REQUESTS, warmup=WARMUP,
                                     after=lambda _: db.session.rollback()))
            if os.environ.get("BENCH_EXPLAIN") and suffix == "admin":
                explain(network_id)
            db.session.remove()


def explain(network_id: int) -> None:
    """BENCH_EXPLAIN=1: the plans of the admin's audit page queries, on stderr."""
    from tenant_app.extensions import db
    from tenant_app.tenancy import use_network

    postgres = db.session.get_bind().dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS)" if postgres else "EXPLAIN QUERY PLAN"
    use_network(db.session, network_id)
    for sql in ("SELECT * FROM audit_log WHERE network_id = :nid ORDER BY id DESC LIMIT 50",
                "SELECT count(*) FROM audit_log WHERE network_id = :nid"):
        note(f"-- {sql}")
        for row in db.session.execute(text(f"{prefix} {sql}"), {"nid": network_id}):
            note("   " + " ".join(str(v) for v in row))
    db.session.rollback()


def audit_rows_visible(app) -> None:
    from tenant_app.extensions import db
    from tenant_app.models import AuditEntry
    from tenant_app.tenancy import use_network

    _, network_id, _ = user_facts(app, "admin")
    with app.app_context():
        use_network(db.session, network_id)
        report("audit_rows_liuqi", db.session.scalar(select(func.count(AuditEntry.id))), "rows")
        db.session.remove()


# --------------------------------------------------------------------------- main

def main() -> int:
    admin = pg.admin_url()
    backend = "postgresql" if admin else "sqlite"
    dbname = f"bench_platform_{os.getpid()}"
    app = None
    try:
        if admin:
            app_url, owner_url = pg.create_database(dbname)
            note(f"database {dbname} created (app connects as {pg.APP_ROLE}, RLS applies)")
        else:
            app_url = owner_url = f"sqlite:///{os.path.join(_TMP, 'bench.db')}"
        report("backend", backend)
        import sqlalchemy
        report("python", sys.version.split()[0])
        report("sqlalchemy", sqlalchemy.__version__)

        app = build_app(app_url, owner_url)
        add_audit_rows(app, owner_url, backend)
        audit_rows_visible(app)

        bench_passwords()
        bench_login(app)
        bench_pages(app)
        bench_audit_sql(app)
        return 0
    finally:
        if app is not None:
            from tenant_app.extensions import db
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        if admin:
            pg.drop_database(dbname)
            note(f"database {dbname} dropped")
        shutil.rmtree(_TMP, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
