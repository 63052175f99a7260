from ..party import party_blueprint

bp = party_blueprint("service", __name__)

from . import routes  # noqa: E402,F401
