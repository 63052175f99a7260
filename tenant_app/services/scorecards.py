"""Scorecards (考评): templates and their versions, evaluating a period, ranks and trend,
deductions, appeals and the re-issue they cause. Used by the pages, the jobs and the CLI."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import (Appeal, Deduction, Evaluation, EvaluationSchedule, JobRecord, Organisation, Scorecard,
                      ScorecardTemplate)
from ..models.base import utcnow
from . import scoring
from .errors import DomainError
from .notify import events as notify
from .targets import period_bounds

DEFAULT_ITEMS = [  # weights add up to 100; cap above the weight rewards over-achievement
    {"key": "target_attainment", "weight": 15, "full_at": 1.0, "cap": 15},
    {"key": "ledger_completeness", "weight": 10, "full_at": 0.95, "cap": 10},
    {"key": "callback_completion", "weight": 15, "full_at": 1.0, "cap": 15},
    {"key": "callback_timeliness", "weight": 10, "full_at": 1.0, "cap": 10},
    {"key": "coverage", "weight": 10, "full_at": 0.8, "cap": 10},
    {"key": "level1_followup", "weight": 10, "full_at": 1.0, "cap": 10},
    {"key": "conversion", "weight": 10, "full_at": 0.5, "cap": 12},
    {"key": "rival_conversion", "weight": 5, "full_at": 0.05, "cap": 7.5},
    {"key": "post_delivery", "weight": 5, "full_at": 1.0, "cap": 5},
    {"key": "verification", "weight": 5, "full_at": 1.0, "cap": 5},
    {"key": "preparation", "weight": 3, "full_at": 1.0, "cap": 3},
    {"key": "training", "weight": 2, "full_at": 0.8, "cap": 2},
    # service stations: their own items, adding up to 100 among themselves
    {"key": "service_callback_completion", "weight": 30, "full_at": 1.0, "cap": 30},
    {"key": "service_callback_timeliness", "weight": 20, "full_at": 0.9, "cap": 20},
    {"key": "service_satisfaction", "weight": 30, "full_at": 0.9, "cap": 30},
    {"key": "complaints_closed_in_time", "weight": 20, "full_at": 1.0, "cap": 20},
]
DEFAULT_BANDS = [[90, "A"], [80, "B"], [70, "C"], [60, "D"], [0, "E"]]
SCORED_KINDS = ("dealer", "service")


class ScorecardError(DomainError):
    pass


# --- periods ---------------------------------------------------------------------------
def parse_period(text: str) -> tuple[str, str, date, date]:
    """'2026-Q3', '2026-09' or '2026' → (label, kind, first day, last day)."""
    text = (text or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        kind, day = "quarter", date(int(m[1]), 3 * int(m[2]) - 2, 1)
    elif m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        if not 1 <= int(m[2]) <= 12:
            raise ScorecardError(_l("期间格式应为 2026-Q3、2026-09 或 2026。"))
        kind, day = "month", date(int(m[1]), int(m[2]), 1)
    elif m := re.fullmatch(r"\d{4}", text):
        kind, day = "year", date(int(text), 1, 1)
    else:
        raise ScorecardError(_l("期间格式应为 2026-Q3、2026-09 或 2026。"))
    if not 2000 <= day.year <= 2100:
        raise ScorecardError(_l("期间格式应为 2026-Q3、2026-09 或 2026。"))
    start, end = period_bounds(kind, day)
    return text, kind, start, end


def period_label(kind: str, day: date) -> str:
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}" if kind == "month" else str(day.year)


def last_ended(kind: str, today: date) -> str:
    """The label of the latest period of that kind which ended before today."""
    start, _ = period_bounds(kind, today)
    return period_label(kind, date.fromordinal(start.toordinal() - 1))


# --- templates -------------------------------------------------------------------------
def template_in_use(network_id: int) -> ScorecardTemplate:
    """The published version in use; before the network's first use, version 1 from the defaults, unsaved."""
    tpl = db.session.scalar(select(ScorecardTemplate).where(ScorecardTemplate.status == "published")
                            .order_by(ScorecardTemplate.version.desc()).limit(1))
    return tpl or ScorecardTemplate(network_id=network_id, version=1, name="经销商客户营销考评", status="published",
                                    items=[dict(i) for i in DEFAULT_ITEMS], grade_bands=DEFAULT_BANDS,
                                    published_at=utcnow())


