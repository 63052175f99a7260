"""Data generator for the ledger benchmarks: one network with many dealers and a large
customer ledger, loaded fast (COPY on PostgreSQL, executemany on SQLite).

The network, its brand dictionary and its organisations are made through the app's own
services (networks.create_network, orgs.create_org, accounts.create_user); customers and
fleet rows are written in bulk, bypassing the ORM, with every column the ORM would fill:
name_key / phone_key as services.ledger computes them, and segment, class, heavy/own units,
own_since / fleet_since from the generated fleet through services.ledger.derive_from.

Names are realistic Chinese customer names (城市+字号+行业 for companies, 区+姓名（个体）
for individuals), unique per dealer (sampled without replacement from a name space), so
the (org_id, name_key) unique constraint holds. Customers of all dealers are interleaved
in id order, as in a shared deployment. Deterministic for a given seed.
"""
from __future__ import annotations

import dataclasses
import itertools
import math
import os
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text

from bench.timing import note, report, time_ms

NETWORK_CODE = "bench"
PASSWORD = "Bench@2026-pass"

# (province, city, districts)
CITIES = [
    ("广西", "柳州", ["柳南区", "柳北区", "鱼峰区", "城中区", "柳江区"]), ("广西", "南宁", ["青秀区", "兴宁区", "江南区", "西乡塘区"]),
    ("广西", "桂林", ["七星区", "象山区", "临桂区"]), ("广西", "玉林", ["玉州区", "福绵区"]), ("广东", "广州", ["白云区", "番禺区", "黄埔区", "花都区"]),
    ("广东", "佛山", ["南海区", "顺德区", "三水区"]), ("广东", "东莞", ["长安镇", "虎门镇", "塘厦镇"]), ("云南", "昆明", ["官渡区", "西山区", "盘龙区"]),
    ("湖南", "长沙", ["雨花区", "岳麓区", "开福区"]), ("湖南", "株洲", ["天元区", "荷塘区"]), ("山东", "济南", ["历城区", "槐荫区", "章丘区"]),
    ("山东", "济宁", ["梁山县", "任城区"]), ("山东", "临沂", ["兰山区", "罗庄区"]), ("河北", "石家庄", ["长安区", "裕华区", "藁城区"]),
    ("河北", "唐山", ["路北区", "丰润区"]), ("湖北", "随州", ["曾都区", "广水市"]), ("湖北", "武汉", ["东西湖区", "江夏区", "黄陂区"]),
    ("四川", "成都", ["新都区", "双流区", "龙泉驿区"]), ("贵州", "贵阳", ["白云区", "花溪区"]), ("江西", "南昌", ["青山湖区", "新建区"]),
    ("福建", "福州", ["仓山区", "马尾区"]), ("河南", "郑州", ["中牟县", "管城区", "金水区"]), ("陕西", "西安", ["未央区", "灞桥区"]),
    ("山西", "太原", ["小店区", "晋源区"]), ("内蒙古", "鄂尔多斯", ["东胜区", "康巴什区"]), ("新疆", "乌鲁木齐", ["米东区", "头屯河区"]),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦覃蒙陆莫黎廖邓冯韩曹彭曾萧"
GIVEN = ["伟", "强", "军", "建华", "志勇", "海涛", "国栋", "永强", "晓东", "明", "丽华", "秀英", "桂林", "德明", "振宇",
         "建国", "卫东", "小平", "文斌", "春生", "金龙", "玉兰", "志刚", "宏伟", "家明", "少华", "立新", "红军", "海波", "俊杰",
         "世民", "光辉", "永福", "德华", "长青", "新民", "天佑", "福生", "志明", "国强"]
WORDS = ["鸿运", "顺达", "安通", "宏发", "远航", "通达", "广源", "兴旺", "利民", "恒信", "金桥", "华泰", "盛世", "长风",
         "路通", "昌盛", "万里", "和顺", "宏图", "新世纪", "大地", "永顺", "捷运", "众邦", "通发", "恒通", "骏马", "飞达",
         "中联", "聚源", "天成", "鼎盛", "富强", "兴达", "金鹏", "东方", "汇通", "荣达", "瑞丰", "佳运", "诚信", "畅达",
         "亿家", "腾飞", "凯旋", "宏达", "鑫源", "汇丰", "安达", "德邦", "锦程", "新航", "远通", "正大", "合力", "华运",
         "顺风", "国运", "金盛", "巨龙"]
# suffix, transport_type, industry, use
TRADES = [("物流有限公司", "long_haul", "物流", "city_transport"), ("运输有限公司", "medium_short", "公路运输", "city_transport"),
          ("土石方工程有限公司", "earthwork", "土石方", "city_construction"), ("混凝土有限公司", "cement_mixing", "建材", "city_construction"),
          ("矿业有限公司", "earthwork", "矿山", "mining"), ("环卫服务有限公司", "medium_short", "环卫", "city_services"),
          ("危险品运输有限公司", "long_haul", "危化品运输", "special"), ("供应链管理有限公司", "long_haul", "物流", "city_transport")]
NATURES = ["private", "private", "private", "joint_stock", "state", "jv"]
SOURCES = ["sales_system", "service_system", "informant", "walk_in", "referral", "visit", "transport_office", "fleet",
           "rival_network", "phone_in", "insurer", "advertising"]
UNKNOWN_BRANDS = ["联合卡车", "成都大运", "飞碟"]
OWN_MODELS = ["乘龙H7 牵引车", "乘龙M3 自卸车", "霸龙507 牵引车", "乘龙H5 载货车", "乘龙T7 牵引车"]
RIVAL_MODELS = {"一汽解放": ["J6P 牵引车", "JH6 牵引车"], "中国重汽": ["豪沃T7H", "豪沃TX 自卸车"], "陕汽": ["德龙X3000", "德龙M3000"],
                "东风商用车": ["天龙KL", "天锦"], "福田欧曼": ["EST 牵引车", "GTL"], "上汽红岩": ["杰狮C6"], "北奔": ["V3"],
                "华菱": ["汉马H9"], "大运": ["N8E"], "江淮格尔发": ["K7"], "徐工": ["漢风G7"], "三一": ["江山版 自卸车"]}

FLEET_COLUMNS = ["network_id", "org_id", "customer_id", "brand_id", "brand_text", "model", "quantity", "heavy", "since"]


def customer_columns() -> list[str]:
    """The customers table's columns as the model declares them (the ledger model is still growing:
    a derived column added to services.ledger.Derived is filled too). Refuses a NOT NULL column
    the generator knows nothing about, rather than loading rows the app would never write."""
    from tenant_app.models import Customer
    from tenant_app.services.ledger import Derived

    known = {"id", "network_id", "org_id", "responsible_id", "kind", "name", "name_key", "region", "transport_type",
             "nature", "contact_name", "phone", "phone_key", "phone2", "address", "industry", "use", "source",
             "informant", "first_contact_on", "notes", "industry_major", "intent_level", "created_at", "updated_at",
             *(f.name for f in dataclasses.fields(Derived))}
    columns = [c.name for c in Customer.__table__.columns]
    unknown = [c.name for c in Customer.__table__.columns if c.name not in known and not c.nullable]
    if unknown:
        raise SystemExit(f"bench.gen does not know how to fill customers.{', '.join(unknown)}")
    return columns
CHUNK = 50_000  # customers per COPY / commit


# --------------------------------------------------------------------------- names
class NameSpace:
    """Distinct customer names of one dealer: index → name, sampled without replacement."""

    def __init__(self, city: str, districts: list[str]):
        self.city, self.places = city, [f"{city}市"] + [f"{city}{d}" for d in districts]
        self.districts = districts
        self.individuals = len(SURNAMES) * len(GIVEN) * len(districts)
        self.companies = len(self.places) * len(WORDS) * len(WORDS) * len(TRADES)

    def individual(self, i: int) -> tuple[str, str]:
        """(name, person) of the i-th individual."""
        s, rest = divmod(i, len(GIVEN) * len(self.districts))
        g, d = divmod(rest, len(self.districts))
        person = SURNAMES[s] + GIVEN[g]
        return f"{self.districts[d]}{person}（个体）", person

    def company(self, i: int) -> tuple[str, int]:
        """(name, trade index) of the i-th company; past the space, branches: （二分公司）..."""
        rep, i = divmod(i, self.companies)
        p, rest = divmod(i, len(WORDS) * len(WORDS) * len(TRADES))
        w1, rest = divmod(rest, len(WORDS) * len(TRADES))
        w2, t = divmod(rest, len(TRADES))
        name = f"{self.places[p]}{WORDS[w1]}{WORDS[w2] if w2 != w1 else ''}{TRADES[t][0]}"
        return (name + (f"（第{rep + 1}分公司）" if rep else "")), t

    def sample(self, rnd: random.Random, n: int) -> list[tuple]:
        """n (is_individual, index) with distinct name keys, shuffled; about 30% individuals."""
        from tenant_app.services.ledger import name_key

        n_ind = min(round(n * 0.3), self.individuals // 2)
        n_co = n - n_ind
        pool = range(self.companies * (math.ceil(n_co * 1.2 / self.companies) + 1))
        seen, out = set(), []
        for i in rnd.sample(range(self.individuals), n_ind):
            seen.add(name_key(self.individual(i)[0]))
            out.append((True, i))
        while len(out) < n:  # two words may spell a third pair: keep the name keys distinct
            for i in rnd.sample(pool, n - len(out)):
                key = name_key(self.company(i)[0])
                if key not in seen:
                    seen.add(key)
                    out.append((False, i))
        rnd.shuffle(out)
        return out


# --------------------------------------------------------------------------- result
@dataclass
class Network:
    network_id: int
    big_org_id: int
    big_org_code: str
    big_city: str
    own_brand_id: int
    brand_ids: dict = field(default_factory=dict)  # name -> id
    sales_ids: list = field(default_factory=list)  # the big dealer's sales managers
    customers: int = 0
    fleet_rows: int = 0
    seconds: float = 0.0


def _settings():
    """BENCH_* from the environment; SQLite defaults are smaller so a run stays short."""
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgresql")
    dealers = int(os.environ.get("BENCH_DEALERS", "300" if postgres else "30"))
    customers = int(os.environ.get("BENCH_CUSTOMERS", "1000000" if postgres else "60000"))
    big = int(os.environ.get("BENCH_BIG_DEALER", "20000"))
    return dealers, customers, big


# --------------------------------------------------------------------------- the network
def _make_network(rnd: random.Random, dealers: int):
    """Network (own brand + rivals), dealers, the big dealer's sales staff; through the services."""
    from tenant_app.extensions import db
    from tenant_app.models import Brand
    from tenant_app.services.accounts import create_user
    from tenant_app.services.networks import create_network
    from tenant_app.services.orgs import create_org
    from tenant_app.tenancy import use_network

    network, _, _ = create_network(code=NETWORK_CODE, name="基准测试联合组织", maker_name="东风柳州汽车有限公司",
                                   maker_code="HQ", admin_password=PASSWORD, province="广西", city="柳州")
    use_network(db.session, network.id)
    for name in UNKNOWN_BRANDS:  # 待归类: as the brand resolver leaves a name nobody knows
        db.session.add(Brand(network_id=network.id, name=name, mapped=False, is_own=False))
    orgs = []
    for n in range(dealers):
        province, city, districts = CITIES[n % len(CITIES)] if n else CITIES[0]
        code = f"D{n + 1:04d}"
        org = create_org(network_id=network.id, kind="dealer", code=code,
                         name=f"{city}{rnd.choice(WORDS)}汽车销售服务有限公司", province=province, city=city,
                         address=f"{province}{city}市{districts[0]}车城大道{n + 1}号", phone=f"0772-{3100000 + n}")
        orgs.append((org, districts))
    db.session.flush()
    big = orgs[0][0]
    sales = []
    for i, who in enumerate(("业务经理 黄志勇", "业务经理 莫丽萍", "业务经理 蒙晓燕")):
        user, _ = create_user(big, username=f"{big.code.lower()}.sales{i + 1}", name=who, roles=["sales_manager"],
                              password=PASSWORD)
        sales.append(user)
    db.session.flush()
    brands = db.session.scalars(select(Brand)).all()
    result = Network(network.id, big.id, big.code, big.city,
                     own_brand_id=next(b.id for b in brands if b.is_own),
                     brand_ids={b.name: b.id for b in brands}, sales_ids=[u.id for u in sales])
    org_facts = [(o.id, o.province, o.city, d) for o, d in orgs]
    choices = _brand_choices(brands)  # plain values: nothing may query the database during a COPY
    db.session.commit()
    return result, org_facts, choices


def _brand_choices(brands):
    """(brand_id, is_own, [texts people write], [models]) for own, rivals, unknown."""
    own = next(b for b in brands if b.is_own)
    own_c = (own.id, True, [own.name, *own.aliases], OWN_MODELS)
    rivals = [(b.id, False, [b.name, *b.aliases], RIVAL_MODELS.get(b.name, [""]))
              for b in brands if not b.is_own and b.mapped]
    unknown = [(b.id, False, [b.name], [""]) for b in brands if not b.mapped]
    return own_c, rivals, unknown


# --------------------------------------------------------------------------- rows
def _customer_rows(rnd, network_id, org_facts, assignment, names_by_org, sales_by_org, brands, first_id, columns):
    """Yields (customer row tuple in columns' order, [fleet row tuples]) for each org index in assignment."""
    from tenant_app.services.ledger import Derived, derive_from, name_key, phone_digits

    derived_fields = [f.name for f in dataclasses.fields(Derived)]

    own_c, rivals, unknown = brands
    today = date.today()
    now = datetime.now().replace(microsecond=0)
    cid = first_id
    for o in assignment:
        org_id, province, city, districts = org_facts[o]
        names = names_by_org[o]
        is_ind, idx = next(names)
        space = names.space
        if is_ind:
            name, person = space.individual(idx)
            trade = TRADES[idx % 4]
            contact = person
        else:
            name, t = space.company(idx)
            trade = TRADES[t]
            contact = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
        district = rnd.choice(districts)
        phone_digits_ = f"1{rnd.choice('35789')}{rnd.randint(0, 9)}{rnd.randint(10_000_000, 99_999_999)}"
        phone = phone_digits_ if rnd.random() < 0.7 else f"{phone_digits_[:3]} {phone_digits_[3:7]} {phone_digits_[7:]}"
        industry_major = (not is_ind) and rnd.random() < 0.02
        fleet, derived_in = [], []
        for _ in range(rnd.choices((0, 1, 2, 3), (2, 5, 3, 1))[0]):
            roll = rnd.random()
            bid, is_own, texts, models = own_c if roll < 0.35 else rnd.choice(rivals) if roll < 0.95 else rnd.choice(unknown)
            quantity = 1 if is_ind else rnd.choices((1, 2, 3, 5, 8, 12, 20, 35), (5, 5, 4, 4, 3, 2, 1, 1))[0]
            heavy = rnd.random() < 0.85
            since = rnd.randint(today.year - 12, today.year)
            fleet.append((network_id, org_id, cid, bid, rnd.choice(texts), rnd.choice(models), quantity, heavy, since))
            derived_in.append((is_own, quantity, heavy, since))
        d = derive_from(derived_in, industry_major)
        created = now - timedelta(seconds=rnd.randint(0, 3 * 365 * 86400))
        updated = created + timedelta(seconds=rnd.randint(0, int((now - created).total_seconds())))
        sales = sales_by_org.get(org_id)
        values = {
            "id": cid, "network_id": network_id, "org_id": org_id,
            "responsible_id": rnd.choice(sales) if sales else None,
            "kind": "individual" if is_ind else "unit", "name": name, "name_key": name_key(name),
            "region": f"{province}{city}{district}", "transport_type": trade[1],
            "nature": "individual" if is_ind else rnd.choice(NATURES), "contact_name": contact,
            "phone": phone, "phone_key": phone_digits(phone), "phone2": "",
            "address": f"{city}市{district}{rnd.choice(WORDS)}路{rnd.randint(1, 300)}号",
            "industry": trade[2], "use": trade[3], "source": rnd.choice(SOURCES),
            "informant": rnd.choice(SURNAMES) + rnd.choice(GIVEN) if rnd.random() < 0.1 else "",
            "first_contact_on": today - timedelta(days=rnd.randint(0, 1500)) if rnd.random() < 0.9 else None,
            "notes": "", "industry_major": industry_major,
            "intent_level": rnd.choice((1, 2, 3)) if rnd.random() < 0.15 else None,
            "created_at": created, "updated_at": updated,
            **{f: getattr(d, f) for f in derived_fields},  # segment, klass, heavy/own units, years ...
        }
        row = tuple(values.get(c) for c in columns)
        yield row, fleet
        cid += 1


class _Names:
    def __init__(self, space: NameSpace, picks: list):
        self.space, self._it = space, iter(picks)

    def __next__(self):
        return next(self._it)


# --------------------------------------------------------------------------- loading
def _load_postgres(session, network_id, rows_iter_factory, total) -> tuple[int, int]:
    """COPY in chunks, one transaction each, through the app's connection (RLS set by use_network):
    COPY into temp tables, then INSERT ... SELECT into the real ones (see below)."""
    from tenant_app.tenancy import use_network

    columns = customer_columns()
    cols_c = ", ".join(f'"{c}"' for c in columns)
    cols_f = ", ".join(f'"{c}"' for c in FLEET_COLUMNS)
    done = fleet_done = 0
    rows_iter = None
    while done < total:
        n = min(CHUNK, total - done)
        use_network(session, network_id)
        conn = session.connection()  # after_begin: set_config('app.network_id', ..., true) in this transaction
        ids = conn.execute(text("SELECT nextval(pg_get_serial_sequence('customers', 'id')) "
                                "FROM generate_series(1, :n)"), {"n": n}).scalars().all()
        if rows_iter is None:
            rows_iter = rows_iter_factory()
        raw = conn.connection.driver_connection
        fleet = []
        with raw.cursor() as cur:
            # PostgreSQL refuses COPY FROM into a table with row-level security for a role it applies
            # to, so COPY goes into temp tables and one INSERT ... SELECT per table moves the rows:
            # RLS's WITH CHECK still sees every row (app.network_id is set in this transaction).
            cur.execute(f"CREATE TEMP TABLE bench_customers ON COMMIT DROP AS SELECT {cols_c} FROM customers WITH NO DATA")
            cur.execute(f"CREATE TEMP TABLE bench_fleet ON COMMIT DROP AS SELECT {cols_f} FROM fleet_entries WITH NO DATA")
            with cur.copy(f"COPY bench_customers ({cols_c}) FROM STDIN") as cp:
                id_at = columns.index("id")
                for cid, (row, frows) in zip(ids, itertools.islice(rows_iter, n)):
                    cp.write_row((*row[:id_at], cid, *row[id_at + 1:]))
                    fleet.extend((f[0], f[1], cid, *f[3:]) for f in frows)
            with cur.copy(f"COPY bench_fleet ({cols_f}) FROM STDIN") as cp:
                for f in fleet:
                    cp.write_row(f)
            cur.execute(f"INSERT INTO customers ({cols_c}) SELECT {cols_c} FROM bench_customers")
            cur.execute(f"INSERT INTO fleet_entries ({cols_f}) SELECT {cols_f} FROM bench_fleet")
        session.commit()
        done += n
        fleet_done += len(fleet)
        note(f"  loaded {done:,} customers, {fleet_done:,} fleet rows")
    return done, fleet_done


def _sqlite_value(v):
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, date):
        return v.isoformat()
    return v


def _load_sqlite(session, network_id, rows_iter_factory, total) -> tuple[int, int]:
    """executemany in chunks through the app's connection (ids pre-allocated from max(id)+1)."""
    from tenant_app.tenancy import use_network

    use_network(session, network_id)
    conn = session.connection()
    columns = customer_columns()
    sql_c = (f"INSERT INTO customers ({', '.join(chr(34) + c + chr(34) for c in columns)}) "
             f"VALUES ({', '.join('?' * len(columns))})")
    sql_f = (f"INSERT INTO fleet_entries ({', '.join(FLEET_COLUMNS)}) VALUES ({', '.join('?' * len(FLEET_COLUMNS))})")
    rows_iter = rows_iter_factory()
    done = fleet_done = 0
    while done < total:
        n = min(CHUNK, total - done)
        raw = session.connection().connection.driver_connection
        customers, fleet = [], []
        for row, frows in itertools.islice(rows_iter, n):
            customers.append(tuple(_sqlite_value(v) for v in row))
            fleet.extend(frows)
        raw.executemany(sql_c, customers)
        raw.executemany(sql_f, fleet)
        session.commit()
        done += n
        fleet_done += len(fleet)
        note(f"  loaded {done:,} customers, {fleet_done:,} fleet rows")
    del conn
    return done, fleet_done


def generate(app, fresh, *, dealers: int | None = None, customers: int | None = None,
             big_dealer: int | None = None, seed: int = 2026) -> Network:
    """Create the network and load its ledger; prints gen_* figures. Returns the facts."""
    from tenant_app.extensions import db
    from tenant_app.models import Customer
    from tenant_app.services.audit import set_actor

    d_env, c_env, b_env = _settings()
    dealers = dealers or d_env
    customers = customers if customers is not None else c_env
    big_dealer = min(big_dealer if big_dealer is not None else b_env, customers)
    if dealers < 2:
        raise SystemExit("BENCH_DEALERS must be at least 2 (one big dealer and the rest)")
    rnd = random.Random(seed)
    note(f"generating: {dealers} dealers, {customers:,} customers ({big_dealer:,} at the big dealer)")

    def run():
        with app.app_context():
            set_actor(db.session, label="bench")
            facts, orgs, brands = _make_network(rnd, dealers)
            # how many customers each dealer holds: the big one, the rest spread unevenly
            rest = customers - big_dealer
            weights = [rnd.uniform(0.3, 1.7) for _ in range(dealers - 1)]
            counts = [int(rest * w / sum(weights)) for w in weights]
            counts[0] += rest - sum(counts)
            counts = [big_dealer] + counts
            names_by_org = []
            for (org_id, _, city, districts), n in zip(orgs, counts):
                space = NameSpace(city, districts)
                names_by_org.append(_Names(space, space.sample(rnd, n)))
            assignment = [i for i, n in enumerate(counts) for _ in range(n)]
            rnd.shuffle(assignment)  # dealers' customers interleave in id order, as in a shared deployment
            sales_by_org = {facts.big_org_id: facts.sales_ids}
            if fresh.postgres:
                first_id = 0  # ids come from the sequence, chunk by chunk
                loader = _load_postgres
            else:
                first_id = (db.session.scalar(select(func.max(Customer.id)).execution_options(all_networks=True))
                            or 0) + 1
                loader = _load_sqlite

            def factory():
                return _customer_rows(rnd, facts.network_id, orgs, assignment, names_by_org, sales_by_org,
                                      brands, first_id, customer_columns())

            facts.customers, facts.fleet_rows = loader(db.session, facts.network_id, factory, customers)
            db.session.remove()
            return facts

    elapsed, facts = time_ms(run)
    analyze_ms, _ = time_ms(lambda: fresh_analyze(fresh))
    facts.seconds = (elapsed + analyze_ms) / 1000.0
    note(f"VACUUM ANALYZE in {analyze_ms:.0f} ms" if fresh.postgres else "loaded")
    report("gen_customers", facts.customers, "rows")
    report("gen_fleet_rows", facts.fleet_rows, "rows")
    report("gen_seconds", facts.seconds, "s")
    report("gen_customers_per_second", facts.customers / facts.seconds, "rows/s")
    return facts


def fresh_analyze(fresh) -> None:
    """Planner statistics and the visibility map, as autovacuum would leave them (owner role)."""
    from bench.fresh import owner_maintenance
    owner_maintenance(fresh, "VACUUM ANALYZE customers", "VACUUM ANALYZE fleet_entries", "ANALYZE")
