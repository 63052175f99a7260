"""Group robots (企业微信/钉钉/飞书) and SMS, end to end with real parts: a local HTTP server started
here on a free loopback port plays each platform. It checks the payload's shape, VERIFIES the
钉钉/飞书 signature with the secret as the platforms do (and answers their error when it does
not match), and plays a generic SMS gateway. A robot answering an error is logged as failed
and tried again, and e-mail to the same person still goes out. The settings page is the
heads' only, shows secrets masked, and reaches no other organisation's robot."""
from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tenant_app.models import Delivery, GroupRobot, Notification, User
from tenant_app.services import expenses, notify
from tenant_app.services.notify import delivery, robots, sms
from tests import factories

BASE = "https://crm.example.cn"
DING_SECRET = "SEC" + "d1n9" * 12
FEISHU_SECRET = "fs" + "3cr3t" * 6
SMS_KEY, SMS_SECRET = "key-" + uuid.uuid4().hex[:8], "sms-" + uuid.uuid4().hex
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def daytime(monkeypatch):
    """Deliveries see 10:00 in the network's zone (the default quiet hours, 22:00-07:00, would hold
    what a test run at night sends)."""
    today = date.today()
    moment = datetime(today.year, today.month, today.day, 10) - timedelta(hours=8)
    monkeypatch.setattr(delivery, "utcnow", lambda: moment)
    return moment


class Platforms(BaseHTTPRequestHandler):
    """企业微信 at /wecom/send?key=…, 钉钉 at /dingtalk/send?access_token=…, 飞书 at /feishu/hook/<token>,
    the SMS gateway at /sms. Each call is recorded with what was verified; a wrong signature gets
    the platform's own error, as the real one answers."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        server = self.server
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw.decode("utf-8"))
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        platform = url.path.split("/")[1]
        call = {"platform": platform, "path": url.path, "query": query, "body": body, "raw": raw,
                "headers": dict(self.headers), "verified": None}
        server.calls.append(call)
        answer, status = server.answers.get(platform, ({"errcode": 0, "errmsg": "ok"}, 200))
        if platform == "dingtalk":
            ts, sign = query.get("timestamp", ""), query.get("sign", "")
            expected = base64.b64encode(hmac.new(server.secrets["dingtalk"].encode(), f"{ts}\n{server.secrets['dingtalk']}"
                                                 .encode(), hashlib.sha256).digest()).decode()
            call["verified"] = bool(ts) and abs(int(ts) - time.time() * 1000) < 3600_000 and sign == expected
            if not call["verified"]:
                answer, status = {"errcode": 310000, "errmsg": "sign not match"}, 200
        elif platform == "feishu":
            ts, sign = body.get("timestamp", ""), body.get("sign", "")
            expected = base64.b64encode(hmac.new(f"{ts}\n{server.secrets['feishu']}".encode(), b"",
                                                 hashlib.sha256).digest()).decode()
            call["verified"] = isinstance(ts, str) and ts.isdigit() and abs(int(ts) - time.time()) < 3600 \
                and sign == expected
            if not call["verified"]:
                answer, status = {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}, 200
            elif platform not in server.answers:
                answer = {"code": 0, "msg": "success", "data": {}}
        elif platform == "sms":
            mac = hmac.new(SMS_SECRET.encode(), raw, hashlib.sha256).hexdigest()
            call["verified"] = self.headers.get("X-Api-Key") == SMS_KEY and self.headers.get("X-Signature") == f"sha256={mac}"
            if not call["verified"]:
                answer, status = {"code": 401, "msg": "bad signature"}, 401
            elif platform not in server.answers:
                answer = {"code": 0, "msg": "queued", "id": uuid.uuid4().hex}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def hub(app, monkeypatch):
    """The platforms' server on a free loopback port; the app may call it (ROBOT_EXTRA_HOSTS)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Platforms)
    server.calls, server.answers = [], {}
    server.secrets = {"dingtalk": DING_SECRET, "feishu": FEISHU_SECRET}
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    server.of = lambda platform: [c for c in server.calls if c["platform"] == platform]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(app.config, "ROBOT_EXTRA_HOSTS", ["127.0.0.1"])
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    yield server
    server.shutdown()
    server.server_close()


def _urls(hub):
    return {"wecom": f"{hub.base}/wecom/send?key=wk-{uuid.uuid4().hex}",
            "dingtalk": f"{hub.base}/dingtalk/send?access_token=dt{uuid.uuid4().hex}",
            "feishu": f"{hub.base}/feishu/hook/{uuid.uuid4()}"}


