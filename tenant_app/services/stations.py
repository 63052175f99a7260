"""A service station's work: find or register a vehicle, repair orders, the callbacks due
after a repair (repeated while unreachable, switched to SMS after a while), the survey,
and hot alerts raised by low scores or complaints."""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from .. import vocab
from ..extensions import db
from ..models import (SURVEY_ASPECTS, HotAlert, RepairOrder, ServiceCallback,
                      ServiceSettings, Vehicle)
from . import surveys
from .errors import DomainError
from .notify import events as notify
from .deals import vin_problem

REPAIR_KINDS = tuple(vocab.REPAIR_KINDS)
PLATE = re.compile(r"^[\u4e00-\u9fffA-Z0-9·]{5,10}$")


class StationError(DomainError):
    pass


def settings(network_id: int) -> ServiceSettings:
    row = db.session.scalar(select(ServiceSettings))
    return row or ServiceSettings(network_id=network_id, callback_days=3, switch_days=5, low_score=2, alert_days=2)


def find_vehicle(query: str) -> Vehicle | None:
    """By VIN or plate (a vehicle sold through a dealer's deal exists from the deal on)."""
    q = (query or "").strip().upper().replace(" ", "")
    if not q:
        return None
    return db.session.scalar(select(Vehicle).where(or_(Vehicle.vin == q, Vehicle.plate == q)).limit(1))


def find_vehicles(query: str, limit: int = 20) -> list[Vehicle]:
    """The whole VIN or the plate first; else the VIN's last 6 to 16 characters, as a station's
    staff read them off the frame. At most limit, newest first."""
    exact = find_vehicle(query)
    if exact is not None:
        return [exact]
    q = (query or "").strip().upper().replace(" ", "")
    if not (6 <= len(q) < 17 and q.isascii() and q.isalnum()):
        return []
    return list(db.session.scalars(select(Vehicle).where(Vehicle.vin.endswith(q, autoescape=True))
                                   .order_by(Vehicle.id.desc()).limit(limit)))


def register_vehicle(station, *, vin: str, model: str, plate: str, owner_name: str, owner_phone: str) -> Vehicle:
    vin = (vin or "").strip().upper()
    if problem := vin_problem(vin):
        raise StationError(problem)
    if find_vehicle(vin) is not None:
        raise StationError(_l("该车架号已登记。"))
    plate = (plate or "").strip().upper().replace(" ", "")
    if plate and not PLATE.match(plate):
        raise StationError(_l("车牌号格式不正确。"))
    if not (owner_name or "").strip():
        raise StationError(_l("请填写车主。"))
    vehicle = Vehicle(network_id=station.network_id, vin=vin, model=model.strip()[:60], plate=plate,
                      registered_by_org_id=station.id, owner_name=owner_name.strip()[:120],
                      owner_phone=(owner_phone or "").strip()[:40])
    db.session.add(vehicle)
    return vehicle


def open_repair(station, vehicle: Vehicle, *, kind: str, date_in: date, mileage: int, plate: str = "",
                work_done: str = "", parts: str = "", amount=0, technician: str = "") -> RepairOrder:
    if kind not in REPAIR_KINDS:
        raise StationError(_l("请选择维修类型。"))
    if date_in > date.today():
        raise StationError(_l("进厂日期不能晚于今天。"))
    plate = (plate or vehicle.plate or "").strip().upper()
    if plate and not vehicle.plate:
        vehicle.plate = plate
    repair = RepairOrder(network_id=station.network_id, org_id=station.id, vehicle=vehicle, plate=plate, kind=kind,
                         date_in=date_in, mileage=mileage, work_done=work_done.strip(), parts=parts.strip(),
                         amount=amount or 0, technician=technician.strip()[:60])
    db.session.add(repair)
    return repair


def close_repair(repair: RepairOrder, date_out: date, rules: ServiceSettings) -> ServiceCallback:
    """Closed: the callback falls due the configured number of days later."""
    if repair.status == "closed":
        raise StationError(_l("该维修单已结算。"))
    if date_out < repair.date_in:
        raise StationError(_l("出厂日期不能早于进厂日期。"))
    repair.status, repair.date_out = "closed", date_out
    due = date_out + timedelta(days=rules.callback_days)
    callback = ServiceCallback(network_id=repair.network_id, org_id=repair.org_id, repair=repair,
                               first_due_on=due, due_on=due)
    db.session.add(callback)
    surveys.create_for_repair(repair)  # the customer's own answer, linked from the repair sheet
    return callback


