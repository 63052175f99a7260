"""Organisations of a network: created and kept by its network administrators."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import ORG_KINDS, Organisation
from .accounts import AccountError


def create_org(*, network_id: int, kind: str, code: str, name: str, province: str = "", city: str = "",
               address: str = "", phone: str = "") -> Organisation:
    code = code.strip().upper()
    if kind not in ORG_KINDS:
        raise AccountError(_l("未知的机构类型。"))
    if kind == "manufacturer" and db.session.scalar(select(Organisation.id).where(Organisation.kind == "manufacturer")):
        raise AccountError(_l("每个网络只有一个主机厂。"))
    if db.session.scalar(select(Organisation.id).where(Organisation.code == code)):
        raise AccountError(_l("机构代码 %(code)s 已存在。", code=code))
    org = Organisation(network_id=network_id, kind=kind, code=code, name=name.strip(), province=province.strip(),
                       city=city.strip(), address=address.strip(), phone=phone.strip())
    db.session.add(org)
    return org


EDITABLE = ("name", "province", "city", "address", "phone")  # the kind and the code never change


def update_org(org: Organisation, fields: dict) -> Organisation:
    for k in EDITABLE:
        setattr(org, k, (fields.get(k) or "").strip())
    return org


def set_org_status(org: Organisation, status: str) -> None:
    if org.kind == "manufacturer" and status != "active":
        raise AccountError(_l("主机厂不能停用。"))
    org.status = status
    if status != "active":
        from ..models.users import new_token
        for user in org.users:  # their sessions and remember-me cookies end for good
            user.session_token = new_token()
