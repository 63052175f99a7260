"""Resolving brand and model names as people write them to the network's dictionary."""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from ..extensions import db
from ..models import Brand, FleetEntry, Organisation, TruckModel
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


_MODEL_NOISE = re.compile(r"[\s\-_/·.]+")


def _squash(text: str) -> str:
    return _MODEL_NOISE.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


def brand_names(brand: Brand) -> list[str]:
    return [n for n in [brand.name, *(brand.aliases or [])] if n]


# A ledger's 车型 often says the body too (H7 牵引车, X3000自卸车): the model is the same.
_BODIES = ("牵引车", "自卸车", "载货车", "搅拌车", "专用车", "牵引头", "牵引", "自卸", "载货", "底盘")


def model_key(text: str, prefixes=()) -> str:
    """乘龙H7, 东风柳汽 乘龙 H7, H7 牵引车 and h7 are one model of 东风柳汽: width, spaces,
    dashes and case fold, the brand's own names in front and the body behind are left out
    (never the whole name)."""
    key = _squash(text)
    for body in _BODIES:
        if key.endswith(body) and len(key) > len(body):
            key = key[:-len(body)]
            break
    names = sorted({_squash(p) for p in prefixes if _squash(p)}, key=len, reverse=True)
    stripped = True
    while stripped:
        stripped = False
        for p in names:
            if key.startswith(p) and len(key) > len(p):
                key, stripped = key[len(p):], True
                break
    return key[:60]


def model_name(text: str, prefixes=()) -> str:
    """The model's name as written, without the brand's names in front: 乘龙H7 牵引车 → H7 牵引车."""
    name = unicodedata.normalize("NFKC", text or "").strip()
    names = sorted({unicodedata.normalize("NFKC", p).strip() for p in prefixes if p}, key=len, reverse=True)
    stripped = True
    while stripped:
        stripped = False
        for p in names:
            if name.casefold().startswith(p.casefold()) and name[len(p):].strip(" -·_/"):
                name, stripped = name[len(p):].strip(" -·_/"), True
                break
    return name[:60]


class ModelResolver:
    """(brand, model as written) → TruckModel, loaded once per use (for the given brands only,
    or all). A model nobody listed becomes a new TruckModel of the brand, named as written."""

    def __init__(self, session=None, brand_ids=None):
        self.session = session or db.session
        self._by_key: dict[tuple, TruckModel] = {}
        stmt = select(TruckModel)
        if brand_ids is not None:
            stmt = stmt.where(TruckModel.brand_id.in_([b for b in brand_ids if b is not None]))
        for model in self.session.scalars(stmt):
            self._remember(model, model.brand)

    def _remember(self, model: TruckModel, brand: Brand) -> None:
        prefixes = brand_names(brand)
        for name in [model.name, *(model.aliases or [])]:
            self._by_key.setdefault((brand, model_key(name, prefixes)), model)
        self._by_key.setdefault((brand, model.key), model)

    def knows(self, brand: Brand, model: TruckModel, text: str) -> bool:
        return self._by_key.get((brand, model_key(text, brand_names(brand)))) is model

    def resolve(self, brand: Brand | None, text: str) -> TruckModel | None:
        if brand is None:
            return None
        prefixes = brand_names(brand)
        key = model_key(text, prefixes)
        if not key:
            return None
        model = self._by_key.get((brand, key))
        if model is None:
            model = TruckModel(network_id=brand.network_id, brand=brand, name=model_name(text, prefixes) or key,
                               key=key, aliases=[])
            self.session.add(model)
            self._by_key[(brand, key)] = model
        return model


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
    flush: the ledger's flush hook re-derives every customer whose fleet lines changed, and
    resolves the lines' models among target's (its models go with it)."""
    if unmapped.id == target.id or unmapped.mapped:
        raise BrandError("only an unmapped brand is mapped, and not onto itself")
    entries = db.session.scalars(select(FleetEntry).where(FleetEntry.brand_id == unmapped.id)).all()
    for entry in entries:
        entry.brand = target
        entry.truck_model = None
    target.aliases = [*(target.aliases or []), unmapped.name]
    db.session.flush()
    for model in db.session.scalars(select(TruckModel).where(TruckModel.brand_id == unmapped.id)):
        db.session.delete(model)
    db.session.delete(unmapped)
    return len(entries)


def save_model(model: TruckModel, *, name: str, aliases: str) -> TruckModel:
    """Rename a model or set its aliases; none may name another model of the brand."""
    from flask_babel import lazy_gettext as _l

    name = unicodedata.normalize("NFKC", name or "").strip()
    if not name:
        raise BrandError(_l("请输入车型名称。"))
    names = _names(aliases)
    if len(name) > 60 or any(len(n) > 60 for n in names):
        raise BrandError(_l("车型名称和别名不超过 60 个字。"))
    prefixes = brand_names(model.brand)
    wanted = {model_key(n, prefixes) for n in [name, *names]}
    for other in db.session.scalars(select(TruckModel).where(TruckModel.brand_id == model.brand_id,
                                                             TruckModel.id != model.id)):
        taken = {model_key(n, prefixes) for n in [other.name, *(other.aliases or [])]} | {other.key}
        if taken & wanted:
            raise BrandError(_l("“%(n)s”已是车型 %(m)s 的名称或别名，请将两者合并。", n=name, m=other.name))
    if model_key(name, prefixes) != model.key and model.key not in {model_key(n, prefixes) for n in names}:
        names.append(model.name)  # the old name stays an alias: lines written that way still resolve here
    model.name, model.aliases = name, names
    return model


def merge_model(model: TruckModel, target: TruckModel) -> int:
    """Two spellings of one model: model's fleet lines move to target, its names become
    target's aliases, and it goes. Returns the lines moved."""
    from flask_babel import lazy_gettext as _l

    if model.id == target.id or model.brand_id != target.brand_id:
        raise BrandError(_l("只能合并同一品牌的两个车型。"))
    entries = db.session.scalars(select(FleetEntry).where(FleetEntry.model_id == model.id)).all()
    for entry in entries:
        entry.truck_model = target
    known = {model_key(n) for n in [target.name, *(target.aliases or [])]}
    target.aliases = [*(target.aliases or []),
                      *[n for n in [model.name, *(model.aliases or [])] if model_key(n) not in known]]
    db.session.flush()
    db.session.delete(model)
    return len(entries)
