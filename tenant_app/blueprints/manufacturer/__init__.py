from ..party import party_blueprint
from ..projects import register as register_projects

bp = party_blueprint("manufacturer", __name__, with_home=False)
register_projects(bp)

from . import routes, scorecards, service, training  # noqa: E402,F401
