"""An information manager in Chromium, from an imported ledger to this month's callbacks all assigned:
the home page's checklist → every customer without a sales manager, across pages, distributed over
two sales managers → this month's plan (the form opens on the month) → every item assigned from
the start. Counts the page loads and form submissions it takes; then the same pages on a phone."""
import pytest
from sqlalchemy import func, select

from tests.e2e.test_scorecard_flow import login
from tests.web.test_assignment import N_CUSTOMERS, make_team

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def team(app, world, new_org, new_user):
    return make_team(app, world, new_org, new_user, prefix="GX-P")


def _login(page, base, username):
    login(page, base, username)
    page.wait_for_url(f"{base}/d/")


class Counter:
    """Pages loaded and forms posted, as the browser saw them."""

    def __init__(self, page):
        self.loads = self.posts = 0
        page.on("load", self._load)
        page.on("request", self._request)

    def _load(self, _page):
        self.loads += 1

    def _request(self, request):
        if request.resource_type == "document" and request.method == "POST":
            self.posts += 1


def test_select_all_distribute_generate_all_assigned(page, live_server, team, in_network, world):
    from tenant_app.models import CallbackItem, CallbackPlan, Customer
    base = live_server
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    _login(page, base, team.people["info"].username)
    counter = Counter(page)

    setup = page.locator("[data-test=setup]")
    assert setup.is_visible()
    assert page.locator("[data-test=step-ledger]").get_attribute("data-done") == "yes"
    assert f"{N_CUSTOMERS} 位客户还没有负责业务经理" in setup.inner_text()
    page.locator("[data-test=go-distribute]").click()
    page.wait_for_url("**/d/customers?responsible_id=none*")

    bar = page.locator("[data-test=bulk]")
    bar.get_by_text(f"全部符合筛选条件的 {N_CUSTOMERS} 行").click()
    bar.locator("[data-test=bulk-distribute] summary").click()
    panel = bar.locator("[data-test=bulk-distribute]")
    assert panel.locator("input[name=people]:checked").count() == 2, "the sales managers are chosen already"
    panel.get_by_role("button", name="分配").click()
    page.wait_for_url("**/d/customers?responsible_id=none*")
    assert f"已分配 {N_CUSTOMERS} 位客户" in page.locator(".alert-success").inner_text()

    page.locator("[data-test=hint-plan]").click()  # the next step, offered on the ledger
    assert "回访计划" in page.get_by_label("计划名称").input_value(), "the form opens on the current month"
    page.get_by_role("button", name="生成计划").click()
    page.wait_for_url("**/d/callbacks/plans/*")
    assert page.locator("[data-test=unassigned-count]").inner_text() == "未分配 0 项"
    assert page.locator("[data-test=setup-hint]").count() == 0, "nothing left to do"
    loads, posts = counter.loads, counter.posts

    page.get_by_role("link", name="首页").first.click()
    assert page.locator("[data-test=setup]").count() == 0, "the checklist is done"
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(func.count()).where(Customer.org_id == team.org_id,
                                                   Customer.responsible_id.is_(None))) == 0
        plan_id = s.scalar(select(CallbackPlan.id).where(CallbackPlan.org_id == team.org_id))
        items = s.execute(select(CallbackItem.assignee_id, func.count()).where(CallbackItem.plan_id == plan_id)
                          .group_by(CallbackItem.assignee_id)).all()
    assert None not in dict(items) and len(items) == 2
    assert not refused, refused
    print(f"\nassignment_page_loads: {loads}\nassignment_submissions: {posts}")
    assert (loads, posts) == (4, 2), "ledger, ledger after distributing, plans, the plan; two submissions"


def test_the_bulk_bar_on_a_phone(browser, live_server, team):
    """390 px: nothing wider than the screen but the table (which scrolls in its own box), and
    every control of the bulk bar and every row checkbox at least 44 px to tap."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        _login(page, live_server, team.people["info"].username)
        page.goto(f"{live_server}/d/customers")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        bar = page.locator("[data-test=bulk]")
        assert not bar.is_visible(), "on a phone the bulk bar folds behind one button"
        page.locator("[data-test=toggle-ledger-bulk]").tap()
        bar.wait_for(state="visible")
        for control in bar.locator("label.bulk-choice, summary, button").all():
            if control.is_visible():
                assert control.bounding_box()["height"] >= 44, control.inner_text()
        boxes = page.locator("[data-test=ledger] tbody .bulk-check")  # each customer's card has its box
        box = boxes.nth(0).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
        boxes.nth(0).tap()
        boxes.nth(1).tap()
        assert page.locator("[data-test=ledger] input[name=ids]:checked").count() == 2
        assert page.locator("[data-bulk-count]").inner_text() == "2"
        page.get_by_text("平均分配给多人").tap()
        for person in bar.locator("[data-test=bulk-distribute] label.bulk-choice").all():
            assert person.bounding_box()["height"] >= 44
        page.goto(f"{live_server}/d/callbacks/plans")
        page.get_by_role("button", name="生成计划").tap()
        page.wait_for_url("**/d/callbacks/plans/*")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        filters = page.locator("[data-test=plan-filter]").bounding_box()
        assert filters["x"] >= 0 and filters["x"] + filters["width"] <= PHONE["width"]
    finally:
        context.close()


def test_the_bulk_bar_without_javascript(browser, live_server, team, in_network, world):
    """A plain form: the "all N matching" choice and the actions' panels need no script."""
    from tenant_app.models import Customer
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        _login(page, live_server, team.people["info"].username)
        page.goto(f"{live_server}/d/customers?region=桂林")
        assert not page.locator("[data-bulk-page]").is_visible(), "ticking the page needs the script: not offered"
        bar = page.locator("[data-test=bulk]")
        bar.get_by_text("全部符合筛选条件的 50 行").click()
        bar.locator("[data-test=bulk-assign] summary").click()
        bar.locator("[data-test=bulk-assign]").get_by_role("button", name="分配").click()
        page.wait_for_url("**/d/customers?region=*")
        assert "已将所选客户的负责业务经理设为" in page.locator(".alert-success").inner_text()
    finally:
        context.close()
    with in_network(world["networks"]["liuqi"]) as s:
        rows = s.execute(select(Customer.region, Customer.responsible_id).where(Customer.org_id == team.org_id)).all()
    guilin = {r for region, r in rows if "桂林" in region}
    assert len(guilin) == 1 and None not in guilin, "all 50 matching, on one page without a script"
    assert all(r is None for region, r in rows if "柳州" in region)
