"""Realistic demo customers: Chinese names, regions, fleets of our trucks and rivals'."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Brand, Organisation, User
from ..services.brands import BrandResolver
from ..services.ledger import add_stakeholder, create_customer, name_key

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦覃蒙陆莫黎廖"
GIVEN = ["伟", "强", "军", "建华", "志勇", "海涛", "国栋", "永强", "晓东", "明", "丽华", "秀英", "桂林", "德明", "振宇"]
WORDS = ["鸿运", "顺达", "安通", "宏发", "远航", "通达", "广源", "兴旺", "利民", "恒信", "金桥", "华泰", "盛世", "长风",
         "路通", "昌盛", "万里", "和顺", "宏图", "新世纪"]
TRADES = [("物流有限公司", "long_haul", "物流", "city_transport"), ("运输有限公司", "medium_short", "公路运输", "city_transport"),
          ("土石方工程有限公司", "earthwork", "土石方", "city_construction"), ("混凝土有限公司", "cement_mixing", "建材", "city_construction"),
          ("矿业有限公司", "earthwork", "矿山", "mining"), ("环卫服务有限公司", "medium_short", "环卫", "city_services"),
          ("危险品运输有限公司", "long_haul", "危化品运输", "special")]
NATURES = ["private", "private", "private", "joint_stock", "state", "jv"]
SOURCES = ["sales_system", "service_system", "informant", "walk_in", "referral", "visit", "transport_office", "fleet",
           "rival_network", "phone_in", "insurer", "advertising"]
DISTRICTS = {"柳州": ["柳南区", "柳北区", "鱼峰区", "城中区", "柳江区"], "南宁": ["青秀区", "兴宁区", "江南区", "西乡塘区"],
             "广州": ["白云区", "番禺区", "黄埔区", "花都区"], "昆明": ["官渡区", "西山区", "盘龙区"],
             "长沙": ["雨花区", "岳麓区", "开福区"], "济南": ["历城区", "槐荫区", "章丘区"], "石家庄": ["长安区", "裕华区", "藁城区"],
             "随州": ["曾都区"], "济宁": ["梁山县", "任城区"]}
OWN_MODELS = ["乘龙H7 牵引车", "乘龙M3 自卸车", "霸龙507 牵引车", "乘龙H5 载货车", "乘龙T7 牵引车"]
RIVAL_MODELS = {"一汽解放": ["J6P 牵引车", "JH6 牵引车"], "中国重汽": ["豪沃T7H", "豪沃TX 自卸车"], "陕汽": ["德龙X3000", "德龙M3000"],
                "东风商用车": ["天龙KL", "天锦"], "福田欧曼": ["EST 牵引车", "GTL"], "上汽红岩": ["杰狮C6"], "北奔": ["V3"],
                "华菱": ["汉马H9"], "大运": ["N8E"], "江淮格尔发": ["K7"], "徐工": ["漢风G7"], "三一": ["江山版 自卸车"]}
UNKNOWN_BRANDS = ["联合卡车", "成都大运", "飞碟"]


def seed_customers(network_id: int, count: int, seed: int = 7) -> int:
    rnd = random.Random(seed * 1000 + network_id)
    own = db.session.scalar(select(Brand).where(Brand.is_own))
    holders = db.session.scalars(select(Organisation).where(Organisation.kind.in_(("dealer", "bodybuilder")))
                                 .order_by(Organisation.id)).all()
    if not holders or count <= 0:
        return 0
    weights = [6 if o.kind == "dealer" else 1 for o in holders]
    sales = {o.id: [u.id for u in db.session.scalars(select(User).where(User.org_id == o.id))
                    if u.has_role("sales_manager", "staff")] for o in holders}
    resolver = BrandResolver()
    seen: set[tuple[int, str]] = set()
    made = 0
    today = date.today()
    while made < count:
        org = rnd.choices(holders, weights)[0]
        city = org.city if org.city in DISTRICTS else "柳州"
        individual = rnd.random() < 0.3
        surname = rnd.choice(SURNAMES)
        person = surname + rnd.choice(GIVEN)
        if individual:
            name, trade = f"{person}（个体）", rnd.choice(TRADES[:4])
        else:
            trade = rnd.choice(TRADES)
            name = f"{city}市{rnd.choice(WORDS)}{trade[0]}"
        if (org.id, name_key(name)) in seen:
            name = f"{city}{rnd.choice(DISTRICTS[city])}{rnd.choice(WORDS)}{trade[0]}"
            if (org.id, name_key(name)) in seen:
                continue
        seen.add((org.id, name_key(name)))
        fleet = []
        size = rnd.choices([0, 1, 2, 3], [2, 5, 3, 1])[0]
        for _ in range(size):
            roll = rnd.random()
            if roll < 0.35 and own:
                brand, model = own.name, rnd.choice(OWN_MODELS)
            elif roll < 0.95:
                brand = rnd.choice(list(RIVAL_MODELS))
                model = rnd.choice(RIVAL_MODELS[brand])
            else:
                brand, model = rnd.choice(UNKNOWN_BRANDS), ""
            quantity = 1 if individual else rnd.choices([1, 2, 3, 5, 8, 12, 20, 35], [5, 5, 4, 4, 3, 2, 1, 1])[0]
            fleet.append({"brand": brand, "model": model, "quantity": quantity, "heavy": rnd.random() < 0.85,
                          "since": rnd.randint(today.year - 12, today.year)})
        source = rnd.choice(SOURCES)
        customer = create_customer(org, {
            "kind": "individual" if individual else "unit", "name": name,
            "region": f"{org.province}{city}{rnd.choice(DISTRICTS[city])}",
            "transport_type": trade[1], "nature": "individual" if individual else rnd.choice(NATURES),
            "contact_name": person if individual else rnd.choice(SURNAMES) + rnd.choice(GIVEN),
            "phone": f"1{rnd.choice('35789')}{rnd.randint(0, 9)}{rnd.randint(10_000_000, 99_999_999)}",
            "address": f"{city}市{rnd.choice(DISTRICTS[city])}{rnd.choice(WORDS)}路{rnd.randint(1, 300)}号",
            "industry": trade[2], "use": trade[3], "source": source,
            "informant": rnd.choice(SURNAMES) + rnd.choice(GIVEN) if source == "informant" else "",
            "first_contact_on": today - timedelta(days=rnd.randint(0, 1500)),
            "industry_major": (not individual) and rnd.random() < 0.02,
            "responsible_id": rnd.choice(sales[org.id]) if sales[org.id] else None,
        }, fleet, resolver)
        if sum(r["quantity"] for r in fleet if r["heavy"]) >= 20:  # big customers: the people around the deal
            for role, cares in (("fleet_captain", "性价比、出勤率"), ("finance_head", "付款方式、资金状况")):
                add_stakeholder(customer, {"role": role, "name": rnd.choice(SURNAMES) + rnd.choice(GIVEN),
                                           "phone": f"139{rnd.randint(10_000_000, 99_999_999)}",
                                           "cares_about": cares, "influence": rnd.choice(["high", "medium"])})
        made += 1
        if made % 500 == 0:
            db.session.flush()
    db.session.flush()
    return made
