"""The public survey page: GET shows the questions (and never writes: opening a link does not use
it up); POST records the answer once. An altered, expired or used link gets a clear page (404/410)."""
from flask import current_app, render_template

from ...extensions import limiter
from ...security import public
from ...services import surveys
from ...services.surveys import SurveyLinkError
from ..actions import attempt
from ..routing import Routes
from .forms import CustomerSurveyForm

routes = Routes()
register = routes.register
STATUS = {"invalid": 404, "expired": 410, "used": 410}


def _rate():
    return current_app.config.get("SURVEY_RATE_LIMIT", "30 per minute")


def _refused(error: SurveyLinkError):
    return render_template("survey/refused.html", error=error), STATUS.get(error.reason, 404)


@routes.route("/s/<string(minlength=20, maxlength=400):token>", methods=["GET", "POST"])
@limiter.limit(_rate)  # per address: a link is its own key, guessing one is pointless and slowed
@public
def answer(token):
    try:
        survey = surveys.open_link(token)
    except SurveyLinkError as error:
        return _refused(error)
    form = CustomerSurveyForm()
    if form.validate_on_submit():
        done = attempt(lambda: surveys.answer(survey, int(form.score.data), form.resolved_value(), form.comment.data),
                       show=False)
        if not done:
            return _refused(done.error)
        return render_template("survey/thanks.html", survey=survey)
    return render_template("survey/answer.html", form=form, survey=survey,
                           vin_tail=surveys.masked_vin(survey.vehicle.vin)), (400 if form.errors else 200)
