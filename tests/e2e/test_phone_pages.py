"""A sales manager's pages on a 390 × 844 phone: lists as cards, filters folded behind one
button, no page wider than the screen, numbers to tap. SCREENSHOTS_DIR keeps the pictures."""
import os

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS_DIR")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


# visible cells holding two or more characters but narrower than two of them: text one character a line
SQUEEZED = """() => Array.from(document.querySelectorAll('td, th')).filter(c => {
  const r = c.getBoundingClientRect(), text = c.innerText.trim();
  return r.width > 0 && r.height > 0 && text.length >= 2 && !/^[\\d.\\s/%-]+$/.test(text)
    && r.width < 2 * parseFloat(getComputedStyle(c).fontSize);
}).map(c => c.innerText.trim().slice(0, 12))"""


def _fits(page, name):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} is wider than the phone"
    squeezed = page.evaluate(SQUEEZED)
    assert not squeezed, f"{name}: cells squeezed to one character a line: {squeezed[:6]}"
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"phone-{name}.png"), full_page=True)


def test_a_sales_managers_lists_on_a_phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server, "gx-lz-001.sales1")
        page.goto(f"{live_server}/d/callbacks")
        due_now = int(page.locator('[data-test="due-now"]').inner_text())
        rows = page.locator('[data-test="due"] tbody tr')
        assert rows.count() == min(due_now, 50) > 0, "the list opens on today and overdue, with their count"
        assert page.evaluate("getComputedStyle(document.querySelector('[data-test=due] tbody tr')).display") == "block"
        assert not page.locator("#due-filters").is_visible(), "the filters fold behind one button"
        page.locator('[data-test="toggle-due-filters"]').click()
        page.locator("#due-filters").wait_for(state="visible")
        action = rows.first.locator("a.btn")
        assert action.bounding_box()["height"] >= 44
        _fits(page, "due")
        page.goto(f"{live_server}/d/callbacks?when=all")
        _fits(page, "due-all")
        action_href = None
        page.goto(f"{live_server}/d/callbacks")
        action_href = rows.first.locator("a.btn").get_attribute("href")
        page.goto(f"{live_server}{action_href}")
        tel = page.locator('[data-test="dial"] a.tel')
        assert tel.get_attribute("href").startswith("tel:") and tel.bounding_box()["height"] >= 44
        assert page.locator('[data-test="dial"] a.sms').get_attribute("href").startswith("sms:")
        steps = page.locator('[data-test="steps"] label.step-check')
        assert steps.count() >= 5 and all(steps.nth(i).bounding_box()["height"] >= 44 for i in range(steps.count()))
        level = page.locator('[data-test="intent-level"]')
        assert level.inner_text() == "无"
        page.locator('[name="has_intent"]').check()
        page.select_option('[name="when"]', "6m")
        assert level.inner_text() == "2级", "the intent's level shown as it is derived"
        steps.first.click()
        assert steps.first.locator("input").is_checked(), "tapping the line ticks the box"
        _fits(page, "record")
        page.goto(f"{live_server}/d/callbacks/calendar")
        assert not page.locator('[data-test="calendar"]').is_visible(), "no month grid on a phone"
        agenda = page.locator('[data-test="agenda"] .agenda-day')
        assert agenda.count() > 0 and agenda.first.locator("a.agenda-item").count() > 0, "a day per row"
        _fits(page, "calendar")
        page.goto(f"{live_server}/d/customers")
        assert not page.locator("#ledger-filters").is_visible() and page.locator('main input[name="q"]').is_visible()
        first = page.locator('[data-test="ledger"] tbody tr').first
        assert first.evaluate("r => getComputedStyle(r).display") == "block", "a customer is a card"
        assert first.bounding_box()["y"] < 844 * 1.5, "the first customer is near the top, not below nine filters"
        assert first.locator("a.tel").count() == 1, "the number is there to tap"
        _fits(page, "ledger")
    finally:
        context.close()


@pytest.mark.parametrize("who,home,urls", [
    ("gx-lz-001.gm", "/d/", ["/d/opportunities", "/d/tasks", "/d/events", "/d/expenses"]),
    ("sv-lz-01.mgr", "/s/", ["/s/repairs", "/s/callbacks"]),
    ("admin", "/m/", ["/m/alerts", "/m/dealers"]),
])
def test_every_list_is_cards_on_a_phone(browser, live_server, who, home, urls):
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server, who, home=home)
        for url in urls:
            page.goto(f"{live_server}{url}")
            name = url.strip("/").replace("/", "-")
            _fits(page, name)
            rows = page.locator("table.table-cards tbody tr")
            if rows.count():
                assert rows.first.evaluate("r => getComputedStyle(r).display") == "block", url
                labelled = rows.first.locator("td[data-label]")
                assert labelled.count() >= 1, f"{url}: the card's lines say what they are"
                for i in range(labelled.count()):
                    cell = labelled.nth(i)
                    if cell.is_visible():
                        assert cell.bounding_box()["width"] >= 24, f"{url}: a cell squeezed to a sliver"
    finally:
        context.close()
