"""The import that accepts the ledgers people keep: aliases and unknown values per controlled
column (import, form, command line), the problem workbook, re-imports that update, the
template, and models that are one model however they are written."""
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tenant_app.models import AuditEntry, Customer, FleetEntry, PendingValue, TruckModel, VocabularyAlias
from tests.web.test_ledger_excel import _count, _upload, deck_file, flat_file, row

FLAT = ["客户名称", "手机", "运输类型", "客户性质", "用途", "信息来源", "客户类型", "意向级别", "品牌", "车型", "数量",
        "跟进人", "备注"]


@pytest.fixture
def dealer(new_org):
    return new_org("GX-I")


@pytest.fixture
def info(dealer, new_user, login_as):
    """The dealer's information manager, logged in, and the dealer's (code, id)."""
    person = new_user(dealer[0], "information_manager")
    return login_as(person.username), dealer


def _job_id(page) -> int:
    return int(page.request.path.rsplit("/", 1)[1])


def _customers(in_network, world, org_id):
    with in_network(world["networks"]["liuqi"]) as s:
        out = {}
        for c in s.scalars(select(Customer).where(Customer.org_id == org_id)):
            out[c.name] = {"transport_type": c.transport_type, "nature": c.nature, "use": c.use, "source": c.source,
                           "kind": c.kind, "intent_level": c.intent_level, "phone": c.phone, "phone2": c.phone2,
                           "contact": c.contact_name, "notes": c.notes, "segment": c.segment, "klass": c.klass,
                           "pending": {p.field: p.text for p in c.pending}, "id": c.id,
                           "fleet": sorted((e.brand_text, e.model, e.quantity, e.heavy) for e in c.fleet),
                           "responsible_id": c.responsible_id}
        return out


def test_short_forms_and_the_neighbouring_column_are_recognised(info, in_network, world):
    client, (code, org_id) = info
    data = flat_file(FLAT, [
        ["甲物流", "13800000101", "长途运输", "私营", "矿用", "介绍", "公司", "A级", "乘龙", "H7", 2, "", ""],
        ["乙运输", "13800000102", "短途", "民营", "城配", "来店", "个体", "二级", "", "", "", "", ""],
        ["丙土方", "13800000103", "土方", "国企", "", "运管", "", "3个月内", "", "", "", "", ""],
        ["丁搅拌", "13800000104", "搅拌", "股份制", "", "", "", "", "", "", "", "", ""],
        # a use written under 运输类型 and a transport type under 用途, as the deck's one slide invites
        ["戊建设", "13800000105", "城市建设", "合资", "中短途运输", "", "", "", "", "", "", "", ""],
        ["己罐车", "13800000106", "水泥罐车", "独资", "环卫", "", "", "", "", "", "", "", ""],
    ])
    page = _upload(client, data)
    html = page.get_data(as_text=True)
    assert "6 位客户可以导入" in html and "待归类的值" not in html, html[html.find("alert"):][:600]
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    got = _customers(in_network, world, org_id)
    assert (got["甲物流"]["transport_type"], got["甲物流"]["nature"], got["甲物流"]["use"], got["甲物流"]["source"],
            got["甲物流"]["kind"], got["甲物流"]["intent_level"]) == ("long_haul", "private", "mining", "referral",
                                                                  "unit", 1)
    assert (got["乙运输"]["transport_type"], got["乙运输"]["nature"], got["乙运输"]["use"], got["乙运输"]["source"],
            got["乙运输"]["kind"], got["乙运输"]["intent_level"]) == ("medium_short", "private", "city_transport",
                                                                  "walk_in", "individual", 2)
    assert (got["丙土方"]["transport_type"], got["丙土方"]["nature"], got["丙土方"]["source"],
            got["丙土方"]["intent_level"]) == ("earthwork", "state", "transport_office", 1)
    assert (got["丁搅拌"]["transport_type"], got["丁搅拌"]["nature"]) == ("cement_mixing", "joint_stock")
    assert (got["戊建设"]["transport_type"], got["戊建设"]["use"], got["戊建设"]["nature"]) == (
        "medium_short", "city_construction", "jv")
    assert (got["己罐车"]["transport_type"], got["己罐车"]["use"], got["己罐车"]["nature"]) == (
        "cement_mixing", "city_services", "jv")
    assert all(not c["pending"] for c in got.values())


