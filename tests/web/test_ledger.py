"""The dealer's customer ledger: list, filters, keyset pages, create, duplicates, edit, merge, stakeholders."""
import re

from sqlalchemy import func, select

from tenant_app.models import AuditEntry, Customer, FleetEntry
from tests import factories


def _rows(html):
    return re.findall(r'href="/[db]/customers/(\d+)">([^<]+)</a>', html)


def _errors(html):
    return re.findall(r'invalid-feedback d-block">([^<]+)<', html)


def test_ledger_lists_only_own_customers_with_counts(login_as, world, in_network, build):
    with build():
        shop, other = factories.org("dealer"), factories.org("dealer")
        info = factories.user(shop, "information_manager").username
        for fleet in ([("乘龙", 25)], [("豪沃", 20), ("乘龙", 2)], [("解放", 6)], [("乘龙", 1)], []):
            factories.customer(shop, fleet=fleet)
        factories.customer(other, fleet=[("乘龙", 30)])
        org_id = shop.id
    page = login_as(info).get("/d/customers").get_data(as_text=True)
    rows = _rows(page)
    with in_network(world["networks"]["liuqi"]) as s:
        ids = {c for c, in s.execute(select(Customer.id).where(Customer.org_id == org_id))}
        key_major = s.scalar(select(func.count()).where(Customer.org_id == org_id, Customer.klass == "key_major"))
    assert {int(i) for i, _ in rows} == ids and len(rows) == len(ids) == 5, "all five, nobody else's"
    shown = int(re.search(r'data-test="class-key_major">(\d+)<', page).group(1))
    assert shown == key_major == 2


def test_keyset_pages_cover_every_customer_once(app, login_as, world, in_network, build):
    with build():
        shop = factories.org("dealer")
        gm = factories.user(shop, "general_manager").username
        for n in range(2 * app.config["PAGE_SIZE"] + 15):  # three pages, many equal heavy_units
            factories.customer(shop, fleet=[("乘龙", n % 4), ("豪沃", n % 3 * 5)] if n % 5 else [])
        org_id = shop.id
    client = login_as(gm)
    seen, url, pages = [], "/d/customers?sort=heavy", 0
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += 1
        seen += [int(i) for i, _ in _rows(html)]
        nxt = re.search(r'href="([^"]+)" data-test="next"', html)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    with in_network(world["networks"]["liuqi"]) as s:
        expected = [c for c, in s.execute(select(Customer.id).where(Customer.org_id == org_id)
                                          .order_by(Customer.heavy_units.desc(), Customer.id.desc()))]
    assert pages == 3 and seen == expected


def test_filters_and_search(login_as, world, in_network, build):
    with build():
        shop = factories.org("dealer")
        gm = factories.user(shop, "general_manager").username
        c = factories.customer(shop, fleet=[("豪沃", 4)])
        own = factories.customer(shop, fleet=[("乘龙", 2)]).name
        assert c.segment == "rival_old"
        name, phone, brand_id = c.name, c.phone, c.fleet[0].brand_id
    client = login_as(gm)
    html = client.get("/d/customers?segment=own_old").get_data(as_text=True)
    assert own in html and name not in html, "a rival customer is not listed under own_old"
    assert name in client.get(f"/d/customers?q={name[:6]}").get_data(as_text=True)
    spaced = f"{phone[:3]} {phone[3:7]}-{phone[7:]}"
    assert name in client.get(f"/d/customers?q={spaced}").get_data(as_text=True), "phone typed with spaces"
    html = client.get(f"/d/customers?brand_id={brand_id}").get_data(as_text=True)
    assert name in html and own not in html
    html = client.get("/d/customers?q=没有这样的客户").get_data(as_text=True)
    assert "没有符合条件的客户" in html
    assert client.get("/d/customers?after=garbage").status_code == 302


def test_create_customer_derives_segment_and_class_and_audits(login_as, world, in_network):
    client = login_as("gx-lz-001.info")
    resp = client.post("/d/customers/new", data={
        "kind": "unit", "name": "柳州市测试鸿达物流有限公司", "phone": "138 7777 0001", "transport_type": "long_haul",
        "fleet-0-brand": "乘龙", "fleet-0-model": "H7 牵引车", "fleet-0-quantity": "3", "fleet-0-heavy": "y",
        "fleet-0-since": "2016", "fleet-1-brand": "豪沃", "fleet-1-quantity": "4", "fleet-1-heavy": "y",
        "fleet-2-brand": "无名牌", "fleet-2-quantity": "1"})
    assert resp.status_code == 302
    html = client.get(resp.location).get_data(as_text=True)
    assert re.search(r'data-test="segment">本品老客户<', html)
    assert re.search(r'data-test="klass">一般性大客户<', html), "7 heavy trucks: 5 ≤ ∮ < 20"
    assert "待归类" in html, "an unknown brand is kept as written for the manufacturer to map"
    assert "138 7777 0001" in html, "the dealer's own staff see the whole phone"
    assert "公告" in html and "牵引车" in html, "talking points for a tractor customer"
    cid = int(resp.location.rsplit("/", 1)[1])
    with in_network(world["networks"]["liuqi"]) as s:
        c = s.get(Customer, cid)
        assert (c.own_units, c.heavy_units, c.own_since, c.phone_key) == (3, 7, 2016, "13877770001")
        unknown = [e for e in c.fleet if e.brand_text == "无名牌"][0]
        assert unknown.brand is not None and not unknown.brand.mapped and not unknown.brand.is_own
        entry = s.scalar(select(AuditEntry).where(AuditEntry.object_type == "Customer", AuditEntry.object_id == cid))
        assert entry.action == "create" and entry.username == "gx-lz-001.info"


