"""What an edition keeps of each entry: a self-contained snapshot (names and labels in EN/FR/ES
included), the part of the document it belongs to and the heading it sits under, and the
problems that keep it out of a document."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from compendium.catalog.models import (
    Economy,
    EconomyStatus,
    Entry,
    EntryVersion,
    Organization,
    Source,
    Term,
)
from compendium.search.query import fold

from .frame import LANGUAGES
from .models import Part

# What a document entry cannot go without, beyond what every stored entry already has (title,
# classification): its description, where it belongs (an economy or an organisation), a source.
REQUIRED_FIELDS = ("description", "place", "sources")


def _names(obj: Any, field: str) -> dict[str, str]:
    english = getattr(obj, f"{field}_en", "") or getattr(obj, field, "")
    return {lang: getattr(obj, f"{field}_{lang}", "") or english for lang in LANGUAGES}


def _term(term: Term) -> dict[str, Any]:
    return {"slug": term.slug, "label": _names(term, "label")}


def _economy(economy: Economy) -> dict[str, Any]:
    return {
        "code": economy.code,
        "name": _names(economy, "name"),
        "status": economy.status,
        "region": economy.region.slug,
    }


def _organization(organization: Organization) -> dict[str, Any]:
    return {
        "slug": organization.slug,
        "name": _names(organization, "name"),
        "acronym": organization.acronym,
    }


def _source(source: Source) -> dict[str, Any]:
    provider = source.organization or source.economy
    return {
        "kind": source.kind,
        "title": source.title,
        "url": source.url,
        "reference": source.reference,
        "accessed_on": source.accessed_on.isoformat() if source.accessed_on else None,
        "provided_by": (
            {
                "organization": source.organization.slug if source.organization else None,
                "name": _names(provider, "name"),
            }
            if provider
            else None
        ),
    }


def entries_to_freeze(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """The entries with everything a snapshot reads, fetched in a fixed number of queries."""
    return entries.select_related(
        "contributor_type",
        "instrument_type",
        "gender_focus",
        "contributor_economy__region",
        "contributor_organization",
    ).prefetch_related(
        Prefetch("economies", queryset=Economy.objects.select_related("region")),
        "organizations",
        "policy_areas",
        "target_groups",
        "links",
        Prefetch("sources", queryset=Source.objects.select_related("organization", "economy")),
    )


def entry_snapshot(entry: Entry) -> dict[str, Any]:
    """Everything the document shows of the entry, as plain JSON."""
    contributor = entry.contributor_economy or entry.contributor_organization
    return {
        "slug": entry.slug,
        "version": entry.version,
        "language": entry.language,
        "title": entry.title,
        "description": entry.description,
        **{f"title_{lang}": getattr(entry, f"title_{lang}") for lang in LANGUAGES},
        **{f"description_{lang}": getattr(entry, f"description_{lang}") for lang in LANGUAGES},
        "economies": sorted(
            (_economy(e) for e in entry.economies.all()), key=lambda e: fold(e["name"]["en"])
        ),
        "organizations": sorted(
            (_organization(o) for o in entry.organizations.all()),
            key=lambda o: fold(o["name"]["en"]),
        ),
        "implementers_as_reported": entry.implementers_as_reported,
        "contributor": (
            {
                "economy": entry.contributor_economy.code if entry.contributor_economy else None,
                "organization": (
                    entry.contributor_organization.slug if entry.contributor_organization else None
                ),
                "status": getattr(entry.contributor_economy, "status", None),
                "name": _names(contributor, "name"),
            }
            if contributor
            else None
        ),
        "contributor_type": _term(entry.contributor_type),
        "instrument_type": _term(entry.instrument_type),
        "gender_focus": _term(entry.gender_focus),
        "policy_areas": [_term(t) for t in sorted(entry.policy_areas.all(), key=_position)],
        "target_groups": [_term(t) for t in sorted(entry.target_groups.all(), key=_position)],
        "start_year": entry.start_year,
        "end_year": entry.end_year,
        "status": entry.status,
        "budget_as_reported": entry.budget_as_reported,
        "budget_amount": str(entry.budget_amount) if entry.budget_amount is not None else None,
        "budget_currency": entry.budget_currency,
        "women_reached_as_reported": entry.women_reached_as_reported,
        "women_reached": entry.women_reached,
        "links": [
            {"kind": link.kind, "label": link.label, "url": link.url} for link in entry.links.all()
        ],
        "sources": [_source(s) for s in entry.sources.all()],
        "verification": entry.verification,
        "workflow": entry.workflow,
        "is_sample": entry.is_sample,
        "is_synthetic": entry.is_synthetic,
    }


def _position(term: Term) -> tuple[int, str]:
    return (term.position, term.slug)


# The fields compared between two revisions (everything the document shows of an entry).
COMPARED_FIELDS = (
    "title",
    "description",
    "title_en",
    "title_fr",
    "title_es",
    "description_en",
    "description_fr",
    "description_es",
    "language",
    "economies",
    "organizations",
    "implementers_as_reported",
    "contributor",
    "contributor_type",
    "instrument_type",
    "gender_focus",
    "policy_areas",
    "target_groups",
    "start_year",
    "end_year",
    "status",
    "budget_as_reported",
    "budget_amount",
    "budget_currency",
    "women_reached_as_reported",
    "women_reached",
    "links",
    "sources",
    "verification",
)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in COMPARED_FIELDS if before.get(name) != after.get(name)]


@dataclass(frozen=True)
class Placement:
    part: str
    heading: str  # the English heading (the sort key); the document shows it in its language
    heading_names: dict[str, str]


def placement(snapshot: dict[str, Any]) -> Placement | None:
    """Where the entry goes: under its contributing economy (Part I Members, Part II
    Observers), or else under the first economy it covers if a government contributed it, or
    else under its contributing (or first implementing) organisation in Part III."""
    contributor = snapshot["contributor"]
    government = snapshot["contributor_type"]["slug"] in {"member", "observer", "secretariat"}
    economy = None
    if contributor and contributor["economy"]:
        economy = next(
            (e for e in snapshot["economies"] if e["code"] == contributor["economy"]), None
        ) or {"name": contributor["name"], "status": contributor["status"]}
    elif government and snapshot["economies"]:
        economy = snapshot["economies"][0]
    if economy is not None:
        part = Part.OBSERVERS if economy["status"] == EconomyStatus.OBSERVER else Part.MEMBERS
        return Placement(part, economy["name"]["en"], economy["name"])
    organization = (contributor if contributor and contributor["organization"] else None) or (
        snapshot["organizations"][0] if snapshot["organizations"] else None
    )
    if organization is not None:
        return Placement(Part.ORGANIZATIONS, organization["name"]["en"], organization["name"])
    if snapshot["economies"]:
        economy = snapshot["economies"][0]
        return Placement(Part.ORGANIZATIONS, economy["name"]["en"], economy["name"])
    return None


@dataclass(frozen=True)
class Missing:
    """An entry that cannot go into a document yet, what it lacks and where to fix it."""

    entry_id: int
    title: str
    fields: tuple[str, ...]
    fix_url: str


def missing_fields(entry: Entry, snapshot: dict[str, Any]) -> Missing | None:
    lacking = []
    if not snapshot["description"].strip():
        lacking.append("description")
    if placement(snapshot) is None:
        lacking.append("place")
    if not snapshot["sources"]:
        lacking.append("sources")
    if not lacking:
        return None
    return Missing(
        entry_id=entry.pk,
        title=entry.title,
        fields=tuple(lacking),
        fix_url=fix_url(entry),
    )


def fix_url(entry: Entry) -> str:
    """Where the secretariat corrects the entry (the admin's entry form)."""
    return reverse("admin:catalog_entry_change", args=[entry.pk])


def latest_versions(entries: Iterable[Entry]) -> dict[int, EntryVersion]:
    """Each entry's version matching its current state (the one an edition freezes)."""
    wanted = {entry.pk: entry.version for entry in entries}
    found: dict[int, EntryVersion] = {}
    ids = list(wanted)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for version in EntryVersion.objects.filter(entry_id__in=chunk).only(
            "id", "entry_id", "number"
        ):
            if version.number == wanted[version.entry_id]:
                found[version.entry_id] = version
    return found
