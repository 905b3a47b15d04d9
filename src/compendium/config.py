"""Every environment variable the platform reads, declared once.

Settings modules read values only through `env()`; a test checks that the README's settings table
lists exactly these names, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# The checkout (or install prefix) root: src/compendium/config.py -> parents[2].
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Variable:
    name: str
    kind: type  # str, bool, int or list
    default: Any
    description: str
    production_required: bool = False


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "DJANGO_SETTINGS_MODULE",
        str,
        "compendium.settings.demo",
        "`compendium.settings.demo` (demo and development), `compendium.settings.test` or "
        "`compendium.settings.production`.",
    ),
    Variable(
        "SECRET_KEY",
        str,
        "",
        "Django's signing key. The demo generates one under `var/`; production refuses to start "
        "without it.",
        production_required=True,
    ),
    Variable(
        "DEBUG", bool, False, "Django debug pages. Demo default `true`; never on in production."
    ),
    Variable(
        "ALLOWED_HOSTS",
        list,
        ["127.0.0.1", "localhost"],
        "Comma-separated host names the site answers to.",
        production_required=True,
    ),
    Variable(
        "CSRF_TRUSTED_ORIGINS",
        list,
        [],
        "Comma-separated origins (scheme and host) allowed to POST, e.g. `https://compendium.example.org`.",
    ),
    Variable(
        "DATABASE_URL",
        str,
        "",
        "Database URL (dj-database-url syntax). Default: SQLite at `$VAR_DIR/compendium.sqlite3`, "
        "WAL mode. Production: `postgres://user:pass@host:5432/name`.",
    ),
    Variable(
        "DATABASE_CONN_MAX_AGE",
        int,
        60,
        "Seconds a PostgreSQL connection is kept open between requests.",
    ),
    Variable(
        "VAR_DIR",
        str,
        str(PROJECT_ROOT / "var"),
        "Where the SQLite database, uploaded files, generated documents and logs live.",
    ),
    Variable(
        "STATIC_ROOT",
        str,
        "",
        "Where `collectstatic` puts static files. Default `$VAR_DIR/static`.",
    ),
    Variable(
        "SITE_URL",
        str,
        "http://127.0.0.1:8000",
        "The public address, used in e-mails, feeds and citations.",
    ),
    Variable(
        "EMAIL_URL",
        str,
        "",
        "Outgoing mail: `smtp://user:pass@host:587` (STARTTLS) or `smtps://…` (TLS). Default: "
        "e-mails are printed on the console.",
    ),
    Variable(
        "DEFAULT_FROM_EMAIL",
        str,
        "compendium@localhost",
        "Sender address of the platform's e-mails.",
    ),
    Variable(
        "SERVER_EMAIL", str, "compendium@localhost", "Sender address of error reports to admins."
    ),
    Variable(
        "ADMINS", list, [], "Comma-separated e-mail addresses that receive server error reports."
    ),
    Variable(
        "SECURE_SSL_REDIRECT",
        bool,
        True,
        "Production: redirect plain HTTP to HTTPS. Turn off only behind a proxy that already does.",
    ),
    Variable("SECURE_HSTS_SECONDS", int, 31536000, "Production: HSTS max-age in seconds."),
    Variable(
        "SECURE_PROXY_SSL_HEADER",
        bool,
        False,
        "Production: trust the proxy's `X-Forwarded-Proto` header to tell HTTPS requests.",
    ),
    Variable("LOG_LEVEL", str, "INFO", "Level of the application's logs on standard error."),
    Variable(
        "RATELIMIT_SIGNIN_PER_IP",
        str,
        "30/15m",
        "Failed sign-ins allowed from one client IP per period (`count/period`, period `s`, `m`, "
        "`h` or `d` with an optional number, e.g. `30/15m`); then 429 until the period ends.",
    ),
    Variable(
        "RATELIMIT_SIGNIN_PER_ACCOUNT",
        str,
        "10/15m",
        "Failed sign-ins allowed for one user name per period, from anywhere.",
    ),
    Variable(
        "RATELIMIT_SURVEY_LINK_PER_IP",
        str,
        "20/15m",
        "Refused survey links (unknown, expired or used tokens) allowed from one client IP per "
        "period: guessing tokens is stopped.",
    ),
    Variable(
        "RATELIMIT_SURVEY_LINK_PER_TOKEN",
        str,
        "30/1h",
        "Times one personal survey link may be opened per period.",
    ),
    Variable(
        "API_RATE_LIMIT",
        str,
        "600/m",
        "Requests to `/api/v1/` allowed from one client IP per period (counted per server "
        "process); then 429 with `Retry-After`.",
    ),
    Variable(
        "TRUSTED_PROXIES",
        int,
        0,
        "How many proxies in front of the app append to `X-Forwarded-For`; the client IP used by "
        "the rate limits is the one the outermost trusted proxy saw. 0: the connection's address.",
    ),
    Variable(
        "WEB_WORKERS",
        int,
        0,
        "`make serve`: gunicorn worker processes; 0 means 2 × CPU cores + 1.",
    ),
    Variable("WEB_THREADS", int, 4, "`make serve`: threads per gunicorn worker (gthread)."),
    Variable(
        "PG_BIN_DIR",
        str,
        "",
        "Where `compendium backup`/`restore` find `pg_dump` and `pg_restore` (their major version "
        "at least the server's). Default: found on `PATH`.",
    ),
)

_BY_NAME = {v.name: v for v in VARIABLES}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: Any = None) -> Any:
    """The typed value of a declared variable; `default` overrides the declared default."""
    var = _BY_NAME[name]  # KeyError: undeclared variables cannot be read
    fallback = var.default if default is None else default
    raw = os.environ.get(name)
    if raw is None:
        return fallback
    raw = raw.strip()
    if var.kind is bool:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")
    if var.kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if var.kind is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def env_required(name: str) -> Any:
    """A declared variable that must be set explicitly: its demo default does not count."""
    value = env(name) if os.environ.get(name, "").strip() else None
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production.")
    return value