def _robots(hub, org, *platforms):
    urls = _urls(hub)
    secret = {"dingtalk": DING_SECRET, "feishu": FEISHU_SECRET}
    return {p: robots.save_robot(org, p, urls[p], secret.get(p, "")) for p in platforms}


def _head(org, **kw):
    gm = factories.user(org, "general_manager", **kw)
    gm.email = f"u{uuid.uuid4().hex[:8]}@example.cn"
    return gm


def _rows(s, user_id):
    return {r.channel: r for r in s.scalars(select(Delivery).join(Delivery.notification)
                                            .where(Notification.user_id == user_id))}


# The platforms' formats and signatures

def test_each_platform_gets_its_documented_payload_signed_with_the_secret(build, hub):
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _head(dealer, name="韦经理"), factories.user(dealer, "sales_manager")
        _robots(hub, dealer, "wecom", "dingtalk", "feishu")
        notify.save_preferences(gm, {"expense_submitted": ["wecom", "dingtalk", "feishu"]})
        s.flush()
        expenses.submit_expense(staff, spent_on=date.today(), category="events", amount=660,
                                description=f"答谢会茶歇，联系 {PHONE}")
        gm_id = gm.id
    [wecom], [ding], [feishu] = hub.of("wecom"), hub.of("dingtalk"), hub.of("feishu")
    # 企业微信: markdown content, no signature
    assert set(wecom["body"]) == {"msgtype", "markdown"} and wecom["body"]["msgtype"] == "markdown"
    content = wecom["body"]["markdown"]["content"]
    assert "费用待审批" in content and "660" in content and "@韦经理" in content
    assert f"]({BASE}/d/expenses)" in content
    # 钉钉: markdown with a title, timestamp (ms) and sign in the query, verified with the secret
    assert ding["verified"] is True and len(ding["query"]["timestamp"]) == 13
    assert ding["body"]["msgtype"] == "markdown" and set(ding["body"]["markdown"]) == {"title", "text"}
    assert "费用待审批" in ding["body"]["markdown"]["title"] and "@韦经理" in ding["body"]["markdown"]["text"]
    # 飞书: timestamp (seconds, a string) and sign in the body, verified; an interactive card in lark_md
    assert feishu["verified"] is True and feishu["body"]["msg_type"] == "interactive"
    card = feishu["body"]["card"]
    assert "费用待审批" in card["header"]["title"]["content"]
    assert card["elements"][0]["text"]["tag"] == "lark_md" and "@韦经理" in card["elements"][0]["text"]["content"]
    assert card["elements"][1]["actions"][0]["url"] == f"{BASE}/d/expenses"
    for call in hub.calls:  # the customer's number never whole
        assert PHONE not in call["raw"].decode() and "139****5678" in call["raw"].decode()
    with build() as s:
        rows = _rows(s, gm_id)
        assert {c: (r.status, r.attempts, r.recipient) for c, r in rows.items() if c != "email"} == \
            {p: ("sent", 1, "韦经理") for p in ("wecom", "dingtalk", "feishu")}


def test_one_event_for_several_people_of_an_organisation_is_posted_once_naming_them_all(build, hub):
    with build() as s:
        dealer = factories.org("dealer")
        gm, manager = _head(dealer, name="韦总"), _head(dealer, name="黄经理")
        staff = factories.user(dealer, "sales_manager")
        _robots(hub, dealer, "wecom")
        for head in (gm, manager):
            notify.save_preferences(head, {"expense_submitted": ["wecom"]})
        s.flush()
        expenses.submit_expense(staff, spent_on=date.today(), category="gifts", amount=50, description="茶叶")
        ids = (gm.id, manager.id)
    [call] = hub.of("wecom")
    assert "提醒 @韦总 @黄经理" in call["body"]["markdown"]["content"]
    with build() as s:
        assert [(_rows(s, i)["wecom"].status, _rows(s, i)["wecom"].recipient) for i in ids] == \
            [("sent", "韦总"), ("sent", "黄经理")]


def test_a_robot_without_a_secret_sends_unsigned_and_a_wrong_secret_is_refused(app, build, hub):
    with build() as s:
        dealer = factories.org("dealer")
        urls = _urls(hub)
        unsigned = robots.save_robot(dealer, "feishu", urls["feishu"])
        wrong = robots.save_robot(dealer, "dingtalk", urls["dingtalk"], "SEC" + "0" * 40)
        message = delivery.Message(subject="【测试】签名", text="正文", link=BASE + "/notifications")
        url, body = robots.request_for(unsigned, message)
        assert "sign" not in body and "timestamp" not in body and url == urls["feishu"]
        with pytest.raises(robots.ChannelError, match="310000"):  # the platform's answer to a bad signature
            robots.post(wrong, message)
        assert hub.of("dingtalk")[0]["verified"] is False
        s.rollback()


