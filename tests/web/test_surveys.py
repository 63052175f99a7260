"""Customers answer for themselves (issue 14): survey links signed, expiring and single use; the
public page refuses a reused, altered or expired link with a clear page; no personal data shown;
disagreement rates with known answers, and the scorecard's verification item counting them."""
import re
import time
import uuid
from datetime import date, datetime, timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from tenant_app.models import AfterSaleTask, CustomerSurvey, Organisation
from tenant_app.services import scoring, surveys
from tenant_app.services import stations as station
from tenant_app.services.deals import complete_task, with_check_digit
from tests import factories

RULES = station.ServiceSettings(callback_days=3, switch_days=5, low_score=2, alert_days=2)


def _scores(overall):
    return {"overall": overall, "timeliness": 4, "quality": 4, "price": 4, "attitude": 4, "facility": 4}


def _vin():
    return with_check_digit("LFWSRXS0" + uuid.uuid4().hex[:9].upper().replace("I", "1").replace("O", "0"))


def make_repair(org, *, staff=None, owner="测试 车主", phone="13800001111", plate="桂B12345"):
    """A closed repair (its survey is made with it); staff: the overall score the station's callback recorded."""
    vehicle = station.register_vehicle(org, vin=_vin(), model="乘龙 H5", plate=plate, owner_name=owner,
                                       owner_phone=phone)
    repair = station.open_repair(org, vehicle, kind="repair", date_in=date(2025, 1, 10), mileage=1000,
                                 work_done="更换离合器片")
    cb = station.close_repair(repair, date(2025, 1, 11), RULES)
    factories.db.session.flush()
    if staff is not None:
        station.reached(cb, date(2025, 1, 14), RULES, scores=_scores(staff), complaint=False, comments="")
    return surveys.for_repair(repair.id)


def _token(app, survey_id, network_id):
    with app.test_request_context():
        from tenant_app.extensions import db
        from tenant_app.tenancy import use_network
        use_network(db.session, network_id)
        return surveys.token_for(db.session.get(CustomerSurvey, survey_id))


@pytest.fixture
def station_org(build):
    with build() as s:
        org = factories.org("service")
        return org.id


@pytest.fixture
def repair_survey(app, build, station_org):
    """A fresh repair survey at a new station: (survey id, network id, token)."""
    with build() as s:
        survey = make_repair(s.get(Organisation, station_org), staff=5, owner="王大锤", phone="13912345678")
        s.flush()
        sid, nid = survey.id, survey.network_id
    return sid, nid, _token(app, sid, nid)


def _text(resp) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))


# --- the token ---------------------------------------------------------------------------------
def test_token_signing_expiry_and_single_use(app, in_network, world, repair_survey, monkeypatch):
    sid, nid, token = repair_survey
    with app.test_request_context():
        assert surveys.open_link(token).id == sid
        # altered: any character of the payload or the signature
        for i in (3, len(token) // 2, len(token) - 2):
            forged = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
            with pytest.raises(surveys.SurveyLinkError) as e:
                surveys.open_link(forged)
            assert e.value.reason == "invalid"
        # signed with another salt, or another key: refused
        payload = {"n": nid, "s": sid, "k": "0" * 16}
        for key, salt in ((app.config["SECRET_KEY"], "other-salt"), ("another-key", surveys.SALT)):
            with pytest.raises(surveys.SurveyLinkError):
                surveys.open_link(URLSafeTimedSerializer(key, salt=salt).dumps(payload))
        # the right key but the wrong nonce (a guessed id): refused
        with pytest.raises(surveys.SurveyLinkError) as e:
            surveys.open_link(URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=surveys.SALT).dumps(payload))
        assert e.value.reason == "invalid"
        # expired by the survey's own date ...
        survey = surveys.open_link(token)
        assert survey.expires_at - survey.created_at == timedelta(days=30)
        with pytest.raises(surveys.SurveyLinkError) as e:
            surveys.open_link(token, now=survey.expires_at + timedelta(seconds=1))
        assert e.value.reason == "expired"
    # ... and by the token's signed time: a link signed 31 days ago
    with app.test_request_context():
        real = TimestampSigner.get_timestamp
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 31 * 86400)
        from tenant_app.extensions import db
        from tenant_app.tenancy import use_network
        use_network(db.session, nid)
        old = surveys.token_for(db.session.get(CustomerSurvey, sid))
        monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
        with pytest.raises(surveys.SurveyLinkError) as e:
            surveys.open_link(old)
        assert e.value.reason == "expired"
    # single use: the first answer is kept, the second refused, the link dead
    with app.test_request_context():
        from tenant_app.extensions import db
        survey = surveys.open_link(token)
        surveys.answer(survey, 5, True, "很好")
        db.session.commit()
        with pytest.raises(surveys.SurveyLinkError) as e:
            surveys.answer(survey, 1, False, "second")
        assert e.value.reason == "used"
        db.session.rollback()
        with pytest.raises(surveys.SurveyLinkError) as e:
            surveys.open_link(token)
        assert e.value.reason == "used"
        db.session.rollback()
    with in_network(nid) as s:
        kept = s.get(CustomerSurvey, sid)
        assert (kept.score, kept.resolved, kept.comment) == (5, True, "很好")


