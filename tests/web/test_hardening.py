"""Findings of the security review, each pinned by a test."""

from sqlalchemy import text

from tests import factories
from tests.conftest import ON_PG

PASSWORD = factories.PASSWORD


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/login", data={"network": "liuqi", "username": username, "password": password, **extra})


def test_logout_ends_a_remembered_login(app, new_user):
    p = new_user("GX-LZ-001", "sales_manager")
    client = app.test_client()
    _login(client, p.username, remember="y")
    assert client.get_cookie("remember_token") is not None
    client.post("/logout")
    assert client.get_cookie("remember_token") is None, "the remember-me cookie is deleted"
    assert client.get("/d/").status_code == 302


def test_timeouts_end_a_remembered_login_too(app, new_user, age_login):
    p = new_user("GX-LZ-001", "sales_manager")
    client = app.test_client()
    _login(client, p.username, remember="y")
    age_login(client, idle=app.config["SESSION_IDLE"].total_seconds() + 5)
    assert client.get("/d/").status_code == 302
    assert client.get("/d/").status_code == 302, "the cookie did not reopen the session"


def test_rate_limit_key_ignores_spaces_and_case(app):
    client = app.test_client()
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    codes = [_login(client, "gx-nn-002.gm" + " " * i if i % 2 else "GX-NN-002.GM", f"bad-{i}").status_code
             for i in range(limit + 1)]
    assert codes[-1] == 429


def test_suspending_an_org_ends_sessions_for_good(app, login_as, world):
    org_id = world["orgs"][("liuqi", "YN-KM-004")]["id"]
    gm = app.test_client()
    _login(gm, "yn-km-004.gm", remember="y")
    admin = login_as("admin")
    admin.post(f"/m/orgs/{org_id}/status", data={"status": "suspended"})
    admin.post(f"/m/orgs/{org_id}/status", data={"status": "active"})
    assert gm.get("/d/").status_code == 302, "reactivation does not revive the old session"


def test_flash_messages_are_escaped(login_as):
    admin = login_as("admin")
    resp = admin.post("/m/orgs/new", data={"kind": "service", "code": "SV-XSS-1", "province": "广西",
                                           "name": "<img src=x onerror=alert(1)>"}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_csv_cells_that_would_run_as_formulas_are_quoted(app, login_as):
    client = app.test_client()
    _login(client, "\t=HYPERLINK(1)", "x")
    csv = login_as("admin").get("/org/audit.csv?action=login_failed").get_data(as_text=True)
    assert "\t=HYPERLINK" not in csv.replace("'=HYPERLINK", "")
    assert "'=HYPERLINK(1)" in csv, "the username is stored stripped and exported quoted"


def test_hostile_query_strings_do_not_500(login_as, build):
    with build():
        org = factories.org("dealer")
        code, name = org.code, org.name
    admin = login_as("admin")
    assert admin.get("/m/orgs?q=%00").status_code == 400
    assert admin.post("/login", data={"network": "liu\x00qi", "username": "a", "password": "b"}).status_code == 400
    assert admin.get("/m/orgs?page=9223372036854775807").status_code == 200
    assert admin.get("/org/audit?to=9999-12-31").status_code == 200
    page = admin.get(f"/m/orgs?endpoint=x&_method=DELETE&sort=-name&q={code}")
    assert page.status_code == 200 and name in page.get_data(as_text=True), "listed as usual"


def test_the_manufacturer_and_suspended_orgs_users_can_be_edited(login_as, build):
    with build():
        hq = factories.manufacturer()
        hq_id, hq_fields = hq.id, {"name": hq.name, "province": hq.province, "city": hq.city}  # kept as they are
        sup = factories.user(hq, "supervisor", regions=["广西"])
        sup_id, sup_name = sup.id, sup.name
    admin = login_as("admin")
    resp = admin.post(f"/m/orgs/{hq_id}/edit", data=hq_fields)
    assert resp.status_code == 302
    resp = admin.post(f"/m/users/{sup_id}/edit", data={"name": sup_name, "roles": ["supervisor"],
                                                       "regions": "广西，云南"})
    assert resp.status_code == 302
    assert "广西、云南" in admin.get(resp.location).get_data(as_text=True)


def test_audit_log_is_append_only_for_the_app(app, world):
    if not ON_PG:
        return  # an RLS matter: the PostgreSQL run checks it
    from tenant_app.extensions import db
    from tenant_app.tenancy import use_network

    with app.app_context():
        use_network(db.session, world["networks"]["liuqi"])
        assert db.session.execute(text("UPDATE audit_log SET summary = 'x'")).rowcount == 0
        assert db.session.execute(text("DELETE FROM audit_log")).rowcount == 0
        assert db.session.scalar(text("SELECT count(*) FROM audit_log")) > 0
        db.session.rollback()
        db.session.remove()


def test_the_favicon_is_served(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml" and b"<svg" in resp.data


def test_downloads_are_never_kept_by_caches(login_as):
    client = login_as("gx-lz-001.gm")
    export = client.get("/d/customers/export.xlsx")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    assert export.headers["Cache-Control"] == "no-store"
    assert client.get("/d/customers").headers["Cache-Control"] == "no-store"
    static = client.get("/static/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
