"""Resolving brand names as people write them to the network's dictionary."""
from __future__ import annotations

import unicodedata

from sqlalchemy import select

from ..extensions import db
from ..models import Brand


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
