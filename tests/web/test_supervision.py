"""The manufacturer supervises: every dealer's figures by region, read-only drill-in that
the dealer's general manager can see in its audit log, and the competitor census."""
import re

from sqlalchemy import func, select

from tenant_app.models import AuditEntry, Brand, Customer, FleetEntry, Opportunity
from tests import factories


def _regional_supervisor(*regions):
    return factories.user(factories.manufacturer(), "supervisor", regions=list(regions)).username


def _row(html, org_code, org_name):
    """The cells after the organisation's own in its row of the overview."""
    row = re.search(rf"{re.escape(org_code)} {re.escape(org_name)}</a></td>(.*?)</tr>", html, re.S)
    assert row, org_code
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_overview_figures_and_regions(login_as, world, in_network, build):
    with build():
        supervisor = _regional_supervisor("广西")
        shop, far = factories.org("dealer"), factories.org("dealer", province="西藏", city="拉萨")
        sales = factories.user(shop, "sales_manager")
        customers = [factories.customer(shop, fleet=[("乘龙", 2)]) for _ in range(3)]
        factories.customer(far)
        factories.opportunity(customers[1], sales)
        factories.won(factories.opportunity(customers[0], sales))
        org_id, shop, far = shop.id, (shop.code, shop.name), (far.code, far.name)
    html = login_as("admin").get("/m/dealers").get_data(as_text=True)
    with in_network(world["networks"]["liuqi"]) as s:
        n = s.scalar(select(func.count(Customer.id)).where(Customer.org_id == org_id))
        won = s.scalar(select(func.count(Opportunity.id)).where(Opportunity.org_id == org_id,
                                                                 Opportunity.stage == "won"))
    assert (n, won) == (3, 1)
    cells = _row(html, *shop)
    assert (cells[1], cells[6]) == (str(n), str(won)), "ledger and deals"
    assert _row(html, *far)[1] == "1"
    assert "广西" in html and "西藏" in html, "the totals by region"
    regional = login_as(supervisor).get("/m/dealers").get_data(as_text=True)  # 广西 only
    assert shop[0] in regional and far[0] not in regional and "西藏" not in regional


def test_drill_in_is_read_only_masked_and_audited(login_as, world, in_network, build):
    with build():
        supervisor = _regional_supervisor("广西")
        shop, near = factories.org("dealer"), factories.org("dealer", city="南宁")
        far = factories.org("dealer", province="广东", city="广州")
        gm = factories.user(shop, "general_manager").username
        for dealer in (shop, near, far):
            factories.customer(dealer, fleet=[("豪沃", 4)])
        nn_customer = factories.customer(near).id
        org_id, nn, gd = shop.id, near.id, far.id
    sup = login_as(supervisor)
    html = sup.get(f"/m/dealers/{org_id}/customers").get_data(as_text=True)
    cid = int(re.search(rf'/m/dealers/{org_id}/customers/(\d+)"', html).group(1))
    assert re.search(r"\d{3}\*{4}\d{4}", html), "the manufacturer sees customers' phones masked"
    page = sup.get(f"/m/dealers/{org_id}/customers/{cid}").get_data(as_text=True)
    assert 'data-test="customer-name"' in page and "记录回访" not in page and "编辑" not in page
    assert sup.get(f"/m/dealers/{org_id}/callbacks").status_code == 200
    assert sup.get(f"/m/dealers/{org_id}/deals").status_code == 200
    assert sup.get(f"/m/dealers/{gd}/customers").status_code == 404, "outside the supervisor's regions"
    assert sup.get(f"/m/dealers/{nn}/customers/{nn_customer}").status_code == 200
    assert sup.get(f"/m/dealers/{org_id}/customers/{nn_customer}").status_code == 404, "dealer and customer must match"
    with in_network(world["networks"]["liuqi"]) as s:
        seen = s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "view",
                                                          AuditEntry.username == supervisor,
                                                          AuditEntry.subject_org_id == org_id)).all()
    assert {"ledger", "customer", "callbacks", "deals"} <= set(seen)
    gm_log = login_as(gm).get("/org/audit?action=view").get_data(as_text=True)
    assert supervisor in gm_log, "the general manager sees who from the manufacturer looked"
    with in_network(world["networks"]["liuqi"]) as s:
        other = s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "view",
                                                           AuditEntry.subject_org_id == nn)).all()
    assert other == ["customer"], "each dealer's log holds the looks at it, no other dealer's"
    assert login_as(gm).get(f"/m/dealers/{org_id}/customers").status_code == 403


def test_competitor_census(login_as, world, in_network, build):
    with build():
        shop = factories.org("dealer", province="海南", city="海口")
        factories.customer(shop, fleet=[("豪沃", 7), ("乘龙", 2)])
        factories.customer(shop, fleet=[("汕德卡", 4)])
    admin = login_as("admin")
    html = admin.get("/m/census?by=province").get_data(as_text=True)
    with in_network(world["networks"]["liuqi"]) as s:
        units = s.scalar(select(func.sum(FleetEntry.quantity)).join(Brand, Brand.id == FleetEntry.brand_id)
                         .where(Brand.name == "中国重汽"))
        own = s.scalar(select(Brand.name).where(Brand.is_own))
    shown = sum(int(u) for u in re.findall(r"<td>中国重汽</td><td>[^<]*</td><td class=\"text-end\">(\d+)</td>", html))
    assert units >= 11 and shown == units
    assert own not in html.split('data-test="census"')[1], "our own brand is no competitor"
    csv = admin.get("/m/census.csv?by=transport_type").get_data(as_text=True)
    assert csv.startswith("\ufeff运输类型,品牌,车型,台数,客户数")
    assert login_as("gx-lz-001.gm").get("/m/census").status_code == 403


