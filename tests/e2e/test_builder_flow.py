"""A body-builder in Chromium: a co-development project through to its published 公告;
then a dealer finds the product in the special-vehicle catalogue."""
from datetime import date

import pytest

from tests import factories
from tests.e2e.test_scorecard_flow import login

pytestmark = pytest.mark.e2e


def test_project_to_announcement_to_catalogue(browser, live_server, build):
    with build():
        org = factories.org("bodybuilder")
        builder_name, manager = org.name, factories.user(org, "manager").username
    base = live_server
    builder = browser.new_context(locale="zh-CN").new_page()
    login(builder, base, manager)
    builder.goto(f"{base}/b/projects")
    builder.get_by_label("项目名称").fill("30 方铝合金运油半挂车")
    builder.get_by_label("专用车类型").select_option(label="罐式车")
    builder.get_by_label("底盘车型").fill("乘龙 H7 6×4 牵引车")
    builder.get_by_label("主要技术参数").fill("罐体 5083 铝合金，三仓，容积 30 m³")
    builder.get_by_role("button", name="创建").click()
    assert "项目已创建" in builder.locator(".alert").first.inner_text()
    for stage in ("设计", "样车", "公告申报"):
        builder.get_by_label("推进到").select_option(label=stage)
        builder.get_by_role("button", name="推进阶段").click()
        assert builder.locator("[data-test=stage]").inner_text() == stage
    builder.get_by_label("推进到").select_option(label="公告发布")
    builder.get_by_label("公告批次/编号").fill("第382批")
    builder.get_by_label("公告发布日期").fill(date.today().isoformat())
    builder.get_by_role("button", name="推进阶段").click()
    assert builder.locator("[data-test=stage]").inner_text() == "公告发布"
    assert "已进入专用车目录" in builder.content()

    dealer = browser.new_context(locale="zh-CN").new_page()
    login(dealer, base, "gx-lz-001.sales1")
    dealer.get_by_role("link", name="专用车目录").click()
    dealer.get_by_role("link", name="30 方铝合金运油半挂车").click()
    product = dealer.locator("[data-test=product]").inner_text()
    assert "第382批" in product and builder_name in product and "三仓" in product
