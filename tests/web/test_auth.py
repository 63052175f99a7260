"""Login, sessions and their ends, rate limits, headers, CSRF."""
import re

from sqlalchemy import select

from tenant_app.models import AuditEntry
from tests import factories

PASSWORD = factories.PASSWORD  # the demo users' and the factories' alike


def login(client, username, password=PASSWORD, network="liuqi", **extra):
    return client.post("/login", data={"network": network, "username": username, "password": password, **extra})


def test_login_lands_on_party_home_with_its_duties(client, build):
    with build():
        shop = factories.org("dealer")
        sales = factories.user(shop, "sales_manager")
        shop_name, username, name = shop.name, sales.username, sales.name
    resp = login(client, username)
    assert resp.status_code == 302 and resp.location.endswith("/d/")
    page = client.get("/d/").get_data(as_text=True)
    assert shop_name in page
    assert "收集客户信息" in page
    assert name in page and name.startswith("业务经理 ")


def test_each_party_lands_on_its_own_home(client):
    for username, home, marker in [("admin", "/m/", "网络概览"), ("bb-lz-01.mgr", "/b/", "公告"),
                                   ("sv-lz-01.mgr", "/s/", "维修记录")]:
        c = client.application.test_client()
        assert login(c, username).location.endswith(home)
        assert marker in c.get(home).get_data(as_text=True)


def test_wrong_password_is_refused_with_a_clear_message_and_audited(client, in_network, person):
    resp = login(client, "gx-lz-001.info", "wrong-password-1")
    assert resp.status_code == 401
    assert "企业代码、用户名或密码不正确" in resp.get_data(as_text=True)
    assert client.get("/d/").status_code == 302, "still logged out"
    p = person("gx-lz-001.info")
    with in_network(p.network_id) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed", AuditEntry.user_id == p.id)
                          .order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.summary == "wrong password"


def test_unknown_network_and_unknown_user_get_the_same_message(client):
    a = login(client, "gx-lz-001.gm", network="nosuch").get_data(as_text=True)
    b = login(client, "nobody-here").get_data(as_text=True)
    assert "企业代码、用户名或密码不正确" in a and "企业代码、用户名或密码不正确" in b


def test_user_of_one_network_cannot_log_in_to_another(client):
    resp = login(client, "gx-lz-001.gm", network="demo2")
    assert resp.status_code == 401


def test_login_is_rate_limited(app, client):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    codes = [login(client, "hn-cs-005.info", f"bad-{i}").status_code for i in range(limit + 1)]
    assert codes[:limit] == [401] * limit
    assert codes[-1] == 429
    assert "尝试过于频繁" in login(client, "hn-cs-005.info").get_data(as_text=True)


def test_a_new_session_at_login(client):
    with client.session_transaction() as s:
        s["planted"] = "by-an-attacker"
    login(client, "gx-lz-001.gm")
    with client.session_transaction() as s:
        assert "planted" not in s


def test_login_next_is_never_an_open_redirect(client):
    resp = client.post("/login?next=https://evil.example/x", data={
        "network": "liuqi", "username": "gx-lz-001.gm", "password": PASSWORD})
    assert resp.location.endswith("/d/")
    resp = client.post("/logout")
    resp = client.post("/login?next=/org/team", data={
        "network": "liuqi", "username": "gx-lz-001.gm", "password": PASSWORD})
    assert resp.location.endswith("/org/team")


def test_pages_need_login(client):
    for url in ["/d/", "/m/orgs", "/org/team", "/org/audit", "/account/password"]:
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.location


def test_idle_timeout_ends_the_session(app, login_as, age_login):
    c = login_as("gx-lz-001.brand")
    age_login(c, idle=app.config["SESSION_IDLE"].total_seconds() + 5)
    resp = c.get("/d/")
    assert resp.status_code == 302 and "/login" in resp.location
    assert c.get("/d/").status_code == 302


def test_absolute_timeout_ends_an_active_session(app, login_as, age_login):
    c = login_as("gx-lz-001.brand")
    age_login(c, idle=0, started=app.config["SESSION_ABSOLUTE"].total_seconds() + 5)
    assert c.get("/d/").status_code == 302


def test_cookie_flags(app, client):
    resp = login(client, "gx-nn-002.sales1", remember="y")
    cookies = resp.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["SESSION_COOKIE_SECURE"] is False  # embedded http default
    from tenant_app import config
    import os
    os.environ["APP_ENV"] = "production"
    try:
        prod = config.load(app.instance_path)
    finally:
        del os.environ["APP_ENV"]
    assert prod["SESSION_COOKIE_SECURE"] and prod["REMEMBER_COOKIE_SECURE"]


def test_security_headers(client):
    resp = client.get("/login")
    h = resp.headers
    assert h["X-Frame-Options"] == "DENY"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in h["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert h["Referrer-Policy"] == "same-origin"


def test_no_cdn_bootstrap_is_served_locally(client):
    page = client.get("/login").get_data(as_text=True)
    assert "cdn" not in page.lower()
    css = re.search(r'href="(/bootstrap/static/[^"]+\.css)\?v=[0-9a-f]{12}"', page).group(1)
    assert client.get(css).status_code == 200


def test_csrf_is_enforced(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = login(client, "gx-lz-001.gm")
        assert resp.status_code == 400
        assert "表单已过期或无效" in resp.get_data(as_text=True)
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        resp = login(client, "gx-lz-001.gm", csrf_token=token)
        assert resp.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_password_change_ends_other_sessions_and_remember_cookies(app, in_network, new_user):
    p = new_user("YN-KM-004", "sales_manager")
    first, second = app.test_client(), app.test_client()
    login(first, p.username)
    login(second, p.username, remember="y")
    remember = second.get_cookie("remember_token")
    assert remember is not None
    resp = first.post("/account/password", data={"current": PASSWORD, "new": "Neues-Passwort-9",
                                                 "confirm": "Neues-Passwort-9"})
    assert resp.status_code == 302
    assert first.get("/d/").status_code == 200, "the browser that changed it stays signed in"
    assert second.get("/d/").status_code == 302, "the other session ended"
    third = app.test_client()
    third.set_cookie("remember_token", remember.value)
    assert third.get("/d/").status_code == 302, "the old remember-me cookie no longer works"
    assert login(app.test_client(), p.username, "Neues-Passwort-9").status_code == 302
    with in_network(p.network_id) as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.object_id == p.id,
                                                            AuditEntry.object_type == "User")).all()
        assert "password_change" in actions


def test_weak_or_mismatched_new_password_is_refused(login_as):
    c = login_as("gx-nn-002.info")
    page = c.post("/account/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert "密码至少 10 位" in page.get_data(as_text=True)
    page = c.post("/account/password", data={"current": PASSWORD, "new": "Abcdefgh-123", "confirm": "x"})
    assert "两次输入的新密码不一致" in page.get_data(as_text=True)
    page = c.post("/account/password", data={"current": "wrong", "new": "Abcdefgh-123", "confirm": "Abcdefgh-123"})
    assert "当前密码不正确" in page.get_data(as_text=True)


def test_language_switch(client):
    login(client, "gx-lz-001.gm")
    assert "本方职责" in client.get("/d/").get_data(as_text=True)
    client.post("/lang/en", data={"next": "/d/"})
    page = client.get("/d/").get_data(as_text=True)
    assert "Our duties" in page and "本方职责" not in page
    client.post("/lang/zh_CN")
    assert "本方职责" in client.get("/d/").get_data(as_text=True)


def test_health_check_reads_the_database(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "ok"
