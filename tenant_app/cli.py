"""Command-line: networks (platform operators only), the demo network, the RQ worker."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .extensions import db
from .services.audit import set_actor

network_cli = AppGroup("network", help="Create and list networks (platform operator).")
demo_cli = AppGroup("demo", help="The demo networks.")
rq_cli = AppGroup("rq", help="Background jobs.")
scorecards_cli = AppGroup("scorecards", help="Evaluate periods and render scorecards; the scheduler.")
notify_cli = AppGroup("notify", help="Notifications: today's digests, a test message on a channel.")
ledger_cli = AppGroup("ledger", help="Bulk import and export of a dealer's customer ledger (.xlsx).")


def _org(network_code: str, org_code: str):
    """Bind the session to the network and return the organisation, or stop with a message."""
    from sqlalchemy import select

    from .models import Network, Organisation
    from .tenancy import use_network

    network = db.session.scalar(select(Network).where(Network.code == network_code.lower()))
    if network is None:
        raise click.ClickException(f"no network {network_code}")
    use_network(db.session, network.id)
    org = db.session.scalar(select(Organisation).where(Organisation.code == org_code.upper()))
    if org is None:
        raise click.ClickException(f"no organisation {org_code} in {network_code}")
    if org.kind not in ("dealer", "bodybuilder"):
        raise click.ClickException(f"{org_code} keeps no customer ledger")
    return org


def _mappings(maps) -> dict:
    """--map 运输类型:冷链=专用类 → {(field, key): (target field, code)}; the target by label or code."""
    from .services.ledger_excel import field_of
    from .services.vocabulary import VOCABULARIES, VocabularyResolver, term_key
    from .services.brands import maker_names

    out = {}
    words = VocabularyResolver(makers=maker_names())
    for item in maps:
        column, sep, rest = item.partition(":")
        value, eq, target = rest.partition("=")
        field = column if column in VOCABULARIES else field_of(column)[0]
        if not sep or not eq or field not in VOCABULARIES or not value.strip():
            raise click.ClickException(f"--map {item}: expected COLUMN:VALUE=TARGET, e.g. 运输类型:冷链=专用类 "
                                       f"(columns: {'、'.join(c for c, _ in VOCABULARIES.values())})")
        found = words.resolve(field, target)
        if found is None:
            options = "、".join(v for v in VOCABULARIES[field][1].values())
            raise click.ClickException(f"--map {item}: “{target}” is not a value of {column} ({options})")
        out[(field, term_key(value))] = (found[0], found[1], value.strip())
    return out


@ledger_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--network", "network_code", required=True)
@click.option("--org", "org_code", required=True)
@click.option("--dry-run", is_flag=True, help="Check only; write nothing (mappings are applied, not remembered)")
@click.option("--map", "maps", multiple=True, metavar="COLUMN:VALUE=TARGET",
              help="Map an unknown value onto a listed one, e.g. 运输类型:冷链=专用类 (repeatable); "
                   "remembered for the network unless --dry-run")
def ledger_import(path, network_code, org_code, dry_run, maps):
    """Import PATH (the deck's layout or a flat sheet). A row that is a customer of the ledger
    (same phone, or same name) updates it. Any problem: nothing is imported, exit 1."""
    import os

    from .services import vocabulary
    from .services.ledger_excel import UploadRejected, check_upload, import_rows, read_ledger

    org = _org(network_code, org_code)
    set_actor(db.session, label="cli-import")
    try:
        check_upload(path, os.path.getsize(path))
        mapped = _mappings(maps)
        if not dry_run:
            for (field, _), (target, code, value) in mapped.items():
                vocabulary.remember(field, value, f"{target}:{code}", org_id=org.id)
        report = read_ledger(path, org, progress=lambda n: click.echo(f"read {n} rows", err=True) if n else None,
                             mappings={k: (t, c) for k, (t, c, _) in mapped.items()} if dry_run else None)
    except UploadRejected as e:
        db.session.rollback()
        raise click.ClickException(str(e))
    for p in report.problems:
        click.echo(f"row {p.row}, column {p.column or '-'}: {p.message}" + (f" [{p.cell}]" if p.cell else ""))
    for p in report.notices:
        click.echo(f"note: row {p.row}, column {p.column or '-'}: {p.message}")
    for p in sorted(report.pending.values(), key=lambda p: -p["rows"]):
        column = vocabulary.VOCABULARIES[p["field"]][0]
        click.echo(f"unknown {column} “{p['text']}”: {p['rows']} rows, kept as written (待归类); "
                   f"map it with --map {column}:{p['text']}=VALUE")
    if report.problems:
        db.session.rollback()
        click.echo(f"{len(report.problems)} problems in {len(report.rows)} rows: nothing imported", err=True)
        raise SystemExit(1)
    counts = f"{report.count('new')} new, {report.count('updated')} updated, {report.count('unchanged')} unchanged"
    if dry_run:
        click.echo(f"{len(report.rows)} rows ({report.layout} layout) would be imported into {org.code}: {counts}")
        return
    import_rows(org, report)
    db.session.commit()
    click.echo(f"imported {report.imported} customers into {org.code}: {counts}")


@ledger_cli.command("export")
@click.option("--network", "network_code", required=True)
@click.option("--org", "org_code", required=True)
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def ledger_export(network_code, org_code, path):
    """Write the organisation's ledger to PATH in the deck's layout."""
    from sqlalchemy import select

    from .models import Customer
    from .services.brands import own_brand
    from .services.ledger_excel import export_ledger

    from sqlalchemy.orm import selectinload

    org = _org(network_code, org_code)
    customers = db.session.scalars(select(Customer).where(Customer.org_id == org.id).order_by(Customer.id)
                                   .options(selectinload(Customer.fleet), selectinload(Customer.pending),
                                            selectinload(Customer.responsible)))
    brand = own_brand()
    export_ledger(customers, path, own_brand=brand.name if brand else "")
    click.echo(f"wrote {path}")


@network_cli.command("create")
@click.option("--code", required=True, help="Short code users type at login, e.g. liuqi")
@click.option("--name", required=True, help="The network's name")
@click.option("--maker-name", required=True, help="The manufacturer organisation's name")
@click.option("--maker-code", default="HQ", show_default=True)
@click.option("--admin-username", default="admin", show_default=True)
def network_create(code, name, maker_name, maker_code, admin_username):
    """A network, its manufacturer and its first network administrator."""
    from .services.accounts import AccountError
    from .services.networks import create_network

    set_actor(db.session, label="cli")
    try:
        network, admin, password = create_network(code=code, name=name, maker_name=maker_name,
                                                   maker_code=maker_code, admin_username=admin_username)
        db.session.commit()
    except AccountError as e:
        raise click.ClickException(str(e))
    click.echo(f"network {network.code} created; administrator {admin.username}, "
               f"one-time password {password} (must be changed at first login)")


@network_cli.command("list")
def network_list():
    from sqlalchemy import select

    from .models import Network

    for n in db.session.scalars(select(Network).order_by(Network.code)):
        click.echo(f"{n.code}\t{n.status}\t{n.name}")


@demo_cli.command("seed")
@click.option("--customers", default=2400, show_default=True, help="Customers per network (spread over dealers)")
def demo_seed(customers):
    """The demo networks `liuqi` and `demo2`; does nothing for a network that exists."""
    from .demo import seed

    set_actor(db.session, label="demo-seed")
    for line in seed(customers=customers):
        click.echo(line)


@rq_cli.command("worker")
@click.argument("queues", nargs=-1)
@click.option("--burst", is_flag=True, help="Stop when the queues are empty")
def rq_worker(queues, burst):
    """Work on the queues (default: reports, default), in that priority."""
    from redis import Redis
    from rq import Worker

    import os

    from . import jobs

    url = current_app.config["REDIS_URL"]
    if not url:
        raise click.ClickException("REDIS_URL is not set: jobs run inline, no worker is needed")
    jobs.WORKER["parent_pid"] = os.getpid()
    connection = Redis.from_url(url)
    # the scheduler moves retried jobs back to their queue when their interval is over
    Worker(list(queues) or list(jobs.QUEUES), connection=connection).work(burst=burst, with_scheduler=True)


@scorecards_cli.command("evaluate")
@click.option("--network", "network_code", required=True)
@click.option("--period", required=True, help="2026-Q3, 2026-09 or 2026")
@click.option("--no-wait", is_flag=True, help="Queue the job and return")
def scorecards_evaluate(network_code, period, no_wait):
    """Evaluate every dealer for PERIOD and render the PDFs, as the page does."""
    import time

    from sqlalchemy import select

    from .jobs.scorecards import start_evaluation
    from .models import Network
    from .services.scorecards import ScorecardError, open_evaluation, render_state
    from .tenancy import use_network

    network = db.session.scalar(select(Network).where(Network.code == network_code.lower()))
    if network is None:
        raise click.ClickException(f"no network {network_code}")
    use_network(db.session, network.id)
    set_actor(db.session, label="cli-scorecards")
    try:
        evaluation, _ = open_evaluation(network.id, period)
    except ScorecardError as e:
        raise click.ClickException(str(e))
    record = start_evaluation(evaluation, None)
    click.echo(f"{network.code} {evaluation.period}: job {record.id} queued")
    if no_wait:
        return
    while True:
        db.session.expire_all()
        state = render_state(evaluation)
        click.echo(f"\r  evaluate {record.status} {record.progress}% · PDFs {state['rendered']}/{state['cards']}"
                   f"{' · ranking ready' if state['ranking'] else ''}   ", nl=False, err=True)
        complete = state["rendered"] == state["cards"] and state["ranking"]
        if record.status == "done" and complete and not state["busy"]:
            break
        if record.status == "failed" or (state["failed"] and not state["busy"] and not complete):
            click.echo("", err=True)
            raise click.ClickException(record.error or state["failed"][-1].error)
        time.sleep(1)
    click.echo("", err=True)
    click.echo(f"{state['cards']} scorecards issued and rendered")


@scorecards_cli.command("scheduler")
@click.option("--once", is_flag=True, help="One tick, then exit")
@click.option("--interval", default=60, show_default=True, help="Seconds between ticks")
def scorecards_scheduler(once, interval):
    """Scheduled evaluations and the recovery of lost jobs (deploy/: tenant-scheduler.service)."""
    import time

    from .jobs.schedule import tick

    set_actor(db.session, label="scheduler")
    while True:
        for line in tick():
            click.echo(line)
        if once:
            return
        time.sleep(interval)


@notify_cli.command("digest")
@click.option("--network", "network_code", required=True)
@click.option("--dry-run", is_flag=True, help="Print who would be told what; record and send nothing")
def notify_digest(network_code, dry_run):
    """Today's callback digests for everyone concerned (whatever their hour); each is sent once a day."""
    from sqlalchemy import select

    from .models import Network
    from .models.base import utcnow
    from .services.notify import daily
    from .tenancy import use_network

    network = db.session.scalar(select(Network).where(Network.code == network_code.lower()))
    if network is None:
        raise click.ClickException(f"no network {network_code}")
    use_network(db.session, network.id)
    set_actor(db.session, label="cli-notify")
    told = daily.digests(db.session, utcnow(), any_hour=True, dry_run=dry_run)
    db.session.commit()
    for person, tomorrow, overdue in told:
        click.echo(f"{person.username}\t{person.org.code}\tdue tomorrow {tomorrow}\toverdue {overdue}")
    click.echo(f"{len(told)} digests {'would be ' if dry_run else ''}recorded")


@notify_cli.command("test")
@click.option("--org", "org_code", required=True)
@click.option("--channel", required=True, help="email, wecom, dingtalk, feishu or sms")
@click.option("--network", "network_code", default=None, help="needed when several networks have the code")
def notify_test(org_code, channel, network_code):
    """A test message on CHANNEL, sent at once (nothing recorded): to the organisation's group
    for a group robot (wecom, dingtalk, feishu), else to each of its heads."""
    from sqlalchemy import select

    from .models import Network, Organisation, User
    from flask import current_app

    from .services.notify.channels import CHANNELS, ChannelError, Message, mask_address
    from .services.notify.robots import PLATFORMS, mask_url, robot_of
    from .tenancy import use_network

    if channel not in CHANNELS or channel == "inapp":
        raise click.ClickException(f"unknown channel {channel}; known: {', '.join(c for c in CHANNELS if c != 'inapp')}")
    found = []
    for network in db.session.scalars(select(Network).where(
            Network.code == network_code.lower()) if network_code else select(Network)).all():
        use_network(db.session, network.id)
        org = db.session.scalar(select(Organisation).where(Organisation.code == org_code.upper()))
        if org is not None:
            found.append((network, org))
    if len(found) != 1:
        raise click.ClickException(f"{len(found)} organisations {org_code}; name the network with --network")
    network, org = found[0]
    use_network(db.session, network.id)
    sender = CHANNELS[channel]
    if not sender.configured(org):
        raise click.ClickException(f"channel {channel} is not configured"
                                   + (f" for {org.code} (its heads set it at /org/robots)" if channel in PLATFORMS else ""))
    link = current_app.config["BASE_URL"] + "/notifications"
    if channel in PLATFORMS:  # one message to the organisation's group
        message = Message(subject=f"【{network.name}】通知测试", text=f"这是一条测试消息（{org.name}）。", link=link)
        try:
            sender.send(message, "", org=org)
        except ChannelError as exc:
            raise click.ClickException(str(exc))
        click.echo(f"sent to the {channel} group of {org.code} ({mask_url(robot_of(org, channel).webhook_url)})")
        return
    people = [u for u in db.session.scalars(select(User).where(User.org_id == org.id, User.status == "active"))
              if u.has_role("general_manager", "manager", "network_admin")]
    sent = 0
    for person in people:
        address = sender.address(person)
        if not address:
            click.echo(f"{person.username}: no {channel} address")
            continue
        message = Message(subject=f"【{network.name}】通知测试", text=f"{person.name}，您好：这是一条测试消息（{org.name}）。",
                          link=link)
        try:
            sender.send(message, address, org=org)
        except ChannelError as exc:
            raise click.ClickException(f"{person.username}: {exc}")
        click.echo(f"{person.username}: sent to {mask_address(address)}")
        sent += 1
    click.echo(f"{sent} sent")


def init_app(app):
    app.cli.add_command(network_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(rq_cli)
    app.cli.add_command(ledger_cli)
    app.cli.add_command(scorecards_cli)
    app.cli.add_command(notify_cli)
