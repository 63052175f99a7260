"""Ledger in and out of Excel: upload → check → preview → confirm; export of the current filter."""
import io
import os
import secrets
from datetime import date

from flask import current_app, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import Customer
from ...policies import authorize, scope
from ...services.brands import own_brand
from ...services.ledger_excel import UploadRejected, check_upload, export_ledger, import_rows, read_ledger
from ...services.ledger_query import LedgerQuery
from .forms import ConfirmImportForm, ImportForm

EXPORT_LIMIT = 100_000


def _upload_dir() -> str:
    path = os.path.join(current_app.instance_path, "uploads", str(current_user.network_id), str(current_user.org_id))
    os.makedirs(path, exist_ok=True)
    return path


def _pending_path(token: str) -> str | None:
    """The upload this user's session holds under token, and only that."""
    pending = session.get("ledger_import") or {}
    if not token or pending.get("token") != token:
        return None
    path = os.path.join(_upload_dir(), f"{token}.xlsx")
    return path if os.path.exists(path) else None


def import_start():
    authorize(current_user, "import", Customer)
    form = ImportForm()
    if form.validate_on_submit():
        token = secrets.token_urlsafe(16)
        path = os.path.join(_upload_dir(), f"{token}.xlsx")
        form.file.data.save(path)
        try:
            check_upload(path, os.path.getsize(path))
        except UploadRejected as e:
            os.remove(path)
            form.file.errors.append(str(e))
            return render_template("ledger/import.html", form=form, report=None), 400
        report = read_ledger(path, current_user.org)
        db.session.rollback()  # reading wrote nothing; new brands are only named when importing
        if report.problems:
            os.remove(path)
            return render_template("ledger/import.html", form=ImportForm(), report=report), 422
        session["ledger_import"] = {"token": token, "name": form.file.data.filename}
        return render_template("ledger/import.html", form=form, report=report,
                               confirm=ConfirmImportForm(token=token))
    return render_template("ledger/import.html", form=form, report=None)


def import_confirm():
    authorize(current_user, "import", Customer)
    form = ConfirmImportForm()
    path = _pending_path(form.token.data) if form.validate_on_submit() else None
    if path is None:
        flash(_("导入已过期，请重新上传文件。"), "warning")
        return redirect(url_for(".customers_import"))
    # Read again: the ledger may have changed since the preview.
    report = read_ledger(path, current_user.org)
    if report.problems:
        db.session.rollback()
        os.remove(path)
        return render_template("ledger/import.html", form=ImportForm(), report=report), 422
    import_rows(current_user.org, report)
    db.session.commit()
    os.remove(path)
    session.pop("ledger_import", None)
    flash(_("已导入 %(n)s 位客户。", n=report.imported), "success")
    return redirect(url_for(".customers"))


def export():
    authorize(current_user, "list", Customer)
    query = LedgerQuery.from_args(request.args)
    stmt = query.where(scope(current_user, select(Customer), Customer)).order_by(Customer.name, Customer.id)
    customers = db.session.scalars(stmt.limit(EXPORT_LIMIT))
    buf = io.BytesIO()
    brand = own_brand()
    export_ledger(customers, buf, own_brand=brand.name if brand else "")
    buf.seek(0)
    filename = f"ledger-{current_user.org.code}-{date.today():%Y%m%d}.xlsx"
    return send_file(buf, as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def register(bp):
    bp.add_url_rule("/customers/import", "customers_import", import_start, methods=["GET", "POST"])
    bp.add_url_rule("/customers/import/confirm", "customers_import_confirm", import_confirm, methods=["POST"])
    bp.add_url_rule("/customers/export.xlsx", "customers_export", export)
