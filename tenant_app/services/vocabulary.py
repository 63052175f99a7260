"""The network's dictionary of the ledger's controlled values: labels, codes and aliases.

A value is matched, after normalising width, spaces, punctuation and case, against the
vocabulary's codes, its Chinese labels and the network's aliases (VocabularyAlias, seeded
with the short forms and near-synonyms people type). Uses and transport types sit on one
slide of the deck, so each is also recognised in the other's column. A value nobody knows
is kept as written (PendingValue, 待归类) with the customer's code left empty; mapping it
adds an alias and sets the code on every customer of the network that holds it.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import vocab
from ..extensions import db
from ..models import Customer, PendingValue, VocabularyAlias
from ..vocab import N_
from .errors import DomainError
from .ledger import name_key

# customer field → (its column in the ledger, the vocabulary)
VOCABULARIES = {
    "transport_type": (N_("运输类型"), vocab.TRANSPORT_TYPES),
    "use": (N_("用途"), vocab.USES),
    "nature": (N_("客户性质"), vocab.NATURES),
    "source": (N_("信息来源"), vocab.SOURCES),
    "kind": (N_("客户类型"), vocab.CUSTOMER_KINDS),
    "intent_level": (N_("意向级别"), vocab.INTENT_LEVELS),
}
# The deck lists uses and transport types on one slide: each is recognised in the other's column.
SIBLINGS = {"transport_type": "use", "use": "transport_type"}
PENDING = "?"  # the customer form's option for "keep the value as written"

# The short forms and near-synonyms people write, seeded into every new network's dictionary.
SEED_ALIASES = {
    "transport_type": {
        "long_haul": ["长途运输", "长途物流", "长途货运", "长线", "干线", "干线运输", "干线物流"],
        "medium_short": ["短途", "中短途运输", "短途运输", "中途", "中短程", "短驳"],
        "earthwork": ["土方", "土石方", "土方运输", "渣土", "渣土运输", "土石方工程"],
        "cement_mixing": ["搅拌", "水泥罐车", "搅拌车", "水泥搅拌车", "混凝土", "混凝土运输", "商砼"],
    },
    "nature": {
        "state": ["国企", "国营", "国有企业", "央企"],
        "joint_stock": ["股份制", "股份公司", "股份有限公司"],
        "private": ["私营", "民营", "私企", "民企", "私营企业", "民营企业"],
        "jv": ["合资", "独资", "外资", "中外合资"],
        "individual": ["个体户", "个人"],
    },
    "use": {
        "city_services": ["环卫", "市政", "城市服务"],
        "city_construction": ["建设", "基建", "城建"],
        "city_transport": ["城市物流", "市内运输", "城配", "城市配送"],
        "mining": ["矿用", "矿山", "矿山运输", "矿区运输"],
        "special": ["专用", "专用车", "危化品", "危险品运输"],
    },
    "source": {
        "sales_system": ["实销"],
        "service_system": ["服务站", "配件系统"],
        "repair_shop": ["社会服务站", "修理厂", "配件店"],
        "transport_office": ["运管", "运管所"],
        "fleet": ["车队", "挂靠公司", "挂靠"],
        "insurer": ["保险"],
        "informant": ["信息员介绍"],
        "broker": ["车托", "中介"],
        "leader": ["行业带头人", "官员"],
        "walk_in": ["来店", "进店", "到店", "自然进店"],
        "referral": ["介绍", "朋友推荐", "老客户介绍", "转介绍"],
        "reputation": ["慕名"],
        "phone_in": ["来电", "电话咨询", "来电咨询"],
        "visit": ["走访", "拜访", "陌拜", "上门"],
        "advertising": ["广告", "大黄页", "网络"],
    },
    "kind": {"unit": ["公司", "企业", "单位客户"], "individual": ["个体", "个人客户", "个体户"]},
    "intent_level": {
        1: ["1级", "一级", "A", "A级", "3个月内", "三个月内"],
        2: ["2级", "二级", "B", "B级", "6个月内", "半年内"],
        3: ["3级", "三级", "C", "C级", "12个月内", "一年内"],
    },
}


class VocabularyError(DomainError):
    pass


def term_key(text) -> str:
    """How the dictionary compares values: 合资（独资）, 合资(独资) and 合资 独资 are one."""
    return name_key(str(text if text is not None else ""))[:60]


def code_value(field: str, code: str):
    """The code as the customer column stores it (the intent level is a number)."""
    return int(code) if field == "intent_level" and code not in ("", None) else code


def seed(network_id: int, session=None) -> None:
    """The seeded aliases, for a new network (services.networks) and by migration 0015 for existing ones."""
    session = session or db.session
    for field, codes in SEED_ALIASES.items():
        for code, aliases in codes.items():
            for alias in aliases:
                session.add(VocabularyAlias(network_id=network_id, vocabulary=field, code=str(code), alias=alias,
                                            key=term_key(alias)))


class VocabularyResolver:
    """The network's dictionary loaded once per use (an import resolves thousands of cells).
    extra: mappings not saved (a dry run): {(field, key): (target field, code)}."""

    def __init__(self, session=None, makers=(), extra=None):
        session = session or db.session
        self.by_key: dict[str, dict[str, str]] = {f: {} for f in VOCABULARIES}
        for field, (_, v) in VOCABULARIES.items():
            for code in v:
                names = ([vocab.chinese(v, code, m) for m in makers] if vocab.MAKER in v[code]
                         else [v[code]]) + [str(code)]
                for n in names:
                    self.by_key[field].setdefault(term_key(n), str(code))
        self.extra = dict(extra or {})
        for a in session.scalars(select(VocabularyAlias)):
            if a.vocabulary in self.by_key:
                self.by_key[a.vocabulary].setdefault(a.key, a.code)

    def lookup(self, field: str, text) -> str | None:
        return self.by_key.get(field, {}).get(term_key(text))

    def resolve(self, field: str, text) -> tuple[str, str] | None:
        """(field, code) the text names, in its own vocabulary or its sibling's; None when unknown."""
        key = term_key(text)
        if (field, key) in self.extra:
            return self.extra[(field, key)]
        code = self.by_key[field].get(key)
        if code is not None:
            return field, code
        sibling = SIBLINGS.get(field)
        if sibling and key in self.by_key[sibling]:
            return sibling, self.by_key[sibling][key]
        return None


