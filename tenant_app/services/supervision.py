"""What the manufacturer sees of its network: every dealer's figures, and the competitor
census from all the ledgers (DOMAIN.md §4). Queries group over all dealers at once.

A network of SNAPSHOT_FROM customers or more is not grouped on every view (1.3 s for the
census of a million customers): the scheduler takes its figures every SNAPSHOT_EVERY
(`take_snapshot`), per organisation, and the pages add up the rows of the organisations the
reader may see, saying when the figures were taken. A smaller network is counted live."""
from __future__ import annotations

import time
from collections import defaultdict
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, func, select

from ..extensions import db
from ..models import (Brand, Callback, CallbackItem, CensusCell, Customer, FleetEntry, Opportunity, Organisation,
                      OrgFigures, SupervisionSnapshot, TruckModel)
from ..models.base import utcnow
from ..models.deals import OPEN_STAGES
from ..tenancy import network_id_of

SNAPSHOT_EVERY = timedelta(minutes=15)
LEDGER_KINDS = ("dealer", "bodybuilder")


def _by_org(stmt) -> dict:
    return {row[0]: row[1:] for row in db.session.execute(stmt)}


def snapshot() -> SupervisionSnapshot | None:
    """The network's figures taken by the scheduler, if it is large enough to have them."""
    return db.session.scalar(select(SupervisionSnapshot))


def overview(orgs: list[Organisation], today: date | None = None, taken: SupervisionSnapshot | None = None
             ) -> list[dict]:
    """One row per organisation keeping a ledger, in the order given: from the snapshot when
    given one, else counted now."""
    if taken is not None:
        return _overview_taken(orgs)
    return overview_live(orgs, today)


def _overview_taken(orgs) -> list[dict]:
    stored = dict(db.session.execute(select(OrgFigures.org_id, OrgFigures.figures)
                                     .where(OrgFigures.org_id.in_([o.id for o in orgs]))).all())
    empty = {"ledger": 0, "segments": (0, 0, 0), "classes": (0, 0, 0, 0), "planned": 0, "done": 0, "overdue": 0,
             "callbacks": 0, "intents": (0, 0, 0), "won": 0, "last_activity": None}
    rows = []
    for org in orgs:
        figures = dict(empty, **stored.get(org.id, {}))
        for key in ("segments", "classes", "intents"):
            figures[key] = tuple(figures[key])
        if figures["last_activity"]:
            figures["last_activity"] = datetime.fromisoformat(figures["last_activity"])
        rows.append(dict(figures, org=org))
    return rows


def overview_live(orgs: list[Organisation], today: date | None = None) -> list[dict]:
    today = today or date.today()
    ids = [o.id for o in orgs]
    seg = lambda value: func.sum(case((Customer.segment == value, 1), else_=0))  # noqa: E731
    cls = lambda value: func.sum(case((Customer.klass == value, 1), else_=0))  # noqa: E731
    ledger = _by_org(select(Customer.org_id, func.count(Customer.id), seg("own_old"), seg("rival_old"), seg("new"),
                            cls("industry_major"), cls("key_major"), cls("general_major"), cls("retail"),
                            func.max(Customer.updated_at))
                     .where(Customer.org_id.in_(ids)).group_by(Customer.org_id))
    items = _by_org(select(CallbackItem.org_id, func.count(CallbackItem.id),
                           func.sum(case((CallbackItem.status == "done", 1), else_=0)),
                           func.sum(case(((CallbackItem.status == "planned") & (CallbackItem.due_on < today), 1),
                                         else_=0)))
                    .where(CallbackItem.org_id.in_(ids)).group_by(CallbackItem.org_id))
    calls = _by_org(select(Callback.org_id, func.count(Callback.id), func.max(Callback.created_at))
                    .where(Callback.org_id.in_(ids)).group_by(Callback.org_id))
    lvl = lambda value: func.sum(case(((Opportunity.stage.in_(OPEN_STAGES)) & (Opportunity.intent_level == value), 1),  # noqa: E731
                                      else_=0))
    opps = _by_org(select(Opportunity.org_id, lvl(1), lvl(2), lvl(3),
                          func.sum(case((Opportunity.stage == "won", 1), else_=0)))
                   .where(Opportunity.org_id.in_(ids)).group_by(Opportunity.org_id))
    rows = []
    for org in orgs:
        n, own, rival, new, ind, key, gen, ret, touched = ledger.get(org.id, (0,) * 8 + (None,))
        planned, done, overdue = items.get(org.id, (0, 0, 0))
        made, last_call = calls.get(org.id, (0, None))
        l1, l2, l3, won = opps.get(org.id, (0, 0, 0, 0))
        rows.append({"org": org, "ledger": n, "segments": (own, rival, new), "classes": (ind, key, gen, ret),
                     "planned": planned, "done": done or 0, "overdue": overdue or 0, "callbacks": made,
                     "intents": (l1 or 0, l2 or 0, l3 or 0), "won": won or 0,
                     "last_activity": max([t for t in (touched, last_call) if t], default=None)})
    return rows


