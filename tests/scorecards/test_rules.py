"""Each scoring rule on a dealer built by hand for 2025-Q1, where every answer is known."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tenant_app.services import scoring

Q1 = (date(2025, 1, 1), date(2025, 3, 31))


@pytest.fixture(scope="module")
def dealer(app, world):
    """One new dealer with records in, before and after 2025-Q1; returns its id."""
    import uuid

    from tenant_app.extensions import db
    from tenant_app.models import (AfterSaleTask, Brand, Callback, CallbackCheck, CallbackItem, CallbackPlan,
                                   Customer, FleetEntry, NegotiationRound, Opportunity, PreparationAudit,
                                   TrainingInvitation, TrainingSession, User, VerificationSample)
    from tenant_app.services.orgs import create_org
    from tenant_app.services.targets import set_target
    from tenant_app.tenancy import use_network

    net = world["networks"]["liuqi"]
    with app.app_context():
        use_network(db.session, net)
        org = create_org(network_id=net, kind="dealer", code=f"SC-{uuid.uuid4().hex[:5].upper()}",
                         name="评分测试经销商", province="广西", city="柳州")
        db.session.flush()
        own = db.session.scalar(select(Brand).where(Brand.is_own.is_(True)))
        rival = db.session.scalar(select(Brand).where(Brand.is_own.is_(False)).order_by(Brand.id))
        some_user = db.session.scalar(select(User).order_by(User.id))

        def customer(name, created, brand=None, complete=True):
            c = Customer(network_id=net, org_id=org.id, name=name, name_key=name, created_at=datetime(*created),
                         phone="13800000000" if complete else "", contact_name="张三", region="柳州",
                         transport_type="long_haul", use="city_transport", nature="private")
            if brand is not None:
                c.fleet = [FleetEntry(network_id=net, org_id=org.id, brand=brand, model="H7", quantity=3,
                                      heavy=True)]
            db.session.add(c)
            db.session.flush()
            return c

        a = customer("甲 本品", (2025, 1, 5), own)
        b = customer("乙 竞品", (2025, 1, 6), rival)
        c = customer("丙 本品", (2025, 2, 1), own, complete=False)
        d = customer("丁 新", (2025, 2, 2))
        e = customer("戊 竞品", (2025, 2, 3), rival)
        customer("己 后来", (2025, 4, 10), own)  # after the period: in no count of Q1
        assert [x.segment for x in (a, b, c, d, e)] == ["own_old", "rival_old", "own_old", "new", "rival_old"]

        plan = CallbackPlan(network_id=net, org_id=org.id, title="Q1", starts_on=Q1[0], ends_on=date(2025, 4, 30))
        db.session.add(plan)
        db.session.flush()

        def item(cust, due, status):
            i = CallbackItem(network_id=net, org_id=org.id, plan=plan, customer_id=cust.id, group="g",
                             method=f"phone{due[1]}-{due[2]}", due_on=date(*due), status=status)
            db.session.add(i)
            db.session.flush()
            return i

        i1, i2, i3 = item(a, (2025, 1, 20), "done"), item(b, (2025, 2, 20), "done"), item(c, (2025, 3, 1), "done")
        item(d, (2025, 3, 10), "planned")
        item(e, (2025, 3, 11), "skipped")
        item(a, (2025, 4, 5), "planned")  # due after the period

        def call(cust, on, it=None):
            cb = Callback(network_id=net, org_id=org.id, customer_id=cust.id, item_id=it.id if it else None,
                          method="phone", done_on=date(*on))
            db.session.add(cb)
            db.session.flush()
            return cb

        cb1 = call(a, (2025, 1, 18), i1)   # before due: on time
        cb2 = call(b, (2025, 2, 20), i2)   # on the day: on time
        call(c, (2025, 4, 2), i3)          # late, and after the period: not in Q1
        cb4 = call(d, (2025, 3, 15))       # without a plan item
        cb5 = call(c, (2025, 3, 5), i3)    # late, in the period
        sample = VerificationSample(network_id=net, org_id=org.id, starts_on=Q1[0], ends_on=Q1[1], size=4)
        sample.checks = [CallbackCheck(network_id=net, org_id=org.id, callback_id=cb.id, status=s)
                         for cb, s in ((cb1, "confirmed"), (cb2, "confirmed"), (cb4, "not_confirmed"),
                                       (cb5, "pending"))]
        db.session.add(sample)

        def opp(cust, created, level, stage, contract=None, rounds=()):
            o = Opportunity(network_id=net, org_id=org.id, customer_id=cust.id, intent_level=level, stage=stage,
                            contract_on=contract, created_at=datetime(*created), updated_at=datetime(*created))
            o.rounds = [NegotiationRound(network_id=net, org_id=org.id, held_on=date(*r)) for r in rounds]
            db.session.add(o)
            db.session.flush()
            return o

        won = opp(b, (2025, 1, 10), 1, "won", date(2025, 2, 14), rounds=[(2025, 1, 13)])  # round in 3 days
        opp(a, (2025, 2, 1), 1, "lost", rounds=[(2025, 2, 11)])   # round after 10 days: late; lost in Q1
        opp(c, (2025, 2, 5), 2, "following")                      # level 2: not a level-1 follow-up
        opp(e, (2025, 3, 1), 3, "won", date(2025, 4, 20))         # won after the period
        for due, status in (((2025, 2, 21), "done"), ((2025, 3, 1), "open"), ((2025, 5, 1), "open")):
            db.session.add(AfterSaleTask(network_id=net, org_id=org.id, customer_id=b.id, opportunity_id=won.id,
                                         kind="service_tracking", due_on=date(*due), status=status))
        for day, ok in (((2025, 1, 10), 3), ((2025, 3, 20), 5), ((2025, 4, 2), 6)):
            items = ["staff", "office", "vehicles", "relations", "budget", "mechanism"]
            db.session.add(PreparationAudit(network_id=net, org_id=org.id, audited_on=date(*day),
                                            results={k: n < ok for n, k in enumerate(items)}))
        session = TrainingSession(network_id=net, title="Q1 培训", held_on=date(2025, 2, 10), max_score=100)
        later = TrainingSession(network_id=net, title="Q2 培训", held_on=date(2025, 4, 10), max_score=100)
        db.session.add_all([session, later])
        db.session.flush()
        people = db.session.scalars(select(User).order_by(User.id).limit(3)).all()
        for person, attended, score in zip(people, (True, True, False), (80, 100, None)):
            db.session.add(TrainingInvitation(network_id=net, session_id=session.id, org_id=org.id,
                                              user_id=person.id, attended=attended, score=score))
        db.session.add(TrainingInvitation(network_id=net, session_id=later.id, org_id=org.id, user_id=some_user.id,
                                          attended=True, score=50))
        set_target(org, "quarter", Q1[0], "deals", 2)      # one deal in Q1: 1 of 2
        set_target(org, "quarter", Q1[0], "callbacks", 2)  # four callbacks in Q1: capped at 2
        db.session.commit()
        org_id = org.id
        db.session.remove()
    return org_id


EXPECTED = {
    "ledger_completeness": (4, 5),   # 己 came after the period; 丙 has no phone
    "callback_completion": (3, 4),   # the skipped item is left out, the April one too
    "callback_timeliness": (2, 3),   # cb1, cb2 on time; cb5 late; cb4 had no plan item
    "coverage": (3, 4),              # 甲 乙 丙 called in Q1 (丙 late but in Q1), 戊 not; 丁 is new
    "level1_followup": (1, 2),       # met within 7 days: one of the two level-1 leads
    "conversion": (1, 2),            # won in Q1 against won + lost in Q1
    "rival_conversion": (1, 2),      # 乙 signed in Q1; 戊 signed in April
    "post_delivery": (1, 2),         # tracking due in Q1: one done of two
    "verification": (2, 3),          # pending checks do not count
    "preparation": (5, 6),           # the latest audit on or before 31 March
    "training": (1.8, 3),            # 80/100 + 100/100 + absent, over three invitations
    "target_attainment": (3, 4),     # min(1, 2) deals + min(4, 2) callbacks over 2 + 2
}


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_each_rule_counts_what_it_should(app, world, dealer, in_network, rule):
    with in_network(world["networks"]["liuqi"]):
        got = scoring.counts(rule, [dealer], *Q1, "quarter")
    assert got[dealer] == EXPECTED[rule]


@pytest.mark.parametrize("rule", sorted(r for r, rule in scoring.RULES.items() if rule.rows and rule.kind == "dealer"))
def test_the_evidence_lists_the_records_that_were_counted(app, world, dealer, in_network, rule):
    with in_network(world["networks"]["liuqi"]):
        rows, total = scoring.evidence(rule, dealer, *Q1, "quarter", per_page=100)
        counted, _ = scoring.evidence(rule, dealer, *Q1, "quarter", counted=True, per_page=100)
    assert (len(counted), total) == EXPECTED[rule]
    assert all(r["customer"] for r in rows), "every row names its customer"
    assert [r["counted"] for r in rows] == sorted(r["counted"] for r in rows), "missed ones first"


def test_no_rule_counts_another_dealer(app, world, dealer, in_network):
    other = world["orgs"][("liuqi", "GX-LZ-001")]["id"]
    with in_network(world["networks"]["liuqi"]):
        for rule in scoring.RULES:
            got = scoring.counts(rule, [other], *Q1, "quarter")
            assert dealer not in got
