"""Home pages list the signed-in person's work, most recently due first, each item a link;
the navigation bar counts what is due; quiet sections say what to do next. Only what the
person may see: another person's, another organisation's, another region's work never shows."""
import re
from datetime import date, timedelta

from sqlalchemy import select, update

from tenant_app.models import CallbackItem, HotAlert, RepairOrder, ServiceCallback
from tests import factories

TODAY = date.today()


def _section(html: str, key: str) -> str:
    """From the section's mark to the next section's (or the end of the list of quiet ones)."""
    m = re.search(rf'data-test="work-{key}"(.*?)(?=data-test="work-|data-test="my-work-quiet"|<h2|</main>)',
                  html, re.S)
    assert m, f"no section {key}"
    return m.group(1)


def _titles(section: str) -> list[str]:
    return [t.strip() for t in re.findall(r'class="work-title">([^<]+)<', section)]


def _badge(html: str) -> int:
    return int(re.search(r'data-test="due-badge".*?<b>(\d+)</b>', html, re.S).group(1))


def test_a_sales_managers_callbacks_due_today_and_overdue_newest_first(build, login_as):
    with build() as s:
        shop = factories.org("dealer")
        sales, other = factories.user(shop, "sales_manager"), factories.user(shop, "sales_manager")
        info = factories.user(shop, "information_manager")
        names = {"今天": "今日回访客户", "前天": "前天逾期客户", "上周": "上周逾期客户", "明天": "明日客户", "别人": "别人的客户"}
        customers = {k: factories.customer(shop, n) for k, n in names.items()}
        plan = factories.plan(shop, info, starts_on=TODAY - timedelta(days=10), days=20)
        due = {"今天": TODAY, "前天": TODAY - timedelta(days=2), "上周": TODAY - timedelta(days=7),
               "明天": TODAY + timedelta(days=1), "别人": TODAY}
        for key, c in customers.items():
            s.execute(update(CallbackItem).where(CallbackItem.plan_id == plan.id, CallbackItem.customer_id == c.id)
                      .values(assignee_id=(other if key == "别人" else sales).id, due_on=due[key]))
        elsewhere = factories.org("dealer")  # another dealer's overdue item never shows
        far = factories.customer(elsewhere, "别家客户")
        far_plan = factories.plan(elsewhere, starts_on=TODAY - timedelta(days=10), days=20)
        s.execute(update(CallbackItem).where(CallbackItem.plan_id == far_plan.id, CallbackItem.customer_id == far.id)
                  .values(assignee_id=sales.id, due_on=TODAY - timedelta(days=1)))
        mine = s.scalars(select(CallbackItem).where(CallbackItem.assignee_id == sales.id,
                                                    CallbackItem.org_id == shop.id, CallbackItem.due_on <= TODAY)
                         .order_by(CallbackItem.due_on.desc(), CallbackItem.id)).all()
        expected = [(i.customer.name, i.customer_id, i.id) for i in mine]
        user = sales.username
    html = login_as(user).get("/d/").get_data(as_text=True)
    section = _section(html, "callbacks")
    titles = _titles(section)
    assert titles == [name for name, *_ in expected][:8]
    assert titles[0] == "今日回访客户" and "上周逾期客户" in titles, "today first, then back in time"
    assert "明日客户" not in titles and "别人的客户" not in titles and "别家客户" not in titles
    assert "逾期 7 天" in section and "今天" in section
    name, customer_id, item_id = expected[0]
    assert f'href="/d/customers/{customer_id}/callbacks/new?item_id={item_id}"' in section
    assert _badge(html) == len(expected), "the badge counts what is due"
    assert _badge(login_as(user).get("/d/customers").get_data(as_text=True)) == len(expected), "on every page"


