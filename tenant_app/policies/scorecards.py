"""Training, preparation audits and scorecards: the manufacturer runs them (supervisors in
their regions); a party sees its own, and its heads appeal their scorecard."""
from sqlalchemy import select

from ..models import (Appeal, Evaluation, EvaluationSchedule, PreparationAudit, Scorecard,
                      ScorecardTemplate, TrainingInvitation, TrainingSession)
from .base import Policy, in_regions, is_maker, is_network_admin, own_or_regions

HEADS = ("general_manager", "brand_manager", "manager")


def _supervises(user, org) -> bool:
    return is_maker(user) and user.has_role("network_admin", "supervisor") and in_regions(user, org)


class ScorecardTemplatePolicy(Policy):
    model = ScorecardTemplate

    def can_view(self, user, _):
        return is_maker(user)

    can_list = can_view

    def can_edit(self, user, tpl):
        return is_network_admin(user) and (isinstance(tpl, type) or tpl.status == "draft")

    def scope(self, user, stmt):
        return stmt if is_maker(user) else stmt.where(False)


class EvaluationSchedulePolicy(Policy):
    model = EvaluationSchedule

    def can_edit(self, user, _):
        return is_network_admin(user)

    def scope(self, user, stmt):
        return stmt if is_maker(user) else stmt.where(False)


class EvaluationPolicy(Policy):
    model = Evaluation

    def can_view(self, user, _):
        return is_maker(user)

    can_list = can_view

    def can_create(self, user, _):
        return is_network_admin(user)

    can_render = can_create

    def can_rank(self, user, _):
        """The network's whole ranking: not for a supervisor limited to regions."""
        return is_maker(user) and (not user.regions or user.has_role("network_admin"))

    def scope(self, user, stmt):
        return stmt if is_maker(user) else stmt.where(False)


class ScorecardPolicy(Policy):
    model = Scorecard

    def can_list(self, user, _):
        return True

    def can_view(self, user, card):
        return card.org_id == user.org_id or (is_maker(user) and in_regions(user, card.org))

    can_download = can_view

    def can_appeal(self, user, card):
        return card.org_id == user.org_id and user.has_role(*HEADS)

    def can_deduct(self, user, card):
        return _supervises(user, card.org)

    def scope(self, user, stmt):
        return own_or_regions(Scorecard, user, stmt)


class AppealPolicy(Policy):
    model = Appeal

    def can_list(self, user, _):
        return is_maker(user)

    def can_view(self, user, appeal):
        return appeal.org_id == user.org_id or (is_maker(user) and in_regions(user, appeal.scorecard.org))

    def can_resolve(self, user, appeal):
        return appeal.status == "open" and _supervises(user, appeal.scorecard.org)

    def scope(self, user, stmt):
        return own_or_regions(Appeal, user, stmt)


class TrainingSessionPolicy(Policy):
    """Held by the manufacturer; an invited organisation sees the session and its own people."""

    model = TrainingSession

    def can_list(self, user, _):
        return True

    def can_view(self, user, session):
        if isinstance(session, type):
            return True
        return is_maker(user) or any(i.org_id == user.org_id for i in session.invitations)

    def can_create(self, user, _):
        return is_maker(user) and user.has_role("network_admin", "supervisor")

    can_edit = can_record = can_create

    def scope(self, user, stmt):
        if is_maker(user):
            return stmt
        return stmt.where(TrainingSession.id.in_(select(TrainingInvitation.session_id)
                                                 .where(TrainingInvitation.org_id == user.org_id)))


class TrainingInvitationPolicy(Policy):
    model = TrainingInvitation

    def can_view(self, user, inv):
        return inv.org_id == user.org_id or is_maker(user)

    def scope(self, user, stmt):
        return stmt if is_maker(user) else stmt.where(TrainingInvitation.org_id == user.org_id)


class PreparationAuditPolicy(Policy):
    model = PreparationAudit

    def can_list(self, user, _):
        return True

    def can_view(self, user, audit):
        return audit.org_id == user.org_id or (is_maker(user) and in_regions(user, audit.org))

    def scope(self, user, stmt):
        return own_or_regions(PreparationAudit, user, stmt)



