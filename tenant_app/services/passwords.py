"""Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane); Werkzeug's scrypt default is below it."""
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, username: str = "") -> str | None:
    """A plain reason the password is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return _l("密码至少 %(n)s 位。", n=MIN_LENGTH)
    if password.isdigit() or password.isalpha():
        return _l("密码须同时包含字母和数字或符号。")
    if username and username.lower() in password.lower():
        return _l("密码不能包含用户名。")
    return None


def temporary_password() -> str:
    """A one-time password the user must change at first login."""
    return "Tmp-" + secrets.token_urlsafe(9)
