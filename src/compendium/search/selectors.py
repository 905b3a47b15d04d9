"""Searching the published entries: matches, ranking, facet counts, highlights, one page.

The text engine only says which documents match; every filter and every facet count is plain
SQL over the index tables (`search_entrydocument`, `search_entryfacet`), the same on both
databases. Counts over most of the catalog are taken as "all minus the few that do not match",
from a cached count of everything, so a query matching nearly everything stays fast."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection

from compendium.catalog.i18n import current_language
from compendium.catalog.models import Entry
from compendium.catalog.selectors import entry_list

from .backends import Highlight, get_backend
from .facets import FACETS, FacetSpec
from .indexing import index_generation
from .params import SearchParams
from .query import Query, parse

DOCUMENTS = "search_entrydocument d"
FACETS_TABLE = "search_entryfacet"
FACET_CACHE_SECONDS = 600


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


def _where(
    params: SearchParams, query: Query, *, skip_facet: str = "", text: bool = True
) -> tuple[str, list]:
    """The condition on documents `d` for this search (optionally leaving one facet out, for
    that facet's own counts, or leaving the required text out, for ranking)."""
    backend = get_backend()
    parts, values = ["d.is_public = %s"], [True]
    for name, selected in params.filters.items():
        if name == skip_facet or not selected:
            continue
        placeholders = ", ".join(["%s"] * len(selected))
        parts.append(
            f"d.entry_id IN (SELECT entry_id FROM search_entryfacet WHERE key IN ({placeholders}))"
        )
        values += [f"{name}:{v}" for v in selected]
    if params.year_from is not None:
        parts.append("d.start_year >= %s")
        values.append(params.year_from)
    if params.year_to is not None:
        parts.append("d.start_year <= %s")
        values.append(params.year_to)
    if text and query.required:
        sql, p = backend.required_condition(query)
        parts.append(sql)
        values += p
    if query.excluded:
        sql, p = backend.excluded_condition(query)
        parts.append(sql)
        values += p
    return " AND ".join(parts), values


def _count(where: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DOCUMENTS} WHERE {where}", params)
        return cursor.fetchone()[0]


def _facet_counts(where: str, params: list, prefix: str = "") -> Counter:
    """Facet values of the matching documents, counted by the database in one query."""
    sql = (
        f"SELECT key, COUNT(*) FROM {FACETS_TABLE} "
        f"WHERE entry_id IN (SELECT d.entry_id FROM {DOCUMENTS} WHERE {where})"
    )
    values = list(params)
    if prefix:
        # One facet's values as a range of keys, which the (entry, key) index answers for each
        # matching entry (SQLite's LIKE, used for `startswith`, cannot use an index at all).
        sql += " AND key >= %s AND key < %s"
        values += [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} GROUP BY key", values)
        return Counter(dict(cursor.fetchall()))


def _all_public() -> tuple[int, Counter]:
    """How many documents are public and their facet counts: cached until the index changes."""
    key = f"search-all:{connection.vendor}:{index_generation()}"
    cached = cache.get(key)
    if cached is None:
        # Every facet row counted straight off the (key, entry) index, less the rows of the few
        # documents not public: a fifth of the time of checking each row's visibility.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, COUNT(*) FROM {FACETS_TABLE} GROUP BY key")
            counts = Counter(dict(cursor.fetchall()))
        counts.subtract(_facet_counts("d.is_public = %s", [False]))
        counts = Counter({k: n for k, n in counts.items() if n > 0})
        cached = (_count("d.is_public = %s", [True]), counts)
        cache.set(key, cached, FACET_CACHE_SECONDS)
    return cached


def _counts_for(where: str, params: list, total: int, prefix: str = "") -> Counter:
    everything, all_counts = _all_public()
    if where == "d.is_public = %s":
        counts = all_counts
    elif total * 2 > everything:
        # Most documents match: count the few that do not, and subtract.
        rest = _facet_counts(f"d.is_public = %s AND NOT ({where})", [True, *params], prefix)
        counts = Counter(
            {k: n - rest.get(k, 0) for k, n in all_counts.items() if k.startswith(prefix)}
        )
    else:
        counts = _facet_counts(where, params, prefix)
    return Counter({k: n for k, n in counts.items() if n > 0 and k.startswith(prefix)})


def _facets(
    params: SearchParams, query: Query, where: str, values: list, total: int
) -> list[FacetResult]:
    base = _counts_for(where, values, total)
    results = []
    for spec in FACETS:
        selected = params.selected(spec.name)
        if selected:
            # Values of one facet are alternatives: count them as if this facet were not chosen.
            own_where, own_values = _where(params, query, skip_facet=spec.name)
            own_total = _count(own_where, own_values)
            counts = _counts_for(own_where, own_values, own_total, prefix=f"{spec.name}:")
        else:
            counts = base
        labels = spec.labels()
        prefix = f"{spec.name}:"
        items = [
            FacetValue(
                value=value,
                label=labels.get(value, value),
                count=counts.get(prefix + value, 0),
                selected=value in selected,
            )
            for value in labels
            if counts.get(prefix + value, 0) or value in selected
        ]
        if spec.sort_by_count:
            items.sort(key=lambda v: (-v.count, v.label.casefold()))
        results.append(FacetResult(spec=spec, values=items))
    return results


def _order(params: SearchParams, query: Query, where: str, values: list) -> tuple[str, list]:
    if params.sort == "relevance" and query.required:
        rank_where, rank_values = _where(params, query, text=False)
        return get_backend().ranked_sql(query, rank_where, rank_values)
    order = {
        "newest": "d.published_at DESC, d.entry_id DESC",
        "title": "d.sort_title, d.entry_id",
        "economy": f"d.sort_economy_{current_language()}, d.sort_title, d.entry_id",
        "relevance": "d.sort_title, d.entry_id",
    }[params.sort]
    return f"SELECT d.entry_id FROM {DOCUMENTS} WHERE {where} ORDER BY {order}", values


def _page_ids(sql: str, values: list, limit: int, offset: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*values, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def search_entries(
    *, params: SearchParams, facets: bool = True, highlight: bool = True
) -> SearchResult:
    """One page of published entries matching the search, with facet counts and highlights."""
    query = parse(params.q)
    with get_backend().matching(query):
        where, values = _where(params, query)
        total = _count(where, values)
        pages = max(1, -(-total // params.page_size))
        page = min(params.page, pages)
        sql, order_values = _order(params, query, where, values)
        ids = _page_ids(sql, order_values, params.page_size, (page - 1) * params.page_size)
        facet_results = _facets(params, query, where, values, total) if facets else []
    by_id = {e.pk: e for e in entry_list(entries=Entry.objects.filter(pk__in=ids))}
    return SearchResult(
        params=params,
        query=query,
        total=total,
        page=page,
        pages=pages,
        entries=[by_id[i] for i in ids if i in by_id],
        facets=facet_results,
        highlights=get_backend().highlights(query, ids) if highlight else {},
    )


def search_entry_ids(*, params: SearchParams) -> list[int]:
    """Every matching id in the search's order: for exports and feeds of a whole result list."""
    query = parse(params.q)
    where, values = _where(params, query)
    sql, order_values = _order(params, query, where, values)
    with connection.cursor() as cursor:
        cursor.execute(sql, order_values)
        return [row[0] for row in cursor.fetchall()]
