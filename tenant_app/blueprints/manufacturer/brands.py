"""The brand dictionary: brands and aliases, unknown brands mapped onto known ones."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ...extensions import db
from ...models import Brand, FleetEntry
from ...policies import authorize, scope
from ...services.brands import map_brand, save_brand
from ..actions import attempt, submit
from ..listing import db_int
from ..routing import Routes
from .forms import BrandForm

routes = Routes()
register = routes.register


@routes.route("/brands", methods=["GET", "POST"])
def brands():
    authorize(current_user, "list", Brand)
    form = BrandForm()
    if form.validate_on_submit():
        authorize(current_user, "create", Brand)
        if attempt(lambda: save_brand(None, name=form.name.data, aliases=form.aliases.data or ""),
                   _("已添加品牌。"), field=form.name):
            return redirect(url_for(".brands"))
    lines = dict(db.session.execute(select(FleetEntry.brand_id, func.sum(FleetEntry.quantity))
                                    .group_by(FleetEntry.brand_id)).all())
    rows = db.session.scalars(scope(current_user, select(Brand), Brand)
                              .order_by(Brand.mapped, Brand.is_own.desc(), Brand.name)).all()
    return render_template("manufacturer/brands.html", brands=rows, units=lines, form=form,
                           known=[b for b in rows if b.mapped])


@routes.route("/brands/<int:brand_id>", methods=["POST"])
def brand_edit(brand_id):
    brand = authorize(current_user, "edit", db.session.get(Brand, brand_id))
    submit(BrandForm(), lambda f: save_brand(brand, name=f.name.data, aliases=f.aliases.data or ""), _("已保存。"))
    return redirect(url_for(".brands"))


@routes.route("/brands/<int:brand_id>/map", methods=["POST"])
def brand_map(brand_id):
    unmapped = authorize(current_user, "map", db.session.get(Brand, brand_id))
    target_id = request.form.get("target_id", type=db_int)
    target = authorize(current_user, "view", db.session.get(Brand, target_id) if target_id else None)
    attempt(lambda: map_brand(unmapped, target),
            lambda moved: _("已将 %(a)s 归入 %(b)s（%(n)s 条车队记录）。", a=unmapped.name, b=target.name, n=moved))
    return redirect(url_for(".brands"))
