"""The scorecard, training and preparation pages as each party uses them."""
import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tenant_app.models import (Appeal, Evaluation, JobRecord, PreparationAudit, Scorecard, ScorecardTemplate,
                               TrainingInvitation, TrainingSession)


MONTH = f"{date.today():%Y-%m}"


def _text(resp) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))


@pytest.fixture(scope="module")
def parties(app, world):
    """Made before the evaluation: a supervisor for 广西; a dealer in 广西 with this month's
    customers, callback plan and one callback done; another dealer in 广西, one in 广东 and a
    service station. Their ids, codes, names and user names."""
    from tenant_app.extensions import db
    from tenant_app.services.targets import period_bounds
    from tenant_app.tenancy import use_network
    from tests import factories

    def facts(org, **users):
        return {"id": org.id, "code": org.code, "name": org.name, **{k: u.username for k, u in users.items()}}

    with app.app_context():
        use_network(db.session, world["networks"]["liuqi"])
        supervisor = factories.user(factories.manufacturer(), "supervisor", regions=["广西"])
        shop, near = factories.org("dealer"), factories.org("dealer", city="南宁")
        far, station = factories.org("dealer", province="广东", city="广州"), factories.org("service")
        gm, info = factories.user(shop, "general_manager"), factories.user(shop, "information_manager")
        sales = factories.user(shop, "sales_manager")
        for fleet in ([("乘龙", 4)], [("豪沃", 6)], [("乘龙", 25)], []):
            factories.customer(shop, fleet=fleet, responsible=sales)
        first, last = period_bounds("month", date.today())
        item = factories.plan_items(factories.plan(shop, info, starts_on=first, days=(last - first).days))[0]
        factories.callback(item.customer, sales, item=item, done_on=min(date.today(), item.due_on))
        out = {"supervisor": supervisor.username, "shop": facts(shop, gm=gm, sales=sales, info=info),
               "near": facts(near, gm=factories.user(near, "general_manager")),
               "far": facts(far, gm=factories.user(far, "general_manager")),
               "station": facts(station, mgr=factories.user(station, "manager"))}
        db.session.commit()
        db.session.remove()
    return out


@pytest.fixture(scope="module")
def evaluated(app, world, parties):
    """liuqi's current month (the demo seed evaluated it) evaluated again through the page, now
    with the parties of this module, every PDF rendered (inline jobs)."""
    from tenant_app.services.scorecards import period_label
    from tests.conftest import logged_in
    client = logged_in(app, world["people"][("liuqi", "admin")])
    resp = client.post("/m/scorecards", data={"period": period_label("month", date.today())})
    assert resp.status_code == 302
    return int(resp.location.rsplit("/", 1)[1])


@pytest.fixture(scope="module")
def ended(app, world, parties):
    """liuqi's last month, evaluated through the page: ended, so final and open to appeals."""
    from tenant_app.services.scorecards import period_label
    from tests.conftest import logged_in
    client = logged_in(app, world["people"][("liuqi", "admin")])
    last_month = date.today().replace(day=1) - timedelta(days=1)
    resp = client.post("/m/scorecards", data={"period": period_label("month", last_month)})
    assert resp.status_code == 302
    return int(resp.location.rsplit("/", 1)[1])


def _card_id(in_network, world, evaluation_id, org_id):
    with in_network(world["networks"]["liuqi"]) as s:
        return s.scalar(select(Scorecard.id).where(Scorecard.evaluation_id == evaluation_id,
                                                   Scorecard.org_id == org_id))


