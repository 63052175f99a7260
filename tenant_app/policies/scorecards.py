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
    """Held by the manufacturer; an invited organisation sees the session and its own people;
    a supervisor limited to regions the sessions that invited an organisation of theirs."""

    model = TrainingSession

    def can_list(self, user, _):
        return True

    def can_view(self, user, session):
        if isinstance(session, type):
            return True
        if is_maker(user):
            return any(in_regions(user, i.org) for i in session.invitations) or not session.invitations
        return any(i.org_id == user.org_id for i in session.invitations)

    def can_create(self, user, _):
        return is_maker(user) and user.has_role("network_admin", "supervisor")

    def can_record(self, user, session):
        return self.can_create(user, session) and self.can_view(user, session)

    can_edit = can_record

    def scope(self, user, stmt):
        invited = own_or_regions(TrainingInvitation, user, select(TrainingInvitation.session_id))
        if is_maker(user) and (not user.regions or user.has_role("network_admin")):
            return stmt
        return stmt.where(TrainingSession.id.in_(invited))


class TrainingInvitationPolicy(Policy):
    """An invitation: its organisation's, and the maker's staff for organisations in their regions
    (only those they may record attendance and scores for)."""

    model = TrainingInvitation

    def can_view(self, user, inv):
        return inv.org_id == user.org_id or (is_maker(user) and in_regions(user, inv.org))

    def can_record(self, user, inv):
        return _supervises(user, inv.org)

    def scope(self, user, stmt):
        return own_or_regions(TrainingInvitation, user, stmt)


class PreparationAuditPolicy(Policy):
    model = PreparationAudit

    def can_list(self, user, _):
        return True

    def can_view(self, user, audit):
        return audit.org_id == user.org_id or (is_maker(user) and in_regions(user, audit.org))

    def scope(self, user, stmt):
        return own_or_regions(PreparationAudit, user, stmt)



