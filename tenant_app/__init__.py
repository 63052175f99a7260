"""The application factory: wires extensions, hooks and blueprints, nothing else."""
from __future__ import annotations

import os

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None)
    from . import config as settings

    app.config.update(settings.load(app.instance_path))
    app.config.update(config or {})

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from . import models  # noqa: F401  (one metadata for Alembic)
    from .extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from .web import locale_selector

    db.init_app(app)
    # migrations/ sits beside the package in a checkout; an installed package looks in the working directory.
    beside = os.path.join(os.path.dirname(app.root_path), "migrations")
    migrate.init_app(app, db, directory=beside if os.path.isdir(beside) else "migrations")
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=locale_selector)
    bootstrap.init_app(app)
    limiter.init_app(app)

    # Session listeners, once per process. before_flush runs them in this order: the network
    # is stamped on new rows, the ledger derives its fields, then the audit trail reads what
    # the flush will write.
    from . import tenancy
    from .services import audit, ledger
    tenancy.init_app(app)
    ledger.init_app(app)
    audit.init_app(app)
    from .jobs import notify
    notify.init_app(app)  # notifications recorded in a transaction are sent after its commit

    from . import security, static_files, web
    static_files.init_app(app)
    security.init_app(app)
    web.init_app(app)

    from .blueprints import register_all
    register_all(app)

    from . import cli
    cli.init_app(app)
    return app
