"""What the manufacturer sees of its network: every dealer's figures, and the competitor
census from all the ledgers (DOMAIN.md §4). Queries group over all dealers at once."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import case, func, select

from ..extensions import db
from ..models import Brand, Callback, CallbackItem, Customer, FleetEntry, Opportunity, Organisation, TruckModel
from ..models.deals import OPEN_STAGES


def _by_org(stmt) -> dict:
    return {row[0]: row[1:] for row in db.session.execute(stmt)}


def overview(orgs: list[Organisation], today: date | None = None) -> list[dict]:
    """One row per organisation keeping a ledger, in the order given."""
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


def census(org_ids: list[int], dimension: str = "province", own: bool = False) -> list[tuple]:
    """Units in customers' fleets per (dimension value, brand, model), competitors' by default.
    A model is the dictionary's (TruckModel): 豪沃T7H and T7H of 中国重汽 are one row."""
    dim = CENSUS_DIMENSIONS.get(dimension, Organisation.province)
    model = func.coalesce(TruckModel.name, FleetEntry.model)
    stmt = (select(dim, Brand.name, model, func.sum(FleetEntry.quantity), func.count(func.distinct(Customer.id)))
            .select_from(FleetEntry).join(Customer, Customer.id == FleetEntry.customer_id)
            .join(Organisation, Organisation.id == Customer.org_id).join(Brand, Brand.id == FleetEntry.brand_id)
            .outerjoin(TruckModel, TruckModel.id == FleetEntry.model_id)
            .where(Customer.org_id.in_(org_ids), Brand.is_own.is_(own), FleetEntry.quantity > 0)
            .group_by(dim, Brand.name, model)
            .order_by(dim, func.sum(FleetEntry.quantity).desc()))
    return [tuple(r) for r in db.session.execute(stmt)]
