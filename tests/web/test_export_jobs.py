"""A large ledger export is a job: its page follows it and offers the file when it is written;
the file is the deck's layout, for the person who asked (and the organisation's ledger keepers)
only, and it is removed after a day."""
import io
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from tenant_app.models import JobRecord
from tests import factories


def test_a_large_export_is_written_by_a_job_and_kept_a_day(build, login_as, app, monkeypatch, in_network, world):
    with build() as s:
        shop = factories.org("dealer")
        info = factories.user(shop, "information_manager")
        sales = factories.user(shop, "sales_manager")
        for i in range(12):
            factories.customer(shop, f"导出客户{i:02d}", fleet=[("乘龙", 2), ("豪沃", 1)], notes="=1+1" if i == 0 else "")
        other = factories.user(factories.org("dealer"), "general_manager")
        user, sales_name, other_name = info.username, sales.username, other.username
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 5)
    client = login_as(user)
    start = client.get("/d/customers/export.xlsx?sort=name").get_data(as_text=True)
    assert "共 12 位" in start and 'name="sort" value="name"' in start, "a GET writes nothing: a button starts it"
    resp = client.post("/d/customers/export", data={"sort": "name"})
    assert resp.status_code == 302 and "/d/customers/export/" in resp.headers["Location"]
    job_url = resp.headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert "已写入 12 行" in page and 'data-test="download"' in page
    got = client.get(f"{job_url}/file.xlsx")
    assert got.status_code == 200 and got.headers["Cache-Control"] == "no-store"
    wb = load_workbook(io.BytesIO(got.data))
    ws = wb.active
    assert ws["A1"].value == "序号" and ws["B1"].value == "区域" and ws["C2"].value == "客户单位(个人)名称"
    assert "A1:A2" in {str(r) for r in ws.merged_cells.ranges}, "the deck's merged header cells"
    names = [ws.cell(r, 3).value for r in range(3, ws.max_row + 1)]
    assert names == [f"导出客户{i:02d}" for i in range(12)]
    notes = [c.value for c in ws[3] if c.value == "=1+1"]
    assert notes and ws.cell(3, [c.value for c in ws[3]].index("=1+1") + 1).data_type == "s", "text stays text"
    for stranger in (other_name, sales_name):
        assert login_as(stranger).get(job_url).status_code == 404, stranger
        assert login_as(stranger).get(f"{job_url}/file.xlsx").status_code == 404
    assert login_as("sd-jn-001.gm", network="demo2").get(f"{job_url}/file.xlsx").status_code == 404
    job_id = int(job_url.rsplit("/", 1)[1])
    with in_network(world["networks"]["liuqi"]) as s:
        job = s.get(JobRecord, job_id)
        assert job.status == "done" and job.progress == 100 and job.result["rows"] == 12
        job.finished_at = datetime.utcnow() - timedelta(days=2)
        s.commit()
    from tenant_app.jobs.schedule import tick
    with app.app_context():
        said = tick()
    assert any("ledger exports expired" in line for line in said)
    assert "已删除" in client.get(job_url).get_data(as_text=True)
    assert client.get(f"{job_url}/file.xlsx").status_code == 404


def test_a_small_export_is_sent_at_once(build, login_as):
    with build() as s:
        shop = factories.org("dealer")
        info = factories.user(shop, "information_manager")
        factories.customer(shop, "小台帐客户")
        user = info.username
    got = login_as(user).get("/d/customers/export.xlsx")
    assert got.status_code == 200 and got.mimetype.endswith("sheet")
    assert load_workbook(io.BytesIO(got.data)).active["C3"].value == "小台帐客户"


def test_the_bulk_bars_export_of_every_matching_row_is_the_filters_job(build, login_as, app, monkeypatch):
    with build() as s:
        shop = factories.org("dealer")
        info = factories.user(shop, "information_manager")
        for i in range(8):
            factories.customer(shop, f"批量导出{i}", region="广西柳州" if i < 6 else "广西桂林")
        user = info.username
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 3)
    client = login_as(user)
    resp = client.post("/d/customers/bulk", data={"action": "export", "selection": "all", "region": "柳州"})
    assert resp.status_code == 302 and "/d/customers/export/" in resp.headers["Location"]
    got = client.get(resp.headers["Location"] + "/file.xlsx")
    ws = load_workbook(io.BytesIO(got.data)).active
    assert sorted(ws.cell(r, 3).value for r in range(3, ws.max_row + 1)) == [f"批量导出{i}" for i in range(6)]
