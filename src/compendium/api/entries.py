"""GET /entries and /entries/{slug}: the search page's results, one page at a time."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils import translation
from ninja import Path, Query, Router

from compendium.catalog import selectors
from compendium.publishing.representation import entry_record
from compendium.search.params import SearchParams
from compendium.search.selectors import FacetResult, search_entries

from .cursor import cursor_decode, cursor_encode, search_fingerprint
from .errors import ApiError
from .queries import DEFAULT_LIMIT, SLUG, EntryListQuery, LanguageQuery, search_params
from .schemas import ERRORS, EntryOut, EntryPage

router = Router(tags=["entries"])

LIST_DESCRIPTION = """
The published entries matching a search, with the same parameters as the site's search page
(`/search/`), so a search can move between the page, the downloads (`/search/export.csv?…`),
the feed (`/feeds/entries.atom?…`) and this API unchanged. Facet parameters may be repeated
(`economy=KEN&economy=CHL` means either). Unknown filter values are refused with a 400 listing each.

Pages: follow `next` (and `previous`) as given. They carry an opaque `cursor` tied to the query,
filters, sort, `limit` and `lang`; a cursor used with other parameters is refused with a 400.
`facets=true` adds the count of every facet value within the whole result.
"""


def _page_url(request: HttpRequest, items: list[tuple[str, str]], cursor: str | None) -> str:
    query = urlencode(items + ([("cursor", cursor)] if cursor else []))
    return request.build_absolute_uri(f"{request.path}?{query}" if query else request.path)


def _previous_url(
    request: HttpRequest, items: list[tuple[str, str]], offset: int, fingerprint: str
) -> str:
    # The first page has no cursor, so that its address is the one a client starts from.
    cursor = cursor_encode(offset=offset, fingerprint=fingerprint) if offset > 0 else None
    return _page_url(request, items, cursor)


def _facets(facets: list[FacetResult]) -> dict[str, Any]:
    return {
        facet.name: {
            "label": facet.label,
            "values": [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in facet.values
            ],
        }
        for facet in facets
    }


def _query_items(params: SearchParams, query: EntryListQuery) -> list[tuple[str, str]]:
    """The canonical parameters of this search, for the `next` and `previous` addresses."""
    items = params.query_items(page=False)
    if query.limit != DEFAULT_LIMIT:
        items.append(("limit", str(query.limit)))
    if query.facets:
        items.append(("facets", "true"))
    if query.lang != "en":
        items.append(("lang", query.lang))
    return items


@router.get(
    "/entries",
    response={200: EntryPage, **ERRORS},
    url_name="entries_list",
    summary="Search the published entries",
    description=LIST_DESCRIPTION,
    exclude_unset=True,
)
def entries_list(request: HttpRequest, query: Query[EntryListQuery]) -> dict[str, Any]:
    params = search_params(query)
    limit, lang = query.limit, query.lang
    fp = search_fingerprint(querystring=params.querystring(page=False), limit=limit, language=lang)
    offset = cursor_decode(query.cursor, fingerprint=fp, limit=limit) if query.cursor else 0
    page = offset // limit + 1
    with translation.override(lang):
        result = search_entries(
            params=replace(params, page=page, page_size=limit), facets=query.facets, highlight=False
        )
        # Past the last page the search answers with the last page; the API answers with none.
        ids = [e.pk for e in result.entries] if result.page == page else []
        results = [entry_record(e, language=lang) for e in selectors.entries_for_export(ids=ids)]
        items = _query_items(params, query)
        body: dict[str, Any] = {
            "count": result.total,
            "next": _page_url(request, items, cursor_encode(offset=offset + limit, fingerprint=fp))
            if offset + limit < result.total
            else None,
            "previous": _previous_url(request, items, offset - limit, fp) if offset else None,
            "results": results,
        }
        if query.facets:
            body["facets"] = _facets(result.facets)
    return body


@router.get(
    "/entries/{slug}",
    response={200: EntryOut, **ERRORS},
    url_name="entry_detail",
    summary="One published entry",
    description="Every public field of one published entry, with its sources. "
    "404 when no published entry has this slug.",
)
def entry_detail(
    request: HttpRequest, slug: Path[str], query: Query[LanguageQuery]
) -> dict[str, Any]:
    entry = selectors.published_entry_for_export(slug=slug) if SLUG.fullmatch(slug) else None
    if entry is None:
        raise ApiError(404, "not_found", f"No published entry has the slug “{slug[:120]}”.")
    return entry_record(entry, language=query.lang)
