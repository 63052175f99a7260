"""The work of the day on each person's home page, and the count of what is due in the
navigation bar. Each source is one statement: counted for the badge and the section's
total, read (its first rows) for the list, so the two never disagree. Every statement goes
through `scoped(stmt, Model)`, the caller's policy scope (services import no policies).

Items are data for the template: a title, the fact that matters, a day, an endpoint and its
arguments; `bp` is the party's blueprint the endpoints belong to.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import vocab
from ..extensions import db
from ..models import (AfterSaleTask, Appeal, CallbackCheck, CallbackItem, CallbackPlan, Customer, Evaluation, Expense,
                      HotAlert, JobRecord, NegotiationRound, Opportunity, Organisation, PendingValue, Project, ProjectStage, RepairOrder,
                      Scorecard, ServiceCallback, VerificationSample)
from .vocabulary import VOCABULARIES
from ..policies.customers import LEDGER_KEEPERS  # a constant: who keeps the ledger

SHOWN = 8  # rows a section lists; its total links to the full list
APPROVERS = ("general_manager", "brand_manager")
OPEN_STAGES = ("following", "negotiating")
APPEAL_WARNING_DAYS = 3  # an appeal window closing within this many days is shown to the heads
STAGE_NOTICE_DAYS = 7    # a project stage due within a week is on the builder's list


@dataclass
class Item:
    title: str
    fact: str
    endpoint: str
    args: dict
    day: date | None = None
    overdue: bool = False


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]
    total: int
    more: tuple[str, dict] | None = None
    empty: str = ""
    empty_link: tuple[str, dict, str] | None = None
    due: bool = True  # counted in the navigation bar's badge


@dataclass
class Source:
    """One kind of work: its statement (rows of `model`), how a row becomes an item, and the
    section's words."""
    key: str
    title: str
    model: type
    stmt: object
    item: Callable
    more: tuple[str, dict] | None = None
    empty: str = ""
    empty_link: tuple[str, dict, str] | None = None
    due: bool = True
    count: object = None  # what counts them, when stmt joins tables only to show names (cheaper)


def _column(field_name: str) -> str:
    return str(_l(VOCABULARIES[field_name][0])) if field_name in VOCABULARIES else field_name


def _late(day: date | None, today: date) -> str:
    if day is None:
        return ""
    if day < today:
        return str(_l("逾期 %(n)s 天", n=(today - day).days))
    return str(_l("今天")) if day == today else day.isoformat()


