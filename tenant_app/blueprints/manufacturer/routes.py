"""The manufacturer's pages: network overview, organisations and users of the network."""
import os
import re
from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ... import vocab
from ...models import (ROLES, Brand, Callback, CallbackCheck, Customer, FleetEntry, Opportunity, Organisation, User,
                       VerificationSample)
from ...policies import authorize, scope
from ...services import audit, supervision, targets
from ...services import verification as verify
from ...services.accounts import AccountError, create_user, reset_password, set_status, update_user
from ...services.brands import BrandError, map_brand, save_brand
from ...services.ledger_query import LedgerQuery
from ...services.orgs import create_org, set_org_status
from ...services.timeline import timeline
from ...web import ORG_KIND_LABELS
from ..listing import csv_response, flash_form_errors, paginate, search, sort, year_arg
from . import bp
from .forms import BrandForm, OrgForm, SampleForm, UserForm


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
    flash(_("机构已停用，其用户无法登录。") if status == "suspended" else _("机构已启用。"), "success")
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
        flash(_("用户已停用，其登录已失效。") if status == "suspended" else _("用户已启用。"), "success")
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
    form = BrandForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".brands"))
    try:
        save_brand(brand, name=form.name.data, aliases=form.aliases.data or "")
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


# --- supervision: every dealer's figures, read-only drill-in (audited), the census -----
def _supervised(org_id) -> Organisation:
    """The dealer being looked at; the look is written to the audit log, which its general
    manager reads."""
    return authorize(current_user, "supervise", db.session.get(Organisation, org_id))


def _looked_at(obj, what: str) -> None:
    audit.record("view", network_id=current_user.network_id, obj=obj, summary=what)
    db.session.commit()


def _ledger_orgs(kind: str):
    stmt = scope(current_user, select(Organisation).where(Organisation.kind == kind), Organisation)
    if request.args.get("province"):
        stmt = stmt.where(Organisation.province == request.args["province"])
    return db.session.scalars(stmt.order_by(Organisation.province, Organisation.code)).all()


@bp.route("/dealers")
def dealers():
    authorize(current_user, "supervise", Organisation)
    kind = "bodybuilder" if request.args.get("kind") == "bodybuilder" else "dealer"
    rows = supervision.overview(_ledger_orgs(kind))
    return render_template("manufacturer/dealers.html", rows=rows, regions=supervision.by_region(rows), kind=kind)


@bp.route("/dealers/<int:org_id>/customers")
def dealer_customers(org_id):
    org = _supervised(org_id)
    query = LedgerQuery.from_args(request.args, org.id)
    try:
        rows, next_cursor = query.page(db.session, select(Customer).where(Customer.org_id == org.id),
                                       current_app.config["PAGE_SIZE"])
    except ValueError:
        return redirect(url_for(".dealer_customers", org_id=org.id))
    _looked_at(org, "ledger")
    return render_template("manufacturer/dealer_customers.html", org=org, rows=rows, next_cursor=next_cursor,
                           query=query)


@bp.route("/dealers/<int:org_id>/customers/<int:customer_id>")
def dealer_customer(org_id, customer_id):
    org = _supervised(org_id)
    customer = authorize(current_user, "view", db.session.get(Customer, customer_id))
    if customer.org_id != org.id:
        authorize(current_user, "view", None)
    _looked_at(customer, "customer")
    return render_template("manufacturer/dealer_customer.html", org=org, customer=customer,
                           events=timeline(customer))


@bp.route("/dealers/<int:org_id>/callbacks")
def dealer_callbacks(org_id):
    org = _supervised(org_id)
    page = paginate(select(Callback).where(Callback.org_id == org.id)
                    .options(selectinload(Callback.customer), selectinload(Callback.by))
                    .order_by(Callback.done_on.desc(), Callback.id))
    _looked_at(org, "callbacks")
    return render_template("manufacturer/dealer_callbacks.html", org=org, page=page)


