"""Customers answer for themselves (issue 14): after a delivery and after a repair, a link to a
short survey, bound to that vehicle and event by a signed token that expires and works once.

- A survey is created with the event (a deal won: one per vehicle delivered; a repair closed),
  so printing the delivery or repair sheet (a GET) never writes: the sheet signs a token for it.
- The token (itsdangerous, the app's SECRET_KEY with its own salt) carries the network, the
  survey's id and its nonce; it is refused when altered, past `SURVEY_LINK_DAYS` (by its own
  signed time and by the survey's `expires_at`), or once the survey has an answer. Single use
  is the database's: the answer is one UPDATE ... WHERE answered_at IS NULL.
- The customer's answer sits beside what staff recorded (a station's callback score, a dealer's
  after-sale task marked satisfied or not); `comparisons()` pairs them as scoring rows (one
  SELECT, the shape of services.scoring's row rules), so the maker's page, callback
  verification and the scorecard's verification item count the same records.
"""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, case, func, literal, or_, select, update

from ..extensions import db
from ..models import AfterSaleTask, CustomerSurvey, Opportunity, RepairOrder, ServiceCallback, Vehicle
from ..models.base import utcnow
from ..tenancy import use_network
from .errors import DomainError

SALT = "customer-survey-link"
SATISFIED_AT = 4  # a score of 4 or 5 of 5 is satisfied, on the customer's page as on the station's survey
COMMENT_MAX = 500


class SurveyLinkError(DomainError):
    """A link that cannot be answered: `reason` is invalid | expired | used (the page says which)."""

    def __init__(self, reason: str, message):
        super().__init__(message)
        self.reason = reason


def _invalid():
    return SurveyLinkError("invalid", _l("链接无效：请使用短信或单据上的完整链接。"))


def _expired():
    return SurveyLinkError("expired", _l("链接已过期。感谢您的关注。"))


def _used():
    return SurveyLinkError("used", _l("此问卷已提交过，每个链接只能使用一次。感谢您的反馈。"))


def link_days() -> int:
    return int(current_app.config.get("SURVEY_LINK_DAYS", 30))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


# --- created with the event ---------------------------------------------------------------
def _new(org_id: int, vehicle_id: int, event: str, event_id: int, **links) -> CustomerSurvey:
    now = utcnow()
    survey = CustomerSurvey(org_id=org_id, vehicle_id=vehicle_id, event=event, event_id=event_id,
                            nonce=secrets.token_hex(8), created_at=now, expires_at=now + timedelta(days=link_days()),
                            **links)
    db.session.add(survey)
    return survey


def create_for_delivery(opp: Opportunity) -> list[CustomerSurvey]:
    """One survey per vehicle of a won deal (the vehicles are flushed by deals.win)."""
    vins = [v.vin for v in opp.vehicles]
    vehicles = db.session.scalars(select(Vehicle).where(Vehicle.vin.in_(vins)).order_by(Vehicle.id)).all()
    return [_new(opp.org_id, v.id, "delivery", opp.id, opportunity_id=opp.id, network_id=opp.network_id)
            for v in vehicles]


def create_for_repair(repair: RepairOrder) -> CustomerSurvey:
    if repair.id is None or repair.vehicle_id is None:
        db.session.flush()  # a repair opened and closed in one go
    return _new(repair.org_id, repair.vehicle_id, "repair", repair.id, repair_id=repair.id,
                network_id=repair.network_id)


def for_opportunity(opp_id: int) -> list[CustomerSurvey]:
    return db.session.scalars(select(CustomerSurvey).where(CustomerSurvey.event == "delivery",
                                                           CustomerSurvey.event_id == opp_id)
                              .order_by(CustomerSurvey.id)).all()


def for_repair(repair_id: int) -> CustomerSurvey | None:
    return db.session.scalar(select(CustomerSurvey).where(CustomerSurvey.event == "repair",
                                                          CustomerSurvey.event_id == repair_id))


# --- the link -------------------------------------------------------------------------------
def token_for(survey: CustomerSurvey) -> str:
    return _serializer().dumps({"n": survey.network_id, "s": survey.id, "k": survey.nonce})


