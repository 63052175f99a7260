"""Talking-point checklists for preparing a visit (DOMAIN.md §2, slides 19-22, 33).

The deck's lists, in its order. Kickbacks (回扣信息费), which the 2009 deck ranks among
the factors, are left out: paying a customer's staff is commercial bribery.
"""
from __future__ import annotations

from ..vocab import N_

_BASE = [N_("公告"), N_("动力"), N_("变速箱"), N_("后桥"), N_("驾驶室"), N_("轮胎"), N_("大梁")]
PRODUCT_FOCUS = {
    "tractor": (N_("牵引车"), _BASE + [N_("空滤")]),
    "dump": (N_("自卸车"), _BASE + [N_("空滤"), N_("货箱（长、宽、高、钢板厚度、开门数量、举升方式）"), N_("油缸"), N_("副梁"),
                                   N_("货箱支点连接方式"), N_("加强筋"), N_("备胎安装位置"), N_("油箱"), N_("轮辋"),
                                   N_("板簧（厚度、长度、片数）")]),
    "flatbed": (N_("平板车"), _BASE + [N_("空滤"), N_("货箱（长、宽、高）"), N_("板簧（厚度、长度、片数）")]),
    "light": (N_("轻卡"), _BASE + [N_("货箱（长、宽、高）"), N_("板簧（厚度、长度、片数）")]),
    "special": (N_("专用车"), _BASE + [N_("容量"), N_("板簧（厚度、长度、片数）"), N_("排放")]),
}
_MAJOR_BRAND = [N_("品牌知名度"), N_("价格"), N_("服务"), N_("质量"), N_("整车性能"), N_("安全"), N_("交车时间"),
                N_("按揭"), N_("付款方式"), N_("油耗"), N_("政策适应度"), N_("外观造型")]
BRAND_FACTORS = {
    "industry_major": [N_("品牌知名度"), N_("服务"), N_("质量"), N_("安全"), N_("整车性能"), N_("价格"),
                       N_("购车时销售人员的态度"), N_("交车时间"), N_("外观造型")],
    "key_major": _MAJOR_BRAND,
    "general_major": [f for f in _MAJOR_BRAND if f != N_("付款方式")],
    "retail": [N_("品牌知名度"), N_("价格"), N_("质量"), N_("整车性能"), N_("安全"), N_("按揭"), N_("油耗"),
               N_("政策适应度"), N_("外观造型"), N_("促销活动")],
}
DECISION_FACTORS = {
    "industry_major": [N_("组织机构"), N_("主要决策者的喜好"), N_("关系是否到位"), N_("财务管理及现状"),
                       N_("车辆的整车性能"), N_("车辆的品牌知名度")],
    "key_major": [N_("组织机构"), N_("主要决策者的喜好"), N_("关系是否到位"), N_("财务管理及现状"),
                  N_("车辆的整车性能"), N_("车辆的安全性能")],
    "general_major": [N_("主要决策者的喜好"), N_("车辆的价格"), N_("能否按揭"), N_("车辆的整车性能"),
                      N_("车辆的安全性能"), N_("车辆的付款方式")],
    "retail": [N_("品牌知名度"), N_("车辆价格"), N_("同来朋友的推荐"), N_("车辆的整车性能"), N_("能否按揭"),
               N_("当期促销活动"), N_("安全性"), N_("舒适性"), N_("油耗"), N_("车辆可靠性")],
}
NATURE_FOCUS = {
    "state": [N_("组织机构，人的因素为主")],
    "joint_stock": [N_("产品优势"), N_("服务优势"), N_("性价比优势")],
    "private": [N_("产品优势"), N_("服务优势"), N_("价格为核心")],
    "jv": [N_("质量优势"), N_("服务优势"), N_("价格优势")],
    "individual": [N_("质量优势"), N_("服务优势"), N_("产品优势"), N_("价格为核心")],
}
_TYPE_WORDS = [("tractor", ("牵引",)), ("dump", ("自卸",)), ("flatbed", ("平板",)), ("light", ("轻卡",)),
               ("special", ("专用", "罐", "搅拌", "环卫", "冷藏"))]


def vehicle_types(models: list[str], transport_type: str = "") -> list[str]:
    """Vehicle types named in the fleet's models; a tractor when nothing says otherwise."""
    found = [t for t, words in _TYPE_WORDS if any(w in m for m in models for w in words)]
    if transport_type == "cement_mixing" and "special" not in found:
        found.append("special")
    return found or ["tractor"]


def checklists_for(customer) -> list[tuple[str, str, list[str]]]:
    """(title, subtitle, items), all msgids: the template translates them."""
    lists = []
    for vt in vehicle_types([e.model for e in customer.fleet], customer.transport_type):
        title, items = PRODUCT_FOCUS[vt]
        lists.append((N_("产品关注点"), title, items))
    lists.append((N_("品牌选择因素"), "", BRAND_FACTORS[customer.klass]))
    lists.append((N_("购买决定因素"), "", DECISION_FACTORS[customer.klass]))
    if customer.nature in NATURE_FOCUS:
        lists.append((N_("按客户性质的关注点"), "", NATURE_FOCUS[customer.nature]))
    return lists
