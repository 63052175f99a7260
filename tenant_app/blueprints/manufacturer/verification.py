"""Callback verification: random samples of a dealer's callbacks, checked by phone."""
import io

from flask import redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Callback, CallbackCheck, VerificationSample, VisitCheckIn, VisitPhoto
from ...policies import authorize, scope
from ...services import surveys, verification as verify, visits
from ..actions import attempt
from ..routing import Routes
from .forms import SampleForm
from .supervision import looked_at, supervised

routes = Routes()
register = routes.register


@routes.route("/dealers/<int:org_id>/verification", methods=["GET", "POST"])
def verification(org_id):
    org = supervised(org_id)
    form = SampleForm()
    if form.validate_on_submit():
        done = attempt(lambda: verify.draw_sample(org, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                                  size=form.size.data, by=current_user),
                       lambda sample: _("已抽取 %(n)s 条回访记录。", n=sample.size), field=form.size)
        if done:
            return redirect(url_for(".verification_sample", sample_id=done.value.id))
    samples = db.session.scalars(scope(current_user, select(VerificationSample).where(
        VerificationSample.org_id == org.id), VerificationSample).order_by(VerificationSample.id.desc())).all()
    confirmed, checked = verify.confirmation_rate(org.id)
    # the customers' own answers after delivery, against what the dealer's staff recorded
    rate = surveys.disagreement_rates([org.id])[org.id]
    rows = [(s, surveys.staff_result(s)) for s in surveys.disagreeing(org.id, limit=20)]
    return render_template("manufacturer/verification.html", org=org, form=form, samples=samples,
                           confirmed=confirmed, checked=checked, rate=rate, rows=rows)


@routes.route("/verification/<int:sample_id>")
def verification_sample(sample_id):
    sample = authorize(current_user, "view", db.session.get(VerificationSample, sample_id))
    checks = db.session.scalars(select(CallbackCheck).where(CallbackCheck.sample_id == sample.id)
                                .options(selectinload(CallbackCheck.callback).selectinload(Callback.customer),
                                         selectinload(CallbackCheck.callback).selectinload(Callback.by))
                                .order_by(CallbackCheck.id)).all()
    # the proof of each sampled visit: where it was recorded from, its photos
    checkins = {c.callback_id: c for c in db.session.scalars(scope(current_user, select(VisitCheckIn).where(
        VisitCheckIn.callback_id.in_([c.callback_id for c in checks])), VisitCheckIn)
        .options(selectinload(VisitCheckIn.photos)))}
    looked_at(sample.org, "verification")
    return render_template("manufacturer/verification_sample.html", sample=sample, checks=checks, org=sample.org,
                           checkins=checkins, visit_methods=visits.VISIT_METHODS)


@routes.route("/visits/photos/<int:photo_id>", endpoint="visit_photo")
def visit_photo(photo_id):
    photo = authorize(current_user, "view", db.session.get(VisitPhoto, photo_id))
    data = visits.read_photo(photo)
    if data is None:
        authorize(current_user, "view", None)
    return send_file(io.BytesIO(data), mimetype="image/jpeg", download_name=f"visit-{photo.id}.jpg")


@routes.route("/verification/<int:sample_id>/checks/<int:check_id>", methods=["POST"])
def verification_mark(sample_id, check_id):
    check = authorize(current_user, "mark", db.session.get(CallbackCheck, check_id))
    if check.sample_id != sample_id:
        authorize(current_user, "mark", None)
    attempt(lambda: verify.mark(check, request.form.get("status", ""), request.form.get("note", ""), current_user))
    return redirect(url_for(".verification_sample", sample_id=sample_id) + f"#check-{check_id}")
