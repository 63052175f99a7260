"""The demo itself (`flask demo seed`, tenant_app/demo/): the logins README.md promises exist
with the documented password, and seeding again keeps what is there. Other tests build their
own records (tests/factories.py) and use the demo networks only as the background."""
import re
from pathlib import Path

from sqlalchemy import func, select

from tenant_app.demo import DEMO_PASSWORD
from tenant_app.models import Customer, Organisation, User

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_logins() -> set[tuple[str, str]]:
    """(network, user name) of every login in README's table; `.info` after full names means
    each of them with that suffix too."""
    table = README.read_text().split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    logins = set()
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        network = cells[0].strip("`")
        full = [n for n in re.findall(r"`([^`]+)`", cells[1]) if not n.startswith(".")]
        suffixes = re.findall(r"`(\.[^`]+)`", cells[1] + cells[2])
        logins |= {(network, n) for n in full}
        logins |= {(network, n.split(".")[0] + s) for n in full if "." in n for s in suffixes}
    return logins


def test_the_readme_table_is_read():
    logins = readme_logins()
    assert ("liuqi", "gx-lz-001.sales2") in logins and ("liuqi", "yn-km-004.sales1") in logins
    assert ("demo2", "sv-jn-01.mgr") in logins and len(logins) > 20


def test_every_documented_login_exists_with_the_demo_password(app, world, in_network):
    from tenant_app.services.passwords import verify_password

    logins = readme_logins()
    missing = logins - set(world["people"])
    assert not missing, f"README names logins the demo does not make: {sorted(missing)}"
    for network in {n for n, _ in logins}:
        with in_network(world["networks"][network]) as s:
            names = [u for n, u in logins if n == network]
            for user in s.scalars(select(User).where(User.username.in_(names))):
                assert verify_password(user.password_hash, DEMO_PASSWORD), user.username
                assert user.status == "active" and not user.must_change_password, user.username


def test_seeding_again_keeps_the_networks_as_they_are(app, world, in_network):
    def counts():
        out = {}
        for network, network_id in world["networks"].items():
            with in_network(network_id) as s:
                out[network] = tuple(s.scalar(select(func.count()).select_from(m)) for m in (Organisation, Customer))
        return out

    before = counts()
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--customers", "5"])
    assert result.exit_code == 0, result.output
    assert "network liuqi exists, kept as it is" in result.output
    assert "network demo2 exists, kept as it is" in result.output
    assert f"password {DEMO_PASSWORD}" in result.output
    assert counts() == before
