"""Demo callbacks, follow-ups and deals, so every page of the workflow has something to show."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import CallbackItem, Opportunity, Organisation, User
from ..services import callbacks, deals

WHENS = ["3m", "6m", "12m", "later", "none"]
MODELS = ["乘龙H7 牵引车", "乘龙M3 自卸车", "霸龙507 牵引车"]


def seed_work(network_id: int, today: date | None = None, seed: int = 11) -> int:
    """A plan for the current month per dealer; callbacks done for part of what is already
    due; some opportunities with negotiation rounds; one won deal and one give-up request."""
    today = today or date.today()
    rnd = random.Random(seed + network_id)
    made = 0
    for org in db.session.scalars(select(Organisation).where(Organisation.kind == "dealer").order_by(Organisation.id)):
        staff = db.session.scalars(select(User).where(User.org_id == org.id)).all()
        info = next((u for u in staff if u.has_role("information_manager")), staff[0])
        start = today.replace(day=1) - timedelta(days=30)
        plan = callbacks.generate_plan(org, title=f"{start:%Y年%m月}起两个月回访计划", starts_on=start,
                                       ends_on=start + timedelta(days=60), by=info, today=today).plan
        db.session.flush()
        due = [i for i in db.session.scalars(select(CallbackItem).where(CallbackItem.plan_id == plan.id,
                                                                        CallbackItem.due_on < today))]
        for item in rnd.sample(due, k=len(due) // 3):
            by = item.assignee or info
            when = rnd.choice(WHENS)
            intent = when not in ("none",)
            callbacks.record_callback(item.customer, by, {
                "method": item.method, "done_on": item.due_on, "met_whom": "车队长", "result": "已回访，客户在用车况良好",
                "worth_following": intent and rnd.random() < 0.7, "has_intent": intent, "when": when if intent else "",
                "intent_model": rnd.choice(MODELS) if intent else "", "intent_quantity": rnd.randint(1, 6) if intent else None,
                "payment": rnd.choice(["full", "mortgage"]) if intent else "", "steps": ["phone", "needs", "doubts"],
                "doubts": rnd.choice(["油耗", "价格", "售后网点远", ""])}, item)
            made += 1
        db.session.flush()
        opps = db.session.scalars(select(Opportunity).where(Opportunity.org_id == org.id)
                                  .order_by(Opportunity.id)).all()
        for opp in opps[:3]:
            deals.add_round(opp, {"held_on": today - timedelta(days=3), "participants": "总经理、车队长",
                                  "objections": "首付比例偏高", "prepared": "准备按揭与金融方案",
                                  "next_step": "二次洽谈", "next_on": today + timedelta(days=4)})
        if opps:
            vin = deals.with_check_digit(f"LZZ5BL{rnd.randint(10, 99)}0{rnd.choice('JKLMN')}N{rnd.randint(100000, 999999)}")
            deals.win(opps[0], contract_on=today - timedelta(days=2), amount=450000 * opps[0].quantity,
                      vehicles=[{"vin": vin, "model": opps[0].model}])
        if len(opps) > 1:
            deals.request_give_up(opps[1], opps[1].owner or info, "客户选择了竞品的融资方案", "中国重汽")
    return made
