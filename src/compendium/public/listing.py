"""The entry list's filters and pages as small objects that templates only loop over and print.

Facets have the shape Datasette and CKAN give theirs: value, label, count, toggle address, selected.
Every address keeps the other filters, so each filtered view has one stable URL.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page
from django.http import QueryDict


def url_with(path: str, query: QueryDict, **changes: str | None) -> str:
    """`path` with the same query, some parameters set (or removed when None). Changing a filter
    goes back to the first page."""
    params = query.copy()
    if any(name != "page" for name in changes):
        params.pop("page", None)
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    encoded = params.urlencode()
    return f"{path}?{encoded}" if encoded else path


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True)
class ChosenFilter:
    name: str  # what is filtered ("Economy"), already translated
    label: str  # the chosen value
    remove_url: str


def facet_options(
    *, path: str, query: QueryDict, param: str, items: Iterable[tuple[str, str, int]]
) -> list[FacetOption]:
    """One option per (value, label, count) that has entries or is chosen; following a chosen
    option removes its filter."""
    current = query.get(param, "").strip().casefold()
    options = []
    for value, label, count in items:
        selected = bool(current) and value.casefold() == current
        if not count and not selected:
            continue
        url = url_with(path, query, **{param: None if selected else value})
        options.append(FacetOption(value, label, count, url, selected))
    return options


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None stands for a gap ("…")
    url: str
    current: bool


def page_links(*, path: str, page: Page, query: QueryDict) -> list[PageLink]:
    """Links to the first, last and nearby pages, keeping every filter."""
    links = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if isinstance(number, int):
            url = url_with(path, query, page=str(number) if number > 1 else None)
            links.append(PageLink(number, url, number == page.number))
        else:
            links.append(PageLink(None, "", False))
    return links


def page_url(*, path: str, query: QueryDict, number: int) -> str:
    return url_with(path, query, page=str(number) if number > 1 else None)


def name_key(name: str) -> str:
    """Sort names as a reader expects in EN/FR/ES: accents and case do not matter."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