def test_duplicates_are_refused_with_a_link(login_as, world, in_network, build):
    with build():
        shop, other = factories.org("dealer"), factories.org("dealer", city="南宁")
        info, other_info = factories.user(shop, "information_manager"), factories.user(other, "information_manager")
        c = factories.customer(shop)
        name, phone, cid = c.name, c.phone, c.id
        info, other_info = info.username, other_info.username
    client = login_as(info)
    with in_network(world["networks"]["liuqi"]) as s:
        before = s.scalar(select(func.count(Customer.id)))
    resp = client.post("/d/customers/new", data={"kind": "unit", "name": " " + name.replace("市", "市 ") + " "})
    assert resp.status_code == 409 and f"/d/customers/{cid}" in resp.get_data(as_text=True)
    resp = client.post("/d/customers/new", data={"kind": "unit", "name": "全新名称客户",
                                                 "phone": f"+86 {phone[:3]}-{phone[3:]}"})
    assert resp.status_code == 409 and "已有电话相同的客户" in resp.get_data(as_text=True)
    other_dealer = login_as(other_info)
    assert other_dealer.post("/d/customers/new", data={"kind": "unit", "name": name}).status_code == 302, \
        "another dealer may keep the same customer in its own ledger"
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(func.count(Customer.id))) == before + 1


def test_bad_input_is_explained_and_nothing_saved(login_as, world, in_network):
    client = login_as("gx-lz-001.info")
    with in_network(world["networks"]["liuqi"]) as s:
        before = s.scalar(select(func.count(Customer.id)))
    html = client.post("/d/customers/new", data={
        "kind": "unit", "name": "", "phone": "abc", "transport_type": "flying", "first_contact_on": "2999-01-01",
        "informant": "老王", "source": "walk_in", "fleet-0-brand": "乘龙", "fleet-0-quantity": ""}).get_data(as_text=True)
    errors = _errors(html)
    for expected in ("请输入客户名称", "不是电话号码", "请从列表中选择", "不能晚于今天", "只有信息来源为信息员", "请填写数量"):
        assert any(expected in e for e in errors), (expected, errors)
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(func.count(Customer.id))) == before


def test_responsible_must_be_a_colleague(login_as, person):
    outsider = person("gx-nn-002.sales1")
    html = login_as("gx-lz-001.info").post("/d/customers/new", data={
        "kind": "unit", "name": "负责人越界测试", "responsible_id": outsider.id}).get_data(as_text=True)
    assert any("本机构的在职人员" in e for e in _errors(html))


def test_edit_fleet_updates_derivations(login_as, world, in_network):
    client = login_as("gx-lz-001.info")
    resp = client.post("/d/customers/new", data={"kind": "individual", "name": "覃师傅（个体）测试",
                                                 "fleet-0-brand": "德龙", "fleet-0-quantity": "2", "fleet-0-heavy": "y"})
    cid = int(resp.location.rsplit("/", 1)[1])
    html = client.get(resp.location).get_data(as_text=True)
    assert "竞品老客户" in html
    client.post(f"/d/customers/{cid}/edit", data={"kind": "individual", "name": "覃师傅（个体）测试",
                                                   "fleet-0-brand": "霸龙", "fleet-0-quantity": "25", "fleet-0-heavy": "y"})
    with in_network(world["networks"]["liuqi"]) as s:
        c = s.get(Customer, cid)
        assert (c.segment, c.klass, c.own_units, len(c.fleet)) == ("own_old", "key_major", 25, 1)
        assert s.scalar(select(func.count(FleetEntry.id)).where(FleetEntry.customer_id == cid)) == 1


def test_sales_manager_edits_only_own_customers(login_as, build):
    with build():
        shop = factories.org("dealer")
        sales1, sales2 = factories.user(shop, "sales_manager"), factories.user(shop, "sales_manager")
        theirs = factories.customer(shop, responsible=sales2).id
        mine = factories.customer(shop, responsible=sales1).id
        sales1 = sales1.username
    client = login_as(sales1)
    assert client.get(f"/d/customers/{theirs}").status_code == 200, "the whole team sees the ledger"
    assert client.get(f"/d/customers/{theirs}/edit").status_code == 403
    assert client.get(f"/d/customers/{mine}/edit").status_code == 200


