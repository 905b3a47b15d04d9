"""Survey drafts saved by many focal points at once, over HTTP, through the real draft-save path.

    python bench/survey_saves.py OUT.json            # the database DATABASE_URL names decides:
    DATABASE_URL=postgres://postgres@127.0.0.1:54330/x python bench/survey_saves.py OUT.json

SQLite (DATABASE_URL unset or sqlite://…): a throwaway file in a temporary directory (WAL, the
project's settings), 50 focal points. PostgreSQL (postgres://…): a database of our own,
`compendium_bench_survey_saves`, created on that server and dropped afterwards, 200 focal points.

Each focal point is a client with its own personal link and session: it opens its link, loads the
"Contact details" page (CSRF token and the draft's version), waits until every client is ready,
then saves SAVES drafts in a row through the automatic-save endpoint the page's htmx calls
(`/survey/section/respondent/autosave/`), each one carrying the version the last save returned,
as the browser does. The server is gunicorn with production settings (gthread workers).

Reported: p50/p95/max save latency, saves per second, and two checks that must be zero: lost
writes (every acknowledged save is in the database afterwards: each response holds its client's
last value and has one change record per acknowledged save) and "database is locked" errors
(HTTP 500s and the server's log)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_load  # noqa: E402
from datasets import django_env  # noqa: E402

SAVES = 5
ROUND = "bench-saves"
PG_DATABASE = "compendium_bench_survey_saves"
VERSION = re.compile(r'name="version" id="version" value="(\d+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- the server side: set-up and checks run in a subprocess with the server's settings ---------


SETUP = f"""
import json, sys
from datetime import date
import django
django.setup()
from django.core.management import call_command
from compendium.catalog.models import Economy, Organization
from compendium.surveys.services import questionnaire_load, round_open, round_invite
call_command("migrate", interactive=False, verbosity=0)
call_command("load_reference", verbosity=0)
n = int(sys.argv[1])
questionnaire, _ = questionnaire_load()
survey_round = round_open(actor=None, actor_label="bench", title="Bench", slug="{ROUND}",
                          deadline=date(2099, 12, 31), questionnaire=questionnaire)
economies = list(Economy.objects.order_by("code")[:n])
organizations = list(Organization.objects.order_by("slug")[: max(0, n - len(economies))])
outcome = round_invite(actor=None, actor_label="bench", survey_round=survey_round,
                       economies=economies, organizations=organizations, send=False)
print(json.dumps([link.link for link in outcome.links]))
"""

CHECK = f"""
import json
import django
django.setup()
from compendium.surveys.models import Response, ResponseChange
rows = {{}}
for response in Response.objects.filter(round__slug="{ROUND}"):
    changes = ResponseChange.objects.filter(response=response, action="answers.save").count()
    rows[str(response.pk)] = [response.answers.get("contact_name", ""), changes]
