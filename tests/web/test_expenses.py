"""Budgets and expenses: staff submit, the general manager approves, the manufacturer reads."""
import re
from datetime import date

from sqlalchemy import select

from tenant_app.models import Expense


def test_submit_approve_and_unit_costs(login_as, new_org, new_user, world, in_network):
    code, org_id = new_org("GX-X")
    sales, gm = new_user(code, "sales_manager"), new_user(code, "general_manager")
    s_client, g_client = login_as(sales.username), login_as(gm.username)
    today = date.today().isoformat()
    resp = s_client.post("/d/expenses", data={"spent_on": today, "category": "events", "amount": "3000",
                                               "description": "答谢会", "payee": "柳州饭店"})
    assert resp.status_code == 302
    s_client.post("/d/expenses", data={"spent_on": today, "category": "informant_fees", "amount": "500",
                                       "description": "信息员韦某信息费", "payee": "韦某"})
    bad = s_client.post("/d/expenses", data={"spent_on": "2999-01-01", "category": "kickback", "amount": "0",
                                              "description": ""}).get_data(as_text=True)
    for reason in ("日期不能晚于今天", "请从列表中选择", "金额须大于 0", "请说明用途"):
        assert reason in bad
    with in_network(world["networks"]["liuqi"]) as s:
        ids = s.scalars(select(Expense.id).where(Expense.org_id == org_id).order_by(Expense.id)).all()
    assert len(ids) == 2
    assert s_client.post(f"/d/expenses/{ids[0]}/decide", data={"decision": "approve"}).status_code == 403
    g_client.post(f"/d/expenses/{ids[0]}/decide", data={"decision": "approve"})
    g_client.post(f"/d/expenses/{ids[1]}/decide", data={"decision": "reject", "note": "缺发票"})
    g_client.post("/d/expenses/budget", data={"year": date.today().year, "events": "10000", "advertising": "5000"})
    g_client.post("/d/customers/new", data={"kind": "unit", "name": "费用测试客户"})
    html = g_client.get("/d/expenses").get_data(as_text=True)
    assert re.search(r'data-test="total-spent">3,000.00<', html), "only approved spending counts"
    assert "15,000.00" in html
    assert "每位新客户费用 3,000.00" in html, "one new customer this year"
    with in_network(world["networks"]["liuqi"]) as s:
        statuses = s.scalars(select(Expense.status).where(Expense.org_id == org_id).order_by(Expense.id)).all()
    assert statuses == ["approved", "rejected"]
    admin = login_as("admin").get(f"/m/dealers/{org_id}/expenses").get_data(as_text=True)
    assert "答谢会" in admin and "每位新客户费用 3,000.00" in admin
    assert login_as("gx-lz-001.gm").post(f"/d/expenses/{ids[0]}/decide",
                                         data={"decision": "reject"}).status_code == 404
