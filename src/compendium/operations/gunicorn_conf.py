"""gunicorn's settings for `make serve`: threaded workers (gthread) so keep-alive connections and
slow clients do not hold a whole process, and a worker count that fits the machine. Read by
`gunicorn -c python:compendium.operations.gunicorn_conf`; the bind address comes from the
command."""

from __future__ import annotations

import os

from compendium.config import env

worker_class = "gthread"
workers = env("WEB_WORKERS") or 2 * (os.cpu_count() or 1) + 1
threads = env("WEB_THREADS")
keepalive = 30
timeout = 60
graceful_timeout = 20
backlog = 2048
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-" if env("LOG_LEVEL") == "DEBUG" else None
errorlog = "-"
loglevel = "warning"
# Trust X-Forwarded-* only from the local proxy (gunicorn's default), as Django does.
forwarded_allow_ips = "127.0.0.1"