def test_the_signatures_match_the_platforms_documented_examples():
    # 钉钉: HmacSHA256(key=secret, "{timestamp}\n{secret}"), base64; 飞书: HmacSHA256(key="{timestamp}\n{secret}", ""), base64
    assert robots.dingtalk_sign("SECabc", 1577262236757) == base64.b64encode(
        hmac.new(b"SECabc", b"1577262236757\nSECabc", hashlib.sha256).digest()).decode()
    assert robots.feishu_sign("abc", 1599360473) == base64.b64encode(
        hmac.new(b"1599360473\nabc", b"", hashlib.sha256).digest()).decode()


# Failures: logged, tried again, never holding e-mail back

@pytest.fixture
def smtp(app, monkeypatch):
    from aiosmtpd.controller import Controller

    class Inbox:
        messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content,
                                                                              policy=email.policy.default)))
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    inbox.messages = []
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setitem(app.config, "MAIL_FROM", "crm@example.cn")
    yield inbox
    controller.stop()


def test_a_robot_answering_an_error_is_logged_and_retried_and_email_still_goes_out(build, hub, smtp):
    hub.answers["dingtalk"] = ({"errcode": 130101, "errmsg": "send too fast"}, 200)
    hub.answers["wecom"] = ({"errmsg": "internal"}, 502)
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _head(dealer), factories.user(dealer, "sales_manager")
        _robots(hub, dealer, "wecom", "dingtalk")
        notify.save_preferences(gm, {"expense_submitted": ["email", "wecom", "dingtalk"]})
        s.flush()
        expenses.submit_expense(staff, spent_on=date.today(), category="gifts", amount=120, description="礼品")
        gm_id, address = gm.id, gm.email
    assert len([m for rcpt, m in smtp.messages if address in rcpt]) == 1  # e-mail went out all the same
    with build() as s:
        rows = _rows(s, gm_id)
        assert (rows["email"].status, rows["email"].attempts) == ("sent", 1)
        assert (rows["dingtalk"].status, rows["dingtalk"].attempts) == ("failed", 1)
        assert "130101" in rows["dingtalk"].error and "send too fast" in rows["dingtalk"].error
        assert rows["wecom"].status == "failed" and "HTTP 502" in rows["wecom"].error
        # the platforms recover; the scheduler's retry after the backoff sends them, e-mail not again
        hub.answers.clear()
        assert delivery.retry_failed(s, rows["dingtalk"].at + timedelta(minutes=2)) == 2
        rows = _rows(s, gm_id)
        assert {c: (r.status, r.attempts) for c, r in rows.items()} == \
            {"email": ("sent", 1), "wecom": ("sent", 2), "dingtalk": ("sent", 2)}
    assert len(hub.of("dingtalk")) == 2 and hub.of("dingtalk")[1]["verified"]
    assert len([m for rcpt, m in smtp.messages if address in rcpt]) == 1


def test_a_robot_not_set_or_turned_off_is_skipped_and_logged_so(build, hub):
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _head(dealer), factories.user(dealer, "sales_manager")
        robots.save_robot(dealer, "wecom", _urls(hub)["wecom"], enabled=False)
        notify.save_preferences(gm, {"expense_submitted": ["wecom", "feishu"]})
        s.flush()
        expenses.submit_expense(staff, spent_on=date.today(), category="gifts", amount=1, description="茶叶")
        gm_id = gm.id
    assert hub.calls == []
    with build() as s:
        rows = _rows(s, gm_id)
        assert {c: (r.status, r.error) for c, r in rows.items()} == \
            {"wecom": ("skipped", "channel not configured"), "feishu": ("skipped", "channel not configured")}


# SMS through the provider interface

@pytest.fixture
def gateway(app, hub, monkeypatch):
    for key, value in {"SMS_PROVIDER": "http", "SMS_URL": f"{hub.base}/sms", "SMS_ACCOUNT": "liuqi-crm",
                       "SMS_API_KEY": SMS_KEY, "SMS_API_SECRET": SMS_SECRET, "SMS_TEMPLATE_ID": "SMS_2026",
                       "SMS_SIGNATURE": "柳汽客户营销"}.items():
        monkeypatch.setitem(app.config, key, value)
    return hub


