"""A checked ledger file against the ledger: which rows are new, which update a customer
(and what changes), which change nothing; then writing it all in bulk.

The rule of a re-import (README, the import page): a row is the ledger's customer with the
same phone, or else with the same name (ignoring width, spaces, punctuation). It updates
that customer: every cell the file fills replaces the stored value, a cell it leaves empty
keeps it; fleet lines given in the row replace the customer's lines (a line of the same
brand and model keeps its heavy-truck flag and its year when the file gives none), a row
with no fleet lines keeps the fleet. A row whose phone is one customer's and name another's
is refused. Nothing changes without being shown in the preview, and every update is audited
with what it changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, delete, insert, select

from ..extensions import db
from ..models import AuditEntry, Brand, Customer, FleetEntry, PendingValue, User
from ..models.base import utcnow
from .brands import BrandResolver, ModelResolver, brand_key, model_key
from .ledger import CUSTOMER_FIELDS, derive_from, name_key, phone_digits
from .vocabulary import VOCABULARIES, term_key

BATCH = 1000
COMPARE_BATCH = 2000  # customers read back per round trip when comparing (fewer round trips, bounded memory)


@dataclass(slots=True)
class Problem:
    row: int
    column: str
    message: str
    kind: str = "other"
    cell: str = ""  # A1-style, "" when the problem is the row's or the file's
    value: str = ""  # as written


@dataclass(slots=True)
class ParsedRow:
    """One row of the file. After compare() a row keeps what writing needs (final, final_fleet,
    pending, settles), not what it was read as (data, and the fleet of a known customer):
    a re-import holds tens of thousands of them."""
    row: int
    data: dict  # the fields the row fills (empty cells left out)
    fleet: list[dict]
    has_fleet: bool = False  # the row gives fleet lines: they replace the customer's
    pending: dict = field(default_factory=dict)  # field → the value as written, nobody's dictionary knew it
    match_id: int | None = None  # the ledger's customer this row is
    status: str = "new"  # new | updated | unchanged
    changes: dict = field(default_factory=dict)  # field → [old, new] (stored values)
    final: dict = field(default_factory=dict)  # every customer field as it will be saved
    final_fleet: list | None = None  # the lines to save; None: the customer's stay
    derived: tuple = ()  # (segment, klass) as they will be saved
    settles: tuple = ()  # controlled fields the file writes: what waited in them to be classified goes


@dataclass
class ImportReport:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)  # imported, but worth a look (a date nobody can read ...)
    pending: dict = field(default_factory=dict)  # (field, key) → {"field", "text", "rows"}
    layout: str = ""
    header_rows: int = 0  # rows above the data (1 or 2, after any title rows)
    columns: int = 0  # the widest header row: where a 问题 column goes
    imported: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def add(self, row: int, column: str, message, kind: str = "other", cell: str = "", value="") -> None:
        self.problems.append(Problem(row, column, str(message), kind, cell, str(value or "")))

    def notice(self, row: int, column: str, message, kind: str, cell: str = "", value="") -> None:
        self.notices.append(Problem(row, column, str(message), kind, cell, str(value or "")))

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


_COLUMN_DEFAULTS = {"kind": "unit", "region": "", "transport_type": "", "nature": "", "contact_name": "", "phone": "",
                    "phone2": "", "address": "", "industry": "", "use": "", "source": "", "informant": "",
                    "notes": "", "industry_major": False, "first_contact_on": None, "responsible_id": None}
UPDATED_COLUMNS = (*CUSTOMER_FIELDS, "intent_level", "name_key", "phone_key", "segment", "klass", "heavy_units",
                   "own_units", "own_since", "fleet_since", "last_bought", "updated_at")
COMPARED = (*CUSTOMER_FIELDS, "intent_level")


def _line_key(brand_text: str, model: str) -> tuple[str, str]:
    return brand_key(brand_text), model_key(model)


def _summary(lines) -> str:
    return "；".join(f"{line['brand']} {line['model']} ×{line['quantity']}".replace("  ", " ") for line in lines)


def compare(report: ImportReport, org, brand_is_own: dict[str, bool]) -> None:
    """Each row's status, final values, changes and derived segment and class (reads only)."""
    matched = [r for r in report.rows if r.match_id is not None]
    for r in report.rows:
        if r.match_id is None:
            final = {k: r.data.get(k, _COLUMN_DEFAULTS.get(k)) for k in CUSTOMER_FIELDS}
            final["intent_level"] = r.data.get("intent_level")
            for f in r.pending:
                final[f] = _COLUMN_DEFAULTS.get(f)
            r.final, r.final_fleet = final, r.fleet
            r.derived = _derived(r.fleet, final["industry_major"], brand_is_own)
            r.data = {}
    for start in range(0, len(matched), COMPARE_BATCH):
        chunk = matched[start:start + COMPARE_BATCH]
        ids = [r.match_id for r in chunk]
        stored = {row.id: row for row in db.session.execute(
            select(Customer.id, *[getattr(Customer, k) for k in COMPARED]).where(Customer.id.in_(ids),
                                                                                 Customer.org_id == org.id))}
        lines: dict[int, list] = {i: [] for i in ids}
        for cid, text, model, qty, heavy, since, is_own in db.session.execute(
                select(FleetEntry.customer_id, FleetEntry.brand_text, FleetEntry.model, FleetEntry.quantity,
                       FleetEntry.heavy, FleetEntry.since, Brand.is_own)
                .outerjoin(Brand, Brand.id == FleetEntry.brand_id)
                .where(FleetEntry.customer_id.in_(ids)).order_by(FleetEntry.id)):
            lines[cid].append({"brand": text, "model": model, "quantity": qty, "heavy": heavy, "since": since,
                               "is_own": bool(is_own)})
        pending: dict[int, dict] = {i: {} for i in ids}
        for cid, f, text in db.session.execute(select(PendingValue.customer_id, PendingValue.field, PendingValue.text)
                                               .where(PendingValue.customer_id.in_(ids))):
            pending[cid][f] = text
        for r in chunk:
            _compare_row(r, stored[r.match_id], lines[r.match_id], pending[r.match_id], brand_is_own)


