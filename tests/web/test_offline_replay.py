"""Callbacks recorded offline on a phone and replayed (services/offline.py): recorded once per
client id whatever the number of tries, with the phone's time on the callback and its check-in;
an item done or reassigned meanwhile, or a record too old, is kept as a conflict with its
reason; bad input is a 4xx; another organisation's customer is a 404. Also the installable
app's manifest and service worker."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tenant_app.models import Callback, CallbackItem, CallbackPlan, OfflineReplay, VisitCheckIn
from tests import factories

YARD = (24.3264, 109.4281)


@pytest.fixture
def field(build):
    with build() as s:
        shop = factories.org("dealer")
        sales, other_sales = factories.user(shop, "sales_manager"), factories.user(shop, "sales_manager")
        customers = [factories.customer(shop, f"离线矿场{n}", responsible=sales) for n in range(3)]
        plan = CallbackPlan(org_id=shop.id, title="本月", starts_on=date.today().replace(day=1),
                            ends_on=date.today() + timedelta(days=30))
        s.add(plan)
        s.flush()
        items = [CallbackItem(plan_id=plan.id, org_id=shop.id, customer_id=c.id, group="new", method="visit",
                              due_on=date.today(), assignee_id=sales.id) for c in customers]
        s.add_all(items)
        stranger = factories.user(factories.org("dealer"), "sales_manager")
        s.flush()
        return {"sales": sales.username, "other": other_sales.id, "stranger": stranger.username,
                "customers": [c.id for c in customers], "items": [i.id for i in items]}


def _record(field, n=None, *, when=None, result="离线时记录：客户在矿场"):
    """A replay for customer n with its plan item, or for the first customer without an item."""
    when = when or datetime.now(timezone.utc) - timedelta(hours=3)
    return {"client_id": str(uuid.uuid4()), "customer_id": field["customers"][n or 0],
            "item_id": field["items"][n] if n is not None else None,
            "recorded_at": when.isoformat().replace("+00:00", "Z"),
            "fields": {"method": "visit", "done_on": when.date().isoformat(), "result": result, "worth_following": "y"},
            "geo": {"status": "located", "lat": YARD[0], "lon": YARD[1], "accuracy": 15}}


def test_a_replay_is_recorded_once_with_the_phones_time_and_check_in(field, login_as, in_network, world):
    client = login_as(field["sales"])
    record = _record(field, 0)
    first = client.post("/d/callbacks/replay", json=record)
    again = client.post("/d/callbacks/replay", json=record)
    assert first.status_code == again.status_code == 200 and first.json["status"] == again.json["status"] == "recorded"
    with in_network(world["networks"]["liuqi"]) as s:
        made = s.scalars(select(Callback).where(Callback.customer_id.in_(field["customers"]))).all()
        assert len(made) == 1, "sent twice, recorded once"
        phone_time = datetime.fromisoformat(record["recorded_at"].replace("Z", "+00:00")).replace(tzinfo=None)
        assert abs(made[0].created_at - phone_time) < timedelta(seconds=1)
        checkin = s.scalar(select(VisitCheckIn).where(VisitCheckIn.callback_id == made[0].id))
        assert checkin.status == "located" and abs(checkin.recorded_at - phone_time) < timedelta(seconds=1)
        assert s.get(CallbackItem, field["items"][0]).status == "done"


def test_an_item_done_or_reassigned_meanwhile_is_a_conflict_kept_with_its_reason(field, login_as, in_network, world):
    client = login_as(field["sales"])
    assert client.post("/d/callbacks/replay", json=_record(field, 0)).status_code == 200
    late = client.post("/d/callbacks/replay", json=_record(field, 0, result="第二部手机"))
    assert late.status_code == 409 and "已经完成" in late.json["reason"]
    with in_network(world["networks"]["liuqi"]) as s:
        s.get(CallbackItem, field["items"][1]).assignee_id = field["other"]
        s.commit()
    moved = client.post("/d/callbacks/replay", json=_record(field, 1))
    assert moved.status_code == 409 and "改派" in moved.json["reason"]
    old = client.post("/d/callbacks/replay", json=_record(field, 2,
                                                          when=datetime.now(timezone.utc) - timedelta(days=8)))
    assert old.status_code == 409 and "7 天" in old.json["reason"]
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(func.count(Callback.id)).where(Callback.customer_id.in_(field["customers"]))) == 1
        kept = s.scalars(select(OfflineReplay.status).where(OfflineReplay.status == "conflict",
                                                            OfflineReplay.org_id == s.get(CallbackItem, field["items"][0]).org_id)).all()
        assert len(kept) == 3, "nothing silently dropped"


@pytest.mark.parametrize("bad", [
    "not json", {"client_id": "x", "fields": {}}, {"client_id": "abcdefgh12", "fields": "no"},
    "bad-time", "future-date", "nan-quantity"])
def test_bad_replays_are_refused_with_a_4xx_and_save_nothing(field, login_as, in_network, world, bad):
    client = login_as(field["sales"])
    if bad == "not json":
        resp = client.post("/d/callbacks/replay", data="{", content_type="application/json")
    elif isinstance(bad, dict):
        resp = client.post("/d/callbacks/replay", json=dict(bad, customer_id=field["customers"][0]))
    else:
        record = _record(field)
        if bad == "bad-time":
            record["recorded_at"] = "yesterday\x00"
        elif bad == "future-date":
            record["fields"]["done_on"] = (date.today() + timedelta(days=3)).isoformat()
        else:
            record["fields"].update(has_intent="y", when="3m", intent_quantity="NaN")
        resp = client.post("/d/callbacks/replay", json=record)
    assert 400 <= resp.status_code < 500
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(func.count(Callback.id)).where(Callback.customer_id.in_(field["customers"]))) == 0


def test_another_organisations_customer_is_not_found(field, login_as):
    resp = login_as(field["stranger"]).post("/d/callbacks/replay", json=_record(field))
    assert resp.status_code == 404


def test_the_app_is_installable_and_its_worker_answers_for_every_page(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    data = manifest.json
    assert data["display"] == "standalone" and data["start_url"] == "/"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200 and got.mimetype == "image/png"
        from PIL import Image
        import io
        assert Image.open(io.BytesIO(got.data)).size == tuple(int(n) for n in icon["sizes"].split("x"))
    worker = client.get("/sw.js")
    assert worker.headers["Service-Worker-Allowed"] == "/" and "caches.open" in worker.get_data(as_text=True)
    assert "没有网络连接" in client.get("/offline").get_data(as_text=True)
