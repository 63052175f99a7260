"""Service stations' scorecard items on hand-made data, and stations scored and ranked among
themselves by the same template and evaluation as the dealers."""
from datetime import date

import pytest
from sqlalchemy import select

from tenant_app.models import Organisation, Scorecard
from tenant_app.services import scorecards as service
from tenant_app.services import scoring

Q3 = (date(2024, 7, 1), date(2024, 9, 30))


@pytest.fixture(scope="module")
def station(app, world):
    import uuid

    from tenant_app.extensions import db
    from tenant_app.models import HotAlert, RepairOrder, ServiceCallback, Vehicle
    from tenant_app.services.deals import with_check_digit
    from tenant_app.services.orgs import create_org
    from tenant_app.tenancy import use_network

    net = world["networks"]["liuqi"]
    with app.app_context():
        use_network(db.session, net)
        org = create_org(network_id=net, kind="service", code=f"ST-{uuid.uuid4().hex[:5].upper()}",
                         name="评分测试服务站", province="广西", city="桂林")
        vehicle = Vehicle(network_id=net, vin=with_check_digit("LFWSRXS0" + uuid.uuid4().hex[:9].upper()
                                                                .replace("I", "1").replace("O", "0")),
                          model="H7", owner_name="车主")
        db.session.add(vehicle)
        db.session.flush()

        def repair(day):
            r = RepairOrder(network_id=net, org_id=org.id, vehicle=vehicle, kind="repair", date_in=date(*day),
                            date_out=date(*day), status="closed")
            db.session.add(r)
            db.session.flush()
            return r

        r = repair((2024, 7, 5))
        for due, done, overall, purpose, status in (
                ((2024, 7, 10), (2024, 7, 10), 5, "after_repair", "done"),    # on time, satisfied
                ((2024, 8, 1), (2024, 8, 3), 3, "after_repair", "done"),      # late, not satisfied
                ((2024, 9, 20), None, None, "after_repair", "due"),           # not done yet
                ((2024, 8, 4), (2024, 8, 4), 5, "confirm", "done"),           # a confirmation: not counted
                ((2024, 10, 2), None, None, "after_repair", "due")):          # due after the period
            db.session.add(ServiceCallback(network_id=net, org_id=org.id, repair_id=r.id, purpose=purpose,
                                           first_due_on=date(*due), due_on=date(*due), status=status,
                                           done_on=date(*done) if done else None, score_overall=overall))
        for opened, deadline, resolved, closed, status in (
                ((2024, 8, 3), (2024, 8, 5), (2024, 8, 4), (2024, 8, 5), "closed"),   # in time
                ((2024, 8, 10), (2024, 8, 12), (2024, 8, 14), (2024, 8, 15), "closed"),  # resolved late
                ((2024, 9, 1), (2024, 9, 3), None, None, "open")):
            db.session.add(HotAlert(network_id=net, org_id=org.id, repair_id=r.id, reason="测试", opened_on=date(*opened),
                                    deadline=date(*deadline), resolved_on=date(*resolved) if resolved else None,
                                    closed_on=date(*closed) if closed else None, status=status))
        db.session.commit()
        org_id = org.id
        db.session.remove()
    return org_id


@pytest.mark.parametrize("rule,expected", [
    ("service_callback_completion", (2, 3)), ("service_callback_timeliness", (1, 2)),
    ("service_satisfaction", (1, 2)), ("complaints_closed_in_time", (1, 3))])
def test_station_rules(app, world, station, in_network, rule, expected):
    with in_network(world["networks"]["liuqi"]):
        assert scoring.counts(rule, [station], *Q3, "quarter")[station] == expected
        rows, total = scoring.evidence(rule, station, *Q3, "quarter")
        assert total == expected[1]


def test_stations_are_scored_on_their_own_items_and_ranked_among_themselves(app, world, station, in_network):
    net = world["networks"]["liuqi"]
    with in_network(net) as s:
        evaluation, _ = service.open_evaluation(net, "2024-Q3")
        service.compute(evaluation)
        s.commit()
        cards = s.scalars(select(Scorecard).where(Scorecard.evaluation_id == evaluation.id)).all()
        kinds = {c.org_id: s.get(Organisation, c.org_id).kind for c in cards}
        mine = next(c for c in cards if c.org_id == station)
        assert {i["key"] for i in mine.items} == {k for k, r in scoring.RULES.items() if r.kind == "service"}
        assert all(scoring.RULES[i["key"]].kind == "dealer" for c in cards if kinds[c.org_id] == "dealer"
                   for i in c.items)
        stations = [c for c in cards if kinds[c.org_id] == "service"]
        assert sorted(c.rank_network for c in stations)[0] == 1 and max(c.rank_network for c in stations) <= len(stations)
        # (2/3 / 1.0 × 30) + (1/2 / 0.9 × 20) + (1/2 / 0.9 × 30) + (1/3 × 20) = 20 + 11.11 + 16.67 + 6.67
        assert mine.score == pytest.approx(54.44, abs=0.02)


def test_a_template_checks_each_partys_weights_on_their_own():
    items = [dict(i) for i in service.DEFAULT_ITEMS]
    service.check_template(items, service.DEFAULT_BANDS)
    items[-1]["weight"] = 10
    items[-1]["cap"] = 10
    with pytest.raises(service.ScorecardError, match="90"):
        service.check_template(items, service.DEFAULT_BANDS)
