"""After-sale tasks: delivery, word of mouth, the service manager's tracking callbacks."""
from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ....extensions import db
from ....models import AfterSaleTask
from ....policies import authorize, scope
from ....services import deals
from ...listing import paginate
from ...routing import Routes
from ..callbacks import assignee_filter
from .forms import TaskDoneForm

routes = Routes(__name__)
register = routes.register


@routes.route("/tasks")
def tasks():
    authorize(current_user, "list", AfterSaleTask)
    stmt = scope(current_user, select(AfterSaleTask).where(AfterSaleTask.status == "open"), AfterSaleTask)
    assignee = assignee_filter()
    if assignee:
        stmt = stmt.where(AfterSaleTask.assignee_id == assignee)
    page = paginate(stmt.options(selectinload(AfterSaleTask.customer), selectinload(AfterSaleTask.assignee))
                    .order_by(AfterSaleTask.due_on, AfterSaleTask.id))
    return render_template("tasks/tasks.html", page=page, today=date.today(), form=TaskDoneForm())


@routes.route("/tasks/<int:task_id>/done", methods=["POST"])
def task_done(task_id):
    task = authorize(current_user, "complete", db.session.get(AfterSaleTask, task_id))
    form = TaskDoneForm()
    if form.validate_on_submit():
        deals.complete_task(task, form.notes.data or "", satisfied=form.satisfied_value())
        db.session.commit()
        flash(_("已完成。"), "success")
    return redirect(url_for(".tasks"))
