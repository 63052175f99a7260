"""The customer ledger: normalisation, derivations from the fleet, duplicates, create/update/merge."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Customer, FleetEntry, Stakeholder
from ..models.customers import GENERAL_MAJOR_UNITS, KEY_MAJOR_UNITS
from ..tenancy import listen_once
from .errors import DomainError
from .brands import BrandResolver, ModelResolver
from .phones import normalise_phone

_PUNCT = re.compile(r"[\s·.,，。、()（）\-_/]+")


def name_key(name: str) -> str:
    """Names that differ only in width, spaces, punctuation or case are the same customer."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", name or "")).casefold()[:120]


_LINE_BREAKS = re.compile(r"[\t\r\n\v\f\u2028\u2029\x85]+")


def one_line(text) -> str:
    """A one-line field's text: tabs and line breaks pasted in become spaces; no stray spaces around it."""
    return _LINE_BREAKS.sub(" ", str(text if text is not None else "")).strip()


def phone_digits(phone: str) -> str:
    """138 1234 5678, 138-1234-5678, +86 13812345678 and full-width digits → 13812345678."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits[:20]


# --- derivations ---------------------------------------------------------------------
@dataclass(frozen=True)
class Derived:
    segment: str
    klass: str
    heavy_units: int
    own_units: int
    own_since: int | None
    fleet_since: int | None
    last_bought: int | None


def derive_from(rows, industry_major: bool) -> Derived:
    """rows: (is_own, quantity, heavy, since) per fleet line. Pure, so it is property-tested.

    segment: own_old if any of our trucks, rival_old if any other brand's (an unknown
    brand counts as a rival's), else new. class: the industry flag wins; otherwise heavy
    trucks held ≥ 20 key_major, ≥ 5 general_major, else retail (slide 17)."""
    own = sum(q for is_own, q, _, _ in rows if is_own and q > 0)
    other = sum(q for is_own, q, _, _ in rows if not is_own and q > 0)
    heavy = sum(q for _, q, h, _ in rows if h and q > 0)
    segment = "own_old" if own else "rival_old" if other else "new"
    if industry_major:
        klass = "industry_major"
    elif heavy >= KEY_MAJOR_UNITS:
        klass = "key_major"
    elif heavy >= GENERAL_MAJOR_UNITS:
        klass = "general_major"
    else:
        klass = "retail"
    own_years = [s for is_own, q, _, s in rows if is_own and q > 0 and s]
    all_years = [s for _, q, _, s in rows if q > 0 and s]
    return Derived(segment, klass, heavy, own, min(own_years, default=None), min(all_years, default=None),
                   max(all_years, default=None))


def derive(customer: Customer) -> None:
    rows = [(bool(e.brand and e.brand.is_own), e.quantity or 0, e.heavy, e.since) for e in customer.fleet]
    d = derive_from(rows, customer.industry_major)
    customer.segment, customer.klass, customer.heavy_units = d.segment, d.klass, d.heavy_units
    customer.own_units, customer.own_since, customer.fleet_since = d.own_units, d.own_since, d.fleet_since
    customer.last_bought = d.last_bought


def _keep_derivations(session, flush_context, instances):
    """Whatever changed a fleet, the customer's derived fields follow before it is written."""
    touched = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Customer) and obj not in session.deleted:
            touched.add(obj)
        elif isinstance(obj, FleetEntry) and obj.customer is not None and obj.customer not in session.deleted:
            touched.add(obj.customer)
    with session.no_autoflush:
        _resolve_models(session, [e for c in touched for e in c.fleet])
        for customer in touched:
            for entry in customer.fleet:
                entry.org_id = customer.org_id
            customer.name_key = name_key(customer.name)
            customer.phone_key = phone_digits(customer.phone)
            derive(customer)


def _resolve_models(session, entries) -> None:
    """Each new or changed fleet line points at its brand's model (a new one if nobody listed it)."""
    def stale(e):
        if e.brand is None or not (e.model or "").strip():
            return e.truck_model is not None
        state = inspect(e)
        return (e.truck_model is None or e.truck_model.brand is not e.brand
                or state.attrs.model.history.has_changes())
    entries = [e for e in entries if stale(e)]
    if not entries:
        return
    resolver = ModelResolver(session, brand_ids={e.brand.id for e in entries if e.brand is not None})
    for e in entries:
        model = resolver.resolve(e.brand, e.model) if (e.model or "").strip() else None
        if e.truck_model is not model:
            e.truck_model = model


def init_app(app) -> None:
    """Keep the derived fields of every customer a flush writes (registered by create_app)."""
    listen_once(Session, "before_flush", _keep_derivations)


# --- duplicates ----------------------------------------------------------------------
class DuplicateCustomer(DomainError):
    def __init__(self, existing: Customer, field: str):
        self.existing, self.field = existing, field
        if field == "phone":
            message = _l("本单位台帐中已有电话相同的客户：%(name)s", name=existing.name)
        else:
            message = _l("本单位台帐中已有名称相同的客户：%(name)s", name=existing.name)
        super().__init__(str(message))


