"""Realistic records for one test, made through the services the app itself uses.

Call them in a session bound to a network, as conftest's `build` gives (it commits at the
end of the block), and keep the ids and names the test needs:

    with build():                       # liuqi; build("demo2") for the other network
        shop = factories.org("dealer", province="广东", city="广州")
        gm = factories.user(shop, "general_manager")
        big = factories.customer(shop, fleet=[("乘龙", 25)])
        shop_id, gm_name = shop.id, gm.username
    client = login_as(gm_name)

Each call makes what it is asked for and nothing else, with the names a dealer would
write; codes, user names, organisation names and customer names are new on every call,
so tests share nothing and one test's records never show up in another's checks. A user
made here logs in with PASSWORD (by the form) or with login_as(username). A module-scoped
fixture may call them too, in an app context with use_network() and a commit of its own.
"""
from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta

from sqlalchemy import func, select

from tenant_app.extensions import db
from tenant_app.models import Callback, CallbackItem, CallbackPlan, Customer, Expense, Opportunity, Organisation, User
from tenant_app.services import callbacks, deals
from tenant_app.services.accounts import create_user
from tenant_app.services.ledger import create_customer
from tenant_app.services.orgs import create_org
from tenant_app.tenancy import network_id_of

PASSWORD = "Demo@2026"  # the demo's as well: one password logs anyone of the test database in

_serial = itertools.count(1)  # phones, people, addresses
_words = itertools.count(1)   # trade names, each made once (len(_CHARS) ** 2 of them)
# Two of these make a trade name (恒信, 鑫源 ...). Without 通, 达, 运, 龙, 风: no name made
# here is one of the demo's organisations (盛通, 顺达, 华运, 粤龙, 楚风 ...).
_CHARS = "安宝昌诚丰富广国海恒宏惠吉佳嘉金锦聚凯康利隆茂明鹏启荣瑞盛泰旺祥兴鑫信耀益永裕源远卓志"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦覃蒙陆莫黎廖"
_GIVEN = ["伟", "强", "军", "建华", "志勇", "海涛", "国栋", "永强", "晓东", "明", "丽华", "秀英", "桂林", "德明", "振宇",
          "文斌", "小梅", "建国", "春燕", "红梅"]
ORG_NAMES = {"dealer": "{city}{word}汽车销售服务有限公司", "bodybuilder": "{city}{word}专用汽车有限公司",
             "service": "{city}{word}汽车服务站", "manufacturer": "{word}汽车有限公司"}
CODE_PREFIXES = {"dealer": "DL", "bodybuilder": "BB", "service": "SV", "manufacturer": "MF"}
ROLE_TITLES = {"network_admin": "管理员", "supervisor": "督导", "general_manager": "总经理", "brand_manager": "品牌经理",
               "information_manager": "信息经理", "sales_manager": "业务经理", "service_manager": "服务经理",
               "manager": "经理", "staff": "专员"}
USERNAME_SUFFIXES = {"network_admin": "admin", "supervisor": "sup", "general_manager": "gm", "brand_manager": "brand",
                     "information_manager": "info", "sales_manager": "sales", "service_manager": "service",
                     "manager": "mgr", "staff": "staff"}
DEFAULT_ROLE = {"manufacturer": "supervisor", "dealer": "general_manager", "bodybuilder": "manager",
                "service": "manager"}
TRADES = ["物流有限公司", "运输有限公司", "土石方工程有限公司", "混凝土有限公司", "环卫服务有限公司"]
OWN_MODEL = "乘龙H7 牵引车"


def word() -> str:
    """A trade name of two characters, different on every call: a tag to search for, too."""
    n = next(_words)
    assert n < len(_CHARS) ** 2, "factories.word() has made every name it can: add characters"
    return _CHARS[n % len(_CHARS)] + _CHARS[(n // len(_CHARS)) % len(_CHARS)]


def person_name(n: int | None = None) -> str:
    n = next(_serial) if n is None else n
    return _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n * 7) % len(_GIVEN)]


def phone(n: int | None = None) -> str:
    """A mobile number; 166 is a prefix the demo never uses, so it duplicates nobody's."""
    n = next(_serial) if n is None else n
    return f"166{(n * 7919 + 1000_0000) % 10**8:08d}"


_VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O or Q


