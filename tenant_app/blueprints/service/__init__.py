from ..party import party_blueprint

bp = party_blueprint("service", __name__)
