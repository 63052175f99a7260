"""The ledger in and out of Excel: uploads checked and previewed by jobs, imported on
confirmation (with the unknown values mapped there, remembered for the network); the
template, the problem workbook, export."""
from datetime import date
import io
import os
import secrets

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from .... import vocab
from ....extensions import db
from ....jobs import enqueue
from ....jobs.exports import export_ledger_file
from ....jobs.ledger import check_ledger_file, import_ledger_file, problem_path
from ....models import Customer, JobRecord
from ....policies import authorize, scope
from ....services import vocabulary
from ....services.brands import maker_name, own_brand
from ....services.ledger_excel import (UploadRejected, check_upload, export_ledger, recognised_columns,
                                       template_workbook)
from ....services.ledger_query import LedgerQuery
from ...actions import attempt
from ...routing import Routes
from .forms import ConfirmImportForm, ImportForm

routes = Routes(__name__)
register = routes.register

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_dir() -> str:
    path = os.path.join(current_app.instance_path, "uploads", str(current_user.network_id), str(current_user.org_id))
    os.makedirs(path, exist_ok=True)
    return path


def _import_page(form, status=200):
    return render_template("ledger_excel/import.html", form=form, columns=recognised_columns(maker_name()),
                           vocabularies=vocabulary.VOCABULARIES, seeded=vocabulary.SEED_ALIASES), status


@routes.route("/customers/import", endpoint="customers_import", methods=["GET", "POST"])
def import_start():
    authorize(current_user, "import", Customer)
    form = ImportForm()
    if form.validate_on_submit():
        path = os.path.join(_upload_dir(), f"{secrets.token_urlsafe(16)}.xlsx")
        form.file.data.save(path)
        try:
            check_upload(path, os.path.getsize(path))
        except UploadRejected as e:
            os.remove(path)
            form.file.errors.append(str(e))
            return _import_page(form, 400)
        record = _job("ledger_check", {"path": path, "filename": form.file.data.filename})
        db.session.commit()
        enqueue(record, check_ledger_file)
        return redirect(url_for(".customers_import_job", job_id=record.id))
    return _import_page(form)


@routes.route("/customers/import/template.xlsx", endpoint="customers_import_template")
def template():
    authorize(current_user, "import", Customer)
    buf = io.BytesIO()
    brand = own_brand()
    template_workbook(buf, own_brand=brand.name if brand else "")
    buf.seek(0)
    return send_file(buf, as_attachment=True, download_name="客户信息管理台帐-模板.xlsx", mimetype=XLSX)


def _job(kind: str, params: dict) -> JobRecord:
    record = JobRecord(network_id=current_user.network_id, org_id=current_user.org_id,
                       created_by_id=current_user.id, kind=kind, params=params)
    db.session.add(record)
    return record


def _ledger_job(job_id) -> JobRecord:
    record = authorize(current_user, "view", db.session.get(JobRecord, job_id))
    if not record.kind.startswith("ledger_"):
        authorize(current_user, "view", None)
    return record


@routes.route("/customers/import/<int:job_id>", endpoint="customers_import_job")
def import_job(job_id):
    record = _ledger_job(job_id)
    maker = maker_name()
    return render_template("ledger_excel/import_job.html", job=record, confirm=ConfirmImportForm(),
                           refresh=not record.finished, VOCABS=vocabulary.VOCABULARIES,
                           targets={f: vocabulary.targets(f, maker) for f in vocabulary.VOCABULARIES},
                           maker=maker, vocab=vocab)


@routes.route("/customers/import/<int:job_id>/problems.xlsx", endpoint="customers_import_problems")
def import_problems(job_id):
    record = _ledger_job(job_id)
    path = problem_path(record.params.get("path", ""))
    if not record.result.get("problem_file") or not os.path.exists(path):
        authorize(current_user, "view", None)  # 404: checked without problems, or cleaned up
    name = os.path.splitext(record.params.get("filename") or "台帐")[0]
    return send_file(path, as_attachment=True, download_name=f"{name}-问题.xlsx", mimetype=XLSX)


