"""Where the signal ends, in Chromium at 390 × 844: the day's due list and a callback form opened
with a connection still open without one (the service worker's copies); a callback recorded
offline waits on the phone as "待同步 1" and is recorded exactly once when the connection
returns; no page wider than the screen."""
import uuid

import pytest
from sqlalchemy import func, select

from tenant_app.extensions import db
from tenant_app.models import Callback, Network
from tenant_app.tenancy import use_network
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def _recorded(app, text: str) -> int:
    with app.app_context():
        use_network(db.session, db.session.scalar(select(Network.id).where(Network.code == "liuqi")))
        n = db.session.scalar(select(func.count(Callback.id)).where(Callback.result == text))
        db.session.remove()
    return n


def test_a_callback_recorded_offline_is_sent_once_when_the_signal_returns(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, service_workers="allow")
    page = context.new_page()
    text = f"矿场里没有信号，离线记录 {uuid.uuid4().hex[:6]}"
    try:
        log_in(page, live_server, "gx-lz-001.sales1")
        page.goto(f"{live_server}/d/callbacks")
        assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now under the worker's control: the list is kept
        assert page.evaluate("navigator.serviceWorker.controller !== null")
        page.locator('[data-test="due"] tbody tr').first.locator("a.btn").click()
        page.wait_for_url("**/callbacks/new**")
        form_url = page.url

        context.set_offline(True)
        page.goto(f"{live_server}/d/callbacks")  # the day's list, from the phone
        assert page.locator('[data-test="due"] tbody tr').count() > 0
        page.goto(form_url)
        page.select_option('[name="method"]', "phone")
        page.fill('[name="result"]', text)
        page.get_by_role("button", name="保存回访").click()
        badge = page.locator('[data-test="pending-sync"]')
        badge.wait_for(state="visible")
        assert badge.inner_text().split() == ["待同步", "1"]
        assert "已保存在手机上" in page.locator('[data-test="offline-status"]').inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert _recorded(live_server.app, text) == 0

        context.set_offline(False)
        badge.wait_for(state="hidden")
        page.locator('[data-test="offline-status"]').filter(has_text="已同步").wait_for()
        assert _recorded(live_server.app, text) == 1
        page.reload()  # a later page load finds nothing left to send
        page.wait_for_load_state("networkidle")
        assert _recorded(live_server.app, text) == 1 and not badge.is_visible()
    finally:
        context.close()


def test_an_item_done_while_offline_is_shown_as_a_conflict_until_dismissed(browser, live_server):
    from urllib.parse import parse_qs, urlparse

    from tenant_app.models import CallbackItem
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, service_workers="allow")
    page = context.new_page()
    text = f"离线期间同事已回访 {uuid.uuid4().hex[:6]}"
    try:
        log_in(page, live_server, "gx-lz-001.sales2")
        page.goto(f"{live_server}/d/callbacks")
        page.locator('[data-test="due"] tbody tr').first.locator("a.btn").click()
        page.wait_for_url("**/callbacks/new**")
        item_id = int(parse_qs(urlparse(page.url).query)["item_id"][0])
        context.set_offline(True)
        page.select_option('[name="method"]', "phone")
        page.fill('[name="result"]', text)
        page.get_by_role("button", name="保存回访").click()
        page.locator('[data-test="pending-sync"]').wait_for(state="visible")
        with live_server.app.app_context():  # a colleague records it meanwhile
            use_network(db.session, db.session.scalar(select(Network.id).where(Network.code == "liuqi")))
            db.session.get(CallbackItem, item_id).status = "done"
            db.session.commit()
            db.session.remove()
        context.set_offline(False)
        conflict = page.locator('[data-test="conflict"]')
        conflict.wait_for()
        assert "已经完成" in conflict.inner_text() and not page.locator('[data-test="pending-sync"]').is_visible()
        assert _recorded(live_server.app, text) == 0
        page.reload()
        conflict.wait_for()  # kept on the phone until dismissed
        conflict.get_by_role("button", name="知道了").click()
        conflict.wait_for(state="detached")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
