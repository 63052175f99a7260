"""Follow-up to the deal: negotiation rounds, winning (with VINs) or giving up, after-sale tasks."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import AfterSaleTask, DealVehicle, FleetEntry, NegotiationRound, Opportunity, User, Vehicle
from . import surveys
from .errors import DomainError
from .notify import events as notify
from .brands import own_brand
from .ledger import refresh_intent

_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
# After delivery the service manager calls back on this schedule (days after the contract).
SERVICE_TRACKING_DAYS = (7, 30, 90)


class DealError(DomainError):
    pass


def with_check_digit(vin: str) -> str:
    """The VIN with position 9 set to its check digit (for generated demo vehicles)."""
    vin = vin.upper()
    remainder = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS)) % 11
    return vin[:8] + ("X" if remainder == 10 else str(remainder)) + vin[9:]


def vin_problem(vin: str) -> str | None:
    """GB 16735 / ISO 3779: 17 characters, no I, O or Q, check digit in position 9."""
    vin = (vin or "").strip().upper()
    if len(vin) != 17:
        return str(_l("车架号须为 17 位。"))
    if any(c not in _VIN_VALUES for c in vin):
        return str(_l("车架号只能包含数字和字母（不含 I、O、Q）。"))
    remainder = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS)) % 11
    if vin[8] != ("X" if remainder == 10 else str(remainder)):
        return str(_l("车架号校验位不正确，请核对。"))
    return None


def add_round(opp: Opportunity, data: dict) -> NegotiationRound:
    if not opp.is_open:
        raise DealError(_l("该商机已结束。"))
    r = NegotiationRound(network_id=opp.network_id, org_id=opp.org_id, opportunity=opp, **data)
    db.session.add(r)
    if opp.stage == "following":
        opp.stage = "negotiating"
    return r


def win(opp: Opportunity, *, contract_on: date, amount, vehicles: list[dict]) -> None:
    """Close as won: the vehicles (with valid, unique VINs) join the customer's fleet as our
    brand, and the after-sale tasks are scheduled."""
    if not opp.is_open:
        raise DealError(_l("该商机已结束。"))
    if not vehicles:
        raise DealError(_l("请至少填写一辆车的车架号。"))
    vins = [v["vin"].strip().upper() for v in vehicles]
    for vin in vins:
        problem = vin_problem(vin)
        if problem:
            raise DealError(f"{vin}: {problem}")
    if len(set(vins)) != len(vins) or db.session.scalar(select(DealVehicle.id).where(DealVehicle.vin.in_(vins))):
        raise DealError(_l("车架号重复。"))
    opp.stage, opp.contract_on, opp.amount = "won", contract_on, amount
    registered = set(db.session.scalars(select(Vehicle.vin).where(Vehicle.vin.in_(vins))))
    for v, vin in zip(vehicles, vins):
        model = v.get("model") or opp.model
        db.session.add(DealVehicle(network_id=opp.network_id, org_id=opp.org_id, opportunity=opp, model=model, vin=vin))
        if vin not in registered:  # the network's vehicle, found by VIN at any station (one a station registered stays)
            db.session.add(Vehicle(network_id=opp.network_id, vin=vin, model=model[:60], customer_id=opp.customer_id,
                                   selling_org_id=opp.org_id))
    brand = own_brand()
    customer = opp.customer
    customer.fleet.append(FleetEntry(network_id=opp.network_id, org_id=opp.org_id, brand=brand,
                                     brand_text=brand.name if brand else "", model=opp.model,
                                     quantity=len(vehicles), heavy=True, since=contract_on.year))
    db.session.flush()
    refresh_intent(customer)
    _schedule_after_sale(opp, contract_on)
    surveys.create_for_delivery(opp)  # the customer's own answer, linked from the delivery sheet


def _schedule_after_sale(opp: Opportunity, contract_on: date) -> None:
    service_manager = db.session.scalars(select(User).where(User.org_id == opp.org_id, User.status == "active")
                                         .order_by(User.id)).all()
    tracker = next((u.id for u in service_manager if u.has_role("service_manager")), opp.owner_id)
    tasks = [("delivery", 7, opp.owner_id), ("word_of_mouth", 30, opp.owner_id)] + \
            [("service_tracking", d, tracker) for d in SERVICE_TRACKING_DAYS]
    for kind, days, assignee in tasks:
        db.session.add(AfterSaleTask(network_id=opp.network_id, org_id=opp.org_id, customer_id=opp.customer_id,
                                     opportunity_id=opp.id, kind=kind, due_on=contract_on + timedelta(days=days),
                                     assignee_id=assignee))


def request_give_up(opp: Opportunity, by, reason: str, competitor: str) -> None:
    if not opp.is_open:
        raise DealError(_l("该商机已结束。"))
    if not reason.strip():
        raise DealError(_l("请说明未成交原因。"))
    opp.stage, opp.lost_reason, opp.competitor, opp.give_up_by_id = "give_up_pending", reason.strip(), \
        competitor.strip(), by.id
    notify.give_up_requested(opp)


def decide_give_up(opp: Opportunity, manager, approve: bool) -> None:
    """A manager approves (the customer returns to the information base for later
    follow-up) or sends it back to negotiation."""
    if opp.stage != "give_up_pending":
        raise DealError(_l("没有待审批的放弃申请。"))
    if approve:
        opp.stage, opp.approved_by_id = "lost", manager.id
        db.session.flush()
        refresh_intent(opp.customer)
    else:
        opp.stage = "negotiating"
    notify.give_up_decided(opp, approve)


def complete_task(task: AfterSaleTask, notes: str, today: date | None = None, satisfied: bool | None = None) -> None:
    """Done, with what staff learned; satisfied: the customer said so (True), said not (False), or not asked."""
    task.status, task.done_on, task.notes = "done", today or date.today(), notes.strip()
    task.satisfied = satisfied


def attach_product(opp: Opportunity, product_id: int | None, catalogue) -> None:
    """A special vehicle of the catalogue (the projects given) for an open opportunity; None clears it."""
    if product_id and product_id not in {p.id for p in catalogue}:
        raise DealError(_l("请从专用车目录中选择。"))
    if not opp.is_open:
        raise DealError(_l("该商机已结束。"))
    opp.product_id = product_id or None
