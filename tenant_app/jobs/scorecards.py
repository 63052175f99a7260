"""Scorecard jobs: evaluate a period, then render the PDFs in parts that workers share.

Evaluating writes every scorecard in one transaction. Rendering commits one PDF at a time
and skips what is already rendered for the scorecard's revision, so a killed worker's job,
run again, finishes the rest and makes no duplicates.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from sqlalchemy import select

from ..extensions import db
from ..models import Deduction, Evaluation, JobRecord, Network, Scorecard
from ..models.base import utcnow
from ..reports import pdf
from ..services import scorecards as service
from ..services.brands import maker_name
from ..vocab import APPEAL_STATUSES, SCORE_RULES, label
from . import enqueue, fail, finish, job_context, progress, start

PER_PART = 20   # scorecards per render job: enough parts for every worker, few enough to keep overhead low
MAX_PARTS = 32


def request_evaluation(evaluation: Evaluation, by_id: int | None) -> JobRecord:
    """A job computing the evaluation (and then its PDFs); the one already on its way if any.
    The caller commits, then enqueues it when it is new (status queued, attempts 0)."""
    if evaluation.job is not None and not evaluation.job.finished:
        return evaluation.job
    record = JobRecord(network_id=evaluation.network_id, kind="evaluate", created_by_id=by_id,
                       params={"evaluation_id": evaluation.id, "period": evaluation.period})
    db.session.add(record)
    db.session.flush()
    evaluation.job_id, evaluation.status = record.id, "queued"
    return record


def start_evaluation(evaluation: Evaluation, by_id: int | None) -> JobRecord:
    """Request, commit, enqueue: what the page, the CLI and the scheduler do."""
    record = request_evaluation(evaluation, by_id)
    fresh = record.status == "queued" and record.attempts == 0 and record.started_at is None
    db.session.commit()
    if fresh:
        enqueue(record, evaluate_period, "reports")
    return record


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


def evaluate_period(network_id: int, record_id: int) -> None:
    with job_context(network_id) as session:
        record = start(session, record_id)
        if record is None:
            return
        try:
            evaluation = session.get(Evaluation, record.params["evaluation_id"])
            evaluation.status = "computing"
            session.commit()  # seen at once; and SQLite's side transaction for progress needs no lock held
            n = service.compute(evaluation, progress=lambda p: progress(network_id, record_id, p))
            evaluation.status, evaluation.computed_at = "issued", utcnow()
            parts = plan_renders(evaluation, record.created_by_id)
            finish(session, record, {"scorecards": n, "render_jobs": [p.id for p in parts]})
        except Exception as exc:
            session.rollback()
            fail(network_id, record_id, exc)
            _mark_failed(network_id, record_id)
            raise
        # still bound to the network (the records reload after the commit); were this lost, the
        # scheduler would find the parts unqueued and queue them
        for part in parts:
            enqueue(part, render_pdfs, "reports", timeout=1800)


def _mark_failed(network_id, record_id):
    from sqlalchemy.orm import Session

    from ..tenancy import use_network
    with Session(db.engine) as side:
        use_network(side, network_id)
        side.query(Evaluation).filter(Evaluation.job_id == record_id).update({"status": "failed"})
        side.commit()


def pending(evaluation: Evaluation) -> list[Scorecard]:
    return db.session.scalars(select(Scorecard).where(Scorecard.evaluation_id == evaluation.id,
                                                      Scorecard.pdf_revision != Scorecard.revision)
                              .order_by(Scorecard.id)).all()


def plan_renders(evaluation: Evaluation, by_id: int | None) -> list[JobRecord]:
    """Render jobs for what is not rendered yet, unless unfinished ones will already do it.
    Committed with the caller's transaction; the caller enqueues them after the commit."""
    unfinished = db.session.scalar(select(JobRecord.id).where(
        JobRecord.kind == "scorecard_pdfs", JobRecord.status.in_(("queued", "running")),
        JobRecord.params["evaluation_id"].as_integer() == evaluation.id).limit(1))
    todo = pending(evaluation)
    ranking_due = evaluation.ranking_pdf_revision != evaluation.ranking_revision
    if unfinished or not (todo or ranking_due):
        return []
    parts = max(1, min(MAX_PARTS, math.ceil(len(todo) / PER_PART)))
    records = [JobRecord(network_id=evaluation.network_id, kind="scorecard_pdfs", created_by_id=by_id,
                         params={"evaluation_id": evaluation.id, "period": evaluation.period, "part": i,
                                 "parts": parts}) for i in range(parts)]
    db.session.add_all(records)
    db.session.flush()
    return records