def link_for(survey: CustomerSurvey) -> str:
    """The absolute link the customer opens (BASE_URL, as the notifications' links)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/s/{token_for(survey)}"


def open_link(token: str, now: datetime | None = None) -> CustomerSurvey:
    """The survey a token names, in its network (the session switches to it only after the
    signature holds); SurveyLinkError when altered, expired or answered."""
    try:
        data = _serializer().loads(token or "", max_age=link_days() * 86400)
    except SignatureExpired:
        raise _expired()
    except BadSignature:
        raise _invalid()
    if not (isinstance(data, dict) and isinstance(data.get("n"), int) and isinstance(data.get("s"), int)
            and isinstance(data.get("k"), str)):
        raise _invalid()
    use_network(db.session, data["n"])
    survey = db.session.get(CustomerSurvey, data["s"])
    if survey is None or survey.network_id != data["n"] or not hmac.compare_digest(survey.nonce, data["k"]):
        raise _invalid()
    if survey.answered_at is not None:
        raise _used()
    if (now or utcnow()) >= survey.expires_at:
        raise _expired()
    return survey


def answer(survey: CustomerSurvey, score: int, resolved: bool | None, comment: str,
           now: datetime | None = None) -> None:
    """Record the customer's answer, once: a second submission (or a race) finds answered_at set."""
    if score not in range(1, 6):
        raise SurveyLinkError("invalid", _l("请选择满意度（1–5）。"))
    if survey.event != "repair":
        resolved = None
    done = db.session.execute(
        update(CustomerSurvey).where(CustomerSurvey.id == survey.id, CustomerSurvey.answered_at.is_(None))
        .values(answered_at=now or utcnow(), score=score, resolved=resolved,
                comment=(comment or "").strip()[:COMMENT_MAX])
        .execution_options(synchronize_session="fetch"))
    if done.rowcount != 1:
        raise _used()


def masked_vin(vin: str) -> str:
    """What the public page shows of a vehicle: the VIN's last four, nothing else."""
    vin = vin or ""
    return f"…{vin[-4:]}" if len(vin) >= 4 else ""


# --- beside what staff recorded ----------------------------------------------------------
def _staff_repair_score():
    return (select(ServiceCallback.score_overall)
            .where(ServiceCallback.repair_id == CustomerSurvey.repair_id, ServiceCallback.purpose == "after_repair",
                   ServiceCallback.status == "done", ServiceCallback.score_overall.is_not(None))
            .order_by(ServiceCallback.done_on, ServiceCallback.id).limit(1).scalar_subquery())


def _staff_delivery_satisfied():
    return (select(AfterSaleTask.satisfied)
            .where(AfterSaleTask.opportunity_id == CustomerSurvey.opportunity_id, AfterSaleTask.status == "done",
                   AfterSaleTask.satisfied.is_not(None))
            .order_by(AfterSaleTask.done_on, AfterSaleTask.id).limit(1).scalar_subquery())


def _staff_satisfied():
    """1 or 0 as staff recorded it, NULL where staff recorded nothing to compare."""
    score, delivered = _staff_repair_score(), _staff_delivery_satisfied()
    return case((and_(CustomerSurvey.event == "repair", score >= SATISFIED_AT), 1),
                (and_(CustomerSurvey.event == "repair", score.is_not(None)), 0),
                (and_(CustomerSurvey.event == "delivery", delivered.is_(True)), 1),
                (and_(CustomerSurvey.event == "delivery", delivered.is_(False)), 0), else_=None)


