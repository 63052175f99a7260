"""The customer ledger (台帐): list, create, edit, the customer page, stakeholders, merge."""
from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ....extensions import db
from ....models import Brand, Customer, FleetEntry, Stakeholder
from ....policies import authorize, scope
from ....services.brands import own_brand
from ....services.ledger import DuplicateCustomer, add_stakeholder, create_customer, merge_customers, update_customer
from ....services.ledger_query import LedgerQuery, counts
from ....services.talking_points import checklists_for
from ....services.visits import VisitError, parse_site, set_site
from ....services.timeline import next_due, timeline
from ...actions import attempt
from ...listing import flash_form_errors
from ...routing import Routes
from ..bulk import bar_context
from ..staff import org_staff
from .forms import CustomerForm, MergeForm, SiteForm, StakeholderForm

routes = Routes(__name__)
register = routes.register


def _load(customer_id) -> Customer | None:
    return db.session.get(Customer, customer_id)


@routes.route("/customers", endpoint="customers")
def ledger():
    authorize(current_user, "list", Customer)
    query = LedgerQuery.from_args(request.args, current_user.org_id)
    base = scope(current_user, select(Customer), Customer)
    try:
        rows, next_cursor = query.page(db.session, base.options(selectinload(Customer.responsible)),
                                       current_app.config["PAGE_SIZE"])
    except ValueError:
        return redirect(url_for(request.endpoint))  # a cursor tampered with: back to the first page
    tally = {(k, s): n for k, s, n in db.session.execute(counts(base, query))}
    # Known brands, and the unknown names only this dealer's own lines use (never another dealer's text).
    own_lines = select(FleetEntry.brand_id).where(FleetEntry.org_id == current_user.org_id)
    brands = db.session.scalars(select(Brand).where(Brand.mapped | Brand.id.in_(own_lines))
                                .order_by(Brand.is_own.desc(), Brand.name)).all()
    staff = org_staff()
    return render_template("customers/list.html", rows=rows, next_cursor=next_cursor, tally=tally, query=query,
                           brands=brands, staff=staff, total=sum(tally.values()), bulk=bar_context(staff))


@routes.route("/customers/new", endpoint="customer_new", methods=["GET", "POST"])
def new():
    authorize(current_user, "create", Customer)
    form = CustomerForm(staff=org_staff())
    if request.method == "GET" and current_user.has_role("sales_manager", "staff"):
        form.responsible_id.data = current_user.id
    if form.validate_on_submit():
        done = attempt(lambda: create_customer(current_user.org, form.data_fields(), form.fleet_rows()),
                       lambda customer: _("已建立客户台帐：%(name)s", name=customer.name), show=False)
        if done:
            return redirect(url_for(".customer", customer_id=done.value.id))
        return _form_page(form, None, done.error)
    return _form_page(form, None)


@routes.route("/customers/<int:customer_id>/edit", endpoint="customer_edit", methods=["GET", "POST"])
def edit(customer_id):
    customer = authorize(current_user, "edit", _load(customer_id))
    form = CustomerForm(obj=customer, staff=org_staff())
    if request.method == "GET":
        while len(form.fleet) < len(customer.fleet):
            form.fleet.append_entry()
        for row, entry in zip(form.fleet, customer.fleet):
            row.form.brand.data, row.form.model.data = entry.brand_text, entry.model
            row.form.quantity.data, row.form.heavy.data, row.form.since.data = entry.quantity, entry.heavy, entry.since
        while len(form.fleet) < len(customer.fleet) + 1:
            form.fleet.append_entry()
    if form.validate_on_submit():
        done = attempt(lambda: update_customer(customer, form.data_fields(), form.fleet_rows()), _("已保存。"),
                       show=False)
        if done:
            return redirect(url_for(".customer", customer_id=customer.id))
        return _form_page(form, customer, done.error)
    return _form_page(form, customer)


def _form_page(form, customer, error=None):
    """The customer form; a duplicate found links to the customer already in the ledger (409)."""
    if isinstance(error, DuplicateCustomer):
        return render_template("customers/form.html", form=form, customer=customer, duplicate=error), 409
    if error is not None:
        flash(str(error), "danger")
    return render_template("customers/form.html", form=form, customer=customer, duplicate=None)


@routes.route("/customers/<int:customer_id>")
def customer(customer_id):
    customer = authorize(current_user, "view", _load(customer_id))
    return render_template("customers/customer.html", customer=customer, stakeholder_form=StakeholderForm(),
                           events=timeline(customer), next_due=next_due(customer),
                           today_year=date.today().year, today=date.today(), own_brand=getattr(own_brand(), 'name', ''),
                           merge_form=MergeForm(), site_form=SiteForm(), checklists=checklists_for(customer))


@routes.route("/customers/<int:customer_id>/stakeholders", methods=["POST"])
def stakeholder_add(customer_id):
    customer = authorize(current_user, "edit", _load(customer_id))
    form = StakeholderForm()
    if form.validate_on_submit():
        add_stakeholder(customer, {k: getattr(form, k).data for k in (
            "role", "name", "phone", "cares_about", "influence", "relationship_notes")})
        db.session.commit()
        flash(_("已添加关系人。"), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".customer", customer_id=customer.id) + "#stakeholders")


@routes.route("/customers/<int:customer_id>/site", methods=["POST"])
def site(customer_id):
    """The site by hand, where no confirmed visit has set it (or it was set from the wrong place)."""
    customer = authorize(current_user, "edit", _load(customer_id))
    form = SiteForm()
    if form.validate_on_submit():
        try:
            set_site(customer, *parse_site(form.where.data))
        except VisitError as e:
            db.session.rollback()
            flash(str(e), "danger")
        else:
            db.session.commit()
            flash(_("已设定客户场地位置。"), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".customer", customer_id=customer_id) + "#site")


@routes.route("/customers/<int:customer_id>/stakeholders/<int:stakeholder_id>/delete", methods=["POST"])
def stakeholder_delete(customer_id, stakeholder_id):
    person = authorize(current_user, "delete", db.session.get(Stakeholder, stakeholder_id))
    if person.customer_id != customer_id:
        authorize(current_user, "delete", None)  # 404: the pair does not belong together
    db.session.delete(person)
    db.session.commit()
    flash(_("已删除关系人。"), "success")
    return redirect(url_for(".customer", customer_id=customer_id) + "#stakeholders")


@routes.route("/customers/<int:customer_id>/merge", endpoint="customer_merge", methods=["POST"])
def merge(customer_id):
    keep = authorize(current_user, "merge", _load(customer_id))
    form = MergeForm()
    if form.validate_on_submit():
        duplicate = authorize(current_user, "merge", _load(form.duplicate_id.data))
        if duplicate.id == keep.id:
            flash(_("不能与自身合并。"), "danger")
        else:
            name = duplicate.name
            merge_customers(keep, duplicate)
            db.session.commit()
            flash(_("已将 %(name)s 并入本客户。", name=name), "success")
    return redirect(url_for(".customer", customer_id=keep.id))
