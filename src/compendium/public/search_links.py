"""Addresses of the search page filtered on facets, for the links of charts and matrices."""

from __future__ import annotations

from dataclasses import replace

from django.urls import reverse

from compendium.search.params import SearchParams, default_sort


def search_url(**filters: str) -> str:
    """The search page filtered on these facets, in the search's own canonical order."""
    params = SearchParams(filters={k: (v,) for k, v in filters.items() if v})
    query = replace(params, sort=default_sort(params)).querystring()
    path = reverse("public:search")
    return f"{path}?{query}" if query else path