def test_unknown_values_are_imported_as_written_mapped_on_the_preview_and_remembered(info, in_network, world,
                                                                                     login_as, new_org, new_user):
    client, (code, org_id) = info
    rows = [["庚冷链", "13800000201", "冷链运输", "私有", "", "", "", "", "", "", "", "", ""],
            ["辛冷链", "13800000202", "冷链运输", "个体工商户", "", "", "", "", "", "", "", "", ""],
            ["壬危化", "13800000203", "长途", "私有", "", "抖音", "", "", "", "", "", "", ""]]
    page = _upload(client, flat_file(FLAT, rows))
    html = page.get_data(as_text=True)
    assert "3 位客户可以导入" in html
    pending = html[html.find('data-test="pending"'):][:3000]
    assert "冷链运输" in pending and "2 行" in pending and "个体工商户" in pending and "抖音" in pending
    # the preview offers the listed values, and the neighbouring vocabulary's (用途：专用类)
    assert 'value="use:special"' in pending and 'value="transport_type:long_haul"' in pending
    order = re.findall(r'name="(map-\d+)"', pending)
    texts = re.findall(r"“<strong>([^<]+)</strong>”", pending)
    choice = dict(zip(texts, order))
    client.post(f"/d/customers/import/{_job_id(page)}/confirm",
                data={choice["冷链运输"]: "use:special", choice["个体工商户"]: "nature:individual", choice["抖音"]: ""})
    got = _customers(in_network, world, org_id)
    assert (got["庚冷链"]["use"], got["庚冷链"]["transport_type"], got["庚冷链"]["pending"]) == ("special", "", {})
    assert got["辛冷链"]["nature"] == "individual"
    assert (got["壬危化"]["source"], got["壬危化"]["pending"]) == ("", {"source": "抖音"}), "kept as written"
    with in_network(world["networks"]["liuqi"]) as s:
        alias = s.scalar(select(VocabularyAlias).where(VocabularyAlias.alias == "冷链运输"))
        assert (alias.vocabulary, alias.code, alias.org_id) == ("use", "special", org_id)
    # the next file, another dealer's: the mapping is the network's, so nothing waits
    other_code, other_id = new_org("GX-J")
    other = login_as(new_user(other_code, "information_manager").username)
    html = _upload(other, flat_file(FLAT, [["癸冷链", "13800000204", "冷链运输", "", "", "", "", "", "", "", "", "",
                                           ""]])).get_data(as_text=True)
    assert "1 位客户可以导入" in html and "待归类的值" not in html
    # the maker maps the rest: the customers follow
    admin = login_as("admin")
    page = admin.get("/m/vocabulary?v=source").get_data(as_text=True)
    assert "抖音" in page and "1 位客户" in page
    key = re.search(r'name="key" value="([^"]+)"', page[page.find('data-test="pending"'):]).group(1)
    resp = admin.post("/m/vocabulary/pending", data={"vocabulary": "source", "key": key, "target": "source:advertising"},
                      follow_redirects=True)
    assert "1 位客户随之更新" in resp.get_data(as_text=True)
    got = _customers(in_network, world, org_id)
    assert (got["壬危化"]["source"], got["壬危化"]["pending"]) == ("advertising", {})


