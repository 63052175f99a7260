"""The network's special-vehicle catalogue: every party browses the products whose 公告 is
published (what the project says publicly: type, chassis, specifications, builder, 公告)."""
from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import CATALOGUE_STAGES, Announcement, Project
from ...policies import authorize, scope
from ..listing import paginate, search
from ..routing import Routes

routes = Routes()
register = routes.register


def catalogue_query():
    return select(Project).where(Project.stage.in_(CATALOGUE_STAGES))


@routes.route("/catalogue")
def catalogue():
    authorize(current_user, "browse", Project)
    stmt = search(catalogue_query(), [Project.title, Project.chassis_models, Project.specs], request.args.get("q"))
    if request.args.get("type"):
        stmt = stmt.where(Project.vehicle_type == request.args["type"])
    page = paginate(stmt.options(selectinload(Project.org)).order_by(Project.announcement_on.desc(), Project.id))
    return render_template("catalogue/list.html", page=page)


@routes.route("/catalogue/<int:project_id>")
def product(project_id):
    p = authorize(current_user, "browse", db.session.get(Project, project_id))
    joint = db.session.scalars(scope(current_user, select(Announcement).where(Announcement.builder_org_id == p.org_id),
                                     Announcement).order_by(Announcement.published_at.desc())).all()
    return render_template("catalogue/product.html", product=p, joint=joint)
