from sqlalchemy import or_

from ..models import (Announcement, Brand, CallbackCheck, Network, Organisation, Target, TruckModel, VerificationSample,
                      VocabularyAlias)
from .base import Policy, in_regions, is_maker, is_network_admin, own_or_regions


class NetworkPolicy(Policy):
    """The network itself: its settings are its network administrators' to change."""

    model = Network

    def can_view(self, user, network):
        return network.id == user.network_id

    def can_edit(self, user, network):
        return network.id == user.network_id and is_network_admin(user)

    def scope(self, user, stmt):
        return stmt.where(Network.id == user.network_id)


class OrganisationPolicy(Policy):
    model = Organisation

    def can_view(self, user, org):
        if isinstance(org, type):
            return is_maker(user)
        return org.id == user.org_id or (is_maker(user) and in_regions(user, org))

    def can_list(self, user, _):
        return is_maker(user)

    def can_create(self, user, _):
        return is_network_admin(user)

    def can_edit(self, user, org):
        return is_network_admin(user)

    def can_suspend(self, user, org):
        return is_network_admin(user) and org.kind != "manufacturer"

    def can_set_targets(self, user, org):
        return self.can_supervise(user, org) and user.has_role("network_admin", "supervisor")

    def can_audit_preparation(self, user, org):
        return org.kind == "dealer" and self.can_set_targets(user, org)

    def can_supervise(self, user, org):
        """Read a dealer's (or builder's) ledger and work, audited: the maker's staff, in their regions."""
        if isinstance(org, type):
            return is_maker(user)
        return is_maker(user) and org.kind in ("dealer", "bodybuilder") and in_regions(user, org)

    def scope(self, user, stmt):
        if not is_maker(user):
            return stmt.where(Organisation.id == user.org_id)
        if user.regions and not user.has_role("network_admin"):
            return stmt.where(or_(Organisation.province.in_(user.regions), Organisation.kind == "manufacturer"))
        return stmt


class BrandPolicy(Policy):
    """The brand dictionary: the whole network reads it, network administrators keep it."""

    model = Brand

    def can_list(self, user, _):
        return True

    def can_view(self, user, brand):
        return True

    def can_edit(self, user, brand):
        return is_network_admin(user)

    can_create = can_map = can_edit

    def scope(self, user, stmt):
        return stmt


class TruckModelPolicy(BrandPolicy):
    """Models belong to the brand dictionary: read by the network, kept by its administrators."""

    model = TruckModel
    can_merge = BrandPolicy.can_edit


class VocabularyAliasPolicy(BrandPolicy):
    """The vocabulary dictionary, beside the brands: read by the network, kept by its
    administrators (a dealer adds the mappings it makes while importing, through the import)."""

    model = VocabularyAlias


class VerificationSamplePolicy(Policy):
    """Drawn and checked by the maker's staff for dealers in their regions."""

    model = VerificationSample

    def can_view(self, user, sample):
        return is_maker(user) and in_regions(user, sample.org)

    def scope(self, user, stmt):
        return own_or_regions(VerificationSample, user, stmt) if is_maker(user) else stmt.where(False)


class CallbackCheckPolicy(Policy):
    model = CallbackCheck

    def can_view(self, user, check):
        return is_maker(user) and in_regions(user, check.sample.org)

    # checking is by phone: those who check see the customer's number
    can_mark = can_view_phone = can_view

    def scope(self, user, stmt):
        return own_or_regions(CallbackCheck, user, stmt) if is_maker(user) else stmt.where(False)


class TargetPolicy(Policy):
    """The manufacturer sets targets (network administrators, and supervisors in their
    regions); a dealer sees its own and its progress."""

    model = Target

    def can_view(self, user, target):
        if isinstance(target, type):
            return True
        return target.org_id == user.org_id or (is_maker(user) and in_regions(user, target.org))

    def scope(self, user, stmt):
        return own_or_regions(Target, user, stmt)


class AnnouncementPolicy(Policy):
    """Published by network administrators; seen by the maker's staff and by the parties it
    is addressed to, whose members acknowledge it for their organisation."""

    model = Announcement

    def can_list(self, user, _):
        return True

    def can_view(self, user, ann):
        if isinstance(ann, type):
            return True
        return is_maker(user) or ann.addressed_to(user.org.kind)

    def can_create(self, user, _):
        return is_network_admin(user)

    def can_acknowledge(self, user, ann):
        return not is_maker(user) and self.can_view(user, ann)

    def scope(self, user, stmt):
        if is_maker(user):
            return stmt
        column = getattr(Announcement, f"for_{user.org.kind}", None)
        return stmt.where(column.is_(True)) if column is not None else stmt.where(False)
