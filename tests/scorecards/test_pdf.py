"""The PDFs as a reader gets them: real WeasyPrint output read back with pypdf (text,
pages, fonts, glyphs), rare characters in names included, and no blank boxes."""
import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from sqlalchemy import select

from tenant_app.models import Evaluation, Scorecard
from tenant_app.services import scorecards as service

RARE = "喆堃犇淼燚𠮷䶮龘"
MISSING = {0, 0xFFFF}  # what a character without a glyph becomes (pango's unknown glyph, or .notdef)


def _streams(reader):
    """(content stream, resources) of every page and of every form XObject they draw (the SVG charts)."""
    todo = [(p.get_contents(), p["/Resources"]) for p in reader.pages]
    while todo:
        contents, resources = todo.pop()
        yield contents, resources
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                todo.append((xobject, xobject.get("/Resources", resources)))


def glyph_ids(data: bytes) -> list[int]:
    """Glyph ids drawn by the text operators (WeasyPrint writes Identity-H: two bytes each)."""
    reader, out = PdfReader(io.BytesIO(data)), []
    for contents, _ in _streams(reader):
        for operands, op in ContentStream(contents, reader).operations:
            if op not in (b"Tj", b"TJ"):
                continue
            strings = [operands[0]] if op == b"Tj" else [x for x in operands[0] if hasattr(x, "original_bytes")]
            for s in strings:
                raw = s.original_bytes
                out += [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)]
    return out


def fonts(data: bytes) -> set[str]:
    """Every font used, in the pages and in the charts drawn as form XObjects."""
    reader = PdfReader(io.BytesIO(data))
    return {str(f.get_object()["/BaseFont"]).split("+")[-1] for _, resources in _streams(reader)
            for f in resources.get("/Font", {}).values()}


def text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace(" ", "").replace("\n", "")


def test_the_blank_box_check_can_fail():
    from weasyprint import HTML
    bad = HTML(string="<p style=\"font-family:'Noto Sans CJK SC'\">喆\U0010FFFD堃</p>").write_pdf()
    assert MISSING & set(glyph_ids(bad)), "a character no font has is caught"
    good = HTML(string=f"<p style=\"font-family:'Noto Sans CJK SC'\">{RARE}</p>").write_pdf()
    assert not MISSING & set(glyph_ids(good)) and RARE in text(good)
    from tenant_app.reports import charts
    chart = HTML(string=f"<p style=\"font-family:'Noto Sans CJK SC'\">图</p>{charts.hbar([(RARE, 3)])}").write_pdf()
    assert fonts(chart) == {"Noto-Sans-CJK-SC"}, "the chart's labels use the CJK font too"
    assert len(glyph_ids(chart)) > len(RARE), "the chart's text is read from its form XObject"


@pytest.fixture(scope="module")
def rare_dealer(app, world):
    """A dealer whose name has characters outside the common set, with its scorecard of 2020-Q4."""
    import uuid

    from tenant_app.extensions import db
    from tenant_app.services.orgs import create_org
    from tenant_app.tenancy import use_network

    net = world["networks"]["demo2"]
    with app.app_context():
        use_network(db.session, net)
        org = create_org(network_id=net, kind="dealer", code=f"RR-{uuid.uuid4().hex[:4].upper()}",
                         name=f"{RARE}重卡销售有限公司", province="山东", city="济南")
        db.session.commit()
        evaluation, _ = service.open_evaluation(net, "2020-Q4")
        service.compute(evaluation)
        db.session.commit()
        ids = org.id, evaluation.id
        db.session.remove()
    return ids


def _render(app, world, rare_dealer):
    from tenant_app.extensions import db
    from tenant_app.reports.scorecard_pdf import render_ranking, render_scorecard
    from tenant_app.reports.pdf import read_checked
    from tenant_app.tenancy import use_network

    org_id, evaluation_id = rare_dealer
    with app.app_context():
        use_network(db.session, world["networks"]["demo2"])
        card = db.session.scalar(select(Scorecard).where(Scorecard.evaluation_id == evaluation_id,
                                                         Scorecard.org_id == org_id))
        render_scorecard(card)
        evaluation = db.session.get(Evaluation, evaluation_id)
        render_ranking(evaluation)
        db.session.commit()
        out = (read_checked(card.pdf_path, card.pdf_sha256), card,
               read_checked(evaluation.ranking_pdf_path, evaluation.ranking_pdf_sha256),
               [c.org.name for c in evaluation.scorecards], [(i["key"], i["points"]) for i in card.items])
        db.session.remove()
    return out


