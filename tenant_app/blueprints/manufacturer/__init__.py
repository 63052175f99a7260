from ..party import party_blueprint

bp = party_blueprint("manufacturer", __name__, with_home=False)

from . import routes, scorecards, service, training  # noqa: E402,F401