def test_sms_goes_through_the_http_gateway_signed_with_masked_numbers_in_the_text(build, gateway):
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _head(dealer, phone_number="138 0013 8000"), factories.user(dealer, "sales_manager")
        notify.save_preferences(gm, {"expense_submitted": ["sms"]})
        s.flush()
        expenses.submit_expense(staff, spent_on=date.today(), category="gifts", amount=77,
                                description="礼品")
        gm_id = gm.id
    [call] = gateway.of("sms")
    body = call["body"]
    assert call["verified"] is True
    assert (body["account"], body["mobile"], body["template_id"], body["sign_name"]) == \
        ("liuqi-crm", "13800138000", "SMS_2026", "柳汽客户营销")
    assert body["content"].startswith("【柳汽客户营销】") and "费用待审批" in body["content"]
    assert body["params"]["link"] == f"{BASE}/d/expenses" and "77" in body["params"]["title"]
    with build() as s:
        row = _rows(s, gm_id)["sms"]
        assert (row.status, row.recipient) == ("sent", "138****8000")


def test_sms_text_masks_other_numbers_and_a_gateway_error_fails_the_delivery(app, gateway):
    with app.app_context():
        channel = notify.channels.CHANNELS["sms"]
        message = delivery.Message(subject=f"热点预警：车主 {PHONE}", text="", link=BASE + "/s/alerts")
        channel.send(message, "13800138000")
        body = gateway.of("sms")[-1]["body"]
        assert PHONE not in json.dumps(body, ensure_ascii=False) and "139****5678" in body["content"]
        gateway.answers["sms"] = ({"code": 1002, "msg": "余额不足"}, 200)
        with pytest.raises(notify.channels.ChannelError, match="1002"):
            channel.send(message, "13800138000")


