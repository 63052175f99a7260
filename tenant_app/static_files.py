"""Versioned static URLs: every `url_for` of a static file (the app's and Bootstrap's) carries
`?v=` and the first 12 hex digits of the file's SHA-256, so a browser (or nginx in front, see
deploy/nginx/tenant.conf) keeps it for a year and never asks again until the file changes,
which changes its URL. An unversioned URL is still served, revalidated each time (no-cache)."""
from __future__ import annotations

import hashlib
import os

from flask import request

IMMUTABLE = 31_536_000  # a year


def is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def init_app(app) -> None:
    versions: dict[str, tuple[int, str]] = {}

    def folder(endpoint: str) -> str | None:
        if endpoint == "static":
            return app.static_folder
        blueprint = app.blueprints.get(endpoint.rsplit(".", 1)[0])
        return blueprint.static_folder if blueprint is not None else None

    def version(endpoint: str, filename: str) -> str | None:
        base = folder(endpoint)
        if not base:
            return None
        path = os.path.join(base, filename)
        try:
            stamp = os.stat(path).st_mtime_ns  # a file replaced while running gets a new version
        except OSError:
            return None
        known = versions.get(path)
        if known is None or known[0] != stamp:
            with open(path, "rb") as f:
                known = versions[path] = (stamp, hashlib.sha256(f.read()).hexdigest()[:12])
        return known[1]

    @app.url_defaults
    def _versioned(endpoint, values):
        if is_static(endpoint) and "filename" in values and "v" not in values:
            v = version(endpoint, values["filename"])
            if v:
                values["v"] = v

    @app.after_request
    def _cache(response):
        if is_static(request.endpoint) and request.args.get("v") and response.status_code in (200, 304):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = IMMUTABLE
            response.cache_control.immutable = True
        return response
