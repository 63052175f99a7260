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
