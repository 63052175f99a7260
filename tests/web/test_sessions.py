"""Sessions kept on the server: copied cookies die with logout and the timeouts; a user sees where
they are signed in and ends it; the optional second factor (TOTP), required of network
administrators when the network says so."""
import re

import pyotp
from sqlalchemy import select

from tenant_app.models import AuditEntry, LoginSession, Network, User
from tests import factories

PASSWORD = factories.PASSWORD


def _login(client, username, password=PASSWORD, network="liuqi", **extra):
    return client.post("/login", data={"network": network, "username": username, "password": password, **extra},
                       headers={"User-Agent": extra.pop("ua", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1")})


def _copy(source, app):
    """A second browser holding copies of source's cookies (as a thief would)."""
    thief = app.test_client()
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def test_copied_session_and_remember_cookies_die_with_logout(app, new_user):
    p = new_user("GX-LZ-001", "sales_manager")
    browser = app.test_client()
    assert _login(browser, p.username, remember="y").status_code == 302
    thief = _copy(browser, app)
    assert thief.get("/d/").status_code == 200, "a copy works while the session lives"
    remembered = app.test_client()
    remembered.set_cookie("remember_token", browser.get_cookie("remember_token").value)
    assert remembered.get("/d/").status_code == 200
    browser.post("/logout")
    assert thief.get("/d/").status_code == 302, "the copied session cookie ended with the logout"
    replay = app.test_client()
    replay.set_cookie("remember_token", remembered.get_cookie("remember_token").value)
    assert replay.get("/d/").status_code == 302, "so did the copied remember-me cookie"


def test_a_replayed_cookie_cannot_outlive_the_idle_timeout(app, new_user, age_login):
    p = new_user("GX-LZ-001", "sales_manager")
    browser = app.test_client()
    _login(browser, p.username)
    copy = _copy(browser, app)  # the login response's cookie, kept aside
    age_login(browser, idle=app.config["SESSION_IDLE"].total_seconds() + 5)
    assert copy.get("/d/").status_code == 302, "the server says when the session was last seen, not the cookie"
    assert browser.get("/d/").status_code == 302


def test_a_user_sees_their_sessions_and_ends_one_or_all_others(app, new_user, in_network):
    p = new_user("GX-LZ-001", "sales_manager")
    phone, office, laptop = app.test_client(), app.test_client(), app.test_client()
    _login(phone, p.username)
    _login(office, p.username, ua="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36")
    _login(laptop, p.username, ua="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Firefox/133.0")
    page = phone.get("/account/security").get_data(as_text=True)
    assert "Safari · iPhone" in page and "Chrome · Windows" in page and "Firefox · macOS" in page
    assert page.count("本设备") == 1
    with in_network(p.network_id) as s:
        office_id = s.scalar(select(LoginSession.id).where(LoginSession.user_id == p.id,
                                                           LoginSession.user_agent.contains("Windows")))
    phone.post("/account/sessions/end", data={"session_id": office_id})
    assert office.get("/d/").status_code == 302 and laptop.get("/d/").status_code == 200
    phone.post("/account/sessions/end", data={"session_id": "others"})
    assert laptop.get("/d/").status_code == 302 and phone.get("/d/").status_code == 200


def test_a_session_of_another_user_cannot_be_ended(app, new_user, in_network):
    a, b = new_user("GX-LZ-001", "sales_manager"), new_user("GX-LZ-001", "sales_manager")
    ca, cb = app.test_client(), app.test_client()
    _login(ca, a.username)
    _login(cb, b.username)
    with in_network(b.network_id) as s:
        b_session = s.scalar(select(LoginSession.id).where(LoginSession.user_id == b.id))
    ca.post("/account/sessions/end", data={"session_id": b_session})
    assert cb.get("/d/").status_code == 200


def _enable_totp(client):
    page = client.post("/account/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'data-test="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert 'src="data:image/svg+xml;base64,' in page
    wrong = client.post("/account/two-factor/confirm", data={"code": "000000"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.get_data(as_text=True)
    done = client.post("/account/two-factor/confirm", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r'<li class="col">([0-9a-f]{4}-[0-9a-f]{4})</li>', done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def test_two_factor_login_with_the_app_or_a_recovery_code_once(app, new_user, in_network):
    p = new_user("GX-LZ-001", "sales_manager")
    browser = app.test_client()
    _login(browser, p.username)
    secret, codes = _enable_totp(browser)
    fresh = app.test_client()
    first = _login(fresh, p.username)
    assert first.status_code == 302 and first.location.endswith("/login/code")
    assert fresh.get("/d/").status_code == 302, "the password alone signs nobody in"
    bad = fresh.post("/login/code", data={"code": "123456"})
    assert bad.status_code == 401 and "验证码不正确" in bad.get_data(as_text=True)
    ok = fresh.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert ok.status_code == 302 and fresh.get("/d/").status_code == 200
    again = app.test_client()
    _login(again, p.username)
    assert again.post("/login/code", data={"code": codes[0].upper()}).status_code == 302
    reused = app.test_client()
    _login(reused, p.username)
    assert reused.post("/login/code", data={"code": codes[0]}).status_code == 401, "a recovery code works once"
    with in_network(p.network_id) as s:
        user = s.get(User, p.id)
        assert len(user.recovery_codes) == 9 and codes[0] not in str(user.recovery_codes)  # stored hashed
        summaries = s.scalars(select(AuditEntry.summary).where(AuditEntry.user_id == p.id,
                                                               AuditEntry.action == "login_failed")).all()
        assert "wrong second factor" in summaries


def test_the_second_step_is_rate_limited_like_the_login(app, new_user):
    p = new_user("GX-LZ-001", "sales_manager")
    browser = app.test_client()
    _login(browser, p.username)
    _enable_totp(browser)
    client = app.test_client()
    _login(client, p.username)
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    codes = [client.post("/login/code", data={"code": "000000"}).status_code for _ in range(limit + 1)]
    assert codes[-1] == 429 and set(codes[:-1]) == {401}


def test_a_network_may_require_two_factor_of_its_administrators(app, login_as, build, in_network, world):
    with build():
        name = factories.user(factories.manufacturer(), "network_admin").username
    client = login_as(name)
    assert login_as("supervisor").post("/account/two-factor/requirement", data={"required": "1"}).status_code == 403
    client.post("/account/two-factor/requirement", data={"required": "1"})
    try:
        assert client.get("/m/orgs").location.endswith("/account/security"), "enable it first"
        page = client.get("/account/security", follow_redirects=True).get_data(as_text=True)
        assert "本网络要求网络管理员使用两步验证" in page
        _enable_totp(client)
        assert client.get("/m/orgs").status_code == 200
        refused = client.post("/account/two-factor/disable", data={"password": PASSWORD}, follow_redirects=True)
        assert "不能关闭" in refused.get_data(as_text=True)
        assert login_as("gx-lz-001.gm").get("/d/").status_code == 200, "the requirement is the administrators'"
    finally:
        with in_network(world["networks"]["liuqi"]) as s:
            s.get(Network, world["networks"]["liuqi"]).admin_totp_required = False
            s.commit()
