"""Fixtures: one migrated database per run (SQLite, or PostgreSQL when DATABASE_URL
points at one), seeded with the two demo networks as the shared background; clients logged
in as anyone. A test builds the records it checks with tests/factories.py (`build`)."""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, replace
from datetime import date

import pytest

os.environ.setdefault("INSTANCE_PATH", os.path.join(os.path.dirname(__file__), "..", "instance", "test"))
os.environ.setdefault("SECRET_KEY", "test-only-" + uuid.uuid4().hex)

from sqlalchemy import select  # noqa: E402

from tests import pg  # noqa: E402

ON_PG = pg.admin_url() is not None
REDIS_URL = os.environ.get("REDIS_URL") or None
TEST_CUSTOMERS = 400
# PDFs of this run only: evaluation ids restart with every test database
REPORTS_DIR = tempfile.mkdtemp(prefix="tenant-test-reports-")


def app_config(app_url: str, owner_url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": app_url,
        "MIGRATION_DATABASE_URL": owner_url,
        "WTF_CSRF_ENABLED": False,
        "REDIS_URL": REDIS_URL,
        "JOBS_INLINE": True,  # tests/jobs run them on a real RQ worker
        "RATELIMIT_STORAGE_URI": REDIS_URL or "memory://",
        "RATELIMIT_KEY_PREFIX": "test-" + uuid.uuid4().hex[:8],
        "REPORTS_DIR": REPORTS_DIR,
        # the sweeps open the public survey page as every user from one address; its own test lowers it
        "SURVEY_RATE_LIMIT": "100000 per minute",
        **extra,
    }


@pytest.fixture(scope="session", autouse=True)
def _reports_dir():
    yield
    shutil.rmtree(REPORTS_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory):
    if ON_PG:
        name = f"tenant_test_{os.getpid()}"
        urls = pg.create_database(name)
        yield urls
        pg.drop_database(name)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        yield url, url


@pytest.fixture(scope="session")
def app(database_urls):
    from flask_migrate import upgrade

    from tenant_app import create_app
    from tenant_app.extensions import db
    from tenant_app.services.audit import set_actor
    from tenant_app.demo import seed

    app = create_app(app_config(*database_urls))
    with app.app_context():
        upgrade()
        set_actor(db.session, label="test-seed")
        list(seed(customers=TEST_CUSTOMERS))
        db.session.remove()
    return app


@dataclass(frozen=True)
class Person:
    network: str
    network_id: int
    id: int
    login_id: str
    username: str
    org_id: int
    org_code: str
    kind: str
    roles: tuple
    regions: tuple


