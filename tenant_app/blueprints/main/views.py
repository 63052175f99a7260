"""Routes that belong to no party: the landing redirect and the health check."""
from flask import current_app, jsonify, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text

from ...policies import skip_authorization

from ...extensions import db
from ...security import public
from ...web import PARTY_HOME
from ..routing import Routes

routes = Routes()
register = routes.register


@routes.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for(PARTY_HOME[current_user.party]))
    return redirect(url_for("auth.login"))


@routes.route("/healthz")
@public
def healthz():
    db.session.execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain"}


@routes.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: the same icon the pages link."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


# Installable, and usable where the signal ends (static/sw.js, static/offline.js).

@routes.route("/manifest.webmanifest")
@public
def manifest():
    icon = lambda n: {"src": url_for("static", filename=f"icons/icon-{n}.png"), "sizes": f"{n}x{n}",  # noqa: E731
                      "type": "image/png", "purpose": "any maskable"}
    response = jsonify(name=_("客户营销联合组织"), short_name=_("客户营销"), start_url="/", scope="/",
                       display="standalone", background_color="#ffffff", theme_color="#0d6efd",
                       icons=[icon(192), icon(512)])
    response.mimetype = "application/manifest+json"
    return response


@routes.route("/sw.js")
@public
def service_worker():
    """From the root, so it may answer for every page; revalidated on each load (a new release
    changes the asset URLs it keeps)."""
    response = send_from_directory(current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@routes.route("/offline")
@public
def offline():
    """What the service worker shows for a page it has not kept, without a connection."""
    return render_template("offline.html")


@routes.route("/csrf-token")
def csrf_token():
    """A fresh token for the phone's replay of callbacks recorded offline (the page's may have expired)."""
    skip_authorization()  # the signed-in user's own token, nothing else
    return jsonify(token=generate_csrf())