def test_a_token_names_one_network(app, world, repair_survey, build):
    """A token signed for network A that names a survey of network B (even with its nonce) finds nothing."""
    sid, nid, token = repair_survey
    with build("demo2") as s:
        other = make_repair(factories.org("service"))
        s.flush()
        other_id, other_net, other_nonce = other.id, other.network_id, other.nonce
    assert other_net != nid
    crafted = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=surveys.SALT).dumps(
        {"n": nid, "s": other_id, "k": other_nonce})
    client = app.test_client()
    resp = client.get(f"/s/{crafted}")
    assert resp.status_code == 404
    assert "乘龙" not in resp.get_data(as_text=True)


# --- the public page ---------------------------------------------------------------------------
def test_the_page_works_without_login_and_refuses_a_reused_or_altered_link(app, repair_survey, in_network):
    sid, nid, token = repair_survey
    client = app.test_client()
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    text = _text(page)
    assert "乘龙 H5" in text and surveys.masked_vin(_vin_of(in_network, nid, sid)) in text
    for personal in ("王大锤", "13912345678", "139****5678", "桂B12345", "1391234"):
        assert personal not in page.get_data(as_text=True), personal
    assert 'name="csrf_token"' in page.get_data(as_text=True) or not app.config.get("WTF_CSRF_ENABLED", True)
    assert client.get(f"/s/{token}").status_code == 200, "opening the link does not use it up"
    with in_network(nid) as s:
        assert s.get(CustomerSurvey, sid).answered_at is None
    bad = client.post(f"/s/{token}", data={"score": "9"})
    assert bad.status_code == 400, "an answer out of range is refused on the form"
    done = client.post(f"/s/{token}", data={"score": "2", "resolved": "no", "comment": "等了很久"})
    assert done.status_code == 200 and 'data-test="thanks"' in done.get_data(as_text=True)
    again = client.get(f"/s/{token}")
    assert again.status_code == 410 and 'data-reason="used"' in again.get_data(as_text=True)
    assert client.post(f"/s/{token}", data={"score": "5"}).status_code == 410
    forged = token[:-3] + ("x" if token[-3] != "x" else "y") + token[-2:]
    resp = client.get(f"/s/{forged}")
    assert resp.status_code == 404 and 'data-reason="invalid"' in resp.get_data(as_text=True)
    assert client.get("/s/" + "a" * 30).status_code == 404
    with in_network(nid) as s:
        kept = s.get(CustomerSurvey, sid)
        assert (kept.score, kept.resolved, kept.comment) == (2, False, "等了很久")


def _vin_of(in_network, nid, sid):
    with in_network(nid) as s:
        return s.get(CustomerSurvey, sid).vehicle.vin


def test_the_page_speaks_english(app, repair_survey, in_network):
    sid, nid, token = repair_survey
    with in_network(nid) as s:
        typed = s.get(CustomerSurvey, sid).org.name  # what people typed stays as written
    client = app.test_client()
    client.post("/lang/en", data={"next": f"/s/{token}"})
    text = _text(client.get(f"/s/{token}")).replace(typed, "").replace("乘龙", "").replace("中文", "")  # the switch back
    assert "Very satisfied" in text and "Submit" in text
    assert not re.findall(r"[\u4e00-\u9fff]+", text)


