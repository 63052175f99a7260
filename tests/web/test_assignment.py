"""Assignment without the clicking: bulk actions on the ledger and on a plan (the selection across
pages under a filter, never past the policy's scope), even distribution, plans that never plan a
customer and method twice in overlapping periods, plan deletion, the offer to make an assignee
the customer's sales manager, and the set-up checklist."""
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tenant_app.models import AuditEntry, CallbackItem, CallbackPlan, Customer, EventGuest, User
from tenant_app.services.assignment import distribution
from tenant_app.services.callbacks import month_bounds

N_CUSTOMERS = 120  # more than two pages of 50
IN_LIUZHOU = 70    # the filter's matches: more than one page


def make_team(app, world, new_org, new_user, customers=N_CUSTOMERS, kind="dealer", prefix="GX-B"):
    """A dealer with a general manager, an information manager, two sales managers and customers
    without a sales manager: the first IN_LIUZHOU in 柳州, the rest in 桂林; every third long haul."""
    from tenant_app.extensions import db
    from tenant_app.models import Organisation
    from tenant_app.services.ledger import create_customer
    from tenant_app.tenancy import use_network

    code, org_id = new_org(prefix, kind=kind)
    head, keeper, sales = (("general_manager", "information_manager", "sales_manager") if kind == "dealer"
                           else ("manager", "manager", "staff"))
    people = {"head": new_user(code, head), "info": new_user(code, keeper), "sm1": new_user(code, sales),
              "sm2": new_user(code, sales)}
    with app.app_context():
        use_network(db.session, world["networks"]["liuqi"])
        org = db.session.get(Organisation, org_id)
        year = date.today().year
        for i in range(customers):
            create_customer(org, {"name": f"批量测试客户{i:03d}", "region": "广西柳州" if i < IN_LIUZHOU else "广西桂林",
                                  "transport_type": "long_haul" if i % 3 == 0 else "earthwork"},
                            [{"brand": "乘龙", "quantity": 2, "heavy": True, "since": year - 1}] if i % 2 else [])
        db.session.commit()
        db.session.remove()
    return Team(code, org_id, people)


@dataclass
class Team:
    code: str
    org_id: int
    people: dict

    def id(self, who):
        return self.people[who].id


@pytest.fixture
def team(app, world, new_org, new_user):
    return make_team(app, world, new_org, new_user)


def _customers(in_network, world, org_id):
    with in_network(world["networks"]["liuqi"]) as s:
        return {c.id: (c.name, c.region, c.transport_type, c.responsible_id)
                for c in s.scalars(select(Customer).where(Customer.org_id == org_id))}


def _bulk(client, url="/d/customers/bulk", **data):
    return client.post(url, data=data)


def _month():
    return month_bounds(date.today())


def _generate(client, start, end, title="本月回访", prefix="/d"):
    return client.post(f"{prefix}/callbacks/plans", data={"title": title, "starts_on": start.isoformat(),
                                                          "ends_on": end.isoformat()}, follow_redirects=True)


def _plan_items(in_network, world, plan_id):
    with in_network(world["networks"]["liuqi"]) as s:
        return [(i.id, i.customer_id, i.method, i.assignee_id, i.status)
                for i in s.scalars(select(CallbackItem).where(CallbackItem.plan_id == plan_id))]


def _plans(in_network, world, org_id):
    with in_network(world["networks"]["liuqi"]) as s:
        return s.scalars(select(CallbackPlan.id).where(CallbackPlan.org_id == org_id).order_by(CallbackPlan.id)).all()


# --- distribution, without a database ---------------------------------------------------------
@dataclass
class P:
    id: int
    name: str = ""


@dataclass
class C:
    id: int
    name: str
    region: str = ""
    transport_type: str = ""


def test_round_robin_is_even_and_deterministic():
    people = [P(1), P(2), P(3)]
    customers = [C(i, f"客户{i:02d}") for i in range(10)]
    chosen = distribution(customers, people, "round_robin")
    counts = sorted(sum(1 for p in chosen.values() if p.id == q.id) for q in people)
    assert counts == [3, 3, 4]
    assert distribution(list(reversed(customers)), people, "round_robin") == chosen, "the same whatever the order"