def targets(field: str, maker: str = "") -> list[tuple[str, str]]:
    """What an unknown value of field may be mapped onto: ("use:special", "用途：专用类") ..."""
    fields = [field] + ([SIBLINGS[field]] if field in SIBLINGS else [])
    out = []
    for f in fields:
        column, v = VOCABULARIES[f]
        for code in v:
            text = vocab.label(v, code, maker)
            out.append((f"{f}:{code}", text if f == field else str(_l("%(col)s：%(v)s", col=_l(column), v=text))))
    return out


def parse_target(field: str, target: str) -> tuple[str, str] | None:
    """'use:special' → ('use', 'special'); '' → None (keep as written). Only field or its sibling."""
    if not target:
        return None
    f, _, code = target.partition(":")
    allowed = {field, SIBLINGS.get(field)}
    if f not in allowed or f not in VOCABULARIES or code not in {str(c) for c in VOCABULARIES[f][1]}:
        raise VocabularyError(_l("“%(v)s”不是可选值。", v=target))
    return f, code


def _add_alias(field: str, text: str, target_field: str, code: str, org_id: int | None) -> VocabularyAlias | None:
    key = term_key(text)
    if not key:
        return None
    taken = db.session.scalar(select(VocabularyAlias).where(VocabularyAlias.vocabulary == target_field,
                                                            VocabularyAlias.key == key))
    if taken is not None:
        if taken.code != code:
            raise VocabularyError(_l("“%(v)s”已是“%(c)s”的别名。", v=text,
                                     c=vocab.chinese(VOCABULARIES[target_field][1], code_value(target_field, taken.code))))
        return taken
    alias = VocabularyAlias(vocabulary=target_field, code=code, alias=text.strip()[:60], key=key, org_id=org_id)
    db.session.add(alias)
    return alias


def _settle(field: str, key: str, target_field: str, code: str) -> int:
    """Every customer of the network holding the pending value (field, key) takes the code;
    its pending row goes. Returns the customers changed (their audit entries record it)."""
    rows = db.session.scalars(select(PendingValue).where(PendingValue.field == field, PendingValue.key == key)).all()
    changed = 0
    for row in rows:
        customer = row.customer
        if target_field == field or not getattr(customer, target_field):
            setattr(customer, target_field, code_value(target_field, code))
            changed += 1
        customer.pending.remove(row)
    return changed


