"""Excel in and out: the deck's layout and a flat sheet, broken files, every kind of row problem,
all-or-nothing imports, exports read back, and the command line."""
import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from tenant_app.models import Customer, Organisation
from tenant_app.services import ledger_excel, xlsx_check
from tests import factories

GROUP_ROW = ["序号", "区域", "客户信息", None, None, None, None, "目前使用车型信息"] + [None] * 8 + \
            ["客户购车情况", None, "客户级别", "备注"]
NAME_ROW = [None, None, "客户单位(个人)名称", "运输类型", "客户性质", "主要负责人", "联系电话"] + \
           ["品牌", "车型", "数量"] * 3 + ["已购买柳汽产品(使用柳汽时间)", "未购买过柳汽产品(使用车辆时间)", None, None]


def deck_file(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(GROUP_ROW)
    ws.append(NAME_ROW)
    for a, b in (("A1", "A2"), ("B1", "B2"), ("C1", "G1"), ("H1", "P1"), ("Q1", "R1"), ("S1", "S2"), ("T1", "T2")):
        ws.merge_cells(f"{a}:{b}")
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def flat_file(header, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(n, region, name, phone, *fleet, transport="长途", nature="私有", contact="张伟", own="", other="", klass="", note=""):
    cells = [n, region, name, transport, nature, contact, phone]
    groups = list(fleet) + [(None, None, None)] * (3 - len(fleet))
    for g in groups:
        cells += list(g)
    return cells + [own, other, klass, note]


@pytest.fixture
def fresh_dealer(new_org):
    """An empty dealer of liuqi, so imports can be counted exactly."""
    return new_org("GX-T")[0]


def _upload(client, data: bytes, name="台帐.xlsx"):
    """Upload; the check runs (inline in tests) and the job's page is shown."""
    return client.post("/d/customers/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def _count(in_network, world, org_code):
    org_id = world["orgs"].get(("liuqi", org_code), {}).get("id")
    with in_network(world["networks"]["liuqi"]) as s:
        if org_id is None:
            org_id = s.scalar(select(Organisation.id).where(Organisation.code == org_code))
        return s.scalar(select(func.count(Customer.id)).where(Customer.org_id == org_id)), org_id


def _gm_of(new_user, code, login_as):
    return login_as(new_user(code, "general_manager").username)


def test_deck_layout_imports_after_preview(login_as, new_user, fresh_dealer, in_network, world):
    client = _gm_of(new_user, fresh_dealer, login_as)
    data = deck_file([
        row(1, "广西柳州柳南区 ", "柳州市鸿运物流有限公司 ", "138 1234 0001", ("乘龙", "H7 牵引车", "１２"),
            ("豪沃", "T7H", 3), own="6年", note="老客户"),
        row(2, None, "覃师傅（个体）", "139-0000-0002", ("德龙", "X3000", 2), other="2018", transport="土石方运输",
            nature="个体"),
        [None] * 20,
        row(3, "广西南宁", "南宁市国投物流", "", ("解放", "J6P", 25), nature="国有", klass="行业性大客户"),
        row(4, "广西南宁", "南宁新客户", "13700000004"),
    ])
    page = _upload(client, data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "4 位客户可以导入" in html
    assert _count(in_network, world, fresh_dealer)[0] == 0, "the preview writes nothing"
    job_id = page.request.path.rsplit("/", 1)[1]
    resp = client.post(f"/d/customers/import/{job_id}/confirm", follow_redirects=True)
    assert "已导入：新增 4 位、更新 0 位客户" in resp.get_data(as_text=True)
    n, org_id = _count(in_network, world, fresh_dealer)
    assert n == 4
    with in_network(world["networks"]["liuqi"]) as s:
        by_name = {c.name: c for c in s.scalars(select(Customer).where(Customer.org_id == org_id))}
        hy = by_name["柳州市鸿运物流有限公司"]
        assert (hy.region, hy.phone_key, hy.own_units, hy.heavy_units, hy.segment) == (
            "广西柳州柳南区", "13812340001", 12, 15, "own_old")
        assert hy.own_since == __import__("datetime").date.today().year - 6
        qin = by_name["覃师傅（个体）"]
        assert qin.region == "广西柳州柳南区", "a region merged down the rows carries over"
        assert (qin.segment, qin.fleet_since, qin.transport_type, qin.nature) == ("rival_old", 2018, "earthwork",
                                                                                  "individual")
        assert by_name["南宁市国投物流"].klass == "industry_major"
        assert by_name["南宁新客户"].segment == "new"
        from tenant_app.models import AuditEntry
        trail = s.scalars(select(AuditEntry).where(AuditEntry.object_type == "Customer", AuditEntry.object_id == hy.id,
                                                   AuditEntry.action == "create")).all()
        # SQLite may reuse a deleted customer's id: look at this import's entry
        mine = [e for e in trail if e.changes.get("via") == "import" and e.summary == hy.name]
        assert [(e.changes["source_row"], e.subject_org_id) for e in mine] == [(3, org_id)]
    again = client.post(f"/d/customers/import/{job_id}/confirm", follow_redirects=True)
    assert "导入已过期" in again.get_data(as_text=True)
    assert _count(in_network, world, fresh_dealer)[0] == 4, "a checked file is imported once"
    other = login_as("gx-lz-001.gm")
    assert other.get(f"/d/customers/import/{job_id}").status_code == 404, "another dealer's job is invisible"


def test_flat_layout(login_as, new_user, fresh_dealer, in_network, world):
    client = _gm_of(new_user, fresh_dealer, login_as)
    data = flat_file(["客户名称", "电话", "地址", "信息来源", "品牌1", "车型1", "数量1", "品牌2", "数量2", "首次接触日期"],
                     [["桂林市路通运输有限公司", "0773 1234567", "桂林市七星区", "信息员", "霸龙", "507", 5, "红岩", 1,
                       "2026-03-18"]])
    html = _upload(client, data).get_data(as_text=True)
    assert "1 位客户可以导入" in html and "霸龙 507 ×5" in html


@pytest.mark.parametrize("bad_row,cell,column,reason,kind", [
    (row(1, "广西", "", "13800000001"), "C4", "客户单位(个人)名称", "客户名称为空", "name"),
    (row(1, "广西", "甲公司", "13800000001", ("乘龙", "H7", "很多")), "J4", "数量1", "数量“很多”不是整数", "quantity"),
    (row(1, "广西", "甲公司", "13800000001", ("乘龙", "H7", -3)), "J4", "数量1", "数量 -3 必须为正数", "quantity"),
    (row(1, "广西", "甲公司", "13800000001", ("乘龙", "H7", "0台")), "J4", "数量1", "数量 0 必须为正数", "quantity"),
    (row(1, "广西", "甲公司", "13800000001", ("乘龙", "H7", "2.5")), "J4", "数量1", "数量“2.5”不是整数", "quantity"),
    (row(1, "广西", "甲公司", "13800000001", (None, "H7", 2)), "H4", "品牌1", "品牌为空", "fleet"),
    (row(1, "广西", "甲公司", "13800000001", ("乘龙", "H7", None)), "J4", "数量1", "品牌“乘龙”的数量为空", "quantity"),
    (row(1, "广西", "甲公司", "138 00"), "G4", "联系电话", "电话“138 00”不是电话号码", "phone"),
    (row(1, "广西", "好客户", "13800000001"), "C4", "客户单位(个人)名称", "与第 3 行客户同名", "duplicate"),
])
def test_each_kind_of_row_problem_names_the_cell_and_the_value_and_nothing_is_imported(
        bad_row, cell, column, reason, kind, login_as, new_user, fresh_dealer, in_network, world):
    client = _gm_of(new_user, fresh_dealer, login_as)
    good = row(2, "广西", "好客户", "13900000002", ("乘龙", "H7", 1))
    resp = _upload(client, deck_file([good, bad_row]))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "未导入任何数据" in html
    group = html[html.find(f'data-test="problems-{kind}"'):][:1500]
    assert f"第 4 行 <code>{cell}</code> {column}：" in group and reason in group, html[html.find("problems"):][:1500]
    assert _count(in_network, world, fresh_dealer)[0] == 0


def _dealer(build, *fleets):
    """A dealer with a customer of each fleet: (its general manager's user name, its id, the customers' names)."""
    with build():
        shop = factories.org("dealer")
        gm = factories.user(shop, "general_manager").username
        return gm, shop.id, [factories.customer(shop, fleet=f).name for f in fleets]


def test_duplicates_in_the_file(login_as, world):
    client = login_as("gx-lz-001.gm")
    data = deck_file([row(1, "广西", "重复甲", "13811112222"), row(2, "广西", " 重复甲 ", "13811113333"),
                      row(3, "广西", "重复乙", "138-1111-2222")])
    html = _upload(client, data).get_data(as_text=True)
    assert "与第 3 行客户同名" in html
    assert "与第 3 行客户电话相同" in html


def test_broken_files_are_refused_before_parsing(login_as, monkeypatch):
    client = login_as("gx-lz-001.gm")
    resp = _upload(client, b"name,phone\n a,b\n")
    assert resp.status_code == 400 and "这不是 .xlsx 文件" in resp.get_data(as_text=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    assert "这不是 .xlsx 文件" in _upload(client, buf.getvalue()).get_data(as_text=True)
    monkeypatch.setattr(xlsx_check, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))
    assert len(bomb.getvalue()) < 20_000
    assert "解压后过大" in _upload(client, bomb.getvalue()).get_data(as_text=True)
    monkeypatch.setattr(xlsx_check, "MAX_ZIP_ENTRIES", 5)
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        for i in range(8):
            z.writestr(f"x{i}", "")
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert "包含的文件超过 5 个" in _upload(client, many.getvalue()).get_data(as_text=True)
    assert "只接受 .xlsx" in _upload(client, b"x", name="a.csv").get_data(as_text=True)


def test_export_reads_back_as_the_deck_layout(login_as, world, in_network, build):
    year = date.today().year
    gm, org_id, _ = _dealer(build, [("乘龙", 6, year - 4), ("豪沃", 2)], [("乘龙", 1, year - 1)], [("豪沃", 3)], [])
    client = login_as(gm)
    resp = client.get("/d/customers/export.xlsx?segment=own_old")
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(resp.data)).active
    with in_network(world["networks"]["liuqi"]) as s:
        expected = s.scalars(select(Customer).where(Customer.org_id == org_id, Customer.segment == "own_old")).all()
        # three brand/model/quantity groups, or as many as the longest fleet (deals add lines): a re-import loses none
        groups = max([3] + [len(c.fleet) for c in expected])
        end = get_column_letter(7 + 3 * groups)
        after = get_column_letter(8 + 3 * groups), get_column_letter(9 + 3 * groups)
        assert ws["C1"].value == "客户信息" and ws["H1"].value == "目前使用车型信息" and ws["C2"].value == "客户单位(个人)名称"
        assert {str(r) for r in ws.merged_cells.ranges} >= {"A1:A2", "C1:G1", f"H1:{end}1", f"{after[0]}1:{after[1]}1"}
        exported = {r[2]: r for r in ws.iter_rows(min_row=3, values_only=True)}
        assert set(exported) == {c.name for c in expected}
        c = max(expected, key=lambda c: len(c.fleet))
        cells = exported[c.name]
        assert cells[6] == (c.phone or None)
        assert [cells[7 + 3 * i] for i in range(len(c.fleet))] == [e.brand_text for e in c.fleet]
        assert cells[9 + 3 * groups] == "一般性大客户" if c.klass == "general_major" else True
        assert cells[7 + 3 * groups] == (f"{__import__('datetime').date.today().year - c.own_since}年"
                                         if c.own_since else None)


def test_export_imports_back_into_an_empty_ledger(login_as, new_user, fresh_dealer, in_network, world, build):
    gm, _, _ = _dealer(build, [("乘龙", 12), ("豪沃", 10)], [("解放", 25)], [("乘龙", 30)], [("豪沃", 2)])
    data = login_as(gm).get("/d/customers/export.xlsx?klass=key_major").data
    client = _gm_of(new_user, fresh_dealer, login_as)
    html = _upload(client, data).get_data(as_text=True)
    assert "3 位客户可以导入" in html, html[:2000]


def test_command_line_import_and_export(app, fresh_dealer, tmp_path, in_network, world):
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(deck_file([row(1, "广西", "", "13800000001"), row(2, "广西", "乙", "1", ("乘龙", "H7", "x"))]))
    result = runner.invoke(args=["ledger", "import", str(bad), "--network", "liuqi", "--org", fresh_dealer])
    assert result.exit_code == 1
    assert "row 3, column 客户单位(个人)名称: 客户名称为空" in result.output
    assert "row 4, column 数量1" in result.output and "row 4, column 联系电话" in result.output
    good = tmp_path / "good.xlsx"
    good.write_bytes(deck_file([row(1, "广西", "命令行客户甲", "13800000011", ("乘龙", "H7", 2)),
                                row(2, "广西", "命令行客户乙", "13800000012")]))
    dry = runner.invoke(args=["ledger", "import", str(good), "--network", "liuqi", "--org", fresh_dealer, "--dry-run"])
    assert dry.exit_code == 0 and "2 rows (deck layout) would be imported" in dry.output
    assert _count(in_network, world, fresh_dealer)[0] == 0
    done = runner.invoke(args=["ledger", "import", str(good), "--network", "liuqi", "--org", fresh_dealer])
    assert done.exit_code == 0 and _count(in_network, world, fresh_dealer)[0] == 2
    out = tmp_path / "out.xlsx"
    exp = runner.invoke(args=["ledger", "export", "--network", "liuqi", "--org", fresh_dealer, str(out)])
    assert exp.exit_code == 0
    names = [r[2] for r in load_workbook(out).active.iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == ["命令行客户乙", "命令行客户甲"]
    wrong = runner.invoke(args=["ledger", "export", "--network", "demo2", "--org", fresh_dealer, str(out)])
    assert wrong.exit_code != 0 and "no organisation" in wrong.output


def test_exported_text_never_becomes_a_formula(login_as, new_user, fresh_dealer):
    client = _gm_of(new_user, fresh_dealer, login_as)
    client.post("/d/customers/new", data={"kind": "unit", "name": '=HYPERLINK("http://x","点我")',
                                          "notes": "=1+1"})
    ws = load_workbook(io.BytesIO(client.get("/d/customers/export.xlsx").data)).active
    names = [(c.value, c.data_type) for c in ws["C"][2:]]
    assert names == [('=HYPERLINK("http://x","点我")', "s")]
    assert ws["T3"].value == "=1+1" and ws["T3"].data_type == "s"


def test_over_long_cells_are_problems_not_database_errors(login_as, new_user, fresh_dealer, in_network, world):
    client = _gm_of(new_user, fresh_dealer, login_as)
    html = _upload(client, deck_file([row(1, "广西", "长" * 130, "13800000099", ("乘龙", "H7", 20000))])).get_data(
        as_text=True)
    assert "客户单位(个人)名称最多 120 个字，这里有 130 个" in html and "数量 20000 超过 10000" in html
    assert _count(in_network, world, fresh_dealer)[0] == 0