@pytest.fixture(scope="session")
def world(app):
    """Plain facts about the seeded networks: every user, organisation and network."""
    from tenant_app.extensions import db
    from tenant_app.models import (AfterSaleTask, Announcement, Appeal, Brand, Callback, CallbackCheck, CallbackPlan,
                                   Customer, Evaluation, Expense, JobRecord, Network, Opportunity, Organisation,
                                   GroupRobot, HotAlert, MarketingEvent, Notification, Project, ProjectDocument, RepairOrder, Scorecard, ServiceCallback, Stakeholder, TrainingInvitation, TrainingSession, User,
                                   TruckModel, Vehicle, VerificationSample, VisitCheckIn, VisitPhoto)
    from tenant_app.services import training
    from tenant_app.services.deals import with_check_digit
    from tenant_app.tenancy import use_network

    facts = {"networks": {}, "people": {}, "orgs": {}, "extra": {},
             # every record a route may name: kind -> [(id, network code, owning org id)]
             "records": {"org": [], "user": [], "customer": [], "stakeholder": [], "plan": [], "opportunity": [],
                         "task": [], "job": [], "brand": [], "sample": [], "check": [], "expense": [],
                         "announcement": [], "evaluation": [], "card": [], "appeal": [], "session": [],
                         "vehicle": [], "repair": [], "service_callback": [], "alert": [], "project": [],
                         "document": [], "event": [], "truck_model": [], "photo": [], "notification": [],
                         "robot": []}}
    with app.app_context():
        for net in db.session.scalars(select(Network)).all():
            facts["networks"][net.code] = net.id
            use_network(db.session, net.id)
            for org in db.session.scalars(select(Organisation)):
                facts["orgs"][(net.code, org.code)] = {"id": org.id, "kind": org.kind, "province": org.province,
                                                       "name": org.name, "network_id": net.id}
            for u in db.session.scalars(select(User)):
                facts["people"][(net.code, u.username)] = Person(
                    net.code, net.id, u.id, "", u.username, u.org_id, u.org.code, u.org.kind,
                    tuple(u.roles), tuple(u.regions or ()))
            rec = facts["records"]
            rec["org"] += [(o["id"], net.code, o["id"]) for (n, _), o in facts["orgs"].items() if n == net.code]
            rec["user"] += [(p.id, net.code, p.org_id) for (n, _), p in facts["people"].items() if n == net.code]
            for org_id in {o["id"] for (n, _), o in facts["orgs"].items() if n == net.code}:
                ids = db.session.scalars(select(Customer.id).where(Customer.org_id == org_id)
                                         .order_by(Customer.id).limit(3)).all()
                rec["customer"] += [(i, net.code, org_id) for i in ids]
            rec["stakeholder"] += [(i, net.code, org_id) for i, org_id in db.session.execute(
                select(Stakeholder.id, Customer.org_id).join(Stakeholder.customer))]
            maker_id = facts["orgs"][(net.code, "HQ")]["id"]  # brands are the maker's to keep
            rec["brand"] += [(i, net.code, maker_id) for i in db.session.scalars(select(Brand.id))]
            rec["truck_model"] += [(i, net.code, maker_id) for i in db.session.scalars(select(TruckModel.id).limit(40))]
            dealer = db.session.scalars(select(Organisation).where(Organisation.kind == "dealer")
                                        .order_by(Organisation.id)).first()
            db.session.add(JobRecord(network_id=net.id, org_id=dealer.id, kind="ledger_check", status="done",
                                     params={"path": "/nonexistent.xlsx", "filename": "x.xlsx"},
                                     result={"rows": 1, "problem_count": 0, "preview": []}))
            callback_id = db.session.scalar(select(Callback.id).where(Callback.org_id == dealer.id))
            sample = VerificationSample(network_id=net.id, org_id=dealer.id, starts_on=date(2026, 1, 1),
                                        ends_on=date(2026, 12, 31), size=1)
            sample.checks = [CallbackCheck(network_id=net.id, org_id=dealer.id, callback_id=callback_id)]
            db.session.add(sample)
            checkin = VisitCheckIn(network_id=net.id, org_id=dealer.id, callback_id=callback_id, status="refused")
            checkin.photos = [VisitPhoto(network_id=net.id, org_id=dealer.id, path="/nonexistent", sha256="0" * 64,
                                         width=1, height=1, bytes=1)]
            db.session.add(checkin)
            db.session.add(Expense(network_id=net.id, org_id=dealer.id, spent_on=date(2026, 3, 1), category="events",
                                   amount=1200, description="答谢会场地"))
            db.session.add(Announcement(network_id=net.id, title=f"{net.code} 冬季促销", effective_from=date(2026, 12, 1),
                                        for_dealer=True, for_service=False))
            station = db.session.scalars(select(Organisation).where(Organisation.kind == "service")
                                         .order_by(Organisation.id)).first()
            vehicle = Vehicle(network_id=net.id, vin=with_check_digit(f"LGAX2A{net.id:03d}0000{net.id:04d}"), model="H7", plate=f"桂B{net.id}0001",
                              owner_name="测试车主", owner_phone="13900002222", registered_by_org_id=station.id)
            repair = RepairOrder(network_id=net.id, org_id=station.id, vehicle=vehicle, kind="repair",
                                 date_in=date(2026, 10, 1), date_out=date(2026, 10, 2), status="closed", work_done="换轮胎")
            callback = ServiceCallback(network_id=net.id, org_id=station.id, repair=repair, first_due_on=date(2026, 10, 5),
                                       due_on=date(2026, 10, 5))
            db.session.add_all([vehicle, repair, callback])
            db.session.flush()
            db.session.add(HotAlert(network_id=net.id, org_id=station.id, repair_id=repair.id, callback_id=callback.id,
                                    reason="测试预警", opened_on=date(2026, 10, 5), deadline=date(2026, 10, 7)))
            builder = db.session.scalars(select(Organisation).where(Organisation.kind == "bodybuilder")
                                         .order_by(Organisation.id)).first()
            project = Project(network_id=net.id, org_id=builder.id, title=f"{net.code} 混凝土搅拌车", vehicle_type="mixer")
            project.documents = [ProjectDocument(network_id=net.id, org_id=builder.id, name="方案.pdf", path="/nonexistent",
                                                 sha256="0" * 64)]
            db.session.add(project)
            db.session.add(MarketingEvent(network_id=net.id, org_id=dealer.id, kind="thanks", title=f"{net.code} 答谢会",
                                          held_on=date(2026, 10, 1)))
            # a group robot of the dealer (nothing listens at its address: a test button a sweep presses fails fast)
            db.session.add(GroupRobot(network_id=net.id, org_id=dealer.id, platform="dingtalk",
                                      webhook_url="http://127.0.0.1:9/robot/send?access_token=sweep",  # port 9: refused at once
                                      secret="SECsweep"))
            # training for one dealer outside 广西, the regional supervisor's province
            far = db.session.scalars(select(Organisation).where(Organisation.kind == "dealer",
                                                                Organisation.province != "广西")
                                     .order_by(Organisation.id)).first()
            maker_admin = db.session.scalar(select(User).where(User.username == "admin"))
            training.create_session(title=f"{net.code} 单店培训", held_on=date(2026, 10, 9), place=far.city or "—",
                                    topic="台帐", max_score=100, orgs=[far], by=maker_admin)
            card = db.session.scalar(select(Scorecard).where(Scorecard.org_id == dealer.id))
            db.session.add(Appeal(network_id=net.id, scorecard_id=card.id, org_id=dealer.id, item_key="coverage",
                                  reason="测试申诉：漏计回访"))
            db.session.commit()
            use_network(db.session, net.id)
            # addressed to parties network-wide: no owning organisation (None)
            rec["announcement"] += [(i, net.code, None) for i in db.session.scalars(select(Announcement.id))]
            rec["evaluation"] += [(i, net.code, None) for i in db.session.scalars(select(Evaluation.id))]
            # a session that invited one organisation only is that organisation's (and its supervisors');
            # one that invited several is seen by each of them
            invited = {}
            for session_id, org_id in db.session.execute(select(TrainingInvitation.session_id,
                                                                TrainingInvitation.org_id).distinct()):
                invited.setdefault(session_id, set()).add(org_id)
            rec["session"] += [(i, net.code, next(iter(invited[i])) if len(invited.get(i, ())) == 1 else None)
                               for i in db.session.scalars(select(TrainingSession.id))]
            # any station looks any vehicle of its network up: owned by nobody in particular
            rec["vehicle"] += [(i, net.code, None) for i in db.session.scalars(select(Vehicle.id))]
            # a product of the catalogue is the whole network's to browse; a project on its way, its builder's
            rec["project"] += [(p.id, net.code, None if p.in_catalogue else p.org_id)
                               for p in db.session.scalars(select(Project))]
            for kind, model in (("plan", CallbackPlan), ("opportunity", Opportunity), ("task", AfterSaleTask),
                                ("job", JobRecord), ("sample", VerificationSample), ("check", CallbackCheck),
                                ("expense", Expense), ("card", Scorecard), ("appeal", Appeal), ("repair", RepairOrder),
                                ("service_callback", ServiceCallback), ("alert", HotAlert),
                                ("document", ProjectDocument), ("event", MarketingEvent), ("photo", VisitPhoto),
                                ("notification", Notification), ("robot", GroupRobot)):
                rec[kind] += [(i, net.code, org_id) for i, org_id in db.session.execute(
                    select(model.id, model.org_id).order_by(model.id).limit(40))]
            db.session.rollback()
        db.session.remove()
    return facts


