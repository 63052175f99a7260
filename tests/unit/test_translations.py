"""Every user-facing string in the code has its English translation."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_english_catalog_is_complete(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-k", "N_", "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with open(ROOT / "tenant_app/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        catalog = {m.id: m.string for m in read_po(f) if m.id}
    untranslated = sorted(m for m in wanted if not catalog.get(m))
    assert len(wanted) > 100
    assert not untranslated, f"add English for: {untranslated[:10]}"