def test_an_alias_added_by_the_maker_classifies_what_waits_and_may_not_name_another_value(info, in_network, world,
                                                                                         login_as):
    client, (code, org_id) = info
    page = _upload(client, flat_file(FLAT, [["子公司", "13800000301", "", "集体企业", "", "", "", "", "", "", "", "",
                                            ""]]))
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    assert _customers(in_network, world, org_id)["子公司"]["pending"] == {"nature": "集体企业"}
    admin = login_as("admin")
    page = admin.get("/m/vocabulary?v=nature").get_data(as_text=True)
    assert "集体企业" in page and "私营" in page and "民营" in page, "the seeded aliases are listed"
    current = re.search(r'name="code" value="state">\s*<input[^>]+value="([^"]*)"', page).group(1)
    resp = admin.post("/m/vocabulary/aliases", data={"vocabulary": "nature", "code": "state",
                                                     "aliases": current + "，集体企业"}, follow_redirects=True)
    assert "1 位客户随之归类" in resp.get_data(as_text=True)
    assert _customers(in_network, world, org_id)["子公司"]["nature"] == "state"
    clash = admin.post("/m/vocabulary/aliases", data={"vocabulary": "nature", "code": "state", "aliases": "民营"},
                       follow_redirects=True).get_data(as_text=True)
    assert "“民营”已是“私有”的名称或别名" in clash
    assert login_as("supervisor").post("/m/vocabulary/aliases", data={"vocabulary": "nature", "code": "state",
                                                                       "aliases": ""}).status_code == 403
    assert login_as("gx-lz-001.gm").get("/m/vocabulary").status_code == 403


def test_the_customer_form_keeps_a_value_waiting_until_a_listed_one_is_chosen(info, in_network, world):
    client, (code, org_id) = info
    page = _upload(client, flat_file(FLAT, [["丑物流", "13800000401", "冷藏", "", "", "", "", "", "", "", "", "", ""]]))
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    cid = _customers(in_network, world, org_id)["丑物流"]["id"]
    assert "待归类" in client.get(f"/d/customers/{cid}").get_data(as_text=True)
    form = client.get(f"/d/customers/{cid}/edit").get_data(as_text=True)
    assert re.search(r'<option selected value="\?">待归类：冷藏</option>|<option value="\?" selected>待归类：冷藏', form), \
        form[form.find('name="transport_type"'):][:400]
    fields = {"kind": "unit", "name": "丑物流", "phone": "13800000401", "transport_type": "?", "nature": "private"}
    assert client.post(f"/d/customers/{cid}/edit", data=fields).status_code == 302
    got = _customers(in_network, world, org_id)["丑物流"]
    assert (got["transport_type"], got["nature"], got["pending"]) == ("", "private", {"transport_type": "冷藏"})
    client.post(f"/d/customers/{cid}/edit", data={**fields, "transport_type": "long_haul"})
    got = _customers(in_network, world, org_id)["丑物流"]
    assert (got["transport_type"], got["pending"]) == ("long_haul", {})


def test_problems_are_grouped_by_kind_with_counts_and_the_first_rows(info):
    client, _ = info
    rows = [row(i, "广西", f"客户{i}", f"138000005{i:02d}", ("乘龙", "H7", "很多")) for i in range(1, 9)]
    rows += [row(9, "广西", "", "13800000599"), row(10, "广西", "好客户", "13800000600", transport="飞行")]
    html = _upload(client, deck_file(rows)).get_data(as_text=True)
    assert "发现 9 个问题" in html
    quantity = html[html.find('data-test="problems-quantity"'):][:2500]
    assert ">8</span>" in quantity and quantity.count("数量“很多”不是整数") == 5 and "另有 3 处同类问题" in quantity
    assert ">1</span>" in html[html.find('data-test="problems-name"'):][:300]
    assert "飞行" not in html[html.find('data-test="problems"'):], "an unknown value is no problem"


