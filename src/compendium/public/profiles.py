"""What the economy and organisation profiles add to their pages: charts of their entries and
the economy's row of the coverage matrix. Each piece is one aggregate query."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from compendium.catalog.models import ContributorType, Economy, Entry, Organization

from . import statistics
from .charts import Bar, BarChart, bar_chart
from .listing import name_key
from .matrix import Matrix, RegionBlock, cell_texts, legend, matrix_columns, matrix_row
from .search_links import search_url


def _largest_first(bars: Iterable[Bar]) -> list[Bar]:
    """Bars with a count, largest first; ties keep the order given (the taxonomy's)."""
    return sorted((b for b in bars if b.count), key=lambda b: -b.count)


def _areas_chart(areas: Iterable, **filters: str) -> BarChart:
    return bar_chart(
        key="areas",
        title=_("Entries by policy area"),
        bars=_largest_first(
            Bar(a.label, a.entry_count, search_url(area=a.slug, **filters)) for a in areas
        ),
        label_heading=_("Policy area"),
        count_heading=_("Entries"),
    )


def _groups_chart(entries: QuerySet[Entry], **filters: str) -> BarChart:
    return bar_chart(
        key="groups",
        title=_("Entries by target group"),
        bars=_largest_first(
            Bar(g.label, g.entry_count, search_url(group=g.slug, **filters))
            for g in statistics.target_groups_with_counts(entries=entries)
        ),
        label_heading=_("Target group"),
        count_heading=_("Entries"),
    )


def economy_profile(*, economy: Economy, entries: QuerySet[Entry], count: int) -> dict:
    """`entries`: the published entries about the economy (covering it or contributed by it);
    `count`: how many there are (the page has them already)."""
    areas = list(statistics.policy_areas_with_states(entries=entries))
    columns = matrix_columns(areas)
    row = matrix_row(
        economy=economy,
        entry_count=count,
        states={
            a.slug: statistics.coverage_state(entries=a.entry_count, confirmed=a.confirmed_count)
            for a in areas
        },
        columns=columns,
        texts=cell_texts(),
    )
    return {
        "coverage_row": Matrix(columns=columns, blocks=(RegionBlock(None, (row,)),)),
        "legend": legend(),
        "charts": [
            _areas_chart(areas, economy=economy.code),
            _groups_chart(entries, economy=economy.code),
        ],
    }


def organization_profile(*, organization: Organization, entries: QuerySet[Entry]) -> dict:
    """`entries`: the published entries the organisation implements or contributed."""
    by_economy = sorted(
        statistics.economies_with_entries(entries=entries), key=lambda e: name_key(e.name)
    )
    return {
        "charts": [
            _areas_chart(
                statistics.policy_areas_with_states(entries=entries),
                organization=organization.slug,
            ),
            _groups_chart(entries, organization=organization.slug),
            bar_chart(
                key="economies",
                title=_("Entries by economy"),
                bars=_largest_first(
                    Bar(
                        e.name,
                        e.entry_count,
                        search_url(economy=e.code, organization=organization.slug),
                    )
                    for e in by_economy
                ),
                label_heading=_("Economy"),
                count_heading=_("Entries"),
            ),
        ],
    }


def organizations_by_kind(
    *, entries: QuerySet[Entry]
) -> list[tuple[ContributorType, list[Organization]]]:
    """The organisations with entries, grouped by kind (in the taxonomy's order), by name within."""
    organizations = sorted(
        statistics.organizations_with_entries(entries=entries),
        key=lambda o: (o.kind.position, o.kind.slug, name_key(o.name)),
    )
    return [(kind, list(members)) for kind, members in groupby(organizations, lambda o: o.kind)]