def unreachable(callback: ServiceCallback, today: date, rules: ServiceSettings) -> None:
    """Try again tomorrow; once unreachable for switch_days, by SMS (then letter) instead."""
    _open(callback)
    callback.attempts += 1
    callback.due_on = today + timedelta(days=1)
    waited = (today - callback.first_due_on).days
    if waited >= rules.switch_days and callback.method == "phone":
        callback.method = "sms"
    elif waited >= 2 * rules.switch_days and callback.method == "sms":
        callback.method = "letter"


def _open(callback: ServiceCallback) -> None:
    if callback.status == "done":
        raise StationError(_l("该回访已完成。"))


def reached(callback: ServiceCallback, today: date, rules: ServiceSettings, *, scores: dict, complaint: bool,
            comments: str) -> HotAlert | None:
    """The survey. A low score or a complaint raises a hot alert; on a confirming callback a
    satisfied customer closes the alert and an unsatisfied one reopens it."""
    _open(callback)
    keys = ("overall",) + SURVEY_ASPECTS
    if any(scores.get(k) is None for k in keys) or any(not 1 <= scores[k] <= 5 for k in keys):
        raise StationError(_l("请为总体和每一项打分（1–5）。"))
    for k in keys:
        setattr(callback, f"score_{k}", scores[k])
    callback.attempts += 1
    callback.status, callback.done_on = "done", today
    callback.complaint, callback.comments = complaint, (comments or "").strip()[:2000]
    low = [k for k in keys if scores[k] <= rules.low_score]
    unhappy = bool(low) or complaint
    if callback.purpose == "confirm":
        alert = db.session.get(HotAlert, callback.alert_id)
        if unhappy:
            alert.status, alert.reopened = "open", alert.reopened + 1
            alert.deadline = today + timedelta(days=rules.alert_days)
        else:
            alert.status, alert.closed_on = "closed", today
        notify.alert_changed(alert)
        return alert
    if not unhappy:
        return None
    reason = "；".join(([str(_l("客户投诉"))] if complaint else []) +
                      [f"{vocab.SURVEY_LABELS[k]} {scores[k]} 分" for k in low])
    alert = HotAlert(network_id=callback.network_id, org_id=callback.org_id, repair_id=callback.repair_id,
                     callback_id=callback.id, reason=reason + (f"：{callback.comments}" if callback.comments else ""),
                     details={"complaint": complaint, "low": {k: scores[k] for k in low}, "comments": callback.comments},
                     opened_on=today, deadline=today + timedelta(days=rules.alert_days))
    db.session.add(alert)
    notify.alert_raised(alert)
    return alert


def alert_reason(alert: HotAlert) -> str:
    """Why the alert was opened, in the reader's language (alerts opened before `details` existed
    show the text stored then)."""
    d = alert.details
    if not d:
        return alert.reason
    parts = ([str(_l("客户投诉"))] if d.get("complaint") else []) + [
        str(_l("%(aspect)s %(score)s 分", aspect=vocab.label(vocab.SURVEY_LABELS, k), score=v))
        for k, v in d.get("low", {}).items()]
    text = str(_l("；")).join(parts)
    return str(_l("%(why)s：%(comments)s", why=text, comments=d["comments"])) if d.get("comments") else text


def resolve(alert: HotAlert, resolution: str, today: date) -> ServiceCallback:
    """The station's resolution; a confirming callback is due the next day."""
    if alert.status != "open":
        raise StationError(_l("该预警不在待处理状态。"))
    resolution = (resolution or "").strip()
    if len(resolution) < 5:
        raise StationError(_l("请写明处理结果（至少 5 个字）。"))
    alert.status, alert.resolution, alert.resolved_on = "resolved", resolution[:2000], today
    due = today + timedelta(days=1)
    confirm = ServiceCallback(network_id=alert.network_id, org_id=alert.org_id, repair_id=alert.repair_id,
                              alert_id=alert.id, purpose="confirm", first_due_on=due, due_on=due)
    db.session.add(confirm)
    return confirm
