"""The scheduler's tick works on each network in a session of its own."""
from sqlalchemy import select

from tenant_app.models import Organisation


def test_the_tick_gives_each_network_a_fresh_session(app, world, monkeypatch):
    """An object loaded for one network must not be handed to the next by the identity map:
    a reused session's get() returns it from the map, and its refresh is a column load,
    which the ORM filter lets through (only RLS on PostgreSQL would still refuse it)."""
    from tenant_app.extensions import db
    from tenant_app.jobs import schedule
    from tenant_app.services.audit import set_actor

    seen = []  # per network: its id, its session, one of its organisations, what it saw of earlier ones

    def looking(network, today):
        session = db.session()
        earlier = []
        for _, _, (other, other_id), _ in seen:  # the id read when it was loaded: a later commit expires it
            got = session.get(Organisation, other_id)
            earlier.append((other in session, got is not None and got.network_id))
        mine = session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
        assert mine is not None and mine.network_id == network.id
        seen.append((network.id, session, (mine, mine.id), earlier))
        assert session.info["actor"]["username"] == "scheduler", "the caller's actor, for the audit log"
        return []

    monkeypatch.setattr(schedule, "_due_evaluation", looking)
    monkeypatch.setattr(schedule, "_unrendered", lambda network: [])
    monkeypatch.setattr(schedule, "_notifications", lambda network, now: [])
    with app.app_context():
        set_actor(db.session, label="scheduler")
        assert schedule.tick() == []
    assert {world["networks"]["liuqi"], world["networks"]["demo2"]} <= {n for n, _, _, _ in seen}
    assert [earlier for _, _, _, earlier in seen] == [[(False, False)] * i for i in range(len(seen))], \
        "no network's session holds or hands out another's objects"
    assert len({id(session) for _, session, _, _ in seen}) == len(seen), "one session per network"