def current_template(network_id: int) -> ScorecardTemplate:
    """The published version in use; the network's first use saves version 1."""
    tpl = template_in_use(network_id)
    if tpl.id is None:
        db.session.add(tpl)
        db.session.flush()
    return tpl


def draft_of(network_id: int, by=None) -> ScorecardTemplate:
    """The open draft, or a new one copied from the version in use."""
    draft = db.session.scalar(select(ScorecardTemplate).where(ScorecardTemplate.status == "draft"))
    if draft is None:
        cur = current_template(network_id)
        top = db.session.scalar(select(func.max(ScorecardTemplate.version)))
        draft = ScorecardTemplate(network_id=network_id, version=top + 1, name=cur.name, status="draft",
                                  items=[dict(i) for i in cur.items], grade_bands=[list(b) for b in cur.grade_bands],
                                  deduction_cap=cur.deduction_cap, appeal_days=cur.appeal_days,
                                  created_by_id=getattr(by, "id", None))
        db.session.add(draft)
        db.session.flush()
    return draft


def check_template(items: list[dict], bands: list) -> None:
    keys = [i["key"] for i in items]
    if not items:
        raise ScorecardError(_l("至少需要一个考评项目。"))
    if len(set(keys)) != len(keys) or any(k not in scoring.RULES for k in keys):
        raise ScorecardError(_l("考评项目重复或未知。"))
    for i in items:
        if not (0 < i["weight"] <= 100 and 0 < i["full_at"] <= 1 and i["weight"] <= i["cap"] <= 2 * i["weight"]):
            raise ScorecardError(_l("权重须在 0–100 之间，满分达成率在 0–1 之间，上限不低于权重且不超过权重的两倍。"))
    for kind in {scoring.RULES[k].kind for k in keys}:  # each party's items add up to 100 on their own
        total = sum(i["weight"] for i in items if scoring.RULES[i["key"]].kind == kind)
        if abs(total - 100) > 0.01:
            raise ScorecardError(_l("各项权重之和须为 100（现为 %(sum)s）。", sum=round(total, 2)))
    minima = [b[0] for b in bands]
    if not bands or minima != sorted(minima, reverse=True) or minima[-1] != 0 or len(set(minima)) != len(minima):
        raise ScorecardError(_l("等级分数线须从高到低排列且互不相同，最后一档为 0。"))


def _number(posted, name: str, low: float, high: float) -> float:
    try:
        value = float(posted.get(name, ""))
    except ValueError:
        raise ScorecardError(_l("请填写数字：%(f)s", f=name))
    if not low <= value <= high:
        raise ScorecardError(_l("%(f)s 须在 %(lo)s 到 %(hi)s 之间。", f=name, lo=low, hi=high))
    return value


def update_draft(draft: ScorecardTemplate, posted) -> ScorecardTemplate:
    """The draft from the template page's fields (use-, weight-, full_at-, cap- per rule; grade-/min- per band)."""
    items = []
    for key in scoring.RULES:
        if posted.get(f"use-{key}") == "1":
            items.append({"key": key, "weight": _number(posted, f"weight-{key}", 0.5, 100),
                          "full_at": _number(posted, f"full_at-{key}", 0.01, 1),
                          "cap": _number(posted, f"cap-{key}", 0.5, 200)})
    bands = []
    for n in range(6):
        grade = posted.get(f"grade-{n}", "").strip()
        if grade:
            bands.append([_number(posted, f"min-{n}", 0, 100), grade[:4]])
    check_template(items, bands)
    draft.items, draft.grade_bands = items, bands
    draft.name = (posted.get("name") or draft.name).strip()[:120]
    draft.deduction_cap = _number(posted, "deduction_cap", 0, 100)
    draft.appeal_days = int(_number(posted, "appeal_days", 1, 60))
    return draft


def set_schedule(network_id: int, period_kind: str, day: int) -> EvaluationSchedule:
    """Automatic evaluation: the kind of period evaluated and the day of the month after it ends."""
    schedule = db.session.scalar(select(EvaluationSchedule))
    if schedule is None:
        schedule = EvaluationSchedule(network_id=network_id)
        db.session.add(schedule)
    schedule.period_kind, schedule.day = period_kind, day
    return schedule


def publish(draft: ScorecardTemplate) -> ScorecardTemplate:
    """The draft becomes the version in use; the previous one is retired (and kept as it was)."""
    check_template(draft.items, draft.grade_bands)
    for old in db.session.scalars(select(ScorecardTemplate).where(ScorecardTemplate.status == "published")):
        old.status = "retired"
    draft.status, draft.published_at = "published", utcnow()
    return draft


