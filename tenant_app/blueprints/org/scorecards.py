"""A party's own scorecards: items with their evidence, the PDF, appeals. The manufacturer
uses the same evidence and PDF pages (the policy lets it see every dealer in its regions)."""
import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Evaluation, Scorecard
from ...policies import authorize, scope
from ...reports.pdf import read_checked
from ...services import audit as audit_log
from ...services import scorecards as service
from ...services import scoring
from ...services.brands import maker_name
from ..actions import submit
from ..listing import db_int, paginate
from ..routing import Routes
from ..shared.scorecards import card_context

routes = Routes()
register = routes.register


@routes.route("/scorecards")
def scorecards():
    authorize(current_user, "list", Scorecard)
    stmt = scope(current_user, select(Scorecard).join(Evaluation, Evaluation.id == Scorecard.evaluation_id),
                 Scorecard).where(Scorecard.org_id == current_user.org_id)
    page = paginate(stmt.options(selectinload(Scorecard.evaluation)).order_by(Evaluation.starts_on.desc()))
    return render_template("org/scorecards.html", page=page)


@routes.route("/scorecards/<int:card_id>")
def scorecard(card_id):
    card = authorize(current_user, "view", db.session.get(Scorecard, card_id))
    return render_template("org/scorecard.html", form=FlaskForm(), **card_context(card))


@routes.route("/scorecards/<int:card_id>/appeals", methods=["POST"])
def scorecard_appeal(card_id):
    card = authorize(current_user, "appeal", db.session.get(Scorecard, card_id))
    submit(FlaskForm(), lambda form: service.raise_appeal(card, request.form.get("item", ""),
                                                          request.form.get("reason", ""), current_user),
           _("申诉已提交，等待%(maker)s处理。", maker=maker_name()))
    return redirect(url_for(".scorecard", card_id=card.id) + "#appeals")


@routes.route("/scorecards/<int:card_id>/pdf")
def scorecard_pdf(card_id):
    card = authorize(current_user, "download", db.session.get(Scorecard, card_id))
    data = read_checked(card.pdf_path, card.pdf_sha256) if card.pdf_sha256 else None
    if data is None:
        flash(_("考评表 PDF 尚未生成，请稍后再试。"), "warning")
        return redirect(url_for(".scorecard", card_id=card.id))
    if card.org_id != current_user.org_id:
        audit_log.record_look(card, f"scorecard pdf {card.org.code} {card.evaluation.period}", current_user,
                              card.network_id)
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"scorecard-{card.org.code}-{card.evaluation.period}-r{card.pdf_revision}.pdf")


@routes.route("/scorecards/<int:card_id>/items/<key>")
def scorecard_evidence(card_id, key):
    """The records that counted for one item (and those that did not), as the data stand today."""
    card = authorize(current_user, "view", db.session.get(Scorecard, card_id))
    item = card.item(key)
    if item is None or key not in scoring.RULES:
        abort(404)
    which = request.args.get("show", "")
    counted = {"counted": True, "missed": False}.get(which)
    page_no = max(request.args.get("page", 1, type=db_int) or 1, 1)
    ev = card.evaluation
    if card.org_id != current_user.org_id:  # the manufacturer looking into a dealer's records
        audit_log.record_look(card, f"scorecard evidence {card.org.code} {ev.period} {key}", current_user,
                              card.network_id)
    rows, total = scoring.evidence(key, card.org_id, ev.starts_on, ev.ends_on, ev.kind, counted=counted,
                                   page=page_no, per_page=50)
    return render_template("org/scorecard_evidence.html", card=card, item=item, rule=scoring.RULES[key],
                           rows=rows, total=total, page_no=page_no, pages=max(1, -(-total // 50)), show=which)
