"""English mode speaks English: the choices of every form (vocabularies, fixed options) come from the
catalog; what people typed (names, places, the maker's brand) stays as written."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parents[2] / "tenant_app/translations/en/LC_MESSAGES/messages.po"
# a user made for the test in each party (switching the language is kept on the user)
PAGES = {("GX-LZ-001", "general_manager"): ["/d/events", "/d/customers/new", "/d/expenses", "/d/callbacks/plans",
                                            "/d/opportunities"],
         ("BB-LZ-01", "manager"): ["/b/projects", "/b/events"],
         ("SV-LZ-01", "manager"): ["/s/repairs", "/s/callbacks"],
         ("HQ", "network_admin"): ["/m/training", "/m/announcements", "/m/orgs/new", "/m/users/new", "/m/scorecards"]}


with open(CATALOG, "rb") as f:
    FIXED = {m.id for m in read_po(f) if m.id and isinstance(m.id, str)}


def _options(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", o).strip() for o in re.findall(r"<option[^>]*>(.*?)</option>", html, flags=re.S)]


@pytest.mark.parametrize("who", sorted(PAGES))
def test_form_choices_are_english(login_as, new_user, who):
    client = login_as(new_user(*who).username)
    client.post("/lang/en", data={"next": "/"})
    for path in PAGES[who]:
        html = client.get(path).get_data(as_text=True)
        chinese = [o for o in _options(html) if o in FIXED]  # still the Chinese of a message
        assert not chinese, f"{path} in English offers {chinese[:8]}"


def _texts(html: str) -> list[str]:
    body = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return [t.strip() for t in re.split(r"<[^>]+>", body) if t.strip()]


# catalog sentences with placeholders, as patterns: "申诉期已于 %(day)s 结束。" finds its filled-in text too
PATTERNS = [re.compile("^" + re.sub(r"%\\\(\w+\\\)[sd]", ".+?", re.escape(m)) + "$") for m in FIXED if "%(" in m]


def test_the_makers_dealer_pages_say_every_sentence_in_english(login_as, new_user, world, build):
    """No sentence of the catalog left in Chinese on the pages a maker's auditor reads about a dealer."""
    from tests import factories
    with build() as s:
        dealer = factories.org("dealer", province="广西", city="柳州")
        s.flush()
        org_id = dealer.id
    client = login_as(new_user("HQ", "network_admin").username)
    client.post("/lang/en", data={"next": "/"})
    from tenant_app.vocab import PREPARATION_ITEMS
    refused = client.post(f"/m/dealers/{org_id}/preparation", data={"audited_on": "2026-11-02", "remark": "下月复查"})
    assert "For items not in place, state what is missing." in refused.get_data(as_text=True)
    audit = {f"item-{i}": "1" for i in PREPARATION_ITEMS if i != "office"}
    client.post(f"/m/dealers/{org_id}/preparation",
                data={"audited_on": "2026-11-02", "note-office": "办公室在装修", "remark": "下月复查", **audit})
    for path in (f"/m/dealers/{org_id}/preparation", "/m/dealers", "/m/scorecards", "/m/alerts", "/m/surveys",
                 f"/m/surveys/{org_id}", f"/m/dealers/{org_id}/verification",
                 f"/m/surveys/{world['orgs'][('liuqi', 'SV-LZ-01')]['id']}"):  # the demo's disagreeing answer
        texts = _texts(client.get(path).get_data(as_text=True))
        assert "下月复查" in texts or not path.endswith("preparation"), "the audit is on the page, as written"
        left = [t for t in texts if t in FIXED or any(p.match(t) for p in PATTERNS)]
        assert not left, f"{path} in English still says {left[:8]}"
