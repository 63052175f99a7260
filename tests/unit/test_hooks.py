"""Session listeners are create_app's to register: importing a module registers none, and
create_app run twice in one process registers each once, in the order the flush needs."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs in a clean interpreter: this test process has long since called create_app.
PROBE = r"""
import importlib, json, pkgutil, sys
from sqlalchemy.orm import Session
import tenant_app

EVENTS = ("after_begin", "do_orm_execute", "before_flush", "after_flush")

def ours():
    session = Session()
    return {name: [f"{f.__module__}.{f.__name__}" for f in getattr(session.dispatch, name)
                   if f.__module__.startswith("tenant_app")] for name in EVENTS}

for info in pkgutil.walk_packages(tenant_app.__path__, "tenant_app."):
    importlib.import_module(info.name)
after_import = ours()
from tenant_app import create_app
create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
json.dump({"modules": len([m for m in sys.modules if m.startswith("tenant_app.")]),
           "after_import": after_import, "after_create_app": ours()}, sys.stdout)
"""


def test_importing_registers_no_listener_and_create_app_registers_each_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(INSTANCE_PATH=str(tmp_path), SECRET_KEY="test-only")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, check=True, capture_output=True, text=True, env=env)
    seen = json.loads(out.stdout)
    assert seen["modules"] > 50, "every module of the package was imported"
    assert seen["after_import"] == {"after_begin": [], "do_orm_execute": [], "before_flush": [], "after_flush": []}
    assert seen["after_create_app"] == {
        "after_begin": ["tenant_app.tenancy._rls_on_begin"],
        "do_orm_execute": ["tenant_app.tenancy._network_filter"],
        # new rows get their network, the ledger derives, then the audit trail reads what is written
        "before_flush": ["tenant_app.tenancy._stamp_network", "tenant_app.services.ledger._keep_derivations",
                         "tenant_app.services.audit._collect"],
        "after_flush": ["tenant_app.services.audit._write"],
    }