def find_duplicate(org_id: int, name: str, phone: str, exclude_id: int | None = None):
    """(existing customer, 'name' | 'phone') or None."""
    key, digits = name_key(name), phone_digits(phone)
    conds = [Customer.name_key == key]
    if digits:
        conds.append(Customer.phone_key == digits)
    stmt = select(Customer).where(Customer.org_id == org_id, or_(*conds))
    if exclude_id:
        stmt = stmt.where(Customer.id != exclude_id)
    existing = db.session.scalars(stmt.limit(1)).first()
    if existing is None:
        return None
    return existing, ("name" if existing.name_key == key else "phone")


# --- create / update / merge -----------------------------------------------------------
CUSTOMER_FIELDS = ("kind", "name", "region", "transport_type", "nature", "contact_name", "phone", "phone2",
                   "address", "industry", "use", "source", "informant", "first_contact_on", "notes",
                   "industry_major", "responsible_id")


def set_fleet(customer: Customer, rows: list[dict], resolver: BrandResolver | None = None) -> None:
    """Replace the fleet with rows of {brand, model, quantity, heavy, since}."""
    resolver = resolver or BrandResolver()
    customer.fleet = [
        FleetEntry(network_id=customer.network_id, brand=resolver.resolve(r["brand"]), brand_text=r["brand"].strip(),
                   model=(r.get("model") or "").strip(), quantity=int(r.get("quantity") or 0),
                   heavy=bool(r.get("heavy", True)), since=r.get("since"))
        for r in rows if (r.get("brand") or "").strip()
    ]


PHONE_FIELDS = ("phone", "phone2")


def _normalised(data: dict) -> dict:
    """Phones in their stored form (services.phones); NotAPhone, a DomainError, when one is not a phone."""
    return {**data, **{f: normalise_phone(data[f]) for f in PHONE_FIELDS if f in data}}


def create_customer(org, data: dict, fleet: list[dict] = (), resolver: BrandResolver | None = None) -> Customer:
    data = _normalised(data)
    dup = find_duplicate(org.id, data.get("name", ""), data.get("phone", ""))
    if dup:
        raise DuplicateCustomer(*dup)
    customer = Customer(network_id=org.network_id, org_id=org.id,
                        **{k: v for k, v in data.items() if k in CUSTOMER_FIELDS})
    set_fleet(customer, list(fleet), resolver)
    db.session.add(customer)
    return customer


def update_customer(customer: Customer, data: dict, fleet: list[dict] | None = None) -> None:
    data = _normalised(data)
    dup = find_duplicate(customer.org_id, data.get("name", customer.name), data.get("phone", customer.phone),
                         exclude_id=customer.id)
    if dup:
        raise DuplicateCustomer(*dup)
    for k, v in data.items():
        if k in CUSTOMER_FIELDS:
            setattr(customer, k, v)
    for waiting in [p for p in customer.pending if p.field in data]:
        customer.pending.remove(waiting)  # a value chosen from the list replaces the one waiting to be classified
    if fleet is not None:
        set_fleet(customer, fleet)


def merge_customers(keep: Customer, duplicate: Customer) -> None:
    """Fold a duplicate that slipped in into keep: its fleet and stakeholders move,
    empty fields are filled from it, its notes are appended; then it is deleted."""
    if keep.id == duplicate.id or keep.org_id != duplicate.org_id:
        raise ValueError("merge needs two customers of one organisation")
    for field in CUSTOMER_FIELDS:
        if field not in ("name", "notes", "industry_major") and not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    if duplicate.notes:
        keep.notes = (keep.notes + "\n" if keep.notes else "") + duplicate.notes
    keep.industry_major = keep.industry_major or duplicate.industry_major
    # No autoflush while children move: a flush between "removed" and "added" would delete them as orphans.
    with db.session.no_autoflush:
        for entry in list(duplicate.fleet):
            entry.customer = keep
        for person in list(duplicate.stakeholders):
            person.customer = keep
    # The work history moves too: the database would otherwise cascade it away.
    from ..models import AfterSaleTask, Callback, CallbackItem, Opportunity
    for model in (Callback, CallbackItem, Opportunity, AfterSaleTask):
        for row in db.session.scalars(select(model).where(model.customer_id == duplicate.id)):
            row.customer_id = keep.id
    db.session.flush()
    db.session.delete(duplicate)
    db.session.flush()
    refresh_intent(keep)


def refresh_intent(customer: Customer) -> None:
    """The customer's intent level is its most urgent open opportunity's."""
    from ..models import Opportunity
    from ..models.deals import OPEN_STAGES
    levels = db.session.scalars(select(Opportunity.intent_level).where(
        Opportunity.customer_id == customer.id, Opportunity.stage.in_(OPEN_STAGES),
        Opportunity.intent_level.is_not(None))).all()
    customer.intent_level = min(levels, default=None)


def add_stakeholder(customer: Customer, data: dict) -> Stakeholder:
    data = {**data, "phone": normalise_phone(data.get("phone"))}
    person = Stakeholder(network_id=customer.network_id, customer=customer,
                         **{k: data[k] for k in ("role", "name", "phone", "cares_about", "influence",
                                                 "relationship_notes") if k in data})
    db.session.add(person)
    return person
