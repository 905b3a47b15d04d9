"""Searching the published entries: matches, ranking, facet counts, highlights, one page.

The text engine only says which documents match; every filter, facet count and sort order works
on the index's bitmaps in memory (`search.bitmaps`), the same on both databases."""

from __future__ import annotations

from dataclasses import dataclass, field

from compendium.catalog.i18n import current_language
from compendium.catalog.models import Entry

from .backends import Highlight, get_backend
from .bitmaps import Bitmaps, current_bitmaps, ids_in
from .facets import FACETS, FacetSpec
from .page_entries import page_entries
from .params import SearchParams
from .query import Query, parse

# Up to this many matches are ranked by the engine's weighted score (bm25, ts_rank) over every
# field; beyond it, title matches first (see `_ordered`). Measured at 100,000 entries: ranking
# 2,000 candidates takes ~8 ms on SQLite and ~15 ms on PostgreSQL.
RANK_LIMIT = 2_000
# Words found in more than this share of the entries (and more than RANK_LIMIT of them) are
# broad: whatever the filters leave is ordered title matches first, not scored. Scoring them
# would cost a second pass over every match (bm25 counts each phrase's documents first: 11 ms
# for "digital skills" at 100,000 entries) to weigh words that say little about relevance.
BROAD_SHARE = 0.25
# Title-first order looks for the page among this many newest matches before asking the engine
# about every title.
TITLE_WINDOW = 200


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetResult:
    spec: FacetSpec
    values: list[FacetValue]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        return str(self.spec.label)

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]


@dataclass
class SearchResult:
    params: SearchParams
    query: Query
    total: int
    page: int
    pages: int
    entries: list[Entry]
    facets: list[FacetResult] = field(default_factory=list)
    highlights: dict[int, Highlight] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.params.page_size + 1 if self.total else 0


@dataclass
class _Matches:
    """One search's sets of ids as bitmaps: `text` (public, words matched, exclusions applied),
    each chosen facet's alternatives, and the start-year range."""

    bitmaps: Bitmaps
    text: int
    facets: dict[str, int]
    years: int | None

    @property
    def broad(self) -> bool:
        """Whether the words match so many entries that they say little about relevance."""
        words = self.text.bit_count()
        return words > max(RANK_LIMIT, BROAD_SHARE * self.bitmaps.public.bit_count())

    def all(self, *, skip_facet: str = "") -> int:
        bitmap = self.text
        for name, bits in self.facets.items():
            if name != skip_facet:
                bitmap &= bits
        if self.years is not None:
            bitmap &= self.years
        return bitmap


def _matches(params: SearchParams, query: Query) -> _Matches:
    bitmaps = current_bitmaps()
    backend = get_backend()
    facets = {
        name: bitmaps.any_of(f"{name}:{value}" for value in selected)
        for name, selected in params.filters.items()
        if selected
    }
    years = None
    if params.year_from is not None or params.year_to is not None:
        years = bitmaps.year_range(params.year_from, params.year_to)
    matches = _Matches(bitmaps=bitmaps, text=bitmaps.public, facets=facets, years=years)
    if query.required:
        matches.text &= bitmaps.of(backend.match_ids(query))
    if query.excluded:
        matches.text &= ~bitmaps.of(backend.excluded_ids(query))
    return matches


def _counts(bitmaps: Bitmaps, bitmap: int, prefix: str) -> dict[str, int]:
    """How many of the bitmap's entries have each value of one facet (`prefix` = `area:`)."""
    counts = {}
    for key, bits in bitmaps.keys.items():
        if key.startswith(prefix):
            count = (bitmap & bits).bit_count()
            if count:
                counts[key[len(prefix) :]] = count
    return counts


