"""Resolving brand names as people write them to the network's dictionary."""
from __future__ import annotations

import unicodedata

from sqlalchemy import select

from ..extensions import db
from ..models import Brand, FleetEntry, Organisation
from .errors import DomainError


def brand_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").casefold()


class BrandResolver:
    """Name or alias → Brand, loaded once per use (imports resolve thousands of rows).
    An unknown name becomes an unmapped Brand kept as written."""

    def __init__(self, session=None):
        self.session = session or db.session
        self._by_key: dict[str, Brand] = {}
        for brand in self.session.scalars(select(Brand)):
            self._remember(brand)

    def _remember(self, brand: Brand) -> None:
        for name in [brand.name, *(brand.aliases or [])]:
            self._by_key.setdefault(brand_key(name), brand)

    def resolve(self, text: str) -> Brand | None:
        key = brand_key(text)
        if not key:
            return None
        brand = self._by_key.get(key)
        if brand is None:
            brand = Brand(name=unicodedata.normalize("NFKC", text).strip()[:40], mapped=False, is_own=False)
            self.session.add(brand)
            self._remember(brand)
        return brand


def own_brand(session=None) -> Brand | None:
    return (session or db.session).scalar(select(Brand).where(Brand.is_own).order_by(Brand.id))


def maker_name(session=None) -> str:
    """The maker as the current network's pages name it: its own brand (东风柳汽, 华运重卡),
    else its manufacturer organisation's name; "" outside a network."""
    session = session or db.session
    brand = own_brand(session)
    if brand is not None:
        return brand.name
    return session.scalar(select(Organisation.name).where(Organisation.kind == "manufacturer")) or ""


def maker_names(session=None) -> list[str]:
    """Every name people write for the network's maker: the own brand's name and aliases."""
    brand = own_brand(session)
    names = [brand.name, *(brand.aliases or [])] if brand is not None else [maker_name(session)]
    return [n for n in names if n]


class BrandError(DomainError):
    pass


def _names(text: str) -> list[str]:
    import re
    return [n for n in (p.strip() for p in re.split(r"[,，、;；\s]+", text or "")) if n]


def save_brand(brand: Brand | None, *, name: str, aliases: str) -> Brand:
    """Create or rename a brand; its aliases may not name another brand."""
    from flask_babel import lazy_gettext as _l

    name = unicodedata.normalize("NFKC", name).strip()
    if not name:
        raise BrandError(_l("请输入品牌名称。"))
    wanted = {brand_key(n) for n in [name, *_names(aliases)]}
    for other in db.session.scalars(select(Brand)):
        if brand is not None and other.id == brand.id:
            continue
        taken = {brand_key(n) for n in [other.name, *(other.aliases or [])]} & wanted
        if taken:
            raise BrandError(_l("“%(n)s”已是品牌 %(b)s 的名称或别名。", n=sorted(taken)[0], b=other.name))
    if brand is None:
        brand = Brand(name=name, aliases=_names(aliases), mapped=True)
        db.session.add(brand)
    else:
        brand.name, brand.aliases, brand.mapped = name, _names(aliases), True
    return brand


def map_brand(unmapped: Brand, target: Brand) -> int:
    """A name nobody knew turns out to be target: its fleet lines move there and the name
    becomes an alias. Returns the lines moved. The customers' derived fields follow in the
    flush: the ledger's flush hook re-derives every customer whose fleet lines changed."""
    if unmapped.id == target.id or unmapped.mapped:
        raise BrandError("only an unmapped brand is mapped, and not onto itself")
    entries = db.session.scalars(select(FleetEntry).where(FleetEntry.brand_id == unmapped.id)).all()
    for entry in entries:
        entry.brand = target
    target.aliases = [*(target.aliases or []), unmapped.name]
    db.session.flush()
    db.session.delete(unmapped)
    return len(entries)