def test_the_problem_workbook_marks_the_cells_and_says_what_is_wrong(info, monkeypatch):
    from tenant_app.services import ledger_excel

    client, _ = info
    rows = [row(1, "广西", "好客户", "13800000701", ("乘龙", "H7", 2)),
            row(2, "广西", "坏客户", "138 00", ("乘龙", "H7", -3)),
            row(3, "广西", "", "13800000703")]
    for full_copy in (True, False):
        monkeypatch.setattr(ledger_excel, "FULL_COPY_ROWS", 20_000 if full_copy else 0)
        page = _upload(client, deck_file(rows))
        html = page.get_data(as_text=True)
        assert 'data-test="problem-file"' in html
        resp = client.get(f"/d/customers/import/{_job_id(page)}/problems.xlsx")
        assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
        ws = load_workbook(io.BytesIO(resp.data)).active
        issues = [c.column for c in ws[2] if c.value == "问题"]
        assert issues, [c.value for c in ws[2]]
        col = issues[0]
        assert ws.cell(3, col).value in (None, ""), "a good row has no problem"
        assert "联系电话" in ws.cell(4, col).value and "数量 -3 必须为正数" in ws.cell(4, col).value
        assert "客户名称为空" in ws.cell(5, col).value
        red = lambda cell: (cell.fill.fgColor.rgb or "").endswith("FFC7CE")  # noqa: E731
        assert red(ws["G4"]) and red(ws["J4"]) and red(ws["C5"]) and not red(ws["C3"]) and not red(ws["G3"])
        assert ws["C3"].value == "好客户" and ws["J4"].value == -3, "the file's own values come back"
        if full_copy:
            assert "C1:G1" in {str(r) for r in ws.merged_cells.ranges}, "the file's layout comes back too"
    assert client.get("/d/customers/import/999999/problems.xlsx").status_code == 404


