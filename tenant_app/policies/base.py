"""Policy objects: who may do what to which record, and which records a list may show.

``authorize(user, action, target)`` is called once in every view (load → authorize →
act). It answers 404 for a record the user may not even see, 403 for one they may see
but not act on. A target is a record, or a model class for actions like "list"/"create".
Policies read only the user and the record, so their tests need no database.
"""
from __future__ import annotations

from flask import abort, g

_POLICIES: dict[type, "Policy"] = {}


class Policy:
    model: type | None = None

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.__dict__.get("model") is not None:  # shared bases name no model
            _POLICIES[cls.model] = cls()

    def can(self, user, action: str, target) -> bool:
        handler = getattr(self, f"can_{action}", None)
        return bool(handler and handler(user, target))

    def scope(self, user, stmt):
        raise NotImplementedError


def policy_for(target) -> Policy:
    cls = target if isinstance(target, type) else type(target)
    for klass in cls.__mro__:
        if klass in _POLICIES:
            return _POLICIES[klass]
    raise LookupError(f"no policy for {cls.__name__}")


def can(user, action: str, target) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not isinstance(target, type) and getattr(target, "network_id", user.network_id) != user.network_id:
        return False
    return policy_for(target).can(user, action, target)


def authorize(user, action: str, target):
    """Abort unless user may do action on target; marks the request as authorized."""
    g.authorized = True
    if target is None:
        abort(404)
    if can(user, action, target):
        return target
    if isinstance(target, type) or action == "view" or not can(user, "view", target):
        abort(404 if not isinstance(target, type) else 403)
    abort(403)


def scope(user, stmt, model: type):
    """The records of model that user may list, as a narrowed select."""
    g.authorized = True
    return policy_for(model).scope(user, stmt)


def skip_authorization():
    """For views that show only the user's own data (home pages, own password)."""
    g.authorized = True


# Role helpers shared by the policies.
def is_maker(user) -> bool:
    return user.org.kind == "manufacturer"


def is_network_admin(user) -> bool:
    return is_maker(user) and user.has_role("network_admin")


def is_org_head(user) -> bool:
    """The head of a party: sees everything of their own organisation."""
    return user.has_role("general_manager", "manager")


def own_or_regions(model, user, stmt):
    """Rows of model (which has org_id) a user may list: the maker's staff those of organisations
    in their regions (all for unrestricted staff), anyone else their own organisation's."""
    from sqlalchemy import select

    from ..models import Organisation
    if not is_maker(user):
        return stmt.where(model.org_id == user.org_id)
    if user.regions and not user.has_role("network_admin"):
        return stmt.where(model.org_id.in_(select(Organisation.id).where(Organisation.province.in_(user.regions))))
    return stmt


def in_regions(user, org) -> bool:
    """A supervisor limited to regions sees only organisations in those provinces."""
    if not user.regions or user.has_role("network_admin"):
        return True
    return org.kind == "manufacturer" or org.province in user.regions
