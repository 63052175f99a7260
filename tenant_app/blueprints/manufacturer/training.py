"""Training sessions and the preparation-checklist audits of dealers."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import PREPARATION_ITEMS, Organisation, PreparationAudit, TrainingInvitation, TrainingSession
from ...policies import authorize, scope
from ...services import training as service
from ..actions import submit
from ..listing import paginate, search
from ..routing import Routes
from .forms import PreparationForm, TrainingForm

routes = Routes()
register = routes.register


def _invitable():
    stmt = scope(current_user, select(Organisation).where(Organisation.kind.in_(service.TRAINED_KINDS),
                                                          Organisation.status == "active"), Organisation)
    return db.session.scalars(stmt.order_by(Organisation.kind, Organisation.code)).all()


@routes.route("/training", methods=["GET", "POST"])
def trainings():
    authorize(current_user, "list", TrainingSession)
    form = TrainingForm()
    orgs = _invitable()
    form.orgs.choices = [(o.id, f"{o.code} {o.name}") for o in orgs]
    if request.method == "POST":
        authorize(current_user, "create", TrainingSession)
        done = submit(form, lambda f: service.create_session(
            title=f.title.data, held_on=f.held_on.data, place=f.place.data or "", topic=f.topic.data or "",
            max_score=f.max_score.data, orgs=[o for o in orgs if o.id in f.orgs.data], by=current_user),
            lambda session: _("培训已创建，已邀请 %(n)s 人。", n=len(session.invitations)))
        if done:
            return redirect(url_for(".training", session_id=done.value.id))
    stmt = scope(current_user, select(TrainingSession), TrainingSession)
    stmt = search(stmt, [TrainingSession.title, TrainingSession.place], request.args.get("q"))
    page = paginate(stmt.order_by(TrainingSession.held_on.desc(), TrainingSession.id.desc()))
    counts = {sid: (n, came or 0) for sid, n, came in db.session.execute(
        select(TrainingInvitation.session_id, func.count(),
               func.sum(case((TrainingInvitation.attended.is_(True), 1), else_=0)))
        .where(TrainingInvitation.session_id.in_([s.id for s in page.items]))
        .group_by(TrainingInvitation.session_id))}
    return render_template("manufacturer/trainings.html", page=page, form=form, counts=counts)


@routes.route("/training/<int:session_id>", methods=["GET", "POST"])
def training(session_id):
    session = authorize(current_user, "view", db.session.get(TrainingSession, session_id))
    form = FlaskForm()
    # only the invitations of organisations in the user's regions are shown, and recorded
    invitations = db.session.scalars(scope(current_user, select(TrainingInvitation).where(
        TrainingInvitation.session_id == session.id), TrainingInvitation)
        .options(selectinload(TrainingInvitation.org), selectinload(TrainingInvitation.user))
        .order_by(TrainingInvitation.org_id, TrainingInvitation.id)).all()
    if request.method == "POST":
        authorize(current_user, "record", session)
        attended = {i.id for i in invitations if request.form.get(f"attended-{i.id}") == "1"}
        scores = {i.id: request.form.get(f"score-{i.id}", "") for i in invitations}
        if submit(form, lambda f: service.record_all(invitations, attended, scores), _("出勤和成绩已保存。")):
            return redirect(url_for(".training", session_id=session.id))
    return render_template("manufacturer/training.html", session=session, invitations=invitations, form=form)


@routes.route("/dealers/<int:org_id>/preparation", methods=["GET", "POST"])
def dealer_preparation(org_id):
    org = authorize(current_user, "supervise", db.session.get(Organisation, org_id))
    form = PreparationForm()
    if request.method == "POST":
        authorize(current_user, "audit_preparation", org)
        if submit(form, lambda f: service.audit_preparation(
                org, audited_on=f.audited_on.data, remark=f.remark.data or "",
                results={i: request.form.get(f"item-{i}") == "1" for i in PREPARATION_ITEMS},
                notes={i: request.form.get(f"note-{i}", "") for i in PREPARATION_ITEMS}, by=current_user),
                _("前期准备审核已保存。")):
            return redirect(url_for(".dealer_preparation", org_id=org.id))
    audits = db.session.scalars(scope(current_user, select(PreparationAudit).where(PreparationAudit.org_id == org.id),
                                      PreparationAudit).order_by(PreparationAudit.audited_on.desc(),
                                                                 PreparationAudit.id.desc())).all()
    return render_template("manufacturer/preparation.html", org=org, audits=audits, form=form,
                           items=PREPARATION_ITEMS)
