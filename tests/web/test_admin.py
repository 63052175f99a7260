"""Network administrators keep organisations and users; the audit trail records it."""
import re

from sqlalchemy import func, select

from tenant_app.models import AuditEntry, User
from tests import factories


def _temp_password(page: str) -> str:
    return re.search(r'data-test="password">([^<]+)<', page).group(1)


def test_admin_creates_a_user_who_must_change_the_one_time_password(app, login_as, world, in_network, build):
    with build():
        shop = factories.org("dealer", city="南宁")
        org_id, org_name, username = shop.id, shop.name, f"{shop.code.lower()}.sales9"
    admin = login_as("admin")
    page = admin.post("/m/users/new", data={"org_id": org_id, "username": username, "name": "业务经理 覃新",
                                            "roles": ["sales_manager"], "phone": "139-0000-1234"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "liuqi" in html
    temp = _temp_password(html)
    newcomer = app.test_client()
    resp = newcomer.post("/login", data={"network": "liuqi", "username": username, "password": temp})
    assert resp.status_code == 302
    resp = newcomer.get("/d/")
    assert resp.status_code == 302 and resp.location.endswith("/account/password"), "must change it first"
    newcomer.post("/account/password", data={"current": temp, "new": "Guitong-2026x", "confirm": "Guitong-2026x"})
    assert org_name in newcomer.get("/d/").get_data(as_text=True)
    with in_network(world["networks"]["liuqi"]) as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user.phone == "139-0000-1234"
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "create", AuditEntry.object_type == "User",
                                                  AuditEntry.object_id == user.id))
        assert entry.username == "admin" and entry.changes["username"] == username
        assert "password_hash" not in entry.changes
        assert entry.subject_org_id == org_id


def test_bad_input_saves_nothing_and_says_why(login_as, world, in_network):
    admin = login_as("admin")
    org_id = world["orgs"][("liuqi", "GX-NN-002")]["id"]
    with in_network(world["networks"]["liuqi"]) as s:
        before = s.scalar(select(func.count(User.id)))
    page = admin.post("/m/users/new", data={"org_id": org_id, "username": "gx-lz-001.gm", "name": "重复",
                                            "roles": ["sales_manager"]}).get_data(as_text=True)
    assert "用户名 gx-lz-001.gm 已存在" in page
    page = admin.post("/m/users/new", data={"org_id": org_id, "username": "wrong.role", "name": "角色错",
                                            "roles": ["network_admin"]}).get_data(as_text=True)
    assert "不属于该机构类型" in page
    page = admin.post("/m/users/new", data={"org_id": org_id, "username": "x y", "name": "",
                                            "roles": ["sales_manager"], "phone": "abc"}).get_data(as_text=True)
    assert "请输入姓名" in page and "用户名只能包含" in page and "电话只能包含" in page
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(func.count(User.id))) == before


def test_org_of_another_network_cannot_be_chosen(login_as, world, in_network):
    admin = login_as("admin")
    foreign_org = world["orgs"][("demo2", "SD-JN-001")]["id"]
    resp = admin.post("/m/users/new", data={"org_id": foreign_org, "username": "sneaky", "name": "越界",
                                            "roles": ["sales_manager"]})
    assert resp.status_code in (200, 404)
    assert "一次性密码" not in resp.get_data(as_text=True)
    with in_network(world["networks"]["demo2"]) as s:
        assert s.scalar(select(User.id).where(User.username == "sneaky")) is None