def _compare_row(r: ParsedRow, stored, old_lines: list[dict], old_pending: dict, brand_is_own) -> None:
    old = {k: getattr(stored, k) for k in COMPARED}
    final = dict(old)
    for k, v in r.data.items():
        if k in final:
            final[k] = v
    if name_key(final["name"]) == name_key(old["name"]):
        final["name"] = old["name"]  # the same name written another way (width, spaces) is no change
    changes = {k: [old[k], final[k]] for k in COMPARED if final[k] != old[k]}
    for f in VOCABULARIES:
        was, now = old_pending.get(f), r.pending.get(f)
        if now is not None:  # the file writes a value nobody knows
            # the code empties (a customer's kind cannot: it stays), the text waits
            final[f] = old[f] if f == "kind" else None if f == "intent_level" else ""
            if was is None or term_key(was) != term_key(now) or old[f]:
                changes[f] = [_pending_label(was) if was else old[f], _pending_label(now)]
            else:
                changes.pop(f, None)
        elif was is not None and f in r.data:  # a listed value replaces one waiting to be classified
            changes[f] = [_pending_label(was), final[f]]
    final_fleet = None
    if r.has_fleet:
        by_line = {_line_key(e["brand"], e["model"]): e for e in old_lines}
        new_lines = []
        for line in r.fleet:
            kept = by_line.get(_line_key(line["brand"], line["model"]))
            new_lines.append({**line, "heavy": kept["heavy"] if kept else line["heavy"],
                              "since": line["since"] if line["since"] is not None else (kept or {}).get("since")})
        shape = lambda ls: sorted((brand_key(e["brand"]), model_key(e["model"]), e["quantity"], bool(e["heavy"]),  # noqa: E731
                                   e["since"] or 0) for e in ls)
        if shape(new_lines) != shape(old_lines):
            final_fleet = new_lines
            changes["fleet"] = [_summary(old_lines), _summary(new_lines)]
    r.final, r.final_fleet, r.changes = final, final_fleet, changes
    r.status = "updated" if changes else "unchanged"
    fleet = final_fleet if final_fleet is not None else old_lines
    r.derived = _derived(fleet, final["industry_major"], brand_is_own)
    r.settles = tuple(f for f in VOCABULARIES if f in r.data or f in r.pending)
    r.data, r.fleet = {}, []


def _pending_label(text: str) -> dict:
    """A value waiting to be classified, as a change shows it (the preview says 待归类: …)."""
    return {"pending": text}


