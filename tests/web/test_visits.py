"""Proof of a visit: where the phone was, photos re-encoded without their metadata, the customer's
site from its first located visit, a far check-in flagged where the maker verifies callbacks;
bad photos refused with nothing half-saved; photos only for their organisation and the maker."""
import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from tenant_app.models import Callback, Customer, VisitCheckIn, VisitPhoto
from tenant_app.services.visits import distance_m, is_far
from tests import factories

YARD = (24.3264, 109.4281)  # a quarry yard near 柳州
OFFICE = (24.3100, 109.3900)  # the dealer's office across town, about 4 km away


def test_distance_and_the_far_flag():
    assert distance_m(*YARD, *YARD) == 0
    assert 3_900 < distance_m(*YARD, *OFFICE) < 4_300
    assert abs(distance_m(0, 0, 0, 1) - 111_195) < 10, "a degree of longitude on the equator"
    assert not is_far(2000, 2000) and is_far(2000.1, 2000) and not is_far(None, 2000)


def _jpeg_with_gps(size=(2400, 1800)) -> bytes:
    im = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"  # Make
    exif[0x8825] = {1: "N", 2: (24.0, 19.0, 35.0), 3: "E", 4: (109.0, 25.0, 41.0)}  # GPSInfo
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(out.getvalue())).getexif(), "the test photo carries EXIF"
    return out.getvalue()


def _visit(client, customer_id, *, geo=None, status="located", photos=(), method="visit"):
    data = {"method": method, "done_on": date.today().isoformat(), "result": "到矿场看车", "geo_status": status}
    if geo:
        data.update(lat=str(geo[0]), lon=str(geo[1]), accuracy="12")
    data["photos"] = [(io.BytesIO(p), f"p{i}.jpg") for i, p in enumerate(photos)]
    return client.post(f"/d/customers/{customer_id}/callbacks/new", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


@pytest.fixture
def visit_world(build):
    with build() as s:
        shop = factories.org("dealer")
        sales = factories.user(shop, "sales_manager")
        customer = factories.customer(shop, "矿场客户", responsible=sales)
        other = factories.org("dealer")
        other_user = factories.user(other, "general_manager")
        hq = factories.manufacturer()
        admin = factories.user(hq, "network_admin")
        return {"customer": customer.id, "org": shop.id, "sales": sales.username, "other": other_user.username,
                "admin": admin.username}


def test_a_visit_checks_in_with_photos_stripped_of_their_metadata(visit_world, login_as, in_network, world):
    client = login_as(visit_world["sales"])
    resp = _visit(client, visit_world["customer"], geo=YARD, photos=[_jpeg_with_gps()])
    assert "回访已记录" in resp.get_data(as_text=True)
    with in_network(world["networks"]["liuqi"]) as s:
        checkin = s.scalar(select(VisitCheckIn).join(Callback).where(Callback.customer_id == visit_world["customer"]))
        assert checkin.status == "located" and checkin.accuracy_m == 12 and checkin.distance_m == 0 and not checkin.far
        customer = s.get(Customer, visit_world["customer"])
        assert (customer.site_lat, customer.site_lon) == YARD, "the first located visit sets the site"
        (photo,) = checkin.photos
        photo_id = photo.id
        assert max(photo.width, photo.height) == 1600
    got = client.get(f"/d/visits/photos/{photo_id}")
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    im = Image.open(io.BytesIO(got.data))
    assert im.size == (1600, 1200) and not im.getexif(), "re-encoded: no EXIF, no GPS"
    assert b"TestPhone" not in got.data
    assert login_as(visit_world["other"]).get(f"/d/visits/photos/{photo_id}").status_code == 404
    assert login_as("admin", network="demo2").get(f"/m/visits/photos/{photo_id}").status_code == 404
    assert login_as(visit_world["admin"]).get(f"/m/visits/photos/{photo_id}").status_code == 200


def test_a_later_visit_far_from_the_site_is_flagged_where_the_maker_verifies(visit_world, login_as, in_network, world):
    client = login_as(visit_world["sales"])
    _visit(client, visit_world["customer"], geo=YARD)
    _visit(client, visit_world["customer"], geo=OFFICE)  # recorded from the office
    _visit(client, visit_world["customer"], status="refused")
    _visit(client, visit_world["customer"], method="phone", geo=OFFICE)  # a phone call is no visit
    with in_network(world["networks"]["liuqi"]) as s:
        rows = s.execute(select(Callback.method, VisitCheckIn.status, VisitCheckIn.far, VisitCheckIn.distance_m)
                         .outerjoin(VisitCheckIn, VisitCheckIn.callback_id == Callback.id)
                         .where(Callback.customer_id == visit_world["customer"]).order_by(Callback.id)).all()
    assert [(m, st, f) for m, st, f, _ in rows] == [("visit", "located", False), ("visit", "located", True),
                                                     ("visit", "refused", False), ("phone", None, None)]
    assert 3_900 < rows[1][3] < 4_300
    admin = login_as(visit_world["admin"])
    admin.post(f"/m/dealers/{visit_world['org']}/verification",
               data={"starts_on": (date.today() - timedelta(days=1)).isoformat(), "ends_on": date.today().isoformat(),
                     "size": "200"})
    with in_network(world["networks"]["liuqi"]) as s:
        from tenant_app.models import VerificationSample
        sample_id = s.scalar(select(func.max(VerificationSample.id)).where(VerificationSample.org_id == visit_world["org"]))
    page = admin.get(f"/m/verification/{sample_id}").get_data(as_text=True)
    assert 'data-test="far"' in page and re.search(r"距客户现场 4\.\d 公里", page)
    assert "在客户现场（0 米）" in page and "无位置" in page


@pytest.mark.parametrize("bad,message", [
    (b"not a photo at all", "上传的文件不是可识别的照片"),
    ("bomb", "照片像素过多"),
])
def test_a_bad_photo_is_refused_and_nothing_is_half_saved(visit_world, login_as, in_network, world, bad, message):
    if bad == "bomb":  # 64 megapixels in a few kilobytes
        out = io.BytesIO()
        Image.new("1", (8000, 8000)).save(out, "PNG")
        bad = out.getvalue()
        assert len(bad) < 100_000
    client = login_as(visit_world["sales"])
    with in_network(world["networks"]["liuqi"]) as s:
        before = s.scalar(select(func.count(Callback.id)).where(Callback.customer_id == visit_world["customer"]))
    resp = _visit(client, visit_world["customer"], geo=YARD, photos=[bad])
    assert message in resp.get_data(as_text=True)
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(func.count(Callback.id)).where(Callback.customer_id == visit_world["customer"])) == before
        assert s.get(Customer, visit_world["customer"]).site_lat is None
        assert s.scalar(select(func.count(VisitPhoto.id)).where(VisitPhoto.org_id == visit_world["org"])) == 0


