"""The cross-tenant sweep, generated from the URL map so routes added later are covered.

Every route, as every role of every party, with ids of records of another organisation
and of another network: the answer is 403, 404 or 405, never the record. Lists must not
show anything of another network (or, for parties other than the manufacturer, of
another organisation). A route with an argument this file cannot fill fails the test,
so a new kind of id has to be added here before it can ship.
"""
import io

import pytest
from sqlalchemy import select

from tenant_app.models import CallbackItem, Customer, EventGuest, Organisation, User

# Route arguments that are not record ids, and the value to put there.
NOT_IDS = {"code": "en", "key": "coverage", "token": "not-a-signed-survey-token-0000"}
# Record-id arguments: which records of `world` they name.
ID_KINDS = {"org_id": "org", "user_id": "user", "customer_id": "customer", "stakeholder_id": "stakeholder",
            "plan_id": "plan", "opportunity_id": "opportunity", "task_id": "task", "job_id": "job",
            "brand_id": "brand", "sample_id": "sample", "check_id": "check",
            "expense_id": "expense", "announcement_id": "announcement", "evaluation_id": "evaluation",
            "card_id": "card", "appeal_id": "appeal", "session_id": "session", "vehicle_id": "vehicle",
            "repair_id": "repair", "callback_id": "service_callback", "alert_id": "alert", "project_id": "project",
            "document_id": "document", "event_id": "event", "model_id": "truck_model",
            "photo_id": "photo", "notification_id": "notification", "robot_id": "robot"}
# Lists that show, on purpose, organisations of these kinds across the own network: the
# special-vehicle catalogue names each product's body-builder, a joint promotion its co-issuer.
PUBLIC_IN_NETWORK = {"org.catalogue": {"bodybuilder"}, "org.announcements": {"bodybuilder"}}
SKIP_ENDPOINTS = {"static", "bootstrap.static", "auth.logout", "auth.login"}
DENIED = {403, 404, 405}


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        yield rule


def _org(world, org_id):
    return next(o for o in world["orgs"].values() if o["id"] == org_id)


def _ids_outside(world, actor, network_only: bool = False):
    """Ids, per kind, of records that actor must not reach."""
    out = {kind: [] for kind in world["records"]}
    for kind, records in world["records"].items():
        for record_id, net, org_id in records:
            # org_id None: a record the whole network may see (announcements): only other networks' are out
            if net != actor.network or (org_id is not None and org_id != actor.org_id
                                        and not _maker_sees(actor, _org(world, org_id))):
                out[kind].append(record_id)
    return out


def _ids_inside(world, actor):
    """One record of each kind the actor owns (for the arguments not under test)."""
    inside = {}
    for kind, records in world["records"].items():
        own = [i for i, net, org_id in records if net == actor.network and org_id == actor.org_id]
        inside[kind] = actor.id if kind == "user" else (own[0] if own else 0)
    return inside


def _spread(ids, n=6):
    """A few ids from across the list: other organisations' and other networks' alike."""
    if len(ids) <= n:
        return ids
    step = len(ids) / n
    return [ids[int(i * step)] for i in range(n)]


def _maker_sees(actor, org) -> bool:
    if actor.kind != "manufacturer":
        return False
    if "network_admin" in actor.roles or not actor.regions:
        return True
    return org["kind"] == "manufacturer" or org["province"] in actor.regions


def _actors(world):
    return [p for (net, _), p in sorted(world["people"].items()) if net == "liuqi"] + \
           [world["people"][("demo2", "admin")], world["people"][("demo2", "sd-jn-001.gm")]]


def _snapshot(in_network, world):
    rows = []
    for net_id in world["networks"].values():
        with in_network(net_id) as s:
            rows += [(u.id, u.status, u.session_token, u.name, tuple(u.roles)) for u in s.scalars(select(User))]
            rows += [(o.id, o.status, o.name) for o in s.scalars(select(Organisation))]
            rows += [(c.id, c.name, c.updated_at, c.responsible_id, len(c.fleet), len(c.stakeholders))
                     for c in s.scalars(select(Customer))]
            rows += [("item", i, a, st) for i, a, st in s.execute(select(CallbackItem.id, CallbackItem.assignee_id,
                                                                          CallbackItem.status))]
            rows += [("guest", i, c) for i, c in s.execute(select(EventGuest.id, EventGuest.customer_id))]
    return sorted(rows, key=str)


def test_every_route_argument_is_known(app):
    unknown = {(r.rule, a) for r in _rules(app) for a in r.arguments if a not in NOT_IDS and a not in ID_KINDS}
    assert not unknown, f"teach the sweep these route arguments: {unknown}"


def test_no_route_reaches_another_orgs_or_networks_records(app, world, login_as, in_network):
    before = _snapshot(in_network, world)
    rules = [r for r in _rules(app) if any(a in ID_KINDS for a in r.arguments)]
    assert len(rules) >= 7
    checked = 0
    for actor in _actors(world):
        client = login_as(actor.username, network=actor.network)
        forbidden = _ids_outside(world, actor)
        inside = _ids_inside(world, actor)
        for rule in rules:
            id_args = [a for a in rule.arguments if a in ID_KINDS]
            # one argument at a time points outside; the others stay inside (own org / self)
            for arg in id_args:
                for foreign_id in _spread(forbidden[ID_KINDS[arg]]):
                    values = {a: NOT_IDS.get(a) for a in rule.arguments}
                    values.update({a: inside[ID_KINDS[a]] for a in id_args})
                    values[arg] = foreign_id
                    url = rule.build(values)[1]
                    for method in sorted(rule.methods & {"GET", "POST"}):
                        resp = client.open(url, method=method, data={"status": "suspended"})
                        checked += 1
                        assert resp.status_code in DENIED, \
                            f"{actor.network}/{actor.username} {method} {url} -> {resp.status_code}"
    assert checked > 500
    assert _snapshot(in_network, world) == before, "a denied request changed something"


