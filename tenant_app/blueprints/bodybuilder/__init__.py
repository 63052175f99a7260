from ..party import party_blueprint
from ..projects import register as register_projects

bp = party_blueprint("bodybuilder", __name__, ledger=True)
register_projects(bp)
