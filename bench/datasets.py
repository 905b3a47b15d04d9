"""The benchmark's databases, built once through the real commands (migrate, load_reference,
generate_synthetic or load_sample) and kept under var/bench/ between runs.

A data set is reused while its fingerprint (the generator, the reference data and the search
index's document code) is unchanged; `migrate` still runs on it each time, so a new migration is
applied rather than forcing a rebuild."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from postgres import Server

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
SRC = ROOT / "src" / "compendium"
SEED = 1
# What the stored rows depend on. Schema changes come as migrations, applied to a kept data set.
FINGERPRINTED = [
    SRC / "catalog" / "synthetic.py",
    SRC / "search" / "documents.py",
    *sorted((SRC / "catalog" / "data").glob("*")),
]

Log = Callable[[str], None]


def fingerprint(kind: str) -> str:
    digest = hashlib.sha256(f"{kind}:{SEED}".encode())
    for path in FINGERPRINTED:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def django_env(database_url: str) -> dict[str, str]:
    """Production settings, as a deployment runs them (DEBUG off), on the given database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="compendium.settings.production",
        SECRET_KEY="benchmark-only-not-a-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DEBUG="false",
        DATABASE_URL=database_url,
        VAR_DIR=str(BENCH_DIR / "var"),
        STATIC_ROOT=str(BENCH_DIR / "static"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(database_url: str, *args: str, log: Log | None = None) -> str:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "compendium", *args],
        env=django_env(database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"compendium {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    if log:
        last = (done.stdout.strip().splitlines() or [""])[-1]
        log(f"    compendium {' '.join(args)}: {time.monotonic() - started:.0f} s  {last}")
    return done.stdout


def _fill(database_url: str, entries: int | None, log: Log) -> None:
    manage(database_url, "migrate", "--noinput", log=log)
    manage(database_url, "load_reference", log=log)
    if entries is None:
        manage(database_url, "load_sample", log=log)
    else:
        manage(database_url, "generate_synthetic", str(entries), "--seed", str(SEED), log=log)


def sqlite_dataset(name: str, entries: int | None, log: Log) -> str:
    """A SQLite file under var/bench/ with `entries` synthetic entries (None: the demo sample)."""
    path = BENCH_DIR / f"{name}.sqlite3"
    stamp = path.with_suffix(".fingerprint")
    url = f"sqlite:///{path}"
    wanted = fingerprint(name)
    if path.exists() and stamp.exists() and stamp.read_text() == wanted:
        manage(url, "migrate", "--noinput")
        log(f"  {name}: reusing {path.relative_to(ROOT)}")
        return url
    log(f"  {name}: building {path.relative_to(ROOT)} (once; kept for later runs)")
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), stamp):
        leftover.unlink(missing_ok=True)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    _fill(url, entries, log)
    stamp.write_text(wanted)
    return url


def postgres_dataset(server: Server, name: str, entries: int | None, log: Log) -> str:
    """A database `compendium_bench_<name>` on the server: kept as is if its comment holds the
    right fingerprint, else restored from var/bench/<name>.dump, else built (and dumped)."""
    database = "compendium_bench_" + name.replace("-", "_")
    url = server.database_url(database)
    wanted = fingerprint(name)
    comment = server.sql(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
        f"WHERE datname = '{database}'"
    )
    if comment == wanted:
        manage(url, "migrate", "--noinput")
        log(f"  {name}: reusing database {database}")
        return url
    server.sql(f"DROP DATABASE IF EXISTS {database}")
    server.sql(f"CREATE DATABASE {database}")
    dump = BENCH_DIR / f"{name}.dump"
    stamp = dump.with_suffix(".fingerprint")
    pg_dump, pg_restore = server.tool("pg_dump"), server.tool("pg_restore")
    if dump.exists() and stamp.exists() and stamp.read_text() == wanted and pg_restore:
        started = time.monotonic()
        subprocess.run(
            [pg_restore, "--no-owner", "-j", "2", "-d", url, str(dump)],
            check=True,
            capture_output=True,
        )
        manage(url, "migrate", "--noinput")
        log(f"  {name}: restored {dump.relative_to(ROOT)} in {time.monotonic() - started:.0f} s")
    else:
        log(f"  {name}: building database {database} (once; dumped for later runs)")
        _fill(url, entries, log)
        if pg_dump:
            BENCH_DIR.mkdir(parents=True, exist_ok=True)
            subprocess.run([pg_dump, "-Fc", "-f", str(dump), url], check=True)
            stamp.write_text(wanted)
    # Index-only scans need the visibility map that VACUUM writes; ANALYZE the planner's figures.
    server.sql("VACUUM ANALYZE", database)
    server.sql(f"COMMENT ON DATABASE {database} IS '{wanted}'")
    return url