def test_a_rule_keeps_each_value_with_one_person_as_evenly_as_it_can():
    people = [P(1), P(2)]
    customers = ([C(i, f"a{i}", region="柳州") for i in range(6)] + [C(10 + i, f"b{i}", region="桂林") for i in range(4)]
                 + [C(20 + i, f"c{i}", region="南宁") for i in range(3)] + [C(30, "d", region="")])
    chosen = distribution(customers, people, "region")
    by_region = {}
    for c in customers:
        by_region.setdefault(c.region, set()).add(chosen[c.id].id)
    assert all(len(v) == 1 for v in by_region.values()), "one region, one person"
    load = sorted(sum(1 for p in chosen.values() if p.id == q.id) for q in people)
    assert load == [7, 7], "柳州 6 + blank 1 against 桂林 4 + 南宁 3"
    tt = distribution([C(i, f"x{i}", transport_type="long_haul" if i < 3 else "earthwork") for i in range(5)],
                      people, "transport_type")
    assert len({tt[i].id for i in range(3)}) == 1 and len({tt[i].id for i in range(3, 5)}) == 1


def test_distribution_needs_people_and_a_rule():
    from tenant_app.services.assignment import AssignmentError
    with pytest.raises(AssignmentError):
        distribution([C(1, "a")], [], "round_robin")
    with pytest.raises(AssignmentError):
        distribution([C(1, "a")], [P(1)], "by_astrology")


# --- the ledger's bulk actions ----------------------------------------------------------------
def test_select_all_matching_across_pages(team, login_as, in_network, world):
    info = login_as(team.people["info"].username)
    page = info.get("/d/customers?region=柳州").get_data(as_text=True)
    assert f"全部符合筛选条件的 {IN_LIUZHOU} 行" in page and "本页 50 行" in page
    assert 'data-test="next"' in page, "the filter's matches span two pages"
    resp = _bulk(info, selection="all", region="柳州", action="assign", assignee_id=team.id("sm1"))
    assert resp.status_code == 302 and "region=" in resp.location, "back to the same filter"
    rows = _customers(in_network, world, team.org_id)
    assert sum(1 for *_, r in rows.values() if r == team.id("sm1")) == IN_LIUZHOU
    assert all(r == team.id("sm1") for _, region, _, r in rows.values() if "柳州" in region)
    assert all(r is None for _, region, _, r in rows.values() if "桂林" in region)
    with in_network(world["networks"]["liuqi"]) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "bulk_assign",
                                                  AuditEntry.subject_org_id == team.org_id))
        assert entry.changes["customers"] == IN_LIUZHOU and entry.username == team.people["info"].username
        per_row = s.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.object_type == "Customer", AuditEntry.action == "update",
            AuditEntry.object_id.in_(list(rows))))
        assert per_row == IN_LIUZHOU, "every changed customer has its own entry too"


def test_ticked_rows_and_the_page_and_the_cursor_kept(team, login_as, in_network, world):
    info = login_as(team.people["info"].username)
    html = info.get("/d/customers").get_data(as_text=True)
    after = re.search(r'href="[^"]*after=([^"&]+)[^"]*" data-test="next"', html).group(1)
    second = info.get(f"/d/customers?after={after}").get_data(as_text=True)
    page_ids = [int(i) for i in re.findall(r'name="page_ids" value="(\d+)"', second)]
    assert len(page_ids) == 50
    resp = _bulk(info, selection="page", page_ids=page_ids, after=after, action="assign", assignee_id=team.id("sm2"),
                 ids=page_ids[:1])
    assert resp.location.endswith(f"after={after}"), "back to the same page"
    rows = _customers(in_network, world, team.org_id)
    assert {c for c, (*_, r) in rows.items() if r == team.id("sm2")} == set(page_ids)
    _bulk(info, selection="checked", ids=page_ids[:3], page_ids=page_ids, action="assign", assignee_id=team.id("sm1"))
    rows = _customers(in_network, world, team.org_id)
    assert {c for c, (*_, r) in rows.items() if r == team.id("sm1")} == set(page_ids[:3])
    text = info.post("/d/customers/bulk", data={"selection": "checked", "action": "assign",
                                                "assignee_id": team.id("sm1")}, follow_redirects=True)
    assert "没有选中任何客户" in text.get_data(as_text=True)