def test_hostile_answers_never_500(app, build, station_org):
    from tests.web.test_hostile_input import HOSTILE
    client = app.test_client()
    with build() as s:
        made = [make_repair(s.get(Organisation, station_org)) for _ in range(3)]
        s.flush()
        ids = [(m.id, m.network_id) for m in made]
    for sid, nid in ids:
        token = _token(app, sid, nid)
        for value in HOSTILE:
            resp = client.post(f"/s/{token}", data={"score": value, "resolved": value, "comment": value})
            assert resp.status_code < 500, (value, resp.status_code)
        for value in HOSTILE[:10]:
            assert client.get(f"/s/{token}{value}").status_code < 500
    assert client.post("/s/" + "x" * 401, data={"score": "5"}).status_code == 404


def test_the_page_is_rate_limited(app, repair_survey, monkeypatch):
    _, _, token = repair_survey
    monkeypatch.setitem(app.config, "SURVEY_RATE_LIMIT", "3 per minute")
    client = app.test_client()
    codes = [client.get(f"/s/{token}", environ_base={"REMOTE_ADDR": "10.77.0.9"}).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


# --- created with the event; SMS when there is a channel ----------------------------------------
def test_a_won_deal_makes_one_survey_per_vehicle_and_sms_is_skipped_without_a_channel(build, app):
    with build() as s:
        dealer = factories.org("dealer")
        sm = factories.user(dealer, "sales_manager")
        opp = factories.opportunity(factories.customer(dealer), sm)
        factories.won(opp)
        made = surveys.for_opportunity(opp.id)
        assert len(made) == 1 and made[0].event == "delivery" and made[0].org_id == dealer.id
        with app.test_request_context():
            from tenant_app.services.notify.channels import CHANNELS
            if "sms" not in CHANNELS:
                assert surveys.send_links_by_sms(made, "13800001111") == 0
                assert made[0].sms_sent_at is None


# --- disagreement with what staff recorded ------------------------------------------------------
def _answer(survey, score, on):
    surveys.answer(survey, score, None, "", now=datetime.combine(on, datetime.min.time()) + timedelta(hours=9))


def _delivery(dealer, sm, *, staff, customer_score, on):
    opp = factories.opportunity(factories.customer(dealer), sm)
    factories.won(opp, contract_on=date(2025, 1, 5))
    task = next(t for t in factories.db.session.scalars(select(AfterSaleTask).where(
        AfterSaleTask.opportunity_id == opp.id, AfterSaleTask.kind == "service_tracking")))
    if staff is not None:
        complete_task(task, "回访：客户满意" if staff else "回访：客户不满意", today=date(2025, 1, 12), satisfied=staff)
    survey = surveys.for_opportunity(opp.id)[0]
    if customer_score is not None:
        _answer(survey, customer_score, on)
    return survey


@pytest.fixture
def known(build):
    """A station and a dealer with answers known one by one; returns their ids."""
    with build() as s:
        sv = factories.org("service", province="广西")
        for staff, customer in ((5, 5), (5, 2), (2, 1), (None, 5), (4, None)):
            survey = make_repair(sv, staff=staff)
            if customer is not None:
                _answer(survey, customer, date(2025, 2, 1))
        dealer = factories.org("dealer", province="广西")
        sm = factories.user(dealer, "sales_manager")
        _delivery(dealer, sm, staff=True, customer_score=2, on=date(2025, 2, 3))   # disagrees
        _delivery(dealer, sm, staff=False, customer_score=1, on=date(2025, 2, 4))  # agrees
        _delivery(dealer, sm, staff=True, customer_score=4, on=date(2025, 5, 4))   # agrees, after Q1
        _delivery(dealer, sm, staff=None, customer_score=5, on=date(2025, 2, 5))   # staff recorded nothing
        return {"station": sv.id, "dealer": dealer.id}


def test_disagreement_rates_with_known_answers(known, in_network, world):
    with in_network(world["networks"]["liuqi"]):
        rates = surveys.disagreement_rates([known["station"], known["dealer"]])
        assert rates[known["station"]] == {"issued": 5, "answered": 4, "compared": 3, "disagree": 1, "rate": 1 / 3}
        assert rates[known["dealer"]] == {"issued": 4, "answered": 4, "compared": 3, "disagree": 1, "rate": 1 / 3}
        q1 = surveys.disagreement_rates([known["dealer"]], date(2025, 1, 1), date(2025, 3, 31))[known["dealer"]]
        assert (q1["compared"], q1["disagree"]) == (2, 1)
        assert [s.score for s in surveys.disagreeing(known["station"])] == [2]


def test_the_scorecards_verification_item_counts_the_answers_with_evidence(known, in_network, world):
    q1 = (date(2025, 1, 1), date(2025, 3, 31))
    with in_network(world["networks"]["liuqi"]):
        assert scoring.counts("verification", [known["dealer"]], *q1, "quarter") == {known["dealer"]: (1, 2)}
        rows, total = scoring.evidence("verification", known["dealer"], *q1, "quarter")
        assert total == 2 and {r["record"] for r in rows} == {"survey"}
        assert [r["counted"] for r in rows] == [False, True], "the disagreeing answer first, as missed"
        # stations have no verification item: their answers stay out of it
        assert scoring.counts("verification", [known["station"]], *q1, "quarter") == {}


# --- beside the staff record, on the staff's pages -----------------------------------------------
def test_the_repair_page_and_sheet_show_the_answer_beside_the_staff_record(app, build, login_as, new_user):
    manager = new_user("SV-LZ-01", "manager")
    with build() as s:
        sv = s.scalar(select(Organisation).where(Organisation.code == "SV-LZ-01"))
        survey = make_repair(sv, staff=5)
        s.flush()
        repair_id, sid, nid = survey.repair_id, survey.id, survey.network_id
    client = login_as(manager.username)
    sheet = client.get(f"/s/repairs/{repair_id}/sheet")
    assert sheet.status_code == 200 and 'data-test="survey-qr"' in sheet.get_data(as_text=True)
    assert "data:image/svg+xml;base64," in sheet.get_data(as_text=True)
    page = client.get(f"/s/repairs/{repair_id}").get_data(as_text=True)
    assert 'data-test="survey-beside"' in page and "尚未回答" in page
    app.test_client().post(f"/s/{_token(app, sid, nid)}", data={"score": "1", "resolved": "no", "comment": "没修好"})
    page = client.get(f"/s/repairs/{repair_id}").get_data(as_text=True)
    assert 'data-test="disagrees"' in page and "没修好" in page and "未一次修好" in page
    sheet = client.get(f"/s/repairs/{repair_id}/sheet").get_data(as_text=True)
    assert 'data-test="survey-qr"' not in sheet and 'data-test="survey-answered"' in sheet, "no code for a used link"


def test_the_deal_page_and_delivery_sheet_and_the_task_record(app, build, login_as, new_user, in_network, world):
    gm = new_user("GX-LZ-001", "general_manager")
    with build() as s:
        from tenant_app.models import User
        dealer = s.scalar(select(Organisation).where(Organisation.code == "GX-LZ-001"))
        opp = factories.opportunity(factories.customer(dealer), s.get(User, gm.id))
        factories.won(opp)
        opp_id = opp.id
        task_id = s.scalar(select(AfterSaleTask.id).where(AfterSaleTask.opportunity_id == opp_id,
                                                         AfterSaleTask.kind == "delivery"))
    client = login_as(gm.username)
    sheet = client.get(f"/d/opportunities/{opp_id}/delivery-sheet").get_data(as_text=True)
    assert sheet.count('data-test="survey-qr"') == 1
    assert client.post(f"/d/tasks/{task_id}/done", data={"notes": "交车顺利", "satisfied": "yes"}).status_code == 302
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(AfterSaleTask, task_id).satisfied is True
        survey = surveys.for_opportunity(opp_id)[0]
        sid, nid = survey.id, survey.network_id
    app.test_client().post(f"/s/{_token(app, sid, nid)}", data={"score": "2"})
    page = client.get(f"/d/opportunities/{opp_id}").get_data(as_text=True)
    assert 'data-test="disagrees"' in page


def test_the_makers_page_rates_per_dealer_and_station_within_the_supervisors_regions(known, build, login_as, new_user):
    with build() as s:
        far = factories.org("service", province="广东")
        make_repair(far, staff=5)
        far_code = far.code
        codes = {k: s.get(Organisation, v).code for k, v in known.items()}
    admin = login_as("admin")
    page = admin.get("/m/surveys").get_data(as_text=True)
    for code in list(codes.values()) + [far_code]:
        assert f'data-test="org-{code}"' in page
    row = page.split(f'data-test="org-{codes["station"]}"')[1].split("</tr>")[0]
    assert "33%" in row
    only_stations = admin.get("/m/surveys?kind=service&province=广西&sort=compared").get_data(as_text=True)
    assert codes["station"] in only_stations and codes["dealer"] not in only_stations and far_code not in only_stations
    detail = admin.get(f"/m/surveys/{known['station']}").get_data(as_text=True)
    assert 'data-test="disagreeing"' in detail
    assert admin.get(f"/m/dealers/{known['dealer']}/verification").get_data(as_text=True).count('data-test="survey-rate"') == 1
    supervisor = login_as("supervisor")  # limited to 广西
    page = supervisor.get("/m/surveys").get_data(as_text=True)
    assert codes["station"] in page and far_code not in page
    with build() as s:
        far_id = s.scalar(select(Organisation.id).where(Organisation.code == far_code))
    assert supervisor.get(f"/m/surveys/{far_id}").status_code == 404


def test_an_sms_channel_when_there_is_one_sends_the_link_once(app, build, monkeypatch):
    """Another branch adds the SMS channel; any channel registered as "sms" gets the link."""
    from tenant_app.services.notify import channels

    sent = []

    class FakeSms(channels.Channel):
        name = "sms"

        def configured(self, org):
            return True

        def address(self, user):
            return ""

        def send(self, message, address):
            sent.append((address, message.link, message.text))

    monkeypatch.setitem(channels.CHANNELS, "sms", FakeSms())
    with build() as s:
        made = [make_repair(factories.org("service"))]
        with app.test_request_context():
            assert surveys.send_links_by_sms(made + [None], "13800001111") == 1
            assert surveys.send_links_by_sms(made, "13800001111") == 0, "sent once"
        assert made[0].sms_sent_at is not None
    (phone, link, text), = sent
    assert phone == "13800001111" and re.fullmatch(r"http://[^/]+/s/[\w.-]{40,}", link)


def test_someone_signed_in_elsewhere_opens_a_customers_link(app, repair_survey, login_as, in_network):
    """Staff of another network (or of the station itself) on the same browser: the page is the
    customer's, shows nothing of the signed-in person, and works."""
    sid, nid, token = repair_survey
    for username, network in (("sd-jn-001.gm", "demo2"), ("admin", "liuqi")):
        client = login_as(username, network=network)
        page = client.get(f"/s/{token}")
        assert page.status_code == 200, (username, page.status_code)
        assert 'data-test="whoami"' not in page.get_data(as_text=True)
        assert client.get(f"/s/{token}x").status_code == 404
    with in_network(nid) as s:
        assert s.get(CustomerSurvey, sid).answered_at is None


def test_the_verification_items_evidence_page_lists_the_answers(known, login_as, in_network, world):
    """Evaluated through the page for 2025-02 (the known answers' month): the dealer's verification
    item counts one agreeing answer of two, and its evidence lists both as customer surveys."""
    from tenant_app.models import Scorecard
    admin = login_as("admin")
    resp = admin.post("/m/scorecards", data={"period": "2025-02"})
    assert resp.status_code == 302
    evaluation_id = int(resp.location.rsplit("/", 1)[1])
    with in_network(world["networks"]["liuqi"]) as s:
        card = s.scalar(select(Scorecard).where(Scorecard.evaluation_id == evaluation_id,
                                                Scorecard.org_id == known["dealer"]))
        item = card.item("verification")
        assert (item["numerator"], item["denominator"]) == (1, 2)
        card_id = card.id
    page = _text(admin.get(f"/org/scorecards/{card_id}/items/verification"))
    assert page.count("客户问卷 #") == 2 and "共 2 条" in page