def test_the_information_manager_sees_what_waits_for_assignment(build, login_as):
    with build() as s:
        shop = factories.org("dealer")
        info = factories.user(shop, "information_manager")
        factories.customer(shop, "无人负责的客户甲")
        factories.customer(shop, "无人负责的客户乙")
        plan = factories.plan(shop, info, title="十二月回访计划")
        unassigned = len(factories.plan_items(plan))
        plan_id, user = plan.id, info.username
    html = login_as(user).get("/d/").get_data(as_text=True)
    section = _section(html, "unassigned")
    assert "十二月回访计划" in section and f"{unassigned} 项未分配" in section
    assert f'href="/d/callbacks/plans/{plan_id}?assignee_id=none"' in section
    nobody = _section(html, "no_sales_manager")
    assert set(_titles(nobody)) == {"无人负责的客户甲", "无人负责的客户乙"}
    assert 'href="/d/customers?responsible_id=none"' in nobody
    assert "没有进行中或失败的导入。" in _section(html, "imports"), "quiet: says so, with the next step"
    assert _badge(html) == 0, "assigning is not 'due': the badge counts deadlines only"


def test_an_empty_day_says_what_to_do_next(build, login_as):
    with build() as s:
        shop = factories.org("dealer")
        user = factories.user(shop, "sales_manager").username
    html = login_as(user).get("/d/").get_data(as_text=True)
    quiet = _section(html, "callbacks")
    assert "今天没有到期的回访。" in quiet and 'href="/d/customers"' in quiet
    assert _badge(html) == 0


def _late_alert(s, station, days_late: int) -> int:
    vehicle = factories.vehicle(station) if hasattr(factories, "vehicle") else None
    from tenant_app.models import Vehicle
    if vehicle is None:
        vehicle = Vehicle(network_id=station.network_id, vin=factories.vin(), model="乘龙H7")
        s.add(vehicle)
        s.flush()
    repair = RepairOrder(network_id=station.network_id, org_id=station.id, vehicle_id=vehicle.id, kind="repair",
                         date_in=TODAY - timedelta(days=days_late + 5))
    s.add(repair)
    s.flush()
    alert = HotAlert(network_id=station.network_id, org_id=station.id, repair_id=repair.id, reason="客户投诉",
                     details={"complaint": True, "low": {}, "comments": ""},
                     opened_on=TODAY - timedelta(days=days_late + 2), deadline=TODAY - timedelta(days=days_late))
    s.add(alert)
    s.flush()
    return alert.id


def test_a_region_limited_supervisor_sees_late_alerts_of_its_regions_only(build, login_as):
    with build() as s:
        hq = factories.manufacturer()
        supervisor = factories.user(hq, "supervisor", regions=["广西"])
        near = factories.org("service", province="广西", city="桂林")
        far = factories.org("service", province="广东", city="佛山", name="佛山测试服务站")
        near_id, far_id = _late_alert(s, near, 4), _late_alert(s, far, 9)
        near_name, user = near.name, supervisor.username
    html = login_as(user).get("/m/").get_data(as_text=True)
    section = _section(html, "late_alerts")
    assert near_name in section and f'href="/m/alerts/{near_id}"' in section and "逾期 4 天" in section
    assert "佛山测试服务站" not in section and f"/m/alerts/{far_id}" not in html


def test_a_stations_service_callbacks_due(build, login_as):
    with build() as s:
        station = factories.org("service")
        manager = factories.user(station, "manager")
        alert_id = _late_alert(s, station, 1)
        repair_id = s.get(HotAlert, alert_id).repair_id
        due = ServiceCallback(network_id=station.network_id, org_id=station.id, repair_id=repair_id, purpose="survey",
                              first_due_on=TODAY - timedelta(days=3), due_on=TODAY - timedelta(days=3))
        later = ServiceCallback(network_id=station.network_id, org_id=station.id, repair_id=repair_id,
                                purpose="survey", first_due_on=TODAY + timedelta(days=2),
                                due_on=TODAY + timedelta(days=2))
        s.add_all([due, later])
        s.flush()
        due_id, later_id, user = due.id, later.id, manager.username
    html = login_as(user).get("/s/").get_data(as_text=True)
    section = _section(html, "service_callbacks")
    assert f'href="/s/callbacks/{due_id}"' in section and "逾期 3 天" in section
    assert f"/s/callbacks/{later_id}" not in section
    assert f'href="/s/alerts/{alert_id}"' in _section(html, "alerts")
    assert _badge(html) == 2, "one callback due and one open alert"