def test_the_evaluation_page_shows_progress_ranking_and_downloads(evaluated, login_as, world, in_network):
    client = login_as("admin")
    page = _text(client.get(f"/m/scorecards/{evaluated}"))
    assert f"考评 {MONTH}" in page and "已签发" in page
    assert "临时" in page, "this month has not ended: provisional on the maker's page"
    listing = client.get("/m/scorecards").get_data(as_text=True)
    assert re.search(rf"{MONTH}</a> <span[^>]*>临时", listing), "and in the list of evaluations"
    with in_network(world["networks"]["liuqi"]) as s:
        cards = s.scalars(select(Scorecard).where(Scorecard.evaluation_id == evaluated)).all()
        names = [c.org.name for c in cards]
        org_ids = [c.org_id for c in cards]
        assert all(c.pdf_revision == c.revision and c.pdf_sha256 for c in cards)
    assert f"PDF ： {len(cards)} / {len(cards)}" in page.replace("PDF：", "PDF ：")
    assert all(n in page for n in names)
    card = _text(client.get(f"/m/scorecards/cards/{_card_id(in_network, world, evaluated, org_ids[0])}"))
    assert "临时" in card and "全网排名" in card, "the maker sees the provisional ranks, marked"
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/m/scorecards/{evaluated}/archive.zip").data))
    files = archive.namelist()
    assert f"{MONTH}/ranking.pdf" in files and len([f for f in files if f.endswith(".pdf")]) == len(cards) + 1
    assert all(archive.read(f).startswith(b"%PDF") for f in files)
    assert client.get(f"/m/scorecards/{evaluated}/ranking.pdf").data.startswith(b"%PDF")


def test_a_regional_supervisor_sees_and_packs_only_its_regions(evaluated, parties, login_as, world):
    client = login_as(parties["supervisor"])  # 广西 only
    page = _text(client.get(f"/m/scorecards/{evaluated}"))
    assert parties["shop"]["name"] in page and parties["far"]["name"] not in page
    names = zipfile.ZipFile(io.BytesIO(client.get(f"/m/scorecards/{evaluated}/archive.zip").data)).namelist()
    elsewhere = {code for (net, code), o in world["orgs"].items() if net == "liuqi" and o["province"] != "广西"}
    elsewhere.add(parties["far"]["code"])
    assert [n for n in names if f"/{parties['shop']['code']}-" in n], names
    assert not [n for n in names for code in elsewhere if f"/{code}-" in n], names
    assert client.get(f"/m/scorecards/{evaluated}/ranking.pdf").status_code == 403, "the whole network's ranking"
    assert "广东" not in page, "not even the other regions' names"
    assert client.post("/m/scorecards", data={"period": "2019-Q3"}).status_code == 403


def test_a_dealer_sees_its_own_scorecard_with_evidence_and_pdf(evaluated, parties, login_as, world, in_network):
    own = _card_id(in_network, world, evaluated, parties["shop"]["id"])
    other = _card_id(in_network, world, evaluated, parties["far"]["id"])
    client = login_as(parties["shop"]["gm"])
    listing = _text(client.get("/org/scorecards"))
    assert MONTH in listing and "临时" in listing, "this month has not ended: provisional"
    page = _text(client.get(f"/org/scorecards/{own}"))
    assert "老客户回访覆盖率" in page and "下载 PDF" in page
    assert "这是临时考评" in page and "提交申诉" not in page, "a provisional card is appealed once final"
    assert "临时" in page and "全网排名" not in page and "区域排名" not in page, "no rank for a provisional card"
    assert "达成率 =" in page and "得分率 =" in page
    evidence = _text(client.get(f"/org/scorecards/{own}/items/ledger_completeness"))
    assert "台帐完整率" in evidence and "共 4 条" in evidence, "this month's four customers"
    every = _text(client.get(f"/org/scorecards/{own}/items/callback_completion"))
    assert "✗" in every and "✓" in every, "one of the plan's callbacks done, the others not (yet)"
    missed = _text(client.get(f"/org/scorecards/{own}/items/callback_completion?show=missed"))
    assert "✗" in missed and "✓" not in missed
    assert client.get(f"/org/scorecards/{own}/pdf").data.startswith(b"%PDF")
    for url in (f"/org/scorecards/{other}", f"/org/scorecards/{other}/pdf",
                f"/org/scorecards/{other}/items/coverage", f"/org/scorecards/{own}/items/no_such_rule"):
        assert client.get(url).status_code == 404, url


