"""The organisation's training sessions, attendance and scores, and the manufacturer's preparation audits."""
from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import PreparationAudit, TrainingInvitation, TrainingSession
from ...policies import authorize, scope
from ..routing import Routes

routes = Routes()
register = routes.register


@routes.route("/training")
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
