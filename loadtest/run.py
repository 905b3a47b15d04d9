"""`make load`: the load test, end to end, on PostgreSQL.

    DATABASE_URL=postgres://user@host:5432/any python loadtest/run.py [OUT.json]

On the server DATABASE_URL names, a database of our own (`compendium_load`) is created, migrated
and seeded (reference data, the 60 sample entries, a survey round with 50 personal links, made
through the platform's commands and services); `make serve` starts on a free port with production
settings; locust runs headless for LOAD_SECONDS (60) with 100 public visitors and 50 focal points
saving drafts (loadtest/locustfile.py); the server is stopped, and the figures are printed:
requests/s, p50/p95 and failures per kind of request, then lost writes (every save the server
acknowledged must be in the database, with one change record per save). The database is dropped.
With OUT.json, the figures are also written in the benchmarks' {"lines": [...]} shape."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from serving import make_serve_running

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORK = ROOT / "var" / "load"
DATABASE = "compendium_load"
FOCAL_POINTS = 50
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
ROUND = "load-test"
TARGET_P95_MS = 300

SETUP = f"""
import json, sys
from datetime import date
import django
django.setup()
from django.core.management import call_command
from compendium.catalog.models import Economy, Entry, Organization
from compendium.surveys.services import questionnaire_load, round_open, round_invite
call_command("migrate", interactive=False, verbosity=0)
call_command("load_reference", verbosity=0)
call_command("load_sample", verbosity=0)
questionnaire, _ = questionnaire_load()
survey_round = round_open(actor=None, actor_label="load test", title="Load test", slug="{ROUND}",
                          deadline=date(2099, 12, 31), questionnaire=questionnaire)
n = int(sys.argv[1])
economies = list(Economy.objects.order_by("code")[:n])
outcome = round_invite(actor=None, actor_label="load test", survey_round=survey_round,
                       economies=economies, organizations=[], send=False)
published = Entry.objects.filter(workflow="published")
codes = sorted({{c for c in published.values_list("economies__code", flat=True) if c}})
print(json.dumps({{
    "links": [link.link for link in outcome.links],
    "slugs": sorted(published.values_list("slug", flat=True)),
    "economies": codes,
}}))
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


def log(message: str) -> None:
    print(message, flush=True)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "make load runs against PostgreSQL: set DATABASE_URL to a server it may create a "
            "database on, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make load"
        )
    return url


