"""Networks (tenants): created by a platform operator from the CLI."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Brand, Network
from ..tenancy import use_network
from .accounts import AccountError, create_user
from .orgs import create_org
from . import vocabulary


# The major rivals of a Chinese heavy-truck maker, with the aliases people write in ledgers.
RIVAL_BRANDS = [
    ("一汽解放", ["解放", "青岛解放", "FAW"]), ("东风商用车", ["东风天龙", "天龙", "东风"]),
    ("中国重汽", ["重汽", "豪沃", "HOWO", "汕德卡", "SITRAK"]), ("陕汽", ["陕汽重卡", "德龙"]),
    ("福田欧曼", ["欧曼", "福田"]), ("上汽红岩", ["红岩"]), ("北奔", ["北奔重汽"]), ("华菱", ["华菱星马", "汉马"]),
    ("大运", ["大运重卡"]), ("江淮格尔发", ["格尔发", "江淮"]), ("徐工", ["徐工重卡", "汉风"]), ("三一", ["三一重卡"]),
]


def create_network(*, code: str, name: str, maker_name: str, maker_code: str = "HQ",
                   admin_username: str = "admin", admin_name: str = "网络管理员",
                   admin_password: str | None = None, province: str = "", city: str = "",
                   own_brand: tuple[str, list[str]] = ("东风柳汽", ["柳汽", "东风柳州", "乘龙", "霸龙"])):
    """The network, its one manufacturer, its brand dictionary (own brand and the usual
    rivals, which the manufacturer may edit), the vocabulary's seeded aliases and a first
    network administrator.
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
    db.session.add(Brand(network_id=network.id, name=own_brand[0], aliases=own_brand[1], is_own=True))
    for brand, aliases in RIVAL_BRANDS:
        if brand != own_brand[0]:
            db.session.add(Brand(network_id=network.id, name=brand, aliases=aliases))
    vocabulary.seed(network.id)
    admin, password = create_user(maker, username=admin_username, name=admin_name, roles=["network_admin"],
                                  password=admin_password)
    return network, admin, password
