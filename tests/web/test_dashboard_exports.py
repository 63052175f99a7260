"""The dealer's dashboard (server-side SVG) and the deck's work tables in Excel, read back."""
import html
import io
import re
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import distinct, func, select

from tenant_app.models import Brand, Callback, CallbackItem, CallbackPlan, Customer, Opportunity
from tenant_app.reports.charts import funnel, hbar
from tests import factories


def test_charts_escape_labels_and_scale():
    svg = hbar([("<script>", 10), ("乘龙", 5)], title="品牌")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    widths = [float(w) for w in re.findall(r'<rect x="150" y="\d+" width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1]
    f = funnel([("台帐", 200), ("已回访", 50)])
    assert "已回访 50 (25%)" in f and "Noto Sans CJK SC" in f


def _own_brand(in_network, world):
    with in_network(world["networks"]["liuqi"]) as s:
        return s.scalar(select(Brand.name).where(Brand.is_own))


def _dealer_with_work(build):
    """A dealer with own-brand, rival and new customers, callbacks (some with an intent) and a won deal."""
    when = date.today()
    with build():
        shop = factories.org("dealer")
        gm, info = factories.user(shop, "general_manager"), factories.user(shop, "information_manager")
        sales = factories.user(shop, "sales_manager")
        own = [factories.customer(shop, fleet=[("乘龙", 3)], responsible=sales) for _ in range(2)]
        rival = [factories.customer(shop, fleet=[("豪沃", 5), ("解放", 2)], responsible=sales) for _ in range(2)]
        factories.customer(shop)  # new: nothing in its fleet
        factories.callback(own[0], sales, done_on=when - timedelta(days=3))
        factories.opportunity(rival[0], sales, done_on=when - timedelta(days=2))
        factories.opportunity(rival[1], sales, when="6m", done_on=when - timedelta(days=1))
        factories.won(factories.opportunity(own[1], sales, done_on=when))
        return {"id": shop.id, "gm": gm.username, "info": info.username, "sales": sales.username,
                "sales_id": sales.id, "sales_name": sales.name, "plan": factories.plan(shop, info).id}


def test_dashboard_figures_match_the_data(login_as, world, in_network, build):
    shop = _dealer_with_work(build)
    html = login_as(shop["gm"]).get("/d/dashboard").get_data(as_text=True)
    assert html.count("<svg") >= 4
    org_id = shop["id"]
    with in_network(world["networks"]["liuqi"]) as s:
        ledger = s.scalar(select(func.count(Customer.id)).where(Customer.org_id == org_id))
        called = s.scalar(select(func.count(distinct(Callback.customer_id))).where(Callback.org_id == org_id))
    assert (ledger, called) == (5, 4)
    assert f"台帐客户 {ledger:,}" in html
    assert f"已回访 {called:,} ({called / ledger:.0%})" in html
    rivals = html.split('data-test="chart-rivals"')[1].split("</svg>")[0]
    assert "中国重汽" in rivals and "一汽解放" in rivals, "competitor brands in the fleets"
    assert _own_brand(in_network, world) not in rivals, "our brand is no rival"


def _book(resp):
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(resp.data))


def test_callback_plan_table_of_slide_37(login_as, world, in_network, build):
    shop = _dealer_with_work(build)
    with in_network(world["networks"]["liuqi"]) as s:
        plan = s.get(CallbackPlan, shop["plan"])
        items = s.scalars(select(CallbackItem).where(CallbackItem.plan_id == plan.id)).all()
        own = sum(1 for i in items if i.customer.segment == "own_old")
        plan_id, total = plan.id, len(items)
    assert 0 < own < total, "customers on both sheets"
    brand = _own_brand(in_network, world)
    wb = _book(login_as(shop["info"]).get(f"/d/callbacks/plans/{plan_id}/export.xlsx"))
    own_sheet, other_sheet = wb.worksheets
    assert own_sheet.title == f"已购买{brand}产品客户" and other_sheet.title == f"未购买{brand}产品客户"
    header = [c.value for c in own_sheet[2]]
    assert header[:3] == ["序号", "客户姓名", f"已购买{brand}产品数量"] and "对经销商印象" in header
    assert [c.value for c in other_sheet[2]][6] == "主要适用品牌"
    assert own_sheet.max_row - 2 == own and own_sheet.max_row + other_sheet.max_row - 4 == total


def test_callback_results_table_of_slide_38(login_as, world, in_network, build):
    shop = _dealer_with_work(build)
    org_id = shop["id"]
    with in_network(world["networks"]["liuqi"]) as s:
        first = s.scalar(select(func.min(Callback.done_on)).where(Callback.org_id == org_id))
        last = s.scalar(select(func.max(Callback.done_on)).where(Callback.org_id == org_id))
        n = s.scalar(select(func.count(Callback.id)).where(Callback.org_id == org_id))
    assert n == 4 and first < last
    wb = _book(login_as(shop["gm"]).get(f"/d/callbacks/results.xlsx?from={first}&to={last}"))
    rows = sum(ws.max_row - 2 for ws in wb.worksheets)
    assert rows == n
    header = [c.value for c in wb.worksheets[1][2]]
    assert header[-1] == f"对{_own_brand(in_network, world)}是否有购车意向" and "何时购车" in header and "购车方式" in header


def test_follow_up_plan_of_slide_44(login_as, world, in_network, build):
    shop = _dealer_with_work(build)
    with in_network(world["networks"]["liuqi"]) as s:
        n = s.scalar(select(func.count(Opportunity.id)).where(Opportunity.owner_id == shop["sales_id"],
                                                               Opportunity.stage.in_(("following", "negotiating"))))
    assert n == 2, "the won deal is not followed up any more"
    ws = _book(login_as(shop["gm"]).get(f"/d/opportunities/plan.xlsx?owner_id={shop['sales_id']}")).active
    assert ws["A2"].value.startswith("（一）、目的") and shop["sales"] not in ws["A4"].value
    assert shop["sales_name"] in ws["A4"].value
    assert [c.value for c in ws[6]][-3:] == ["本次意向车型", "购买数量", "购买方式"]
    assert ws.max_row - 6 == n


def test_the_dashboard_and_the_targets_page_count_callbacks_alike(world, in_network, build):
    """A callback outside the plan and one done early for an item due next month count on both."""
    from tenant_app.services import dashboard, targets
    today = date.today()
    with build():
        shop = factories.org("dealer")
        info, sales = factories.user(shop, "information_manager"), factories.user(shop, "sales_manager")
        first = [factories.customer(shop, responsible=sales) for _ in range(3)]
        start, end = targets.period_bounds("month", today)
        later = factories.plan(shop, info, starts_on=end + timedelta(days=1), days=5, title="下月回访计划")
        early = factories.plan_items(later)[0]
        factories.callback(early.customer, sales, item=early, done_on=today)
        factories.callback(first[1], sales, done_on=today)
        org_id = shop.id
    with in_network(world["networks"]["liuqi"]):
        done = dashboard.figures(org_id, today)["month_done"]
        assert done == targets.progress([org_id], start, end)[org_id]["callbacks"] == 2


def _texts(svg: str) -> tuple[float, list[tuple[float, str, str]]]:
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg)[1])
    out = []
    for attrs, body in re.findall(r"<text ([^>]*)>(?:<title>.*?</title>)?([^<]*)</text>", svg):
        anchor = re.search(r'text-anchor="(\w+)"', attrs)
        out.append((float(re.search(r' x="([\d.-]+)"', " " + attrs)[1]), anchor[1] if anchor else "start",
                    html.unescape(body)))
    return width, out


def test_chart_labels_stay_inside_their_box():
    from tenant_app.reports.charts import line, text_width
    long = "经销商客户营销考评之老客户回访覆盖率与及时率（含竞品客户）"
    charts = [hbar([(long, 80), ("Callback completion on time, own and rival customers", 50), ("短", 3)],
                   width=400, label_width=150),
              line([("2025-Q4", 70), ("2026-Q1", 88.5), ("2026-Q2", 90.5), ("2026-Q3 very long period name", 99.5)],
                   width=300),
              line([("2026-Q3", 100)], width=120), funnel([(long, 100), ("已回访", 40)], width=300)]
    for svg in charts:
        width, texts = _texts(svg)
        assert texts
        for x, anchor, t in texts:
            w = text_width(t)
            left, right = {"start": (x, x + w), "middle": (x - w / 2, x + w / 2), "end": (x - w, x)}[anchor]
            assert 0 <= left and right <= width, (t, left, right, width)
    assert "<title>" + long in charts[0], "the full label is kept as the tooltip"