def test_without_a_provider_sms_is_off_skipped_and_the_page_says_so(app, build, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", None)
    with app.app_context():
        assert sms.provider() is None
        monkeypatch.setitem(app.config, "SMS_PROVIDER", "http")  # chosen, but its settings missing: still off
        assert sms.provider() is None
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _head(dealer), factories.user(dealer, "sales_manager")
        notify.save_preferences(gm, {"expense_submitted": ["sms"]})
        s.flush()
        expenses.submit_expense(staff, spent_on=date.today(), category="gifts", amount=3, description="茶叶")
        gm_id, username = gm.id, gm.username
    with build() as s:
        row = _rows(s, gm_id)["sms"]
        assert (row.status, row.error, row.attempts) == ("skipped", "channel not configured", 0)
    page = login_as(username).get("/account/notifications").get_data(as_text=True)
    assert 'data-test="off-sms"' in page and "渠道“短信”尚未配置" in page
    assert 'data-test="off-wecom"' in page  # no robot set for the organisation either


# The settings page

def test_heads_set_robots_on_the_page_secrets_never_shown_back_others_get_403(build, hub, login_as):
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _head(dealer), factories.user(dealer, "sales_manager")
        s.flush()
        gm_name, staff_name, org_id = gm.username, staff.username, dealer.id
    token = f"dt{uuid.uuid4().hex}"
    url = f"{hub.base}/dingtalk/send?access_token={token}"
    head = login_as(gm_name)
    assert head.get("/org/robots").status_code == 200
    r = head.post("/org/robots", data={"platform": "dingtalk", "webhook_url": url, "secret": DING_SECRET,
                                       "enabled": "y"})
    assert r.status_code == 302
    page = head.get("/org/robots").get_data(as_text=True)
    assert DING_SECRET not in page and token not in page  # neither the secret nor the URL's token
    assert "••••••" + DING_SECRET[-4:] in page and "••••••" + token[-4:] in page
    # blank fields keep what is stored; a bad host is refused with a message, nothing saved
    assert head.post("/org/robots", data={"platform": "dingtalk", "webhook_url": "", "secret": "",
                                          "enabled": "y"}).status_code == 302
    refused = head.post("/org/robots", data={"platform": "wecom", "webhook_url": "https://evil.example.com/hook"},
                        follow_redirects=True).get_data(as_text=True)
    assert "qyapi.weixin.qq.com" in refused
    with build() as s:
        [robot] = s.scalars(select(GroupRobot).where(GroupRobot.org_id == org_id)).all()
        assert (robot.platform, robot.webhook_url, robot.secret, robot.enabled) == ("dingtalk", url, DING_SECRET, True)
        robot_id = robot.id
    # the test button posts to the group, signed
    done = head.post(f"/org/robots/{robot_id}/test", follow_redirects=True).get_data(as_text=True)
    assert "测试消息已发出" in done
    [call] = hub.of("dingtalk")
    assert call["verified"] and "测试消息" in call["body"]["markdown"]["text"]
    assert head.get(f"/org/robots/{robot_id}/test").status_code == 405  # a GET sends nothing
    # a member who is not a head: 403 everywhere, nothing changes
    other = login_as(staff_name)
    assert other.get("/org/robots").status_code == 403
    assert other.post("/org/robots", data={"platform": "dingtalk", "webhook_url": f"{hub.base}/x"}).status_code == 403
    assert other.post(f"/org/robots/{robot_id}/test").status_code == 403
    assert other.post(f"/org/robots/{robot_id}/remove").status_code == 403
    assert len(hub.of("dingtalk")) == 1
    # the head removes it
    assert head.post(f"/org/robots/{robot_id}/remove").status_code == 302
    with build() as s:
        assert s.get(GroupRobot, robot_id) is None


def test_a_failing_test_button_shows_the_platforms_error(build, hub, login_as):
    hub.answers["wecom"] = ({"errcode": 93000, "errmsg": "invalid webhook url"}, 200)
    with build() as s:
        dealer = factories.org("dealer")
        gm = _head(dealer)
        robot = _robots(hub, dealer, "wecom")["wecom"]
        s.flush()
        gm_name, robot_id = gm.username, robot.id
    page = login_as(gm_name).post(f"/org/robots/{robot_id}/test", follow_redirects=True).get_data(as_text=True)
    assert "测试消息未能发出" in page and "93000" in page


def test_no_head_reaches_another_organisations_or_networks_robot(build, hub, login_as):
    with build() as s:
        mine, theirs = factories.org("dealer"), factories.org("dealer")
        gm = _head(mine)
        their_robot = _robots(hub, theirs, "feishu")["feishu"]
        s.flush()
        gm_name, their_id, their_url, their_name = gm.username, their_robot.id, their_robot.webhook_url, theirs.name
    with build("demo2") as s:
        far = factories.org("dealer")
        far_robot = _robots(hub, far, "wecom")["wecom"]
        s.flush()
        far_id = far_robot.id
    head = login_as(gm_name)
    for robot_id in (their_id, far_id):
        assert head.post(f"/org/robots/{robot_id}/test").status_code == 404
        assert head.post(f"/org/robots/{robot_id}/remove").status_code == 404
    page = head.get("/org/robots").get_data(as_text=True)
    assert their_name not in page and their_url.rsplit("/", 1)[1][-4:] not in page
    # saving one's own robot of the same platform makes a new one, theirs untouched
    head.post("/org/robots", data={"platform": "feishu", "webhook_url": _urls(hub)["feishu"], "enabled": "y"})
    with build() as s:
        assert s.get(GroupRobot, their_id).webhook_url == their_url
    with build("demo2") as s:
        assert s.get(GroupRobot, far_id) is not None
    assert hub.calls == []


def test_the_robots_page_in_english(build, hub, login_as):
    from tests.web.test_english import FIXED, PATTERNS, _texts
    with build() as s:
        dealer = factories.org("dealer")
        gm = _head(dealer)
        _robots(hub, dealer, "feishu")
        s.flush()
        gm_name = gm.username
    client = login_as(gm_name)
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/org/robots").get_data(as_text=True)
    assert "Group robots" in page and "Signing secret" in page and "Send a test message" in page
    left = [t for t in _texts(page) if t in FIXED or any(p.match(t) for p in PATTERNS)]
    assert not left, f"/org/robots in English still says {left[:8]}"


# The CLI

def test_flask_notify_test_posts_to_each_robot_and_sends_sms(app, build, gateway):
    code = f"GX-R{uuid.uuid4().hex[:4].upper()}"
    with build() as s:
        dealer = factories.org("dealer", code=code)
        _head(dealer, phone_number="13800138001")
        _robots(gateway, dealer, "wecom", "dingtalk", "feishu")
    runner = app.test_cli_runner()
    for platform in ("wecom", "dingtalk", "feishu"):
        result = runner.invoke(args=["notify", "test", "--org", code, "--channel", platform])
        assert result.exit_code == 0, result.output
        assert f"sent to the {platform} group of {code}" in result.output and "••••" in result.output
        [call] = gateway.of(platform)
        assert call["verified"] is not False and "通知测试" in json.dumps(call["body"], ensure_ascii=False)
    result = runner.invoke(args=["notify", "test", "--org", code, "--channel", "sms"])
    assert result.exit_code == 0 and "138****8001" in result.output and "1 sent" in result.output
    assert gateway.of("sms")[0]["body"]["mobile"] == "13800138001"
    with build() as s:
        robots.robot_of(s.scalar(select(User).where(User.phone == "13800138001")).org, "wecom").enabled = False
    result = runner.invoke(args=["notify", "test", "--org", code, "--channel", "wecom"])
    assert result.exit_code != 0 and "not configured" in result.output