def comparisons(start=None, end=None, event: str | None = None):
    """Answered surveys with a staff result beside them, as scoring rows: (id, org_id,
    customer_id, on, counted) with counted = 1 when the customer's own answer agrees with what
    staff recorded, and `event`. start/end (dates) bound the answer's day."""
    inner = (select(CustomerSurvey.id.label("id"), CustomerSurvey.org_id.label("org_id"),
                    Vehicle.customer_id.label("customer_id"), CustomerSurvey.answered_at.label("on"),
                    CustomerSurvey.event.label("event"),
                    case((CustomerSurvey.score >= SATISFIED_AT, 1), else_=0).label("customer"),
                    _staff_satisfied().label("staff"))
             .join(Vehicle, Vehicle.id == CustomerSurvey.vehicle_id)
             .where(CustomerSurvey.answered_at.is_not(None)))
    if event:
        inner = inner.where(CustomerSurvey.event == event)
    if start is not None and end is not None:
        inner = inner.where(CustomerSurvey.answered_at >= datetime.combine(start, datetime.min.time()),
                            CustomerSurvey.answered_at < datetime.combine(end + timedelta(days=1), datetime.min.time()))
    sub = inner.subquery()
    return (select(sub.c.id, sub.c.org_id, sub.c.customer_id, sub.c.on,
                   case((sub.c.customer == sub.c.staff, 1), else_=0).label("counted"), sub.c.event)
            .where(sub.c.staff.is_not(None)))


def disagreement_rates(org_ids, start=None, end=None) -> dict[int, dict]:
    """Per organisation: surveys answered, compared with staff's result, and disagreeing."""
    if not org_ids:
        return {}
    rows = comparisons(start, end).subquery()
    compared = dict((o, (n, agree)) for o, n, agree in db.session.execute(
        select(rows.c.org_id, func.count(), func.sum(rows.c.counted)).where(rows.c.org_id.in_(org_ids))
        .group_by(rows.c.org_id)))
    answered = dict(db.session.execute(
        select(CustomerSurvey.org_id, func.count()).where(CustomerSurvey.org_id.in_(org_ids),
                                                          CustomerSurvey.answered_at.is_not(None))
        .group_by(CustomerSurvey.org_id)).all())
    sent = dict(db.session.execute(
        select(CustomerSurvey.org_id, func.count()).where(CustomerSurvey.org_id.in_(org_ids))
        .group_by(CustomerSurvey.org_id)).all())
    out = {}
    for org_id in org_ids:
        n, agree = compared.get(org_id, (0, 0))
        disagree = n - int(agree or 0)
        out[org_id] = {"issued": sent.get(org_id, 0), "answered": answered.get(org_id, 0), "compared": n,
                       "disagree": disagree, "rate": (disagree / n) if n else None}
    return out


def disagreeing(org_id: int, limit: int = 50) -> list[CustomerSurvey]:
    """The organisation's surveys whose answer disagrees with staff's record, newest first."""
    rows = comparisons().subquery()
    ids = select(rows.c.id).where(rows.c.org_id == org_id, rows.c.counted == 0)
    return db.session.scalars(select(CustomerSurvey).where(CustomerSurvey.id.in_(ids))
                              .order_by(CustomerSurvey.answered_at.desc()).limit(limit)).all()


def staff_result(survey: CustomerSurvey) -> bool | None:
    """What staff recorded for the survey's event: satisfied, not, or None (nothing yet)."""
    value = db.session.scalar(select(_staff_satisfied()).select_from(CustomerSurvey)
                              .where(CustomerSurvey.id == survey.id))
    return None if value is None else bool(value)


# --- sent by SMS, when the network has an SMS channel -------------------------------------
def send_links_by_sms(surveys, phone: str) -> int:
    """Text each survey's link to the customer through the notification layer's "sms" channel
    when there is one and it is configured for the organisation; otherwise skip (nothing pretends
    a message went out). Called after the event's commit; a failure never undoes the event.
    Returns how many were sent."""
    from .notify.channels import CHANNELS, ChannelError, Message
    channel = CHANNELS.get("sms")
    surveys = [s for s in surveys if s is not None]
    if channel is None or not phone or not surveys:
        return 0
    sent = 0
    for survey in surveys:
        if survey.sms_sent_at is not None or not channel.configured(survey.org):
            continue
        message = Message(subject=str(_l("请评价本次服务")),
                          text=str(_l("%(org)s 邀请您对本次服务打分，链接一次有效：", org=survey.org.name)),
                          link=link_for(survey))
        try:
            channel.send(message, phone)
        except ChannelError as exc:
            current_app.logger.warning("survey %s: SMS not sent: %s", survey.id, exc)
            continue
        survey.sms_sent_at = utcnow()
        sent += 1
    if sent:
        db.session.commit()
    return sent
