"""The customer's survey page on a 390 × 844 phone, without logging in: it fits the screen, its
choices are 44-px targets, it takes one answer, and a reused or altered link gets a clear page.
SCREENSHOTS_DIR keeps the pictures."""
import os
from datetime import date

import pytest
from sqlalchemy import select

from tests.e2e.test_phone_pages import PHONE
from tests.web.test_surveys import make_repair

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS_DIR")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"phone-survey-{name}.png"), full_page=True)


def _fits(page, name):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} is wider than the phone"
    _shot(page, name)


def test_the_survey_on_a_phone_without_login(browser, live_server, build):
    from tenant_app.extensions import db
    from tenant_app.models import Organisation
    from tenant_app.services import surveys

    with build() as s:
        sv = s.scalar(select(Organisation).where(Organisation.code == "SV-LZ-01"))
        survey = make_repair(sv, staff=4, owner="李四", phone="13955556666")
        s.flush()
        sid, nid = survey.id, survey.network_id
    with live_server.app.test_request_context():
        from tenant_app.models import CustomerSurvey
        from tenant_app.tenancy import use_network
        use_network(db.session, nid)
        token = surveys.token_for(db.session.get(CustomerSurvey, sid))
        db.session.remove()
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    try:
        resp = page.goto(f"{live_server}/s/{token}")
        assert resp.status == 200 and "/login" not in page.url
        assert page.locator('[data-test="vehicle"]').inner_text().count("乘龙 H5") == 1
        assert "李四" not in page.content() and "13955556666" not in page.content()
        _fits(page, "form")
        heights = page.evaluate("Array.from(document.querySelectorAll('.survey-choice')).map(e => e.getBoundingClientRect().height)")
        assert heights and min(heights) >= 44, heights
        button = page.get_by_role("button", name="提交评价").bounding_box()
        assert button["height"] >= 44 and button["x"] + button["width"] <= 390
        forged = page.request.post(f"{live_server}/s/{token}", form={"score": "1"})
        assert forged.status == 400, "a post without the form's CSRF token is refused"
        page.get_by_label("满意", exact=True).check()
        page.get_by_label("是", exact=True).check()
        page.get_by_role("textbox").fill("服务很好")
        page.get_by_role("button", name="提交评价").click()
        page.wait_for_selector('[data-test="thanks"]')
        _fits(page, "thanks")
        again = page.goto(f"{live_server}/s/{token}")
        assert again.status == 410 and page.locator('[data-test="refused"]').get_attribute("data-reason") == "used"
        _fits(page, "used")
        altered = page.goto(f"{live_server}/s/{token[:-4]}AAAA")
        assert altered.status == 404 and page.locator('[data-test="refused"]').is_visible()
        _fits(page, "altered")
    finally:
        context.close()
    with build() as s:
        from tenant_app.models import CustomerSurvey
        kept = s.get(CustomerSurvey, sid)
        assert (kept.score, kept.resolved, kept.comment) == (4, True, "服务很好")


def test_the_makers_survey_rates_on_a_phone(browser, live_server):
    from tests.e2e.conftest import log_in
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server, "admin", home="/m/")
        page.goto(f"{live_server}/m/surveys?sort=answered")
        assert page.locator('[data-test="survey-rates"] tbody tr').count() > 0
        _fits(page, "maker-rates")
        page.locator('[data-test="survey-rates"] tbody tr a').first.click()
        page.wait_for_load_state()
        _fits(page, "maker-org")
    finally:
        context.close()
