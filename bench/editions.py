"""The official document of an edition of 3,000 synthetic entries: DOCX and PDF build time and
peak memory (budget in DESIGN.md §6: DOCX ≤ 15 s, PDF ≤ 60 s).

    python bench/editions.py OUT.json [--database sqlite|postgres] [--entries 3000]

Sets up its own throwaway database: a temporary SQLite file, or (with --database postgres) a
database `compendium_bench_editions` created and dropped on the server named by
BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:54330/postgres). Each format is built in
its own process so its peak memory (maximum resident set size) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datasets import django_env

BUDGETS = {"docx": 15.0, "pdf": 60.0}
PG_DEFAULT = "postgres://postgres@127.0.0.1:54330/postgres"
PG_NAME = "compendium_bench_editions"
SYMBOLS = "INF/TGE/W/999 – INF/MSME/W/999"


def _compendium() -> str:
    return str(Path(sys.executable).with_name("compendium"))


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return done.stdout


def _postgres_database(server: str, *, create: bool) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        if create:
            connection.execute(f'CREATE DATABASE "{PG_NAME}"')
    return server.rsplit("/", 1)[0] + f"/{PG_NAME}"


# --- the steps run in child processes -------------------------------------------------------------


def _django() -> None:
    import django

    django.setup()


def child_prepare() -> None:
    """Freeze an edition of every published (synthetic) entry; print the time it took."""
    _django()
    from datetime import date

    from compendium.publishing import services

    started = time.perf_counter()
    edition = services.edition_create(
        actor=None,
        actor_label="bench",
        symbols=SYMBOLS,
        title="Empowering Women to Trade through Digitalisation: Policy Insights (synthetic)",
        kind="draft",
        on=date(2026, 5, 4),
    )
    edition = services.edition_freeze(edition=edition, actor=None, actor_label="bench")
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "entries": edition.entries.count()}))


def child_build(fmt: str) -> None:
    """Build one format; print the time, the peak memory of this process and the file's size."""
    _django()
    from compendium.publishing import services
    from compendium.publishing.models import Edition

    edition = Edition.objects.get(symbols=SYMBOLS)
    started = time.perf_counter()
    [file] = services.edition_build(edition=edition, actor=None, actor_label="bench", formats=[fmt])
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "bytes": file.size}))


# --- the benchmark -------------------------------------------------------------------------------


def measure(database: str, entries: int) -> list[dict]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-editions-"))
    server = os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT)
    if database == "postgres":
        url = _postgres_database(server, create=True)
    else:
        url = f"sqlite:///{workdir / 'editions.sqlite3'}"
    env = django_env(url) | {"VAR_DIR": str(workdir)}
    try:
        print(f"{database}: setting up {entries} synthetic entries …", flush=True)
        _run(env, _compendium(), "migrate", "-v0")
        _run(env, _compendium(), "load_reference")
        _run(env, _compendium(), "generate_synthetic", str(entries))
        prepared = json.loads(_run(env, __file__, "--child", "prepare").strip().splitlines()[-1])
        print(f"  froze {prepared['entries']} entries in {prepared['seconds']:.1f} s", flush=True)
        lines = [
            {
                "label": f"edition freeze, {prepared['entries']} entries ({database})",
                "value": round(prepared["seconds"], 2),
                "unit": "s",
                "budget": None,
                "pass": None,
            }
        ]
        for fmt, budget in BUDGETS.items():
            result = json.loads(_run(env, __file__, "--child", fmt).strip().splitlines()[-1])
            print(
                f"  {fmt.upper()}: {result['seconds']:.1f} s (budget {budget:.0f} s), peak "
                f"{result['peak_mb']:.0f} MB, {result['bytes'] / 1e6:.1f} MB file",
                flush=True,
            )
            label = f"edition {fmt.upper()}, {entries} entries ({database})"
            lines += [
                {
                    "label": f"{label}: time",
                    "value": round(result["seconds"], 2),
                    "unit": "s",
                    "budget": budget,
                    "pass": result["seconds"] <= budget,
                },
                {
                    "label": f"{label}: peak memory",
                    "value": round(result["peak_mb"], 1),
                    "unit": "MB",
                    "budget": None,
                    "pass": None,
                },
            ]
        return lines
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if database == "postgres":
            _postgres_database(server, create=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--entries", type=int, default=3000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child == "prepare":
        child_prepare()
        return
    if options.child:
        child_build(options.child)
        return
    if options.out is None:
        parser.error("give OUT.json")
    lines = measure(options.database, options.entries)
    options.out.write_text(json.dumps({"lines": lines}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