def test_suspending_a_user_ends_their_session_and_blocks_login(app, login_as, new_user, in_network):
    p = new_user("HN-CS-005", "sales_manager")
    victim = login_as(p.username)
    assert victim.get("/d/").status_code == 200
    admin = login_as("admin")
    admin.post(f"/m/users/{p.id}/status", data={"status": "suspended"})
    assert victim.get("/d/").status_code == 302
    resp = app.test_client().post("/login", data={"network": "liuqi", "username": p.username,
                                                  "password": "Demo@2026"})
    wrong = app.test_client().post("/login", data={"network": "liuqi", "username": p.username, "password": "x-Wrong-1"})
    # the right password of a suspended account learns no more than a wrong one
    assert resp.status_code == wrong.status_code == 401
    assert "企业代码、用户名或密码不正确" in resp.get_data(as_text=True) and "已停用" not in resp.get_data(as_text=True)
    with in_network(p.network_id) as s:
        assert s.scalar(select(AuditEntry.summary).where(AuditEntry.user_id == p.id, AuditEntry.action == "login_failed")
                        .order_by(AuditEntry.id.desc()).limit(1)) == "wrong password"
        assert "suspended" in s.scalars(select(AuditEntry.summary).where(AuditEntry.user_id == p.id,
                                                                         AuditEntry.action == "login_failed")).all()
    admin.post(f"/m/users/{p.id}/status", data={"status": "active"})
    with in_network(p.network_id) as s:
        changes = s.scalars(select(AuditEntry.changes).where(AuditEntry.object_id == p.id,
                                                             AuditEntry.action == "update")).all()
        assert {"status": ["active", "suspended"]} in changes


def test_suspending_an_org_blocks_its_users(app, login_as, world):
    admin = login_as("admin")
    org_id = world["orgs"][("liuqi", "SV-GZ-02")]["id"]
    staff = login_as("sv-gz-02.staff")
    assert staff.get("/s/").status_code == 200
    admin.post(f"/m/orgs/{org_id}/status", data={"status": "suspended"})
    assert staff.get("/s/").status_code == 302
    resp = app.test_client().post("/login", data={"network": "liuqi", "username": "sv-gz-02.mgr",
                                                  "password": "Demo@2026"})
    assert resp.status_code == 401
    admin.post(f"/m/orgs/{org_id}/status", data={"status": "active"})
    assert login_as("sv-gz-02.staff").get("/s/").status_code == 200


def test_reset_password_issues_a_new_one_time_password(app, login_as, new_user):
    p = new_user("GD-GZ-003", "information_manager")
    victim = login_as(p.username)
    page = login_as("admin").post(f"/m/users/{p.id}/reset").get_data(as_text=True)
    temp = _temp_password(page)
    assert victim.get("/d/").status_code == 302, "old sessions end"
    c = app.test_client()
    assert c.post("/login", data={"network": "liuqi", "username": p.username, "password": temp}).status_code == 302


def test_create_org_and_refuse_duplicate_code(login_as, world):
    admin = login_as("admin")
    resp = admin.post("/m/orgs/new", data={"kind": "dealer", "code": "gx-gl-009", "name": "桂林桂运汽车",
                                           "province": "广西", "city": "桂林"})
    assert resp.status_code == 302
    page = admin.get(resp.location).get_data(as_text=True)
    assert "GX-GL-009" in page and "桂林桂运汽车" in page and "该机构还没有用户" in page
    page = admin.post("/m/orgs/new", data={"kind": "dealer", "code": "GX-LZ-001", "name": "重复",
                                           "province": "广西"}).get_data(as_text=True)
    assert "机构代码 GX-LZ-001 已存在" in page


def test_org_list_search_filter_sort(login_as, build):
    with build():
        tag = factories.word()  # in these three names only
        lz = factories.org("dealer", city="柳州", name=f"柳州{tag}汽车销售服务有限公司").code
        gz = factories.org("dealer", province="广东", city="广州", name=f"广州{tag}汽车贸易有限公司").code
        sv = factories.org("service", city="柳州", name=f"柳州{tag}汽车服务站").code
    admin = login_as("admin")
    page = admin.get(f"/m/orgs?q=柳州{tag}").get_data(as_text=True)
    assert lz in page and sv in page and gz not in page
    page = admin.get(f"/m/orgs?kind=service&q={tag}").get_data(as_text=True)
    assert sv in page and lz not in page and gz not in page
    page = admin.get(f"/m/orgs?sort=-code&q={tag}").get_data(as_text=True)
    assert page.index(sv) < page.index(lz) and page.index(sv) < page.index(gz), "SV-… before DL-…"
    page = admin.get(f"/m/orgs?sort=code&q={tag}").get_data(as_text=True)
    assert page.index(sv) > page.index(lz)
    assert "没有符合条件的机构" in admin.get("/m/orgs?q=不存在的机构").get_data(as_text=True)


