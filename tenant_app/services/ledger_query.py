"""The ledger's filtered, sorted, keyset-paginated list; shared by the page, the export and the benchmark."""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime
import json

from sqlalchemy import func, or_, select, tuple_

from ..models import Customer, FleetEntry
from .hostile import db_int
from .ledger import phone_digits

FILTERS = ("segment", "klass", "transport_type", "source", "responsible_id", "intent_level", "kind")
SORTS = {  # key -> (column, descending by default)
    "name": (Customer.name, False),
    "first_contact": (Customer.first_contact_on, True),
    "heavy": (Customer.heavy_units, True),
    "updated": (Customer.updated_at, True),
}
EPOCH = date(1900, 1, 1)
NOBODY = "none"  # responsible_id=none: no sales manager yet


@dataclass
class LedgerQuery:
    q: str = ""
    region: str = ""
    brand_id: int | None = None
    sort: str = "name"
    after: str = ""
    filters: dict = field(default_factory=dict)
    org_id: int | None = None  # the ledger's organisation: lets the brand filter read only its lines

    @classmethod
    def from_args(cls, args, org_id: int | None = None) -> "LedgerQuery":
        filters = {}
        for name in FILTERS:
            value = args.get(name, "").strip()
            if value == NOBODY and name == "responsible_id":
                filters[name] = NOBODY  # customers without a sales manager
            elif value and name in ("responsible_id", "intent_level"):
                if value.isascii() and value.isdecimal() and len(value) < 10:  # ids: anything else is no filter at all
                    filters[name] = int(value)
            elif value:
                filters[name] = value
        sort = args.get("sort", "name")
        return cls(q=args.get("q", "").strip(), region=args.get("region", "").strip(),
                   brand_id=args.get("brand_id", type=db_int), sort=sort if sort in SORTS else "name",
                   after=args.get("after", ""), filters=filters, org_id=org_id)

    def args(self) -> dict:
        """The filter and sort as query arguments (the cursor left out): links and the bulk form carry them."""
        args = {"q": self.q, "region": self.region, "brand_id": self.brand_id or "",
                "sort": self.sort if self.sort != "name" else "", **self.filters}
        return {k: v for k, v in args.items() if v not in ("", None)}

    def where(self, stmt):
        for name, value in self.filters.items():
            column = getattr(Customer, name)
            stmt = stmt.where(column.is_(None) if value == NOBODY else column == value)
        if self.region:
            stmt = stmt.where(Customer.region.contains(self.region, autoescape=True))
        if self.q:
            like = [Customer.name.contains(self.q, autoescape=True),
                    Customer.contact_name.contains(self.q, autoescape=True)]
            digits = phone_digits(self.q)
            if len(digits) >= 4:
                like.append(Customer.phone_key.contains(digits, autoescape=True))
            stmt = stmt.where(or_(*like))
        if self.brand_id:
            # the dealer's own lines of that brand (FleetEntry.org_id), then its customers by id
            owner = self.org_id if self.org_id is not None else Customer.org_id
            lines = select(FleetEntry.customer_id).where(FleetEntry.brand_id == self.brand_id,
                                                         FleetEntry.org_id == owner)
            stmt = stmt.where(Customer.id.in_(lines))
        return stmt

    def _key(self):
        column, desc = SORTS[self.sort]
        if self.sort == "first_contact":
            column = func.coalesce(column, EPOCH)
        return column, desc

    def page(self, session, stmt, per_page: int):
        """stmt: the policy-scoped select(Customer). Returns (customers, next cursor or '')."""
        column, desc = self._key()
        stmt = self.where(stmt)
        if self.after:
            value, last_id = _decode(self.after)
            expected = {"name": str, "heavy": int, "first_contact": date, "updated": datetime}[self.sort]
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ValueError("cursor of another sort")
            # A row comparison, so the planner can seek into the (…, key, id) index.
            key = tuple_(column, Customer.id)
            stmt = stmt.where(key < tuple_(value, last_id) if desc else key > tuple_(value, last_id))
        order = (column.desc(), Customer.id.desc()) if desc else (column.asc(), Customer.id.asc())
        # Two steps: the page's ids from the index alone, then those rows by primary key.
        ids = session.scalars(stmt.with_only_columns(Customer.id).order_by(*order).limit(per_page + 1)).all()
        more = len(ids) > per_page
        ids = ids[:per_page]
        by_id = {c.id: c for c in session.scalars(stmt.where(Customer.id.in_(ids)))} if ids else {}
        rows = [by_id[i] for i in ids if i in by_id]
        return rows, (self.cursor_for(rows[-1]) if more and rows else "")

    def cursor_for(self, customer: Customer) -> str:
        value = {"name": customer.name, "first_contact": customer.first_contact_on or EPOCH,
                 "heavy": customer.heavy_units, "updated": customer.updated_at}[self.sort]
        return _encode(value, customer.id)


def _encode(value, last_id: int) -> str:
    if isinstance(value, datetime):
        tagged = ["dt", value.isoformat()]
    elif isinstance(value, date):
        tagged = ["d", value.isoformat()]
    else:
        tagged = ["v", value]
    return base64.urlsafe_b64encode(json.dumps([tagged, last_id]).encode()).decode().rstrip("=")


def _decode(cursor: str):
    try:
        (tag, raw), last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        value = {"dt": datetime.fromisoformat, "d": date.fromisoformat}.get(tag, lambda v: v)(raw)
        if not isinstance(value, (str, int, date)) or isinstance(value, bool) or \
                (isinstance(value, str) and "\x00" in value) or \
                (isinstance(value, int) and not -2**31 < value < 2**31) or not 0 <= int(last_id) < 2**31:
            raise ValueError("bad cursor")
        return value, int(last_id)
    except (ValueError, TypeError, json.JSONDecodeError):
        raise ValueError("bad cursor")


def counts(stmt_scoped, query: LedgerQuery) -> dict:
    """Customers per (class, segment) under the current filter."""
    base = query.where(stmt_scoped.with_only_columns(Customer.klass, Customer.segment, func.count()))
    return base.group_by(Customer.klass, Customer.segment)
