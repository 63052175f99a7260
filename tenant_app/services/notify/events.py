"""One function per event kind: who is concerned, decided from the data, and what they are told.

Each records its notifications in the caller's transaction (`tell`), so the notification
exists exactly when the action does; sending happens after the commit (delivery.py). The key
of each makes the event idempotent: recorded twice, it tells nobody twice. Titles and bodies
name people and customers by name only; a phone number appears masked. Links are paths in
the product; whoever opens one still passes the page's policy.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...extensions import db
from ...models import Organisation, User
from ...vocab import N_
from ..privacy import mask_phone
from . import recipients, tell

PREFIX = {"dealer": "/d", "bodybuilder": "/b", "service": "/s", "manufacturer": "/m"}
HEADS = ("general_manager", "manager")
APPROVERS = ("general_manager", "brand_manager", "manager")  # of a give-up (policies.work)
JOB_KINDS = {"ledger_import": N_("客户台帐导入"), "evaluate": N_("考评")}


def _digest(ids) -> str:
    return hashlib.sha1(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()[:16]


def _users(ids, session=None) -> list[User]:
    session = session or db.session
    ids = [i for i in set(ids) if i]
    return recipients(session, User.id.in_(ids)) if ids else []


def _org_people(org_id: int, roles=None, session=None) -> list[User]:
    people = recipients(session or db.session, User.org_id == org_id)
    return [u for u in people if roles is None or u.has_role(*roles)]


def maker_staff_of(org: Organisation, session=None) -> list[User]:
    """The maker's supervisors whose regions take in the organisation (unrestricted ones too);
    the network administrators when no supervisor does."""
    session = session or db.session
    maker = session.scalar(select(Organisation.id).where(Organisation.kind == "manufacturer"))
    staff = recipients(session, User.org_id == maker)
    supervisors = [u for u in staff if u.has_role("supervisor") and (not u.regions or org.province in u.regions)]
    return supervisors or [u for u in staff if u.has_role("network_admin")]


def _by_party(users, kind, key, title, body, path: str, obj=None, session=None):
    """path with {p} for the party's URL prefix: each recipient gets the link of their own pages."""
    groups = defaultdict(list)
    for u in users:
        groups[u.org.kind].append(u)
    for party, people in groups.items():
        tell(people, kind, key, title, body, path.format(p=PREFIX[party]), obj, session=session)


# Work handed over.

def plan_items_assigned(plan, items) -> None:
    per_person = defaultdict(list)
    for item in items:
        per_person[item.assignee_id].append(item.id)
    for person in _users(per_person):
        ids = per_person[person.id]
        _by_party([person], "plan_items_assigned", f"{plan.id}:{_digest(ids)}",
                  _l("%(n)s 条回访计划项分配给了您", n=len(ids)), _l("回访计划：%(title)s", title=plan.title),
                  f"{{p}}/callbacks/plans/{plan.id}", plan)


def customers_assigned(moved: dict) -> None:
    """moved: person id -> ids of the customers that became theirs."""
    for person in _users(moved):
        ids = moved[person.id]
        _by_party([person], "customers_assigned", _digest(ids), _l("%(n)s 位客户分配给了您", n=len(ids)),
                  _l("您现在是这些客户的负责业务经理。"), "{p}/customers")


# Due dates (the scheduler's daily run).

def callbacks_due(user, today: date, tomorrow: int, overdue: int) -> None:
    if not (tomorrow or overdue):
        return
    _by_party([user], "callbacks_due", today.isoformat(),
              _l("回访提醒：明天到期 %(t)s 条，已逾期 %(o)s 条", t=tomorrow, o=overdue),
              _l("请在回访日历中查看并安排。"), "{p}/callbacks")


def next_step_due(opp, step) -> None:
    _by_party(_users([opp.owner_id]), "next_step_due", f"{step.id}:{step.next_on}",
              _l("商机下一步今天到期：%(customer)s", customer=opp.customer.name),
              _l("下一步：%(step)s", step=step.next_step or "—"), f"{{p}}/opportunities/{opp.id}", opp)


def task_due(task) -> None:
    _by_party(_users([task.assignee_id]), "task_due", f"{task.id}:{task.due_on}",
              _l("售后任务今天到期：%(customer)s", customer=task.customer.name), "", "{p}/tasks", task)


# Approvals.

def expense_submitted(expense) -> None:
    db.session.flush()
    _by_party(_org_people(expense.org_id, HEADS), "expense_submitted", expense.id,
              _l("费用待审批：%(amount)s 元", amount=expense.amount), expense.description[:200], "{p}/expenses", expense)


def expense_decided(expense) -> None:
    title = _l("您的费用已批准") if expense.status == "approved" else _l("您的费用未获批准")
    _by_party(_users([expense.submitted_by_id]), "expense_decided", f"{expense.id}:{expense.status}", title,
              _l("%(amount)s 元：%(what)s", amount=expense.amount, what=expense.description[:200]),
              "{p}/expenses", expense)


def give_up_requested(opp, today: date | None = None) -> None:
    people = [u for u in _org_people(opp.org_id, APPROVERS) if u.id != opp.give_up_by_id]
    _by_party(people, "give_up_requested", f"{opp.id}:{today or date.today()}",
              _l("放弃申请待审批：%(customer)s", customer=opp.customer.name), opp.lost_reason[:200],
              f"{{p}}/opportunities/{opp.id}", opp)