@pytest.fixture
def client(app):
    return app.test_client()


def _login(client, person: Person):
    with client.session_transaction() as s:
        s.clear()
        s["_user_id"] = person.login_id
        s["_fresh"] = True
    return client


def logged_in(app, person: Person):
    """A new client signed in as person (for fixtures wider than a test, which cannot use login_as)."""
    return _login(app.test_client(), replace(person, login_id=_current_login_id(app, person)))


def _current_login_id(app, person: Person) -> str:
    """A new login session on the server, as signing in makes (after the user's latest token)."""
    from tenant_app.extensions import db
    from tenant_app.models import User
    from tenant_app.services.sessions import open_session
    from tenant_app.tenancy import use_network

    with app.test_request_context():
        use_network(db.session, person.network_id)
        login_id = open_session(db.session.get(User, person.id), ip="127.0.0.1", user_agent="pytest")
        db.session.commit()
        db.session.remove()
    return login_id


def person_of(user, network: str) -> Person:
    return Person(network, user.network_id, user.id, "", user.username, user.org_id,
                  user.org.code, user.org.kind, tuple(user.roles), tuple(user.regions or ()))


def _made_in_test(app, world, network: str, username: str) -> Person:
    """A user a test made (tests/factories.py), found by name in its network."""
    from tenant_app.extensions import db
    from tenant_app.models import User
    from tenant_app.tenancy import use_network

    with app.app_context():
        use_network(db.session, world["networks"][network])
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None, f"no user {username} in {network}"
        person = person_of(user, network)
        db.session.remove()
    world["extra"][(network, username)] = person
    return person