# --- scoring ---------------------------------------------------------------------------
def score_item(item: dict, numerator: float, denominator: float) -> dict:
    """Points = weight × (ratio / ratio for full marks), up to the cap; no records: not applicable."""
    out = dict(item, numerator=numerator, denominator=denominator, applicable=denominator > 0)
    ratio = numerator / denominator if denominator else 0.0
    out["ratio"] = round(ratio, 4)
    out["points"] = round(min(item["cap"], item["weight"] * ratio / item["full_at"]), 2) if denominator else 0.0
    return out


def grade_for(total: float, bands: list) -> str:
    return next((g for minimum, g in bands if total >= minimum), bands[-1][1])


def total_of(items: list[dict], deductions: list[float], tpl: ScorecardTemplate) -> tuple[float, float, float, str]:
    """(score, deducted, total, grade). Items without records drop out and the rest are scaled
    to 100, so a dealer is neither punished nor rewarded for what did not occur."""
    counted = [i for i in items if i["applicable"] or i.get("adjusted") is not None]
    weight = sum(i["weight"] for i in counted)
    points = sum(i["points"] if i.get("adjusted") is None else i["adjusted"] for i in counted)
    score = round(min(100.0, points * 100 / weight), 2) if weight else 0.0
    deducted = round(min(tpl.deduction_cap, sum(deductions)), 2)
    total = round(max(0.0, score - deducted), 2)
    return score, deducted, total, grade_for(total, tpl.grade_bands)


def scored_orgs() -> list[Organisation]:
    return db.session.scalars(select(Organisation).where(Organisation.kind.in_(SCORED_KINDS),
                                                         Organisation.status == "active")
                              .order_by(Organisation.code)).all()


def compute(evaluation: Evaluation, progress=None) -> int:
    """Every dealer's scorecard for the evaluation's period, ranks and trend. Idempotent: a
    scorecard is updated in place, and its revision rises only when what it says changes."""
    tpl = evaluation.template
    kinds = {scoring.RULES[i["key"]].kind for i in tpl.items}
    orgs = [o for o in scored_orgs() if o.kind in kinds]  # a party without items in the template is not scored
    per_rule = {}
    for n, item in enumerate(tpl.items, 1):
        ids = [o.id for o in orgs if o.kind == scoring.RULES[item["key"]].kind]
        per_rule[item["key"]] = scoring.counts(item["key"], ids, evaluation.starts_on, evaluation.ends_on,
                                               evaluation.kind)
        if progress:
            progress(int(80 * n / len(tpl.items)))
    existing = {s.org_id: s for s in db.session.scalars(select(Scorecard).where(
        Scorecard.evaluation_id == evaluation.id))}
    before = {org_id: c.revision for org_id, c in existing.items()}
    # every card's upheld appeals and deductions in two queries, not two per card
    upheld, deductions = defaultdict(dict), defaultdict(list)
    for org_id, key, points in db.session.execute(
            select(Appeal.org_id, Appeal.item_key, Appeal.points).join(Scorecard, Scorecard.id == Appeal.scorecard_id)
            .where(Scorecard.evaluation_id == evaluation.id, Appeal.status == "upheld").order_by(Appeal.id)):
        upheld[org_id][key] = points
    for org_id, points in db.session.execute(select(Deduction.org_id, Deduction.points)
                                             .where(Deduction.evaluation_id == evaluation.id)):
        deductions[org_id].append(points)
    was_provisional = evaluation.provisional
    evaluation.computed_at = utcnow()  # what makes it provisional or final (Evaluation.provisional)
    for org in orgs:
        items = [score_item(i, *per_rule[i["key"]].get(org.id, (0, 0))) for i in tpl.items
                 if scoring.RULES[i["key"]].kind == org.kind]
        card = existing.get(org.id)
        if card is None:
            card = Scorecard(network_id=evaluation.network_id, evaluation=evaluation, org_id=org.id, org=org,
                             template_id=tpl.id, revision=0)
            db.session.add(card)
            existing[org.id] = card
        _settle(card, items, tpl, upheld[org.id], deductions[org.id])
    ranking_before = evaluation.ranking_revision
    _rank(evaluation, list(existing.values()), before)
    if was_provisional and not evaluation.provisional:  # now final: every card and the report issued again
        for card in existing.values():
            if card.revision == before.get(card.org_id):
                card.revision += 1
                card.issued_at = utcnow()
        if evaluation.ranking_revision == ranking_before:
            evaluation.ranking_revision += 1
    return len(orgs)


