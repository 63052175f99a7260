"""The due list opens on today and overdue (today first), with the count; the coming week and
every planned item a tap away."""
import re
from datetime import date, timedelta

from sqlalchemy import update

from tenant_app.models import CallbackItem
from tests import factories

TODAY = date.today()


def test_the_due_list_opens_on_today_and_overdue_with_the_count(build, login_as):
    with build() as s:
        shop = factories.org("dealer")
        sales, info = factories.user(shop, "sales_manager"), factories.user(shop, "information_manager")
        days = {"今天的客户": 0, "逾期的客户": -3, "三天后的客户": 3, "下月的客户": 20}
        made = {name: factories.customer(shop, name) for name in days}
        plan = factories.plan(shop, info, starts_on=TODAY - timedelta(days=5), days=30)
        for name, offset in days.items():
            s.execute(update(CallbackItem).where(CallbackItem.plan_id == plan.id,
                                                 CallbackItem.customer_id == made[name].id)
                      .values(assignee_id=sales.id, due_on=TODAY + timedelta(days=offset)))
        user = sales.username
    client = login_as(user)
    html = client.get("/d/callbacks").get_data(as_text=True)
    due = re.findall(r'card-title-cell"[^>]*><a [^>]*>([^<]+)</a>', html)
    names = [n for n in due if n in days]
    assert names[0] == "今天的客户" and "逾期的客户" in names and "三天后的客户" not in names
    assert re.search(r'data-test="due-now">(\d+)<', html).group(1) == str(len(due))
    week = client.get("/d/callbacks?when=week").get_data(as_text=True)
    assert "三天后的客户" in week and "下月的客户" not in week
    every = client.get("/d/callbacks?when=all").get_data(as_text=True)
    assert all(name in every for name in days)
    assert "逾期的客户" in client.get("/d/callbacks?overdue=1").get_data(as_text=True)
    assert "今天的客户" not in client.get("/d/callbacks?overdue=1").get_data(as_text=True)