def test_distribute_round_robin_and_by_region(team, login_as, in_network, world):
    info = login_as(team.people["info"].username)
    sm1, sm2 = team.id("sm1"), team.id("sm2")
    resp = info.post("/d/customers/bulk", data={"selection": "all", "responsible_id": "none", "action": "distribute",
                                                "people": [sm1, sm2], "rule": "round_robin"}, follow_redirects=True)
    assert f"已分配 {N_CUSTOMERS} 位客户" in resp.get_data(as_text=True)
    rows = _customers(in_network, world, team.org_id)
    assert sorted(sum(1 for *_, r in rows.values() if r == p) for p in (sm1, sm2)) == [60, 60]
    _bulk(info, selection="all", action="distribute", people=[sm1, sm2], rule="region")
    rows = _customers(in_network, world, team.org_id)
    by_region = {}
    for _, region, _, r in rows.values():
        by_region.setdefault(region, set()).add(r)
    assert sorted(len(v) for v in by_region.values()) == [1, 1] and by_region["广西柳州"] != by_region["广西桂林"]
    _bulk(info, selection="all", action="distribute", people=[sm1, sm2], rule="transport_type")
    rows = _customers(in_network, world, team.org_id)
    assert len({r for _, _, t, r in rows.values() if t == "long_haul"}) == 1
    sales = login_as(team.people["sm1"].username)
    assert _bulk(sales, selection="all", action="assign", assignee_id=sm1).status_code == 403, "keepers only"


def test_a_filter_or_forged_ids_never_reach_another_dealer(team, login_as, in_network, world):
    info = login_as(team.people["info"].username)
    other_org = world["orgs"][("liuqi", "GX-LZ-001")]["id"]
    other_net = world["orgs"][("demo2", "SD-JN-001")]["id"]
    with in_network(world["networks"]["liuqi"]) as s:
        foreign = s.scalars(select(Customer.id).where(Customer.org_id == other_org).limit(5)).all()
        foreign_names = s.scalars(select(Customer.name).where(Customer.id.in_(foreign))).all()
        foreign_user = s.scalar(select(Customer.responsible_id).where(Customer.org_id == other_org,
                                                                     Customer.responsible_id.is_not(None)))
        assert foreign_user is not None
        foreign_plan_items = s.scalars(select(CallbackItem.id).where(CallbackItem.org_id == other_org).limit(5)).all()
    with in_network(world["networks"]["demo2"]) as s:
        far = s.scalars(select(Customer.id).where(Customer.org_id == other_net).limit(5)).all()
    before = {**_customers(in_network, world, other_org)}
    own = next(iter(_customers(in_network, world, team.org_id)))
    for data in ({"selection": "checked", "ids": foreign + far + [own]},
                 {"selection": "page", "page_ids": foreign + far},
                 {"selection": "all", "responsible_id": foreign_user},
                 {"selection": "all", "q": foreign_names[0], "responsible_id": foreign_user}):
        for action in ({"action": "assign", "assignee_id": team.id("sm1")},
                       {"action": "distribute", "people": [team.id("sm1"), team.id("sm2")]}):
            _bulk(info, **data, **action)
        export = _bulk(info, **data, action="export")
        if export.mimetype.endswith("sheet"):
            wb = load_workbook(io.BytesIO(export.data), read_only=True)
            cells = {str(v) for ws in wb for r in ws.iter_rows(values_only=True) for v in r if v is not None}
            assert not cells & set(foreign_names)
    assert _customers(in_network, world, other_org) == before
    assert _customers(in_network, world, team.org_id)[own][3] == team.id("sm1"), "the own id among them was reached"
    with in_network(world["networks"]["demo2"]) as s:
        assert all(s.get(Customer, i).responsible_id not in (team.id("sm1"), team.id("sm2")) for i in far)
    # someone else's person is no assignee, another dealer's event no invitation
    _bulk(info, selection="all", action="assign", assignee_id=foreign_user)
    assert all(r != foreign_user for *_, r in _customers(in_network, world, team.org_id).values())
    other_event = next(i for i, net, org in world["records"]["event"] if net == "liuqi" and org != team.org_id)
    assert _bulk(info, selection="all", action="invite", event_id=other_event).status_code == 404
    with in_network(world["networks"]["liuqi"]) as s:
        assert not s.scalar(select(func.count(EventGuest.id)).where(EventGuest.event_id == other_event,
                                                                   EventGuest.org_id == team.org_id))
        other_plan = s.scalar(select(CallbackPlan.id).where(CallbackPlan.org_id == other_org))
        items_before = s.execute(select(CallbackItem.id, CallbackItem.assignee_id)
                                 .where(CallbackItem.id.in_(foreign_plan_items))).all()
    assert _bulk(info, f"/d/callbacks/plans/{other_plan}/bulk", selection="all", action="assign",
                 assignee_id=team.id("sm1")).status_code == 404, "another dealer's plan"
    _generate(info, *_month())
    mine = _plans(in_network, world, team.org_id)[-1]
    _bulk(info, f"/d/callbacks/plans/{mine}/bulk", selection="checked", ids=foreign_plan_items, action="assign",
          assignee_id=team.id("sm1"))
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.execute(select(CallbackItem.id, CallbackItem.assignee_id)
                         .where(CallbackItem.id.in_(foreign_plan_items))).all() == items_before


