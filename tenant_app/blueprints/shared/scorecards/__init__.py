"""What a scorecard page shows, for the dealer (org/) and the manufacturer (manufacturer/): the card's
context and its templates (the card, the appeals), mounted by both with register(bp)."""
from datetime import date

from sqlalchemy import select

from ....extensions import db
from ....models import Deduction, Organisation, Scorecard
from ....services import scorecards
from ....services.scoring import RULES
from ...routing import Routes

routes = Routes(__name__)
register = routes.register


def card_context(card: Scorecard) -> dict:
    deductions = db.session.scalars(select(Deduction).where(Deduction.evaluation_id == card.evaluation_id,
                                                            Deduction.org_id == card.org_id)
                                    .order_by(Deduction.id)).all()
    until = scorecards.appeal_open_until(card)
    return {"card": card, "evaluation": card.evaluation, "template": card.template, "deductions": deductions,
            "appeal_until": until, "appeal_open": date.today() <= until, "rules": RULES,
            "pdf_ready": card.pdf_revision == card.revision and bool(card.pdf_sha256),
            "network_size": db.session.scalar(select(db.func.count(Scorecard.id)).join(
                Organisation, Organisation.id == Scorecard.org_id).where(
                Scorecard.evaluation_id == card.evaluation_id, Organisation.kind == card.org.kind))}
