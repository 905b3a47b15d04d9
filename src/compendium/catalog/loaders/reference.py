"""Reference data: the vocabularies, the 188 WTO Members and Observers, and the organisations."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from ..models import (
    ContributorType,
    EconomyStatus,
    GenderFocus,
    InstrumentType,
    PolicyArea,
    Region,
    TargetGroup,
    Term,
    WorkingGroup,
)
from ..services import economy_upsert, organization_upsert, term_upsert
from .files import DATA_DIR, DataProblem, LoadAborted, LoadReport, read_csv, read_yaml

ACTOR = "load_reference"

VOCABULARIES: dict[str, type[Term]] = {
    "policy_areas": PolicyArea,
    "target_groups": TargetGroup,
    "instrument_types": InstrumentType,
    "gender_focus": GenderFocus,
    "contributor_types": ContributorType,
    "regions": Region,
    "working_groups": WorkingGroup,
}
LANGS = ("en", "fr", "es")
ECONOMY_COLUMNS = (
    "iso3",
    "wto_name",
    "name_fr",
    "name_es",
    "status",
    "region",
    "ldc",
    "accession_date",
    "member_of_msme_group",
    "member_of_iwg_trade_gender",
    "eu_member_state",
    "part_of",
    "notes",
)
# The CSV's membership columns, and the working group each one stands for.
MEMBERSHIP_COLUMNS = {"member_of_msme_group": "msme", "member_of_iwg_trade_gender": "tge"}
ORGANIZATION_COLUMNS = (
    "slug",
    "name",
    "acronym",
    "name_fr",
    "name_es",
    "kind",
    "economy",
    "website",
    "aliases",
)
CODE = re.compile(r"^(EU|[A-Z]{3})$")
SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
YES_NO = {"yes": True, "no": False, "": False}


def _taxonomy(path: Path, problems: list[DataProblem]) -> dict[str, list[dict[str, Any]]]:
    name = path.name
    document = read_yaml(path)
    if not isinstance(document, dict):
        raise LoadAborted([DataProblem(name, None, "", "expected a mapping of vocabularies")])
    terms: dict[str, list[dict[str, Any]]] = {}
    for vocabulary, model in VOCABULARIES.items():
        items = document.get(vocabulary)
        if not isinstance(items, list) or not items:
            problems.append(DataProblem(name, None, vocabulary, "missing or empty vocabulary"))
            continue
        seen: set[str] = set()
        terms[vocabulary] = []
        for index, item in enumerate(items, start=1):
            where = f"{vocabulary}[{index}]"
            slug = item.get("slug", "") if isinstance(item, dict) else ""
            if not isinstance(slug, str) or not SLUG.match(slug):
                problems.append(DataProblem(name, None, f"{where}.slug", f"invalid slug {slug!r}"))
                continue
            if slug in seen:
                problems.append(
                    DataProblem(name, None, f"{where}.slug", f"duplicate slug {slug!r}")
                )
            seen.add(slug)
            values: dict[str, Any] = {"position": index}
            fields = ["label", "description"] + (["short"] if model is WorkingGroup else [])
            for field in fields:
                texts = item.get(field) or {}
                for lang in LANGS:
                    text = texts.get(lang, "") if isinstance(texts, dict) else ""
                    if not text and field != "description":
                        problems.append(
                            DataProblem(
                                name, None, f"{where}.{field}.{lang}", "missing translation"
                            )
                        )
                    values[f"{field}_{lang}"] = str(text or "").strip()
            if model is WorkingGroup:
                values["symbol_prefix"] = str(item.get("symbol_prefix", "")).strip()
            terms[vocabulary].append({"slug": slug, "values": values})
    return terms


def _economies(path: Path, regions: set[str], problems: list[DataProblem]) -> list[dict[str, Any]]:
    name = path.name
    rows = read_csv(path, ECONOMY_COLUMNS)
    codes = [row["iso3"] for row in rows]
    parsed, seen = [], set()
    for number, row in enumerate(rows, start=1):

        def problem(field: str, message: str, number: int = number) -> None:
            problems.append(DataProblem(name, number, field, message))

        code = row["iso3"]
        if not CODE.match(code):
            problem("iso3", f"{code!r} is not an ISO3 code (or EU)")
        elif code in seen:
            problem("iso3", f"duplicate code {code}")
        seen.add(code)
        for field in ("wto_name", "name_fr", "name_es"):
            if not row[field]:
                problem(field, "empty name")
        if row["status"] not in EconomyStatus.values:
            problem("status", f"{row['status']!r} is not member or observer")
        if row["region"] not in regions:
            problem("region", f"unknown region {row['region']!r}")
        for field in ("ldc", "eu_member_state", *MEMBERSHIP_COLUMNS):
            if row[field] not in YES_NO:
                problem(field, f"{row[field]!r} is not yes or no")
        accession = None
        if row["accession_date"]:
            try:
                accession = date.fromisoformat(row["accession_date"])
            except ValueError:
                problem("accession_date", f"{row['accession_date']!r} is not a YYYY-MM-DD date")
        if row["part_of"] and row["part_of"] not in codes:
            problem("part_of", f"unknown economy {row['part_of']!r}")
        if row["part_of"] == code:
            problem("part_of", "an economy cannot be part of itself")
        parsed.append(
            {
                "code": code,
                "part_of": row["part_of"],
                "groups": [g for col, g in MEMBERSHIP_COLUMNS.items() if YES_NO.get(row[col])],
                "values": {
                    "name_en": row["wto_name"],
                    "name_fr": row["name_fr"],
                    "name_es": row["name_es"],
                    "status": row["status"],
                    "is_ldc": YES_NO.get(row["ldc"], False),
                    "accession_date": accession,
                    "notes": row["notes"],
                },
                "region": row["region"],
            }
        )
    chained = {p["part_of"] for p in parsed if p["part_of"]} & {
        p["code"] for p in parsed if p["part_of"]
    }
    for code in sorted(chained):
        problems.append(
            DataProblem(
                name, codes.index(code) + 1, "part_of", f"{code} is itself part of another economy"
            )
        )
    return parsed


def _organizations(
    path: Path, kinds: set[str], codes: set[str], problems: list[DataProblem]
) -> list[dict[str, Any]]:
    name = path.name
    rows = read_csv(path, ORGANIZATION_COLUMNS)
    url = URLValidator(schemes=["http", "https"])
    parsed, seen = [], set()
    for number, row in enumerate(rows, start=1):

        def problem(field: str, message: str, number: int = number) -> None:
            problems.append(DataProblem(name, number, field, message))

        if not SLUG.match(row["slug"]):
            problem("slug", f"invalid slug {row['slug']!r}")
        elif row["slug"] in seen:
            problem("slug", f"duplicate slug {row['slug']!r}")
        seen.add(row["slug"])
        if not row["name"]:
            problem("name", "empty name")
        if row["kind"] not in kinds:
            problem("kind", f"unknown contributor type {row['kind']!r}")
        if row["economy"] and row["economy"] not in codes:
            problem("economy", f"unknown economy {row['economy']!r}")
        if row["website"]:
            try:
                url(row["website"])
            except ValidationError:
                problem("website", f"{row['website']!r} is not a web address")
        parsed.append(
            {
                "slug": row["slug"],
                "kind": row["kind"],
                "economy": row["economy"],
                "values": {
                    "name_en": row["name"],
                    "name_fr": row["name_fr"],
                    "name_es": row["name_es"],
                    "acronym": row["acronym"],
                    "website": row["website"],
                    "aliases": [a.strip() for a in row["aliases"].split("|") if a.strip()],
                },
            }
        )
    return parsed


def reference_load(
    *,
    taxonomy: Path = DATA_DIR / "taxonomy.yaml",
    economies: Path = DATA_DIR / "economies.csv",
    organizations: Path = DATA_DIR / "organizations.csv",
) -> LoadReport:
    problems: list[DataProblem] = []
    terms = _taxonomy(taxonomy, problems)
    region_slugs = {t["slug"] for t in terms.get("regions", [])}
    kind_slugs = {t["slug"] for t in terms.get("contributor_types", [])}
    economy_rows = _economies(economies, region_slugs, problems)
    organization_rows = _organizations(
        organizations, kind_slugs, {e["code"] for e in economy_rows}, problems
    )
    group_slugs = {t["slug"] for t in terms.get("working_groups", [])}
    for missing in sorted(set(MEMBERSHIP_COLUMNS.values()) - group_slugs):
        problems.append(
            DataProblem(
                taxonomy.name,
                None,
                "working_groups",
                f"missing working group {missing!r} used by {economies.name}",
            )
        )
    if problems:
        raise LoadAborted(problems)
    return _write(terms, economy_rows, organization_rows)


@transaction.atomic
def _write(terms, economy_rows, organization_rows) -> LoadReport:
    report = LoadReport()
    for vocabulary, items in terms.items():
        model = VOCABULARIES[vocabulary]
        for item in items:
            _, outcome = term_upsert(
                model=model, slug=item["slug"], values=item["values"], actor_label=ACTOR
            )
            report.add(str(model._meta.verbose_name_plural), outcome)
    regions = {r.slug: r for r in Region.objects.all()}
    groups = {g.slug: g for g in WorkingGroup.objects.all()}
    economies: dict[str, Any] = {}
    # Economies that others are part of (the EU) first, so the link can be made in one pass.
    for row in sorted(economy_rows, key=lambda r: bool(r["part_of"])):
        values = dict(
            row["values"], region=regions[row["region"]], part_of=economies.get(row["part_of"])
        )
        economy, outcome = economy_upsert(
            code=row["code"],
            values=values,
            working_groups=[groups[g] for g in row["groups"]],
            actor_label=ACTOR,
        )
        economies[row["code"]] = economy
        report.add("economies", outcome)
    kinds = {k.slug: k for k in ContributorType.objects.all()}
    for row in organization_rows:
        values = dict(row["values"], kind=kinds[row["kind"]], economy=economies.get(row["economy"]))
        _, outcome = organization_upsert(slug=row["slug"], values=values, actor_label=ACTOR)
        report.add("organisations", outcome)
    return report