def test_a_re_import_updates_by_phone_or_name_and_shows_what_changes(info, in_network, world, new_user):
    client, (code, org_id) = info
    sales = new_user(code, "sales_manager")
    with in_network(world["networks"]["liuqi"]) as s:
        sales_name = s.get(__import__("tenant_app.models", fromlist=["User"]).User, sales.id).name
    first = [row(1, "广西柳州", "寅物流有限公司", "13800000801", ("乘龙", "H7", 3), ("豪沃", "T7H", 2), contact="王伟",
                 note="老客户"),
             row(2, "广西柳州", "卯运输（个体）", "13800000802", ("德龙", "X3000", 1)),
             row(3, "广西柳州", "辰土方", "13800000803", ("解放", "J6P", 6), transport="土石方运输")]
    page = _upload(client, deck_file(first))
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    before = _customers(in_network, world, org_id)
    with in_network(world["networks"]["liuqi"]) as s:
        heavy_off = s.scalar(select(FleetEntry).where(FleetEntry.customer_id == before["寅物流有限公司"]["id"],
                                                      FleetEntry.brand_text == "豪沃"))
        heavy_off.heavy = False  # set by hand on the customer page: a line of the same brand and model keeps it
        s.commit()
    second = [
        # the same phone (typed another way), a new contact, a fleet that changed; the name left as it was written
        row(1, "", "寅物流有限公司", "+86 138-0000-0801", ("乘龙", "H7", 5), ("豪沃", "T7H", 2), contact="李强"),
        # the same name (width and spaces aside), a new phone; no fleet lines: the fleet stays
        row(2, "广西柳州", " 卯运输(个体) ", "13900000802", contact=""),
        # nothing new
        row(3, "广西柳州", "辰土方", "13800000803", ("解放", "J6P", 6), transport="土方", contact="张伟"),
        row(4, "广西南宁", "巳新客户", "13800000804", ("乘龙", "H7", 1)),
    ]
    page = _upload(client, deck_file(second))
    html = page.get_data(as_text=True)
    assert "新增 1 位，更新 2 位，没有变化 1 位" in html, html[html.find("alert"):][:500]
    updates = html[html.find('data-test="updates"'):][:4000]
    assert "主要负责人：王伟 → 李强" in updates
    assert "目前使用车型信息：乘龙 H7 ×3；豪沃 T7H ×2 → 乘龙 H7 ×5；豪沃 T7H ×2" in updates
    assert "联系电话：138 0000 0802 → 139 0000 0802" in updates
    assert "备注" not in updates, "a cell left empty keeps the stored value"
    preview = html[html.find('data-test="preview"'):][:2000]
    assert "巳新客户" in preview and "本品老客户" in preview and "一般客户" in preview
    assert _count(in_network, world, code)[0] == 3, "the preview writes nothing"
    done = client.post(f"/d/customers/import/{_job_id(page)}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "新增 1 位、更新 2 位客户（1 位没有变化）" in done
    after = _customers(in_network, world, org_id)
    assert len(after) == 4
    a = after["寅物流有限公司"]
    assert (a["id"], a["contact"], a["notes"], a["phone"]) == (before["寅物流有限公司"]["id"], "李强", "老客户",
                                                              "13800000801")
    assert a["fleet"] == [("乘龙", "H7", 5, True), ("豪沃", "T7H", 2, False)], "fleet replaced, the heavy flag kept"
    b = after["卯运输（个体）"]
    assert (b["phone"], b["fleet"], b["contact"]) == ("13900000802", [("德龙", "X3000", 1, True)], "张伟")
    with in_network(world["networks"]["liuqi"]) as s:
        trail = s.scalars(select(AuditEntry).where(AuditEntry.object_type == "Customer", AuditEntry.action == "update",
                                                   AuditEntry.object_id == a["id"])).all()
        mine = [e for e in trail if e.changes.get("via") == "import"]
        assert mine and mine[-1].changes["contact_name"] == ["王伟", "李强"] and "fleet" in mine[-1].changes
        assert mine[-1].changes["source_row"] == 3
    # the derived fields follow the new fleet: 7 heavy... 5 + 0 (豪沃 is no longer heavy) → general_major
    assert (a["segment"], a["klass"]) == ("own_old", "general_major")
    # a responsible sales manager named in the file shows in the preview and is saved
    flat = flat_file(["客户名称", "电话", "负责业务经理"], [["巳新客户", "13800000804", sales.username]])
    page = _upload(client, flat)
    html = page.get_data(as_text=True)
    assert f"负责业务经理：— → {sales_name}" in html
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    assert _customers(in_network, world, org_id)["巳新客户"]["responsible_id"] == sales.id


def test_a_row_with_one_customers_phone_and_anothers_name_is_refused(info, in_network, world):
    client, (code, org_id) = info
    page = _upload(client, deck_file([row(1, "广西", "午公司", "13800000901"), row(2, "广西", "未公司", "13800000902")]))
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    html = _upload(client, deck_file([row(1, "广西", "未公司", "13800000901")])).get_data(as_text=True)
    assert "电话是台帐中“午公司”的，名称却是另一位客户“未公司”的" in html and "未导入任何数据" in html
    twice = _upload(client, deck_file([row(1, "广西", "午公司", ""), row(2, "广西", "午 公司", "13800000999")]))
    assert "与第 3 行客户同名" in twice.get_data(as_text=True)


def test_the_template_is_the_decks_layout_with_a_sample_and_imports_as_filled(info, in_network, world):
    client, (code, org_id) = info
    page = client.get("/d/customers/import").get_data(as_text=True)
    assert 'data-test="template"' in page and "课件" not in page
    assert "联系电话" in page and "手机" in page and "跟进人" in page and "联系人" in page, "names and their variants"
    assert "电话相同、或名称相同" in page, "the re-import rule is on the page"
    resp = client.get("/d/customers/import/template.xlsx")
    wb = load_workbook(io.BytesIO(resp.data))
    ws = wb.worksheets[0]
    assert (ws["C1"].value, ws["H1"].value, ws["C2"].value, ws["G2"].value) == ("客户信息", "目前使用车型信息",
                                                                                "客户单位(个人)名称", "联系电话")
    assert ws["Q2"].value == "已购买东风柳汽产品(使用东风柳汽时间)"
    assert ws.max_row == 3 and ws["C3"].value.startswith("（示例）")
    assert "填写说明" in wb.sheetnames
    ws.append([2, "广西桂林", "申物流", "长途", "私营", "赵六", "13800001001", "乘龙", "H7", 4])
    buf = io.BytesIO()
    wb.save(buf)
    page = _upload(client, buf.getvalue())
    html = page.get_data(as_text=True)
    assert "1 位客户可以导入" in html and "模板中的示例行，已跳过" in html
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    assert list(_customers(in_network, world, org_id)) == ["申物流"]


def test_messy_cells_phones_and_lengths(info, in_network, world):
    client, (code, org_id) = info
    rows = [row(1, "广西\n柳州", "酉\t物流", "１３８ ０００ ０１１０１/139-0000-1102", ("乘龙", "H7", "３台")),
            row(2, "广西", "戌物流", "(0772)3100000", ("乘龙", "H7", 1), contact="张" * 61)]
    html = _upload(client, deck_file(rows)).get_data(as_text=True)
    assert "主要负责人最多 60 个字，这里有 61 个" in html, "never cut silently"
    page = _upload(client, deck_file(rows[:1] + [row(2, "广西", "戌物流", "(0772)3100000", ("乘龙", "H7", 1))]))
    assert "2 位客户可以导入" in page.get_data(as_text=True)
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    got = _customers(in_network, world, org_id)
    assert (got["酉 物流"]["phone"], got["酉 物流"]["phone2"]) == ("13800001101", "13900001102")
    assert got["戌物流"]["phone"] == "07723100000"
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(Customer.region).where(Customer.id == got["酉 物流"]["id"])) == "广西 柳州"


