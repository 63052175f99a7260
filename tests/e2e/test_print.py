"""The plan, a customer and a scorecard print on A4 (Chromium's print to PDF, read back with
pypdf): what the page is about, without the navigation, buttons or forms. SCREENSHOTS_DIR keeps
the PDFs for a look (pdftoppm turns them into pictures)."""
import io
import os
import re
import unicodedata

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS_DIR")
A4 = (595.3, 841.9)  # points


def _printed(page, name) -> tuple[str, list]:
    data = page.pdf(format="A4", print_background=True)
    if SHOTS:
        with open(os.path.join(SHOTS, f"print-{name}.pdf"), "wb") as f:
            f.write(data)
    reader = PdfReader(io.BytesIO(data))
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    # NFKC: the extracted text may spell 里 as the Kangxi radical ⾥ it is drawn with
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages))
    return re.sub(r"\s+", "", text), sizes


def test_the_plan_a_customer_and_a_scorecard_print_on_a4(browser, live_server):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server, "gx-lz-001.gm")
        page.goto(f"{live_server}/d/callbacks/plans")
        page.locator('a[href*="/d/callbacks/plans/"]').first.click()
        page.wait_for_load_state()
        plan_title = page.locator("h1").inner_text().strip()
        first_customer = page.locator('table a[href*="/d/customers/"]').first.inner_text().strip()
        customer_href = page.locator('table a[href*="/d/customers/"]').first.get_attribute("href")
        text, sizes = _printed(page, "plan")
        assert first_customer.replace(" ", "") in text and plan_title.split("·")[0].replace(" ", "")[:4] in text
        page.goto(f"{live_server}{customer_href}")
        ctext, csizes = _printed(page, "customer")
        assert first_customer.replace(" ", "") in ctext
        page.goto(f"{live_server}/org/scorecards")
        page.locator('a[href*="/org/scorecards/"]').first.click()
        page.wait_for_load_state()
        stext, ssizes = _printed(page, "scorecard")
        assert "考评" in stext
        for t, s in ((text, sizes), (ctext, csizes), (stext, ssizes)):
            assert all(abs(w - A4[0]) < 1.5 and abs(h - A4[1]) < 1.5 for w, h in s), s
            assert "退出" not in t and "账号安全" not in t and "待办" not in t, "no navigation on paper"
            assert "筛选" not in t and "提交" not in t, "no forms or buttons on paper"
    finally:
        context.close()