def render_pdfs(network_id: int, record_id: int) -> None:
    """This part's scorecards (by id modulo parts), and the ranking report in part 0."""
    with job_context(network_id) as session:
        record = start(session, record_id)
        if record is None:
            return
        try:
            evaluation = session.get(Evaluation, record.params["evaluation_id"])
            part, parts = record.params["part"], record.params["parts"]
            mine = [c for c in pending(evaluation) if c.id % parts == part]
            for n, card in enumerate(mine, 1):
                render_scorecard(card)
                session.commit()  # one PDF at a time: a killed worker keeps what it finished
                progress(network_id, record_id, int(100 * n / (len(mine) + (part == 0))))
            if part == 0 and evaluation.ranking_pdf_revision != evaluation.ranking_revision:
                render_ranking(evaluation)
            finish(session, record, {"rendered": len(mine)})
            # an appeal or a deduction may have re-issued a scorecard while this job ran
            more = plan_renders(evaluation, record.created_by_id)
            session.commit()
        except Exception as exc:
            session.rollback()
            fail(network_id, record_id, exc)
            raise
        for part in more:
            enqueue(part, render_pdfs, "reports")


def _context(evaluation: Evaluation) -> dict:
    return {"evaluation": evaluation, "network": db.session.get(Network, evaluation.network_id), "maker": maker_name(),
            "rule_labels": {k: label(SCORE_RULES, k) for k in SCORE_RULES},
            "appeal_labels": {k: label(APPEAL_STATUSES, k) for k in APPEAL_STATUSES}}


def scorecard_html(card: Scorecard) -> str:
    evaluation = card.evaluation
    peers = [c for c in evaluation.scorecards if c.org.kind == card.org.kind]  # ranked among the same party
    same_region = [c for c in peers if (c.org.province or "") == (card.org.province or "")]
    deductions = db.session.scalars(select(Deduction).where(Deduction.evaluation_id == evaluation.id,
                                                            Deduction.org_id == card.org_id)
                                    .order_by(Deduction.id)).all()
    bars = [(label(SCORE_RULES, i["key"]),
             round(100 * (i["points"] if i.get("adjusted") is None else i["adjusted"]) / i["weight"], 1))
            for i in card.items if i["applicable"] or i.get("adjusted") is not None]
    return pdf.html("scorecard.html", card=card, org=card.org, template=card.template, deductions=deductions,
                    appeals=[a for a in card.appeals if a.status != "open"], item_bars=bars,
                    network_size=len(peers), region_size=len(same_region),
                    appeal_until=service.appeal_open_until(card).isoformat(), **_context(evaluation))


def render_scorecard(card: Scorecard) -> None:
    data = pdf.to_pdf(scorecard_html(card))
    old = card.pdf_path
    path, digest = pdf.store(data, card.network_id, f"{card.evaluation_id}/{card.org.code}-r{card.revision}.pdf")
    card.pdf_path, card.pdf_sha256, card.pdf_revision = path, digest, card.revision
    if old and old != path:
        _remove(old)


def ranking_html(evaluation: Evaluation) -> str:
    cards = sorted(evaluation.scorecards, key=lambda c: (c.org.kind != "dealer", c.rank_network, c.org.code))
    grades = Counter(c.grade for c in cards)
    regions = defaultdict(list)
    for c in cards:
        regions[c.org.province or "—"].append(c.total)
    return pdf.html("ranking.html", cards=cards, template=evaluation.template,
                    grade_bars=[(g, grades.get(g, 0)) for _, g in evaluation.template.grade_bands],
                    region_bars=sorted(((r, round(sum(t) / len(t), 1)) for r, t in regions.items()),
                                       key=lambda x: -x[1]),
                    **_context(evaluation))


def render_ranking(evaluation: Evaluation) -> None:
    revision = evaluation.ranking_revision
    data = pdf.to_pdf(ranking_html(evaluation))
    old = evaluation.ranking_pdf_path
    path, digest = pdf.store(data, evaluation.network_id, f"{evaluation.id}/ranking-r{revision}.pdf")
    evaluation.ranking_pdf_path, evaluation.ranking_pdf_sha256 = path, digest
    evaluation.ranking_pdf_revision = revision
    if old and old != path:
        _remove(old)


def _remove(path: str) -> None:
    import os
    try:
        os.remove(path)
    except OSError:
        pass
