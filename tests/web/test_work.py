"""Callbacks, follow-up and deals, end to end through the web, on a dealer made for each test."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tenant_app.models import AfterSaleTask, CallbackItem, CallbackStrategy, Customer, Opportunity
from tenant_app.services.callbacks import DEFAULT_MATRIX, group_of, intent_level
from tenant_app.services.targets import period_bounds
from tests import factories


def test_intent_level_follows_when():
    assert [intent_level(w) for w in ("3m", "6m", "12m", "later", "", "none")] == [1, 2, 3, None, None, None]


@pytest.mark.parametrize("segment,klass,bought,expected", [
    ("new", "retail", None, "new"),
    ("own_old", "key_major", 2010, "own_major"),
    ("rival_old", "general_major", 2025, "rival_major"),
    ("own_old", "retail", 2025, "recent"),
    ("rival_old", "retail", 2022, "middle"),
    ("own_old", "retail", 2015, "old_own"),
    ("rival_old", "retail", 2015, "old_rival"),
])
def test_groups_by_cohort(segment, klass, bought, expected):
    strategy = CallbackStrategy(recent_years=2, middle_years=4, matrix=DEFAULT_MATRIX)
    c = Customer(segment=segment, klass=klass, last_bought=bought)
    assert group_of(c, strategy, date(2026, 11, 28)) == expected
    wider = CallbackStrategy(recent_years=5, middle_years=8, matrix=DEFAULT_MATRIX)
    if expected == "middle":
        assert group_of(c, wider, date(2026, 11, 28)) == "recent", "the cohorts are settings"


@pytest.fixture
def shop(build, login_as):
    """A dealer with a general manager, information, sales and service managers, and three customers."""
    year = date.today().year
    with build():
        org = factories.org("dealer")
        people = {role: factories.user(org, role) for role in
                  ("general_manager", "information_manager", "sales_manager", "service_manager")}
        sales = people["sales_manager"]
        ids = {"big": factories.customer(org, "大客户物流", fleet=[("乘龙", 30, year - 1)], responsible=sales).id,
               "recent": factories.customer(org, "近期散户", fleet=[("豪沃", 2, year - 1)], responsible=sales).id,
               "new": factories.customer(org, "新客户甲").id}
        people = {role: user.username for role, user in people.items()}
    return {"customers": ids, "as": lambda role: login_as(people[role])}


def _items(in_network, world, customer_id):
    with in_network(world["networks"]["liuqi"]) as s:
        return [(i.id, i.method, i.group, i.status, i.assignee_id, i.due_on)
                for i in s.scalars(select(CallbackItem).where(CallbackItem.customer_id == customer_id))]


def test_strategy_default_refinement_and_plan(shop, login_as, in_network, world, new_org, new_user):
    admin = login_as("admin")
    matrix = {"m-own_major": ["home_callback"], "m-recent": ["sms", "phone"], "m-new": ["visit"]}
    resp = admin.post("/m/callback-strategy", data={"recent_years": 2, "middle_years": 4, **matrix})
    assert resp.status_code == 302
    gm = shop["as"]("general_manager")
    page = gm.get("/d/callbacks/strategy").get_data(as_text=True)
    assert "网络默认" in page
    sales = shop["as"]("sales_manager")
    assert sales.post("/d/callbacks/strategy", data={"recent_years": 2, "middle_years": 4}).status_code == 403
    gm.post("/d/callbacks/strategy", data={"recent_years": 2, "middle_years": 4, "m-own_major": ["visit", "thank_you_party"],
                                           "m-recent": ["phone"], "m-new": ["phone"]})
    assert "本店细化" in gm.get("/d/callbacks/strategy").get_data(as_text=True)
    other = new_user(new_org("GX-O")[0], "general_manager")
    assert "网络默认" in login_as(other.username).get("/d/callbacks/strategy").get_data(as_text=True), \
        "one dealer's refinement is its own"
    bad = gm.post("/d/callbacks/strategy", data={"recent_years": 5, "middle_years": 3})
    assert "0 &lt; 近期 &lt; 中期" in bad.get_data(as_text=True) or "近期" in bad.get_data(as_text=True)
    info = shop["as"]("information_manager")
    start = date.today() - timedelta(days=10)
    resp = info.post("/d/callbacks/plans", data={"title": "本月回访", "starts_on": start.isoformat(),
                                                 "ends_on": (start + timedelta(days=30)).isoformat()})
    assert resp.status_code == 302
    big = _items(in_network, world, shop["customers"]["big"])
    assert sorted(m for _, m, *_ in big) == ["thank_you_party", "visit"] and {g for _, _, g, *_ in big} == {"own_major"}
    assert [m for _, m, *_ in _items(in_network, world, shop["customers"]["recent"])] == ["phone"]
    assert [m for _, m, *_ in _items(in_network, world, shop["customers"]["new"])] == ["phone"]
    assert info.post("/d/callbacks/plans", data={"title": "x", "starts_on": "2026-12-31",
                                                 "ends_on": "2026-12-01"}).status_code == 200
    # restore the network default for other tests
    admin.post("/m/callback-strategy", data={"recent_years": 2, "middle_years": 4,
                                             **{f"m-{g}": m for g, m in DEFAULT_MATRIX.items()}})


def _make_plan(shop, in_network, world):
    info = shop["as"]("information_manager")
    start = date.today() - timedelta(days=20)
    info.post("/d/callbacks/plans", data={"title": "计划", "starts_on": start.isoformat(),
                                          "ends_on": (start + timedelta(days=40)).isoformat()})
    return info


def test_assignment_due_list_and_overdue(shop, in_network, world):
    info = _make_plan(shop, in_network, world)
    new_items = _items(in_network, world, shop["customers"]["new"])
    assert all(a is None for *_, a, _ in new_items), "a customer without a responsible person waits for assignment"
    with in_network(world["networks"]["liuqi"]) as s:
        plan_id = s.get(CallbackItem, new_items[0][0]).plan_id
        sales_id = s.scalar(select(Customer.responsible_id).where(Customer.id == shop["customers"]["big"]))
    info.post(f"/d/callbacks/plans/{plan_id}/bulk", data={"ids": [i for i, *_ in new_items], "assignee_id": sales_id,
                                                           "action": "assign", "responsible": "none"})
    assert {a for *_, a, _ in _items(in_network, world, shop["customers"]["new"])} == {sales_id}
    sales = shop["as"]("sales_manager")
    html = sales.get("/d/callbacks?when=all").get_data(as_text=True)
    assert "新客户甲" in html and "大客户物流" in html
    any_overdue = any(d < date.today() for *_, d in _items(in_network, world, shop["customers"]["big"]))
    assert ("逾期" in html) == any_overdue or "逾期" in html
    assert sales.post(f"/d/callbacks/plans/{plan_id}/bulk", data={"ids": [new_items[0][0]], "action": "assign",
                                                                   "assignee_id": sales_id}).status_code == 403


def test_record_callback_sets_intent_and_opens_an_opportunity(shop, in_network, world):
    _make_plan(shop, in_network, world)
    cid = shop["customers"]["recent"]
    item_id = _items(in_network, world, cid)[0][0]
    sales = shop["as"]("sales_manager")
    resp = sales.post(f"/d/customers/{cid}/callbacks/new?item_id={item_id}", data={
        "method": "phone", "done_on": date.today().isoformat(), "worth_following": "y", "has_intent": "y",
        "when": "6m", "intent_model": "乘龙H5", "intent_quantity": 2, "payment": "mortgage", "steps": ["phone", "needs"]})
    assert resp.status_code == 302
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(Customer, cid).intent_level == 2
        assert s.get(CallbackItem, item_id).status == "done"
        opp = s.scalar(select(Opportunity).where(Opportunity.customer_id == cid))
        assert (opp.model, opp.quantity, opp.intent_level, opp.stage) == ("乘龙H5", 2, 2, "following")
        assert opp.expected_on == date.today() + timedelta(days=180)
    html = shop["as"]("general_manager").get(f"/d/customers/{cid}").get_data(as_text=True)
    assert "电话回访" in html and "2级" in html
    bad = sales.post(f"/d/customers/{cid}/callbacks/new", data={"method": "phone", "done_on": "2999-01-01",
                                                                "has_intent": "y"})
    text = bad.get_data(as_text=True)
    assert "回访日期不能晚于今天" in text and "请选择何时购车" in text


def _opportunity(shop, in_network, world, when="3m"):
    cid = shop["customers"]["big"]
    sales = shop["as"]("sales_manager")
    sales.post(f"/d/customers/{cid}/callbacks/new", data={
        "method": "visit", "done_on": date.today().isoformat(), "worth_following": "y", "has_intent": "y",
        "when": when, "intent_model": "乘龙H7", "intent_quantity": 2})
    with in_network(world["networks"]["liuqi"]) as s:
        return s.scalar(select(Opportunity.id).where(Opportunity.customer_id == cid).order_by(Opportunity.id.desc()))


def test_give_up_needs_a_managers_approval(shop, in_network, world):
    oid = _opportunity(shop, in_network, world)
    sales = shop["as"]("sales_manager")
    sales.post(f"/d/opportunities/{oid}/rounds", data={"held_on": date.today().isoformat(), "objections": "价格偏高",
                                                       "prepared": "金融方案"})
    sales.post(f"/d/opportunities/{oid}/give-up", data={"reason": "客户选择了竞品", "competitor": "中国重汽"})
    assert sales.post(f"/d/opportunities/{oid}/decide", data={"approve": "y"}).status_code == 403
    gm = shop["as"]("general_manager")
    gm.post(f"/d/opportunities/{oid}/decide", data={"approve": "y"})
    with in_network(world["networks"]["liuqi"]) as s:
        opp = s.get(Opportunity, oid)
        assert opp.stage == "lost" and opp.competitor == "中国重汽" and len(opp.rounds) == 1
        assert s.get(Customer, opp.customer_id).intent_level is None, "back to the information base"


def test_win_with_vins_schedules_after_sale_tracking(shop, in_network, world):
    oid = _opportunity(shop, in_network, world)
    sales = shop["as"]("sales_manager")
    html = sales.post(f"/d/opportunities/{oid}/win", data={"contract_on": date.today().isoformat(),
                                                           "vins": "LZZ5BLSJ2HN123456"}, follow_redirects=True)
    assert "校验位不正确" in html.get_data(as_text=True)
    sales.post(f"/d/opportunities/{oid}/win", data={"contract_on": date.today().isoformat(), "amount": "900000",
                                                   "vins": "乘龙H7 LZZ5BLSJ1HN123456\n1M8GDM9AXKP042788"})
    with in_network(world["networks"]["liuqi"]) as s:
        opp = s.get(Opportunity, oid)
        assert opp.stage == "won" and sorted(v.vin for v in opp.vehicles) == ["1M8GDM9AXKP042788", "LZZ5BLSJ1HN123456"]
        customer = s.get(Customer, opp.customer_id)
        assert customer.own_units == 32 and customer.segment == "own_old"
        tasks = s.scalars(select(AfterSaleTask).where(AfterSaleTask.opportunity_id == oid)).all()
        kinds = sorted(t.kind for t in tasks)
        assert kinds == ["delivery", "service_tracking", "service_tracking", "service_tracking", "word_of_mouth"]
        tracking = [t for t in tasks if t.kind == "service_tracking"]
        assert sorted((t.due_on - date.today()).days for t in tracking) == [7, 30, 90]
        service_id = tracking[0].assignee_id
        task_id = tracking[0].id
    service = shop["as"]("service_manager")
    assert "服务跟踪回访" in service.get("/d/tasks").get_data(as_text=True)
    service.post(f"/d/tasks/{task_id}/done", data={"notes": "客户满意"})
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(AfterSaleTask, task_id).status == "done" and service_id is not None
    again = sales.post(f"/d/opportunities/{oid}/win", data={"contract_on": date.today().isoformat(),
                                                           "vins": "1HGCM82633A004352"}, follow_redirects=True)
    assert "该商机已结束" in again.get_data(as_text=True)


def test_calendar_shows_planned_visits(shop):
    info = shop["as"]("information_manager")
    first, last = period_bounds("month", date.today())
    info.post("/d/callbacks/plans", data={"title": "本月计划", "starts_on": first.isoformat(), "ends_on": last.isoformat()})
    html = info.get(f"/d/callbacks/calendar?month={date.today():%Y-%m}").get_data(as_text=True)
    assert 'data-test="calendar"' in html
    linked = {int(i) for i in re.findall(r'href="/d/customers/(\d+)"', html)}
    customers = shop["customers"]
    assert linked == {customers["big"], customers["new"]}, "visits and home callbacks, not the phone calls"
    assert info.get("/d/callbacks/calendar?month=garbage").status_code == 200


def test_merge_keeps_the_duplicates_work_and_intent(shop, in_network, world):
    gm = shop["as"]("general_manager")
    keep, dup = shop["customers"]["new"], shop["customers"]["recent"]
    gm.post(f"/d/customers/{dup}/callbacks/new", data={
        "method": "phone", "done_on": date.today().isoformat(), "worth_following": "y", "has_intent": "y",
        "when": "3m", "intent_model": "乘龙H7", "intent_quantity": 1})
    gm.post(f"/d/customers/{keep}/merge", data={"duplicate_id": dup})
    with in_network(world["networks"]["liuqi"]) as s:
        from tenant_app.models import Callback
        assert s.get(Customer, dup) is None
        assert s.scalar(select(Opportunity.customer_id).where(Opportunity.customer_id.in_((keep, dup)))) == keep
        assert s.scalars(select(Callback.customer_id).where(Callback.customer_id.in_((keep, dup)))).all() == [keep]
        assert s.get(Customer, keep).intent_level == 1


def test_later_callbacks_update_one_opportunity(shop, in_network, world):
    cid = shop["customers"]["big"]
    sales = shop["as"]("sales_manager")
    for when in ("12m", "3m"):
        sales.post(f"/d/customers/{cid}/callbacks/new", data={
            "method": "phone", "done_on": date.today().isoformat(), "worth_following": "y", "has_intent": "y",
            "when": when, "intent_model": "乘龙H7", "intent_quantity": 2})
    sales.post(f"/d/customers/{cid}/callbacks/new", data={"method": "sms", "done_on": date.today().isoformat()})
    with in_network(world["networks"]["liuqi"]) as s:
        opps = s.scalars(select(Opportunity).where(Opportunity.customer_id == cid)).all()
        assert [(o.intent_level, o.stage) for o in opps] == [(1, "following")]
        assert s.get(Customer, cid).intent_level == 1, "a callback without intent leaves the open opportunity's level"


def test_bad_calendar_months_and_cursors_do_not_fail(login_as):
    client = login_as("gx-lz-001.info")
    for month in ("0001-01", "9999-12", "2026-13"):
        assert client.get(f"/d/callbacks/calendar?month={month}").status_code == 200
    import base64
    import json
    for value in ({"a": 1}, [1], "x"):
        cursor = base64.urlsafe_b64encode(json.dumps([["v", value], 5]).encode()).decode().rstrip("=")
        assert client.get(f"/d/customers?sort=heavy&after={cursor}").status_code == 302
    assert client.get("/d/customers?responsible_id=abc&intent_level=99999999999").status_code == 200
