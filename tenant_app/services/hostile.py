"""What counts as hostile in what people send, for the forms, the request arguments and the
services alike: numbers past the database's integer, and bidirectional controls in text."""
from __future__ import annotations

import re

INT_LIMIT = 2**31 - 1  # the database's integer
# Bidirectional controls reorder what the next reader sees ("‮gpj.exe" reads as "exe.jpg").
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def db_int(value) -> int:
    """A whole number the database's integer holds: for coerce= of select fields and type= of
    request arguments (a ValueError is what both treat as "not a number")."""
    number = int(value)
    if not -INT_LIMIT <= number <= INT_LIMIT or not str(value).strip().lstrip("+-").isascii():
        raise ValueError(value)
    return number