def test_bulk_export_and_invite(team, login_as, in_network, world):
    info = login_as(team.people["info"].username)
    resp = _bulk(info, selection="all", region="桂林", action="export")
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(resp.data), read_only=True)
    names = {v for ws in wb for r in ws.iter_rows(values_only=True) for v in r if isinstance(v, str) and "批量测试客户" in v}
    assert len(names) == N_CUSTOMERS - IN_LIUZHOU
    gm = login_as(team.people["head"].username)
    made = gm.post("/d/events", data={"kind": "thanks", "title": "答谢会", "place": "柳州",
                                      "held_on": (date.today() + timedelta(days=9)).isoformat()})
    event_id = int(made.location.rsplit("/", 1)[1])
    assert "答谢会" in info.get("/d/customers").get_data(as_text=True), "the organisation's coming events are offered"
    resp = info.post("/d/customers/bulk", data={"selection": "all", "region": "桂林", "action": "invite",
                                                "event_id": event_id}, follow_redirects=True)
    assert f"已邀请 {N_CUSTOMERS - IN_LIUZHOU} 位客户" in resp.get_data(as_text=True)
    again = info.post("/d/customers/bulk", data={"selection": "all", "action": "invite", "event_id": event_id},
                      follow_redirects=True)
    assert f"已邀请 {IN_LIUZHOU} 位客户" in again.get_data(as_text=True), "those invited already are not again"
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(func.count(EventGuest.id)).where(EventGuest.event_id == event_id)) == N_CUSTOMERS
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "export",
                                                               AuditEntry.subject_org_id == team.org_id)) == 1


def test_an_action_is_all_or_nothing(team, login_as, in_network, world, app):
    """A failure half-way (here the event's guest limit) leaves nothing behind."""
    from tenant_app.services import events
    info = login_as(team.people["info"].username)
    gm = login_as(team.people["head"].username)
    made = gm.post("/d/events", data={"kind": "thanks", "title": "小型答谢会",
                                      "held_on": (date.today() + timedelta(days=3)).isoformat(), "place": "柳州"})
    event_id = int(made.location.rsplit("/", 1)[1])
    limit = events.MAX_GUESTS
    events.MAX_GUESTS = 100
    try:
        resp = info.post("/d/customers/bulk", data={"selection": "all", "action": "invite", "event_id": event_id},
                         follow_redirects=True)
    finally:
        events.MAX_GUESTS = limit
    assert "最多邀请 100 位客户" in resp.get_data(as_text=True)
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(func.count(EventGuest.id)).where(EventGuest.event_id == event_id)) == 0


# --- plans ------------------------------------------------------------------------------------
def test_the_form_opens_on_the_current_month(team, login_as):
    first, last = _month()
    html = login_as(team.people["info"].username).get("/d/callbacks/plans").get_data(as_text=True)
    assert f'value="{first.isoformat()}"' in html and f'value="{last.isoformat()}"' in html
    assert f"{first.year}年{first.month}月回访计划" in html