def by_region(rows: list[dict]) -> list[tuple[str, dict]]:
    totals = defaultdict(lambda: {"dealers": 0, "ledger": 0, "planned": 0, "done": 0, "overdue": 0, "won": 0})
    for r in rows:
        t = totals[r["org"].province or "—"]
        t["dealers"] += 1
        for k in ("ledger", "planned", "done", "overdue", "won"):
            t[k] += r[k]
    return sorted(totals.items())


CENSUS_DIMENSIONS = {"province": Organisation.province, "transport_type": Customer.transport_type,
                     "klass": Customer.klass}


def census(org_ids: list[int], dimension: str = "province", own: bool = False,
           taken: SupervisionSnapshot | None = None) -> list[tuple]:
    """Units in customers' fleets per (dimension value, brand, model), competitors' by default.
    A model is the dictionary's (TruckModel): 豪沃T7H and T7H of 中国重汽 are one row. From the
    snapshot when given one, else counted now."""
    if dimension not in CENSUS_DIMENSIONS:
        dimension = "province"
    if taken is None:
        return census_live(org_ids, dimension, own)
    units = func.sum(CensusCell.units)
    stmt = (select(CensusCell.value, CensusCell.brand, CensusCell.model, units, func.sum(CensusCell.customers))
            .where(CensusCell.dimension == dimension, CensusCell.own.is_(own), CensusCell.org_id.in_(org_ids))
            .group_by(CensusCell.value, CensusCell.brand, CensusCell.model)
            .order_by(CensusCell.value, units.desc(), CensusCell.brand, CensusCell.model))
    return [(value, brand, model, int(n), int(c)) for value, brand, model, n, c in db.session.execute(stmt)]


def _census_stmt(org_ids, dimension: str, own: bool, per_org: bool):
    dim = CENSUS_DIMENSIONS[dimension]
    model = func.coalesce(TruckModel.name, FleetEntry.model)
    units = func.sum(FleetEntry.quantity)
    keys = ([Customer.org_id] if per_org else []) + [dim, Brand.name, model]
    return (select(*keys, units, func.count(func.distinct(Customer.id)))
            .select_from(FleetEntry).join(Customer, Customer.id == FleetEntry.customer_id)
            .join(Organisation, Organisation.id == Customer.org_id).join(Brand, Brand.id == FleetEntry.brand_id)
            .outerjoin(TruckModel, TruckModel.id == FleetEntry.model_id)
            .where(Customer.org_id.in_(org_ids), Brand.is_own.is_(own), FleetEntry.quantity > 0)
            .group_by(*keys).order_by(dim, units.desc(), Brand.name, model))


def census_live(org_ids: list[int], dimension: str = "province", own: bool = False) -> list[tuple]:
    return [(d, b, m, int(n), int(c)) for d, b, m, n, c in db.session.execute(_census_stmt(org_ids, dimension, own,
                                                                                              False))]


def needs_snapshot(now: datetime | None = None) -> bool:
    """Time to take the figures: the snapshot is older than SNAPSHOT_EVERY, or the network has
    grown to SUPERVISION_SNAPSHOT_FROM customers and has none yet."""
    now = now or utcnow()
    taken = snapshot()
    if taken is not None:
        return taken.taken_at <= now - SNAPSHOT_EVERY
    threshold = current_app.config.get("SUPERVISION_SNAPSHOT_FROM", 200_000)
    return db.session.scalar(select(func.count()).select_from(
        select(Customer.id).limit(threshold).subquery())) >= threshold


def take_snapshot(now: datetime | None = None, today: date | None = None) -> SupervisionSnapshot:
    """Every ledger-keeping organisation's overview row and census cells, replacing the last
    ones in the caller's transaction (readers see the old figures until it commits)."""
    started = time.perf_counter()
    orgs = db.session.scalars(select(Organisation).where(Organisation.kind.in_(LEDGER_KINDS))
                              .order_by(Organisation.id)).all()
    ids, network_id = [o.id for o in orgs], network_id_of(db.session)
    db.session.execute(delete(OrgFigures).where(OrgFigures.network_id == network_id))
    db.session.execute(delete(CensusCell).where(CensusCell.network_id == network_id))
    figures = []
    for row in overview_live(orgs, today):
        row = {k: v for k, v in row.items() if k != "org"} | {"org_id": row["org"].id}
        if row["last_activity"] is not None:
            row["last_activity"] = row["last_activity"].isoformat()
        figures.append({"org_id": row.pop("org_id"), "figures": row})
    if figures:
        db.session.execute(OrgFigures.__table__.insert(), [dict(f, network_id=network_id) for f in figures])
    cells = []
    for dimension in CENSUS_DIMENSIONS:
        for own in (False, True):
            for org_id, value, brand, model, units, customers in db.session.execute(
                    _census_stmt(ids, dimension, own, True)):
                cells.append({"org_id": org_id, "dimension": dimension, "own": own, "value": value, "brand": brand,
                              "model": model, "units": int(units), "customers": int(customers)})
    for start in range(0, len(cells), 5000):
        db.session.execute(CensusCell.__table__.insert(), [dict(c, network_id=network_id)
                                                           for c in cells[start:start + 5000]])
    taken = snapshot() or SupervisionSnapshot()
    taken.taken_at, taken.seconds = now or utcnow(), round(time.perf_counter() - started, 3)
    db.session.add(taken)
    db.session.flush()
    return taken
