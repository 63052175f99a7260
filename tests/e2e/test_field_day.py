"""A sales manager's day on a 390 × 844 phone, at the customer's gate: home → today's list → the
customer (a number to tap) → check in (position granted) with a photo → the callback, worth
following with an intent → its opportunity → a negotiation round. No page wider than the screen."""
import io
from datetime import date

import pytest
from PIL import Image

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_a_sales_managers_day_on_a_phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, geolocation={"latitude": 24.3264, "longitude": 109.4281,
                                                               "accuracy": 20}, permissions=["geolocation"])
    page = context.new_page()
    photo = io.BytesIO()
    Image.new("RGB", (900, 1200), (120, 120, 160)).save(photo, "JPEG")
    try:
        log_in(page, live_server, "gx-lz-001.sales2")
        _fits(page)
        page.locator('[data-test="work-callbacks"] .work-more').click()  # today's list, whole
        page.wait_for_url("**/d/callbacks**")
        _fits(page)
        card = page.locator('[data-test="due"] tbody tr').first
        name = card.locator(".card-title-cell a").inner_text().strip()
        card.locator(".card-title-cell a").click()
        page.wait_for_url("**/d/customers/*")
        assert page.locator('[data-test="phone"] a.tel').get_attribute("href").startswith("tel:")
        _fits(page)
        page.go_back()
        page.locator('[data-test="due"] tbody tr').first.locator("a.btn").click()
        page.wait_for_url("**/callbacks/new**")
        page.select_option('[name="method"]', "visit")
        page.locator('[data-test="locate"]').click()
        page.locator('[data-test="geo-state"]').filter(has_text="已定位").wait_for()
        page.set_input_files('input[name="photos"]', files=[{"name": "gate.jpg", "mimeType": "image/jpeg",
                                                             "buffer": photo.getvalue()}])
        page.locator('[data-test="steps"] label.step-check').first.click()
        page.locator('[name="worth_following"]').check()
        page.locator('[name="has_intent"]').check()
        page.select_option('[name="when"]', "3m")
        assert page.locator('[data-test="intent-level"]').inner_text() == "1级"
        page.fill('[name="intent_model"]', "乘龙H7 牵引车")
        page.fill('[name="intent_quantity"]', "3")
        _fits(page)
        page.get_by_role("button", name="保存回访").click()
        page.get_by_text("回访已记录").wait_for()
        assert name in page.locator("h1").inner_text()
        page.goto(f"{live_server}/d/opportunities")
        page.locator("table a", has_text=name).first.click()
        page.wait_for_url("**/d/opportunities/*")
        _fits(page)
        page.fill('[name="held_on"]', date.today().isoformat())
        page.fill('[name="objections"]', "价格偏高，担心油耗")
        page.fill('[name="next_step"]', "带客户试驾")
        page.get_by_role("button", name="保存").first.click()
        page.locator('[data-test="rounds"]').filter(has_text="价格偏高").wait_for()
        _fits(page)
    finally:
        context.close()
