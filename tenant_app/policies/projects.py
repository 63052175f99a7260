"""Co-development projects: only the builder and the manufacturer see a project; every party
of the network browses the catalogue of products whose 公告 is published."""
from ..models import Project, ProjectDocument
from .base import Policy, in_regions, is_maker, own_or_regions


def _party(user, project) -> bool:
    if is_maker(user):
        return in_regions(user, project.org)
    return user.org.kind == "bodybuilder" and project.org_id == user.org_id


class ProjectPolicy(Policy):
    model = Project

    def can_list(self, user, _):
        return is_maker(user) or user.org.kind == "bodybuilder"

    def can_view(self, user, project):
        if isinstance(project, type):
            return self.can_list(user, project)
        return _party(user, project) or project.in_catalogue

    def can_open(self, user, project):
        """The whole project: plan, documents, discussion."""
        return _party(user, project)

    can_edit = can_post = can_open

    def can_create(self, user, _):
        return user.org.kind == "bodybuilder" or (is_maker(user) and user.has_role("network_admin", "supervisor"))

    def can_browse(self, user, project):
        return isinstance(project, type) or project.in_catalogue

    def scope(self, user, stmt):
        if is_maker(user) or user.org.kind == "bodybuilder":
            return own_or_regions(Project, user, stmt)
        return stmt.where(False)


class ProjectDocumentPolicy(Policy):
    model = ProjectDocument

    def can_view(self, user, doc):
        return _party(user, doc.project)

    def scope(self, user, stmt):
        return stmt