def _foreign_markers(world, actor, public_kinds=()):
    """Text that must not appear on actor's pages: names and codes of records out of reach."""
    markers = []
    for (net, code), org in world["orgs"].items():
        if (org["kind"] == "manufacturer" or org["kind"] in public_kinds) and net == actor.network:
            continue
        if net != actor.network or (org["id"] != actor.org_id and not _maker_sees(actor, org)):
            markers += [org["name"]] + ([code] if "-" in code else [])  # "HQ" is every maker's code
    return markers


def _readable(resp) -> str:
    """The text a person would see: pages and CSV as they are, Excel files cell by cell."""
    if resp.mimetype.endswith("spreadsheetml.sheet"):
        from openpyxl import load_workbook
        wb = load_workbook(io.BytesIO(resp.data), read_only=True)
        return "\n".join(str(v) for ws in wb for r in ws.iter_rows(values_only=True) for v in r if v is not None)
    return resp.get_data(as_text=True)


@pytest.mark.parametrize("network", ["liuqi", "demo2"])
def test_lists_show_nothing_out_of_reach(app, world, login_as, network):
    rules = [r for r in _rules(app) if "GET" in r.methods and all(a in NOT_IDS for a in r.arguments)]
    for actor in [p for (net, _), p in world["people"].items() if net == network]:
        client = login_as(actor.username, network=network)
        for rule in rules:
            markers = _foreign_markers(world, actor, PUBLIC_IN_NETWORK.get(rule.endpoint, ()))
            url = rule.build({a: NOT_IDS[a] for a in rule.arguments})[1]
            resp = client.get(url)
            if resp.status_code != 200:
                assert resp.status_code in DENIED | {302}, f"{actor.username} GET {url} -> {resp.status_code}"
                continue
            body = _readable(resp)
            leaked = [m for m in markers if m in body]
            assert not leaked, f"{network}/{actor.username} GET {url} shows {leaked}"


def _foreign_rows(in_network, world, actor):
    """Customers (id, name) and plan items (id) of organisations and networks other than the actor's,
    and a person of another organisation of its network who is some customer's sales manager."""
    customers, items, managers = [], [], []
    for net, net_id in world["networks"].items():
        with in_network(net_id) as s:
            rows = s.execute(select(Customer.id, Customer.name, Customer.org_id, Customer.responsible_id)).all()
            customers += [(i, n) for i, n, org, _ in rows if net != actor.network or org != actor.org_id]
            managers += [r for _, _, org, r in rows if net == actor.network and org != actor.org_id and r]
            items += [i for i, org in s.execute(select(CallbackItem.id, CallbackItem.org_id))
                      if net != actor.network or org != actor.org_id]
    return _spread(customers, 12), _spread(items, 12), managers[0]


def test_bulk_actions_reach_only_own_rows(app, world, login_as, in_network):
    """Every bulk route (derived from the URL map), every action, every way of choosing rows: ticked
    rows and the page's with another organisation's and another network's ids forged in, and every
    row matching a filter on another organisation's sales manager. Nothing changes outside, and no
    export shows a foreign customer."""
    rules = [r for r in _rules(app) if r.endpoint.endswith("_bulk") and "POST" in r.methods]
    assert {r.endpoint.split(".")[-1] for r in rules} >= {"customers_bulk", "callback_plan_bulk"}
    before = _snapshot(in_network, world)
    checked = 0
    for actor in _actors(world):
        client = login_as(actor.username, network=actor.network)
        customers, items, outsider = _foreign_rows(in_network, world, actor)
        names = {n for _, n in customers}
        inside = _ids_inside(world, actor)
        for rule in rules:
            url = rule.build({a: inside[ID_KINDS[a]] for a in rule.arguments})[1]
            # the rows a route lists: a plan's items, else customers (never both: an id of one may be own of the other)
            forged = items if "plan_id" in rule.arguments else [i for i, _ in customers]
            for selection in ({"selection": "checked", "ids": forged}, {"selection": "page", "page_ids": forged},
                              {"selection": "all", "responsible_id": outsider, "assignee": outsider}):
                for action in ("assign", "distribute", "export", "invite"):
                    resp = client.post(url, data={
                        **selection, "action": action, "assignee_id": actor.id, "people": [actor.id],
                        "rule": "round_robin", "responsible": "all", "event_id": inside["event"]})
                    checked += 1
                    assert resp.status_code in DENIED | {302, 200}, f"{actor.username} POST {url} -> {resp.status_code}"
                    if resp.status_code == 200:
                        shown = set(_readable(resp).split("\n"))
                        assert not shown & names, f"{actor.username} {url} {selection} exports another's customers"
    assert checked > 200
    assert _snapshot(in_network, world) == before, "a bulk action reached another organisation's rows"