print(json.dumps(rows))
"""


def run_python(code: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout.strip().splitlines()[-1]


def server_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = django_env(database_url)
    env.update(VAR_DIR=str(var_dir), STATIC_ROOT=str(var_dir / "static"))
    return env


# --- the clients ---------------------------------------------------------------------------------


@dataclass
class FocalPoint:
    number: int
    link: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    version: int = 0
    acknowledged: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Session:
    """One keep-alive connection with its own cookies (the production cookies are Secure, which
    a plain-HTTP test client sends anyway)."""

    def __init__(self, port: int, client: FocalPoint) -> None:
        self.port = port
        self.client = client
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: str = "") -> tuple[int, str, dict]:
        headers = {"Host": "127.0.0.1", "Accept-Encoding": "identity"}
        if self.client.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.client.cookies.items())
        if method == "POST":
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "HX-Request": "true",
                    "X-CSRFToken": self.client.csrf,
                }
            )
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body or None, headers=headers)
                answer = self.connection.getresponse()
                text = answer.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.client.cookies[key.strip()] = rest.split(";")[0]
        return answer.status, text, dict(answer.getheaders())


def prepare(port: int, client: FocalPoint) -> Session:
    session = Session(port, client)
    path = urlsplit(client.link).path
    status, _text, _headers = session.request("GET", path)
    if status not in (301, 302):
        raise RuntimeError(f"opening the link answered {status}")
    status, text, _headers = session.request("GET", "/survey/section/respondent/")
    version, token = VERSION.search(text), CSRF_INPUT.search(text)
    if status != 200 or not version or not token:
        raise RuntimeError(f"the section page answered {status}")
    client.version, client.csrf = int(version.group(1)), token.group(1)
    return session


def save_drafts(session: Session, client: FocalPoint, start: threading.Barrier) -> None:
    start.wait()
    for save in range(SAVES):
        value = f"Focal point {client.number} save {save}"
        body = urlencode(
            {
                "csrfmiddlewaretoken": client.csrf,
                "version": client.version,
                "contact_name": value,
                "contact_institution": f"Ministry {client.number}",
            }
        )
        started = time.perf_counter()
        try:
            status, text, _headers = session.request(
                "POST", "/survey/section/respondent/autosave/", body
            )
        except (OSError, http.client.HTTPException) as error:
            client.errors.append(f"connection: {error}")
            continue
        client.latencies.append((time.perf_counter() - started) * 1000)
        version = VERSION.search(text)
        if status != 200 or version is None:
            client.errors.append(f"{status}: {re.sub(r'<[^>]+>', '', text)[:200]}")
            continue
        client.version = int(version.group(1))
        client.acknowledged.append(value)


# --- one run -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    database: str
    clients: int
    saves: int
    seconds: float
    latencies: list[float]
    errors: list[str]
    locked: int
    lost: list[str]

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0


def run(database: str, database_url: str, clients: int, var_dir: Path) -> Outcome:
    env = server_env(database_url, var_dir)
    print(f"  {database}: migrating, loading the reference data, inviting {clients}", flush=True)
    links = json.loads(run_python(SETUP, env, str(clients)))[:clients]
    subprocess.run(
        [sys.executable, "-m", "compendium", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    focal_points = [FocalPoint(number=i, link=link) for i, link in enumerate(links)]
    log = var_dir / "gunicorn.log"
    threads = 8 if database == "SQLite" else 16
    with http_load.gunicorn(
        env, 2, threads, log=log, options=("--backlog=2048", "--timeout=120")
    ) as port:
        sessions = [prepare(port, client) for client in focal_points]
        start = threading.Barrier(len(focal_points) + 1)
        workers = [
            threading.Thread(target=save_drafts, args=(session, client, start))
            for session, client in zip(sessions, focal_points, strict=True)
        ]
        for worker in workers:
            worker.start()
        start.wait()
        started = time.perf_counter()
        for worker in workers:
            worker.join()
        seconds = time.perf_counter() - started
    server_log = log.read_text(errors="replace")
    errors = [e for c in focal_points for e in c.errors]
    locked = server_log.count("database is locked") + sum("database is locked" in e for e in errors)
    stored = json.loads(run_python(CHECK, env))
    return Outcome(
        database=database,
        clients=clients,
        saves=sum(len(c.acknowledged) for c in focal_points),
        seconds=seconds,
        latencies=[t for c in focal_points for t in c.latencies],
        errors=errors,
        locked=locked,
        lost=lost_writes(focal_points, stored),
    )


def lost_writes(focal_points: list[FocalPoint], stored: dict[str, list]) -> list[str]:
    """Every client's last acknowledged value is what its response holds, and each response has
    one change record per acknowledged save."""
    by_value = dict(stored.values())
    lost = []
    for client in focal_points:
        if not client.acknowledged:
            continue
        last = client.acknowledged[-1]
        if last not in by_value:
            lost.append(f"focal point {client.number}: {last!r} is not in the database")
        elif by_value[last] != len(client.acknowledged):
            lost.append(
                f"focal point {client.number}: {len(client.acknowledged)} saves acknowledged, "
                f"{by_value[last]} recorded"
            )
    return lost


# --- databases -----------------------------------------------------------------------------------


def postgres_admin_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres"))


def postgres_sql(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


def run_postgres(database_url: str, clients: int, var_dir: Path) -> Outcome:
    admin = postgres_admin_url(database_url)
    own = urlunsplit(urlsplit(database_url)._replace(path=f"/{PG_DATABASE}"))
    postgres_sql(admin, f"DROP DATABASE IF EXISTS {PG_DATABASE}")
    postgres_sql(admin, f"CREATE DATABASE {PG_DATABASE}")
    try:
        return run("PostgreSQL", own, clients, var_dir)
    finally:
        with contextlib.suppress(Exception):
            postgres_sql(admin, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def lines_of(outcome: Outcome) -> list[dict]:
    label = f"survey saves, {outcome.clients} focal points at once, {outcome.database}"
    p95 = outcome.percentile(0.95)
    return [
        {
            "label": f"{label}: p95 save",
            "value": round(p95, 1),
            "unit": "ms",
            "budget": None,  # DESIGN §6 sets none: no lost write and no lock error
            "pass": None,
        },
        {
            "label": f"{label}: p50 save",
            "value": round(outcome.percentile(0.5), 1),
            "unit": "ms",
            "budget": None,
            "pass": None,
        },
        {
            "label": f"{label}: saves acknowledged",
            "value": outcome.saves,
            "unit": "saves",
            "budget": float(outcome.clients * SAVES),
            "pass": outcome.saves == outcome.clients * SAVES,
        },
        {
            "label": f"{label}: lost writes",
            "value": len(outcome.lost),
            "unit": "writes",
            "budget": 0.0,
            "pass": not outcome.lost,
        },
        {
            "label": f'{label}: "database is locked" errors',
            "value": outcome.locked,
            "unit": "errors",
            "budget": 0.0,
            "pass": outcome.locked == 0,
        },
        {
            "label": f"{label}: other errors",
            "value": len(outcome.errors),
            "unit": "errors",
            "budget": 0.0,
            "pass": not outcome.errors,
        },
    ]


def report(outcome: Outcome) -> None:
    print(
        f"  {outcome.database}: {outcome.clients} focal points × {SAVES} saves in "
        f"{outcome.seconds:.1f} s ({outcome.saves / max(outcome.seconds, 1e-9):.0f} saves/s); "
        f"p50 {outcome.percentile(0.5):.0f} ms, p95 {outcome.percentile(0.95):.0f} ms, "
        f"max {max(outcome.latencies, default=0):.0f} ms; lost writes {len(outcome.lost)}, "
        f'"database is locked" {outcome.locked}, other errors {len(outcome.errors)}'
    )
    for problem in (outcome.lost + outcome.errors)[:10]:
        print(f"    {problem}")


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    database_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="survey-saves-") as tmp:
        var_dir = Path(tmp)
        if database_url.startswith(("postgres://", "postgresql://")):
            clients = int(os.environ.get("SURVEY_SAVES_CLIENTS", "200"))
            outcome = run_postgres(database_url, clients, var_dir)
        else:
            clients = int(os.environ.get("SURVEY_SAVES_CLIENTS", "50"))
            outcome = run("SQLite", f"sqlite:///{var_dir / 'saves.sqlite3'}", clients, var_dir)
    report(outcome)
    out.write_text(json.dumps({"lines": lines_of(outcome)}, indent=2))


if __name__ == "__main__":
    main()