def test_network_administrators_set_the_threshold(login_as, world, in_network):
    admin = login_as("admin")
    assert admin.post("/m/callback-strategy/visit-threshold", data={"visit_far_m": "10"},
                      follow_redirects=True).status_code == 200
    with in_network(world["networks"]["liuqi"]) as s:
        from tenant_app.models import Network
        assert s.get(Network, world["networks"]["liuqi"]).visit_far_m == 2000, "10 m refused"
    admin.post("/m/callback-strategy/visit-threshold", data={"visit_far_m": "3000"})
    with in_network(world["networks"]["liuqi"]) as s:
        from tenant_app.models import Network
        network = s.get(Network, world["networks"]["liuqi"])
        assert network.visit_far_m == 3000
        network.visit_far_m = 2000
        s.commit()
    assert login_as("supervisor2").post("/m/callback-strategy/visit-threshold",
                                        data={"visit_far_m": "500"}).status_code == 403


def test_only_the_callback_form_may_ask_for_the_position(visit_world, login_as):
    client = login_as(visit_world["sales"])
    form = client.get(f"/d/customers/{visit_world['customer']}/callbacks/new")
    assert "geolocation=(self)" in form.headers["Permissions-Policy"]
    assert "geolocation=()" in client.get("/d/customers").headers["Permissions-Policy"]


def test_the_site_set_by_hand_flags_a_later_far_visit_and_only_its_dealer_may_set_it(visit_world, login_as, in_network,
                                                                                      world):
    client, customer_id = login_as(visit_world["sales"]), visit_world["customer"]
    page = client.get(f"/d/customers/{customer_id}").get_data(as_text=True)
    assert "未设定：第一次确认的上门拜访会设定它" in page
    for bad in ("24.3264", "95, 109", "nan, 109", "二十四, 109"):
        resp = client.post(f"/d/customers/{customer_id}/site", data={"where": bad}, follow_redirects=True)
        assert "纬度" in resp.get_data(as_text=True), bad
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(Customer, customer_id).site_lat is None, "nothing saved from bad input"
    resp = client.post(f"/d/customers/{customer_id}/site", data={"where": "24.3264，109.4281"}, follow_redirects=True)
    assert "已设定客户场地位置" in resp.get_data(as_text=True) and "24.32640, 109.42810" in resp.get_data(as_text=True)
    assert login_as(visit_world["other"]).post(f"/d/customers/{customer_id}/site",
                                               data={"where": "1, 1"}).status_code == 404
    _visit(client, customer_id, geo=OFFICE)  # the first visit, from the office: the site stands, the visit is far
    with in_network(world["networks"]["liuqi"]) as s:
        customer = s.get(Customer, customer_id)
        assert (customer.site_lat, customer.site_lon) == YARD
        assert s.scalar(select(VisitCheckIn.far).join(Callback).where(Callback.customer_id == customer_id)) is True
        from tenant_app.models import AuditEntry
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.object_type == "Customer",
                                                                AuditEntry.object_id == customer_id,
                                                                AuditEntry.summary == "site")) == 1
