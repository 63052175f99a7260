"""Co-development projects, presented by the body-builder's blueprint and the manufacturer's:
register(bp) adds the same views to both (only these two parties ever see a project)."""
from datetime import date
import io

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ....extensions import db
from ....models import Organisation, Project, ProjectDocument
from ....policies import authorize, scope
from ....services import projects as service
from ...actions import attempt, submit
from ...listing import paginate, search
from ...routing import Routes
from .forms import AdvanceForm, DocumentForm, MessageForm, ProjectForm

routes = Routes(__name__)
register = routes.register


def _builders():
    stmt = scope(current_user, select(Organisation).where(Organisation.kind == "bodybuilder",
                                                          Organisation.status == "active"), Organisation)
    return db.session.scalars(stmt.order_by(Organisation.code)).all()


@routes.route("/projects", methods=["GET", "POST"])
def projects():
    authorize(current_user, "list", Project)
    form = ProjectForm()
    builders = _builders()
    form.org_id.choices = [(o.id, f"{o.code} {o.name}") for o in builders]
    if request.method == "POST":
        authorize(current_user, "create", Project)
        builder = current_user.org if current_user.org.kind == "bodybuilder" else \
            next((o for o in builders if o.id == form.org_id.data), None)
        done = submit(form, lambda f: service.create_project(
            builder, title=f.title.data, vehicle_type=f.vehicle_type.data, chassis_models=f.chassis_models.data,
            target_customers=f.target_customers.data or "", target_volume=f.target_volume.data or 0,
            specs=f.specs.data or "", by=current_user), _("项目已创建。"))
        if done:
            return redirect(url_for(".project", project_id=done.value.id))
    stmt = search(scope(current_user, select(Project), Project), [Project.title, Project.chassis_models],
                  request.args.get("q"))
    if request.args.get("stage"):
        stmt = stmt.where(Project.stage == request.args["stage"])
    page = paginate(stmt.options(selectinload(Project.org)).order_by(Project.updated_at.desc()))
    return render_template("projects/list.html", page=page, form=form)


@routes.route("/projects/<int:project_id>")
def project(project_id):
    p = authorize(current_user, "open", db.session.get(Project, project_id))
    return render_template("projects/project.html", project=p, advance_form=AdvanceForm(stage=p.stage),
                           document_form=DocumentForm(), message_form=MessageForm(), today=date.today())


def _act(project_id, action, form_cls, act, message):
    p = authorize(current_user, action, db.session.get(Project, project_id))
    submit(form_cls(), lambda form: act(p, form), message)
    return redirect(url_for(".project", project_id=p.id))


@routes.route("/projects/<int:project_id>/advance", endpoint="project_advance", methods=["POST"])
def advance(project_id):
    return _act(project_id, "edit", AdvanceForm, lambda p, f: service.advance(
        p, f.stage.data, today=date.today(), announcement_no=f.announcement_no.data or "",
        announcement_on=f.announcement_on.data), _("阶段已更新。"))


@routes.route("/projects/<int:project_id>/plan", endpoint="project_plan", methods=["POST"])
def plan(project_id):
    p = authorize(current_user, "edit", db.session.get(Project, project_id))
    owners = {row.stage: request.form.get(f"owner-{row.stage}", "") for row in p.plan}
    dues = {row.stage: request.form.get(f"due-{row.stage}", "") for row in p.plan}
    attempt(lambda: service.plan_stages(p, owners, dues), _("计划已保存。"))
    return redirect(url_for(".project", project_id=p.id))


@routes.route("/projects/<int:project_id>/documents", endpoint="project_upload", methods=["POST"])
def upload(project_id):
    def act(p, form):
        f = request.files.get("file")
        service.add_document(p, getattr(f, "filename", ""), f.read() if f else b"", current_user)
    return _act(project_id, "edit", DocumentForm, act, _("文件已上传。"))


@routes.route("/projects/<int:project_id>/documents/<int:document_id>", endpoint="project_document")
def document(project_id, document_id):
    doc = authorize(current_user, "view", db.session.get(ProjectDocument, document_id))
    if doc.project_id != project_id:
        abort(404)
    with open(doc.path, "rb") as f:
        data = f.read()
    return send_file(io.BytesIO(data), as_attachment=True, download_name=doc.name)


@routes.route("/projects/<int:project_id>/messages", endpoint="project_message", methods=["POST"])
def message(project_id):
    return _act(project_id, "post", MessageForm, lambda p, f: service.post(p, f.body.data, current_user),
                _("留言已发布。"))