def _own_ledger_sources(user, bp: str, today: date) -> list[Source]:
    roles = set(user.roles)
    out = []
    # my callbacks, tasks and next steps: everyone of a ledger party may be given them
    mine_due = (CallbackItem.assignee_id == user.id, CallbackItem.status == "planned", CallbackItem.due_on <= today)
    out.append(Source(
        "callbacks", _l("今天和逾期的回访"), CallbackItem,
        select(CallbackItem, Customer.name).join(Customer, Customer.id == CallbackItem.customer_id)
        .where(*mine_due).order_by(CallbackItem.due_on.desc(), CallbackItem.id),
        lambda row: Item(row[1], f"{vocab.label(vocab.CALLBACK_METHODS, row[0].method)} · {_late(row[0].due_on, today)}",
                         f"{bp}.callback_new", {"customer_id": row[0].customer_id, "item_id": row[0].id},
                         row[0].due_on, row[0].due_on < today),
        more=(f"{bp}.callbacks", {}),
        empty=_l("今天没有到期的回访。"), empty_link=(f"{bp}.customers", {}, _l("去台帐看看客户")),
        count=select(func.count(CallbackItem.id)).where(*mine_due)))
    latest_round = select(func.max(NegotiationRound.id)).group_by(NegotiationRound.opportunity_id)
    out.append(Source(
        "next_steps", _l("到期的跟进"), Opportunity,
        select(Opportunity, Customer.name, NegotiationRound.next_step, NegotiationRound.next_on)
        .join(Customer, Customer.id == Opportunity.customer_id)
        .join(NegotiationRound, NegotiationRound.opportunity_id == Opportunity.id)
        .where(NegotiationRound.id.in_(latest_round), Opportunity.owner_id == user.id,
               Opportunity.stage.in_(OPEN_STAGES), NegotiationRound.next_on <= today)
        .order_by(NegotiationRound.next_on.desc(), Opportunity.id),
        lambda row: Item(row[1], f"{row[2] or vocab.label(vocab.STAGES, row[0].stage)} · {_late(row[3], today)}",
                         f"{bp}.opportunity", {"opportunity_id": row[0].id}, row[3], row[3] < today),
        more=(f"{bp}.opportunities", {}), empty=_l("没有到期的跟进。")))
    tasks_due = (AfterSaleTask.assignee_id == user.id, AfterSaleTask.status == "open", AfterSaleTask.due_on <= today)
    out.append(Source(
        "tasks", _l("到期的售后跟踪"), AfterSaleTask,
        select(AfterSaleTask, Customer.name).join(Customer, Customer.id == AfterSaleTask.customer_id)
        .where(*tasks_due).order_by(AfterSaleTask.due_on.desc(), AfterSaleTask.id),
        lambda row: Item(row[1], f"{vocab.label(vocab.TASK_KINDS, row[0].kind)} · {_late(row[0].due_on, today)}",
                         f"{bp}.tasks", {}, row[0].due_on, row[0].due_on < today),
        more=(f"{bp}.tasks", {}), empty=_l("没有到期的售后跟踪。"),
        count=select(func.count(AfterSaleTask.id)).where(*tasks_due)))
    if roles & set(LEDGER_KEEPERS):
        out.append(Source(
            "unassigned", _l("未分配的回访计划项"), CallbackItem,
            select(CallbackPlan.id, CallbackPlan.title, func.count(CallbackItem.id).label("n"))
            .join(CallbackPlan, CallbackPlan.id == CallbackItem.plan_id)
            .where(CallbackItem.assignee_id.is_(None), CallbackItem.status == "planned", CallbackPlan.ends_on >= today)
            .group_by(CallbackPlan.id, CallbackPlan.title).order_by(CallbackPlan.id.desc()),
            lambda row: Item(row[1], str(_l("%(n)s 项未分配", n=row[2])), f"{bp}.callback_plan",
                             {"plan_id": row[0], "assignee_id": "none"}),
            more=(f"{bp}.callback_plans", {}), empty=_l("计划项都已分配。"), due=False))
        out.append(Source(
            "no_sales_manager", _l("还没有负责业务经理的客户"), Customer,
            # ordered as ix_customers_org_responsible reads backwards: IS NULL makes no equality the planner
            # could use for "id DESC" alone, and it would scan the whole table by primary key instead
            select(Customer).where(Customer.responsible_id.is_(None))
            .order_by(Customer.responsible_id.desc(), Customer.id.desc()),
            lambda c: Item(c.name, c.region or "", f"{bp}.customer", {"customer_id": c.id}),
            more=(f"{bp}.customers", {"responsible_id": "none"}), empty=_l("每位客户都有负责业务经理。"),
            due=False))
        out.append(Source(
            "pending", _l("待归类的值"), Customer,
            select(PendingValue, Customer.name).join(Customer, Customer.id == PendingValue.customer_id)
            .order_by(PendingValue.id.desc()),
            lambda row: Item(row[1], f"{_column(row[0].field)}：{row[0].text}",
                             f"{bp}.customer_edit", {"customer_id": row[0].customer_id}),
            empty=_l("没有待归类的值。"), due=False))
        out.append(Source(
            "imports", _l("导入进行中或失败"), JobRecord,
            select(JobRecord).where(JobRecord.kind.in_(("ledger_check", "ledger_import")),
                                    JobRecord.status.in_(("queued", "running", "failed")),
                                    JobRecord.created_at >= today - timedelta(days=7))
            .order_by(JobRecord.id.desc()),
            lambda j: Item(j.params.get("filename") or str(_l("台帐文件")), vocab.label(vocab.JOB_STATUSES, j.status),
                           f"{bp}.customers_import_job", {"job_id": j.id}, overdue=j.status == "failed"),
            empty=_l("没有进行中或失败的导入。"), empty_link=(f"{bp}.customers_import", {}, _l("从 Excel 导入台帐")),
            due=False))
    if roles & set(APPROVERS) or "manager" in roles:
        out.append(Source(
            "expenses", _l("待审批的费用"), Expense,
            select(Expense).where(Expense.status == "submitted").order_by(Expense.id),
            lambda e: Item(e.description, f"¥{e.amount:,.2f} · {e.spent_on.isoformat()}", f"{bp}.expenses", {}),
            more=(f"{bp}.expenses", {}), empty=_l("没有待审批的费用。")))
        out.append(Source(
            "give_ups", _l("待审批的放弃"), Opportunity,
            select(Opportunity, Customer.name).join(Customer, Customer.id == Opportunity.customer_id)
            .where(Opportunity.stage == "give_up_pending").order_by(Opportunity.id),
            lambda row: Item(row[1], row[0].lost_reason[:60], f"{bp}.opportunity", {"opportunity_id": row[0].id}),
            more=(f"{bp}.opportunities", {"stage": "give_up_pending"}), empty=_l("没有待审批的放弃。")))
    return out