def test_a_model_with_or_without_its_brands_name_is_one_model_in_the_census(info, in_network, world, login_as):
    client, (code, org_id) = info
    rows = [row(1, "测试省", "亥一物流", "13800001201", ("豪沃", "T7H", 2)),
            row(2, "测试省", "亥二物流", "13800001202", ("中国重汽", "豪沃T7H", 3)),
            row(3, "测试省", "亥三物流", "13800001203", ("HOWO", "howo t7h", 4))]
    with in_network(world["networks"]["liuqi"]) as s:
        org = s.get(__import__("tenant_app.models", fromlist=["Organisation"]).Organisation, org_id)
        org.province = "测试省"
        s.commit()
    page = _upload(client, deck_file(rows))
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    with in_network(world["networks"]["liuqi"]) as s:
        ids = set(s.scalars(select(FleetEntry.model_id).join(Customer).where(Customer.org_id == org_id)))
        assert len(ids) == 1 and None not in ids
        model = s.get(TruckModel, ids.pop())
        assert (model.name, model.brand.name) == ("T7H", "中国重汽")
    census = login_as("admin").get("/m/census").get_data(as_text=True)
    rows_here = [r for r in re.findall(r"<tr>(.*?)</tr>", census, re.S) if "测试省" in r]
    assert len(rows_here) == 1 and "T7H" in rows_here[0] and ">9<" in rows_here[0], rows_here


def test_models_are_kept_and_merged_on_the_vocabulary_page(info, in_network, world, login_as):
    client, (code, org_id) = info
    page = _upload(client, deck_file([row(1, "广西", "子一", "13800001301", ("陕汽", "德龙X3000", 2)),
                                      row(2, "广西", "子二", "13800001302", ("陕汽", "X3000 2024款", 1)),
                                      row(3, "广西", "子四", "13800001304", ("陕汽", "X3000牵引车", 1))]))
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    with in_network(world["networks"]["liuqi"]) as s:
        x3000 = s.scalar(select(TruckModel).where(TruckModel.name == "X3000"))
        tractor = s.scalar(select(TruckModel).where(TruckModel.name == "X3000 2024款"))
        assert s.scalar(select(func.count(TruckModel.id)).where(TruckModel.brand_id == x3000.brand_id,
                                                                TruckModel.name.like("X3000%"))) == 2, \
            "X3000牵引车 is X3000: the body is no part of the model"
        brand_id, x_id, t_id = x3000.brand_id, x3000.id, tractor.id
    admin = login_as("admin")
    page = admin.get(f"/m/vocabulary?v=models&brand_id={brand_id}").get_data(as_text=True)
    assert "X3000 2024款" in page and "台帐中" in page
    resp = admin.post(f"/m/vocabulary/models/{t_id}/merge", data={"target_id": x_id}, follow_redirects=True)
    assert "已将 X3000 2024款 并入 X3000" in resp.get_data(as_text=True)
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(TruckModel, t_id) is None and "X3000 2024款" in s.get(TruckModel, x_id).aliases
        assert set(s.scalars(select(FleetEntry.model_id).join(Customer).where(Customer.org_id == org_id))) == {x_id}
    admin.post(f"/m/vocabulary/models/{x_id}", data={"name": "X3000", "aliases": "X3000 2024款，X3K"})
    page = _upload(client, deck_file([row(1, "广西", "子三", "13800001303", ("德龙", "x3k", 1))]))
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    with in_network(world["networks"]["liuqi"]) as s:
        cid = s.scalar(select(Customer.id).where(Customer.name == "子三", Customer.org_id == org_id))
        assert s.scalar(select(FleetEntry.model_id).where(FleetEntry.customer_id == cid)) == x_id
    assert login_as("supervisor").post(f"/m/vocabulary/models/{x_id}", data={"name": "x"}).status_code == 403


