"""Demo co-development: one product in the catalogue, one project on its way to the 公告."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Organisation, User
from ..services import projects


def seed_projects(network_id: int, today: date | None = None) -> int:
    today = today or date.today()
    builders = db.session.scalars(select(Organisation).where(Organisation.kind == "bodybuilder")
                                  .order_by(Organisation.id)).all()
    maker = db.session.scalar(select(User).join(Organisation).where(Organisation.kind == "manufacturer")
                              .order_by(User.id))
    made = 0
    for n, builder in enumerate(builders):
        by = db.session.scalar(select(User).where(User.org_id == builder.id).order_by(User.id))
        done = projects.create_project(builder, title=("8 方混凝土搅拌车", "18 方铝合金运油车")[n % 2],
                                       vehicle_type=("mixer", "tanker")[n % 2], chassis_models="乘龙 H5 8×4",
                                       target_customers="商砼站、城建工程车队", target_volume=200,
                                       specs="搅拌筒 8 m³，耐磨钢；液压系统进口", by=by)
        db.session.flush()
        projects.advance(done, "small_batch", today=today, announcement_no=f"第{375 + n}批",
                         announcement_on=today - timedelta(days=60))
        projects.post(done, "小批量 20 台已交付，客户反馈良好。", maker)
        ongoing = projects.create_project(builder, title="9.6 米冷藏车", vehicle_type="refrigerated",
                                          chassis_models="乘龙 M3 4×2", target_customers="冷链物流",
                                          target_volume=80, specs="", by=by)
        db.session.flush()
        projects.advance(ongoing, "prototype", today=today)
        projects.plan_stage(ongoing, "applied", "周文斌", today + timedelta(days=45))
        projects.post(ongoing, "样车请于下月送检。", maker)
        made += 2
    return made