def _appeal_windows(user, scoped, today: date) -> Section | None:
    """Final scorecards of the organisation whose appeal window closes within a few days."""
    from .scorecards import appeal_open_until
    if not set(user.roles) & set(APPROVERS + ("manager",)):
        return None
    cards = db.session.scalars(scoped(select(Scorecard).join(Evaluation, Evaluation.id == Scorecard.evaluation_id)
                                      .where(Scorecard.org_id == user.org_id, Evaluation.status == "issued")
                                      .order_by(Evaluation.starts_on.desc()).limit(6), Scorecard)).all()
    items = []
    for card in cards:
        if card.evaluation.provisional or card.appeals:
            continue
        until = appeal_open_until(card)
        if today <= until <= today + timedelta(days=APPEAL_WARNING_DAYS):
            items.append(Item(card.evaluation.period, str(_l("申诉截至 %(day)s", day=until.isoformat())),
                              "org.scorecard", {"card_id": card.id}, until))
    latest = cards[0] if cards else None
    if latest is not None:
        items.append(Item(str(_l("最新考评 %(period)s", period=latest.evaluation.period)),
                          f"{latest.total:g} · {latest.grade}" + (f" · {_l('临时')}" if latest.evaluation.provisional
                                                                 else ""),
                          "org.scorecard", {"card_id": latest.id}))
    return Section("scorecards", _l("考评与申诉"), items, len(items), ("org.scorecards", {}),
                   _l("还没有考评。"), due=False)


def _maker_sources(user, today: date) -> list[Source]:
    return [
        Source("appeals", _l("待处理的申诉"), Appeal,
               select(Appeal, Organisation.name).join(Organisation, Organisation.id == Appeal.org_id)
               .where(Appeal.status == "open").order_by(Appeal.id),
               lambda row: Item(row[1], vocab.label(vocab.SCORE_RULES, row[0].item_key), "manufacturer.appeals", {},
                                row[0].created_at.date()),
               more=("manufacturer.appeals", {}), empty=_l("没有待处理的申诉。")),
        Source("samples", _l("待核实的回访抽查"), VerificationSample,
               select(VerificationSample, Organisation.name, func.count(CallbackCheck.id))
               .join(Organisation, Organisation.id == VerificationSample.org_id)
               .join(CallbackCheck, CallbackCheck.sample_id == VerificationSample.id)
               .where(CallbackCheck.status == "pending")
               .group_by(VerificationSample.id, Organisation.name).order_by(VerificationSample.id),
               lambda row: Item(row[1], str(_l("%(n)s 条待核实", n=row[2])), "manufacturer.verification_sample",
                                {"sample_id": row[0].id}),
               empty=_l("没有待核实的抽查。"), empty_link=("manufacturer.dealers", {}, _l("去经销商总览抽查回访"))),
        Source("late_alerts", _l("超期未处理的热点预警"), HotAlert,
               select(HotAlert, Organisation.name).join(Organisation, Organisation.id == HotAlert.org_id)
               .where(HotAlert.status == "open", HotAlert.deadline < today).order_by(HotAlert.deadline),
               lambda row: Item(row[1], f"{_late(row[0].deadline, today)}", "manufacturer.alert",
                                {"alert_id": row[0].id}, row[0].deadline, True),
               more=("manufacturer.alerts", {}), empty=_l("没有超期的热点预警。")),
    ]


def _score_fell(scoped) -> Section:
    """Organisations whose total fell from the previous final evaluation of the same kind to the latest."""
    finals = [e for e in db.session.scalars(select(Evaluation).where(Evaluation.status == "issued")
                                            .order_by(Evaluation.ends_on.desc()).limit(12)) if not e.provisional]
    items = []
    if finals:
        latest = finals[0]
        previous = next((e for e in finals[1:] if e.kind == latest.kind), None)
        if previous is not None:
            rows = db.session.execute(scoped(
                select(Scorecard, Organisation.name).join(Organisation, Organisation.id == Scorecard.org_id)
                .where(Scorecard.evaluation_id == latest.id), Scorecard)).all()
            before = dict(db.session.execute(select(Scorecard.org_id, Scorecard.total)
                                             .where(Scorecard.evaluation_id == previous.id)).all())
            fell = sorted(((before[c.org_id] - c.total, c, name) for c, name in rows
                           if c.org_id in before and c.total < before[c.org_id]), key=lambda x: -x[0])
            items = [Item(name, f"{before[c.org_id]:g} → {c.total:g}（{latest.period}）", "manufacturer.scorecard",
                          {"card_id": c.id}) for _, c, name in fell]
    return Section("score_fell", _l("得分下降的机构"), items[:SHOWN], len(items), ("manufacturer.evaluations", {}),
                   _l("最近一次正式考评中没有机构得分下降。"), due=False)


