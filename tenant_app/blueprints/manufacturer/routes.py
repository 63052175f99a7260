"""The manufacturer's pages: network overview, organisations and users of the network."""
import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from ...extensions import db
from ...models import ROLES, Brand, FleetEntry, Organisation, User
from ...policies import authorize, scope
from ...services.accounts import AccountError, create_user, reset_password, set_status, update_user
from ...services.brands import BrandError, map_brand, save_brand
from ...services.orgs import create_org, set_org_status
from ...web import ORG_KIND_LABELS
from ..listing import paginate, search, sort
from . import bp
from .forms import BrandForm, OrgForm, UserForm


@bp.route("/")
def home():
    authorize(current_user, "list", Organisation)
    orgs = scope(current_user, select(Organisation.kind, Organisation.status, func.count()), Organisation)
    counts = {(k, s): n for k, s, n in db.session.execute(orgs.group_by(Organisation.kind, Organisation.status))}
    users = db.session.scalar(scope(current_user, select(func.count(User.id)), User))
    return render_template("manufacturer/home.html", counts=counts, user_count=users)


# --- organisations -------------------------------------------------------------------
@bp.route("/orgs")
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


@bp.route("/orgs/new", methods=["GET", "POST"])
def org_new():
    authorize(current_user, "create", Organisation)
    form = OrgForm()
    if form.validate_on_submit():
        try:
            org = create_org(network_id=current_user.network_id, **_org_fields(form))
            db.session.commit()
        except AccountError as e:
            db.session.rollback()
            form.code.errors.append(str(e))
        else:
            flash(_("已创建机构 %(name)s。", name=org.name), "success")
            return redirect(url_for(".org", org_id=org.id))
    return render_template("manufacturer/org_form.html", form=form, org=None)


def _org_fields(form):
    return {k: getattr(form, k).data or "" for k in ("kind", "code", "name", "province", "city", "address", "phone")}


@bp.route("/orgs/<int:org_id>")
def org(org_id):
    org = authorize(current_user, "view", db.session.get(Organisation, org_id))
    members = db.session.scalars(scope(current_user, select(User).where(User.org_id == org.id)
                                       .order_by(User.username), User)).all()
    return render_template("manufacturer/org.html", org=org, members=members)


@bp.route("/orgs/<int:org_id>/edit", methods=["GET", "POST"])
def org_edit(org_id):
    org = authorize(current_user, "edit", db.session.get(Organisation, org_id))
    form = OrgForm(obj=org)
    form.kind.choices = [(org.kind, ORG_KIND_LABELS[org.kind])]  # the kind never changes (the maker's included)
    form.kind.render_kw = form.code.render_kw = {"disabled": True}
    form.kind.data, form.code.data = org.kind, org.code
    if form.validate_on_submit():
        for k in ("name", "province", "city", "address", "phone"):
            setattr(org, k, (getattr(form, k).data or "").strip())
        db.session.commit()
        flash(_("已保存。"), "success")
        return redirect(url_for(".org", org_id=org.id))
    return render_template("manufacturer/org_form.html", form=form, org=org)


@bp.route("/orgs/<int:org_id>/status", methods=["POST"])
def org_status(org_id):
    org = authorize(current_user, "suspend", db.session.get(Organisation, org_id))
    status = "suspended" if request.form.get("status") == "suspended" else "active"
    set_org_status(org, status)
    db.session.commit()
    flash(_("机构已停用，其用户无法登录。") if status == "suspended" else _l("机构已启用。"), "success")
    return redirect(url_for(".org", org_id=org.id))


# --- users ---------------------------------------------------------------------------
ALL_ROLES = [(role, label) for roles in ROLES.values() for role, label in roles.items()]


def _user_form(obj=None):
    form = UserForm(obj=obj)
    orgs = db.session.scalars(scope(current_user, select(Organisation).where(Organisation.status == "active")
                                    .order_by(Organisation.kind, Organisation.code), Organisation)).all()
    form.org_id.choices = [(o.id, f"{o.code} {o.name}") for o in orgs]
    form.roles.choices = ALL_ROLES
    if request.method == "GET" and obj is not None:
        form.regions.data = ", ".join(obj.regions or [])
    return form


def _regions(text: str | None) -> list[str]:
    return [r for r in (p.strip() for p in re.split(r"[,，、\s]+", text or "")) if r]


@bp.route("/users")
def users():
    authorize(current_user, "list", User)
    stmt = scope(current_user, select(User).join(User.org), User)
    stmt = search(stmt, [User.username, User.name, Organisation.name, Organisation.code], request.args.get("q"))
    if request.args.get("status"):
        stmt = stmt.where(User.status == request.args["status"])
    if request.args.get("kind"):
        stmt = stmt.where(Organisation.kind == request.args["kind"])
    stmt = sort(stmt, {"username": User.username, "name": User.name, "org": Organisation.code,
                       "last_login": User.last_login_at}, "org")
    return render_template("manufacturer/users.html", page=paginate(stmt))


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    authorize(current_user, "create", User)
    form = _user_form()
    if request.method == "GET" and request.args.get("org_id", type=int):
        form.org_id.data = request.args.get("org_id", type=int)
    if form.validate_on_submit():
        org = authorize(current_user, "view", db.session.get(Organisation, form.org_id.data))
        try:
            user, temp = create_user(org, username=form.username.data, name=form.name.data, roles=form.roles.data,
                                     phone=form.phone.data or "", email=form.email.data or "",
                                     regions=_regions(form.regions.data))
            db.session.commit()
        except AccountError as e:
            db.session.rollback()
            form.username.errors.append(str(e))
        else:
            return render_template("manufacturer/password_issued.html", user=user, password=temp)
    return render_template("manufacturer/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>")
