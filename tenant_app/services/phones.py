"""Phone numbers as people type them → one stored form, shown grouped (DOMAIN.md §2).

Stored: digits only. A mobile is its 11 digits (13812345678): full-width digits folded,
+86 / 0086 and separators removed. A landline keeps its area code (07723100000: 0772 and
3100000; the area code is 3 digits for 010 and 02x, 4 otherwise); a local number typed
without one stays as typed (3100000); 400/800 service numbers are 10 digits; a number of
another country keeps its + and country code. Anything else is not a phone.
Pure functions: property-tested (tests/unit/test_phones.py).
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from .errors import DomainError

# What may stand between digits: spaces, dashes of every width, brackets, dots, slashes.
_DECORATION = re.compile(r"[\s\-–—‐‑()（）.·/]")
MOBILE = re.compile(r"1[3-9]\d{9}")
# Two numbers in one cell, as ledgers have them: 138…/139…, 138…、139…
_SEPARATORS = re.compile(r"[/、,，;；]|\s{2,}")


class NotAPhone(DomainError):
    def __init__(self, text: str):
        self.text = text
        super().__init__(str(_l("电话“%(v)s”不是电话号码（手机 11 位，座机需带区号）。", v=text)))


def area_length(digits: str) -> int:
    """010 and 02x have 3-digit area codes; every other area code (0xxx) has 4."""
    return 3 if digits[1] in "12" else 4


def normalise_phone(text) -> str:
    """The stored form of text ('' when empty); NotAPhone when it is not a phone."""
    raw = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()
    if not raw:
        return ""
    body = _DECORATION.sub("", raw)
    plus = body.startswith("+")
    if plus:
        body = body[1:]
    if not body.isdigit() or not body.isascii():
        raise NotAPhone(raw)
    if body.startswith("0086"):
        body, plus = body[4:], True
    elif plus and body.startswith("86"):
        body = body[2:]
    elif plus:
        if 7 <= len(body) <= 15:  # another country's number, kept whole
            return "+" + body
        raise NotAPhone(raw)
    elif len(body) == 13 and body.startswith("86") and MOBILE.fullmatch(body[2:]):
        body = body[2:]  # 86 13812345678 typed without its +
    if plus and body and not body.startswith(("0", "1")):
        body = "0" + body  # +86 772 3100000: the trunk 0 of the area code is left out abroad
    if MOBILE.fullmatch(body):
        return body
    if body.startswith("0") and len(body) >= 3 and body[1] != "0":
        local = len(body) - area_length(body)
        if (area_length(body) == 3 and local == 8) or (area_length(body) == 4 and local in (7, 8)):
            return body
        raise NotAPhone(raw)
    if len(body) == 10 and body.startswith(("400", "800")):
        return body
    if not plus and len(body) in (7, 8) and body[0] not in "01":
        return body  # a local number typed without its area code
    raise NotAPhone(raw)


def split_phones(text) -> list[str]:
    """One cell's numbers: '138… / 139…' is two. Each part as typed (not yet normalised)."""
    raw = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()
    if not raw:
        return []
    parts = [p.strip() for p in _SEPARATORS.split(raw) if p.strip()]
    return parts if len(parts) > 1 else [raw]


def is_normalised(phone: str) -> bool:
    try:
        return normalise_phone(phone) == phone
    except NotAPhone:
        return False


def _group(local: str) -> str:
    return f"{local[:-4]} {local[-4:]}" if len(local) > 4 else local


def format_phone(phone: str | None) -> str:
    """138 1234 5678, 0772 310 0000, 020 8888 1234, 400 800 1234; a value stored before
    phones were normalised (or another country's) is shown as it is."""
    if not phone:
        return ""
    if not is_normalised(phone) or phone.startswith("+"):
        return phone
    if MOBILE.fullmatch(phone):
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if phone.startswith("0"):
        n = area_length(phone)
        return f"{phone[:n]} {_group(phone[n:])}"
    if len(phone) == 10:
        return f"{phone[:3]} {phone[3:6]} {phone[6:]}"
    return _group(phone)
