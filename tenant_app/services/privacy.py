"""Personal data shown only as far as a role needs it."""
import re
import unicodedata

from .phones import MOBILE, NotAPhone, area_length, normalise_phone


def mask_phone(phone: str | None) -> str:
    """What a role that may not see the number sees: 138****5678 for a mobile, the area
    code and the last four for a landline (0772****0000), the last four otherwise."""
    if not phone:
        return ""
    try:
        digits = normalise_phone(phone)
    except NotAPhone:
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
        return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 11 else "*" * len(digits)
    if MOBILE.fullmatch(digits) or (len(digits) == 10 and digits.startswith(("400", "800"))):
        return f"{digits[:3]}****{digits[-4:]}"
    if digits.startswith("0"):
        return f"{digits[:area_length(digits)]}****{digits[-4:]}"
    if digits.startswith("+"):
        return f"{digits[:3]}****{digits[-4:]}"
    return f"****{digits[-4:]}"
