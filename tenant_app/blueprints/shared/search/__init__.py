"""Search from anywhere: the navigation bar's box (and the "/" key) on every party's pages;
results grouped by kind, only what the person's policies let them see."""
from flask import render_template, request
from flask_login import current_user

from ....policies import authorize, scope
from ....services import search as service
from ...routing import Routes

routes = Routes(__name__)
register = routes.register

# which kinds each party searches: its ledger (customers, opportunities), vehicles, organisations
KINDS = {"dealer": dict(ledger=True, vehicles=True, orgs=False),
         "bodybuilder": dict(ledger=True, vehicles=False, orgs=False),
         "service": dict(ledger=False, vehicles=True, orgs=False),
         "manufacturer": dict(ledger=False, vehicles=True, orgs=True)}


@routes.route("/search", endpoint="search")
def search():
    authorize(current_user, "view", current_user.org)
    q = service.clean(request.args.get("q", ""))
    found = service.search(q, lambda stmt, model: scope(current_user, stmt, model), **KINDS[current_user.party])
    return render_template("search/results.html", q=q, found=found, total=sum(len(f.rows) for f in found))
