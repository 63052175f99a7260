"""Static files (ours and Bootstrap's) under versioned URLs: the version is the file's content
hash, a versioned response may be kept for a year, an unversioned one is revalidated, and
serving one costs no database statement (no user loaded, no network set)."""
import hashlib
import os
import re

from sqlalchemy import event

from tenant_app.extensions import db


def _assets(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/(?:static|bootstrap)/[^"]+)"', page)


def test_pages_link_versioned_assets_kept_for_a_year_and_served_without_the_database(app, login_as):
    client = login_as("gx-lz-001.gm")
    assets = _assets(client.get("/d/").get_data(as_text=True))
    assert any(a.startswith("/bootstrap/static/") for a in assets) and any(a.startswith("/static/") for a in assets)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for url in assets:
            path, _, query = url.partition("?")
            version = re.fullmatch(r"v=([0-9a-f]{12})", query.replace("&amp;", "&"))
            assert version, f"{url} carries its version"
            got = client.get(url.replace("&amp;", "&"))
            assert got.status_code == 200, url
            assert hashlib.sha256(got.data).hexdigest()[:12] == version.group(1), "the version is the content's"
            cache = got.headers["Cache-Control"]
            assert "max-age=31536000" in cache and "immutable" in cache and "no-store" not in cache, (url, cache)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements == [], "a static file loads no user"
    bare = client.get(assets[0].partition("?")[0])
    assert bare.status_code == 200 and "immutable" not in bare.headers.get("Cache-Control", "")


def test_a_changed_file_gets_a_new_url(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    sheet = tmp_path / "site.css"
    sheet.write_text("a { color: red }")
    from flask import url_for
    with app.test_request_context():
        first = url_for("static", filename="site.css")
        sheet.write_text("a { color: blue }")
        os.utime(sheet, ns=(os.stat(sheet).st_atime_ns, os.stat(sheet).st_mtime_ns + 1_000_000))
        second = url_for("static", filename="site.css")
        missing = url_for("static", filename="gone.css")
    assert first != second and first.startswith("/static/site.css?v=") and second.startswith("/static/site.css?v=")
    assert missing == "/static/gone.css"