def test_a_scorecard_pdf_reads_back_complete(app, world, rare_dealer, in_network):
    from tenant_app.models import Network
    from tenant_app.vocab import SCORE_RULES

    with in_network(world["networks"]["demo2"]) as s:
        network = s.get(Network, world["networks"]["demo2"]).name
    data, card, _, _, items = _render(app, world, rare_dealer)
    assert data is not None, "stored with its checksum"
    assert len(PdfReader(io.BytesIO(data)).pages) == 2, "A4, two pages"
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert [round(float(v)) for v in page.mediabox[2:]] == [595, 842]
    body = text(data)
    for expected in (f"{RARE}重卡销售有限公司", network.replace(" ", ""), "经销商客户营销考评2020-Q4",
                     "2020-10-01至2020-12-31", "考评人", "经销商总经理", "总分趋势", "第1页/共2页"):
        assert expected in body, expected
    for key, points in items:
        assert SCORE_RULES[key].replace(" ", "") in body and str(points) in body
    assert fonts(data) <= {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"}, fonts(data)
    assert not MISSING & set(glyph_ids(data)), "no blank boxes"


def test_the_ranking_pdf_lists_every_dealer(app, world, rare_dealer):
    _, _, ranking, names, _ = _render(app, world, rare_dealer)
    body = text(ranking)
    assert "考评排名2020-Q4" in body and "等级分布" in body and "服务商" in body
    assert all(name.replace(" ", "") in body for name in names)
    assert not MISSING & set(glyph_ids(ranking))


def test_a_pdf_altered_on_disk_is_not_served(app, world, rare_dealer, login_as):
    from pathlib import Path
    data, card, *_ = _render(app, world, rare_dealer)
    client = login_as("admin", network="demo2")
    assert client.get(f"/org/scorecards/{card.id}/pdf").data == data
    Path(card.pdf_path).write_bytes(data.replace(b"%%EOF", b"%%EOF\n% tampered"))
    resp = client.get(f"/org/scorecards/{card.id}/pdf")
    assert resp.status_code == 302 and "pdf" not in resp.mimetype


def test_a_render_jobs_statements_per_pdf_do_not_grow_with_the_dealers(app, world, in_network, monkeypatch):
    """A render job commits after each PDF; what it reads for the next one must not grow with the
    network (it used to reload every peer's organisation: quadratic in the dealers)."""
    from sqlalchemy import event

    from tenant_app.extensions import db
    from tenant_app.jobs.scorecards import render_pdfs
    from tenant_app.models import JobRecord
    from tenant_app.reports import pdf
    from tests import factories
    monkeypatch.setattr(pdf, "to_pdf", lambda html: b"%PDF-1.7 stand-in: the statements are what is counted")
    net = world["networks"]["demo2"]
    per_pdf = []
    for period, more in (("2017-Q3", 0), ("2017-Q4", 12)):
        with in_network(net) as s:
            for i in range(more):
                factories.org("dealer", province="山东", city="青岛")
            evaluation, _ = service.open_evaluation(net, period)
            service.compute(evaluation)
            cards = len(evaluation.scorecards)
            job = JobRecord(network_id=net, kind="scorecard_pdfs",
                            params={"evaluation_id": evaluation.id, "period": period, "part": 0, "parts": 1})
            s.add(job)
            s.commit()
            job_id = s.get(JobRecord, job.id).id
        statements = []

        def count(*_):
            statements.append(1)
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                render_pdfs(net, job_id)
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        per_pdf.append((cards, len(statements) / cards))
    (few, small), (many, large) = per_pdf
    assert many >= few + 12
    assert large <= small + 1, f"statements per PDF: {small:.1f} at {few} cards, {large:.1f} at {many}"