@bp.route("/dealers/<int:org_id>/deals")
def dealer_deals(org_id):
    org = _supervised(org_id)
    page = paginate(select(Opportunity).where(Opportunity.org_id == org.id)
                    .options(selectinload(Opportunity.customer), selectinload(Opportunity.vehicles))
                    .order_by(Opportunity.stage, Opportunity.updated_at.desc()))
    _looked_at(org, "deals")
    return render_template("manufacturer/dealer_deals.html", org=org, page=page)


def _census():
    authorize(current_user, "supervise", Organisation)
    orgs = _ledger_orgs("dealer") + _ledger_orgs("bodybuilder")
    dimension = request.args.get("by", "province")
    if dimension not in supervision.CENSUS_DIMENSIONS:
        dimension = "province"
    return dimension, supervision.census([o.id for o in orgs], dimension)


@bp.route("/census")
def census():
    dimension, rows = _census()
    return render_template("manufacturer/census.html", rows=rows, dimension=dimension)


@bp.route("/census.csv")
def census_export():
    dimension, rows = _census()
    head = {"province": "区域", "transport_type": "运输类型", "klass": "客户级别"}[dimension]
    lookup = {"transport_type": vocab.TRANSPORT_TYPES, "klass": vocab.CLASSES}.get(dimension, {})
    return csv_response(f"census-{dimension}.csv", [head, "品牌", "车型", "台数", "客户数"],
                        ((lookup.get(d, d), b, m, units, n) for d, b, m, units, n in rows))


# --- callback verification ---------------------------------------------------------------
@bp.route("/dealers/<int:org_id>/verification", methods=["GET", "POST"])
def verification(org_id):
    org = _supervised(org_id)
    form = SampleForm()
    if form.validate_on_submit():
        try:
            sample = verify.draw_sample(org, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                        size=form.size.data, by=current_user)
            db.session.commit()
        except verify.VerificationError as e:
            db.session.rollback()
            form.size.errors.append(str(e))
        else:
            flash(_("已抽取 %(n)s 条回访记录。", n=sample.size), "success")
            return redirect(url_for(".verification_sample", sample_id=sample.id))
    samples = db.session.scalars(scope(current_user, select(VerificationSample).where(
        VerificationSample.org_id == org.id), VerificationSample).order_by(VerificationSample.id.desc())).all()
    confirmed, checked = verify.confirmation_rate(org.id)
    return render_template("manufacturer/verification.html", org=org, form=form, samples=samples,
                           confirmed=confirmed, checked=checked)


@bp.route("/verification/<int:sample_id>")
def verification_sample(sample_id):
    sample = authorize(current_user, "view", db.session.get(VerificationSample, sample_id))
    checks = db.session.scalars(select(CallbackCheck).where(CallbackCheck.sample_id == sample.id)
                                .options(selectinload(CallbackCheck.callback).selectinload(Callback.customer),
                                         selectinload(CallbackCheck.callback).selectinload(Callback.by))
                                .order_by(CallbackCheck.id)).all()
    _looked_at(sample.org, "verification")
    return render_template("manufacturer/verification_sample.html", sample=sample, checks=checks, org=sample.org)


@bp.route("/verification/<int:sample_id>/checks/<int:check_id>", methods=["POST"])
def verification_mark(sample_id, check_id):
    check = authorize(current_user, "mark", db.session.get(CallbackCheck, check_id))
    if check.sample_id != sample_id:
        authorize(current_user, "mark", None)
    try:
        verify.mark(check, request.form.get("status", ""), request.form.get("note", ""), current_user)
        db.session.commit()
    except verify.VerificationError as e:
        db.session.rollback()
        flash(str(e), "danger")
    return redirect(url_for(".verification_sample", sample_id=sample_id) + f"#check-{check_id}")


# --- targets per dealer and period --------------------------------------------------------
def _period_args():
    from datetime import datetime
    period = request.args.get("period", "month")
    period = period if period in targets.PERIODS else "month"
    try:
        on = datetime.strptime(request.args.get("on", ""), "%Y-%m-%d").date()
    except ValueError:
        on = date.today()
    return period, *targets.period_bounds(period, on)


