"""Settings from the environment, with embedded defaults for `make run`."""
import os
import secrets
from datetime import timedelta
from pathlib import Path


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment; in the embedded set-up a generated one
    kept in instance/ so sessions survive restarts and no secret is in the repo."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if os.environ.get("APP_ENV") == "production":
        raise RuntimeError("SECRET_KEY must be set when APP_ENV=production")
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load(instance_path: str) -> dict:
    instance = Path(instance_path)
    env = os.environ.get
    production = env("APP_ENV") == "production"
    database_url = env("DATABASE_URL") or f"sqlite:///{instance / 'tenant.db'}"
    return {
        "PRODUCTION": production,
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Migrations run as the owner role; the app connects as a role that owns nothing.
        "MIGRATION_DATABASE_URL": env("MIGRATION_DATABASE_URL") or database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env("REDIS_URL") or None,
        # Jobs run on RQ workers when Redis is there, inline (in the request) otherwise.
        "JOBS_INLINE": not env("REDIS_URL"),
        # Scorecard PDFs (default: <instance>/reports); one store shared by every web host and worker.
        "REPORTS_DIR": env("REPORTS_DIR") or None,
        # Seconds before each retry of a failed job (RQ's Retry); "0" retries at once.
        "JOB_RETRY_INTERVALS": [int(s) for s in env("JOB_RETRY_INTERVALS", "10,60").split(",")],
        # Address space (RLIMIT_AS) of each job in `flask rq worker`'s work horse, in MB; 0: no limit.
        # A hostile file then fails its own job, recorded as failed, instead of the machine.
        "JOB_MEMORY_LIMIT_MB": int(env("JOB_MEMORY_LIMIT_MB", "2048")),
        "BOOTSTRAP_SERVE_LOCAL": True,  # no CDN: the app runs on closed intranets
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": {"zh_CN": "中文", "en": "English"},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,  # Flask-Login leaves it False by default
        # "Remember me" survives closing the browser; the timeouts below still bound it.
        "REMEMBER_COOKIE_DURATION": timedelta(hours=int(env("SESSION_ABSOLUTE_HOURS", "12"))),
        "SESSION_IDLE": timedelta(minutes=int(env("SESSION_IDLE_MINUTES", "30"))),
        "SESSION_ABSOLUTE": timedelta(hours=int(env("SESSION_ABSOLUTE_HOURS", "12"))),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(env("SESSION_ABSOLUTE_HOURS", "12"))),
        "LOGIN_RATE_LIMIT": env("LOGIN_RATE_LIMIT", "10 per minute"),
        "LOGIN_IP_RATE_LIMIT": env("LOGIN_IP_RATE_LIMIT", "60 per minute"),
        # The customer's survey page (/s/<token>, public): requests per address, and how long a link lives.
        "SURVEY_RATE_LIMIT": env("SURVEY_RATE_LIMIT", "30 per minute"),
        "SURVEY_LINK_DAYS": int(env("SURVEY_LINK_DAYS", "30")),
        # Behind nginx: how many proxies set X-Forwarded-For/-Proto (audit IPs, rate limits).
        "PROXY_COUNT": int(env("PROXY_COUNT", "0")),
        "RATELIMIT_STORAGE_URI": env("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down: limits per process (with a warning in the log) until it is back, not a failed login
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,  # the session's own timeouts bound the token
        # Views must call authorize(); checked after each request outside production.
        "VERIFY_AUTHORIZED": not production,
        "PAGE_SIZE": 50,
        # A ledger larger than this gets its callback plan from a job (with progress), not the request.
        "PLAN_INLINE_CUSTOMERS": int(env("PLAN_INLINE_CUSTOMERS", "3000")),
        # A ledger export of more rows than this is written by a job (with progress), not the request.
        "EXPORT_INLINE_ROWS": int(env("EXPORT_INLINE_ROWS", "2000")),
        # A network of this many customers gets its overview and census figures from the scheduler.
        "SUPERVISION_SNAPSHOT_FROM": int(env("SUPERVISION_SNAPSHOT_FROM", "200000")),
        "MAX_CONTENT_LENGTH": 21 * 1024 * 1024,  # uploads: services.ledger_excel checks the file itself
        # Notifications by e-mail: smtp://user:pass@host:587 (STARTTLS) or smtps://... (TLS); unset: e-mail off.
        "SMTP_URL": env("SMTP_URL") or None,
        "MAIL_FROM": env("MAIL_FROM") or "",
        # The product's address as people reach it: the links in messages sent outside the product.
        "BASE_URL": (env("BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        # Group robots: the hosts a webhook URL may name beyond each platform's own (企业微信
        # qyapi.weixin.qq.com, 钉钉 oapi.dingtalk.com, 飞书 open.feishu.cn / open.larksuite.com),
        # comma-separated, e.g. a private 企业微信 deployment; nothing else is ever called.
        "ROBOT_EXTRA_HOSTS": [h.strip().lower() for h in env("ROBOT_EXTRA_HOSTS", "").split(",") if h.strip()],
        # SMS, one provider for the deployment (services/notify/sms.py); SMS_PROVIDER unset: SMS off.
        # "http": a generic HTTP gateway at SMS_URL (https), with SMS_ACCOUNT, SMS_API_KEY,
        # SMS_API_SECRET (signs each request), SMS_TEMPLATE_ID and SMS_SIGNATURE (the 短信签名).
        "SMS_PROVIDER": env("SMS_PROVIDER") or None,
        "SMS_URL": env("SMS_URL") or "",
        "SMS_ACCOUNT": env("SMS_ACCOUNT") or "",
        "SMS_API_KEY": env("SMS_API_KEY") or "",
        "SMS_API_SECRET": env("SMS_API_SECRET") or "",
        "SMS_TEMPLATE_ID": env("SMS_TEMPLATE_ID") or "",
        "SMS_SIGNATURE": env("SMS_SIGNATURE") or "",
    }
