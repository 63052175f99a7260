"""Search from anywhere: customers by name, contact or a phone typed any way, vehicles by VIN
(whole or its last 6) or plate, opportunities, organisations for the maker; only what the
person's policies let them see; hostile queries answered, never a 500."""
import re

import pytest

from tenant_app.models import Vehicle
from tests import factories


def _found(html: str, kind: str) -> str:
    m = re.search(rf'data-test="found-{kind}"(.*?)</section>', html, re.S)
    return m.group(1) if m else ""


@pytest.fixture
def searchable(build):
    with build() as s:
        shop = factories.org("dealer")
        sales = factories.user(shop, "sales_manager")
        mine = factories.customer(shop, "搜索测试鸿运物流", phone_number="13877779999", contact_name="覃师傅",
                                  responsible=sales)
        other_shop = factories.org("dealer")
        factories.customer(other_shop, "搜索测试鸿运别家", phone_number="13877778888")
        station = factories.org("service")
        mechanic = factories.user(station, "staff")
        vin = factories.vin()
        s.add(Vehicle(network_id=shop.network_id, vin=vin, model="乘龙H7", plate="桂B12345", registered_by_org_id=station.id))
        return {"sales": sales.username, "customer": mine.id, "vin": vin, "station": mechanic.username}


@pytest.mark.parametrize("q", ["鸿运物流", "覃师傅", "138 7777 9999", "+86-138-7777-9999", "9999"])
def test_a_dealer_finds_its_own_customers_every_way_they_are_typed(searchable, login_as, q):
    html = login_as(searchable["sales"]).get("/d/search", query_string={"q": q}).get_data(as_text=True)
    found = _found(html, "customers")
    assert f'href="/d/customers/{searchable["customer"]}"' in found, q
    assert "搜索测试鸿运别家" not in html, "another dealer's customer never shows"
    assert 'href="tel:13877779999"' in found


def test_another_network_finds_nothing(searchable, login_as):
    html = login_as("sd-jn-001.gm", network="demo2").get("/d/search?q=搜索测试鸿运").get_data(as_text=True)
    assert 'data-test="nothing"' in html and not _found(html, "customers")


def test_a_station_finds_a_vehicle_by_the_last_6_of_its_vin(searchable, login_as):
    station = login_as(searchable["station"])
    for q in (searchable["vin"][-6:], searchable["vin"][-8:].lower(), searchable["vin"], "B12345"):
        found = _found(station.get("/s/search", query_string={"q": q}).get_data(as_text=True), "vehicles")
        assert searchable["vin"] in found and "/s/vehicles/" in found, q
    assert not _found(station.get("/s/search?q=鸿运物流").get_data(as_text=True), "customers"), "a station has no ledger"


def test_the_maker_finds_organisations_in_its_regions(login_as):
    html = login_as("supervisor").get("/m/search?q=GX-LZ").get_data(as_text=True)
    found = _found(html, "orgs")
    assert "GX-LZ-001" in found and "GD-GZ" not in found, "a supervisor limited to 广西"
    assert "GD-GZ-003" not in _found(login_as("supervisor").get("/m/search?q=GD-GZ").get_data(as_text=True), "orgs")
    assert "GD-GZ-003" in _found(login_as("admin").get("/m/search?q=GD-GZ").get_data(as_text=True), "orgs")


@pytest.mark.parametrize("q", ["%", "_", "a" * 5000, "鸿\x00运", "\u202e鸿运", "' OR 1=1 --"])
def test_hostile_queries_are_answered(searchable, login_as, q):
    resp = login_as(searchable["sales"]).get("/d/search", query_string={"q": q})
    assert resp.status_code in (200, 400), "an answer or a plain refusal (a NUL), never a 500"
    assert "搜索测试鸿运别家" not in resp.get_data(as_text=True)


def test_the_search_box_is_on_every_page(searchable, login_as):
    html = login_as(searchable["sales"]).get("/d/customers").get_data(as_text=True)
    assert 'data-test="nav-search"' in html and 'action="/d/search"' in html and 'href="/d/search"' in html
