"""Names of uploaded files as people will read them again: no path, no control or bidirectional
characters (which could make "‮gpj.exe" read as "exe.jpg"), shortened without losing the extension."""
from __future__ import annotations

import os
import re
import unicodedata

INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")


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