def test_generating_assigns_to_the_customers_sales_manager(team, login_as, in_network, world, app):
    from tenant_app.extensions import db
    from tenant_app.tenancy import use_network
    info = login_as(team.people["info"].username)
    _bulk(info, selection="all", region="柳州", action="assign", assignee_id=team.id("sm1"))
    with app.app_context():  # a suspended sales manager's customers wait for someone
        use_network(db.session, world["networks"]["liuqi"])
        c = db.session.scalars(select(Customer).where(Customer.org_id == team.org_id,
                                                      Customer.region == "广西桂林")).first()
        c.responsible_id = team.id("sm2")
        db.session.get(User, team.id("sm2")).status = "suspended"
        db.session.commit()
        suspended_customer = c.id
        db.session.remove()
    html = _generate(info, *_month()).get_data(as_text=True)
    items = _plan_items(in_network, world, _plans(in_network, world, team.org_id)[-1])
    rows = _customers(in_network, world, team.org_id)
    assigned = [i for i in items if i[3] is not None]
    assert assigned and all(a == team.id("sm1") and "柳州" in rows[c][1] for _, c, _, a, _ in assigned)
    assert all(a is None for _, c, _, a, _ in items if "桂林" in rows[c][1])
    assert any(c == suspended_customer for _, c, *_ in items)
    assert f"其中 {len(assigned)} 项已分配给客户的负责业务经理" in html


def test_overlapping_plans_never_repeat_an_item(team, login_as, in_network, world, app):
    from tenant_app.extensions import db
    from tenant_app.models import Organisation
    from tenant_app.services.ledger import create_customer
    from tenant_app.tenancy import use_network
    info = login_as(team.people["info"].username)
    first, last = _month()
    _generate(info, first, last, title="第一份")
    plans = _plans(in_network, world, team.org_id)
    count = len(_plan_items(in_network, world, plans[0]))
    again = _generate(info, first, last, title="第二份").get_data(as_text=True)
    assert "重叠" in again and "第一份" in again and "未生成新计划" in again
    assert _plans(in_network, world, team.org_id) == plans, "the same month twice makes no second plan"
    with app.app_context():
        use_network(db.session, world["networks"]["liuqi"])
        create_customer(db.session.get(Organisation, team.org_id), {"name": "后来的客户"})
        db.session.commit()
        db.session.remove()
    html = _generate(info, first + timedelta(days=10), last + timedelta(days=10), title="跨月").get_data(as_text=True)
    plans2 = _plans(in_network, world, team.org_id)
    assert len(plans2) == 2
    new_items = _plan_items(in_network, world, plans2[-1])
    rows = _customers(in_network, world, team.org_id)
    assert {rows[c][0] for _, c, *_ in new_items} == {"后来的客户"}
    assert f"跳过 {count} 项" in html and "第一份" in html
    with in_network(world["networks"]["liuqi"]) as s:
        pairs = s.execute(select(CallbackItem.customer_id, CallbackItem.method, func.count())
                          .where(CallbackItem.org_id == team.org_id)
                          .group_by(CallbackItem.customer_id, CallbackItem.method)).all()
        assert all(n == 1 for *_, n in pairs)
    later = _generate(info, last + timedelta(days=11), last + timedelta(days=40), title="下一期")
    assert len(_plan_items(in_network, world, _plans(in_network, world, team.org_id)[-1])) == count + len(new_items), \
        "a period that overlaps nothing plans everyone again"
    assert later.status_code == 200


