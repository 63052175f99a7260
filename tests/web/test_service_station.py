"""Service stations: vehicles by VIN, repairs, callbacks scheduled with time travel, hot
alerts and their closure rules, who sees what, and the selling dealer's timeline."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from tenant_app.models import DealVehicle, HotAlert, Opportunity, ServiceCallback
from tenant_app.services import stations as station
from tenant_app.services.deals import with_check_digit
from tests import factories

RULES = station.ServiceSettings(callback_days=3, switch_days=5, low_score=2, alert_days=2)
GOOD = {"overall": 5, "timeliness": 4, "quality": 5, "price": 4, "attitude": 5, "facility": 4}


def _text(resp) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))


@pytest.fixture
def repair(app, world, in_network):
    """A closed repair at SV-LZ-01 of a vehicle registered there; returns a loader."""
    import uuid
    net = world["networks"]["liuqi"]
    sv = world["orgs"][("liuqi", "SV-LZ-01")]["id"]
    with in_network(net) as s:
        from tenant_app.models import Organisation
        org = s.get(Organisation, sv)
        vin = with_check_digit("LFWSRXS" + "0" + uuid.uuid4().hex[:9].upper().replace("I", "1").replace("O", "0"))
        vehicle = station.register_vehicle(org, vin=vin, model="乘龙 H5", plate="", owner_name="测试 车主",
                                           owner_phone="138 0000 1111")
        r = station.open_repair(org, vehicle, kind="repair", date_in=date(2026, 9, 1), mileage=120000,
                                work_done="更换离合器片")
        s.flush()
        cb = station.close_repair(r, date(2026, 9, 2), RULES)
        s.commit()
        return r.id, cb.id


def test_callbacks_repeat_while_unreachable_then_switch_to_sms(app, world, in_network, repair):
    _, cb_id = repair
    with in_network(world["networks"]["liuqi"]) as s:
        cb = s.get(ServiceCallback, cb_id)
        assert (cb.due_on, cb.method) == (date(2026, 9, 5), "phone"), "due three days after the repair closed"
        station.unreachable(cb, date(2026, 9, 5), RULES)
        assert (cb.due_on, cb.method, cb.attempts) == (date(2026, 9, 6), "phone", 1), "again the next day"
        station.unreachable(cb, date(2026, 9, 9), RULES)
        assert cb.method == "phone", "four days unreachable: still by phone"
        station.unreachable(cb, date(2026, 9, 10), RULES)
        assert (cb.method, cb.due_on) == ("sms", date(2026, 9, 11)), "five days: by SMS"
        station.unreachable(cb, date(2026, 9, 15), RULES)
        assert cb.method == "letter"
        assert station.reached(cb, date(2026, 9, 16), RULES, scores=GOOD, complaint=False, comments="") is None
        assert (cb.status, cb.done_on) == ("done", date(2026, 9, 16))
        with pytest.raises(station.StationError):
            station.unreachable(cb, date(2026, 9, 17), RULES)


def test_a_low_score_opens_an_alert_that_closes_only_on_a_satisfied_confirmation(app, world, in_network, repair):
    repair_id, cb_id = repair
    with in_network(world["networks"]["liuqi"]) as s:
        cb = s.get(ServiceCallback, cb_id)
        with pytest.raises(station.StationError):
            station.reached(cb, date(2026, 9, 5), RULES, scores={**GOOD, "price": None}, complaint=False, comments="")
        alert = station.reached(cb, date(2026, 9, 5), RULES, scores={**GOOD, "timeliness": 2}, complaint=False,
                                comments="等了三天才修好")
        s.flush()
        assert alert.status == "open" and alert.deadline == date(2026, 9, 7) and "及时性 2 分" in alert.reason
        assert not alert.overdue(date(2026, 9, 7)) and alert.overdue(date(2026, 9, 8)), "escalates after the deadline"
        with pytest.raises(station.StationError):
            station.resolve(alert, "好", date(2026, 9, 6))
        confirm = station.resolve(alert, "已致歉并赠送一次免费保养", date(2026, 9, 6))
        s.flush()
        assert (alert.status, confirm.purpose, confirm.due_on) == ("resolved", "confirm", date(2026, 9, 7))
        station.reached(confirm, date(2026, 9, 7), RULES, scores={**GOOD, "overall": 1}, complaint=True,
                        comments="仍不满意")
        assert (alert.status, alert.reopened, alert.deadline) == ("open", 1, date(2026, 9, 9)), "reopened"
        confirm2 = station.resolve(alert, "站长上门处理，返修完毕", date(2026, 9, 8))
        s.flush()
        station.reached(confirm2, date(2026, 9, 9), RULES, scores=GOOD, complaint=False, comments="满意")
        assert (alert.status, alert.closed_on) == ("closed", date(2026, 9, 9))
        with pytest.raises(station.StationError):
            station.resolve(alert, "再处理一次试试", date(2026, 9, 10))
        s.commit()


def test_a_complaint_alone_opens_an_alert(app, world, in_network, repair):
    _, cb_id = repair
    with in_network(world["networks"]["liuqi"]) as s:
        alert = station.reached(s.get(ServiceCallback, cb_id), date(2026, 9, 5), RULES, scores=GOOD, complaint=True,
                                comments="收费不透明")
        assert alert is not None and "客户投诉" in alert.reason


def test_registering_checks_the_vin_and_refuses_a_second_registration(login_as, world, in_network):
    client = login_as("sv-lz-01.mgr")
    bad = client.post("/s/vehicles/new", data={"vin": "LFWSRXS0123456789", "model": "H5", "owner_name": "张三"})
    assert "校验位不正确" in _text(bad)
    vin = with_check_digit("LFWSRXS01AB345678")
    ok = client.post("/s/vehicles/new", data={"vin": vin, "model": "H5", "owner_name": "张三",
                                               "owner_phone": "13912345678", "plate": "桂B12345"})
    assert ok.status_code == 302
    again = client.post("/s/vehicles/new", data={"vin": vin, "model": "H5", "owner_name": "李四"})
    assert "已登记" in _text(again)
    page = _text(client.get(ok.location))
    assert "张三" in page and "13912345678" not in page and "5678" in page, "the phone is masked"
    assert "桂B12345" in _text(login_as("sv-gz-02.mgr").get("/s/vehicles?q=桂B12345", follow_redirects=True))


def test_a_vehicle_sold_by_a_dealer_is_found_by_vin_and_its_repairs_reach_the_dealers_timeline(
        login_as, world, in_network, build):
    with build():
        shop, workshop = factories.org("dealer"), factories.org("service")
        gm, sales = factories.user(shop, "general_manager"), factories.user(shop, "sales_manager")
        mechanic = factories.user(workshop, "manager")
        factories.won(factories.opportunity(factories.customer(shop, fleet=[("豪沃", 3)]), sales))
        shop_name, workshop_name, gm, mechanic = shop.name, workshop.name, gm.username, mechanic.username
        org_id = shop.id
    with in_network(world["networks"]["liuqi"]) as s:
        sold, opp = s.execute(select(DealVehicle, Opportunity).join(Opportunity)
                              .where(Opportunity.org_id == org_id)).one()
        vin, customer_id, customer = sold.vin, opp.customer_id, opp.customer.name
    client = login_as(mechanic)
    found = client.get(f"/s/vehicles?q={vin.lower()}")
    assert found.status_code == 302 and "/s/vehicles/" in found.location
    page = _text(client.get(found.location))
    assert customer in page and shop_name in page
    client.post(found.location, data={"kind": "maintenance", "date_in": date.today().isoformat(), "mileage": 30000,
                                      "work_done": "首保：更换机油三滤"})
    timeline = _text(login_as(gm).get(f"/d/customers/{customer_id}"))
    assert "保养" in timeline and "首保：更换机油三滤" in timeline and workshop_name in timeline


def test_the_station_flow_through_the_pages_and_who_may_do_what(login_as, world, in_network, repair):
    repair_id, cb_id = repair
    staff, mgr = login_as("sv-lz-01.staff"), login_as("sv-lz-01.mgr")
    page = _text(staff.get(f"/s/callbacks/{cb_id}"))
    assert "138 0000 1111" in page, "who makes the call sees the number"
    staff.post(f"/s/callbacks/{cb_id}", data={"outcome": "reached", "score_overall": "2", "score_timeliness": "3",
                                              "score_quality": "3", "score_price": "2", "score_attitude": "4",
                                              "score_facility": "4", "comments": "修了两次才好"})
    with in_network(world["networks"]["liuqi"]) as s:
        alert = s.scalar(select(HotAlert).where(HotAlert.repair_id == repair_id))
        alert_id = alert.id
    assert "修了两次才好" in _text(mgr.get("/s/dashboard"))
    assert staff.post(f"/s/alerts/{alert_id}", data={"resolution": "返修并致歉"}).status_code == 403
    assert login_as("sv-gz-02.mgr").get(f"/s/alerts/{alert_id}").status_code == 404, "another station's"
    assert login_as("sv-gz-02.mgr").get(f"/s/repairs/{repair_id}").status_code == 404
    assert login_as("gx-lz-001.gm").get(f"/s/repairs/{repair_id}").status_code == 403, "not a station"
    assert "修了两次才好" in _text(login_as("admin").get("/m/alerts"))
    mgr.post(f"/s/alerts/{alert_id}", data={"resolution": "返修完毕并赠送保养一次"})
    with in_network(world["networks"]["liuqi"]) as s:
        alert = s.get(HotAlert, alert_id)
        confirm_id = s.scalar(select(ServiceCallback.id).where(ServiceCallback.alert_id == alert_id))
        assert alert.status == "resolved"
    staff.post(f"/s/callbacks/{confirm_id}", data={"outcome": "reached", **{f"score_{k}": str(v) for k, v in GOOD.items()}})
    assert "已关闭" in _text(mgr.get(f"/s/alerts/{alert_id}"))


def test_the_manufacturer_sees_overdue_alerts_first(login_as, world, in_network):
    page = login_as("admin").get("/m/alerts?status=open").get_data(as_text=True)
    assert "测试预警" in page and "已超期" in page, "the world's alert is past its deadline"
    assert page.index("已超期") < page.index("</tbody>")
    assert login_as("gx-lz-001.gm").get("/m/alerts").status_code == 403


def test_the_network_administrator_sets_the_callback_rules(login_as, world, in_network):
    client = login_as("admin", network="demo2")
    bad = client.post("/m/service-settings", data={"callback_days": 3, "switch_days": 0, "low_score": 2,
                                                   "alert_days": 2}, follow_redirects=True)
    assert "须在 1 到 30 之间" in _text(bad)
    client.post("/m/service-settings", data={"callback_days": 7, "switch_days": 4, "low_score": 3, "alert_days": 1})
    with in_network(world["networks"]["demo2"]):
        rules = station.settings(world["networks"]["demo2"])
        assert (rules.callback_days, rules.switch_days, rules.low_score, rules.alert_days) == (7, 4, 3, 1)
    assert login_as("supervisor", network="demo2").get("/m/service-settings").status_code == 403


def test_the_last_six_of_a_vin_find_the_vehicle_or_offer_the_ones_that_share_them(login_as, build):
    with build() as s:
        workshop = factories.org("service")
        mechanic = factories.user(workshop, "manager").username
        shared = factories.vin()[-6:]
        twins = [with_check_digit(f"LFWSRXS0{middle}{shared}") for middle in ("12A", "34B")]
        for v in twins:
            station.register_vehicle(workshop, vin=v, model="H5", plate="", owner_name="车主", owner_phone="")
        alone = station.register_vehicle(workshop, vin=factories.vin(), model="H7", plate="", owner_name="车主",
                                         owner_phone="")
        s.flush()
        alone_vin, alone_id = alone.vin, alone.id
    client = login_as(mechanic)
    one = client.get(f"/s/vehicles?q={alone_vin[-6:].lower()}")
    assert one.status_code == 302 and one.location.endswith(f"/s/vehicles/{alone_id}")
    both = _text(client.get(f"/s/vehicles?q={twins[0][-6:]}"))
    assert "2 辆" in both and twins[0] in both and twins[1] in both and alone_vin not in both
    nothing = client.get("/s/vehicles?q=ZZZZ9Z")
    assert nothing.status_code == 302 and "/s/vehicles/new" in nothing.location and "vin=&" in nothing.location
