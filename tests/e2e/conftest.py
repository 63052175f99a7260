"""A live server on a free loopback port and Debian's Chromium driven by Playwright."""
import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import app_config

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def live_server(app, database_urls):
    from tenant_app import create_app

    live = create_app(app_config(*database_urls, WTF_CSRF_ENABLED=True))  # real CSRF in the browser
    server = make_server("127.0.0.1", 0, live, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", live)
    server.shutdown()


class LiveServer(str):
    """The base URL, carrying the app it serves (a test may switch it to RQ workers)."""

    def __new__(cls, url, app):
        obj = super().__new__(cls, url)
        obj.app = app
        return obj


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"{CHROMIUM} missing: `make test` installs Debian's chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def log_in(page, base: str, username: str, network: str = "liuqi", home: str = "/d/") -> None:
    """The login form as a person fills it, then wait for the party's home page."""
    page.goto(f"{base}/login")
    page.get_by_label("企业代码").fill(network)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Demo@2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}{home}")