@contextlib.contextmanager
def own_database(url: str) -> Iterator[str]:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    try:
        yield urlunsplit(parts._replace(path=f"/{DATABASE}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def server_env(url: str) -> dict[str, str]:
    dropped = ("DJANGO_", "RATELIMIT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(
        DJANGO_SETTINGS_MODULE="compendium.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=url,
        VAR_DIR=str(WORK / "var"),
        LOG_LEVEL="WARNING",
        # Every visitor comes from 127.0.0.1 here: the per-address API limit would stop them.
        API_RATE_LIMIT="1000000/m",
        WEB_WORKERS=os.environ.get("WEB_WORKERS", "3"),
        WEB_THREADS=os.environ.get("WEB_THREADS", "8"),
        PYTHONUNBUFFERED="1",
    )
    return env


def python(code: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    return done.stdout.strip().splitlines()[-1]


def warm_up(base: str, seed: dict) -> None:
    """A freshly started server builds its caches (search bitmaps, templates) on the first
    requests of each worker; a real deployment has long passed that point."""
    paths = ["/", "/search/", "/search/?q=women", "/api/v1/entries", "/economies/KEN/"]
    paths += [f"/entries/{slug}/" for slug in seed["slugs"][:10]]
    for _ in range(6):
        for path in paths:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + path, timeout=30).close()


def locust(base: str, seed: Path, saves: Path, prefix: Path) -> None:
    env = dict(os.environ, LOAD_SEED=str(seed), LOAD_SAVES=str(saves))
    subprocess.run(
        [
            str(BIN / "locust"),
            "--locustfile",
            str(ROOT / "loadtest" / "locustfile.py"),
            "--headless",
            "--users",
            "150",
            "--spawn-rate",
            "15",
            "--run-time",
            f"{SECONDS}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        env=env,
        check=False,  # locust exits 1 when any request failed; the report says which
    )


def lost_writes(acknowledged: dict[str, list[str]], stored: dict[str, list]) -> list[str]:
    by_value = dict(stored.values())
    lost = []
    for number, values in sorted(acknowledged.items(), key=lambda item: int(item[0])):
        if not values:
            continue
        if values[-1] not in by_value:
            lost.append(f"focal point {number}: {values[-1]!r} is not in the database")
        elif by_value[values[-1]] != len(values):
            lost.append(
                f"focal point {number}: {len(values)} saves acknowledged, "
                f"{by_value[values[-1]]} recorded"
            )
    return lost


def report(prefix: Path, lost: list[str], server_errors: int) -> tuple[str, list[dict]]:
    with open(f"{prefix}_stats.csv", newline="") as stream:
        rows = list(csv.DictReader(stream))
    lines = [
        f"Load test: {SECONDS} s, 100 public visitors + {FOCAL_POINTS} focal points saving "
        f"drafts, make serve on PostgreSQL, {os.cpu_count()} cores",
        "",
        f"{'kind':<22}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'failures':>10}",
    ]
    figures = []
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else row["Name"]
        p50, p95 = float(row["50%"] or 0), float(row["95%"] or 0)
        lines.append(
            f"{name:<22}{row['Request Count']:>10}{float(row['Requests/s']):>9.1f}"
            f"{p50:>9.0f}{p95:>9.0f}{row['Failure Count']:>10}"
        )
        figures.append((name, row, p50, p95))
    total = next(row for name, row, _, _ in figures if name == "all")
    p95_all = float(total["95%"] or 0)
    failures = int(total["Failure Count"])
    lines += [
        "",
        f"failures: {failures} · server errors logged: {server_errors} · lost writes: {len(lost)}",
        *[f"  lost: {entry}" for entry in lost[:20]],
        f"target (0 errors, 0 lost writes, p95 ≤ {TARGET_P95_MS} ms): "
        + ("met" if not failures and not lost and p95_all <= TARGET_P95_MS else "NOT met"),
    ]
    json_lines = [
        {
            "label": f"load: {name} p95",
            "value": p95,
            "unit": "ms",
            "budget": float(TARGET_P95_MS) if name == "all" else None,
            "pass": p95 <= TARGET_P95_MS if name == "all" else None,
        }
        for name, _row, _p50, p95 in figures
    ] + [
        {
            "label": "load: requests/s",
            "value": float(total["Requests/s"]),
            "unit": "req/s",
            "budget": None,
            "pass": None,
        },
        {
            "label": "load: failures",
            "value": float(failures),
            "unit": "requests",
            "budget": 0.0,
            "pass": failures == 0,
        },
        {
            "label": "load: lost writes",
            "value": float(len(lost)),
            "unit": "writes",
            "budget": 0.0,
            "pass": not lost,
        },
    ]
    return "\n".join(lines), json_lines


def main() -> None:
    url = database_url()
    WORK.mkdir(parents=True, exist_ok=True)
    seed, saves, prefix = WORK / "seed.json", WORK / "saves.json", WORK / "locust"
    server_log = WORK / "server.log"
    with own_database(url) as own:
        env = server_env(own)
        log(f"Seeding {DATABASE}: reference data, sample, {FOCAL_POINTS} survey links …")
        seed.write_text(python(SETUP, env, str(FOCAL_POINTS)))
        log("Starting make serve …")
        with make_serve_running(env, server_log) as base:
            warm_up(base, json.loads(seed.read_text()))
            log(f"Running locust against {base} for {SECONDS} s …")
            locust(base, seed, saves, prefix)
        stored = json.loads(python(CHECK, env))
    acknowledged = json.loads(saves.read_text())
    lost = lost_writes(acknowledged, stored)
    server_text = server_log.read_text(errors="replace")
    server_errors = server_text.count("Traceback") + server_text.count(" ERROR ")
    text, json_lines = report(prefix, lost, server_errors)
    print("\n" + text)
    (WORK / "report.txt").write_text(text + "\n")
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(json.dumps({"lines": json_lines}, indent=2))


if __name__ == "__main__":
    main()
