"""A dealer in Chromium: import a ledger → generate a callback plan → record a callback →
negotiate → close the deal with a VIN."""
import uuid
from datetime import date, timedelta

import pytest

from tests.e2e.conftest import log_in
from tests.web.test_ledger_excel import deck_file, row

pytestmark = pytest.mark.e2e


@pytest.fixture
def dealer_gm(new_org, new_user):
    return new_user(new_org("GX-E")[0], "general_manager")


def test_import_plan_callback_follow_up_deal(page, live_server, dealer_gm, tmp_path):
    base = live_server
    log_in(page, base, dealer_gm.username)

    ledger = tmp_path / "台帐.xlsx"
    ledger.write_bytes(deck_file([
        row(1, "广西柳州", "柳州市顺风物流有限公司", "138 2222 0001", ("豪沃", "T7H", 6)),
        row(2, None, "黄师傅（个体）", "139-2222-0002", ("乘龙", "H7", 1), own="3年"),
    ]))
    page.goto(f"{base}/d/customers/import")
    page.get_by_label("台帐文件（.xlsx）").set_input_files(str(ledger))
    page.get_by_role("button", name="上传并检查").click()
    assert "2 位客户可以导入" in page.locator("[data-test=preview-summary]").inner_text()
    page.locator("[data-test=confirm]").click()
    assert "新增 2 位" in page.locator("[data-test=imported]").inner_text()
    page.get_by_role("link", name="查看台帐").click()
    page.wait_for_url(f"{base}/d/customers")
    assert page.get_by_role("link", name="柳州市顺风物流有限公司").is_visible()

    page.goto(f"{base}/d/callbacks/plans")
    start = date.today() - timedelta(days=3)
    page.get_by_label("计划名称").fill("本月回访")
    page.get_by_label("开始日期").fill(start.isoformat())
    page.get_by_label("结束日期").fill((start + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="生成计划").click()
    page.wait_for_url(f"{base}/d/callbacks/plans/*")
    assert page.locator("[data-test=items] tbody tr").count() >= 2

    page.goto(f"{base}/d/customers")
    page.get_by_role("link", name="柳州市顺风物流有限公司").click()
    page.get_by_role("link", name="记录回访").click()
    page.get_by_label("接触人").fill("车队长 覃")
    page.get_by_label("具有继续跟进条件").check()
    page.get_by_label("有购车意向").check()
    page.get_by_label("何时购车").select_option("3m")
    page.get_by_label("购买车型").fill("乘龙H7 牵引车")
    page.get_by_label("购车台数").fill("2")
    page.get_by_role("button", name="保存").click()
    assert page.locator("[data-test=customer-name]").inner_text() == "柳州市顺风物流有限公司"
    assert "1级" in page.locator("body").inner_text()

    page.get_by_role("link", name="→").first.click()
    page.get_by_label("洽谈日期", exact=True).fill(date.today().isoformat())
    page.get_by_label("客户提出的意见").fill("首付偏高")
    page.get_by_label("针对意见的准备").fill("按揭方案")
    page.locator("form[action$='/rounds'] button").click()
    assert "首付偏高" in page.locator("[data-test=rounds]").inner_text()
    assert page.locator("[data-test=stage]").inner_text() == "洽谈中"

    from tenant_app.services.deals import with_check_digit
    vin = with_check_digit(f"LZZ5BLSJ0HN{uuid.uuid4().int % 10**6:06d}")
    wrong = vin[:8] + ("0" if vin[8] != "0" else "1") + vin[9:]
    page.get_by_label("合同日期").fill(date.today().isoformat())
    page.get_by_label("车架号（每行一个，可写“车型 车架号”）").fill(f"乘龙H7 {wrong}")
    page.get_by_role("button", name="确认成交").click()
    assert "校验位不正确" in page.locator(".alert-danger").inner_text()
    page.get_by_label("合同日期").fill(date.today().isoformat())
    page.get_by_label("车架号（每行一个，可写“车型 车架号”）").fill(f"乘龙H7 {vin}")
    page.get_by_role("button", name="确认成交").click()
    assert page.locator("[data-test=stage]").inner_text() == "已成交"
    assert vin in page.locator("[data-test=vin]").inner_text()
    page.goto(f"{base}/d/tasks")
    assert page.locator("[data-test=tasks] tbody tr").count() == 5
