"""Marketing events: organise, invite from the own ledger, attendance, leads, deals and
expenses that came from them, and the customer's timeline."""
import re
from datetime import date, timedelta

from sqlalchemy import select

from tenant_app.models import Customer, EventGuest, Expense, Opportunity
from tests import factories


def _text(resp) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))


def test_an_event_from_invitations_to_its_results(login_as, world, in_network, build):
    with build():
        shop, other = factories.org("dealer"), factories.org("dealer", city="南宁")
        gm, sales = factories.user(shop, "general_manager"), factories.user(shop, "sales_manager")
        customers = [factories.customer(shop, fleet=[("乘龙", 2)]) for _ in range(3)]
        factories.customer(other)
        factories.won(factories.opportunity(customers[0], sales))
        factories.expense(shop, sales, 1200)
        org_id, other_org, gm = shop.id, other.id, gm.username
    net = world["networks"]["liuqi"]
    gm = login_as(gm)
    held = (date.today() - timedelta(days=1)).isoformat()
    resp = gm.post("/d/events", data={"kind": "thanks", "title": "老客户答谢会", "held_on": held, "place": "柳州饭店",
                                      "budget": "20000"})
    event_id = int(resp.location.rsplit("/", 1)[1])
    with in_network(net) as s:
        mine = s.scalars(select(Customer.id).where(Customer.org_id == org_id).order_by(Customer.id).limit(3)).all()
        theirs = s.scalar(select(Customer.id).where(Customer.org_id == other_org).limit(1))
        opp = s.scalar(select(Opportunity).where(Opportunity.org_id == org_id, Opportunity.stage == "won"))
        expense = s.scalar(select(Expense).where(Expense.org_id == org_id, Expense.status != "rejected"))
        opp_id, expense_id, customer_name = opp.id, expense.id, s.get(Customer, mine[0]).name
    bad = gm.post(f"/d/events/{event_id}/guests", data={"customer_id": [mine[0], theirs]}, follow_redirects=True)
    assert "只能邀请本机构台帐中的客户" in _text(bad)
    gm.post(f"/d/events/{event_id}/guests", data={"customer_id": mine})
    gm.post(f"/d/events/{event_id}/guests", data={"customer_id": mine[:1]})  # twice: still one invitation
    gm.post(f"/d/events/{event_id}/attendance", data={"attended": mine[:2]})
    gm.post(f"/d/opportunities/{opp_id}/event", data={"event_id": event_id})
    gm.post(f"/d/expenses/{expense_id}/event", data={"event_id": event_id, "back_event": event_id})
    with in_network(net) as s:
        guests = s.scalars(select(EventGuest).where(EventGuest.event_id == event_id)).all()
        assert sorted((g.customer_id, g.attended) for g in guests) == [(mine[0], True), (mine[1], True),
                                                                       (mine[2], False)]
        amount = float(s.get(Expense, expense_id).amount)
    page = gm.get(f"/d/events/{event_id}").get_data(as_text=True)
    for key, value in (("invited", 3), ("attended", 2), ("leads", 1), ("deals", 1)):
        assert re.search(rf'data-test="{key}">{value}<', page), key
    assert f"{amount:.2f} / 20000.00" in page
    assert "老客户答谢会" in _text(gm.get(f"/d/customers/{mine[0]}")), "on the customer's timeline"
    assert customer_name in _text(gm.get(f"/d/events/{event_id}"))


def test_who_may_organise_and_see_events(login_as, world, in_network, build):
    with build():
        shop, other = factories.org("dealer"), factories.org("dealer", city="南宁")
        gm, sales = factories.user(shop, "general_manager"), factories.user(shop, "sales_manager")
        other_gm = factories.user(other, "general_manager")
        theirs = factories.opportunity(factories.customer(other), other_gm).id
        gm, sales, other_gm = gm.username, sales.username, other_gm.username
    gm = login_as(gm)
    future = (date.today() + timedelta(days=10)).isoformat()
    resp = gm.post("/d/events", data={"kind": "roadshow", "title": "新车巡展", "held_on": future})
    event_id = int(resp.location.rsplit("/", 1)[1])
    attendance = gm.post(f"/d/events/{event_id}/attendance", data={}, follow_redirects=True)
    assert "活动尚未举行" in _text(attendance)
    assert login_as(sales).post("/d/events", data={"kind": "roadshow", "title": "x",
                                                   "held_on": future}).status_code == 403
    assert "新车巡展" in _text(login_as(sales).get("/d/events"))
    assert login_as(other_gm).get(f"/d/events/{event_id}").status_code == 404
    login_as(other_gm).post(f"/d/opportunities/{theirs}/event", data={"event_id": event_id})
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(Opportunity, theirs).event_id is None, "another dealer's event cannot be named"