@pytest.fixture
def login_as(app, world):
    """login_as("gx-lz-001.gm") or login_as("admin", network="demo2"): a logged-in client;
    a user made by tests/factories.py is found by its user name too."""
    def _as(username: str, network: str = "liuqi"):
        person = world["people"].get((network, username)) or world["extra"].get((network, username)) \
            or _made_in_test(app, world, network, username)
        return logged_in(app, person)
    return _as


@pytest.fixture
def new_user(app, world):
    """A user made for one test (password factories.PASSWORD), so tests that change users share nothing."""
    from tenant_app.extensions import db
    from tenant_app.models import Organisation
    from tenant_app.tenancy import use_network
    from tests import factories

    def _make(org_code: str, *roles: str, network: str = "liuqi") -> Person:
        with app.app_context():
            use_network(db.session, world["networks"][network])
            org = db.session.scalar(select(Organisation).where(Organisation.code == org_code))
            user = factories.user(org, *roles, username=f"t-{uuid.uuid4().hex[:10]}")
            db.session.commit()
            p = person_of(user, network)
            db.session.remove()
        world["extra"][(network, p.username)] = p
        return p
    return _make


@pytest.fixture
def person(world):
    return lambda username, network="liuqi": world["people"][(network, username)]


@pytest.fixture
def new_org(app, world):
    """An organisation made for one test (empty ledger): new_org("GX-T") → (code, id)."""
    from tenant_app.extensions import db
    from tenant_app.tenancy import use_network
    from tests import factories

    def _make(prefix: str, kind: str = "dealer", network: str = "liuqi") -> tuple[str, int]:
        code = f"{prefix}-{uuid.uuid4().hex[:5].upper()}"
        with app.app_context():
            use_network(db.session, world["networks"][network])
            org = factories.org(kind, code=code, name=f"测试机构{code}")
            db.session.commit()
            org_id = org.id
            db.session.remove()
        return code, org_id
    return _make


@pytest.fixture
def in_network(app):
    """A context with the app's session bound to a network, for checking the database."""
    from contextlib import contextmanager

    from tenant_app.extensions import db
    from tenant_app.tenancy import use_network

    @contextmanager
    def _ctx(network_id):
        with app.app_context():
            use_network(db.session, network_id)
            try:
                yield db.session
            finally:
                db.session.rollback()
                db.session.remove()
    return _ctx


@pytest.fixture
def build(in_network, world):
    """`with build() as s:` records made with tests/factories.py, committed at the end of the
    block (network liuqi unless named). Read what the test needs inside the block."""
    from contextlib import contextmanager

    @contextmanager
    def _build(network: str = "liuqi"):
        with in_network(world["networks"][network]) as s:
            yield s
            s.commit()
    return _build


@pytest.fixture
def age_login(app):
    """age_login(client, idle=seconds, started=seconds): the client's login session, on the server,
    last seen and started that long ago (as if the user had walked away)."""
    from datetime import timedelta

    from tenant_app.extensions import db
    from tenant_app.models import LoginSession
    from tenant_app.models.base import utcnow
    from tenant_app.tenancy import use_network

    def _age(client, idle: float = 0, started: float = 0):
        with client.session_transaction() as s:
            handle = s.get("_user_id") or ""
        if not handle:  # only the remember-me cookie is left
            from flask_login.utils import decode_cookie
            handle = decode_cookie(client.get_cookie("remember_token").value)
        network_id, session_id, _ = handle.split(":", 2)
        with app.app_context():
            use_network(db.session, int(network_id))
            record = db.session.get(LoginSession, int(session_id))
            now = utcnow()
            record.last_seen_at = now - timedelta(seconds=idle)
            record.created_at = now - timedelta(seconds=started)
            record.expires_at = record.created_at + app.config["SESSION_ABSOLUTE"]
            db.session.commit()
            db.session.remove()
    return _age

