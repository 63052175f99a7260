"""Scorecard jobs: evaluate a period, then render the PDFs in parts that workers share.

Evaluating writes every scorecard in one transaction. Rendering commits one PDF at a time
and skips what is already rendered for the scorecard's revision, so a killed worker's job,
run again, finishes the rest and makes no duplicates. The PDFs themselves are built in
reports/scorecard_pdf.py.
"""
from __future__ import annotations

import math

from sqlalchemy import select

from ..extensions import db
from ..models import Evaluation, JobRecord
from ..models.base import utcnow
from ..reports.scorecard_pdf import peer_sizes, render_ranking, render_scorecard
from ..services import scorecards as service
from ..services.notify import events as notify_events
from . import enqueue, job, progress, side_session

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
        enqueue(record, evaluate_period)
    return record


def _evaluation_failed(network_id: int, record_id: int) -> None:
    """The evaluation shows the failure too (a side session: the job's own was rolled back)."""
    with side_session(network_id) as side:
        side.query(Evaluation).filter(Evaluation.job_id == record_id).update({"status": "failed"})


@job("evaluate", queue="reports", timeout=1800, on_failure=_evaluation_failed)
def evaluate_period(session, record):
    network_id, record_id = record.network_id, record.id
    evaluation = session.get(Evaluation, record.params["evaluation_id"])
    evaluation.status = "computing"
    session.commit()  # seen at once; and SQLite's side transaction for progress needs no lock held
    n = service.compute(evaluation, progress=lambda p: progress(network_id, record_id, p))
    evaluation.status, evaluation.computed_at = "issued", utcnow()
    notify_events.scorecards_issued(evaluation, session)
    parts = plan_renders(evaluation, record.created_by_id)
    yield {"scorecards": n, "render_jobs": [p.id for p in parts]}
    # still bound to the network (the records reload after the commit); were this lost, the
    # scheduler would find the parts unqueued and queue them
    for part in parts:
        enqueue(part, render_pdfs)


def plan_renders(evaluation: Evaluation, by_id: int | None) -> list[JobRecord]:
    """Render jobs for what is not rendered yet, unless unfinished ones will already do it.
    Committed with the caller's transaction; the caller enqueues them after the commit."""
    unfinished = db.session.scalar(select(JobRecord.id).where(
        JobRecord.kind == "scorecard_pdfs", JobRecord.status.in_(("queued", "running")),
        JobRecord.params["evaluation_id"].as_integer() == evaluation.id).limit(1))
    todo = service.unrendered(evaluation)
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


@job("scorecard_pdfs", queue="reports", timeout=1800)
def render_pdfs(session, record):
    """This part's scorecards (by id modulo parts), and the ranking report in part 0."""
    network_id, record_id = record.network_id, record.id
    evaluation = session.get(Evaluation, record.params["evaluation_id"])
    part, parts = record.params["part"], record.params["parts"]
    mine = [c for c in service.unrendered(evaluation) if c.id % parts == part]
    sizes = peer_sizes(evaluation)  # once: reading the peers per PDF grew with the square of the dealers
    for n, card in enumerate(mine, 1):
        render_scorecard(card, sizes)
        session.commit()  # one PDF at a time: a killed worker keeps what it finished
        progress(network_id, record_id, int(100 * n / (len(mine) + (part == 0))))
    if part == 0 and evaluation.ranking_pdf_revision != evaluation.ranking_revision:
        render_ranking(evaluation)
    yield {"rendered": len(mine)}
    # an appeal or a deduction may have re-issued a scorecard while this job ran; planned once
    # this job is done, so that the last part to finish sees no other unfinished
    more = plan_renders(evaluation, record.created_by_id)
    session.commit()
    for again in more:
        enqueue(again, render_pdfs)