def _derived(lines, industry_major: bool, brand_is_own) -> tuple[str, str]:
    d = derive_from([(line.get("is_own", brand_is_own.get(brand_key(line["brand"]), False)), line["quantity"],
                      line["heavy"], line["since"]) for line in lines], bool(industry_major))
    return d.segment, d.klass


# --- writing ----------------------------------------------------------------------------
def import_rows(org, report: ImportReport, batch: int = BATCH) -> int:
    """Insert the new rows and update the changed customers (the caller commits). Only for a
    report without problems. Returns the customers written (new and updated).

    Bulk statements (INSERT … RETURNING for the ids, executemany UPDATEs by id) rather than
    one ORM object per row: an import is tens of thousands of rows. So this does by hand what
    the ORM hooks do for single saves: the derived fields, the normalised keys, the fleet's
    models, and one audit entry per customer with what it changed."""
    if not report.ok:
        raise ValueError("refusing to import a file with problems")
    brands, models = BrandResolver(), ModelResolver()
    actor = db.session.info.get("actor", {})
    new = [r for r in report.rows if r.status == "new"]
    changed = [r for r in report.rows if r.status == "updated"]
    done = 0
    for start in range(0, len(new), batch):
        done += _insert(org, new[start:start + batch], brands, models, actor)
    for start in range(0, len(changed), batch):
        done += _update(org, changed[start:start + batch], brands, models, actor)
    report.imported = done
    report.updated = len(changed)
    return done


def _resolved_fleet(rows, brands: BrandResolver, models: ModelResolver) -> list[list[tuple]]:
    """Per row, its lines with their brand and model; unknown brands and models get ids."""
    resolved = []
    for r in rows:
        lines = []
        for line in r.final_fleet or ():
            brand = brands.resolve(line["brand"])
            lines.append((line, brand, models.resolve(brand, line["model"]) if line["model"] else None))
        resolved.append(lines)
    db.session.flush()
    return resolved


def _derivations(lines, industry_major: bool) -> dict:
    d = derive_from([(b.is_own, line["quantity"], line["heavy"], line["since"]) for line, b, _ in lines],
                    bool(industry_major))
    return {"segment": d.segment, "klass": d.klass, "heavy_units": d.heavy_units, "own_units": d.own_units,
            "own_since": d.own_since, "fleet_since": d.fleet_since, "last_bought": d.last_bought}


def _fleet_rows(org, customer_id: int, lines) -> list[dict]:
    return [{"network_id": org.network_id, "org_id": org.id, "customer_id": customer_id, "brand_id": b.id,
             "brand_text": line["brand"], "model": line["model"], "model_id": m.id if m is not None else None,
             "quantity": line["quantity"], "heavy": line["heavy"], "since": line["since"]} for line, b, m in lines]


def _pending_rows(org, customer_id: int, r: ParsedRow) -> list[dict]:
    return [{"network_id": org.network_id, "org_id": org.id, "customer_id": customer_id, "field": f, "text": text,
             "key": term_key(text)} for f, text in r.pending.items()]


def _audit(org, actor, now, action, customer_id, r: ParsedRow, changes) -> dict:
    return {"network_id": org.network_id, "created_at": now, "user_id": actor.get("user_id"),
            "username": actor.get("username") or "", "org_id": actor.get("org_id"), "subject_org_id": org.id,
            "action": action, "object_type": "Customer", "object_id": customer_id, "summary": r.final["name"][:200],
            "changes": {**changes, "source_row": r.row, "via": "import"}, "ip": actor.get("ip", "")}


def _insert(org, chunk, brands, models, actor) -> int:
    fleets = _resolved_fleet(chunk, brands, models)
    now = utcnow()
    values = []
    for r, lines in zip(chunk, fleets):
        f = r.final
        values.append({**{k: f[k] for k in CUSTOMER_FIELDS}, "network_id": org.network_id, "org_id": org.id,
                       "name_key": name_key(f["name"]), "phone_key": phone_digits(f["phone"]),
                       "intent_level": f.get("intent_level"), **_derivations(lines, f["industry_major"]),
                       "created_at": now, "updated_at": now})
    ids = db.session.execute(insert(Customer).returning(Customer.id, sort_by_parameter_order=True),
                             values).scalars().all()
    fleet_rows = [row for cid, lines in zip(ids, fleets) for row in _fleet_rows(org, cid, lines)]
    if fleet_rows:
        db.session.execute(insert(FleetEntry), fleet_rows)
    pending_rows = [row for cid, r in zip(ids, chunk) for row in _pending_rows(org, cid, r)]
    if pending_rows:
        db.session.execute(insert(PendingValue), pending_rows)
    db.session.execute(insert(AuditEntry), [
        _audit(org, actor, now, "create", cid, r, {k: plain(v[k]) for k in CUSTOMER_FIELDS})
        for cid, v, r in zip(ids, values, chunk)])
    return len(ids)