def test_appeal_by_the_dealer_and_resolution_by_the_manufacturer(ended, parties, login_as, world, in_network):
    card_id = _card_id(in_network, world, ended, parties["shop"]["id"])
    key, reason = "callback_completion", "十二月漏计了两条计划回访"
    assert login_as(parties["shop"]["sales"]).post(f"/org/scorecards/{card_id}/appeals",
                                                   data={"item": key, "reason": reason}).status_code == 403
    dealer = login_as(parties["shop"]["gm"])

    def mine(s):
        return s.scalar(select(Appeal).where(Appeal.scorecard_id == card_id, Appeal.item_key == key))
    dealer.post(f"/org/scorecards/{card_id}/appeals", data={"item": key, "reason": "短"})
    with in_network(world["networks"]["liuqi"]) as s:
        assert mine(s) is None, "too short: refused"
    dealer.post(f"/org/scorecards/{card_id}/appeals", data={"item": key, "reason": reason})
    with in_network(world["networks"]["liuqi"]) as s:
        appeal = mine(s)
        appeal_id, revision, cap = appeal.id, appeal.scorecard.revision, appeal.scorecard.item(key)["cap"]
    maker = login_as("admin")
    assert "待处理申诉" in _text(maker.get("/m/scorecards"))
    assert reason in _text(maker.get("/m/appeals"))
    maker.post(f"/m/appeals/{appeal_id}", data={"decision": "upheld", "response": "同意", "points": cap + 1})
    with in_network(world["networks"]["liuqi"]) as s:
        assert mine(s).status == "open", "more than the cap: refused"
    maker.post(f"/m/appeals/{appeal_id}", data={"decision": "upheld", "response": "核实属实", "points": cap})
    with in_network(world["networks"]["liuqi"]) as s:
        card = s.get(Scorecard, card_id)
        assert mine(s).status == "upheld" and card.revision == revision + 1
        assert card.item(key)["adjusted"] == cap
        assert card.pdf_revision == card.revision, "re-issued and rendered again"
    page = _text(dealer.get(f"/org/scorecards/{card_id}"))
    assert "已采纳" in page and "核实属实" in page


def test_deductions_by_a_supervisor_in_region_only(evaluated, parties, login_as, world, in_network):
    gx = _card_id(in_network, world, evaluated, parties["near"]["id"])
    gd = _card_id(in_network, world, evaluated, parties["far"]["id"])
    client = login_as(parties["supervisor"])
    assert client.post(f"/m/scorecards/cards/{gd}/deductions", data={"points": 1, "reason": "x"}).status_code == 404
    client.post(f"/m/scorecards/cards/{gx}/deductions", data={"points": 3, "reason": "回访记录与实际不符"})
    page = _text(login_as(parties["near"]["gm"]).get(f"/org/scorecards/{gx}"))
    assert "−3.0 · 回访记录与实际不符" in page


def test_publishing_a_template_version_checks_weights(login_as, world, in_network):
    client = login_as("admin", network="demo2")
    page = client.get("/m/scorecards/template").get_data(as_text=True)
    form = {m[0]: m[1] for m in re.findall(r'name="((?:weight|full_at|cap)-\w+)" value="([^"]*)"', page)}
    form.update({f"use-{k}": "1" for k in ("coverage", "callback_completion")})
    form.update({"name": "简化模板", "deduction_cap": "10", "appeal_days": "7", "grade-0": "A", "min-0": "80",
                 "grade-1": "B", "min-1": "0", "action": "publish"})
    with in_network(world["networks"]["demo2"]) as s:
        before = s.scalar(select(ScorecardTemplate).where(ScorecardTemplate.status == "published")).version
    resp = client.post("/m/scorecards/template", data=form, follow_redirects=True)
    assert "各项权重之和须为 100" in _text(resp)
    form.update({"weight-coverage": "60", "cap-coverage": "60", "weight-callback_completion": "40",
                 "cap-callback_completion": "40"})
    client.post("/m/scorecards/template", data=form)
    with in_network(world["networks"]["demo2"]) as s:
        now = s.scalar(select(ScorecardTemplate).where(ScorecardTemplate.status == "published"))
        assert now.version > before and [i["key"] for i in now.items] == ["callback_completion", "coverage"]
        assert now.grade_bands == [[80.0, "A"], [0.0, "B"]] and now.appeal_days == 7
    assert login_as("supervisor", network="demo2").post("/m/scorecards/template", data=form).status_code == 403


