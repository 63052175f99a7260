"""Hostile input never reaches a 500 and a refusal saves nothing. Every POST route of the URL map
gets every form field the code knows (the WTForms fields and the raw names views read) filled
with hostile values; every GET route gets hostile query arguments. Bounded by the number of
examples (seeded, so a failure is repeatable), never by time."""
import pathlib
import random
import re

import pytest
from sqlalchemy import func, select
from wtforms.fields.core import UnboundField

from tenant_app.models import Customer, Expense, Organisation, User
from tests.web.test_cross_tenant import ID_KINDS, NOT_IDS, SKIP_ENDPOINTS, _ids_inside

EXAMPLES_PER_ROUTE = 4
HOSTILE = ["x" * 5000, "\x00", "a\x00b", "\u202egpj.exe", "\u2066名称\u2069", "NaN", "sNaN", "-Infinity", "1e308",
           "-1", "-0", "0", "2147483648", "-2147483649", "99999999999999999999999", "²", "①", "٣", "9999-12-31",
           "0001-01-01", "2026-02-30", "10000-01-01", "", " ", "\t\n", "<script>alert(1)</script>", "' OR 1=1 --",
           "{{7*7}}", "%00", "../../etc/passwd", "=cmd|' /C calc'!A0", "😀" * 50, "1" * 40]
# Each party's routes are posted by a user made for this module in a demo organisation (its records
# fill the route ids), so the values the test sends (a reset password, new roles) hit no shared account.
ACTOR_OF = {"manufacturer": ("HQ", "network_admin"), "dealer": ("GX-LZ-001", "general_manager"),
            "bodybuilder": ("BB-LZ-01", "manager"), "station": ("SV-LZ-01", "manager"),
            "org": ("GX-LZ-001", "general_manager"), "auth": ("GX-LZ-001", "information_manager"),
            "main": ("GX-LZ-001", "general_manager"), "notifications": ("GX-LZ-001", "sales_manager"),
            "survey": ("GX-LZ-001", "sales_manager")}
# Not fuzzed: they end the test's own login, or run a whole evaluation per example.
SKIP = SKIP_ENDPOINTS | {"auth.set_language", "auth.password", "auth.two_factor_requirement",
                         "manufacturer.evaluations", "manufacturer.evaluation_render", "manufacturer.job_rerun"}
SOURCE = pathlib.Path(__file__).parents[2] / "tenant_app"


def _form_field_names() -> set[str]:
    """Every field of every form class, and every name a view reads from request.form."""
    import tenant_app.blueprints  # noqa: F401  (the form modules are imported with the app)
    from flask_wtf import FlaskForm
    names, todo = set(), list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        names |= {k for k, v in vars(cls).items() if isinstance(v, UnboundField)}
    for path in SOURCE.rglob("*.py"):
        names |= set(re.findall(r'request\.form\.(?:get|getlist)\("([\w-]+)"', path.read_text()))
    return names - {"csrf_token"}


def _query_names() -> set[str]:
    names = set()
    for path in SOURCE.rglob("*.py"):
        names |= set(re.findall(r'request\.args\.(?:get|getlist)\("([\w-]+)"', path.read_text()))
    return names | {"cursor", "sort", "page", "q"}


def _snapshot(in_network, world):
    with in_network(world["networks"]["liuqi"]) as s:
        return [s.scalar(select(func.count()).select_from(m)) for m in (Customer, Expense, Organisation, User)] + \
               [s.scalar(select(func.max(Customer.updated_at))), s.scalar(select(func.max(User.updated_at)))]


@pytest.fixture
def actors(new_user):
    made = {}

    def _actor(endpoint):
        key = ACTOR_OF[endpoint.split(".")[0]]
        return made.get(key) or made.setdefault(key, new_user(*key))
    return _actor


def _url(rule, world, actor):
    inside = _ids_inside(world, actor)
    return rule.build({a: NOT_IDS.get(a, inside.get(ID_KINDS.get(a), 0)) for a in rule.arguments})[1]


