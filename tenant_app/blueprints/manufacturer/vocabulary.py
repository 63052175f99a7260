"""The vocabulary dictionary beside the brand dictionary: the aliases of each controlled
value, the values waiting to be classified (mapped here, the customers follow), and the
models of each brand (aliases, two spellings merged into one)."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ...extensions import db
from ...models import Brand, FleetEntry, TruckModel, VocabularyAlias
from ...policies import authorize, scope
from ...services import vocabulary
from ...services.brands import maker_name, merge_model, save_model
from ..actions import submit
from ..routing import Routes
from .forms import MergeModelForm, PendingValueForm, TruckModelForm, VocabularyAliasesForm

routes = Routes()
register = routes.register

MODELS = "models"


def _back(tab: str, **args):
    return redirect(url_for(".vocabulary", v=tab, **args))


@routes.route("/vocabulary", endpoint="vocabulary")
def vocabulary_page():
    authorize(current_user, "list", VocabularyAlias)
    tab = request.args.get("v", "transport_type")
    tabs = [(f, column) for f, (column, _v) in vocabulary.VOCABULARIES.items()] + [(MODELS, None)]
    pending = vocabulary.pending_values()
    waiting = {f: sum(p["customers"] for p in pending if p["field"] == f) for f in vocabulary.VOCABULARIES}
    if tab == MODELS:
        return _models_page(tabs, waiting)
    if tab not in vocabulary.VOCABULARIES:
        tab = "transport_type"
    column, values = vocabulary.VOCABULARIES[tab]
    return render_template("manufacturer/vocabulary.html", tab=tab, tabs=tabs, waiting=waiting, column=column,
                           values=values, aliases=vocabulary.aliases_by_code(tab),
                           customers=vocabulary.customers_by_code(tab),
                           pending=[p for p in pending if p["field"] == tab],
                           targets=vocabulary.targets(tab, maker_name()), sibling=vocabulary.SIBLINGS.get(tab))


def _models_page(tabs, waiting):
    brands = db.session.scalars(scope(current_user, select(Brand), Brand).where(Brand.mapped)
                                .order_by(Brand.is_own.desc(), Brand.name)).all()
    brand = next((b for b in brands if b.id == request.args.get("brand_id", type=int)), brands[0] if brands else None)
    models, units = [], {}
    if brand is not None:
        models = db.session.scalars(scope(current_user, select(TruckModel), TruckModel)
                                    .where(TruckModel.brand_id == brand.id).order_by(TruckModel.name)).all()
        units = dict(db.session.execute(select(FleetEntry.model_id, func.sum(FleetEntry.quantity))
                                        .where(FleetEntry.model_id.in_([m.id for m in models]))
                                        .group_by(FleetEntry.model_id)).all())
    return render_template("manufacturer/vocabulary.html", tab=MODELS, tabs=tabs, waiting=waiting, brands=brands,
                           brand=brand, models=models, units=units)


@routes.route("/vocabulary/aliases", methods=["POST"])
def vocabulary_aliases():
    authorize(current_user, "edit", VocabularyAlias)
    form = VocabularyAliasesForm()
    submit(form, lambda f: vocabulary.save_aliases(f.vocabulary.data, f.code.data, f.aliases.data or "",
                                                   org_id=current_user.org_id),
           lambda changed: _("已保存别名（%(n)s 位客户随之归类）。", n=changed))
    return _back(form.vocabulary.data or "transport_type")


@routes.route("/vocabulary/pending", methods=["POST"])
def vocabulary_pending():
    authorize(current_user, "map", VocabularyAlias)
    form = PendingValueForm()
    submit(form, lambda f: vocabulary.map_pending(f.vocabulary.data, f.key.data, f.target.data,
                                                  org_id=current_user.org_id),
           lambda changed: _("已归类，%(n)s 位客户随之更新。", n=changed))
    return _back(form.vocabulary.data or "transport_type")


@routes.route("/vocabulary/models/<int:model_id>", methods=["POST"])
def truck_model_edit(model_id):
    model = authorize(current_user, "edit", db.session.get(TruckModel, model_id))
    submit(TruckModelForm(), lambda f: save_model(model, name=f.name.data, aliases=f.aliases.data or ""), _("已保存。"))
    return _back(MODELS, brand_id=model.brand_id)


@routes.route("/vocabulary/models/<int:model_id>/merge", methods=["POST"])
def truck_model_merge(model_id):
    model = authorize(current_user, "merge", db.session.get(TruckModel, model_id))
    form = MergeModelForm()
    target = db.session.get(TruckModel, form.target_id.data) if form.target_id.data else None
    if target is None:
        authorize(current_user, "view", None)
    target = authorize(current_user, "merge", target)
    name, brand_id = model.name, model.brand_id
    submit(form, lambda f: merge_model(model, target),
           lambda moved: _("已将 %(a)s 并入 %(b)s（%(n)s 条车队记录）。", a=name, b=target.name, n=moved))
    return _back(MODELS, brand_id=brand_id)