_TABLE = Customer.__table__
_UPDATE = (_TABLE.update()
           .where(_TABLE.c.id == bindparam("b_id"), _TABLE.c.org_id == bindparam("b_org"))
           .values({c: bindparam(f"b_{c}") for c in UPDATED_COLUMNS}))


def _update(org, chunk, brands, models, actor) -> int:
    """Core UPDATEs by id within the organisation (RLS holds them to the network on PostgreSQL)."""
    replaced = [r for r in chunk if r.final_fleet is not None]
    fleets = dict(zip((r.match_id for r in replaced), _resolved_fleet(replaced, brands, models)))
    kept = _stored_lines([r.match_id for r in chunk if r.final_fleet is None])
    now = utcnow()
    params = []
    for r in chunk:
        f = r.final
        lines = fleets.get(r.match_id) or kept.get(r.match_id, [])
        params.append({"b_id": r.match_id, "b_org": org.id, **{f"b_{k}": f[k] for k in (*CUSTOMER_FIELDS, "intent_level")},
                       "b_name_key": name_key(f["name"]), "b_phone_key": phone_digits(f["phone"]),
                       **{f"b_{k}": v for k, v in _derivations(lines, f["industry_major"]).items()},
                       "b_updated_at": now})
    db.session.execute(_UPDATE, params)
    if replaced:
        db.session.execute(delete(FleetEntry).where(FleetEntry.customer_id.in_([r.match_id for r in replaced]),
                                                    FleetEntry.org_id == org.id))
        rows = [row for r in replaced for row in _fleet_rows(org, r.match_id, fleets[r.match_id])]
        if rows:
            db.session.execute(insert(FleetEntry), rows)
    if any(r.settles for r in chunk):  # a value the file writes replaces what waited to be classified there
        for f in VOCABULARIES:
            ids = [r.match_id for r in chunk if f in r.settles]
            if ids:
                db.session.execute(delete(PendingValue).where(PendingValue.customer_id.in_(ids),
                                                              PendingValue.field == f))
        pending_rows = [row for r in chunk for row in _pending_rows(org, r.match_id, r)]
        if pending_rows:
            db.session.execute(insert(PendingValue), pending_rows)
    db.session.execute(insert(AuditEntry), [
        _audit(org, actor, now, "update", r.match_id, r,
               {k: [plain(a), plain(b)] for k, (a, b) in r.changes.items()}) for r in chunk])
    return len(chunk)


class _Brandish:
    """A stored line's brand as _derivations reads it."""
    def __init__(self, is_own):
        self.is_own = is_own


def _stored_lines(ids: list[int]) -> dict[int, list]:
    out: dict[int, list] = {i: [] for i in ids}
    if not ids:
        return out
    for cid, qty, heavy, since, is_own in db.session.execute(
            select(FleetEntry.customer_id, FleetEntry.quantity, FleetEntry.heavy, FleetEntry.since, Brand.is_own)
            .outerjoin(Brand, Brand.id == FleetEntry.brand_id).where(FleetEntry.customer_id.in_(ids))):
        out[cid].append(({"quantity": qty, "heavy": heavy, "since": since}, _Brandish(bool(is_own)), None))
    return out


def plain(value):
    return value.isoformat() if isinstance(value, date) else value


def staff_of(org_id: int) -> dict[str, tuple[int, str]]:
    """How a file may name a colleague (name or user name) → (id, name)."""
    staff = {}
    for u in db.session.scalars(select(User).where(User.org_id == org_id)):
        staff.setdefault(u.username, (u.id, u.name))
        staff.setdefault(u.name, (u.id, u.name))
    return staff