def test_regional_supervisor_sees_only_their_regions(login_as, build):
    with build():
        supervisor = factories.user(factories.manufacturer(), "supervisor", regions=["广西"]).username
        tag = factories.word()
        inside = [factories.org(kind, name=f"柳州{tag}{n}号") for n, kind in enumerate(("dealer", "service"))]
        outside = [factories.org("dealer", province=p, city=c, name=f"{c}{tag}汽车有限公司")
                   for p, c in (("广东", "广州"), ("云南", "昆明"))]
        inside_gm = factories.user(inside[0], "general_manager").username
        outside_gm = factories.user(outside[0], "general_manager").username
        inside, outside = [o.code for o in inside], [o.code for o in outside]
    sup = login_as(supervisor)
    page = sup.get(f"/m/orgs?q={tag}").get_data(as_text=True)
    assert all(code in page for code in inside)
    assert not any(code in page for code in outside)
    assert "新建机构" not in page
    users = sup.get(f"/m/users?q={tag}").get_data(as_text=True)
    assert inside_gm in users and outside_gm not in users
    assert "****" in users, "supervisors see phones masked"


def test_team_page_masks_phones_except_for_the_head(login_as, build):
    with build():
        shop, other = factories.org("dealer"), factories.org("dealer", city="南宁")
        team = [factories.user(shop, role) for role in ("general_manager", "brand_manager", "information_manager",
                                                        "sales_manager", "sales_manager", "service_manager")]
        gm, brand, sales = team[0], team[1], team[3]
        gm_name, brand_name, other_name = gm.name, brand.name, other.name
        gm, sales = gm.username, sales.username
    sales = login_as(sales).get("/org/team").get_data(as_text=True)
    gm = login_as(gm).get("/org/team").get_data(as_text=True)
    assert gm_name in sales and brand_name in sales
    assert other_name not in sales
    masked = re.findall(r"\d{3}\*{4}\d{4}", sales)
    assert len(masked) == 5, "every colleague's phone but one's own is masked"
    assert not re.findall(r"\d{3}\*{4}\d{4}", gm), "the general manager sees whole numbers"


def test_audit_log_for_admin_and_dealer_head(login_as, build):
    with build("demo2"):
        foreign = factories.org("dealer", province="山东", city="济南").name
    with build():
        own = factories.org("dealer").name
        shop, neighbour = factories.org("dealer"), factories.org("dealer", province="广东", city="广州")
        gm, sales = factories.user(shop, "general_manager"), factories.user(shop, "sales_manager")
        mine, theirs = factories.customer(shop).name, factories.customer(neighbour).name
        gm, sales, neighbour = gm.username, sales.username, (neighbour.code, neighbour.name)
    admin_page = login_as("admin").get("/org/audit?action=create&q=Organisation").get_data(as_text=True)
    assert own in admin_page and foreign not in admin_page, "another network's changes are not listed"
    gm = login_as(gm)
    page = gm.get("/org/audit?q=Customer").get_data(as_text=True)
    assert mine in page, "the GM sees changes to the dealer's own records, whoever made them"
    assert theirs not in page and neighbour[0] not in page and neighbour[1] not in page
    csv = gm.get("/org/audit.csv")
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).startswith("\ufefftime,user,action")
    assert login_as(sales).get("/org/audit").status_code == 403