@routes.route("/customers/import/<int:job_id>/confirm", endpoint="customers_import_confirm", methods=["POST"])
def import_confirm(job_id):
    check = _ledger_job(job_id)
    authorize(current_user, "import", Customer)
    form = ConfirmImportForm()
    usable = (check.kind == "ledger_check" and check.status == "done" and not check.result.get("problem_count")
              and not check.result.get("confirmed") and not check.result.get("expired")
              and os.path.exists(check.params.get("path", "")))
    if not form.validate_on_submit() or not usable:
        flash(_("导入已过期，请重新上传文件。"), "warning")
        return redirect(url_for(".customers_import"))

    def act():
        # the unknown values mapped on the preview: remembered for the network, so the next file needs none
        for i, p in enumerate(check.result.get("pending", [])):
            target = request.form.get(f"map-{i}", "")
            if target:
                vocabulary.remember(p["field"], p["text"], target, org_id=current_user.org_id)
        check.result = {**check.result, "confirmed": True}  # one import per check
        return _job("ledger_import", dict(check.params))

    done = attempt(act)
    if not done:
        return redirect(url_for(".customers_import_job", job_id=check.id))
    enqueue(done.value, import_ledger_file)
    return redirect(url_for(".customers_import_job", job_id=done.value.id))


@routes.route("/customers/export.xlsx", endpoint="customers_export")
def export():
    authorize(current_user, "list", Customer)
    query = LedgerQuery.from_args(request.args, current_user.org_id)
    stmt = query.where(scope(current_user, select(Customer), Customer)).order_by(Customer.name, Customer.id)
    filename = f"ledger-{current_user.org.code}-{date.today():%Y%m%d}.xlsx"
    size = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if size > current_app.config["EXPORT_INLINE_ROWS"]:  # too long for a request: a job writes it (a POST starts it)
        return render_template("ledger_excel/export_start.html", rows=size, args=request.args.to_dict(),
                               form=FlaskForm())
    customers = db.session.scalars(stmt.options(selectinload(Customer.fleet), selectinload(Customer.pending),
                                                selectinload(Customer.responsible)))
    buf = io.BytesIO()
    brand = own_brand()
    export_ledger(customers, buf, own_brand=brand.name if brand else "")
    buf.seek(0)
    return send_file(buf, as_attachment=True, download_name=filename, mimetype=XLSX)


@routes.route("/customers/export", endpoint="customers_export_start", methods=["POST"])
def export_start():
    authorize(current_user, "list", Customer)
    form = FlaskForm()
    if not form.validate_on_submit():
        return redirect(url_for(".customers"))
    args = {k: v for k, v in request.form.items() if k != "csrf_token"}
    return redirect(url_for(".customers_export_job", job_id=start_export(args)))


def start_export(args: dict) -> int:
    """Queue an export job of the ledger under this filter (the caller authorised the list)."""
    query = LedgerQuery.from_args(MultiDict(args), current_user.org_id)
    size = db.session.scalar(select(func.count()).select_from(
        query.where(scope(current_user, select(Customer.id), Customer)).subquery()))
    record = _job("ledger_export", {"args": args, "filename": f"ledger-{current_user.org.code}-{date.today():%Y%m%d}.xlsx",
                                    "rows": size})
    db.session.commit()
    enqueue(record, export_ledger_file)
    return record.id


def _export_job(job_id) -> JobRecord:
    record = authorize(current_user, "view", db.session.get(JobRecord, job_id))
    if record.kind != "ledger_export":
        authorize(current_user, "view", None)
    return record


@routes.route("/customers/export/<int:job_id>", endpoint="customers_export_job")
def export_job(job_id):
    record = _export_job(job_id)
    return render_template("ledger_excel/export_job.html", job=record, refresh=not record.finished)


@routes.route("/customers/export/<int:job_id>/file.xlsx", endpoint="customers_export_file")
def export_file(job_id):
    record = _export_job(job_id)
    path = record.result.get("path", "") if record.status == "done" else ""
    if not path or record.result.get("expired") or not os.path.exists(path):
        authorize(current_user, "view", None)  # not ready, or removed after a day: 404
    return send_file(path, as_attachment=True, download_name=record.result.get("filename") or "ledger.xlsx",
                     mimetype=XLSX)
