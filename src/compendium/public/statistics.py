"""Reads for the coverage and statistics page and the profiles' charts: counts over a set of
entries (the public passes the published ones), each in one aggregate query.

An economy "has" an entry when the entry covers it or was contributed by it, an organisation when
it implements or contributed the entry: the same rules as the search's economy and organisation
facets, so a count always matches the list its link opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Count, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from compendium.catalog.models import (
    Economy,
    Entry,
    Organization,
    PolicyArea,
    Region,
    TargetGroup,
    Term,
    Verification,
)
from compendium.catalog.selectors import (
    economies_with_entry_counts,
    organizations_with_entry_counts,
    published_entries,
)
from compendium.search.indexing import index_generation

# The Member itself stands behind these; the others are "reported by others" until it confirms.
CONFIRMED_BY_MEMBER = (Verification.MEMBER_VALIDATED, Verification.SUBMITTED_BY_MEMBER)
VALIDATED, REPORTED, NONE = "validated", "reported", "none"
# Generations are random tokens, so an old key is never reused; the timeout only frees memory.
CACHE_SECONDS = 24 * 60 * 60
TermT = TypeVar("TermT", bound=Term)
# Aggregating queries ignore Meta.ordering, so the taxonomy's own order is asked for explicitly.
TAXONOMY_ORDER = ("position", "slug")


class _CountDistinct(Func):
    """COUNT(DISTINCT …) without GROUP BY, so a correlated subquery yields exactly one number."""

    function = "COUNT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def _count_of(entries: QuerySet[Entry], condition: Q) -> Subquery:
    about = entries.filter(condition).order_by().annotate(n=_CountDistinct("pk")).values("n")
    return Coalesce(Subquery(about, output_field=IntegerField()), 0)


def coverage_state(*, entries: int, confirmed: int) -> str:
    """One cell of the coverage matrix."""
    if confirmed:
        return VALIDATED
    return REPORTED if entries else NONE


@dataclass(frozen=True)
class CoverageNumbers:
    """Every count the coverage page shows, keyed by stable slugs and codes (never labels), so one
    cached copy serves all three languages."""

    generation: int = 0  # of the search index they were counted at: a key for caching pages
    total: int = 0
    without_economy: int = 0
    # economy code → policy area slug → VALIDATED or REPORTED (a missing key is NONE)
    cells: dict[str, dict[str, str]] = field(default_factory=dict)
    by_economy: dict[str, int] = field(default_factory=dict)
    by_region: dict[str, int] = field(default_factory=dict)
    by_area: dict[str, int] = field(default_factory=dict)
    by_group: dict[str, int] = field(default_factory=dict)
    by_instrument: dict[str, int] = field(default_factory=dict)
    by_contributor_type: dict[str, int] = field(default_factory=dict)
    by_verification: dict[str, int] = field(default_factory=dict)


def coverage_cells(*, entries: QuerySet[Entry]) -> dict[str, dict[str, str]]:
    """The matrix's cells in one query: the distinct (economy, area, verification) triples over
    both ways an entry belongs to an economy."""
    covered = entries.order_by().values_list(
        "economies__code", "policy_areas__slug", "verification"
    )
    contributed = entries.order_by().values_list(
        "contributor_economy__code", "policy_areas__slug", "verification"
    )
    cells: dict[str, dict[str, str]] = {}
    for code, area, verification in covered.union(contributed):
        if code is None or area is None:
            continue
        row = cells.setdefault(code, {})
        if verification in CONFIRMED_BY_MEMBER:
            row[area] = VALIDATED
        else:
            row.setdefault(area, REPORTED)
    return cells


def _by_field(entries: QuerySet[Entry], lookup: str) -> dict[str, int]:
    rows = entries.order_by().values_list(lookup).annotate(n=Count("pk", distinct=True))
    return {key: n for key, n in rows if key is not None}


def entries_by_region(*, entries: QuerySet[Entry]) -> dict[str, int]:
    regions = Region.objects.annotate(
        n=_count_of(
            entries,
            Q(economies__region=OuterRef("pk")) | Q(contributor_economy__region=OuterRef("pk")),
        )
    )
    return dict(regions.values_list("slug", "n"))


def coverage_numbers(*, entries: QuerySet[Entry]) -> CoverageNumbers:
    """Everything the coverage page counts, in a fixed number of queries."""
    return CoverageNumbers(
        total=entries.count(),
        without_economy=entries.filter(
            economies__isnull=True, contributor_economy__isnull=True
        ).count(),
        cells=coverage_cells(entries=entries),
        by_economy={
            code: n
            for code, n in economies_with_entry_counts(entries=entries).values_list(
                "code", "entry_count"
            )
            if n
        },
        by_region=entries_by_region(entries=entries),
        by_area=_by_field(entries, "policy_areas__slug"),
        by_group=_by_field(entries, "target_groups__slug"),
        by_instrument=_by_field(entries, "instrument_type__slug"),
        by_contributor_type=_by_field(entries, "contributor_type__slug"),
        by_verification=_by_field(entries, "verification"),
    )


def published_coverage() -> CoverageNumbers:
    """`coverage_numbers` of the published entries, cached until the next index write (every
    catalog write re-indexes, so the generation changes whenever an entry does)."""
    generation = index_generation()
    key = f"public:coverage:{generation}"
    numbers = cache.get(key)
    if numbers is None:
        numbers = replace(coverage_numbers(entries=published_entries()), generation=generation)
        cache.set(key, numbers, CACHE_SECONDS)
    return numbers


# --- what the counts are about, read fresh: labels follow the page's language ------------------


def terms(model: type[TermT]) -> QuerySet[TermT]:
    """A vocabulary in the taxonomy's order."""
    return model.objects.order_by(*TAXONOMY_ORDER)


def economies_with_regions() -> QuerySet[Economy]:
    return Economy.objects.select_related("region")


# --- profiles -----------------------------------------------------------------------------------


def policy_areas_with_states(*, entries: QuerySet[Entry]) -> QuerySet[PolicyArea]:
    """Every policy area with `entry_count` and `confirmed_count` (those the Member submitted or
    validated) among `entries`, in the taxonomy's order: one query."""
    confirmed = entries.filter(verification__in=CONFIRMED_BY_MEMBER)
    return PolicyArea.objects.annotate(
        entry_count=Count("entries", filter=Q(entries__in=entries), distinct=True),
        confirmed_count=Count("entries", filter=Q(entries__in=confirmed), distinct=True),
    ).order_by(*TAXONOMY_ORDER)


def target_groups_with_counts(*, entries: QuerySet[Entry]) -> QuerySet[TargetGroup]:
    return TargetGroup.objects.annotate(
        entry_count=Count("entries", filter=Q(entries__in=entries), distinct=True)
    ).order_by(*TAXONOMY_ORDER)


def economies_with_entries(*, entries: QuerySet[Entry]) -> QuerySet[Economy]:
    """The economies that have at least one of `entries`, with `entry_count`."""
    return economies_with_entry_counts(entries=entries).filter(entry_count__gt=0)


def organizations_with_entries(*, entries: QuerySet[Entry]) -> QuerySet[Organization]:
    """The organisations that implement or contributed at least one of `entries`, with
    `entry_count`, their kind and economy: one query."""
    return organizations_with_entry_counts(entries=entries).filter(entry_count__gt=0)
