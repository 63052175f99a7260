"""A dealer logs in, sees the home in Chinese, switches to English, logs out; a wrong password is explained."""
import pytest

from tests import factories

pytestmark = pytest.mark.e2e


def _fill_login(page, base, username, password, network="liuqi"):
    page.goto(f"{base}/login")
    page.get_by_label("企业代码").fill(network)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_dealer_logs_in_switches_language_and_logs_out(page, live_server, build):
    with build():
        shop = factories.org("dealer")
        sales = factories.user(shop, "sales_manager")
        shop_name, username, name = shop.name, sales.username, sales.name
    _fill_login(page, live_server, username, factories.PASSWORD)
    page.wait_for_url(f"{live_server}/d/")
    assert page.locator("[data-test=home-title]").inner_text().startswith(shop_name)
    assert page.get_by_role("heading", name="本方职责").is_visible()
    assert name in page.locator("[data-test=whoami]").inner_text() and name.startswith("业务经理 ")

    page.locator("[data-test=lang]").click()
    page.wait_for_url(f"{live_server}/d/")
    assert page.get_by_role("heading", name="Our duties").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Sales manager" in page.locator("[data-test=whoami]").inner_text()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server}/login")
    assert page.get_by_text("You have been logged out.").is_visible()
    page.goto(f"{live_server}/d/")
    assert page.url.startswith(f"{live_server}/login")


def test_wrong_password_shows_a_clear_message(page, live_server):
    _fill_login(page, live_server, "gx-lz-001.sales2", "not-the-password")
    alert = page.locator(".alert-danger")
    alert.wait_for()
    assert "企业代码、用户名或密码不正确" in alert.inner_text()
    assert page.url.startswith(f"{live_server}/login")
