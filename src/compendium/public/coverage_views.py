"""Coverage and statistics: the Members × policy areas matrix and the totals, with charts.

The counts come cached from `statistics.published_coverage()`; only the labels (in the page's
language) are read on each request, and the rendered matrix is cached too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from compendium.catalog.models import (
    ContributorType,
    Economy,
    InstrumentType,
    PolicyArea,
    Region,
    TargetGroup,
    Term,
    Verification,
)
from compendium.public.caching import cached_for_visitors

from . import statistics
from .charts import Bar, BarChart, bar_chart
from .matrix import coverage_matrix, legend, matrix_columns
from .search_links import search_url
from .statistics import VALIDATED, CoverageNumbers

# The rendered matrix (3,000 cells) is cached per index generation and language; the timeout
# only bounds how long a renamed economy without entries (no index write) shows its old name.
MATRIX_CACHE_SECONDS = 60 * 60


# --- the totals ---------------------------------------------------------------------------------


def _term_bars(
    terms: Iterable[Term], counts: Mapping[str, int], facet: str, *, keep_zero: bool = False
) -> list[Bar]:
    """Bars for a vocabulary, largest first (ties in the taxonomy's order), each linked to the
    search filtered on it."""
    bars = [
        Bar(t.label, counts.get(t.slug, 0), search_url(**{facet: t.slug}))
        for t in terms
        if keep_zero or counts.get(t.slug, 0)
    ]
    return sorted(bars, key=lambda b: -b.count)


@dataclass(frozen=True)
class RegionCoverage:
    region: Region
    covered: int  # economies with at least one published entry
    economies: int


def coverage_by_region(
    *, numbers: CoverageNumbers, economies: Iterable[Economy]
) -> list[RegionCoverage]:
    """Per WTO region (in the taxonomy's order), how many of its economies have entries."""
    regions: dict[int, RegionCoverage] = {}
    for economy in sorted(economies, key=lambda e: (e.region.position, e.region.slug)):
        current = regions.get(economy.region_id, RegionCoverage(economy.region, 0, 0))
        regions[economy.region_id] = replace(
            current,
            covered=current.covered + (economy.code in numbers.by_economy),
            economies=current.economies + 1,
        )
    return list(regions.values())


def _covered_chart(coverage: Iterable[RegionCoverage]) -> BarChart:
    return bar_chart(
        key="covered",
        title=_("Economies with published entries, by WTO region"),
        bars=[
            Bar(
                c.region.label,
                c.covered,
                reverse("public:economies") + f"#region-{c.region.slug}",
                of=c.economies,
            )
            for c in coverage
        ],
        label_heading=_("WTO region"),
        count_heading=_("Economies with entries"),
        of_heading=_("Economies in the region"),
        unit=_("economies"),
    )


def _verification_chart(counts: Mapping[str, int]) -> BarChart:
    return bar_chart(
        key="verification",
        title=_("Entries by verification status"),
        # The statuses' own order, strongest first: here the order carries meaning.
        bars=[
            Bar(str(label), counts.get(value, 0), search_url(verification=value))
            for value, label in Verification.choices
        ],
        label_heading=_("Verification status"),
        count_heading=_("Entries"),
    )


def totals_charts(
    *,
    numbers: CoverageNumbers,
    regions: list[Region],
    areas: list[PolicyArea],
    coverage: list[RegionCoverage],
) -> list[BarChart]:
    """The charts in pairs that sit side by side on a wide screen, alike in length."""
    entries = _("Entries")

    def by_term(key: str, title: str, heading: str, bars: list[Bar]) -> BarChart:
        return bar_chart(
            key=key, title=title, bars=bars, label_heading=heading, count_heading=entries
        )

    return [
        by_term(
            "regions",
            _("Entries by WTO region"),
            _("WTO region"),
            _term_bars(regions, numbers.by_region, "region", keep_zero=True),
        ),
        _covered_chart(coverage),
        by_term(
            "areas",
            _("Entries by policy area"),
            _("Policy area"),
            _term_bars(areas, numbers.by_area, "area"),
        ),
        by_term(
            "groups",
            _("Entries by target group"),
            _("Target group"),
            _term_bars(statistics.terms(TargetGroup), numbers.by_group, "group"),
        ),
        by_term(
            "instruments",
            _("Entries by instrument type"),
            _("Instrument type"),
            _term_bars(statistics.terms(InstrumentType), numbers.by_instrument, "instrument"),
        ),
        by_term(
            "contributors",
            _("Entries by contributor type"),
            _("Contributor type"),
            _term_bars(
                statistics.terms(ContributorType), numbers.by_contributor_type, "contributor_type"
            ),
        ),
        _verification_chart(numbers.by_verification),
    ]


@require_safe
@cached_for_visitors
def coverage(request: HttpRequest) -> HttpResponse:
    numbers = statistics.published_coverage()
    areas = list(statistics.terms(PolicyArea))
    economies = list(statistics.economies_with_regions())
    by_region = coverage_by_region(numbers=numbers, economies=economies)
    return render(
        request,
        "public/coverage.html",
        {
            "numbers": numbers,
            # Built only when the template's cached copy of the matrix is missing or stale.
            "matrix": SimpleLazyObject(
                lambda: coverage_matrix(
                    numbers=numbers, economies=economies, columns=matrix_columns(areas)
                )
            ),
            "matrix_cache_seconds": MATRIX_CACHE_SECONDS,
            "legend": legend(),
            "economies": len(economies),
            "economies_covered": len(numbers.by_economy),
            "economies_confirmed": sum(
                1 for row in numbers.cells.values() if VALIDATED in row.values()
            ),
            "charts": totals_charts(
                numbers=numbers,
                regions=list(statistics.terms(Region)),
                areas=areas,
                coverage=by_region,
            ),
        },
    )
