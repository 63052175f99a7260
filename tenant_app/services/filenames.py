"""Names of uploaded files as people will read them again: no path, no control or bidirectional
characters (which could make "‮gpj.exe" read as "exe.jpg"), shortened without losing the extension."""
from __future__ import annotations

import os
import re
import unicodedata

from .hostile import BIDI_CONTROLS

INVISIBLE = re.compile(f"{BIDI_CONTROLS.pattern}|[\u200e\u200f]")  # and the left/right-to-left marks


def display_name(filename: str | None, limit: int = 120) -> str:
    name = os.path.basename((filename or "").replace("\\", "/"))
    name = INVISIBLE.sub("", name)
    name = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in name)
    name = " ".join(name.split())
    if len(name) <= limit:
        return name
    stem, ext = os.path.splitext(name)
    ext = ext[:16]
    return stem[: limit - len(ext)].rstrip() + ext
