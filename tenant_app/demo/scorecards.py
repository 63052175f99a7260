"""Demo training, preparation audits and a first evaluation, so the scorecard pages have
something to show after `make run`."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import PREPARATION_ITEMS, Organisation, User
from ..services import scorecards, training
from ..services.targets import period_bounds, set_target


def seed_scorecards(network_id: int, today: date | None = None, seed: int = 7) -> str:
    """Training last week with attendance and scores, an audit per dealer, and the evaluation
    of the current month (its PDFs render now when jobs run inline, else on a worker)."""
    from ..jobs.scorecards import start_evaluation

    rng = random.Random(seed)
    today = today or date.today()
    supervisor = db.session.scalar(select(User).join(Organisation).where(Organisation.kind == "manufacturer")
                                   .order_by(User.id))
    trained = db.session.scalars(select(Organisation).where(Organisation.kind.in_(training.TRAINED_KINDS))
                                 .order_by(Organisation.id)).all()
    held = training.create_session(title="客户营销实务：台帐与回访", held_on=today - timedelta(days=7),
                                   place="柳州 培训中心", topic="客户分类、回访策略、一级意向跟进。", max_score=100,
                                   orgs=trained, by=supervisor)
    for inv in held.invitations:
        came = rng.random() < 0.8
        training.record(inv, came, str(rng.randint(62, 98)) if came else "")
    training.create_session(title="竞品客户转化专题", held_on=today + timedelta(days=14), place="南宁",
                            topic="竞品优劣势对比与洽谈准备。", max_score=100, orgs=trained, by=supervisor)
    for org in trained:
        if org.kind != "dealer":
            continue
        month = period_bounds("month", today)[0]
        for metric, value in (("callbacks", rng.randint(30, 60)), ("follow_ups", 6), ("deals", 2),
                              ("rival_converted", 1)):
            set_target(org, "month", month, metric, value)
        results = {item: rng.random() < 0.8 for item in PREPARATION_ITEMS}
        training.audit_preparation(org, audited_on=today - timedelta(days=20), results=results,
                                   notes={i: "尚未落实" for i, ok in results.items() if not ok},
                                   remark="按前期准备清单逐项核查。", by=supervisor)
    evaluation, _ = scorecards.open_evaluation(network_id, scorecards.period_label("month", today), by=supervisor)
    db.session.commit()
    start_evaluation(evaluation, supervisor.id)
    return evaluation.period
