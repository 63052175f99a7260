# Gunicorn configuration for tenant_app (used as: gunicorn -c deploy/gunicorn.conf.py wsgi:app).
import multiprocessing
import os

# Only nginx on the same host talks to gunicorn; never expose it directly.
bind = "127.0.0.1:8000"

# WEB_CONCURRENCY overrides; otherwise the classic 2*cores+1, capped at 8 so a
# big host does not exhaust PostgreSQL connections (each worker has its own pool).
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))

# Threads let one worker overlap I/O waits (database, Redis, PDF rendering).
worker_class = "gthread"
threads = 4

# Kill requests stuck longer than 60 s; give in-flight requests 30 s on restart.
timeout = 60
graceful_timeout = 30

# Recycle workers periodically to contain memory growth; jitter avoids all
# workers restarting at the same moment.
max_requests = 2000
max_requests_jitter = 200

# Log to stdout/stderr; systemd-journald collects them (journalctl -u tenant-web).
accesslog = "-"
errorlog = "-"

# Trust X-Forwarded-* only from the local nginx.
forwarded_allow_ips = "127.0.0.1"

# Do not preload: SQLAlchemy engines (and their connection pools) must be
# created in each worker, never shared across fork().
preload_app = False