def give_up_decided(opp, approve: bool, today: date | None = None) -> None:
    title = _l("放弃申请已批准：%(customer)s", customer=opp.customer.name) if approve else \
        _l("放弃申请被退回，继续跟进：%(customer)s", customer=opp.customer.name)
    _by_party(_users([opp.give_up_by_id]), "give_up_decided", f"{opp.id}:{approve}:{today or date.today()}",
              title, "", f"{{p}}/opportunities/{opp.id}", opp)


# Scorecards.

def appeal_filed(appeal) -> None:
    db.session.flush()
    org = db.session.get(Organisation, appeal.org_id)
    tell(maker_staff_of(org), "appeal_filed", appeal.id, _l("考评申诉待处理：%(org)s", org=org.name),
         appeal.reason[:200], "/m/appeals", appeal)


def appeal_resolved(appeal) -> None:
    people = _org_people(appeal.org_id, HEADS) + _users([appeal.raised_by_id])
    title = _l("申诉已采纳，考评已重新发布") if appeal.status == "upheld" else _l("申诉未采纳")
    tell(people, "appeal_resolved", appeal.id, title, appeal.response[:200],
         f"/org/scorecards/{appeal.scorecard_id}", appeal)


def scorecards_issued(evaluation, session=None) -> None:
    session = session or db.session
    for card in evaluation.scorecards:
        tell(_org_people(card.org_id, HEADS, session), "scorecard_issued", f"{card.id}:{card.revision}",
             _l("考评结果已发布：%(period)s", period=evaluation.period),
             _l("总分 %(total)s，等级 %(grade)s", total=card.total, grade=card.grade or "—"),
             f"/org/scorecards/{card.id}", card, session=session)


# Hot alerts: the station's manager and the maker's staff of the region.

def _alert_people(alert):
    return _org_people(alert.org_id, ("manager",)), maker_staff_of(_station(alert))


def _station(alert) -> Organisation:
    return db.session.get(Organisation, alert.org_id)


def _alert_body(alert) -> str:
    vehicle = alert.repair.vehicle
    return str(_l("车辆 %(vin)s，车主 %(owner)s %(phone)s", vin=vehicle.vin, owner=vehicle.owner_name or "—",
                  phone=mask_phone(vehicle.owner_phone)))


def _tell_alert(alert, kind, key, title) -> None:
    station, maker = _alert_people(alert)
    body = _alert_body(alert)
    tell(station, kind, key, title, body, f"/s/alerts/{alert.id}", alert)
    tell(maker, kind, key, title, body, f"/m/alerts/{alert.id}", alert)


def alert_raised(alert) -> None:
    db.session.flush()  # a new alert's defaults (status) and id
    if alert is None or alert.status != "open":
        return
    _tell_alert(alert, "alert_raised", f"{alert.id}:{alert.reopened}",
                _l("热点预警：%(station)s，限 %(day)s 前处理", station=_station(alert).name, day=alert.deadline))


def alert_overdue(alert) -> None:
    _tell_alert(alert, "alert_overdue", f"{alert.id}:{alert.deadline}",
                _l("热点预警已逾期（期限 %(day)s）：%(station)s", day=alert.deadline, station=_station(alert).name))


def alert_closed(alert) -> None:
    if alert is None or alert.status != "closed":
        return
    _tell_alert(alert, "alert_closed", f"{alert.id}:{alert.closed_on}",
                _l("热点预警已关闭：%(station)s", station=_station(alert).name))


def alert_changed(alert) -> None:
    """After a survey: an alert it opened or reopened, or closed."""
    if alert is not None:
        (alert_closed if alert.status == "closed" else alert_raised)(alert)


# Published to organisations.

def announcement_published(ann) -> None:
    db.session.flush()
    kinds = [k for k, on in (("dealer", ann.for_dealer), ("bodybuilder", ann.for_bodybuilder),
                             ("service", ann.for_service)) if on]
    orgs = select(Organisation.id).where(Organisation.kind.in_(kinds), Organisation.status == "active")
    tell(recipients(db.session, User.org_id.in_(orgs)), "announcement", ann.id,
         _l("新发布：%(title)s", title=ann.title), ann.body[:200], "/org/announcements", ann)


def training_invited(session) -> None:
    db.session.flush()
    tell(_users(i.user_id for i in session.invitations), "training", session.id,
         _l("培训邀请：%(title)s", title=session.title),
         _l("培训时间：%(day)s，地点：%(place)s", day=session.held_on, place=session.place), "/org/training", session)


# Jobs: who started it.

def job_finished(record, session=None) -> None:
    _job(record, "job_done", _l("已完成：%(what)s", what=_l(JOB_KINDS.get(record.kind, ""))), session)


def job_failed(record, session=None) -> None:
    _job(record, "job_failed", _l("未能完成：%(what)s", what=_l(JOB_KINDS.get(record.kind, ""))), session)


def _job(record, kind, title, session) -> None:
    if record.kind not in JOB_KINDS or not record.created_by_id:
        return
    session = session or db.session
    person = session.get(User, record.created_by_id)
    if record.kind == "evaluate":
        path = f"/m/scorecards/{record.params.get('evaluation_id')}"
    else:
        path = f"{{p}}/customers/import/{record.id}"
    _by_party([person] if person else [], kind, record.id, title, (record.error or "")[:200], path,
              record, session=session)

