"""The dealer's dashboard (server-side SVG) and the deck's work tables in Excel, read back."""
import io
import re

from openpyxl import load_workbook
from sqlalchemy import distinct, func, select

from tenant_app.models import Callback, CallbackItem, CallbackPlan, Customer, Opportunity
from tenant_app.reports.charts import funnel, hbar


def test_charts_escape_labels_and_scale():
    svg = hbar([("<script>", 10), ("乘龙", 5)], title="品牌")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    widths = [float(w) for w in re.findall(r'<rect x="150" y="\d+" width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1]
    f = funnel([("台帐", 200), ("已回访", 50)])
    assert "已回访 50 (25%)" in f and "Noto Sans CJK SC" in f


def test_dashboard_figures_match_the_data(login_as, world, in_network):
    html = login_as("gx-lz-001.gm").get("/d/dashboard").get_data(as_text=True)
    assert html.count("<svg") >= 4
    org_id = world["orgs"][("liuqi", "GX-LZ-001")]["id"]
    with in_network(world["networks"]["liuqi"]) as s:
        ledger = s.scalar(select(func.count(Customer.id)).where(Customer.org_id == org_id))
        called = s.scalar(select(func.count(distinct(Callback.customer_id))).where(Callback.org_id == org_id))
    assert f"台帐客户 {ledger:,}" in html
    assert f"已回访 {called:,} ({called / ledger:.0%})" in html
    assert "中国重汽" in html or "一汽解放" in html, "competitor brands in the fleets"
    assert "东风柳汽" not in html.split('data-test="chart-rivals"')[1].split("</svg>")[0], "our brand is no rival"


def _book(resp):
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(resp.data))


def test_callback_plan_table_of_slide_37(login_as, world, in_network):
    org_id = world["orgs"][("liuqi", "GX-LZ-001")]["id"]
    with in_network(world["networks"]["liuqi"]) as s:
        plan = s.scalars(select(CallbackPlan).where(CallbackPlan.org_id == org_id)).first()
        items = s.scalars(select(CallbackItem).where(CallbackItem.plan_id == plan.id)).all()
        own = sum(1 for i in items if i.customer.segment == "own_old")
        plan_id, total = plan.id, len(items)
    wb = _book(login_as("gx-lz-001.info").get(f"/d/callbacks/plans/{plan_id}/export.xlsx"))
    own_sheet, other_sheet = wb.worksheets
    assert own_sheet.title == "已购买东风柳汽产品客户" and other_sheet.title == "未购买东风柳汽产品客户"
    header = [c.value for c in own_sheet[2]]
    assert header[:3] == ["序号", "客户姓名", "已购买东风柳汽产品数量"] and "对经销商印象" in header
    assert [c.value for c in other_sheet[2]][6] == "主要适用品牌"
    assert own_sheet.max_row - 2 == own and own_sheet.max_row + other_sheet.max_row - 4 == total


def test_callback_results_table_of_slide_38(login_as, world, in_network):
    org_id = world["orgs"][("liuqi", "GX-LZ-001")]["id"]
    with in_network(world["networks"]["liuqi"]) as s:
        first = s.scalar(select(func.min(Callback.done_on)).where(Callback.org_id == org_id))
        last = s.scalar(select(func.max(Callback.done_on)).where(Callback.org_id == org_id))
        n = s.scalar(select(func.count(Callback.id)).where(Callback.org_id == org_id))
    wb = _book(login_as("gx-lz-001.gm").get(f"/d/callbacks/results.xlsx?from={first}&to={last}"))
    rows = sum(ws.max_row - 2 for ws in wb.worksheets)
    assert rows == n
    header = [c.value for c in wb.worksheets[1][2]]
    assert header[-1] == "对东风柳汽是否有购车意向" and "何时购车" in header and "购车方式" in header


def test_follow_up_plan_of_slide_44(login_as, world, in_network, person):
    sales = person("gx-lz-001.sales1")
    with in_network(world["networks"]["liuqi"]) as s:
        n = s.scalar(select(func.count(Opportunity.id)).where(Opportunity.owner_id == sales.id,
                                                               Opportunity.stage.in_(("following", "negotiating"))))
    ws = _book(login_as("gx-lz-001.gm").get(f"/d/opportunities/plan.xlsx?owner_id={sales.id}")).active
    assert ws["A2"].value.startswith("（一）、目的") and sales.username not in ws["A4"].value
    assert "业务经理 黄志勇" in ws["A4"].value
    assert [c.value for c in ws[6]][-3:] == ["本次意向车型", "购买数量", "购买方式"]
    assert ws.max_row - 6 == n
