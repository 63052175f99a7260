"""An information manager in Chromium, on a phone-sized screen: download the template, upload
a messy ledger, map an unknown value on the preview, import; the problem file of a bad one."""
import io

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import log_in
from tests.web.test_ledger_excel import deck_file, row

pytestmark = pytest.mark.e2e


@pytest.fixture
def info_manager(new_org, new_user):
    return new_user(new_org("GX-F")[0], "information_manager")


def _fits(page) -> bool:
    """No page wider than the screen: lists scroll in their own box."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_messy_ledger_mapped_and_imported_on_a_phone(browser, live_server, info_manager, tmp_path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    base = live_server
    try:
        log_in(page, base, info_manager.username)
        page.goto(f"{base}/d/customers/import")
        assert _fits(page)
        with page.expect_download() as download:
            page.locator("[data-test=template]").click()
        template = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
        assert template.active["C2"].value == "客户单位(个人)名称"

        ledger = tmp_path / "台帐.xlsx"
        ledger.write_bytes(deck_file([
            row(1, "广西柳州", "柳州市远航物流有限公司", "＋86 138-3333-0001", ("豪沃", "T7H", "６"), transport="长途运输",
                nature="民营"),
            row(2, None, "蒙师傅（个体）", "139 3333 0002", ("霸龙", "507", 1), transport="冷链", nature="个体户"),
            [None] * 20,
            row(3, None, "柳州市路通土方", "13833330003", ("神秘重卡", "X1", 3), transport="土方", nature="私营"),
        ]))
        page.get_by_label("台帐文件（.xlsx）").set_input_files(str(ledger))
        page.get_by_role("button", name="上传并检查").click()
        assert "3 位客户可以导入" in page.locator("[data-test=preview-summary]").inner_text()
        pending = page.locator("[data-test=pending]")
        assert "冷链" in pending.inner_text() and "1 行" in pending.inner_text()
        assert _fits(page)
        page.locator("[data-test=pending] select").first.select_option(label="用途：专用类")
        page.locator("[data-test=confirm]").click()
        assert "新增 3 位" in page.locator("[data-test=imported]").inner_text()

        bad = tmp_path / "坏台帐.xlsx"
        bad.write_bytes(deck_file([row(1, "广西", "数量写错物流", "13833330009", ("乘龙", "H7", "很多"))]))
        page.goto(f"{base}/d/customers/import")
        page.get_by_label("台帐文件（.xlsx）").set_input_files(str(bad))
        page.get_by_role("button", name="上传并检查").click()
        assert "数量“很多”不是整数" in page.locator("[data-test=problems]").inner_text()
        with page.expect_download() as download:
            page.locator("[data-test=problem-file]").click()
        ws = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
        assert "数量“很多”不是整数" in str(ws.cell(3, 21).value)
        assert _fits(page)
    finally:
        context.close()
