"""Scorecard and ranking PDFs: HTML templates in reports/templates, rendered by WeasyPrint.

Chinese needs a CJK font named in every font-family chain (margin boxes included), or a
character renders as a blank box. WeasyPrint subsets fonts with HarfBuzz when Debian's
libharfbuzz-subset0 is present: ~0.3 s for a two-page scorecard instead of ~12 s with
fontTools walking the whole Noto CJK collection (bench/scorecards.py measures both).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app
from jinja2 import FileSystemLoader

from . import charts

TEMPLATES = Path(__file__).parent / "templates"


def _env():
    app = current_app._get_current_object()
    env = app.extensions.get("report_env")
    if env is None:
        env = app.jinja_env.overlay(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True)
        app.extensions["report_env"] = env
    return env


def html(name: str, **context) -> str:
    return _env().get_template(name).render(charts=charts, **context)


def to_pdf(markup: str) -> bytes:
    from weasyprint import HTML
    return HTML(string=markup, base_url=str(TEMPLATES)).write_pdf()


def store(pdf: bytes, network_id: int, name: str) -> tuple[str, str]:
    """Write atomically under the instance folder; (path, sha256)."""
    folder = Path(current_app.config.get("REPORTS_DIR") or os.path.join(current_app.instance_path, "reports"))
    path = folder / str(network_id) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(pdf)
    os.replace(tmp, path)
    return str(path), hashlib.sha256(pdf).hexdigest()


def read_checked(path: str, sha256: str) -> bytes | None:
    """The stored file if it is still what was written; None if missing or altered."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None