def _follow(key: str, target_field: str, code: str) -> int:
    """An alias of target_field now names key: values pending in its column and in its sibling's follow."""
    changed = _settle(target_field, key, target_field, code)
    if target_field in SIBLINGS:
        changed += _settle(SIBLINGS[target_field], key, target_field, code)
    return changed


def remember(field: str, text: str, target: str, org_id: int | None = None) -> int:
    """A mapping made while importing (or on the command line), remembered for the network:
    an alias, and the customers already holding the value follow. target '' keeps it as written."""
    parsed = parse_target(field, target)
    if parsed is None:
        return 0
    _add_alias(field, text, *parsed, org_id)
    return _follow(term_key(text), *parsed)


def map_pending(field: str, key: str, target: str, org_id: int | None = None) -> int:
    """The maker maps a value waiting to be classified: an alias, and the customers follow."""
    parsed = parse_target(field, target)
    if parsed is None:
        raise VocabularyError(_l("请选择要归入的值。"))
    text = db.session.scalar(select(PendingValue.text).where(PendingValue.field == field, PendingValue.key == key)
                             .limit(1))
    if text is None:
        raise VocabularyError(_l("这个值已经归类了。"))
    _add_alias(field, text, *parsed, org_id)
    return _follow(key, *parsed)


def split_names(text: str) -> list[str]:
    import re
    return [n for n in (p.strip() for p in re.split(r"[,，、;；\n]+", text or "")) if n]


def save_aliases(field: str, code: str, text: str, org_id: int | None = None) -> int:
    """Replace the aliases of one listed value; none may name another value of the vocabulary.
    Pending values an added alias names follow. Returns the customers that changed."""
    if field not in VOCABULARIES or code not in {str(c) for c in VOCABULARIES[field][1]}:
        raise VocabularyError(_l("“%(v)s”不是可选值。", v=code))
    resolver = VocabularyResolver(makers=_makers())
    wanted = {}
    for name in split_names(text):
        if len(name) > 60:
            raise VocabularyError(_l("别名“%(v)s”超过 60 个字。", v=name))
        wanted.setdefault(term_key(name), name)
    current = {a.key: a for a in db.session.scalars(select(VocabularyAlias).where(
        VocabularyAlias.vocabulary == field, VocabularyAlias.code == code))}
    v = VOCABULARIES[field][1]
    for key, name in wanted.items():
        other = resolver.by_key[field].get(key)
        if other is not None and other != code and key not in current:
            raise VocabularyError(_l("“%(v)s”已是“%(c)s”的名称或别名。", v=name,
                                     c=vocab.chinese(v, code_value(field, other), _maker())))
    for key, alias in current.items():
        if key not in wanted:
            db.session.delete(alias)
    changed = 0
    for key, name in wanted.items():
        if key not in current:
            db.session.add(VocabularyAlias(vocabulary=field, code=code, alias=name, key=key, org_id=org_id))
            changed += _follow(key, field, code)
    return changed


def _makers() -> list[str]:
    from .brands import maker_names
    return maker_names()


def _maker() -> str:
    from .brands import maker_name
    return maker_name()


def pending_values(field: str | None = None, org_id: int | None = None) -> list[dict]:
    """Values waiting to be classified: field, key, the most common spelling, customers holding it."""
    stmt = select(PendingValue.field, PendingValue.key, PendingValue.text, func.count(PendingValue.id))
    if field:
        stmt = stmt.where(PendingValue.field == field)
    if org_id:
        stmt = stmt.where(PendingValue.org_id == org_id)
    grouped: dict = defaultdict(Counter)
    for f, key, text, n in db.session.execute(stmt.group_by(PendingValue.field, PendingValue.key,
                                                            PendingValue.text)):
        grouped[(f, key)][text] += n
    out = [{"field": f, "key": key, "text": spellings.most_common(1)[0][0], "customers": sum(spellings.values())}
           for (f, key), spellings in grouped.items()]
    return sorted(out, key=lambda p: (list(VOCABULARIES).index(p["field"]), -p["customers"], p["text"]))


def aliases_by_code(field: str) -> dict[str, list[VocabularyAlias]]:
    out: dict = defaultdict(list)
    for a in db.session.scalars(select(VocabularyAlias).where(VocabularyAlias.vocabulary == field)
                                .order_by(VocabularyAlias.id)):
        out[a.code].append(a)
    return out


def customers_by_code(field: str) -> dict[str, int]:
    column = getattr(Customer, field)
    return {str(code): n for code, n in db.session.execute(select(column, func.count(Customer.id)).group_by(column))
            if code not in ("", None)}
