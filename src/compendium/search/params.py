"""What a search asks for, read from a URL's query string, and written back into one.

Every state of the search page is a stable URL, and the API, the exports and the feeds read the
same parameters, so a link copied from one works in the others."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from compendium.catalog.models import MAX_YEAR, MIN_YEAR

from .facets import FACETS

SORTS = ("relevance", "newest", "title", "economy")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_VALUES_PER_FACET = 50
FACET_POSITIONS = {spec.name: n for n, spec in enumerate(FACETS)}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def is_filtered(self) -> bool:
        return bool(self.q.strip() or self.filters or self.year_from or self.year_to)

    def selected(self, facet: str) -> tuple[str, ...]:
        return self.filters.get(facet, ())

    def with_values(self, facet: str, values: tuple[str, ...]) -> SearchParams:
        filters = {k: v for k, v in self.filters.items() if k != facet}
        if values:
            filters[facet] = values
        return replace(self, filters=filters, page=1)

    def toggled(self, facet: str, value: str) -> SearchParams:
        values = self.selected(facet)
        new = tuple(v for v in values if v != value) if value in values else (*values, value)
        return self.with_values(facet, new)

    def without_years(self) -> SearchParams:
        return replace(self, year_from=None, year_to=None, page=1)

    def query_items(self, *, page: bool = True) -> list[tuple[str, str]]:
        """The parameters as (name, value) pairs in a stable order: the canonical URL."""
        items: list[tuple[str, str]] = []
        if self.q.strip():
            items.append(("q", self.q.strip()))
        for spec in FACETS:
            items += [(spec.name, v) for v in self.selected(spec.name)]
        if self.year_from is not None:
            items.append(("year_from", str(self.year_from)))
        if self.year_to is not None:
            items.append(("year_to", str(self.year_to)))
        if self.sort != default_sort(self):
            items.append(("sort", self.sort))
        if page and self.page > 1:
            items.append(("page", str(self.page)))
        return items

    def querystring(self, *, page: bool = True) -> str:
        return urlencode(self.query_items(page=page))

    def toggled_querystrings(self, facet: str, values: Iterable[str]) -> dict[str, str]:
        """`toggled(facet, value).querystring()` for each value, built together: only this
        facet's part of the query string differs from one value to the next (a page's facets
        offer a few hundred values)."""
        items = self.with_values(facet, ()).query_items()
        earlier = {spec.name for spec in FACETS[: FACET_POSITIONS[facet]]} | {"q"}
        split = next((i for i, (name, _v) in enumerate(items) if name not in earlier), len(items))
        head, tail = urlencode(items[:split]), urlencode(items[split:])
        chosen = self.selected(facet)
        querystrings = {}
        for value in values:
            new = tuple(v for v in chosen if v != value) if value in chosen else (*chosen, value)
            middle = urlencode([(facet, v) for v in new])
            querystrings[value] = "&".join(part for part in (head, middle, tail) if part)
        return querystrings


def default_sort(params: SearchParams) -> str:
    """Relevance when there is something to be relevant to, titles otherwise."""
    return "relevance" if params.q.strip() else "title"


def _year(raw: str, name: str, problems: list[str]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        problems.append(
            _(
                "“%(value)s” is not a year between %(min)s and %(max)s: the %(name)s "
                "filter was ignored."
            )
            % {"value": raw[:20], "min": MIN_YEAR, "max": MAX_YEAR, "name": name}
        )
        return None
    return int(raw)


def params_from_query(
    query: Mapping, *, page_size: int = PAGE_SIZE
) -> tuple[SearchParams, list[str]]:
    """Read the parameters; anything unusable is dropped and explained, never an error page."""
    problems: list[str] = []
    get_list = (
        query.getlist if hasattr(query, "getlist") else lambda k: [query[k]] if k in query else []
    )
    text = " ".join(get_list("q"))
    filters: dict[str, tuple[str, ...]] = {}
    for spec in FACETS:
        raw = [spec.normalise(v) for v in get_list(spec.name) if v.strip()]
        if not raw:
            continue
        known = spec.labels()
        values = tuple(dict.fromkeys(v for v in raw if v in known))[:MAX_VALUES_PER_FACET]
        for unknown in dict.fromkeys(v for v in raw if v not in known):
            problems.append(
                _("%(facet)s “%(value)s” is unknown and was ignored.")
                % {"facet": spec.label, "value": unknown[:60]}
            )
        if values:
            filters[spec.name] = values
    year_from = _year((get_list("year_from") or [""])[0], _("from year"), problems)
    year_to = _year((get_list("year_to") or [""])[0], _("to year"), problems)
    if year_from and year_to and year_from > year_to:
        year_from, year_to = year_to, year_from
    params = SearchParams(q=text[:2000], filters=filters, year_from=year_from, year_to=year_to)
    sort = (get_list("sort") or [""])[0]
    if sort and sort not in SORTS:
        problems.append(
            _("Unknown sort order “%(value)s”; the default order is used.") % {"value": sort[:30]}
        )
        sort = ""
    raw_page = (get_list("page") or ["1"])[0]
    page = int(raw_page) if raw_page.isdigit() and 0 < len(raw_page) <= 9 else 1
    size_raw = (get_list("page_size") or [""])[0]
    if size_raw.isdigit():
        page_size = min(max(int(size_raw), 1), MAX_PAGE_SIZE)
    return replace(
        params, sort=sort or default_sort(params), page=max(page, 1), page_size=page_size
    ), problems
