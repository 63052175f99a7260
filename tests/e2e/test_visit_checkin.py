"""A sales manager at the customer's yard, on a 390 × 844 phone: checks in (geolocation granted)
with a photo from the camera, records the callback, and the check-in is there with its photo."""
import io

import pytest
from PIL import Image
from sqlalchemy import select

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_a_visit_checked_in_from_a_phone(browser, live_server, in_network, world):
    from tenant_app.models import Callback, VisitCheckIn
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, geolocation={"latitude": 24.3264, "longitude": 109.4281,
                                                               "accuracy": 15}, permissions=["geolocation"])
    page = context.new_page()
    photo = io.BytesIO()
    Image.new("RGB", (1200, 900), (90, 140, 60)).save(photo, "JPEG")
    try:
        log_in(page, live_server, "gx-lz-001.sales1")
        page.goto(f"{live_server}/d/callbacks")
        page.locator('[data-test="due"] tbody tr a.btn').first.click()
        page.select_option('[name="method"]', "visit")
        assert page.locator('[data-test="checkin"]').is_visible()
        page.locator('[data-test="locate"]').click()
        page.locator('[data-test="geo-state"]').filter(has_text="已定位").wait_for()
        page.set_input_files('input[name="photos"]', files=[{"name": "yard.jpg", "mimeType": "image/jpeg",
                                                             "buffer": photo.getvalue()}])
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_role("button", name="保存回访").click()
        page.get_by_text("回访已记录").wait_for()
        customer_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    finally:
        context.close()
    with in_network(world["networks"]["liuqi"]) as s:
        checkin = s.scalar(select(VisitCheckIn).join(Callback).where(Callback.customer_id == customer_id)
                           .order_by(VisitCheckIn.id.desc()))
        assert checkin.status == "located" and abs(checkin.lat - 24.3264) < 1e-6 and checkin.accuracy_m == 15
        assert len(checkin.photos) == 1 and checkin.photos[0].width == 1200
