"""The data-layer guards, each tested on its own: the ORM filter, and PostgreSQL RLS alone."""
import pytest
from sqlalchemy import func, insert, select, text

from tenant_app.extensions import db
from tenant_app.models import AuditEntry, Organisation, User
from tenant_app.tenancy import ALL_NETWORKS, CrossNetworkWrite, use_network
from tests.conftest import ON_PG


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_orm_filter_shows_only_the_current_network(app, world):
    liuqi, demo2 = world["networks"]["liuqi"], world["networks"]["demo2"]
    with app.app_context():
        use_network(db.session, liuqi)
        users = db.session.scalars(select(User)).all()
        assert users and {u.network_id for u in users} == {liuqi}
        foreign_id = world["people"][("demo2", "admin")].id
        assert db.session.get(User, foreign_id) is None
        # joins and relationship loads are filtered too
        orgs = db.session.scalars(select(Organisation).join(User)).unique().all()
        assert {o.network_id for o in orgs} == {liuqi}
        use_network(db.session, demo2)
        assert {u.network_id for u in db.session.scalars(select(User))} == {demo2}
        db.session.remove()


def test_no_network_sees_nothing(app):
    with app.app_context():
        use_network(db.session, None)
        assert db.session.scalars(select(User)).all() == []
        assert _count(Organisation) == 0
        db.session.remove()


def test_opting_out_is_explicit_and_named(app, world):
    with app.app_context():
        use_network(db.session, world["networks"]["liuqi"])
        db.session.info["orm_filter"] = False
        if not ON_PG:  # on PostgreSQL, RLS still holds without the ORM filter (next test)
            assert len({u.network_id for u in db.session.scalars(select(User))}) == 2
        db.session.info.pop("orm_filter")
        stmt = select(User).execution_options(**{ALL_NETWORKS: True})
        expected = 1 if ON_PG else 2
        assert len({u.network_id for u in db.session.scalars(stmt)}) == expected
        db.session.remove()


def test_writing_into_another_network_raises(app, world):
    with app.app_context():
        use_network(db.session, world["networks"]["liuqi"])
        db.session.add(Organisation(network_id=world["networks"]["demo2"], kind="dealer", code="X-1", name="越界"))
        with pytest.raises(CrossNetworkWrite):
            db.session.flush()
        db.session.rollback()
        use_network(db.session, None)
        db.session.add(Organisation(kind="dealer", code="X-2", name="无网络"))
        with pytest.raises(CrossNetworkWrite):
            db.session.flush()
        db.session.rollback()
        db.session.remove()


def test_insert_takes_the_network_from_the_session(app, world):
    liuqi = world["networks"]["liuqi"]
    with app.app_context():
        use_network(db.session, liuqi)
        org = Organisation(kind="service", code="SV-TMP-99", name="临时服务站")
        db.session.add(org)
        db.session.flush()
        assert org.network_id == liuqi
        db.session.rollback()
        db.session.remove()


pg_only = pytest.mark.skipif(not ON_PG, reason="row-level security is PostgreSQL's; CI runs this on PostgreSQL")


@pg_only
def test_rls_alone_hides_other_networks(app, world):
    """The ORM filter switched off: RLS still shows only the current network's rows."""
    liuqi, demo2 = world["networks"]["liuqi"], world["networks"]["demo2"]
    with app.app_context():
        db.session.info["orm_filter"] = False
        use_network(db.session, liuqi)
        assert {u.network_id for u in db.session.scalars(select(User))} == {liuqi}
        # raw SQL bypasses the ORM entirely; RLS still answers
        assert db.session.scalar(text("SELECT count(DISTINCT network_id) FROM users")) == 1
        assert db.session.scalar(text("SELECT count(*) FROM users WHERE network_id = :n"), {"n": demo2}) == 0
        assert db.session.scalar(text("SELECT count(*) FROM audit_log WHERE network_id = :n"), {"n": demo2}) == 0
        use_network(db.session, None)
        assert db.session.scalar(text("SELECT count(*) FROM organisations")) == 0
        db.session.rollback()
        db.session.remove()


@pg_only
def test_rls_refuses_writes_into_another_network(app, world):
    from sqlalchemy.exc import ProgrammingError

    liuqi, demo2 = world["networks"]["liuqi"], world["networks"]["demo2"]
    with app.app_context():
        use_network(db.session, liuqi)
        with pytest.raises(ProgrammingError, match="row-level security"):
            db.session.execute(insert(AuditEntry).values(network_id=demo2, action="forged", username="x",
                                                         object_type="", summary="", changes={}, ip=""))
        db.session.rollback()
        use_network(db.session, liuqi)
        # an UPDATE through Core of another network's rows touches nothing
        result = db.session.execute(text("UPDATE users SET name = 'x' WHERE network_id = :n"), {"n": demo2})
        assert result.rowcount == 0
        db.session.rollback()
        db.session.remove()


@pg_only
def test_app_role_owns_nothing_and_every_network_table_forces_rls(app):
    with app.app_context():
        use_network(db.session, None)
        me = db.session.scalar(text("SELECT current_user"))
        super_, bypass = db.session.execute(text(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
        assert not super_ and not bypass
        owned = db.session.scalar(text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"))
        assert owned == 0, f"{me} must own no table"
        rows = db.session.execute(text("""
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'network_id'
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'""")).all()
        assert rows and all(enabled and forced for _, enabled, forced in rows), rows
        db.session.rollback()
        db.session.remove()
