"""Demo work of the service stations: repairs of vehicles sold in the network, callbacks
after them (one unreachable, one satisfied, one unhappy with its hot alert), and the customers'
own survey answers (one of them disagreeing with what the station recorded)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import DealVehicle, Organisation
from ..services import stations as station
from ..services import surveys


def seed_service(network_id: int, today: date | None = None) -> int:
    today = today or date.today()
    rules = station.settings(network_id)
    stations = db.session.scalars(select(Organisation).where(Organisation.kind == "service")
                                  .order_by(Organisation.id)).all()
    vins = db.session.scalars(select(DealVehicle.vin).order_by(DealVehicle.id)).all()
    made = 0
    for n, vin in enumerate(vins[: 3 * len(stations)]):
        org = stations[n % len(stations)]
        vehicle = station.find_vehicle(vin)
        vehicle.plate = vehicle.plate or f"桂B{20000 + n * 37}"
        repair = station.open_repair(org, vehicle, kind=("maintenance", "repair", "warranty")[n % 3],
                                     date_in=today - timedelta(days=12 - n), mileage=20000 + 3100 * n,
                                     work_done=("首保：更换机油、三滤", "更换离合器片", "索赔：更换喷油器")[n % 3],
                                     amount=(680, 2450, 0)[n % 3], technician="技师 覃建")
        db.session.flush()
        made += 1
        if n % 3 == 2:
            continue  # still in the workshop
        callback = station.close_repair(repair, repair.date_in + timedelta(days=1), rules)
        db.session.flush()
        if callback.due_on > today:
            continue
        if n % 3 == 0:
            station.reached(callback, callback.due_on, rules, complaint=False, comments="服务很好",
                            scores={"overall": 5, "timeliness": 5, "quality": 4, "price": 4, "attitude": 5,
                                    "facility": 4})
            # the customer's own answer: the first station's first one says otherwise
            disagrees = n == 0
            surveys.answer(surveys.for_repair(repair.id), 2 if disagrees else 5, not disagrees,
                           "修完第二天又出问题" if disagrees else "")
        else:
            station.reached(callback, callback.due_on, rules, complaint=True, comments="等待时间太长，价格偏高",
                            scores={"overall": 2, "timeliness": 1, "quality": 4, "price": 2, "attitude": 4,
                                    "facility": 4})
    return made
