"""Targets per dealer and period: set by the manufacturer, seen with progress by the dealer."""
import re
from datetime import date

from sqlalchemy import func, select

from tenant_app.models import Callback, Target
from tenant_app.services.targets import period_bounds, set_target
from tests import factories


def test_period_bounds():
    assert period_bounds("month", date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_bounds("month", date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_bounds("quarter", date(2026, 11, 28)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_bounds("quarter", date(2026, 2, 1)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert period_bounds("year", date(2026, 6, 1)) == (date(2026, 1, 1), date(2026, 12, 31))


def test_maker_sets_targets_and_the_dealer_sees_progress(login_as, world, in_network, new_org, new_user, build):
    start, end = period_bounds("month", date.today())
    with build():
        shop = factories.org("dealer")
        sales = factories.user(shop, "sales_manager")
        for _ in range(2):
            factories.callback(factories.customer(shop), sales)
        set_target(shop, "month", start, "follow_ups", 6)  # a metric the form below does not set
        org_id, sales = shop.id, sales.username
    admin = login_as("admin")
    resp = admin.post(f"/m/dealers/{org_id}/targets?period=month", data={"callbacks": "300", "deals": "5",
                                                                         "new_rival_old": ""})
    assert resp.status_code == 302
    with in_network(world["networks"]["liuqi"]) as s:
        goals = {t.metric: t.value for t in s.scalars(select(Target).where(Target.org_id == org_id))}
        done = s.scalar(select(func.count(Callback.id)).where(Callback.org_id == org_id,
                                                               Callback.done_on.between(start, end)))
    assert goals == {"callbacks": 300, "deals": 5}, "a metric left blank has no target any more"
    assert done == 2
    html = login_as(sales).get("/d/targets").get_data(as_text=True)
    assert re.search(r'<td class="text-end">300</td><td class="text-end" data-test="actual-callbacks">(\d+)</td>',
                     html).group(1) == str(done)
    assert "data-test=\"actual-new_rival_old\"" not in html, "only the metrics with a target are shown"
    code, _ = new_org("GX-TG")
    fresh = new_user(code, "general_manager")
    assert "主机厂还没有为本期设定目标" in login_as(fresh.username).get("/d/targets").get_data(as_text=True)


def test_bad_targets_and_who_may_set_them(login_as, world, in_network, build):
    with build():
        supervisor = factories.user(factories.manufacturer(), "supervisor", regions=["广西"]).username
        near, far = factories.org("dealer", city="南宁"), factories.org("dealer", province="广东", city="广州")
        set_target(near, "month", period_bounds("month", date.today())[0], "callbacks", 40)
        gm = factories.user(near, "general_manager").username
        gx, gd = near.id, far.id
    sup = login_as(supervisor)  # 广西 only
    with in_network(world["networks"]["liuqi"]) as s:
        before = s.scalars(select(Target.value).where(Target.org_id == gx).order_by(Target.id)).all()
    assert before == [40]
    page = sup.post(f"/m/dealers/{gx}/targets", data={"callbacks": "-3"}, follow_redirects=True)
    assert "目标须为 0 到 1000000 之间的整数" in page.get_data(as_text=True)
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalars(select(Target.value).where(Target.org_id == gx).order_by(Target.id)).all() == before
    assert sup.post(f"/m/dealers/{gx}/targets", data={"callbacks": "50"}).status_code == 302
    assert sup.get(f"/m/dealers/{gd}/targets").status_code == 404
    assert login_as(gm).post(f"/m/dealers/{gx}/targets", data={"callbacks": "1"}).status_code == 403
