"""Personal data shown only as far as a role needs it."""
import re


def mask_phone(phone: str | None) -> str:
    """138****1234 for mobiles; landlines keep area code and last four."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"