@bp.route("/dealers/<int:org_id>/targets", methods=["GET", "POST"])
def dealer_targets(org_id):
    org = authorize(current_user, "set_targets", db.session.get(Organisation, org_id))
    period, start, end = _period_args()
    if request.method == "POST":
        bad = [m for m in targets.METRICS if request.form.get(m, "").strip() and
               not (request.form[m].strip().isdigit() and int(request.form[m]) <= 1_000_000)]
        if bad:
            flash(_("目标须为 0 到 1000000 之间的整数。"), "danger")
        else:
            for metric in targets.METRICS:
                raw = request.form.get(metric, "").strip()
                targets.set_target(org, period, start, metric, int(raw) if raw else None)
            db.session.commit()
            flash(_("目标已保存。"), "success")
            return redirect(url_for(".dealer_targets", org_id=org.id, period=period, on=start.isoformat()))
    return render_template("manufacturer/targets.html", org=org, period=period, start=start, end=end,
                           goals=targets.targets_for([org.id], period, start)[org.id],
                           actual=targets.progress([org.id], start, end)[org.id], metrics=targets.METRICS)


@bp.route("/dealers/<int:org_id>/expenses")
def dealer_expenses(org_id):
    from ...models import Expense
    from ...services.expenses import CATEGORY_LABELS, year_summary

    org = _supervised(org_id)
    year = year_arg()
    page = paginate(select(Expense).where(Expense.org_id == org.id).options(selectinload(Expense.submitted_by))
                    .order_by(Expense.spent_on.desc(), Expense.id.desc()))
    _looked_at(org, "expenses")
    return render_template("manufacturer/dealer_expenses.html", org=org, page=page, year=year,
                           summary=year_summary(org.id, year), categories=CATEGORY_LABELS)


# --- policy support (政策支持) -------------------------------------------------------------
@bp.route("/announcements", methods=["GET", "POST"])
def announcements():
    from ...models import Announcement
    from ...services.announcements import AnnouncementError, publish
    from .forms import AnnouncementForm

    authorize(current_user, "create" if request.method == "POST" else "list", Announcement)
    form = AnnouncementForm()
    builders = db.session.scalars(select(Organisation).where(Organisation.kind == "bodybuilder")
                                  .order_by(Organisation.code)).all()
    form.builder_org_id.choices = [(0, _("无"))] + [(o.id, f"{o.code} {o.name}") for o in builders]
    if form.validate_on_submit():
        try:
            if form.builder_org_id.data and form.builder_org_id.data not in {o.id for o in builders}:
                raise AnnouncementError(_("请选择改装厂。"))
            ann = publish(current_user.network_id, current_user, kind=form.kind.data, title=form.title.data,
                          body=form.body.data or "", effective_from=form.effective_from.data,
                          effective_to=form.effective_to.data, parties=form.parties.data or [],
                          upload=form.document.data,
                          store=os.path.join(current_app.instance_path, "documents", str(current_user.network_id)))
            ann.builder_org_id = form.builder_org_id.data or None
            db.session.commit()
        except AnnouncementError as e:
            db.session.rollback()
            form.title.errors.append(str(e))
        else:
            flash(_("已发布：%(t)s", t=ann.title), "success")
            return redirect(url_for(".announcement", announcement_id=ann.id))
    rows = db.session.scalars(scope(current_user, select(Announcement), Announcement)
                              .order_by(Announcement.published_at.desc())).all()
    return render_template("manufacturer/announcements.html", rows=rows, form=form)


@bp.route("/announcements/<int:announcement_id>")
def announcement(announcement_id):
    from ...models import Acknowledgement, Announcement

    ann = authorize(current_user, "view", db.session.get(Announcement, announcement_id))
    kinds = [k for k in ("dealer", "bodybuilder", "service") if ann.addressed_to(k)]
    orgs = db.session.scalars(scope(current_user, select(Organisation).where(Organisation.kind.in_(kinds),
                                                                           Organisation.status == "active"),
                                    Organisation).order_by(Organisation.code)).all()
    acks = {a.org_id: a for a in db.session.scalars(select(Acknowledgement).where(
        Acknowledgement.announcement_id == ann.id).options(selectinload(Acknowledgement.user)))}
    return render_template("manufacturer/announcement.html", ann=ann, orgs=orgs, acks=acks)
