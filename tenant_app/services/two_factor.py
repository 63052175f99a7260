"""The optional second factor: a TOTP code from an authenticator app (RFC 6238, pyotp), or one
of ten single-use recovery codes. A network may require it of the maker's network administrators."""
from __future__ import annotations

import hashlib
import hmac
import io
import secrets

import pyotp
import segno
from flask_babel import lazy_gettext as _l

from ..models import User
from ..models.base import utcnow
from . import audit
from .errors import DomainError
from .passwords import verify_password

ISSUER = "客户营销联合组织"
RECOVERY_CODES = 10


class TwoFactorError(DomainError):
    pass


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=f"{user.username}@{user.network.code}", issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The provisioning URI as an SVG QR code (a data URI for an <img>, allowed by the CSP)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False)
    return out.getvalue().decode()


def _code(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isalnum()).lower()


def _hash(code: str) -> str:
    return hashlib.sha256(_code(code).encode()).hexdigest()


def required_of(user: User) -> bool:
    return user.network.admin_totp_required and user.has_role("network_admin") and user.org.kind == "manufacturer"


def enable(user: User, secret: str, code: str) -> list[str]:
    """Confirm the app shows the right code, then keep the secret; the recovery codes, shown once."""
    if not pyotp.TOTP(secret).verify(_code(code), valid_window=1):
        raise TwoFactorError(_l("验证码不正确，请核对手机上的时间后重试。"))
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    user.totp_secret, user.totp_enabled_at, user.recovery_codes = secret, utcnow(), [_hash(c) for c in codes]
    audit.record("totp_enabled", network_id=user.network_id, obj=user, summary=user.username)
    return codes


def disable(user: User, password: str) -> None:
    if not verify_password(user.password_hash, password or ""):
        raise TwoFactorError(_l("当前密码不正确。"))
    if required_of(user):
        raise TwoFactorError(_l("本网络要求网络管理员使用两步验证，不能关闭。"))
    user.totp_secret, user.totp_enabled_at, user.recovery_codes = "", None, []
    audit.record("totp_disabled", network_id=user.network_id, obj=user, summary=user.username)


def check(user: User, code: str) -> bool:
    """A current TOTP code, or an unused recovery code (then used up)."""
    if not user.totp_enabled_at:
        return False
    if pyotp.TOTP(user.totp_secret).verify(_code(code), valid_window=1):
        return True
    digest = _hash(code)
    left = [h for h in user.recovery_codes if not hmac.compare_digest(h, digest)]
    if len(left) < len(user.recovery_codes):
        user.recovery_codes = left
        audit.record("recovery_code_used", network_id=user.network_id, obj=user,
                     summary=f"{len(left)} left")
        return True
    return False
