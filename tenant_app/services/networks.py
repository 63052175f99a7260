"""Networks (tenants): created by a platform operator from the CLI."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Network
from ..tenancy import use_network
from .accounts import AccountError, create_user
from .orgs import create_org


def create_network(*, code: str, name: str, maker_name: str, maker_code: str = "HQ",
                   admin_username: str = "admin", admin_name: str = "网络管理员",
                   admin_password: str | None = None, province: str = "", city: str = ""):
    """The network, its one manufacturer and a first network administrator.
    Returns (network, admin, one-time password)."""
    code = code.strip().lower()
    if db.session.scalar(select(Network.id).where(Network.code == code)):
        raise AccountError(f"network {code} exists")
    network = Network(code=code, name=name)
    db.session.add(network)
    db.session.flush()
    use_network(db.session, network.id)
    maker = create_org(network_id=network.id, kind="manufacturer", code=maker_code, name=maker_name,
                       province=province, city=city)
    admin, password = create_user(maker, username=admin_username, name=admin_name, roles=["network_admin"],
                                  password=admin_password)
    return network, admin, password