def test_plan_deletion_rules(team, login_as, in_network, world):
    info = login_as(team.people["info"].username)
    _generate(info, *_month())
    plan_id = _plans(in_network, world, team.org_id)[-1]
    n = len(_plan_items(in_network, world, plan_id))
    confirm = info.get(f"/d/callbacks/plans/{plan_id}/delete")
    assert confirm.status_code == 200 and "确认删除" in confirm.get_data(as_text=True) and f"{n} 项回访" in \
        confirm.get_data(as_text=True)
    assert plan_id in _plans(in_network, world, team.org_id), "asking to confirm deletes nothing"
    sales = login_as(team.people["sm1"].username)
    assert sales.post(f"/d/callbacks/plans/{plan_id}/delete").status_code == 403
    resp = info.post(f"/d/callbacks/plans/{plan_id}/delete", follow_redirects=True)
    assert "已删除回访计划" in resp.get_data(as_text=True)
    assert _plans(in_network, world, team.org_id) == []
    with in_network(world["networks"]["liuqi"]) as s:
        deleted = s.execute(select(AuditEntry.object_type, func.count()).where(
            AuditEntry.action == "delete", AuditEntry.subject_org_id == team.org_id)
            .group_by(AuditEntry.object_type)).all()
        assert dict(deleted) == {"CallbackPlan": 1, "CallbackItem": n}
    # a plan with a callback done stays
    _generate(info, *_month())
    plan_id = _plans(in_network, world, team.org_id)[-1]
    item_id, customer_id, method, *_ = _plan_items(in_network, world, plan_id)[0]
    info.post(f"/d/customers/{customer_id}/callbacks/new?item_id={item_id}",
              data={"method": method, "done_on": date.today().isoformat()})
    assert "不能删除" in info.get(f"/d/callbacks/plans/{plan_id}/delete").get_data(as_text=True)
    resp = info.post(f"/d/callbacks/plans/{plan_id}/delete", follow_redirects=True)
    assert "不能删除" in resp.get_data(as_text=True)
    assert _plans(in_network, world, team.org_id) == [plan_id]


def test_assigning_items_offers_the_customers_sales_manager(team, login_as, in_network, world):
    info = login_as(team.people["info"].username)
    sm1, sm2 = team.id("sm1"), team.id("sm2")
    _bulk(info, selection="all", region="柳州", action="assign", assignee_id=sm1)
    first, last = _month()
    _generate(info, first, last)
    plan_id = _plans(in_network, world, team.org_id)[-1]
    page = info.get(f"/d/callbacks/plans/{plan_id}?assignee=none").get_data(as_text=True)
    unassigned = [i for i in _plan_items(in_network, world, plan_id) if i[3] is None]
    assert f"全部符合筛选条件的 {len(unassigned)} 行" in page and 'name="responsible" value="unassigned" checked' in page
    # the default: customers without a sales manager get the assignee as theirs; others keep theirs
    resp = info.post(f"/d/callbacks/plans/{plan_id}/bulk", data={
        "selection": "all", "assignee": "none", "action": "assign", "assignee_id": sm2, "responsible": "unassigned"})
    assert resp.location.endswith(f"/d/callbacks/plans/{plan_id}?assignee=none")
    rows = _customers(in_network, world, team.org_id)
    assert all(r == sm2 for _, region, _, r in rows.values() if "桂林" in region)
    assert all(r == sm1 for _, region, _, r in rows.values() if "柳州" in region)
    # reassigning the 柳州 items without changing their customers, then with
    liuzhou = [i for i, c, _, _, _ in _plan_items(in_network, world, plan_id) if "柳州" in rows[c][1]]
    _bulk(info, f"/d/callbacks/plans/{plan_id}/bulk", selection="checked", ids=liuzhou[:4], action="assign",
          assignee_id=sm2, responsible="none")
    assert all(r == sm1 for _, region, _, r in _customers(in_network, world, team.org_id).values() if "柳州" in region)
    assert {a for i, _, _, a, _ in _plan_items(in_network, world, plan_id) if i in liuzhou[:4]} == {sm2}
    _bulk(info, f"/d/callbacks/plans/{plan_id}/bulk", selection="checked", ids=liuzhou[:4], action="assign",
          assignee_id=sm2, responsible="all")
    changed = {c for i, c, *_ in _plan_items(in_network, world, plan_id) if i in liuzhou[:4]}
    assert all(_customers(in_network, world, team.org_id)[c][3] == sm2 for c in changed)
    # so the next plan is assigned from the start
    html = _generate(info, last + timedelta(days=1), last + timedelta(days=30), title="下月").get_data(as_text=True)
    nxt = _plan_items(in_network, world, _plans(in_network, world, team.org_id)[-1])
    assert nxt and all(a is not None for *_, a, _ in nxt) and "未分配 0 项" in html


