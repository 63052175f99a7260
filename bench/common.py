"""Pieces every benchmark shares, with no side effects on import."""
from __future__ import annotations

import secrets


def app_config(app_url: str, owner_url: str) -> dict:
    """As tests/conftest.py's app_config, with the login rate limit out of the way (a login
    figure is about the work of a login, not about the limiter refusing it)."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": app_url,
        "MIGRATION_DATABASE_URL": owner_url,
        "WTF_CSRF_ENABLED": False,
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_KEY_PREFIX": "bench-" + secrets.token_hex(4),
        "LOGIN_RATE_LIMIT": "1000000 per minute",
    }


def logged_in_client(app, login_id: str):
    """As tests/conftest.py's _login: the session written directly, no password round trip."""
    client = app.test_client()
    with client.session_transaction() as s:
        s.clear()
        s["_user_id"] = login_id
        s["_fresh"] = True
    return client