def test_callback_verification_sample_and_rate(login_as, world, in_network, build):
    from datetime import date, timedelta

    from tenant_app.models import Callback, CallbackCheck

    with build():
        supervisor = _regional_supervisor("广西")
        shop, far = factories.org("dealer", city="南宁"), factories.org("dealer", province="广东", city="广州")
        sales = factories.user(shop, "sales_manager")
        for n in range(6):
            factories.callback(factories.customer(shop), sales, done_on=date.today() - timedelta(days=20 - n))
        org_id, gd = shop.id, far.id
    with in_network(world["networks"]["liuqi"]) as s:
        first = s.scalar(select(func.min(Callback.done_on)).where(Callback.org_id == org_id))
        recorded = s.scalar(select(func.count(Callback.id)).where(Callback.org_id == org_id))
    assert recorded == 6
    sup = login_as(supervisor)
    resp = sup.post(f"/m/dealers/{org_id}/verification", data={"starts_on": first.isoformat(),
                                                              "ends_on": date.today().isoformat(), "size": 5})
    assert resp.status_code == 302
    sample_id = int(resp.location.rsplit("/", 1)[1])
    page = sup.get(resp.location).get_data(as_text=True)
    assert page.count('name="status" value="confirmed"') == min(5, recorded)
    assert re.search(r"<td>1\d{10}</td>", page), "who checks by phone sees the whole number"
    with in_network(world["networks"]["liuqi"]) as s:
        checks = s.scalars(select(CallbackCheck.id).where(CallbackCheck.sample_id == sample_id)).all()
    sup.post(f"/m/verification/{sample_id}/checks/{checks[0]}", data={"status": "confirmed"})
    sup.post(f"/m/verification/{sample_id}/checks/{checks[1]}", data={"status": "not_confirmed", "note": "客户说没有"})
    rate = sup.get(f"/m/dealers/{org_id}/verification").get_data(as_text=True)
    assert re.search(r"已核实 2 条，确认 1 条.*确认率 50%", rate, re.S)
    assert sup.post(f"/m/verification/{sample_id}/checks/{checks[2]}", data={"status": "maybe"}).status_code == 302
    bad = sup.post(f"/m/dealers/{org_id}/verification", data={"starts_on": "2001-01-01", "ends_on": "2001-02-01",
                                                              "size": 5}).get_data(as_text=True)
    assert "该期间没有回访记录可抽查" in bad
    assert sup.get(f"/m/dealers/{gd}/verification").status_code == 404


def test_a_large_networks_figures_from_the_scheduler_match_the_direct_count(app, login_as, world, in_network, build,
                                                                             monkeypatch):
    """The snapshot is taken on the test network's own data (a threshold of one customer makes it
    'large'), compared with the live queries for every organisation and census dimension, shown
    with its time, and then removed so the other tests see live figures."""
    from datetime import timedelta

    from sqlalchemy import delete

    from tenant_app.jobs import schedule
    from tenant_app.models import CensusCell, Organisation, OrgFigures, SupervisionSnapshot
    from tenant_app.services import supervision

    with build():
        shop = factories.org("dealer", province="青海", city="西宁")
        sales = factories.user(shop, "sales_manager")
        won = factories.customer(shop, fleet=[("豪沃", 5), ("乘龙", 1)])
        factories.won(factories.opportunity(won, sales))
        factories.customer(shop, fleet=[("豪沃", 2)])
        shop_id = shop.id
    net = world["networks"]["liuqi"]
    monkeypatch.setitem(app.config, "SUPERVISION_SNAPSHOT_FROM", 1)
    try:
        with app.app_context():
            said = schedule.tick()
        assert any("overview and census figures taken" in line for line in said)
        with in_network(net) as s:
            taken = supervision.snapshot()
            assert taken is not None and not supervision.needs_snapshot(taken.taken_at + timedelta(minutes=14))
            assert supervision.needs_snapshot(taken.taken_at + timedelta(minutes=15))
            orgs = s.scalars(select(Organisation).where(Organisation.kind.in_(supervision.LEDGER_KINDS))
                             .order_by(Organisation.id)).all()
            stored, live = supervision.overview(orgs, taken=taken), supervision.overview_live(orgs)
            assert len(stored) == len(live) > 3
            for a, b in zip(stored, live):
                assert a == b, a["org"].code
            ids = [o.id for o in orgs]
            for dimension in supervision.CENSUS_DIMENSIONS:
                for own in (False, True):
                    assert supervision.census(ids, dimension, own, taken=taken) == \
                        supervision.census_live(ids, dimension, own), (dimension, own)
            mine = [r for r in supervision.census([shop_id], "province", taken=taken)]
            assert ("青海", "中国重汽") in {(r[0], r[1]) for r in mine}
            assert sum(r[3] for r in mine if r[1] == "中国重汽") == 7 and \
                max(r[4] for r in mine if r[1] == "中国重汽") <= 2
        admin = login_as("admin")
        for url in ("/m/dealers", "/m/census"):
            assert 'data-test="taken"' in admin.get(url).get_data(as_text=True), url
    finally:
        with in_network(net) as s:
            for model in (CensusCell, OrgFigures, SupervisionSnapshot):
                s.execute(delete(model).where(model.network_id == net))
            s.commit()
    assert 'data-test="taken"' not in login_as("admin").get("/m/census").get_data(as_text=True)
