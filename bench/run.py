"""`make bench`: the performance budget of DESIGN.md §6, measured and reported as figures.

1. Faceted full-text search in-process at 5,000 and 100,000 synthetic entries, on SQLite and on
   PostgreSQL (data sets built once, kept under var/bench/).
2. The public search page over HTTP under gunicorn with the demo data, 8 concurrent clients.
3. The search page's weight: HTML, CSS and JS, gzipped.
4. The other workloads: survey drafts saved at once, a partner import, the official document.

The report is printed and written to var/bench/report.txt (and the figures to results.json).
Usage: python bench/run.py [--sizes 5000,100000] [--skip-search] [--skip-http] [--skip-workloads]
       [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_load
import postgres
from datasets import BENCH_DIR, ROOT, django_env, postgres_dataset, sqlite_dataset

SMALL = 5_000
BUDGET_SMALL_MS = 15
BUDGET_SELECTIVE_MS = 50
BUDGET_BROAD_MS = 300
BUDGET_RPS = 200
BUDGET_HTTP_P95_MS = 50
BUDGET_WEIGHT_BYTES = 100 * 1024
# gunicorn layouts tried briefly before the measured run: (workers, threads per worker).
LAYOUTS = [(2 * http_load.cores() + 1, 1), (http_load.cores() + 1, 2), (http_load.cores(), 4)]

lines: list[str] = []


def say(text: str = "") -> None:
    print(text, flush=True)
    lines.append(text)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def machine() -> str:
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores ({cpu or platform.processor()}), Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def search_bench(label: str, database_url: str, budget_for) -> dict:
    say(f"  {label}")
    say(f"    {'query':<44} {'p50':>7} {'p95':>7} {'max':>7}")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("search.py")), out.name],
            env=django_env(database_url),
            check=True,
        )
        result = json.loads(Path(out.name).read_text())
    for line in result["lines"]:
        figures = (
            f"    {line['label']:<44} {line['p50']:7.1f} {line['p95']:7.1f} {line['max']:7.1f} ms"
        )
        if line["kind"] == "rebuild":
            # Not a search the budget speaks of: the cost a write passes on to the next search.
            line["budget"], line["ok"] = None, None
            say(f"{figures}  (bitmaps rebuilt first; no budget line)")
            continue
        budget = budget_for(line["kind"])
        line["budget"] = budget
        line["ok"] = line["p95"] <= budget
        say(
            f"{figures}  p95 ≤ {budget} ms {verdict(line['ok'])}  ({line['matches']:,} matches,"
            f" {line['runs']} runs)"
        )
    return {"label": label, **result}


def search_section(sizes: list[int], build_only: bool = False) -> list[dict]:
    say("1. Faceted full-text search in-process: one search_entries() call = query + every facet")
    say("   count + first page of 20 with highlights (times in ms)")
    results = []

    def budget(size: int):
        if size <= SMALL:
            return lambda kind: BUDGET_SMALL_MS
        return lambda kind: BUDGET_SELECTIVE_MS if kind == "selective" else BUDGET_BROAD_MS

    say("  building or reusing the data sets (SQLite and PostgreSQL side by side):")
    with postgres.server(say) as server, ThreadPoolExecutor(2) as pool:
        sqlite_job = pool.submit(lambda: {n: sqlite_dataset(f"sqlite-{n}", n, say) for n in sizes})
        postgres_job = pool.submit(
            lambda: (
                {n: postgres_dataset(server, f"postgres-{n}", n, say) for n in sizes}
                if server
                else {}
            )
        )
        sqlite_urls, postgres_urls = sqlite_job.result(), postgres_job.result()
        if build_only:
            return []
        for n in sizes:
            results.append(
                search_bench(f"SQLite, {n:,} synthetic entries", sqlite_urls[n], budget(n))
            )
            if n in postgres_urls:
                version = server.version.split()[0]
                results.append(
                    search_bench(
                        f"PostgreSQL {version}, {n:,} synthetic entries",
                        postgres_urls[n],
                        budget(n),
                    )
                )
    return results


def http_section(seconds: float) -> dict:
    say()
    say("2. Search page over HTTP: gunicorn, production settings, demo data (60 entries),")
    say(f"   {http_load.CLIENTS} concurrent keep-alive clients")
    url = sqlite_dataset("http-demo", None, say)
    http_load.collectstatic(url)
    trials = []
    for workers, threads in LAYOUTS:
        with http_load.gunicorn(django_env(url), workers, threads) as port:
            urls = http_load.search_urls(port)
            trial = http_load.load(port, urls, 5, f"{workers} workers × {threads} threads")
        say(f"    trial {trial.label}: {trial.per_second:.0f} requests/s, p95 {trial.p95:.1f} ms")
        trials.append(((workers, threads), trial))
    (workers, threads), _best = max(trials, key=lambda t: t[1].per_second)
    layout = f"{workers} workers × {threads} threads"
    with http_load.gunicorn(django_env(url), workers, threads) as port:
        urls = http_load.search_urls(port)
        result = http_load.load(port, urls, seconds, f"{layout}, as deployed")
        rendered = http_load.load(
            port, urls, seconds, f"{layout}, every URL new (no page cache)", unique=True
        )
        weight = http_load.page_weight(port, urls[0])
    say(f"  URLs (round robin): {', '.join(urls)}")
    say("  The search page is cached whole for anonymous visitors until the catalog changes; the")
    say("  second run makes every URL new, so every request renders the page and searches.")
    oks = []
    for run in (result, rendered):
        ok = run.per_second >= BUDGET_RPS and run.p95 <= BUDGET_HTTP_P95_MS and not run.errors
        oks.append(ok)
        say(
            f"  {run.label}, {run.seconds:.0f} s: {run.per_second:.0f} requests/s, "
            f"p50 {run.p50:.1f} ms, p95 {run.p95:.1f} ms, max {run.max:.1f} ms, "
            f"{run.errors} errors ({run.requests} requests)"
        )
        say(
            f"    budget ≥ {BUDGET_RPS} requests/s with p95 ≤ {BUDGET_HTTP_P95_MS} ms, no errors: "
            f"{verdict(ok)}"
        )
    ok = oks[0]
    say()
    say(f"3. Page weight of {urls[0]} (each file gzipped, level 6)")
    for path, size, packed in weight.files:
        say(f"    {path:<60} {size:>8,} B → {packed:>7,} B")
    weight_ok = weight.total <= BUDGET_WEIGHT_BYTES
    say(f"  total {weight.total / 1024:.1f} KB; budget ≤ 100 KB: {verdict(weight_ok)}")
    return {
        "layout": layout,
        "requests_per_second": result.per_second,
        "p50": result.p50,
        "p95": result.p95,
        "max": result.max,
        "errors": result.errors,
        "ok": ok,
        "uncached": {
            "requests_per_second": rendered.per_second,
            "p50": rendered.p50,
            "p95": rendered.p95,
            "max": rendered.max,
            "errors": rendered.errors,
            "ok": oks[1],
        },
        "page": urls[0],
        "weight_bytes": weight.total,
        "weight_ok": weight_ok,
    }


# Workloads measured by scripts of their own (each writes {"lines": [...]} to the file it is
# given): (title, script, databases it runs on).
BOTH = ("sqlite", "postgresql")
WORKLOADS = [
    ("Survey: focal points saving drafts at once", "survey_saves.py", BOTH),
    ("Imports: a 10,000-row partner workbook with de-duplication", "imports.py", BOTH),
    ("Editions: the official document of 3,000 entries", "editions.py", ("sqlite",)),
]


def _workload(script: Path, database_url: str) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    if database_url:
        env["DATABASE_URL"] = database_url
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        finished = subprocess.run(
            [sys.executable, str(script), out.name], env=env, capture_output=True, text=True
        )
        if finished.returncode != 0:
            say(f"      failed (exit {finished.returncode}): {finished.stderr.strip()[-400:]}")
            return [{"label": script.name, "value": 0, "unit": "", "budget": None, "pass": False}]
        return json.loads(Path(out.name).read_text())["lines"]


def workload_section(number: int) -> list[dict]:
    say()
    say(f"{number}. Other workloads of the budget (DESIGN.md §6)")
    results = []
    with postgres.server(say) as server:
        for title, name, databases in WORKLOADS:
            script = Path(__file__).with_name(name)
            if not script.exists():
                continue
            say(f"  {title}")
            for database in databases:
                if database == "postgresql" and not server:
                    continue
                url = server.database_url("postgres") if database == "postgresql" else ""
                say(f"    on {'PostgreSQL' if url else 'SQLite'}:")
                for line in _workload(script, url):
                    budget = "" if line.get("budget") is None else f" (budget {line['budget']:g})"
                    mark = {True: "PASS", False: "FAIL"}.get(line.get("pass"), "")
                    say(
                        f"      {line['label']:<52} {line['value']:>10,.1f} {line['unit']:<4}"
                        f"{budget} {mark}"
                    )
                    results.append({"workload": title, "database": database, **line})
    return results


def main() -> None:
    # Stopped from outside (Ctrl+C or a timeout): unwind, so the throwaway cluster is shut down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=f"{SMALL},100000")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--skip-workloads", action="store_true")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--build-only", action="store_true", help="only build the data sets")
    args = parser.parse_args()
    started = time.monotonic()
    say(f"Compendium benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    say(f"Machine: {machine()}")
    # The machine may be shared: other work running at the same time inflates every figure.
    say(f"Load average at start (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    say()
    sizes = [int(n) for n in args.sizes.split(",")]
    search = [] if args.skip_search else search_section(sizes, args.build_only)
    if args.build_only:
        return
    web = None if args.skip_http else http_section(args.seconds)
    workloads = [] if args.skip_workloads else workload_section(4)
    checks = [line["ok"] for result in search for line in result["lines"] if line["ok"] is not None]
    if web:
        checks += [web["ok"], web["uncached"]["ok"], web["weight_ok"]]
    checks += [line["pass"] for line in workloads if line.get("pass") is not None]
    say()
    say(f"Load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    say(
        f"{sum(checks)} of {len(checks)} budget lines pass; "
        f"benchmark took {time.monotonic() - started:.0f} s."
    )
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (BENCH_DIR / "results.json").write_text(
        json.dumps(
            {"machine": machine(), "search": search, "http": web, "workloads": workloads},
            indent=1,
        )
    )
    print(f"Report written to {(BENCH_DIR / 'report.txt').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
