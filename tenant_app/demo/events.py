"""Demo marketing events: a thank-you party at each dealer with some of its customers."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Customer, Organisation, User
from ..services import events


def seed_events(network_id: int, today: date | None = None) -> int:
    """A thank-you party last week at each dealer, with a dozen of its customers invited."""
    today = today or date.today()
    made = 0
    for org in db.session.scalars(select(Organisation).where(Organisation.kind == "dealer").order_by(Organisation.id)):
        gm = db.session.scalar(select(User).where(User.org_id == org.id).order_by(User.id))
        event = events.create(org, kind="thanks", title="老客户答谢会", held_on=today - timedelta(days=7),
                              place=f"{org.city}宾馆", budget=15000, notes="感谢老客户，介绍新车型与服务政策。", by=gm)
        db.session.flush()
        guests = db.session.scalars(select(Customer.id).where(Customer.org_id == org.id, Customer.segment == "own_old")
                                    .order_by(Customer.id).limit(12)).all()
        events.invite(event, list(guests))
        events.record_attendance(event, set(guests[::2]), today)
        made += 1
    return made