def _settle(card: Scorecard, items: list[dict], tpl: ScorecardTemplate, upheld: dict | None = None,
            deductions: list | None = None) -> None:
    """Apply upheld appeals and deductions (read here unless the caller read every card's at
    once), and bump the revision if anything changed."""
    if upheld is None:
        upheld = {a.item_key: a.points for a in card.appeals if a.status == "upheld"}
    for i in items:
        i["adjusted"] = upheld.get(i["key"])
    if deductions is None:
        deductions = db.session.scalars(select(Deduction.points).where(
            Deduction.evaluation_id == card.evaluation_id, Deduction.org_id == card.org_id)).all()
    score, deducted, total, grade = total_of(items, deductions, tpl)
    new = (items, score, deducted, total, grade, tpl.id)
    if card.revision and new == (card.items, card.score, card.deducted, card.total, card.grade, card.template_id):
        return
    card.items, card.score, card.deducted, card.total, card.grade, card.template_id = new
    card.revision += 1
    card.issued_at = utcnow()


def _competition_ranks(cards: list[Scorecard]) -> dict[int, int]:
    """1, 2, 2, 4: equal totals share a rank."""
    ranks, ordered = {}, sorted(cards, key=lambda c: -c.total)
    for pos, card in enumerate(ordered, 1):
        prev = ordered[pos - 2] if pos > 1 else None
        ranks[card.org_id] = ranks[prev.org_id] if prev is not None and prev.total == card.total else pos
    return ranks


def _rank(evaluation: Evaluation, cards: list[Scorecard], before: dict) -> None:
    """Ranks in the network and the region, and the trend; a scorecard whose rank moved is
    re-issued, and the ranking report is due again when any scorecard changed."""
    # dealers rank among dealers, stations among stations
    network, region, groups, regions = {}, {}, {}, {}
    for c in cards:
        groups.setdefault(c.org.kind, []).append(c)
        regions.setdefault((c.org.kind, c.org.province or ""), []).append(c)
    for members in groups.values():
        network.update(_competition_ranks(members))
    for members in regions.values():
        region.update(_competition_ranks(members))
    history = _history(evaluation, [c.org_id for c in cards])
    for c in cards:
        new = (network[c.org_id], region[c.org_id], history.get(c.org_id, []) + [[evaluation.period, c.total]])
        if (c.rank_network, c.rank_region, c.trend) != new:
            if c.revision == before.get(c.org_id):
                c.revision += 1
                c.issued_at = utcnow()
            c.rank_network, c.rank_region, c.trend = new
    if not evaluation.ranking_revision or any(c.revision != before.get(c.org_id) for c in cards):
        evaluation.ranking_revision += 1


def _history(evaluation: Evaluation, org_ids: list[int], periods: int = 3) -> dict[int, list]:
    """The totals of the same kind of period before this one, oldest first."""
    earlier = db.session.scalars(select(Evaluation.id).where(
        Evaluation.kind == evaluation.kind, Evaluation.starts_on < evaluation.starts_on)
        .order_by(Evaluation.starts_on.desc()).limit(periods)).all()
    out: dict[int, list] = {}
    rows = db.session.execute(select(Scorecard.org_id, Evaluation.period, Scorecard.total)
                              .join(Evaluation, Evaluation.id == Scorecard.evaluation_id)
                              .where(Scorecard.evaluation_id.in_(earlier), Scorecard.org_id.in_(org_ids))
                              .order_by(Evaluation.starts_on))
    for org_id, period, total in rows:
        out.setdefault(org_id, []).append([period, total])
    return out


def reissue(card: Scorecard) -> None:
    """After an appeal or a deduction: settle this scorecard from its stored items, then re-rank."""
    evaluation = card.evaluation
    cards = db.session.scalars(select(Scorecard).where(Scorecard.evaluation_id == evaluation.id)).all()
    before = {c.org_id: c.revision for c in cards}
    _settle(card, [dict(i) for i in card.items], card.template)
    _rank(evaluation, cards, before)