def test_training_invitations_attendance_and_scores(parties, login_as, world, in_network):
    gx, sv = parties["shop"]["id"], parties["station"]["id"]
    client = login_as(parties["supervisor"])
    client.post("/m/training", data={"title": "回访话术训练营", "held_on": "2026-10-20", "place": "柳州",
                                     "max_score": 100, "orgs": [gx, sv]})
    with in_network(world["networks"]["liuqi"]) as s:
        session = s.scalar(select(TrainingSession).where(TrainingSession.title == "回访话术训练营"))
        invitations = {i.id: i.org_id for i in session.invitations}
        session_id = session.id
    assert set(invitations.values()) == {gx, sv}
    first, second = sorted(invitations)[:2]
    resp = client.post(f"/m/training/{session_id}", data={f"score-{first}": "88"}, follow_redirects=True)
    assert "未出席者不能有成绩" in _text(resp)
    client.post(f"/m/training/{session_id}", data={f"attended-{first}": "1", f"score-{first}": "88",
                                                   f"attended-{second}": "1"})
    with in_network(world["networks"]["liuqi"]) as s:
        assert (s.get(TrainingInvitation, first).attended, s.get(TrainingInvitation, first).score) == (True, 88)
    page = _text(login_as(parties["shop"]["info"]).get("/org/training"))
    assert "回访话术训练营" in page and ("88 / 100" in page or invitations[first] != gx)
    assert "回访话术训练营" in _text(login_as(parties["station"]["mgr"]).get("/org/training"))
    assert "回访话术训练营" not in _text(login_as(parties["far"]["gm"]).get("/org/training"))
    assert login_as(parties["shop"]["gm"]).post("/m/training", data={"title": "x"}).status_code == 403


def test_the_preparation_audit_needs_a_note_for_what_is_missing(parties, login_as, world, in_network):
    org_id = parties["near"]["id"]
    client = login_as(parties["supervisor"])
    items = ["staff", "office", "vehicles", "relations", "budget", "mechanism"]
    data = {"audited_on": "2026-11-01", **{f"item-{i}": "1" for i in items[:5]}}
    resp = client.post(f"/m/dealers/{org_id}/preparation", data=data, follow_redirects=True)
    assert "未到位的项目请写明缺什么" in _text(resp)
    client.post(f"/m/dealers/{org_id}/preparation", data={**data, "note-mechanism": "考核制度未成文"})
    with in_network(world["networks"]["liuqi"]) as s:
        audit = s.scalar(select(PreparationAudit).where(PreparationAudit.org_id == org_id)
                         .order_by(PreparationAudit.id.desc()))
        assert audit.in_place == 5 and audit.notes == {"mechanism": "考核制度未成文"}
    assert "考核制度未成文" in _text(login_as(parties["near"]["gm"]).get("/org/training"))
    gd = parties["far"]["id"]
    assert client.post(f"/m/dealers/{gd}/preparation", data=data).status_code == 404


def test_a_failed_job_is_rerun_from_the_page(evaluated, login_as, world, in_network):
    with in_network(world["networks"]["liuqi"]) as s:
        evaluation = s.get(Evaluation, evaluated)
        job = evaluation.job
        job.status, job.error = "failed", "RuntimeError: simulated"
        s.commit()
        job_id = job.id
    assert login_as("supervisor").post(f"/m/jobs/{job_id}/rerun").status_code == 403
    assert "RuntimeError: simulated" in _text(login_as("admin").get(f"/m/scorecards/{evaluated}"))
    login_as("admin").post(f"/m/jobs/{job_id}/rerun")
    with in_network(world["networks"]["liuqi"]) as s:
        job = s.get(JobRecord, job_id)
        assert job.status == "done" and job.attempts >= 2


def test_the_manufacturers_look_at_evidence_is_in_the_dealers_audit_log(evaluated, parties, login_as, world,
                                                                         in_network):
    card_id = _card_id(in_network, world, evaluated, parties["far"]["id"])
    page = _text(login_as("supervisor2").get(f"/org/scorecards/{card_id}/items/coverage"))  # every region
    assert "老客户回访覆盖率" in page
    audit = _text(login_as(parties["far"]["gm"]).get("/org/audit?q=scorecard+evidence"))
    assert f"scorecard evidence {parties['far']['code']} {MONTH} coverage" in audit