def _station_sources(user, today: date) -> list[Source]:
    return [
        Source("service_callbacks", _l("到期的维修回访"), ServiceCallback,
               select(ServiceCallback, RepairOrder).join(RepairOrder, RepairOrder.id == ServiceCallback.repair_id)
               .where(ServiceCallback.status == "due", ServiceCallback.due_on <= today)
               .order_by(ServiceCallback.due_on.desc(), ServiceCallback.id),
               lambda row: Item(row[1].plate or row[1].vehicle.vin,
                                f"{vocab.label(vocab.SERVICE_METHODS, row[0].method)} · {_late(row[0].due_on, today)}",
                                "station.callback", {"callback_id": row[0].id}, row[0].due_on, row[0].due_on < today),
               more=("station.callbacks", {}), empty=_l("今天没有到期的维修回访。")),
        Source("alerts", _l("待处理的热点预警"), HotAlert,
               select(HotAlert).where(HotAlert.status == "open").order_by(HotAlert.deadline),
               lambda a: Item(a.opened_on.isoformat(), str(_l("处理期限 %(day)s", day=a.deadline.isoformat())),
                              "station.alert", {"alert_id": a.id}, a.deadline, a.deadline < today),
               empty=_l("没有待处理的热点预警。")),
    ]


def _builder_sources(user, today: date) -> list[Source]:
    return [Source(
        "stages", _l("近期到期的项目阶段"), Project,
        select(ProjectStage, Project.title).join(Project, Project.id == ProjectStage.project_id)
        .where(ProjectStage.done_on.is_(None), ProjectStage.due_on <= today + timedelta(days=STAGE_NOTICE_DAYS))
        .order_by(ProjectStage.due_on),
        lambda row: Item(row[1], f"{vocab.label(vocab.PROJECT_STAGES, row[0].stage)} · {_late(row[0].due_on, today)}",
                         "bodybuilder.project", {"project_id": row[0].project_id}, row[0].due_on,
                         row[0].due_on < today),
        more=("bodybuilder.projects", {}), empty=_l("一周内没有到期的项目阶段。"))]


def sources(user, bp: str, today: date) -> list[Source]:
    kind = user.org.kind
    if kind == "manufacturer":
        return _maker_sources(user, today)
    out = []
    if kind in ("dealer", "bodybuilder"):
        out += _own_ledger_sources(user, bp, today)
    if kind == "bodybuilder":
        out += _builder_sources(user, today)
    if kind == "service":
        out += _station_sources(user, today)
    return out


def _count(source: Source, scoped) -> int:
    if source.count is not None:
        return db.session.scalar(scoped(source.count, source.model))
    stmt = scoped(source.stmt.order_by(None), source.model)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def sections(user, scoped, bp: str, today: date | None = None) -> list[Section]:
    """The home page's sections, in order, each with its first SHOWN items and its total."""
    today = today or date.today()
    out = []
    for s in sources(user, bp, today):
        rows = db.session.execute(scoped(s.stmt, s.model).limit(SHOWN)).all()
        items = [s.item(row if len(row) > 1 else row[0]) for row in rows]
        total = len(items) if len(items) < SHOWN else _count(s, scoped)
        out.append(Section(s.key, s.title, items, total, s.more, s.empty, s.empty_link, s.due))
    if user.org.kind in ("dealer", "bodybuilder", "service"):
        windows = _appeal_windows(user, scoped, today)
        if windows is not None:
            out.append(windows)
    if user.org.kind == "manufacturer":
        out.append(_score_fell(scoped))
    return out


def due_count(user, scoped, bp: str, today: date | None = None) -> int:
    """What the navigation bar's badge says: the due sections' totals, counted only."""
    today = today or date.today()
    return sum(_count(s, scoped) for s in sources(user, bp, today) if s.due)