def test_an_export_writes_values_waiting_as_written_and_imports_back_unchanged(info, in_network, world):
    client, (code, org_id) = info
    page = _upload(client, flat_file(FLAT, [["丙冷链", "13800001401", "冷冻", "私有", "专用", "朋友介绍", "", "", "乘龙",
                                            "H7", 1, "", ""]]))
    client.post(f"/d/customers/import/{_job_id(page)}/confirm")
    exported = client.get("/d/customers/export.xlsx").data
    ws = load_workbook(io.BytesIO(exported)).active
    assert ws["D3"].value == "冷冻" and ws["U3"].value == "专用类" and ws["V3"].value == "朋友介绍"
    html = _upload(client, exported).get_data(as_text=True)
    assert "新增 0 位，更新 0 位，没有变化 1 位" in html, html[html.find("alert"):][:500]


def test_command_line_prints_unknown_values_and_maps_them(app, info, tmp_path, in_network, world):
    _, (code, org_id) = info
    runner = app.test_cli_runner()
    path = tmp_path / "x.xlsx"
    path.write_bytes(flat_file(FLAT, [["命令甲", "13800001501", "冷柜车", "", "", "", "", "", "", "", "", "", ""],
                                      ["命令乙", "13800001502", "冷柜车", "", "", "", "", "", "", "", "", "", ""]]))
    dry = runner.invoke(args=["ledger", "import", str(path), "--network", "liuqi", "--org", code, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "unknown 运输类型 “冷柜车”: 2 rows" in dry.output and "2 new, 0 updated, 0 unchanged" in dry.output
    mapped = runner.invoke(args=["ledger", "import", str(path), "--network", "liuqi", "--org", code, "--dry-run",
                                 "--map", "运输类型:冷柜车=专用类"])
    assert mapped.exit_code == 0 and "unknown" not in mapped.output
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(func.count(VocabularyAlias.id)).where(VocabularyAlias.alias == "冷柜车")) == 0, \
            "a dry run remembers nothing"
    bad = runner.invoke(args=["ledger", "import", str(path), "--network", "liuqi", "--org", code,
                              "--map", "运输类型:冷柜车=飞行"])
    assert bad.exit_code != 0 and "not a value of 运输类型" in bad.output
    done = runner.invoke(args=["ledger", "import", str(path), "--network", "liuqi", "--org", code,
                               "--map", "运输类型:冷柜车=专用类"])
    assert done.exit_code == 0 and "imported 2 customers" in done.output
    got = _customers(in_network, world, org_id)
    assert got["命令甲"]["use"] == "special" and got["命令乙"]["pending"] == {}
    again = runner.invoke(args=["ledger", "import", str(path), "--network", "liuqi", "--org", code, "--dry-run"])
    assert "unknown" not in again.output and "0 new, 0 updated, 2 unchanged" in again.output, "remembered"


def test_notices_do_not_refuse_the_file(info, in_network, world):
    client, (code, org_id) = info
    html = _upload(client, flat_file(["客户名称", "电话", "首次接触日期", "跟进人"],
                                     [["丁公司", "13800001601", "去年春天", "不存在的人"]])).get_data(as_text=True)
    assert "1 位客户可以导入" in html
    notices = html[html.find('data-test="notices"'):][:2000]
    assert "日期“去年春天”无法识别" in notices and "“不存在的人”不是本机构的用户" in notices
    assert date.today()  # the date is left out, not guessed
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(func.count(PendingValue.id)).where(PendingValue.org_id == org_id)) == 0
