"""The Members × policy areas coverage matrix as plain data for `_coverage_table.html`: one row per
economy, one cell per policy area saying whether the Member stands behind an entry there
(validated), only others reported one, or there is none. The coverage page shows every row; an
economy's profile shows its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compendium.catalog.models import Economy, PolicyArea, Region

from .listing import name_key
from .search_links import search_url
from .statistics import NONE, REPORTED, VALIDATED, CoverageNumbers

# Short column headings of the matrix, by slug (the taxonomy holds only full labels). An area
# missing here shows its full label.
AREA_SHORT_LABELS: dict[str, Promise] = {
    "export_support": gettext_lazy("Export support"),
    "ecommerce": gettext_lazy("E-commerce"),
    "tech_products": gettext_lazy("Tech products"),
    "trade_agreements": gettext_lazy("Trade agreements"),
    "trade_facilitation_logistics": gettext_lazy("Trade facilitation"),
    "digital_skills_education": gettext_lazy("Digital skills"),
    "workforce_participation": gettext_lazy("Workforce"),
    "access_to_technology": gettext_lazy("Connectivity"),
    "cybersecurity": gettext_lazy("Cybersecurity"),
    "e_payments": gettext_lazy("E-payments"),
    "access_to_finance": gettext_lazy("Finance"),
    "entrepreneurship_support": gettext_lazy("Entrepreneurship"),
    "ip_and_innovation": gettext_lazy("IP and innovation"),
    "public_procurement": gettext_lazy("Procurement"),
    "legal_environment": gettext_lazy("Legal barriers"),
    "data_and_statistics": gettext_lazy("Data"),
    "governance_coordination": gettext_lazy("Strategies"),
}
SYMBOLS = {VALIDATED: "●", REPORTED: "○", NONE: "–"}


@dataclass(frozen=True)
class Column:
    slug: str
    label: str
    short: str


@dataclass(frozen=True)
class Cell:
    state: str  # VALIDATED, REPORTED or NONE
    symbol: str
    text: str  # what the symbol means, for screen readers and pages without CSS
    url: str = ""

    @property
    def css(self) -> str:
        return self.state[0]  # short class names: 3,000 cells


@dataclass(frozen=True)
class Row:
    economy: Economy
    entry_count: int
    entries_url: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class RegionBlock:
    region: Region | None  # None: a block without a heading row (an economy's own profile)
    rows: tuple[Row, ...]

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if row.entry_count)


@dataclass(frozen=True)
class Matrix:
    columns: tuple[Column, ...]
    blocks: tuple[RegionBlock, ...]

    @property
    def width(self) -> int:
        """Columns in all: the economy, its entry count, one per policy area."""
        return len(self.columns) + 2

    @property
    def footer(self) -> list[tuple[int, int]]:
        """Per policy area: economies with any entry, economies with a confirmed one."""
        rows = [row for block in self.blocks for row in block.rows]
        return [
            (
                sum(1 for row in rows if row.cells[i].state != NONE),
                sum(1 for row in rows if row.cells[i].state == VALIDATED),
            )
            for i in range(len(self.columns))
        ]


def matrix_columns(areas: Iterable[PolicyArea]) -> tuple[Column, ...]:
    return tuple(
        Column(a.slug, a.label, str(AREA_SHORT_LABELS.get(a.slug, a.label))) for a in areas
    )


def cell_texts() -> dict[str, str]:
    return {VALIDATED: _("validated"), REPORTED: _("reported by others only"), NONE: _("none")}


def matrix_row(
    *,
    economy: Economy,
    entry_count: int,
    states: Mapping[str, str],
    columns: Iterable[Column],
    texts: Mapping[str, str],
) -> Row:
    """One economy's row: each policy area's state, linked to the search when not empty."""
    cells = []
    for column in columns:
        state = states.get(column.slug, NONE)
        url = search_url(area=column.slug, economy=economy.code) if state != NONE else ""
        cells.append(Cell(state, SYMBOLS[state], texts[state], url))
    return Row(
        economy=economy,
        entry_count=entry_count,
        entries_url=search_url(economy=economy.code) if entry_count else "",
        cells=tuple(cells),
    )


def coverage_matrix(
    *, numbers: CoverageNumbers, economies: Iterable[Economy], columns: tuple[Column, ...]
) -> Matrix:
    """Every economy, grouped by WTO region in the taxonomy's order, by name within a region."""
    ordered = sorted(economies, key=lambda e: (e.region.position, e.region.slug, name_key(e.name)))
    texts = cell_texts()
    blocks = tuple(
        RegionBlock(
            region=region,
            rows=tuple(
                matrix_row(
                    economy=economy,
                    entry_count=numbers.by_economy.get(economy.code, 0),
                    states=numbers.cells.get(economy.code, {}),
                    columns=columns,
                    texts=texts,
                )
                for economy in members
            ),
        )
        for region, members in groupby(ordered, key=lambda e: e.region)
    )
    return Matrix(columns=columns, blocks=blocks)


def legend() -> list[tuple[str, str, str]]:
    """(CSS class, symbol, meaning) for the matrix's key."""
    return [
        ("v", SYMBOLS[VALIDATED], _("at least one entry submitted or validated by the Member")),
        ("r", SYMBOLS[REPORTED], _("entries reported by others only (partners, the Secretariat)")),
        ("n", SYMBOLS[NONE], _("no published entry")),
    ]
