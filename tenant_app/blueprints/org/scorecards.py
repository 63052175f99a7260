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
from ...models import Evaluation, PreparationAudit, Scorecard, TrainingInvitation, TrainingSession
from ...policies import authorize, scope
from ...reports.pdf import read_checked
from ...services import audit as audit_log
from ...services import scorecards as service
from ...services import scoring
from ...services.brands import maker_name
from ..listing import paginate
from ..scorecard_views import card_context
from . import bp


@bp.route("/scorecards")
def scorecards():
    authorize(current_user, "list", Scorecard)
    stmt = scope(current_user, select(Scorecard).join(Evaluation, Evaluation.id == Scorecard.evaluation_id),
                 Scorecard).where(Scorecard.org_id == current_user.org_id)
    page = paginate(stmt.options(selectinload(Scorecard.evaluation)).order_by(Evaluation.starts_on.desc()))
    return render_template("org/scorecards.html", page=page)


@bp.route("/scorecards/<int:card_id>")
def scorecard(card_id):
    card = authorize(current_user, "view", db.session.get(Scorecard, card_id))
    return render_template("org/scorecard.html", form=FlaskForm(), **card_context(card))


@bp.route("/scorecards/<int:card_id>/appeals", methods=["POST"])
def scorecard_appeal(card_id):
    card = authorize(current_user, "appeal", db.session.get(Scorecard, card_id))
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            service.raise_appeal(card, request.form.get("item", ""), request.form.get("reason", ""), current_user)
            db.session.commit()
        except service.ScorecardError as e:
            db.session.rollback()
            flash(str(e), "danger")
        else:
            flash(_("申诉已提交，等待%(maker)s处理。", maker=maker_name()), "success")
    return redirect(url_for(".scorecard", card_id=card.id) + "#appeals")


@bp.route("/scorecards/<int:card_id>/pdf")
def scorecard_pdf(card_id):
    card = authorize(current_user, "download", db.session.get(Scorecard, card_id))
    data = read_checked(card.pdf_path, card.pdf_sha256) if card.pdf_sha256 else None
    if data is None:
        flash(_("考评表 PDF 尚未生成，请稍后再试。"), "warning")
        return redirect(url_for(".scorecard", card_id=card.id))
    if card.org_id != current_user.org_id:
        audit_log.record("view", network_id=card.network_id, obj=card, user=current_user,
                         summary=f"scorecard pdf {card.org.code} {card.evaluation.period}")
        db.session.commit()
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"scorecard-{card.org.code}-{card.evaluation.period}-r{card.pdf_revision}.pdf")


@bp.route("/scorecards/<int:card_id>/items/<key>")
def scorecard_evidence(card_id, key):
    """The records that counted for one item (and those that did not), as the data stand today."""
    card = authorize(current_user, "view", db.session.get(Scorecard, card_id))
    item = card.item(key)
    if item is None or key not in scoring.RULES:
        abort(404)
    which = request.args.get("show", "")
    counted = {"counted": True, "missed": False}.get(which)
    page_no = max(request.args.get("page", 1, type=int) or 1, 1)
    ev = card.evaluation
    if card.org_id != current_user.org_id:  # the manufacturer looking into a dealer's records
        audit_log.record("view", network_id=card.network_id, obj=card, user=current_user,
                         summary=f"scorecard evidence {card.org.code} {ev.period} {key}")
        db.session.commit()
    rows, total = scoring.evidence(key, card.org_id, ev.starts_on, ev.ends_on, ev.kind, counted=counted,
                                   page=page_no, per_page=50)
    return render_template("org/scorecard_evidence.html", card=card, item=item, rule=scoring.RULES[key],
                           rows=rows, total=total, page_no=page_no, pages=max(1, -(-total // 50)), show=which)


@bp.route("/training")
def training():
    authorize(current_user, "list", TrainingSession)
    invitations = db.session.execute(
        scope(current_user, select(TrainingInvitation, TrainingSession).join(TrainingSession),
              TrainingInvitation).where(TrainingInvitation.org_id == current_user.org_id)
        .options(selectinload(TrainingInvitation.user))
        .order_by(TrainingSession.held_on.desc(), TrainingInvitation.id)).all()
    audits = db.session.scalars(scope(current_user, select(PreparationAudit), PreparationAudit)
                                .where(PreparationAudit.org_id == current_user.org_id)
                                .order_by(PreparationAudit.audited_on.desc())).all()
    from ...models import PREPARATION_ITEMS
    return render_template("org/training.html", invitations=invitations, audits=audits, items=PREPARATION_ITEMS)
