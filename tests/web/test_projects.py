"""Co-development projects: stages to the 公告, plan, versioned documents, discussion; who
sees a project; the catalogue every party browses; a product on a dealer's opportunity;
joint promotions."""
import io
import re
from datetime import date

from sqlalchemy import select

from tenant_app.models import Announcement, Opportunity, Project, ProjectDocument
from tests import factories


def _text(resp) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))


def _new_project(client, title):
    resp = client.post("/b/projects", data={"title": title, "vehicle_type": "tanker", "chassis_models": "乘龙 H5 8×4",
                                            "target_customers": "成品油运输企业", "target_volume": 120,
                                            "specs": "罐体容积 30 m³，铝合金"})
    assert resp.status_code == 302, _text(resp)
    return int(resp.location.rsplit("/", 1)[1])


def _builder(build, **where):
    """A body-builder (广西 unless told) and its manager: (id, name, manager's user name)."""
    with build():
        org = factories.org("bodybuilder", **where)
        return org.id, org.name, factories.user(org, "manager").username


def test_a_project_to_its_published_announcement_and_into_the_catalogue(login_as, world, in_network, build):
    _, builder_name, manager = _builder(build)
    builder = login_as(manager)
    pid = _new_project(builder, "沥青保温运输车")
    resp = builder.post(f"/b/projects/{pid}/advance", data={"stage": "published"}, follow_redirects=True)
    assert "公告发布须填写公告批次/编号和发布日期" in _text(resp)
    builder.post(f"/b/projects/{pid}/advance", data={"stage": "applied"})
    assert "沥青保温运输车" not in _text(login_as("gx-lz-001.gm").get("/org/catalogue")), "not published yet"
    assert builder.post(f"/b/projects/{pid}/advance", data={"stage": "design"},
                        follow_redirects=True).status_code == 200
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(Project, pid).stage == "applied", "never backwards"
    builder.post(f"/b/projects/{pid}/advance", data={"stage": "published", "announcement_no": "第380批",
                                                     "announcement_on": date.today().isoformat()})
    with in_network(world["networks"]["liuqi"]) as s:
        p = s.get(Project, pid)
        assert (p.stage, p.announcement_no) == ("published", "第380批")
        assert {r.stage for r in p.plan if r.done_on} == {"proposal", "design", "prototype", "applied"}
    dealer = login_as("gx-lz-001.sales1")
    listing = _text(dealer.get("/org/catalogue"))
    assert "沥青保温运输车" in listing and "第380批" in listing and builder_name in listing
    product = _text(dealer.get(f"/org/catalogue/{pid}"))
    assert "罐体容积 30 m³" in product
    assert dealer.get(f"/b/projects/{pid}").status_code == 403, "the project itself stays between the two parties"
    assert "沥青保温运输车" in _text(login_as("sv-lz-01.mgr").get("/org/catalogue"))
    assert "沥青保温运输车" not in _text(login_as("sd-jn-001.gm", network="demo2").get("/org/catalogue"))


def test_documents_are_versioned_and_the_discussion_is_shared_with_the_manufacturer(login_as, world, in_network,
                                                                                     build):
    manager, neighbour = _builder(build)[2], _builder(build, province="湖北", city="随州")[2]
    with build():
        supervisor = factories.user(factories.manufacturer(), "supervisor", regions=["广西"]).username
    builder, maker = login_as(manager), login_as("admin")
    pid = _new_project(builder, "冷藏车（版本测试）")
    for content in (b"%PDF-1.4 v1", b"%PDF-1.4 v2"):
        builder.post(f"/b/projects/{pid}/documents", data={"file": (io.BytesIO(content), "设计方案.pdf")},
                     content_type="multipart/form-data")
    bad = builder.post(f"/b/projects/{pid}/documents", data={"file": (io.BytesIO(b"MZ"), "x.exe")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "只能上传" in _text(bad)
    with in_network(world["networks"]["liuqi"]) as s:
        docs = s.scalars(select(ProjectDocument).where(ProjectDocument.project_id == pid)
                         .order_by(ProjectDocument.version)).all()
        assert [(d.name, d.version) for d in docs] == [("设计方案.pdf", 1), ("设计方案.pdf", 2)]
        second = docs[1].id
    assert maker.get(f"/m/projects/{pid}/documents/{second}").data == b"%PDF-1.4 v2"
    maker.post(f"/m/projects/{pid}/messages", data={"body": "底盘轴距请改为 4600+1350"})
    builder.post(f"/b/projects/{pid}/plan", data={"owner-design": "张工", "due-design": "2026-12-20"})
    html = builder.get(f"/b/projects/{pid}").get_data(as_text=True)
    assert "底盘轴距请改为 4600+1350" in html and 'value="张工"' in html and 'value="2026-12-20"' in html
    assert "第 2 版" in html
    other = login_as("bb-ly-01.mgr", network="demo2")
    assert other.get(f"/b/projects/{pid}").status_code == 404, "another network's builder"
    neighbour = login_as(neighbour)
    assert neighbour.get(f"/b/projects/{pid}").status_code == 404, "another builder of the network"
    assert neighbour.get(f"/b/projects/{pid}/documents/{second}").status_code == 404
    assert "冷藏车（版本测试）" not in _text(neighbour.get("/b/projects"))
    assert login_as("gx-lz-001.gm").get(f"/b/projects/{pid}").status_code == 403, "a dealer"
    supervisor = login_as(supervisor)  # 广西: this builder is in 广西
    assert "冷藏车（版本测试）" in _text(supervisor.get("/m/projects"))
    assert login_as("gx-lz-001.gm").get(f"/org/catalogue/{pid}").status_code == 404, "not in the catalogue"


def test_a_dealer_attaches_a_catalogue_product_to_an_opportunity(login_as, world, in_network, build):
    builder = login_as(_builder(build)[2])
    with build():
        shop = factories.org("dealer")
        gm, sales = factories.user(shop, "general_manager"), factories.user(shop, "sales_manager")
        opp_id, gm = factories.opportunity(factories.customer(shop), sales).id, gm.username
    pid = _new_project(builder, "搅拌车（目录）")
    hidden = _new_project(builder, "未发布的自卸车")
    builder.post(f"/b/projects/{pid}/advance", data={"stage": "series", "announcement_no": "第381批",
                                                     "announcement_on": date.today().isoformat()})
    dealer = login_as(gm)
    assert "搅拌车（目录）" in _text(dealer.get(f"/d/opportunities/{opp_id}"))
    dealer.post(f"/d/opportunities/{opp_id}/product", data={"product_id": hidden})
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(Opportunity, opp_id).product_id is None, "only a product of the catalogue"
    dealer.post(f"/d/opportunities/{opp_id}/product", data={"product_id": pid})
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.get(Opportunity, opp_id).product_id == pid


def test_a_joint_promotion_names_its_builder_for_the_dealers(login_as, world, in_network, build):
    builder_id, builder_name, _ = _builder(build)
    admin = login_as("admin")
    admin.post("/m/announcements", data={"kind": "promotion", "title": "运油车联合促销", "effective_from": "2026-12-01",
                                         "parties": ["dealer"], "builder_org_id": builder_id})
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(Announcement.builder_org_id).where(Announcement.title == "运油车联合促销")) == builder_id
    assert f"与{builder_name}联合发布" in _text(login_as("gx-lz-001.gm").get("/org/announcements"))
