from ..party import party_blueprint

bp = party_blueprint("bodybuilder", __name__, ledger=True)
