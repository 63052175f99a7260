"""The service station's pages (/s): every feature a station has, one line each."""
from . import callbacks, dashboard, repairs, vehicles
from ..party import party_blueprint
from ..shared import home, search

bp = party_blueprint("station", __name__, party="service")

home.register(bp)        # the station's duties
dashboard.register(bp)   # callbacks due, satisfaction, open alerts
vehicles.register(bp)    # vehicles by VIN or plate, registration
repairs.register(bp)     # repair orders
callbacks.register(bp)   # callbacks after repairs, surveys, hot alerts
search.register(bp)         # search from anywhere: customers, vehicles, opportunities
