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


FULL_WIDTH = set("：，（）。；！？、")  # curly quotes are English typography too


def test_english_strings_have_no_full_width_punctuation():
    """“Calculation：” in English mode: an English msgstr uses ASCII punctuation."""
    with open(ROOT / "tenant_app/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    bad = []
    for m in catalog:
        strings = m.string if isinstance(m.string, (list, tuple)) else [m.string]
        bad += [(m.id, s) for s in strings if s and FULL_WIDTH & set(s)]
    assert not bad, f"full-width punctuation in English: {bad[:10]}"


def test_no_full_width_punctuation_glued_to_a_translated_string_in_templates():
    """`{{ _('计算') }}：` shows “Calculation：” in English: the punctuation is translated too."""
    import re
    glued = re.compile(r"_\('[^']*'[^)]*\)\s*\}\}[：，（）。]")
    found = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "tenant_app").rglob("*.html")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if glued.search(line)]
    assert not found, found