# --- evaluations -----------------------------------------------------------------------
def open_evaluation(network_id: int, period: str, by=None) -> tuple[Evaluation, bool]:
    """The evaluation of the period (new: with the template in use). (evaluation, created)."""
    label, kind, start, end = parse_period(period)
    if start > date.today():
        raise ScorecardError(_l("该期间尚未开始。"))
    evaluation = db.session.scalar(select(Evaluation).where(Evaluation.period == label))
    if evaluation is not None:
        return evaluation, False
    evaluation = Evaluation(network_id=network_id, period=label, kind=kind, starts_on=start, ends_on=end,
                            template=current_template(network_id), created_by_id=getattr(by, "id", None))
    db.session.add(evaluation)
    db.session.flush()
    return evaluation, True


def unrendered(evaluation: Evaluation) -> list[Scorecard]:
    """The scorecards whose PDF is not of their current revision."""
    return db.session.scalars(select(Scorecard).where(Scorecard.evaluation_id == evaluation.id,
                                                      Scorecard.pdf_revision != Scorecard.revision)
                              .order_by(Scorecard.id)).all()


def render_state(evaluation: Evaluation) -> dict:
    """For progress displays: scorecards, PDFs current, render jobs and their states."""
    cards = db.session.execute(select(Scorecard.revision, Scorecard.pdf_revision).where(
        Scorecard.evaluation_id == evaluation.id)).all()
    jobs = db.session.scalars(select(JobRecord).where(
        JobRecord.kind == "scorecard_pdfs", JobRecord.params["evaluation_id"].as_integer() == evaluation.id)
        .order_by(JobRecord.id)).all()
    return {"cards": len(cards), "rendered": sum(1 for r, p in cards if r == p),
            "ranking": evaluation.ranking_pdf_revision == evaluation.ranking_revision and bool(cards),
            "jobs": jobs, "failed": [j for j in jobs if j.status == "failed"],
            "busy": any(not j.finished for j in jobs)}


def add_deduction(card: Scorecard, points: float, reason: str, by) -> Deduction:
    reason = (reason or "").strip()
    if not reason:
        raise ScorecardError(_l("请填写扣分原因。"))
    if not 0 < points <= 100:
        raise ScorecardError(_l("扣分须大于 0 且不超过 100。"))
    row = Deduction(network_id=card.network_id, evaluation_id=card.evaluation_id, org_id=card.org_id,
                    points=round(points, 2), reason=reason[:1000], by_id=by.id)
    db.session.add(row)
    db.session.flush()
    reissue(card)
    return row


def appeal_open_until(card: Scorecard) -> date:
    return date.fromordinal(card.issued_at.date().toordinal() + card.template.appeal_days)


def raise_appeal(card: Scorecard, item_key: str, reason: str, by, today: date | None = None) -> Appeal:
    today = today or date.today()
    if card.evaluation.provisional:  # the figures may still change: appeal the final card
        raise ScorecardError(_l("临时考评不能申诉；考评期结束、正式考评发布后再申诉。"))
    if today > appeal_open_until(card):
        raise ScorecardError(_l("申诉期已过（截至 %(day)s）。", day=appeal_open_until(card).isoformat()))
    if card.item(item_key) is None:
        raise ScorecardError(_l("没有这个考评项目。"))
    if any(a.item_key == item_key and a.status == "open" for a in card.appeals):
        raise ScorecardError(_l("该项目已有待处理的申诉。"))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ScorecardError(_l("请说明申诉理由（至少 5 个字）。"))
    appeal = Appeal(network_id=card.network_id, scorecard=card, org_id=card.org_id, item_key=item_key,
                    reason=reason[:2000], raised_by_id=by.id)
    db.session.add(appeal)
    notify.appeal_filed(appeal)
    return appeal


def resolve_appeal(appeal: Appeal, decision: str, response: str, points: float | None, by) -> None:
    if appeal.status != "open":
        raise ScorecardError(_l("该申诉已处理。"))
    response = (response or "").strip()
    if decision not in ("upheld", "rejected") or not response:
        raise ScorecardError(_l("请选择处理结果并填写答复。"))
    if decision == "upheld":
        item = appeal.scorecard.item(appeal.item_key)
        if points is None or not 0 <= points <= item["cap"]:
            raise ScorecardError(_l("采纳申诉须给出该项新得分（0 至 %(cap)s）。", cap=item["cap"]))
        appeal.points = round(points, 2)
    appeal.status, appeal.response = decision, response[:2000]
    appeal.resolved_by_id, appeal.resolved_at = by.id, utcnow()
    notify.appeal_resolved(appeal)
    if decision == "upheld":
        reissue(appeal.scorecard)