def test_distributing_a_plan_keeps_a_customers_items_together(team, login_as, in_network, world):
    info = login_as(team.people["info"].username)
    _generate(info, *_month())
    plan_id = _plans(in_network, world, team.org_id)[-1]
    resp = info.post(f"/d/callbacks/plans/{plan_id}/bulk", data={
        "selection": "all", "action": "distribute", "people": [team.id("sm1"), team.id("sm2")], "rule": "round_robin"},
        follow_redirects=True)
    assert "同时设为所分配的人员" in resp.get_data(as_text=True)
    items = _plan_items(in_network, world, plan_id)
    per_customer = {}
    for _, c, _, a, _ in items:
        per_customer.setdefault(c, set()).add(a)
    assert all(len(v) == 1 for v in per_customer.values())
    counts = sorted(sum(1 for v in per_customer.values() if v == {p}) for p in (team.id("sm1"), team.id("sm2")))
    assert counts == [N_CUSTOMERS // 2] * 2
    rows = _customers(in_network, world, team.org_id)
    assert all(rows[c][3] == next(iter(v)) for c, v in per_customer.items())


def test_plan_page_filters_and_the_plan_list_counts(team, login_as, in_network, world):
    info = login_as(team.people["info"].username)
    _bulk(info, selection="all", region="柳州", action="assign", assignee_id=team.id("sm1"))
    _generate(info, *_month())
    plan_id = _plans(in_network, world, team.org_id)[-1]
    items = _plan_items(in_network, world, plan_id)
    unassigned = sum(1 for *_, a, _ in items if a is None)

    def shown(query):
        html = info.get(f"/d/callbacks/plans/{plan_id}?{query}").get_data(as_text=True)
        return int(re.search(r"共 (\d+) 条", html).group(1)) if "共 " in html else 0

    assert shown("assignee=none") == unassigned
    assert shown(f"assignee={team.id('sm1')}") == len(items) - unassigned
    assert shown("method=phone") == sum(1 for _, _, m, *_ in items if m == "phone")
    with in_network(world["networks"]["liuqi"]) as s:
        groups = s.execute(select(CallbackItem.group, func.count()).where(CallbackItem.plan_id == plan_id)
                           .group_by(CallbackItem.group)).all()
    group, n = groups[0]
    assert shown(f"group={group}") == n
    assert shown("method=phone&assignee=none") == sum(1 for _, _, m, a, _ in items if m == "phone" and a is None)
    assert shown("assignee=garbage&method=flying") == len(items), "an unknown value is no filter"
    html = info.get("/d/callbacks/plans").get_data(as_text=True)
    row = re.search(rf'data-test="plan-{plan_id}">(.*?)</tr>', html, re.S).group(1)
    assert re.search(rf'data-test="assigned">{len(items) - unassigned}<', row)
    assert re.search(rf'data-test="unassigned"><a [^>]*>{unassigned}</a>', row)


# --- the set-up checklist ---------------------------------------------------------------------
def _steps(client, prefix="/d"):
    html = client.get(f"{prefix}/").get_data(as_text=True)
    return dict(re.findall(r'data-test="step-(\w+)" data-done="(\w+)"', html))


def test_the_checklist_ticks_itself_and_goes_away(app, world, login_as, new_org, new_user, in_network):
    empty = new_org("GX-N")[0]
    info = login_as(new_user(empty, "information_manager").username)
    assert _steps(info) == {"ledger": "no", "unknown_values": "no", "distribute": "no", "plan": "no", "assign": "no"}
    assert 'href="/d/customers/import"' in info.get("/d/").get_data(as_text=True)
    sales = login_as(new_user(empty, "sales_manager").username)
    assert _steps(sales) == {}, "for whoever keeps the ledger"
    team = make_team(app, world, new_org, new_user, customers=12)
    info = login_as(team.people["info"].username)
    assert _steps(info) == {"ledger": "yes", "unknown_values": "yes", "distribute": "no", "plan": "no", "assign": "no"}
    html = info.get("/d/").get_data(as_text=True)
    assert "12 位客户还没有负责业务经理" in html and 'href="/d/customers?responsible_id=none#bulk"' in html
    _bulk(info, selection="all", responsible_id="none", action="distribute", people=[team.id("sm1"), team.id("sm2")],
          rule="round_robin")
    assert _steps(info)["distribute"] == "yes"
    _generate(info, *_month())
    assert "step-" not in info.get("/d/").get_data(as_text=True), "every item assigned: the checklist is gone"


def test_a_body_builder_has_the_same_path(app, world, login_as, new_org, new_user, in_network):
    team = make_team(app, world, new_org, new_user, customers=8, kind="bodybuilder", prefix="BB-B")
    manager = login_as(team.people["info"].username)
    assert _steps(manager, "/b")["distribute"] == "no"
    resp = manager.post("/b/customers/bulk", data={"selection": "all", "action": "distribute",
                                                   "people": [team.id("sm1"), team.id("sm2")]})
    assert resp.location.startswith("/b/customers")
    _generate(manager, *_month(), prefix="/b")
    assert "step-" not in manager.get("/b/").get_data(as_text=True)


def test_the_import_job_page_and_the_lists_offer_the_next_step(team, login_as, app, world):
    from tenant_app.extensions import db
    from tenant_app.models import JobRecord
    from tenant_app.tenancy import use_network
    with app.app_context():
        use_network(db.session, world["networks"]["liuqi"])
        job = JobRecord(network_id=world["networks"]["liuqi"], org_id=team.org_id, created_by_id=team.id("info"),
                        kind="ledger_import", status="done", params={"filename": "台帐.xlsx"},
                        result={"imported": N_CUSTOMERS})
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        db.session.remove()
    info = login_as(team.people["info"].username)
    html = info.get(f"/d/customers/import/{job_id}").get_data(as_text=True)
    assert 'data-test="next-step"' in html and 'data-test="go-distribute"' in html
    assert 'data-test="setup-hint"' not in info.get("/d/customers").get_data(as_text=True), "the ledger is the step"
    _bulk(info, selection="all", action="distribute", people=[team.id("sm1")])
    assert 'data-test="hint-plan"' in info.get("/d/customers").get_data(as_text=True)
    assert 'data-test="setup-hint"' not in info.get("/d/callbacks/plans").get_data(as_text=True)


def test_a_large_ledgers_plan_is_generated_by_a_job(team, login_as, in_network, world, app, monkeypatch):
    """Over PLAN_INLINE_CUSTOMERS the plan is a job (inline in tests) whose page follows it to the plan;
    the same items as the request would make, written in bulk, with one audit entry for the plan."""
    from tenant_app.models import JobRecord
    monkeypatch.setitem(app.config, "PLAN_INLINE_CUSTOMERS", N_CUSTOMERS - 1)
    info = login_as(team.people["info"].username)
    first, last = _month()
    resp = info.post("/d/callbacks/plans", data={"title": "大台帐计划", "starts_on": first.isoformat(),
                                                 "ends_on": last.isoformat()})
    assert "/callbacks/plans/jobs/" in resp.headers["Location"]
    job_url = resp.headers["Location"]
    page = info.get(job_url, follow_redirects=True).get_data(as_text=True)
    assert "已生成回访计划" in page and "大台帐计划" in page
    (plan_id,) = _plans(in_network, world, team.org_id)
    items = _plan_items(in_network, world, plan_id)
    with in_network(world["networks"]["liuqi"]) as s:
        job = s.scalar(select(JobRecord).where(JobRecord.org_id == team.org_id, JobRecord.kind == "callback_plan"))
        assert job.status == "done" and job.progress == 100 and job.result["created"] == len(items) > N_CUSTOMERS
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "generate_plan",
                                                     AuditEntry.object_id == plan_id)).all()
        assert len(entries) == 1 and entries[0].user_id == team.id("info") and f"{len(items)} items" in entries[0].summary
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.object_type == "CallbackItem",
                                                                AuditEntry.summary.contains(str(plan_id)))) == 0
    assert all(status == "planned" for *_, status in items) and len({(c, m) for _, c, m, *_ in items}) == len(items)
    again = info.post("/d/callbacks/plans", data={"title": "再来一份", "starts_on": first.isoformat(),
                                                  "ends_on": last.isoformat()}, follow_redirects=True)
    assert "未生成新计划" in again.get_data(as_text=True), "the job's refusal is shown on its page"
    assert _plans(in_network, world, team.org_id) == [plan_id]
    other = login_as("gx-lz-001.info")
    assert other.get(job_url).status_code == 404, "another dealer never sees the job"