def test_hostile_form_posts_never_500_and_refusals_save_nothing(app, world, login_as, in_network, actors):
    fields = sorted(_form_field_names())
    assert {"amount", "held_on", "points", "name", "phone", "session_id"} <= set(fields)
    rng = random.Random(20261201)
    rules = sorted((r for r in app.url_map.iter_rules() if "POST" in r.methods and r.endpoint not in SKIP),
                   key=lambda r: r.rule)
    assert len(rules) > 40
    clients, posted = {}, 0
    for rule in rules:
        actor = actors(rule.endpoint)
        client = clients.get(actor.username) or clients.setdefault(actor.username, login_as(actor.username))
        url = _url(rule, world, actor)
        # every hostile value in every field at once, then a few mixtures
        examples = [{name: value for name in fields} for value in HOSTILE] + \
            [{name: rng.choice(HOSTILE) for name in fields} for _ in range(EXAMPLES_PER_ROUTE)]
        for data in examples:
            before = _snapshot(in_network, world)
            try:
                resp = client.post(url, data=data)
            except Exception as exc:  # an exception is what a user would see as a 500
                pytest.fail(f"POST {url} raised {exc!r} for {_short(data)}")
            posted += 1
            assert resp.status_code < 500, f"POST {url} -> {resp.status_code} for {_short(data)}"
            if resp.status_code >= 400:
                assert _snapshot(in_network, world) == before, f"POST {url} was refused but changed rows"
    assert posted >= len(HOSTILE) * 40


def test_hostile_query_arguments_never_500(app, world, login_as, actors):
    names = sorted(_query_names())
    rng = random.Random(1201)
    rules = sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint not in SKIP
                    and r.endpoint not in ("auth.logout",)), key=lambda r: r.rule)
    clients = {}
    for rule in rules:
        actor = actors(rule.endpoint)
        client = clients.get(actor.username) or clients.setdefault(actor.username, login_as(actor.username))
        url = _url(rule, world, actor)
        for args in [{name: value for name in names} for value in HOSTILE[::3]] + \
                [{name: rng.choice(HOSTILE) for name in names} for _ in range(2)]:
            try:
                resp = client.get(url, query_string=args)
            except Exception as exc:
                pytest.fail(f"GET {url} raised {exc!r} for {_short(args)}")
            assert resp.status_code < 500, f"GET {url} -> {resp.status_code} for {_short(args)}"


@pytest.mark.parametrize("path", ["/d/customers/2147483648", "/d/customers/99999999999999999999",
                                  "/m/orgs/2147483648", "/d/opportunities/2147483648"])
def test_ids_beyond_the_databases_integers_are_not_found(login_as, path):
    client = login_as("admin" if path.startswith("/m/") else "gx-lz-001.gm")
    assert client.get(path).status_code == 404


def test_bidi_controls_are_stripped_from_names(login_as, build, in_network, world):
    from tests import factories
    with build():
        shop = factories.org("dealer")
        gm = factories.user(shop, "general_manager")
        name = gm.username
    client = login_as(name)
    resp = client.post("/d/customers/new", data={"name": "\u202e恒信物流\u202c有限公司", "customer_kind": "unit",
                                                 "contact_name": "王\u2066伟\u2069"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    with in_network(world["networks"]["liuqi"]) as s:
        customer = s.get(Customer, int(resp.location.rsplit("/", 1)[1]))
        assert (customer.name, customer.contact_name) == ("恒信物流有限公司", "王伟")


def test_a_long_document_name_keeps_its_extension():
    from tenant_app.services.filenames import display_name
    name = display_name("C:\\用户\\" + "方案" * 100 + ".pdf")
    assert len(name) == 120 and name.endswith(".pdf") and "\\" not in name
    assert display_name("\u202egpj.exe") == "gpj.exe"


def _short(values: dict) -> str:
    return repr({k: (v[:20] + "…" if len(v) > 20 else v) for k, v in values.items()})[:600]
