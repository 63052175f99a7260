"""Scorecards for the manufacturer: the template and its versions, evaluations of periods
with their jobs, each dealer's scorecard with deductions, and appeals to resolve."""
from decimal import Decimal
import io
import zipfile

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...jobs import enqueue, rerun
from ...jobs.scorecards import plan_renders, render_pdfs, start_evaluation
from ...models import Appeal, Evaluation, EvaluationSchedule, JobRecord, Organisation, Scorecard, ScorecardTemplate
from ...policies import authorize, can, scope
from ...reports.pdf import read_checked
from ...services import scorecards as service
from ...services.scoring import RULES
from ..actions import attempt, submit
from ..listing import paginate
from ..routing import Routes
from ..shared.scorecards import card_context
from .forms import DeductionForm, PeriodForm, ResolveForm, ScheduleForm

routes = Routes()
register = routes.register


@routes.route("/scorecards", methods=["GET", "POST"])
def evaluations():
    authorize(current_user, "list", Evaluation)
    form = PeriodForm()
    if request.method == "POST":
        authorize(current_user, "create", Evaluation)
        done = submit(form, lambda f: service.open_evaluation(current_user.network_id, f.period.data,
                                                               by=current_user)[0])
        if done:
            start_evaluation(done.value, current_user.id)
            return redirect(url_for(".evaluation", evaluation_id=done.value.id))
    page = paginate(scope(current_user, select(Evaluation), Evaluation).order_by(Evaluation.starts_on.desc(),
                                                                                Evaluation.kind))
    schedule = db.session.scalar(select(EvaluationSchedule)) or EvaluationSchedule(period_kind="", day=5)
    return render_template("manufacturer/evaluations.html", page=page, form=form,
                           schedule_form=ScheduleForm(obj=schedule), template=service.template_in_use(
                               current_user.network_id), open_appeals=_open_appeals())


@routes.route("/scorecards/schedule", methods=["POST"])
def evaluation_schedule():
    authorize(current_user, "edit", EvaluationSchedule)
    form = ScheduleForm()
    submit(form, lambda f: service.set_schedule(current_user.network_id, f.period_kind.data, f.day.data),
           _("自动考评设置已保存。"))
    return redirect(url_for(".evaluations"))


@routes.route("/scorecards/template", methods=["GET", "POST"])
def scorecard_template():
    authorize(current_user, "view", ScorecardTemplate)
    draft = None
    if request.method == "POST":
        authorize(current_user, "edit", ScorecardTemplate)
        publishing = request.form.get("action") == "publish"
        if attempt(lambda: _save_template(publishing), lambda d: _(
                "第 %(v)s 版已发布，此后的考评使用该版本。", v=d.version) if publishing else _("草稿已保存。")):
            return redirect(url_for(".scorecard_template"))
    else:
        draft = db.session.scalar(select(ScorecardTemplate).where(ScorecardTemplate.status == "draft"))
    current = service.template_in_use(current_user.network_id)
    versions = db.session.scalars(select(ScorecardTemplate).order_by(ScorecardTemplate.version.desc())).all() \
        or [current]  # before the network's first use: version 1, from the defaults
    return render_template("manufacturer/scorecard_template.html", current=current, draft=draft,
                           versions=versions, rules=RULES, editing=draft or current)


def _save_template(publishing: bool) -> ScorecardTemplate:
    draft = service.update_draft(service.draft_of(current_user.network_id, current_user), request.form)
    return service.publish(draft) if publishing else draft


@routes.route("/scorecards/<int:evaluation_id>")
def evaluation(evaluation_id):
    evaluation = authorize(current_user, "view", db.session.get(Evaluation, evaluation_id))
    stmt = scope(current_user, select(Scorecard).where(Scorecard.evaluation_id == evaluation.id), Scorecard)
    region = request.args.get("region", "")
    if region:
        stmt = stmt.where(Scorecard.org_id.in_(select(Organisation.id).where(Organisation.province == region)))
    cards = sorted(db.session.scalars(stmt.options(selectinload(Scorecard.org))).all(),
                   key=lambda c: (c.org.kind != "dealer", c.rank_network, c.org_id))  # dealers, then stations
    state = service.render_state(evaluation)
    regions = sorted(db.session.scalars(scope(current_user, select(Organisation.province).distinct().where(
        Organisation.id.in_(select(Scorecard.org_id).where(Scorecard.evaluation_id == evaluation.id)),
        Organisation.province != ""), Organisation)))
    return render_template("manufacturer/evaluation.html", evaluation=evaluation, cards=cards, state=state,
                           regions=regions, region=region, form=PeriodForm(period=evaluation.period))


@routes.route("/scorecards/<int:evaluation_id>/render", methods=["POST"])
def evaluation_render(evaluation_id):
    """Render what is missing (e.g. after a failure the retries did not fix)."""
    evaluation = authorize(current_user, "render", db.session.get(Evaluation, evaluation_id))
    parts = plan_renders(evaluation, current_user.id)
    db.session.commit()
    n = _enqueue_renders(parts)
    flash(_("已安排 %(n)s 个生成任务。", n=n) if n else _("没有需要生成的报告。"), "info")
    return redirect(url_for(".evaluation", evaluation_id=evaluation.id))