def user(user_id):
    user = authorize(current_user, "view", db.session.get(User, user_id))
    return render_template("manufacturer/user.html", user=user)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id):
    user = authorize(current_user, "edit", db.session.get(User, user_id))
    form = _user_form(user)
    form.org_id.choices = [(user.org_id, f"{user.org.code} {user.org.name}")]  # fixed, even if suspended
    form.org_id.data, form.username.data = user.org_id, user.username
    if form.validate_on_submit():
        try:
            update_user(user, name=form.name.data, roles=form.roles.data, phone=form.phone.data or "",
                        email=form.email.data or "", regions=_regions(form.regions.data))
            db.session.commit()
        except AccountError as e:
            db.session.rollback()
            form.roles.errors.append(str(e))
        else:
            flash(_("已保存。"), "success")
            return redirect(url_for(".user", user_id=user.id))
    return render_template("manufacturer/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/status", methods=["POST"])
def user_status(user_id):
    user = authorize(current_user, "suspend", db.session.get(User, user_id))
    status = "suspended" if request.form.get("status") == "suspended" else "active"
    try:
        set_status(user, status, by=current_user)
        db.session.commit()
    except AccountError as e:
        db.session.rollback()
        flash(str(e), "danger")
    else:
        flash(_("用户已停用，其登录已失效。") if status == "suspended" else _l("用户已启用。"), "success")
    return redirect(url_for(".user", user_id=user.id))


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
def user_reset(user_id):
    user = authorize(current_user, "reset_password", db.session.get(User, user_id))
    temp = reset_password(user)
    db.session.commit()
    return render_template("manufacturer/password_issued.html", user=user, password=temp)


# --- the network's default callback strategy ------------------------------------------
@bp.route("/callback-strategy", methods=["GET", "POST"])
def callback_strategy():
    from ...models import CallbackStrategy
    from ...services.callbacks import strategy_for
    from ..ledger.work_views import _strategy_page

    authorize(current_user, "view", CallbackStrategy)
    current = strategy_for(current_user.org)  # the maker has no refinement: the network default
    target = current if current.id else CallbackStrategy(network_id=current_user.network_id, org_id=None)
    return _strategy_page(current, target, "work/strategy.html")


# --- the brand dictionary --------------------------------------------------------------
@bp.route("/brands", methods=["GET", "POST"])
def brands():
    authorize(current_user, "list", Brand)
    form = BrandForm()
    if form.validate_on_submit():
        authorize(current_user, "create", Brand)
        try:
            save_brand(None, name=form.name.data, aliases=form.aliases.data or "")
            db.session.commit()
        except BrandError as e:
            db.session.rollback()
            form.name.errors.append(str(e))
        else:
            flash(_("已添加品牌。"), "success")
            return redirect(url_for(".brands"))
    lines = dict(db.session.execute(select(FleetEntry.brand_id, func.sum(FleetEntry.quantity))
                                    .group_by(FleetEntry.brand_id)).all())
    rows = db.session.scalars(scope(current_user, select(Brand), Brand)
                              .order_by(Brand.mapped, Brand.is_own.desc(), Brand.name)).all()
    return render_template("manufacturer/brands.html", brands=rows, units=lines, form=form,
                           known=[b for b in rows if b.mapped])


@bp.route("/brands/<int:brand_id>", methods=["POST"])
def brand_edit(brand_id):
    brand = authorize(current_user, "edit", db.session.get(Brand, brand_id))
    try:
        save_brand(brand, name=request.form.get("name", ""), aliases=request.form.get("aliases", ""))
        db.session.commit()
        flash(_("已保存。"), "success")
    except BrandError as e:
        db.session.rollback()
        flash(str(e), "danger")
    return redirect(url_for(".brands"))


@bp.route("/brands/<int:brand_id>/map", methods=["POST"])
def brand_map(brand_id):
    unmapped = authorize(current_user, "map", db.session.get(Brand, brand_id))
    target = authorize(current_user, "view", db.session.get(Brand, request.form.get("target_id", type=int)))
    try:
        moved = map_brand(unmapped, target)
        db.session.commit()
        flash(_("已将 %(a)s 归入 %(b)s（%(n)s 条车队记录）。", a=unmapped.name, b=target.name, n=moved), "success")
    except BrandError as e:
        db.session.rollback()
        flash(str(e), "danger")
    return redirect(url_for(".brands"))
