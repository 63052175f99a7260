"""One deployment, several makers: a network's pages name its own maker, never another one.

Every GET route of the URL map, as every demo user of the second demo network, with that
network's own record ids, in Chinese and in English; downloads are read as a person reads
them (CSV as text, Excel cell by cell, PDFs through their text). Nothing may name 柳汽, the
maker of the first demo network (nor "Liuqi", its name in the English catalog).
"""
import io
import zipfile

import pytest
from sqlalchemy import select

from tests.web.test_cross_tenant import ID_KINDS, NOT_IDS, SKIP_ENDPOINTS

NETWORK = "demo2"
FOREIGN = {"zh_CN": ("柳汽",), "en": ("柳汽", "Liuqi")}


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _readable(resp) -> str:
    """The text a person would see in the response."""
    data, kind = resp.data, resp.mimetype
    if kind.endswith("spreadsheetml.sheet"):
        from openpyxl import load_workbook
        wb = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join([ws.title for ws in wb] + [str(v) for ws in wb for r in ws.iter_rows(values_only=True)
                                                   for v in r if v is not None])
    if kind == "application/pdf":
        return _pdf_text(data)
    if kind == "application/zip":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "\n".join(_pdf_text(z.read(n)) if n.endswith(".pdf") else z.read(n).decode("utf-8", "replace")
                             for n in z.namelist())
    return resp.get_data(as_text=True)


def _actors(world):
    return [p for (net, _), p in sorted(world["people"].items()) if net == NETWORK]


def _fills(world, actor, rule):
    """Argument values for a rule: one set per owner of the records named (the actor's own
    organisation, the whole network, and for the maker every organisation it supervises)."""
    mine = {kind: [(i, org) for i, net, org in records if net == NETWORK] for kind, records in world["records"].items()}
    owners = [actor.org_id, None]
    if actor.kind == "manufacturer":
        owners += sorted({org for _, org in mine["org"]} - {actor.org_id})
    for owner in owners:
        values = {a: NOT_IDS[a] for a in rule.arguments if a in NOT_IDS}
        for arg in (a for a in rule.arguments if a in ID_KINDS):
            kind = ID_KINDS[arg]
            if kind == "org":
                values[arg] = owner or actor.org_id
                continue
            ids = [i for i, org in mine[kind] if org == owner] or [i for i, org in mine[kind] if org is None]
            if not ids:
                break
            values[arg] = ids[0]
        else:
            yield values


def _urls(app, world, actor):
    seen = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS:
            continue
        for values in _fills(world, actor, rule):
            url = rule.build(values)[1]
            if url not in seen:
                seen.add(url)
                yield url


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_no_page_of_another_makers_network_names_liuqi(app, world, login_as, locale):
    read, found = 0, []
    for actor in _actors(world):
        client = login_as(actor.username, network=NETWORK)
        with client.session_transaction() as s:
            s["lang"] = locale
        for url in _urls(app, world, actor):
            resp = client.get(url)
            assert resp.status_code in {200, 302, 403, 404}, f"{actor.username} GET {url} -> {resp.status_code}"
            if resp.status_code != 200:
                continue
            body = _readable(resp)
            read += 1
            found += [f"{actor.username} GET {url}: {word}" for word in FOREIGN[locale] if word in body]
    assert read > 300
    assert not found, f"{NETWORK} pages ({locale}) name another maker:\n" + "\n".join(found)


def test_each_network_names_its_own_maker(login_as, world):
    builder = login_as("bb-ly-01.mgr", network=NETWORK)
    assert "设专人研究华运重卡底盘" in builder.get("/b/").get_data(as_text=True)
    assert "设专人研究东风柳汽底盘" in login_as("bb-lz-01.mgr").get("/b/").get_data(as_text=True)
    with builder.session_transaction() as s:
        s["lang"] = "en"
    assert "Dedicated staff study 华运重卡 chassis" in builder.get("/b/").get_data(as_text=True)
    ledger = login_as("sd-jn-001.gm", network=NETWORK).get("/d/customers").get_data(as_text=True)
    assert "华运重卡服务及配件系统" in ledger, "an information source names the network's maker"


def test_scorecard_pdf_signature_and_appeal_name_the_networks_maker(login_as, world, in_network):
    from tenant_app.models import Appeal

    from tenant_app.models import Scorecard
    from tenant_app.reports.scorecard_pdf import render_scorecard
    from tenant_app.services import scorecards

    gm = world["people"][(NETWORK, "sd-jn-001.gm")]
    with in_network(world["networks"][NETWORK]) as s:  # an ended period: final, so open to appeals
        evaluation, _ = scorecards.open_evaluation(world["networks"][NETWORK], "2016-Q2")
        scorecards.compute(evaluation)
        card = s.scalar(select(Scorecard).where(Scorecard.evaluation_id == evaluation.id,
                                                Scorecard.org_id == gm.org_id))
        render_scorecard(card)
        s.commit()
        card_id = card.id
    client = login_as(gm.username, network=NETWORK)
    pdf = client.get(f"/org/scorecards/{card_id}/pdf")
    assert pdf.mimetype == "application/pdf"
    assert "华运重卡客户营销管理" in _pdf_text(pdf.data).replace(" ", "").replace("\n", "")
    resp = client.post(f"/org/scorecards/{card_id}/appeals", follow_redirects=True,
                       data={"item": "callback_completion", "reason": "测试：漏计了两条计划回访"})
    page = resp.get_data(as_text=True)
    try:
        assert "等待华运重卡处理" in page and "柳汽" not in page
    finally:
        with in_network(world["networks"][NETWORK]) as s:
            for appeal in s.scalars(select(Appeal).where(Appeal.scorecard_id == card_id,
                                                         Appeal.item_key == "callback_completion")):
                s.delete(appeal)
            s.commit()


def test_ledger_import_names_the_columns_and_sources_as_the_network_writes_them(login_as, new_org, new_user):
    from openpyxl import Workbook

    code, _ = new_org("SD-T", network=NETWORK)
    client = login_as(new_user(code, "general_manager", network=NETWORK).username, network=NETWORK)
    wb = Workbook()
    ws = wb.active
    ws.append(["客户名称", "联系电话", "信息来源", "已购买华运重卡产品(使用华运重卡时间)"])
    ws.append(["甲物流", "13800000001", "华运重卡服务及配件系统", "5年"])
    ws.append(["乙物流", "13800000002", "飞行", "很久"])
    buf = io.BytesIO()
    wb.save(buf)
    resp = client.post("/d/customers/import", data={"file": (io.BytesIO(buf.getvalue()), "台帐.xlsx")},
                       content_type="multipart/form-data", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "2 位客户可以导入" in html, "an unknown source or year is no reason to refuse"
    notices = html[html.find('data-test="notices"'):]
    assert "第 3 行 <code>D3</code> 已购买华运重卡产品(使用华运重卡时间)：" in notices
    pending = html[html.find('data-test="pending"'):]
    assert "<strong>飞行</strong>" in pending
    assert "<strong>华运重卡服务及配件系统</strong>" not in pending, "the maker's own service system is a known source"
    assert "华运重卡服务及配件系统" in pending, "offered as a value to map onto"
    assert "柳汽" not in html