def _enqueue_renders(parts) -> int:
    """Queue the render jobs a committed change called for."""
    for part in parts:
        enqueue(part, render_pdfs)
    return len(parts)


@routes.route("/jobs/<int:job_id>/rerun", methods=["POST"])
def job_rerun(job_id):
    record = authorize(current_user, "rerun", db.session.get(JobRecord, job_id))
    rerun(record)
    flash(_("任务已重新排队。"), "info")
    evaluation_id = record.params.get("evaluation_id")
    return redirect(url_for(".evaluation", evaluation_id=evaluation_id) if evaluation_id else url_for(".home"))


@routes.route("/scorecards/<int:evaluation_id>/ranking.pdf")
def evaluation_ranking_pdf(evaluation_id):
    evaluation = authorize(current_user, "rank", db.session.get(Evaluation, evaluation_id))
    data = read_checked(evaluation.ranking_pdf_path, evaluation.ranking_pdf_sha256) \
        if evaluation.ranking_pdf_sha256 else None
    if data is None:
        flash(_("排名报告尚未生成或已损坏，请重新生成。"), "warning")
        return redirect(url_for(".evaluation", evaluation_id=evaluation.id))
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"ranking-{evaluation.period}.pdf")


@routes.route("/scorecards/<int:evaluation_id>/archive.zip")
def evaluation_archive(evaluation_id):
    """Every current scorecard PDF the user may see, and the ranking, in one archive."""
    evaluation = authorize(current_user, "view", db.session.get(Evaluation, evaluation_id))
    cards = db.session.scalars(scope(current_user, select(Scorecard).where(
        Scorecard.evaluation_id == evaluation.id), Scorecard).options(selectinload(Scorecard.org))).all()
    buf, missing = io.BytesIO(), []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for card in cards:
            data = read_checked(card.pdf_path, card.pdf_sha256) if card.pdf_revision == card.revision else None
            if data is None:
                missing.append(card.org.code)
                continue
            archive.writestr(f"{evaluation.period}/{card.org.code}-{card.org.name}.pdf", data)
        ranking = read_checked(evaluation.ranking_pdf_path, evaluation.ranking_pdf_sha256) \
            if evaluation.ranking_pdf_sha256 and evaluation.ranking_pdf_revision == evaluation.ranking_revision \
            else None
        if ranking and can(current_user, "rank", evaluation):
            archive.writestr(f"{evaluation.period}/ranking.pdf", ranking)
        if missing:
            archive.writestr(f"{evaluation.period}/MISSING.txt", "\n".join(missing))
    buf.seek(0)
    return send_file(buf, mimetype="application/zip", as_attachment=True,
                     download_name=f"scorecards-{evaluation.period}.zip")


@routes.route("/scorecards/cards/<int:card_id>")
def scorecard(card_id):
    card = authorize(current_user, "view", db.session.get(Scorecard, card_id))
    return render_template("manufacturer/scorecard.html", deduction_form=DeductionForm(),
                           resolve_form=ResolveForm(), **card_context(card))


@routes.route("/scorecards/cards/<int:card_id>/deductions", methods=["POST"])
def scorecard_deduct(card_id):
    card = authorize(current_user, "deduct", db.session.get(Scorecard, card_id))
    form = DeductionForm()
    def deduct(f):
        service.add_deduction(card, float(f.points.data or Decimal(0)), f.reason.data, current_user)
        return plan_renders(card.evaluation, current_user.id)
    done = submit(form, deduct, lambda parts: _("已扣分，考评表重新签发（第 %(r)s 次）。", r=card.revision))
    if done:
        _enqueue_renders(done.value)
    return redirect(url_for(".scorecard", card_id=card.id))


@routes.route("/appeals")
def appeals():
    authorize(current_user, "list", Appeal)
    status = request.args.get("status", "open")
    stmt = scope(current_user, select(Appeal), Appeal)
    if status in ("open", "upheld", "rejected"):
        stmt = stmt.where(Appeal.status == status)
    page = paginate(stmt.options(selectinload(Appeal.scorecard).selectinload(Scorecard.org),
                                 selectinload(Appeal.scorecard).selectinload(Scorecard.evaluation))
                    .order_by(Appeal.created_at.desc()))
    return render_template("manufacturer/appeals.html", page=page, status=status)


def _open_appeals() -> int:
    stmt = scope(current_user, select(func.count(Appeal.id)).where(Appeal.status == "open"), Appeal)
    return db.session.scalar(stmt)


@routes.route("/appeals/<int:appeal_id>", methods=["POST"])
def appeal_resolve(appeal_id):
    appeal = authorize(current_user, "resolve", db.session.get(Appeal, appeal_id))
    form = ResolveForm()
    def resolve(f):
        points = float(f.points.data) if f.points.data is not None else None
        service.resolve_appeal(appeal, f.decision.data, f.response.data, points, current_user)
        return plan_renders(appeal.scorecard.evaluation, current_user.id)
    done = submit(form, resolve, lambda parts: _("申诉已处理。") + (
        _("考评表已重新签发。") if appeal.status == "upheld" else ""))
    if done:
        _enqueue_renders(done.value)
    return redirect(url_for(".scorecard", card_id=appeal.scorecard_id) + "#appeals")
