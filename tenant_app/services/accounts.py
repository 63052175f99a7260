"""Accounts: login, user administration by network administrators, own password."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import ROLES, Network, Organisation, User
from ..models.base import utcnow
from ..models.users import new_token
from ..tenancy import use_network
from . import audit
from .errors import DomainError
from .passwords import hash_password, needs_rehash, password_problem, temporary_password, verify_password

# Spent on unknown users too, so response time does not reveal which usernames exist.
_DUMMY_HASH = None


class AccountError(DomainError):
    """A problem the user can fix; str() is the message to show."""


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None


def find_network(code: str) -> Network | None:
    return db.session.scalar(select(Network).where(Network.code == code.strip().lower()))


def authenticate(network_code: str, username: str, password: str, ip: str = "") -> LoginResult:
    """Check a login. Every outcome except an unknown network is audited in that network."""
    global _DUMMY_HASH
    wrong = _l("企业代码、用户名或密码不正确。")
    network = find_network(network_code or "")
    if network is None or network.status != "active":
        _DUMMY_HASH = _DUMMY_HASH or hash_password("not-a-password-0")
        verify_password(_DUMMY_HASH, password)
        return LoginResult(None, str(wrong))
    use_network(db.session, network.id)
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None or not verify_password(user.password_hash, password):
        if user is None:
            _DUMMY_HASH = _DUMMY_HASH or hash_password("not-a-password-0")
            verify_password(_DUMMY_HASH, password)
        audit.record("login_failed", network_id=network.id, username=username.strip()[:64], ip=ip,
                     user=user, summary="wrong password" if user else "unknown user")
        db.session.commit()
        return LoginResult(None, str(wrong))
    if not user.is_active:  # the same answer as a wrong password: a guess learns nothing
        audit.record("login_failed", network_id=network.id, user=user, ip=ip, summary="suspended")
        db.session.commit()
        return LoginResult(None, str(wrong))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record("login", network_id=network.id, user=user, ip=ip)
    db.session.commit()
    return LoginResult(user)


def validate_roles(org: Organisation, roles: list[str]) -> None:
    allowed = ROLES[org.kind]
    if not roles:
        raise AccountError(_l("请至少选择一个角色。"))
    bad = [r for r in roles if r not in allowed]
    if bad:
        raise AccountError(_l("角色 %(roles)s 不属于该机构类型。", roles=", ".join(bad)))


def create_user(org: Organisation, *, username: str, name: str, roles: list[str], phone: str = "",
                email: str = "", regions: list[str] | None = None, password: str | None = None) -> tuple[User, str]:
    """Create a user in org; returns the user and the one-time password to hand over."""
    username = username.strip().lower()
    validate_roles(org, roles)
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username)):
        raise AccountError(_l("用户名 %(u)s 已存在。", u=username))
    temp = password or temporary_password()
    user = User(org=org, network_id=org.network_id, username=username, name=name.strip(), roles=roles,
                phone=phone.strip(), email=email.strip(), regions=regions or [],
                password_hash=hash_password(temp), must_change_password=password is None)
    db.session.add(user)
    return user, temp


def update_user(user: User, *, name: str, roles: list[str], phone: str, email: str, regions: list[str]) -> None:
    validate_roles(user.org, roles)
    user.name, user.roles, user.phone, user.email, user.regions = name.strip(), roles, phone.strip(), email.strip(), regions


def set_status(user: User, status: str, by: User) -> None:
    if user.id == by.id:
        raise AccountError(_l("不能停用自己的账号。"))
    user.status = status
    user.session_token = new_token()  # ends its sessions and remember-me cookies


def reset_password(user: User) -> str:
    temp = temporary_password()
    user.password_hash = hash_password(temp)
    user.must_change_password = True
    user.session_token = new_token()
    audit.record("password_reset", network_id=user.network_id, obj=user, summary=user.username)
    return temp


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError(_l("当前密码不正确。"))
    problem = password_problem(new, user.username)
    if problem:
        raise AccountError(problem)
    if verify_password(user.password_hash, new):
        raise AccountError(_l("新密码不能与当前密码相同。"))
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.session_token = new_token()
    audit.record("password_change", network_id=user.network_id, obj=user, summary=user.username)