def test_stakeholders_and_merge(login_as, world, in_network):
    client = login_as("gx-lz-001.gm")
    a = client.post("/d/customers/new", data={"kind": "unit", "name": "合并测试甲", "phone": "13600000001",
                                              "fleet-0-brand": "乘龙", "fleet-0-quantity": "2", "fleet-0-heavy": "y"})
    b = client.post("/d/customers/new", data={"kind": "unit", "name": "合并测试乙", "address": "柳州市鱼峰区",
                                              "fleet-0-brand": "解放", "fleet-0-quantity": "3", "fleet-0-heavy": "y"})
    keep, dup = int(a.location.rsplit("/", 1)[1]), int(b.location.rsplit("/", 1)[1])
    client.post(f"/d/customers/{dup}/stakeholders", data={"role": "fleet_captain", "name": "车队长 黄师傅",
                                                          "influence": "high", "cares_about": "出勤率"})
    assert "车队长 黄师傅" in client.get(f"/d/customers/{dup}").get_data(as_text=True)
    client.post(f"/d/customers/{keep}/merge", data={"duplicate_id": dup})
    html = client.get(f"/d/customers/{keep}").get_data(as_text=True)
    assert "车队长 黄师傅" in html and "柳州市鱼峰区" in html
    assert client.get(f"/d/customers/{dup}").status_code == 404
    with in_network(world["networks"]["liuqi"]) as s:
        c = s.get(Customer, keep)
        assert (c.heavy_units, c.segment) == (5, "own_old")
    other = world["records"]["customer"][-1][0]  # another network's customer
    assert client.post(f"/d/customers/{keep}/merge", data={"duplicate_id": other}).status_code == 404


def test_builders_keep_their_own_ledger(login_as, build):
    with build():
        builder = factories.org("bodybuilder")
        manager = factories.user(builder, "manager").username
        customer = factories.customer(builder, fleet=[("乘龙", 3)])
        customer = (str(customer.id), customer.name)
    html = login_as(manager).get("/b/customers").get_data(as_text=True)
    assert "客户信息管理台帐" in html and _rows(html) == [customer]
    assert login_as("sv-lz-01.mgr").get("/d/customers").status_code == 403
    assert login_as("admin").get("/d/customers").status_code == 403


def test_one_dealers_unknown_brand_is_not_shown_to_another(login_as):
    login_as("gx-lz-001.info").post("/d/customers/new", data={
        "kind": "unit", "name": "私有品牌测试", "fleet-0-brand": "张三私记13800001111", "fleet-0-quantity": "1"})
    assert "张三私记13800001111" in login_as("gx-lz-001.gm").get("/d/customers").get_data(as_text=True)
    assert "张三私记13800001111" not in login_as("gx-nn-002.gm").get("/d/customers").get_data(as_text=True)


def test_a_customer_with_many_fleet_lines_can_be_edited(login_as, world, in_network):
    client = login_as("gx-lz-001.info")
    data = {"kind": "unit", "name": "大车队十五行"}
    for i in range(15):
        data.update({f"fleet-{i}-brand": "乘龙", f"fleet-{i}-model": f"H{i}", f"fleet-{i}-quantity": "1"})
    cid = int(client.post("/d/customers/new", data=data).location.rsplit("/", 1)[1])
    page = client.get(f"/d/customers/{cid}/edit")
    assert page.status_code == 200 and 'value="H14"' in page.get_data(as_text=True)
    with in_network(world["networks"]["liuqi"]) as s:
        assert len(s.get(Customer, cid).fleet) == 15


def test_form_stores_phones_normalised_one_line_fields_and_refuses_what_is_too_long(login_as, world, in_network):
    client = login_as("gx-lz-001.info")
    form = client.get("/d/customers/new").get_data(as_text=True)
    assert "maxlength" not in form, "a browser would cut a longer pasted value silently"
    too_long = client.post("/d/customers/new", data={"kind": "unit", "name": "长" * 121, "contact_name": "王" * 61})
    html = too_long.get_data(as_text=True)
    assert "最多 120 个字（现在 121 个）" in html and "最多 60 个字（现在 61 个）" in html
    resp = client.post("/d/customers/new", data={"kind": "unit", "name": "制表符\t测试\r\n物流", "phone": "+86 １３８-7777-0002",
                                                 "phone2": "(0772)3100000", "address": "柳州市\n柳南区"})
    cid = int(resp.location.rsplit("/", 1)[1])
    with in_network(world["networks"]["liuqi"]) as s:
        c = s.get(Customer, cid)
        assert (c.name, c.address, c.phone, c.phone2, c.phone_key) == (
            "制表符 测试 物流", "柳州市 柳南区", "13877770002", "07723100000", "13877770002")
    page = client.get(f"/d/customers/{cid}").get_data(as_text=True)
    assert "138 7777 0002" in page, "shown grouped"
