"""The demo: two networks that must never mix. `flask demo seed` (run by `make run`)."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Network
from ..services.accounts import create_user
from ..services.networks import create_network
from ..services.orgs import create_org
from ..tenancy import use_network
from .customers import seed_customers
from .events import seed_events
from .projects import seed_projects
from .scorecards import seed_scorecards
from .stations import seed_service
from .work import seed_work

DEMO_PASSWORD = "Demo@2026"  # documented demo credential, local demo data only

NETWORKS = [
    {
        "code": "liuqi", "name": "东风柳汽客户营销联合组织", "maker": ("HQ", "东风柳州汽车有限公司", "广西", "柳州"),
        "brand": ("东风柳汽", ["柳汽", "东风柳州", "乘龙", "霸龙"]),
        "staff": [("supervisor", "督导 覃志强", ["supervisor"], ["广西"]), ("supervisor2", "督导 黄丽华", ["supervisor"], [])],
        "orgs": [
            ("dealer", "GX-LZ-001", "柳州盛通汽车销售服务有限公司", "广西", "柳州", "full"),
            ("dealer", "GX-NN-002", "南宁桂通商用车有限公司", "广西", "南宁", "small"),
            ("dealer", "GD-GZ-003", "广州粤龙汽车贸易有限公司", "广东", "广州", "small"),
            ("dealer", "YN-KM-004", "昆明滇柳汽车销售有限公司", "云南", "昆明", "small"),
            ("dealer", "HN-CS-005", "长沙湘运汽车贸易有限公司", "湖南", "长沙", "small"),
            ("bodybuilder", "BB-LZ-01", "柳州专用汽车改装有限公司", "广西", "柳州", "builder"),
            ("bodybuilder", "BB-SZ-02", "随州楚风专用汽车有限公司", "湖北", "随州", "builder"),
            ("service", "SV-LZ-01", "柳州顺达汽车服务站", "广西", "柳州", "station"),
            ("service", "SV-GZ-02", "广州安运汽车服务站", "广东", "广州", "station"),
        ],
    },
    {
        "code": "demo2", "name": "华运重卡客户营销联合组织", "maker": ("HQ", "华运重型汽车有限公司", "山东", "济南"),
        "brand": ("华运重卡", ["华运"]),
        "staff": [("supervisor", "督导 孙建国", ["supervisor"], [])],
        "orgs": [
            ("dealer", "SD-JN-001", "济南华运汽车销售有限公司", "山东", "济南", "full"),
            ("dealer", "HB-SJZ-002", "石家庄冀运商用车有限公司", "河北", "石家庄", "small"),
            ("bodybuilder", "BB-LY-01", "梁山鲁通专用车有限公司", "山东", "济宁", "builder"),
            ("service", "SV-JN-01", "济南通达服务站", "山东", "济南", "station"),
        ],
    },
]

# (username suffix, person name, roles) per staffing pattern
STAFFING = {
    "full": [("gm", "总经理 韦国栋", ["general_manager"]), ("brand", "品牌经理 蒙晓燕", ["brand_manager"]),
             ("info", "信息经理 陆海波", ["information_manager"]), ("sales1", "业务经理 黄志勇", ["sales_manager"]),
             ("sales2", "业务经理 莫丽萍", ["sales_manager"]), ("service", "服务经理 廖建华", ["service_manager"])],
    "small": [("gm", "总经理 李卫东", ["general_manager", "brand_manager"]),
              ("info", "信息经理 陈静", ["information_manager"]), ("sales1", "业务经理 张伟", ["sales_manager"])],
    "builder": [("mgr", "经理 周文斌", ["manager"]), ("staff", "专员 吴敏", ["staff"])],
    "station": [("mgr", "站长 梁永强", ["manager"]), ("staff", "专员 邓小梅", ["staff"])],
}


def _phone(seq: int) -> str:
    return f"13{(seq * 7919) % 10:01d}{(seq * 104729) % 100000000:08d}"


def seed(customers: int = 2400):
    """Create the demo networks that do not exist yet; yields lines to print."""
    for spec in NETWORKS:
        use_network(db.session, None)
        if db.session.scalar(select(Network.id).where(Network.code == spec["code"])):
            yield f"network {spec['code']} exists, kept as it is"
            continue
        code, maker_name, province, city = spec["maker"]
        network, admin, _ = create_network(code=spec["code"], name=spec["name"], maker_name=maker_name,
                                           maker_code=code, admin_password=DEMO_PASSWORD, province=province,
                                           city=city, admin_name="管理员 刘明", own_brand=spec["brand"])
        maker = admin.org
        seq = 0
        for username, name, roles, regions in spec["staff"]:
            seq += 1
            create_user(maker, username=username, name=name, roles=roles, regions=regions,
                        phone=_phone(seq), password=DEMO_PASSWORD)
        for kind, org_code, org_name, prov, city, staffing in spec["orgs"]:
            org = create_org(network_id=network.id, kind=kind, code=org_code, name=org_name, province=prov,
                             city=city, address=f"{prov}{city}市车城大道{len(org_code) * 11}号",
                             phone=f"0772-{3100000 + seq}")
            for suffix, name, roles in STAFFING[staffing]:
                seq += 1
                create_user(org, username=f"{org_code.lower()}.{suffix}", name=name, roles=roles,
                            phone=_phone(seq), password=DEMO_PASSWORD)
        db.session.flush()
        n = seed_customers(network.id, customers)
        done = seed_work(network.id)
        db.session.commit()
        repairs = seed_service(network.id)
        seed_projects(network.id)
        seed_events(network.id)
        db.session.commit()
        period = seed_scorecards(network.id)
        yield (f"network {spec['code']} created: {len(spec['orgs']) + 1} organisations, {seq + 1} users, "
               f"{n} customers, {done} callbacks, {repairs} repairs, scorecards of {period}")
    yield (f"demo logins (password {DEMO_PASSWORD}), e.g. network liuqi: admin, supervisor, gx-lz-001.gm, "
           "gx-lz-001.sales1, bb-lz-01.mgr, sv-lz-01.mgr; network demo2: admin, sd-jn-001.gm (README: all of them)")
