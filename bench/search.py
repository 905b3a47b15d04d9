"""In-process faceted full-text search: one `search_entries()` call per request, exactly what the
search page asks for (the query, every facet's counts, the first page of 20 with highlights).

Run by bench/run.py in its own process per database (Django settings are per process):
    python bench/search.py RESULT.json
with the environment of `datasets.django_env()`. Writes a list of measured query lines."""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass

# (label, query string, kind): kind says which budget line applies at 100,000 entries.
QUERIES: list[tuple[str, str, str]] = [
    ("cybersecurity", "q=cybersecurity", "selective"),
    ("blockchain traceability", "q=blockchain+traceability", "selective"),
    ('"mobile money"', "q=%22mobile+money%22", "selective"),
    ("digital skills + economy=KEN", "q=digital+skills&economy=KEN", "selective"),
    ("area=e_payments & economy=KEN (no words)", "area=e_payments&economy=KEN", "selective"),
    (
        "training + 3 facets (area, group, region)",
        "q=training&area=ecommerce&group=women_entrepreneurs&region=africa",
        "selective",
    ),
    ("women", "q=women", "broad"),
    ("women entrepreneurs", "q=women+entrepreneurs", "broad"),
    ("no query (bitmaps built)", "", "broad"),
    ("no query, first after a catalog change", "", "rebuild"),
]
WARMUPS = 5
# Runs per query: as many as fit in the time cap (so a slow query does not hold the whole
# benchmark), between the minimum and the maximum.
RUNS = {"small": (30, 200, 6.0), "large": (15, 60, 15.0)}  # (min, max, seconds)


@dataclass
class Measured:
    label: str
    kind: str
    matches: int
    runs: int
    p50: float
    p95: float
    max: float


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(label: str, qs: str, kind: str, runs: tuple[int, int, float]) -> Measured:
    from django.core.cache import cache
    from django.http import QueryDict

    from compendium.search import bitmaps
    from compendium.search.params import params_from_query
    from compendium.search.selectors import search_entries

    params, problems = params_from_query(QueryDict(qs))
    if problems:
        raise SystemExit(f"{label}: {problems}")
    cold = kind == "rebuild"
    fewest, most, seconds = runs
    timings: list[float] = []
    result = None
    for _ in range(WARMUPS):
        result = search_entries(params=params)
    # As the WSGI entry point does once the application is loaded (see compendium/wsgi.py).
    gc.collect()
    gc.freeze()
    until = time.monotonic() + seconds
    while len(timings) < most and (len(timings) < fewest or time.monotonic() < until):
        if cold:
            # As after any write to the index: the in-memory bitmaps are rebuilt.
            cache.clear()
            bitmaps._current.clear()
        started = time.perf_counter()
        result = search_entries(params=params)
        timings.append((time.perf_counter() - started) * 1000)
    assert result is not None
    return Measured(
        label=label,
        kind=kind,
        matches=result.total,
        runs=len(timings),
        p50=statistics.median(timings),
        p95=percentile(timings, 0.95),
        max=max(timings),
    )


def main(out: str) -> None:
    import django

    django.setup()
    from compendium.catalog.models import Entry

    entries = Entry.objects.filter(workflow="published").count()
    runs = RUNS["small"] if entries <= 10_000 else RUNS["large"]
    lines = []
    for label, qs, kind in QUERIES:
        measured = measure(label, qs, kind, runs)
        lines.append(asdict(measured))
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"entries": entries, "lines": lines}, handle)


if __name__ == "__main__":
    main(sys.argv[1])
