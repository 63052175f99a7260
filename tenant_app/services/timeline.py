"""A customer's history in one list, newest first, and the next thing due."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from .. import vocab
from . import stations
from ..extensions import db
from ..models import (AfterSaleTask, Callback, CallbackItem, EventGuest, HotAlert, MarketingEvent, NegotiationRound, Opportunity, RepairOrder,
                      Vehicle)


@dataclass
class Event:
    on: date
    kind: str          # callback | opportunity | round | won | task
    title: str         # msgid or text
    detail: str = ""
    opportunity_id: int | None = None


def timeline(customer) -> list[Event]:
    events = []
    for cb in db.session.scalars(select(Callback).where(Callback.customer_id == customer.id)):
        detail = cb.result or ""
        if cb.intent_level:
            detail = f"{vocab.label(vocab.INTENT_LEVELS, cb.intent_level)} {detail}"
        events.append(Event(cb.done_on, "callback", vocab.CALLBACK_METHODS.get(cb.method, cb.method), detail))
    for opp in db.session.scalars(select(Opportunity).where(Opportunity.customer_id == customer.id)):
        events.append(Event(opp.created_at.date(), "opportunity", vocab.N_("建立跟进商机"),
                            f"{opp.model} × {opp.quantity}", opp.id))
        if opp.contract_on:
            events.append(Event(opp.contract_on, "won", vocab.STAGES["won"], ", ".join(v.vin for v in opp.vehicles),
                                opp.id))
        for r in db.session.scalars(select(NegotiationRound).where(NegotiationRound.opportunity_id == opp.id)):
            events.append(Event(r.held_on, "round", vocab.N_("洽谈"), r.objections, opp.id))
    for task in db.session.scalars(select(AfterSaleTask).where(AfterSaleTask.customer_id == customer.id,
                                                               AfterSaleTask.status == "done")):
        events.append(Event(task.done_on, "task", vocab.TASK_KINDS[task.kind], task.notes))
    events += _service_events(customer)
    for guest, ev in db.session.execute(select(EventGuest, MarketingEvent).join(MarketingEvent)
                                        .where(EventGuest.customer_id == customer.id)):
        came = {True: vocab.N_("出席"), False: vocab.N_("未出席")}.get(guest.attended, vocab.N_("受邀"))
        events.append(Event(ev.held_on, "event", vocab.EVENT_KINDS[ev.kind], f"{ev.title} · {gettext(came)}"))
    return sorted(events, key=lambda e: e.on, reverse=True)


def _service_events(customer) -> list[Event]:
    """What service stations did for the customer's vehicles: repairs, the survey, hot alerts."""
    events = []
    vehicles = select(Vehicle.id).where(Vehicle.customer_id == customer.id)
    for r in db.session.scalars(select(RepairOrder).where(RepairOrder.vehicle_id.in_(vehicles))):
        station = r.org.name
        events.append(Event(r.date_in, "repair", vocab.REPAIR_KINDS[r.kind],
                            f"{station} · {r.vehicle.vin} · {r.work_done[:60]}"))
        for cb in r.callbacks:
            if cb.status == "done":
                events.append(Event(cb.done_on, "service_callback", vocab.N_("维修回访"),
                                    f"{station} · {cb.score_overall}/5 {cb.comments[:60]}"))
    for a in db.session.scalars(select(HotAlert).where(HotAlert.repair_id.in_(
            select(RepairOrder.id).where(RepairOrder.vehicle_id.in_(vehicles))))):
        events.append(Event(a.opened_on, "alert", vocab.N_("热点预警"), f"{a.org.name} · {stations.alert_reason(a)[:80]}"))
        if a.closed_on:
            events.append(Event(a.closed_on, "alert", vocab.N_("预警关闭"), a.resolution[:80]))
    return events


def next_due(customer):
    """(date, msgid) of the earliest open item: a planned callback, an after-sale task, a
    negotiation round's next date."""
    candidates = []
    item = db.session.scalars(select(CallbackItem).where(CallbackItem.customer_id == customer.id,
                                                         CallbackItem.status == "planned")
                              .order_by(CallbackItem.due_on)).first()
    if item:
        candidates.append((item.due_on, vocab.CALLBACK_METHODS[item.method]))
    task = db.session.scalars(select(AfterSaleTask).where(AfterSaleTask.customer_id == customer.id,
                                                          AfterSaleTask.status == "open")
                              .order_by(AfterSaleTask.due_on)).first()
    if task:
        candidates.append((task.due_on, vocab.TASK_KINDS[task.kind]))
    nxt = db.session.scalars(select(NegotiationRound.next_on).join(Opportunity).where(
        Opportunity.customer_id == customer.id, Opportunity.stage.in_(("following", "negotiating")),
        NegotiationRound.next_on.is_not(None)).order_by(NegotiationRound.next_on.desc())).first()
    if nxt:
        candidates.append((nxt, vocab.N_("下一轮洽谈")))
    return min(candidates, default=None)
