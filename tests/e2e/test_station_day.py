"""A station's day on a 390 × 844 phone, beside the truck: the last 6 characters of the VIN read
off the frame find the vehicle (sold by a dealer of the network) → a repair order → settled →
the service callback after it. No page wider than the screen."""
from datetime import date

import pytest
from sqlalchemy import func, select

from tenant_app.extensions import db
from tenant_app.models import Network, Vehicle
from tenant_app.tenancy import use_network
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def _a_sold_vehicle(app) -> tuple[str, int]:
    """A dealer-sold vehicle of the demo network whose VIN's last 6 no other vehicle shares."""
    with app.app_context():
        use_network(db.session, db.session.scalar(select(Network.id).where(Network.code == "liuqi")))
        tail = func.substr(Vehicle.vin, 12, 6)
        unique_tails = select(tail).group_by(tail).having(func.count() == 1)
        vehicle = db.session.scalar(select(Vehicle).where(Vehicle.selling_org_id.is_not(None), tail.in_(unique_tails))
                                    .order_by(Vehicle.id))
        found = (vehicle.vin, vehicle.id)
        db.session.remove()
    return found


def test_a_stations_day_on_a_phone(browser, live_server):
    vin, vehicle_id = _a_sold_vehicle(live_server.app)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        log_in(page, live_server, "sv-lz-01.mgr", home="/s/")
        _fits(page)
        page.goto(f"{live_server}/s/vehicles")
        _fits(page)
        page.get_by_label("车架号或车牌号").fill(vin[-6:].lower())  # as typed on a phone's keyboard
        page.get_by_role("button", name="查找").click()
        page.wait_for_url(f"**/s/vehicles/{vehicle_id}")
        assert vin in page.content()
        _fits(page)

        page.get_by_label("类型", exact=True).select_option(label="保养")
        page.get_by_label("进厂日期").fill(date.today().isoformat())
        page.get_by_label("里程（公里）").fill("96000")
        page.get_by_label("维修内容").fill("首保：更换机油、机滤")
        page.get_by_role("button", name="开立维修单").click()
        assert "维修单已开立" in page.locator(".alert").first.inner_text()
        _fits(page)
        page.get_by_label("出厂日期").fill(date.today().isoformat())
        page.get_by_role("button", name="结算出厂").click()
        assert "回访定于" in page.locator(".alert").first.inner_text()
        _fits(page)

        page.locator("[data-test=callbacks] a").first.click()
        _fits(page)
        for label in ("总体满意度", "及时性", "维修质量", "价格", "服务态度", "环境设施"):
            page.get_by_label(label).select_option("5")
        page.get_by_label("客户意见").fill("保养很快")
        page.get_by_role("button", name="已接通，保存回访").click()
        page.wait_for_load_state()
        assert "热点预警" not in page.locator(".alert").first.inner_text()
        _fits(page)
        page.goto(f"{live_server}/s/vehicles/{vehicle_id}")
        assert "首保：更换机油、机滤" in page.content()
    finally:
        context.close()
