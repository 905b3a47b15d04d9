"""Importing a 10,000-row partner workbook with realistic near-duplicates: the dry run and the
real import (read, map, classify, de-duplicate, write the batch), each timed, with the
process's peak memory, then accepting it into the catalog; and the duplicate detection's
precision and recall on the workbook's labelled duplicates.

    python bench/imports.py OUT.json

The environment's DATABASE_URL says which engine: for SQLite the benchmark builds a throwaway
file in a temporary directory; for PostgreSQL it creates (and drops) the database
`compendium_bench_imports` on the same server. Either gets the reference data and 3,000
synthetic entries (the catalog the rows are matched against) through the real commands.
Budget (DESIGN §6): import with de-duplication ≤ 20 s, peak memory ≤ 500 MB."""

from __future__ import annotations

import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datasets import django_env, manage

ROWS = 10_000
CATALOG = 3_000
TIME_BUDGET_S = 20.0
MEMORY_BUDGET_MB = 500.0
PG_DATABASE = "compendium_bench_imports"
SEED = 5
HEADER = [
    "Programme",
    "Summary",
    "Country",
    "Focus areas",
    "Beneficiaries",
    "Type of support",
    "Start date",
    "Website",
]
ECONOMIES = [
    "Kenya",
    "Viet Nam",
    "Vietnam",
    "Korea, Rep.",
    "Turkey",
    "Ivory Coast",
    "Hong Kong SAR",
    "Rwanda",
    "Nigeria",
    "Ghana",
    "Senegal",
    "Chile",
    "Peru",
    "Mexico",
    "Colombia",
    "Brazil",
    "India",
    "Pakistan",
    "Bangladesh",
    "Indonesia",
    "Malaysia",
    "Philippines",
    "Egypt",
    "Morocco",
    "Tunisia",
    "Jordan",
    "Canada",
    "Australia",
    "New Zealand",
    "United Kingdom",
    "Uganda",
    "Tanzania",
    "Zambia",
    "South Africa",
    "Ethiopia",
    "Cambodia",
    "Nepal",
    "Fiji",
    "Jamaica",
    "Costa Rica",
    "Guatemala",
    "Ecuador",
    "Paraguay",
    "Uruguay",
    "Argentina",
    "Sri Lanka",
    "Mongolia",
    "Georgia",
    "Ukraine",
    "Benin",
]
FOCUS = [
    "E-commerce",
    "Market access",
    "Finance",
    "Digital skills",
    "Payments",
    "Networks",
    "Logistics",
    "Export readiness",
]
GROUPS = ["Women-owned SMEs", "Women entrepreneurs", "Young women", "Rural women", "Women traders"]
KINDS = ["Training", "Programme", "Platform", "Grant", "Loan", "Project"]
SYLLABLES = [
    "ka",
    "ma",
    "ni",
    "zu",
    "ri",
    "to",
    "sa",
    "le",
    "mo",
    "ba",
    "shi",
    "ya",
    "ne",
    "wa",
    "ji",
    "ko",
    "da",
    "fe",
    "lu",
    "pe",
    "ti",
    "ro",
    "ga",
    "vi",
]
NOUNS = [
    "Academy",
    "Accelerator",
    "Fund",
    "Hub",
    "Network",
    "Initiative",
    "Programme",
    "Marketplace",
    "Bootcamp",
    "Facility",
    "Lab",
    "Alliance",
]
TOPICS = [
    "Digital Export",
    "E-commerce",
    "Women in Tech",
    "Mobile Money",
    "Cyber Safety",
    "Online Trade",
    "Fintech",
    "Logistics",
    "Digital Skills",
    "Trade Readiness",
    "Green Digital",
    "Agri-Tech",
    "Creative Economy",
    "Startup",
    "Cross-border Trade",
]
VERBS = ["trains", "finances", "connects", "mentors", "certifies", "supports", "equips"]
OBJECTS = [
    "women-led firms",
    "women exporters",
    "young women coders",
    "rural cooperatives",
    "women traders at the border",
    "women founders",
    "informal sellers",
]
PURPOSES = [
    "to sell online abroad",
    "to reach regional buyers",
    "to use mobile payments",
    "to secure their shops online",
    "to join global value chains",
    "to grow with digital tools",
    "to access credit",
]