def vin() -> str:
    """A valid VIN (check digit in position 9) nobody has used; LFBH5 begins no other test's."""
    n = uuid.uuid4().int
    serial = "".join(_VIN_CHARS[(n // len(_VIN_CHARS) ** i) % len(_VIN_CHARS)] for i in range(8))
    return deals.with_check_digit(f"LFBH5A200{serial}")


def org(kind: str = "dealer", *, province: str = "广西", city: str = "柳州", name: str | None = None,
        code: str | None = None) -> Organisation:
    """An organisation of that kind in the session's network."""
    while code is None:  # five hex digits: a run makes enough organisations to draw one twice
        code = f"{CODE_PREFIXES[kind]}-{uuid.uuid4().hex[:5].upper()}"
        if db.session.scalar(select(Organisation.id).where(Organisation.code == code)):
            code = None
    made = create_org(network_id=network_id_of(db.session), kind=kind, code=code,
                      name=name or ORG_NAMES[kind].format(city=city, word=word()), province=province, city=city,
                      address=f"{province}{city}市车城大道{next(_serial) % 300 + 1}号", phone=f"0772-{3500000 + next(_serial)}")
    db.session.flush()
    return made


def manufacturer() -> Organisation:
    """The session's network's manufacturer (every network has exactly one)."""
    return db.session.scalar(select(Organisation).where(Organisation.kind == "manufacturer"))


def user(org: Organisation, *roles: str, name: str | None = None, username: str | None = None,
         phone_number: str | None = None, regions: tuple[str, ...] | list[str] = ()) -> User:
    """A user of org with those roles (default: the head of its kind), password PASSWORD."""
    roles = roles or (DEFAULT_ROLE[org.kind],)
    if username is None:
        username = f"{org.code.lower()}.{USERNAME_SUFFIXES[roles[0]]}"
        if db.session.scalar(select(User.id).where(func.lower(User.username) == username)):
            username = f"{username}{next(_serial)}"
    made, _ = create_user(org, username=username, name=name or f"{ROLE_TITLES[roles[0]]} {person_name()}",
                          roles=list(roles), phone=phone_number or phone(), regions=list(regions), password=PASSWORD)
    db.session.flush()
    return made


def fleet_rows(fleet) -> list[dict]:
    """(brand, quantity) or (brand, quantity, since) or dicts, as the ledger form has them."""
    rows = []
    for entry in fleet:
        if isinstance(entry, dict):
            rows.append({"heavy": True, **entry})
            continue
        brand, quantity, *rest = entry
        rows.append({"brand": brand, "model": OWN_MODEL if brand in ("乘龙", "霸龙", "东风柳汽") else "",
                     "quantity": quantity, "heavy": True, "since": rest[0] if rest else date.today().year - 3})
    return rows


def customer(org: Organisation, name: str | None = None, *, fleet=(), phone_number: str | None = None,
             responsible: User | None = None, **fields) -> Customer:
    """A customer of org's ledger with a fleet (see fleet_rows: brands as liuqi's dictionary knows
    them); segment and class are derived as on every save."""
    n = next(_serial)
    made = create_customer(org, {
        "kind": "unit", "name": name or f"{org.city or '柳州'}市{word()}{TRADES[n % len(TRADES)]}",
        "contact_name": person_name(n), "phone": phone(n) if phone_number is None else phone_number,
        "region": f"{org.province}{org.city}", "transport_type": "long_haul", "source": "visit",
        "responsible_id": responsible.id if responsible else None, **fields}, fleet_rows(fleet))
    db.session.flush()
    return made


def plan(org: Organisation, by: User | None = None, *, starts_on: date | None = None, days: int = 30,
         title: str = "本月回访计划") -> CallbackPlan:
    """A callback plan generated from org's ledger and strategy, as the information manager makes it."""
    starts_on = starts_on or date.today().replace(day=1)
    made = callbacks.generate_plan(org, title=title, starts_on=starts_on, ends_on=starts_on + timedelta(days=days),
                                   by=by)
    db.session.flush()
    return made.plan


def plan_items(plan: CallbackPlan) -> list[CallbackItem]:
    return db.session.scalars(select(CallbackItem).where(CallbackItem.plan_id == plan.id)
                              .order_by(CallbackItem.id)).all()


def callback(customer: Customer, by: User, *, done_on: date | None = None, item: CallbackItem | None = None,
             when: str = "", model: str = OWN_MODEL, quantity: int = 2, follow: bool = True,
             method: str = "phone") -> Callback:
    """A recorded callback; with `when` ("3m", "6m", "12m") an intent, worth following unless follow=False."""
    data = {"method": item.method if item else method, "done_on": done_on or date.today(), "met_whom": "车队长",
            "result": "已回访，车况良好", "steps": ["phone", "needs"]}
    if when:
        data.update({"has_intent": True, "worth_following": follow, "when": when, "intent_model": model,
                     "intent_quantity": quantity, "payment": "mortgage"})
    made = callbacks.record_callback(customer, by, data, item)
    db.session.flush()
    return made


def opportunity(customer: Customer, by: User, *, when: str = "3m", model: str = OWN_MODEL,
                quantity: int = 2, done_on: date | None = None) -> Opportunity:
    """An opportunity opened the way the app opens one: by a callback with an intent worth following."""
    cb = callback(customer, by, done_on=done_on, when=when, model=model, quantity=quantity)
    return db.session.scalar(select(Opportunity).where(Opportunity.callback_id == cb.id))


def won(opp: Opportunity, *, contract_on: date | None = None, amount: int = 450000) -> str:
    """Close opp as won with one vehicle; returns its VIN."""
    number = vin()
    deals.win(opp, contract_on=contract_on or date.today(), amount=amount * opp.quantity,
              vehicles=[{"vin": number, "model": opp.model}])
    db.session.flush()
    return number


def expense(org: Organisation, by: User, amount: float = 1200, *, category: str = "events",
            description: str = "答谢会场地", spent_on: date | None = None) -> Expense:
    """An expense submitted by `by`, waiting for the general manager."""
    made = Expense(network_id=org.network_id, org_id=org.id, submitted_by_id=by.id, spent_on=spent_on or date.today(),
                   category=category, amount=amount, description=description, payee="柳州饭店")
    db.session.add(made)
    db.session.flush()
    return made
