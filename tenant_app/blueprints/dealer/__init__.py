from ..party import party_blueprint

bp = party_blueprint("dealer", __name__, ledger=True)