def say(text: str) -> None:
    print(text, flush=True)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the workbook ---------------------------------------------------------------------------------


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _unique_row(rng: random.Random) -> list:
    title = f"{_name(rng)} {rng.choice(TOPICS)} {rng.choice(NOUNS)}"
    summary = (
        f"{title.split()[0]} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PURPOSES)}; "
        f"{rng.randint(50, 5000)} women reached since {rng.randint(2012, 2024)}."
    )
    return [
        title,
        summary,
        rng.choice(ECONOMIES),
        "; ".join(rng.sample(FOCUS, rng.randint(1, 3))),
        "; ".join(rng.sample(GROUPS, rng.randint(1, 2))),
        rng.choice(KINDS),
        rng.choice([2019, "2020-03-01", "March 2021", "01/06/2022", 2023]),
        f"https://www.example.org/{title.lower().replace(' ', '-')}" if rng.random() < 0.3 else "",
    ]


def _near(text: str, rng: random.Random) -> str:
    """The same title as another partner writes it."""
    changes = [
        lambda t: t.replace("Programme", "Program"),
        lambda t: t.lower(),
        lambda t: t.upper(),
        lambda t: f"The {t}",
        lambda t: f"{t} (phase II)",
        lambda t: t.replace(" ", "  ", 1),
        lambda t: t[:-1] if len(t) > 12 else t,
        lambda t: " ".join(t.split()[1:] + t.split()[:1]),
        lambda t: t.replace("-", " "),
        lambda t: t + " initiative",
    ]
    for change in rng.sample(changes, rng.randint(1, 2)):
        text = change(text)
    return text


def build_workbook(catalog: list[tuple[int, str, str, str]]) -> tuple[bytes, set[frozenset]]:
    """10,000 rows: 85 % distinct programmes, 10 % near-duplicates of earlier rows, 5 %
    near-duplicates of catalog entries. Returns the file and the labelled duplicate pairs
    ({row number, row number} or {row number, entry id})."""
    import openpyxl

    rng = random.Random(SEED)
    rows: list[list] = []
    labelled: set[frozenset] = set()
    header_row = 1
    for index in range(ROWS):
        number = header_row + 1 + index
        roll = rng.random()
        if roll < 0.10 and rows:
            original_index = rng.randrange(len(rows))
            original = rows[original_index]
            row = [_near(original[0], rng), original[1], *original[2:]]
            labelled.add(frozenset({("row", number), ("row", header_row + 1 + original_index)}))
        elif roll < 0.15:
            entry_id, title, description, country = rng.choice(catalog)
            row = _unique_row(rng)
            row[0], row[1], row[2] = _near(title, rng), description, country
            labelled.add(frozenset({("row", number), ("entry", entry_id)}))
        else:
            row = _unique_row(rng)
        rows.append(row)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Programmes")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), labelled


MAPPING = """
source: bench-programmes
title: "A partner's programme list (benchmark)"
organization: itc
language: en
licence: "synthetic"
citation: "Synthetic benchmark workbook"
file: {sheet: Programmes}
columns:
  Programme: title
  Summary: description
  Country: {field: economies, split: ";"}
  Focus areas:
    field: policy_areas
    values: {E-commerce: ecommerce, Market access: export_support, Finance: access_to_finance,
             Digital skills: digital_skills_education, Payments: e_payments,
             Networks: entrepreneurship_support, Logistics: trade_facilitation_logistics,
             Export readiness: export_support}
  Beneficiaries:
    field: target_groups
    values: {Women-owned SMEs: women_led_msmes, Women entrepreneurs: women_entrepreneurs,
             Young women: young_women, Rural women: rural_women, Women traders: women_traders}
  Type of support:
    field: instrument_type
    values: {Training: training_or_capacity_building, Programme: programme,
             Platform: platform_or_network, Grant: financing_instrument,
             Loan: financing_instrument, Project: programme}
  Start date: start_year
  Website: links
required: [title, economies]
defaults: {contributor_type: international_organization, gender_focus: women_specific}
"""


# --- the measures ---------------------------------------------------------------------------------


def _closure(pairs: set[frozenset]) -> set[frozenset]:
    """Two near-copies of one programme are duplicates of each other too."""
    parent: dict = {}

    def root(item):
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for a, b in (tuple(pair) for pair in pairs):
        parent[root(a)] = root(b)
    clusters: dict = {}
    for item in parent:
        clusters.setdefault(root(item), []).append(item)
    return {
        frozenset({a, b})
        for members in clusters.values()
        for a in members
        for b in members
        if a != b
    }


def precision_recall(rows, labelled: set[frozenset], threshold: int) -> tuple[float, float]:
    predicted = set()
    for row in rows:
        for match in row.matches:
            if match["score"] < threshold:
                continue
            other = ("entry", match["entry"]) if match["kind"] == "entry" else ("row", match["row"])
            predicted.add(frozenset({("row", row.number), other}))
    truth = _closure(labelled)
    hits = len(predicted & truth)
    return hits / max(len(predicted), 1), hits / max(len(truth), 1)


