"""Policies per role and party, on plain objects: no database."""
import pytest
from sqlalchemy import select

from tenant_app.models import ROLES, AuditEntry, Organisation, User
from tenant_app.policies import can, policy_for

MAKER = Organisation(id=1, network_id=1, kind="manufacturer", code="HQ", province="广西", status="active")
DEALER = Organisation(id=2, network_id=1, kind="dealer", code="GX-LZ-001", province="广西", status="active")
DEALER_GD = Organisation(id=3, network_id=1, kind="dealer", code="GD-GZ-003", province="广东", status="active")
BUILDER = Organisation(id=4, network_id=1, kind="bodybuilder", code="BB-1", province="湖北", status="active")
STATION = Organisation(id=5, network_id=1, kind="service", code="SV-1", province="广西", status="active")
OTHER_NET_DEALER = Organisation(id=9, network_id=2, kind="dealer", code="SD-JN-001", province="山东", status="active")
ORGS = {"manufacturer": MAKER, "dealer": DEALER, "bodybuilder": BUILDER, "service": STATION}

_ids = iter(range(100, 10_000))


def make_user(org, *roles, regions=(), phone="13812341234"):
    return User(id=next(_ids), network_id=org.network_id, org_id=org.id, org=org, username=f"u{next(_ids)}",
                roles=list(roles), regions=list(regions), status="active", phone=phone)


EVERY_ROLE = [(party, role) for party, roles in ROLES.items() for role in roles]


@pytest.mark.parametrize("party,role", EVERY_ROLE)
def test_nobody_sees_another_network(party, role):
    user = make_user(ORGS[party], role)
    other = make_user(OTHER_NET_DEALER, "general_manager")
    for action in ("view", "edit", "suspend", "reset_password", "view_phone"):
        assert not can(user, action, OTHER_NET_DEALER)
        assert not can(user, action, other)


@pytest.mark.parametrize("party,role", EVERY_ROLE)
def test_everyone_sees_own_org_and_colleagues(party, role):
    org = ORGS[party]
    user = make_user(org, role)
    colleague = make_user(org, role)
    assert can(user, "view", org)
    assert can(user, "view", colleague)


@pytest.mark.parametrize("party,role", [(p, r) for p, r in EVERY_ROLE if p != "manufacturer"])
def test_parties_do_not_see_other_orgs_or_administer(party, role):
    user = make_user(ORGS[party], role)
    stranger = make_user(DEALER_GD, "sales_manager")
    assert not can(user, "view", DEALER_GD)
    assert not can(user, "view", stranger)
    assert not can(user, "list", Organisation)
    assert not can(user, "list", User)
    for action in ("create",):
        assert not can(user, action, User)
        assert not can(user, action, Organisation)
    assert not can(user, "edit", make_user(ORGS[party], role))


def test_network_admin_administers_the_network():
    admin = make_user(MAKER, "network_admin")
    dealer_user = make_user(DEALER_GD, "sales_manager")
    assert can(admin, "create", User) and can(admin, "create", Organisation)
    assert can(admin, "edit", dealer_user) and can(admin, "suspend", dealer_user)
    assert can(admin, "reset_password", dealer_user)
    assert can(admin, "view_phone", dealer_user)
    assert can(admin, "suspend", DEALER_GD)
    assert not can(admin, "suspend", MAKER), "the manufacturer itself is never suspended"
    assert not can(admin, "suspend", admin), "nobody suspends themselves"


def test_supervisor_limited_to_regions():
    sup = make_user(MAKER, "supervisor", regions=["广西"])
    assert can(sup, "view", DEALER) and can(sup, "view", STATION)
    assert not can(sup, "view", DEALER_GD)
    assert not can(sup, "view", make_user(DEALER_GD, "sales_manager"))
    assert not can(sup, "edit", make_user(DEALER, "sales_manager")), "supervisors read, they do not administer"
    assert not can(sup, "view_phone", make_user(DEALER, "sales_manager"))
    unlimited = make_user(MAKER, "supervisor")
    assert can(unlimited, "view", DEALER_GD)


def test_supervisor_scope_narrows_the_query():
    sup = make_user(MAKER, "supervisor", regions=["广西", "云南"])
    sql = str(policy_for(Organisation).scope(sup, select(Organisation)).compile(
        compile_kwargs={"literal_binds": True}))
    assert "广西" in sql and "云南" in sql
    admin = make_user(MAKER, "network_admin", regions=["广西"])
    assert "WHERE" not in str(policy_for(Organisation).scope(admin, select(Organisation)))


@pytest.mark.parametrize("role,sees_phone", [
    ("general_manager", True), ("information_manager", False), ("sales_manager", False),
    ("brand_manager", False), ("service_manager", False)])
def test_phone_of_colleagues_only_for_the_head(role, sees_phone):
    viewer = make_user(DEALER, role)
    colleague = make_user(DEALER, "sales_manager")
    assert can(viewer, "view_phone", colleague) is sees_phone
    assert can(viewer, "view_phone", viewer), "one's own phone is always whole"


def test_audit_log_readers():
    admin = make_user(MAKER, "network_admin")
    gm = make_user(DEALER, "general_manager")
    sales = make_user(DEALER, "sales_manager")
    own = AuditEntry(network_id=1, org_id=MAKER.id, subject_org_id=DEALER.id, action="update")
    foreign = AuditEntry(network_id=1, org_id=DEALER_GD.id, subject_org_id=DEALER_GD.id, action="update")
    assert can(admin, "list", AuditEntry) and can(admin, "view", foreign)
    assert can(gm, "list", AuditEntry) and can(gm, "view", own), "a GM sees who touched the dealer"
    assert not can(gm, "view", foreign)
    assert not can(sales, "list", AuditEntry)


def test_suspended_user_is_not_active():
    user = make_user(DEALER, "sales_manager")
    assert user.is_active
    user.status = "suspended"
    assert not user.is_active
    suspended_org = Organisation(id=7, network_id=1, kind="dealer", code="X", status="suspended")
    assert not make_user(suspended_org, "sales_manager").is_active
