"""Users of every organisation: created with their roles, edited, suspended, passwords reset."""
import re

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import ROLES, Organisation, User
from ...policies import authorize, scope
from ...services.accounts import create_user, reset_password, set_status, update_user
from ..actions import attempt
from ..listing import db_int, paginate, search, sort
from ..routing import Routes
from .forms import UserForm

routes = Routes()
register = routes.register


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


@routes.route("/users")
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


@routes.route("/users/new", methods=["GET", "POST"])
def user_new():
    authorize(current_user, "create", User)
    form = _user_form()
    if request.method == "GET" and request.args.get("org_id", type=db_int):
        form.org_id.data = request.args.get("org_id", type=db_int)
    if form.validate_on_submit():
        org = authorize(current_user, "view", db.session.get(Organisation, form.org_id.data))
        done = attempt(lambda: create_user(org, username=form.username.data, name=form.name.data,
                                           roles=form.roles.data, phone=form.phone.data or "",
                                           email=form.email.data or "", regions=_regions(form.regions.data)),
                       field=form.username)
        if done:
            user, temp = done.value
            return render_template("manufacturer/password_issued.html", user=user, password=temp)
    return render_template("manufacturer/user_form.html", form=form, user=None)


@routes.route("/users/<int:user_id>")
def user(user_id):
    user = authorize(current_user, "view", db.session.get(User, user_id))
    return render_template("manufacturer/user.html", user=user)


@routes.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id):
    user = authorize(current_user, "edit", db.session.get(User, user_id))
    form = _user_form(user)
    form.org_id.choices = [(user.org_id, f"{user.org.code} {user.org.name}")]  # fixed, even if suspended
    form.org_id.data, form.username.data = user.org_id, user.username
    if form.validate_on_submit():
        if attempt(lambda: update_user(user, name=form.name.data, roles=form.roles.data, phone=form.phone.data or "",
                                       email=form.email.data or "", regions=_regions(form.regions.data)),
                   _("已保存。"), field=form.roles):
            return redirect(url_for(".user", user_id=user.id))
    return render_template("manufacturer/user_form.html", form=form, user=user)


@routes.route("/users/<int:user_id>/status", methods=["POST"])
def user_status(user_id):
    user = authorize(current_user, "suspend", db.session.get(User, user_id))
    status = "suspended" if request.form.get("status") == "suspended" else "active"
    attempt(lambda: set_status(user, status, by=current_user),
            _("用户已停用，其登录已失效。") if status == "suspended" else _("用户已启用。"))
    return redirect(url_for(".user", user_id=user.id))


@routes.route("/users/<int:user_id>/reset", methods=["POST"])
def user_reset(user_id):
    user = authorize(current_user, "reset_password", db.session.get(User, user_id))
    temp = reset_password(user)
    db.session.commit()
    return render_template("manufacturer/password_issued.html", user=user, password=temp)
