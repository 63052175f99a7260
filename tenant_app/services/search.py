"""One search box for everything a person may see: customers (name, contact, a phone typed any
way or its last digits), vehicles (VIN whole or its last 6 or 8 characters, plate), opportunities
(by customer), organisations (for the maker's staff). Every statement goes through
`scoped(stmt, Model)`, the caller's policy scope (services import no policies)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from ..extensions import db
from ..models import Customer, Opportunity, Organisation, Vehicle
from .hostile import BIDI_CONTROLS
from .ledger import phone_digits

PER_KIND = 20
MAX_QUERY = 60


@dataclass
class Found:
    kind: str
    rows: list
    more: bool


def clean(q: str) -> str:
    """What is searched: trimmed, without control or bidi characters, bounded."""
    q = BIDI_CONTROLS.sub("", "".join(ch for ch in (q or "") if ch.isprintable()))
    return q.strip()[:MAX_QUERY]


def _vin_like(q: str) -> str | None:
    text = q.replace(" ", "").upper()
    if 6 <= len(text) <= 17 and text.isascii() and text.isalnum():
        return text
    return None


def search(q: str, scoped, *, ledger: bool, vehicles: bool, orgs: bool) -> list[Found]:
    """The kinds this person's party has (ledger: customers and opportunities; vehicles; orgs)."""
    q = clean(q)
    if len(q) < 2:
        return []
    out = []
    if ledger:
        like = [Customer.name.contains(q, autoescape=True), Customer.contact_name.contains(q, autoescape=True)]
        digits = phone_digits(q)
        if len(digits) >= 4:  # a phone typed any way: its digits, anywhere in the stored normal form
            like.append(Customer.phone_key.contains(digits, autoescape=True))
        # The ids first: the ledger's covering index answers the match without the table (an
        # index-only scan); then the page's few customers by id. Selecting whole rows in one
        # query read the table row of every customer the search passed over (74 ms against 4).
        ids = db.session.scalars(scoped(select(Customer.id).where(or_(*like)), Customer)
                                 .order_by(Customer.name, Customer.id).limit(PER_KIND + 1)).all()
        rows = db.session.scalars(select(Customer).where(Customer.id.in_(ids))
                                  .order_by(Customer.name, Customer.id)).all() if ids else []
        out.append(Found("customers", rows[:PER_KIND], len(rows) > PER_KIND))
        opps = db.session.execute(scoped(select(Opportunity, Customer.name).join(
            Customer, Customer.id == Opportunity.customer_id).where(Customer.name.contains(q, autoescape=True)),
            Opportunity).order_by(Opportunity.id.desc()).limit(PER_KIND + 1)).all()
        out.append(Found("opportunities", opps[:PER_KIND], len(opps) > PER_KIND))
    if vehicles:
        vin = _vin_like(q)
        match = [Vehicle.plate.contains(q.upper(), autoescape=True)]
        if vin:  # the whole VIN, or its last characters as stations read them off the plate
            match.append(Vehicle.vin.endswith(vin, autoescape=True) if len(vin) < 17 else Vehicle.vin == vin)
        rows = db.session.scalars(scoped(select(Vehicle).where(or_(*match)), Vehicle)
                                  .order_by(Vehicle.id.desc()).limit(PER_KIND + 1)).all()
        out.append(Found("vehicles", rows[:PER_KIND], len(rows) > PER_KIND))
    if orgs:
        rows = db.session.scalars(scoped(select(Organisation).where(or_(
            Organisation.name.contains(q, autoescape=True), Organisation.code.contains(q.upper(), autoescape=True))),
            Organisation).order_by(Organisation.code).limit(PER_KIND + 1)).all()
        out.append(Found("orgs", rows[:PER_KIND], len(rows) > PER_KIND))
    return out
