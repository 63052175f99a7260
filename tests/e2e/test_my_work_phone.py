"""The home page's work on a 390 × 844 phone: the 待办 count in reach without opening the menu,
every item a row a thumb can hit, nothing wider than the screen. Set SCREENSHOTS_DIR to keep
the pictures (phone and desktop) for a look."""
import os

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS_DIR")


@pytest.mark.parametrize("who,home", [("gx-lz-001.sales1", "/d/"), ("supervisor", "/m/"), ("sv-lz-01.mgr", "/s/")])
def test_my_work_on_a_phone(browser, live_server, who, home):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        log_in(page, live_server, who, home=home)
        badge = page.locator('[data-test="due-badge"]')
        assert badge.is_visible(), "the count is in reach without opening the menu"
        count = int(badge.locator("b").inner_text())
        assert count > 0, f"{who} has work due in the demo"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        rows = page.locator(".my-work .work-item")
        assert rows.count() > 0
        for i in range(rows.count()):
            box = rows.nth(i).bounding_box()
            assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"home-{who}-phone.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
            page.screenshot(path=os.path.join(SHOTS, f"home-{who}-desktop.png"), full_page=True)
        rows.first.click()
        page.wait_for_load_state()
        assert page.url != f"{live_server}{home}", "an item opens its record"
    finally:
        context.close()
