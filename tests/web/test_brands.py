"""The manufacturer keeps the brand dictionary; mapping an unknown brand updates the ledgers."""
from sqlalchemy import select

from tenant_app.models import Brand, Customer, FleetEntry


def test_admin_maps_an_unknown_brand_and_segments_follow(login_as, world, in_network):
    dealer = login_as("gx-lz-001.info")
    resp = dealer.post("/d/customers/new", data={"kind": "unit", "name": "映射测试物流",
                                                 "fleet-0-brand": "柳州神龙", "fleet-0-quantity": "4",
                                                 "fleet-0-heavy": "y"})
    cid = int(resp.location.rsplit("/", 1)[1])
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(Customer, cid).segment == "rival_old", "an unknown brand counts as a rival's"
        unknown = s.scalar(select(Brand.id).where(Brand.name == "柳州神龙"))
        own = s.scalar(select(Brand.id).where(Brand.is_own))
    admin = login_as("admin")
    page = admin.get("/m/brands").get_data(as_text=True)
    assert "柳州神龙" in page and "待归类" in page and "乘龙" in page
    admin.post(f"/m/brands/{unknown}/map", data={"target_id": own})
    with in_network(world["networks"]["liuqi"]) as s:
        c = s.get(Customer, cid)
        assert (c.segment, c.own_units) == ("own_old", 4)
        assert s.get(Brand, unknown) is None
        assert "柳州神龙" in s.get(Brand, own).aliases
        assert s.scalar(select(FleetEntry.brand_id).where(FleetEntry.customer_id == cid)) == own
    again = dealer.post("/d/customers/new", data={"kind": "unit", "name": "映射后新客户",
                                                  "fleet-0-brand": "柳州神龙", "fleet-0-quantity": "1"})
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(Customer, int(again.location.rsplit("/", 1)[1])).segment == "own_old", "the alias now resolves"


def test_dictionary_edits_and_who_may_make_them(login_as, world, in_network):
    admin = login_as("admin")
    page = admin.post("/m/brands", data={"name": "新品牌重卡", "aliases": "新品牌，XP"}, follow_redirects=True)
    assert "已添加品牌" in page.get_data(as_text=True)
    clash = admin.post("/m/brands", data={"name": "另一个", "aliases": "豪沃"}).get_data(as_text=True)
    assert "已是品牌 中国重汽 的名称或别名" in clash
    with in_network(world["networks"]["liuqi"]) as s:
        bid = s.scalar(select(Brand.id).where(Brand.name == "新品牌重卡"))
    admin.post(f"/m/brands/{bid}", data={"name": "新品牌重卡", "aliases": "新品牌，XP，NB"})
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(Brand, bid).aliases == ["新品牌", "XP", "NB"]
    assert login_as("supervisor").post(f"/m/brands/{bid}", data={"name": "x", "aliases": ""}).status_code == 403
    assert login_as("gx-lz-001.gm").get("/m/brands").status_code == 403