def line(label: str, value: float, unit: str, budget: float | None = None, higher=False) -> dict:
    ok = None if budget is None else (value >= budget if higher else value <= budget)
    mark = "" if ok is None else (" ✓" if ok else " ✗")
    limit = "" if budget is None else f" (budget {'≥' if higher else '≤'} {budget:g} {unit})"
    say(f"  {label:<58} {value:10.2f} {unit}{limit}{mark}")
    return {"label": label, "value": round(value, 3), "unit": unit, "budget": budget, "pass": ok}


def measure(out: Path) -> None:
    import django

    django.setup()
    from compendium.catalog.models import Entry
    from compendium.imports.dedup import CANDIDATE_SCORE, LIKELY_SCORE
    from compendium.imports.models import Decision
    from compendium.imports.services import batch_accept, batch_create, rows_decide_bulk

    catalog = [
        (pk, title, description, entry.economies.first().name_en)
        for pk, title, description, entry in (
            (e.pk, e.title, e.description, e)
            for e in Entry.objects.filter(economies__isnull=False).distinct()[:400]
        )
    ]
    content, labelled = build_workbook(catalog)
    say(
        f"  workbook: {ROWS:,} rows, {len(content) / 2**20:.1f} MB, "
        f"{len(labelled):,} labelled duplicates"
    )
    lines = []
    started = time.monotonic()
    dry = batch_create(
        actor=None,
        content=content,
        file_name="bench.xlsx",
        source="bench",
        mapping_text=MAPPING,
        dry_run=True,
    )
    lines.append(
        line(
            "dry run: read, map, classify, de-duplicate",
            time.monotonic() - started,
            "s",
            TIME_BUDGET_S,
        )
    )
    lines.append(line("peak memory after the dry run", peak_mb(), "MB", MEMORY_BUDGET_MB))
    started = time.monotonic()
    report = batch_create(
        actor=None, content=content, file_name="bench.xlsx", source="bench", mapping_text=MAPPING
    )
    lines.append(
        line(
            "real import: the above, and the batch and its rows written",
            time.monotonic() - started,
            "s",
            TIME_BUDGET_S,
        )
    )
    lines.append(line("peak memory after the real import", peak_mb(), "MB", MEMORY_BUDGET_MB))
    for threshold, name in ((LIKELY_SCORE, "likely"), (CANDIDATE_SCORE, "candidate")):
        precision, recall = precision_recall(dry.rows, labelled, threshold)
        lines.append(
            line(
                f"duplicate detection precision (score ≥ {threshold}, {name})", 100 * precision, "%"
            )
        )
        lines.append(
            line(f"duplicate detection recall (score ≥ {threshold}, {name})", 100 * recall, "%")
        )
    batch = report.batch
    started = time.monotonic()
    rows_decide_bulk(batch=batch, actor=None, action="new_clean")
    batch.rows.filter(decision=Decision.UNDECIDED).update(decision=Decision.SKIP)
    batch.rows.exclude(errors=[]).update(decision=Decision.SKIP)
    batch_accept(batch=batch, actor=None, publish=True)
    created = batch.rows.filter(entry__isnull=False).count()
    lines.append(
        line(
            f"accepting: {created:,} new entries written and indexed",
            time.monotonic() - started,
            "s",
        )
    )
    lines.append(line("peak memory at the end", peak_mb(), "MB", MEMORY_BUDGET_MB))
    out.write_text(json.dumps({"lines": lines}, indent=2))


# --- the throwaway database -----------------------------------------------------------------------


def _postgres_url(server_url: str, database: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def _postgres(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_postgres_url(server_url, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "imports-bench.json")
    given = os.environ.get("DATABASE_URL", "")
    postgres = given.startswith(("postgres://", "postgresql://"))
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        if postgres:
            url = _postgres_url(given, PG_DATABASE)
            _postgres(given, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            _postgres(given, f"CREATE DATABASE {PG_DATABASE}")
        else:
            url = f"sqlite:///{tmp}/imports.sqlite3"
        say(f"Import benchmark on {'PostgreSQL' if postgres else 'SQLite'}")
        try:
            manage(url, "migrate", "--noinput", log=say)
            manage(url, "load_reference", log=say)
            manage(url, "generate_synthetic", str(CATALOG), "--seed", "1", log=say)
            os.environ.update(django_env(url))
            measure(out)
        finally:
            if postgres:
                from django.db import connections

                connections.close_all()
                _postgres(given, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
