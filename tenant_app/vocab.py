"""Controlled vocabularies of the ledger (DOMAIN.md §2): code → Chinese label.

Labels are plain strings marked with N_ for extraction; label() translates at render
time, and imports match the Chinese text people type.
"""
from flask_babel import gettext


def N_(text: str) -> str:
    return text


CUSTOMER_KINDS = {"unit": N_("单位"), "individual": N_("个人")}
SEGMENTS = {"own_old": N_("本品老客户"), "rival_old": N_("竞品老客户"), "new": N_("新客户")}
CLASSES = {"industry_major": N_("行业性大客户"), "key_major": N_("重点性大客户"),
           "general_major": N_("一般性大客户"), "retail": N_("一般客户")}
TRANSPORT_TYPES = {"long_haul": N_("长途"), "medium_short": N_("中短途"), "earthwork": N_("土石方运输"),
                   "cement_mixing": N_("水泥搅拌")}
NATURES = {"state": N_("国有"), "joint_stock": N_("股份"), "private": N_("私有"), "jv": N_("合资(独资)"),
           "individual": N_("个体")}
USES = {"city_services": N_("城市保障"), "city_construction": N_("城市建设"), "city_transport": N_("城市运输"),
        "mining": N_("矿用运输"), "special": N_("专用类")}
SOURCES = {
    "sales_system": N_("实销系统"), "service_system": N_("柳汽服务及配件系统"), "rival_network": N_("竞品销售服务"),
    "repair_shop": N_("社会服务站/配件店"), "transport_office": N_("运管站"), "fleet": N_("车队/挂靠公司"),
    "insurer": N_("保险公司"), "informant": N_("信息员"), "broker": N_("车托儿"), "leader": N_("行业带头人/官员"),
    "walk_in": N_("客户来店"), "referral": N_("朋友介绍"), "reputation": N_("慕名而来"), "phone_in": N_("主动电话咨询"),
    "visit": N_("上门走访"), "advertising": N_("广告/大黄页"),
}
INTENT_LEVELS = {1: N_("1级（3个月内）"), 2: N_("2级（6个月内）"), 3: N_("3级（12个月内）")}
INFLUENCE = {"high": N_("高"), "medium": N_("中"), "low": N_("低")}
STAKEHOLDER_ROLES = {
    "general_manager": N_("总经理"), "fleet_captain": N_("车队长"), "finance_head": N_("财务负责人"),
    "business_head": N_("业务负责人"), "driver": N_("司机"), "owner": N_("车主"), "friend": N_("陪同朋友"),
    "spouse": N_("车主配偶"), "other": N_("其他"),
}


def label(vocab: dict, code) -> str:
    return gettext(vocab[code]) if code in vocab else (code or "")


def code_for(vocab: dict, text: str) -> str | None:
    """The code whose Chinese label (or the code itself) is text; None when unknown."""
    text = (text or "").strip()
    if not text:
        return ""
    for code, chinese in vocab.items():
        if text in (str(code), chinese):
            return code
    return None
