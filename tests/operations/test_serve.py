"""`make serve` as CI runs it: production settings, a fresh database (SQLite in a temporary
directory, or a PostgreSQL database of its own when DATABASE_URL names a server), gunicorn on a
free port; the public pages, the API and a static file answer, with the security headers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from loadtest.serving import make_serve_running, make_serve_start
from tests.served import ROOT, clean_environment, free_port

HTTPS = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating proxy in front says


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def fetch(url: str, headers: dict[str, str] | None = None) -> Answer:
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            status, raw_headers, body = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        status, raw_headers, body = error.code, error.headers, error.read()
    return Answer(
        status,
        {k.lower(): v for k, v in raw_headers.items()},
        body.decode("utf-8", "replace"),
    )


def own_postgres(suffix: str) -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def production_env(var_dir: Path, database_url: str | None) -> dict[str, str]:
    env = clean_environment(
        SECRET_KEY="serve-test-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        # Behind a proxy that terminates TLS and redirects plain HTTP itself.
        SECURE_SSL_REDIRECT="false",
        SECURE_PROXY_SSL_HEADER="true",
        VAR_DIR=str(var_dir),
        WEB_WORKERS="2",
        WEB_THREADS="2",
        LOG_LEVEL="WARNING",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    var_dir = tmp_path_factory.mktemp("serve")
    database_url = own_postgres("serve")
    env = production_env(var_dir, database_url)
    for command in (["migrate", "--noinput"], ["load_reference"], ["load_sample"]):
        subprocess.run(
            [sys.executable, "-m", "compendium", *command],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "compendium.settings.production"},
            check=True,
            capture_output=True,
        )
    try:
        with make_serve_running(env, var_dir / "serve.log", timeout=180) as base:
            yield base
    finally:
        if database_url:
            from tests.operations.test_backup import postgres_drop

            postgres_drop(database_url)


def test_it_runs_gunicorn_with_production_settings(server):
    answer = fetch(server + "/", HTTPS)
    assert answer.status == 200
    assert answer.headers["server"] == "gunicorn"
    assert "Compendium" in answer.body or "compendium" in answer.body


@pytest.mark.parametrize("path", ["/", "/search/?q=women", "/api/v1/entries"])
def test_public_pages_and_api_answer_with_security_headers(server, path):
    answer = fetch(server + path, HTTPS)
    assert answer.status == 200
    headers = answer.headers
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    if "text/html" in headers["content-type"]:
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-frame-options"] == "DENY"


def test_search_finds_the_sample(server):
    answer = fetch(server + "/api/v1/entries?q=women", HTTPS)
    assert answer.status == 200
    assert '"total"' in answer.body or '"results"' in answer.body


def test_static_files_come_from_whitenoise_with_long_caching(server):
    page = fetch(server + "/", HTTPS).body
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
    assert stylesheet, "the home page links a stylesheet"
    # collectstatic ran: the name carries the content's hash, so it may be cached for ever.
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1))
    answer = fetch(server + stylesheet.group(1), {**HTTPS, "Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/css")
    assert "max-age=315360000" in answer.headers["cache-control"]


def test_no_debug_page_in_production(server):
    answer = fetch(server + "/no-such-page/", HTTPS)
    assert answer.status == 404
    assert "Traceback" not in answer.body
    assert "DEBUG = True" not in answer.body


def test_it_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path, None)
    del env["SECRET_KEY"]
    log = tmp_path / "serve.log"
    process = make_serve_start(free_port(), env, log)
    assert process.wait(timeout=120) != 0
    assert "SECRET_KEY must be set" in log.read_text()