def _facets(params: SearchParams, matches: _Matches, everything: int) -> list[FacetResult]:
    results = []
    for spec in FACETS:
        selected = params.selected(spec.name)
        # Values of one facet are alternatives: count them as if this facet were not chosen.
        bitmap = matches.all(skip_facet=spec.name) if selected else everything
        counts = _counts(matches.bitmaps, bitmap, f"{spec.name}:")
        labels = spec.labels()
        items = [
            FacetValue(
                value=value,
                label=labels.get(value, value),
                count=counts.get(value, 0),
                selected=value in selected,
            )
            for value in labels
            if counts.get(value) or value in selected
        ]
        if spec.sort_by_count:
            items.sort(key=lambda v: (-v.count, v.label.casefold()))
        results.append(FacetResult(spec=spec, values=items))
    return results


def _sort_order(params: SearchParams) -> str:
    if params.sort == "economy":
        return f"economy_{current_language()}"
    return {"newest": "newest", "title": "title"}.get(params.sort, "title")


def _ordered(
    params: SearchParams,
    query: Query,
    matches: _Matches,
    bitmap: int,
    total: int,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[int]:
    """The matching ids in the search's order, from `offset`, at most `limit`."""
    bitmaps = matches.bitmaps
    end = None if limit is None else offset + limit
    if params.sort != "relevance" or not query.required:
        return bitmaps.ordered(bitmap, _sort_order(params), offset=offset, limit=limit)
    if total <= RANK_LIMIT and not matches.broad:
        return get_backend().ranked_ids(query, ids_in(bitmap))[offset:end]
    return _title_first(query, bitmaps, bitmap, offset=offset, limit=limit)


def _title_first(
    query: Query, bitmaps: Bitmaps, bitmap: int, *, offset: int, limit: int | None
) -> list[int]:
    """Entries matching in the title first, each part newest first: the order for words found
    in most entries, where weighing every match costs ~4 µs each and says little."""
    backend = get_backend()
    end = None if limit is None else offset + limit
    if end is not None and end <= TITLE_WINDOW // 4:
        # A page near the start is almost always among the newest matches: ask about those
        # titles only (at 100,000 entries, 1 ms instead of 40 for a word in every title).
        window = bitmaps.ordered(bitmap, "newest", limit=TITLE_WINDOW)
        in_title = backend.title_matches_among(query, window)
        first = [i for i in window if i in in_title]
        if len(first) >= end:
            return first[offset:end]
        if len(window) < TITLE_WINDOW:  # the window holds every match
            return (first + [i for i in window if i not in in_title])[offset:end]
    in_title = bitmap & bitmaps.of(backend.title_match_ids(query))
    first = bitmaps.ordered(in_title, "newest", offset=offset, limit=limit)
    if limit is not None and len(first) >= limit:
        return first
    rest_offset = max(0, offset - in_title.bit_count())
    rest_limit = None if limit is None else limit - len(first)
    rest = bitmaps.ordered(bitmap & ~in_title, "newest", offset=rest_offset, limit=rest_limit)
    return first + rest


def search_entries(
    *, params: SearchParams, facets: bool = True, highlight: bool = True
) -> SearchResult:
    """One page of published entries matching the search, with facet counts and highlights."""
    query = parse(params.q)
    matches = _matches(params, query)
    everything = matches.all()
    total = everything.bit_count()
    pages = max(1, -(-total // params.page_size))
    page = min(params.page, pages)
    ids = _ordered(
        params,
        query,
        matches,
        everything,
        total,
        offset=(page - 1) * params.page_size,
        limit=params.page_size,
    )
    facet_results = _facets(params, matches, everything) if facets else []
    return SearchResult(
        params=params,
        query=query,
        total=total,
        page=page,
        pages=pages,
        entries=page_entries(ids, generation=matches.bitmaps.generation),
        facets=facet_results,
        highlights=(
            get_backend().highlights(query, ids, matches=matches.text.bit_count())
            if highlight
            else {}
        ),
    )


def search_entry_ids(*, params: SearchParams) -> list[int]:
    """Every matching id in the search's order: for exports and feeds of a whole result list."""
    query = parse(params.q)
    matches = _matches(params, query)
    everything = matches.all()
    return _ordered(params, query, matches, everything, everything.bit_count())
