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
    from .services.demo import seed

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

    url = current_app.config["REDIS_URL"]
    if not url:
        raise click.ClickException("REDIS_URL is not set: jobs run inline, no worker is needed")
    connection = Redis.from_url(url)
    Worker(list(queues) or ["reports", "default"], connection=connection).work(burst=burst)


def init_app(app):
    app.cli.add_command(network_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(rq_cli)
