"""Scorecards in Chromium: the manufacturer evaluates a period and watches it progress; the
dealer downloads its PDF and appeals an item; the manufacturer upholds the appeal, which
re-issues the scorecard. With Redis (CI) the jobs run on a real `flask rq worker`."""
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from pypdf import PdfReader

from tests import factories
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.e2e
PERIOD = "2017-Q1"


def login(page, base, username):
    page.goto(f"{base}/login")
    page.get_by_label("企业代码").fill("liuqi")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.fixture
def jobs(live_server, tmp_path):
    """Inline jobs on the embedded default; a real worker process when Redis is there."""
    if not REDIS_URL:
        yield "inline"
        return
    app = live_server.app
    env = dict(os.environ, FLASK_APP="wsgi", REDIS_URL=REDIS_URL,
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REPORTS_DIR=app.config["REPORTS_DIR"])
    worker = subprocess.Popen([sys.executable, "-m", "flask", "rq", "worker"], env=env,
                              cwd=Path(__file__).parents[2], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    app.config["JOBS_INLINE"] = False
    try:
        yield "worker"
    finally:
        app.config["JOBS_INLINE"] = True
        worker.terminate()
        worker.wait(timeout=30)


def test_evaluate_download_appeal_resolve(browser, live_server, jobs, build):
    with build():
        shop = factories.org("dealer")
        shop_name, gm = shop.name, factories.user(shop, "general_manager").username
    base = live_server
    maker = browser.new_context(locale="zh-CN").new_page()
    login(maker, base, "admin")
    maker.goto(f"{base}/m/scorecards")
    maker.get_by_label("考评期间").fill(PERIOD)
    maker.get_by_role("button", name="开始考评").click()
    maker.wait_for_url(f"{base}/m/scorecards/*")
    evaluation_url = maker.url
    seen, rendered = set(), ""
    for _ in range(180):  # the page refreshes itself while the jobs run
        try:
            seen.add(maker.locator("[data-test=evaluate-status]").inner_text())
            rendered = maker.locator("[data-test=rendered]").inner_text()
            done, total = (int(x) for x in rendered.split("/"))
            if "已签发" in seen and total and done == total and maker.locator("[data-test=ranking-pdf]").count():
                break
            refreshing = maker.locator("meta[http-equiv=refresh]").count()
        except PlaywrightError:  # caught mid-refresh
            refreshing = 1
        maker.wait_for_timeout(1000)
        if not refreshing:
            maker.reload()
    else:
        raise AssertionError(f"the evaluation did not finish: {seen} {rendered}")
    assert maker.get_by_role("link", name=shop_name).is_visible()

    dealer = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    login(dealer, base, gm)
    dealer.get_by_role("link", name="考评").first.click()
    dealer.get_by_role("link", name=PERIOD).click()
    with dealer.expect_download() as download:
        dealer.locator("[data-test=pdf]").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    body = "".join(p.extract_text() for p in pdf.pages).replace(" ", "").replace("\n", "")
    assert shop_name in body and f"经销商客户营销考评{PERIOD}" in body and len(pdf.pages) == 2

    dealer.get_by_label("项目").select_option(label="回访及时率")
    dealer.get_by_label("申诉理由").fill("一月的两次回访按时完成，但录入晚了，请核实。")
    dealer.get_by_role("button", name="提交申诉").click()
    assert "申诉已提交" in dealer.locator(".alert").first.inner_text()
    assert dealer.locator("[data-test=appeal-status]").first.inner_text() == "待处理"

    maker.goto(f"{base}/m/appeals")
    maker.get_by_role("link", name=shop_name).first.click()
    row = maker.locator("[data-test=appeals] tr", has_text="一月的两次回访")
    row.get_by_label("处理结果").select_option(label="采纳")
    row.get_by_label("采纳后该项得分").fill("10")
    row.get_by_label("答复").fill("已核对通话记录，予以采纳。")
    row.get_by_role("button", name="处理申诉").click()
    assert "申诉已处理" in maker.locator(".alert").first.inner_text()
    assert maker.goto(evaluation_url).ok

    for _ in range(60):  # re-issued: the dealer sees the decision and, once rendered, the new PDF
        dealer.reload()
        dealer.wait_for_load_state()
        if "第 2 次签发" in dealer.content() and dealer.locator("[data-test=pdf]").count():
            break
        dealer.wait_for_timeout(1000)
    assert "已采纳" in dealer.locator("[data-test=appeal-status]").first.inner_text()
    assert "已核对通话记录" in dealer.content()
    with dealer.expect_download() as download:
        dealer.locator("[data-test=pdf]").click()
    assert download.value.suggested_filename.endswith("-r2.pdf")
