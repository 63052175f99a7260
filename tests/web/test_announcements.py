"""Policy support: published by the manufacturer to chosen parties, acknowledged by them."""
import io
import re

from sqlalchemy import select

from tenant_app.models import Acknowledgement, Announcement
from tests import factories


def test_publish_to_dealers_acknowledge_and_track(login_as, world, in_network, build):
    with build():
        shop, silent = factories.org("dealer"), factories.org("dealer", city="南宁")
        shop_id, silent, sales = shop.id, silent.code, factories.user(shop, "sales_manager").username
    admin = login_as("admin")
    resp = admin.post("/m/announcements", data={
        "kind": "promotion", "title": "乘龙H7 年末促销", "body": "首付两成，送保养三次。", "effective_from": "2026-12-01",
        "effective_to": "2026-12-31", "parties": ["dealer"],
        "document": (io.BytesIO(b"%PDF-1.4 demo"), "促销政策.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    ann_id = int(resp.location.rsplit("/", 1)[1])
    dealer = login_as(sales)
    page = dealer.get("/org/announcements").get_data(as_text=True)
    assert "乘龙H7 年末促销" in page and "促销政策.pdf" in page
    doc = dealer.get(f"/org/announcements/{ann_id}/document")
    assert doc.status_code == 200 and doc.data == b"%PDF-1.4 demo"
    assert "乘龙H7 年末促销" not in login_as("sv-lz-01.mgr").get("/org/announcements").get_data(as_text=True)
    assert login_as("sv-lz-01.mgr").get(f"/org/announcements/{ann_id}/document").status_code == 404
    dealer.post(f"/org/announcements/{ann_id}/acknowledge")
    dealer.post(f"/org/announcements/{ann_id}/acknowledge")  # twice: still one for the organisation
    assert "已确认收到" in dealer.get("/org/announcements").get_data(as_text=True)
    with in_network(world["networks"]["liuqi"]) as s:
        acks = s.scalars(select(Acknowledgement.org_id).where(Acknowledgement.announcement_id == ann_id)).all()
    assert acks == [shop_id]
    status = admin.get(f"/m/announcements/{ann_id}").get_data(as_text=True)
    assert re.search(r"1 / \d+", status) and silent in status and "未确认" in status
    assert "乘龙H7 年末促销" not in login_as("sd-jn-001.gm", network="demo2").get("/org/announcements").get_data(
        as_text=True)


def test_bad_announcements_are_refused(login_as, world, in_network):
    admin = login_as("admin")
    html = admin.post("/m/announcements", data={
        "kind": "policy", "title": "坏附件", "effective_from": "2026-12-01", "parties": ["dealer"],
        "document": (io.BytesIO(b"MZ"), "virus.exe")}, content_type="multipart/form-data").get_data(as_text=True)
    assert "附件只接受" in html
    html = admin.post("/m/announcements", data={"kind": "policy", "title": "无对象", "effective_from": "2026-12-01",
                                                "effective_to": "2026-11-01"}).get_data(as_text=True)
    assert "结束日期不能早于开始日期" in html
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(Announcement.id).where(Announcement.title.in_(("坏附件", "无对象")))) is None
    assert login_as("supervisor").post("/m/announcements", data={"title": "x"}).status_code == 403
    assert login_as("admin").post(f"/org/announcements/{1}/acknowledge").status_code in (403, 404)
