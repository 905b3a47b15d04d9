"""A search's parameters said in words and as data, for the files, feeds and API answers that
carry the search they were made from."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from compendium.search.facets import FACETS
from compendium.search.params import SearchParams, params_from_query

# Control characters (NUL included) mean nothing in a search, XML cannot hold them and some
# databases refuse them: they become spaces, as on the search page.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def search_from_query(query: QueryDict | Mapping) -> tuple[SearchParams, list[str]]:
    """The search page's reading of a query string: unusable values dropped and explained."""
    cleaned = QueryDict(mutable=True)
    items = query.lists() if isinstance(query, QueryDict) else ((k, [v]) for k, v in query.items())
    for name, values in items:
        cleaned.setlist(name, [CONTROL.sub(" ", str(value)) for value in values])
    return params_from_query(cleaned)


def describe(params: SearchParams) -> str:
    """E.g. “mentor”; Policy area: E-commerce, Access to finance; Years: 2015–2020."""
    parts = [f"“{params.q.strip()}”"] if params.q.strip() else []
    for spec in FACETS:
        selected = params.selected(spec.name)
        if selected:
            labels = spec.labels()
            parts.append(f"{spec.label}: {', '.join(labels.get(v, v) for v in selected)}")
    if params.year_from is not None or params.year_to is not None:
        parts.append(
            _("Start year: %(from)s–%(to)s")
            % {"from": params.year_from or "", "to": params.year_to or ""}
        )
    return "; ".join(parts)


def query_record(params: SearchParams, problems: list[str] | None = None) -> dict[str, Any]:
    """The search as data: enough to run it again through the page, the exports or the API."""
    return {
        "q": params.q.strip(),
        "filters": {name: list(values) for name, values in params.filters.items()},
        "year_from": params.year_from,
        "year_to": params.year_to,
        "sort": params.sort,
        "querystring": params.querystring(page=False),
        "description": describe(params),
        "problems": list(problems or []),
    }


def search_page_path(params: SearchParams) -> str:
    """The search page showing these results, in the active language."""
    try:
        path = reverse("public:search")
    except NoReverseMatch:
        # Until the search page is routed, the plain list is the closest page there is.
        path = reverse("public:entries")
    query = params.querystring(page=False)
    return f"{path}?{query}" if query else path
