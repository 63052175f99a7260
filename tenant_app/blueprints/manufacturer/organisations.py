"""The network's organisations: dealers, body-builders, stations; created, edited, suspended by network administrators."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import Organisation, User
from ...policies import authorize, scope
from ...services.orgs import create_org, set_org_status, update_org
from ...web import ORG_KIND_LABELS
from ..actions import attempt
from ..listing import paginate, search, sort
from ..routing import Routes
from .forms import OrgForm

routes = Routes()
register = routes.register


@routes.route("/orgs")
def orgs():
    authorize(current_user, "list", Organisation)
    stmt = scope(current_user, select(Organisation), Organisation)
    stmt = search(stmt, [Organisation.name, Organisation.code, Organisation.city], request.args.get("q"))
    for field in ("kind", "province", "status"):
        if request.args.get(field):
            stmt = stmt.where(getattr(Organisation, field) == request.args[field])
    stmt = sort(stmt, {"code": Organisation.code, "name": Organisation.name, "province": Organisation.province,
                       "kind": Organisation.kind}, "code")
    provinces = db.session.scalars(scope(current_user, select(Organisation.province).distinct()
                                         .order_by(Organisation.province), Organisation)).all()
    return render_template("manufacturer/orgs.html", page=paginate(stmt), provinces=provinces)


@routes.route("/orgs/new", methods=["GET", "POST"])
def org_new():
    authorize(current_user, "create", Organisation)
    form = OrgForm()
    if form.validate_on_submit():
        done = attempt(lambda: create_org(network_id=current_user.network_id, **_org_fields(form)),
                       lambda org: _("已创建机构 %(name)s。", name=org.name), field=form.code)
        if done:
            return redirect(url_for(".org", org_id=done.value.id))
    return render_template("manufacturer/org_form.html", form=form, org=None)


def _org_fields(form):
    return {k: getattr(form, k).data or "" for k in ("kind", "code", "name", "province", "city", "address", "phone")}


@routes.route("/orgs/<int:org_id>")
def org(org_id):
    org = authorize(current_user, "view", db.session.get(Organisation, org_id))
    members = db.session.scalars(scope(current_user, select(User).where(User.org_id == org.id)
                                       .order_by(User.username), User)).all()
    return render_template("manufacturer/org.html", org=org, members=members)


@routes.route("/orgs/<int:org_id>/edit", methods=["GET", "POST"])
def org_edit(org_id):
    org = authorize(current_user, "edit", db.session.get(Organisation, org_id))
    form = OrgForm(obj=org)
    form.kind.choices = [(org.kind, ORG_KIND_LABELS[org.kind])]  # the kind never changes (the maker's included)
    form.kind.render_kw = form.code.render_kw = {"disabled": True}
    form.kind.data, form.code.data = org.kind, org.code
    if form.validate_on_submit() and attempt(lambda: update_org(org, _org_fields(form)), _("已保存。")):
        return redirect(url_for(".org", org_id=org.id))
    return render_template("manufacturer/org_form.html", form=form, org=org)


@routes.route("/orgs/<int:org_id>/status", methods=["POST"])
def org_status(org_id):
    org = authorize(current_user, "suspend", db.session.get(Organisation, org_id))
    status = "suspended" if request.form.get("status") == "suspended" else "active"
    attempt(lambda: set_org_status(org, status),
            _("机构已停用，其用户无法登录。") if status == "suspended" else _("机构已启用。"))
    return redirect(url_for(".org", org_id=org.id))
