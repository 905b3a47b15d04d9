"""The embeddable widget: a compact list of published entries that partner sites show in an
iframe (or through a one-line script that inserts the iframe), and the public page that builds
the snippet from the search page's filters.

The widget reads the search page's parameters, is chosen in a language by its URL prefix (/fr/,
/es/), and is made to be embedded anywhere: it sets no cookie, reads no session, tracks nothing,
needs no JavaScript, may be cached by anyone (Cache-Control public), and may be framed by any
origin (this view only: every other page keeps `frame-ancestors 'none'` and X-Frame-Options
DENY). It is rendered without the request, so no context processor, CSRF token or session can
leak into it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from compendium.catalog.i18n import current_language
from compendium.catalog.models import Entry
from compendium.search.facets import FACETS_BY_NAME
from compendium.search.params import SearchParams, params_from_query
from compendium.search.selectors import search_entries

from .queries import CONTROL, describe, search_page_path

WIDGET_SIZE = 10  # entries shown unless the snippet asks for another number
WIDGET_MAX_SIZE = 50
WIDGET_MAX_AGE = 600  # seconds: partners' pages and caches may keep the list this long
HEADING_MAX_CHARS = 120
DEFAULT_HEIGHT = 480
# The builder offers the main facets; any other search parameter in its URL is kept as well.
BUILDER_FACETS = ("area", "group", "economy", "region", "instrument", "gender")
LANGUAGE_CODES = ("en", "fr", "es")


@dataclass(frozen=True)
class WidgetRequest:
    params: SearchParams
    heading: str  # the partner's own heading, or "" for the default


def _cleaned(query: QueryDict) -> QueryDict:
    """Control characters (NUL included) become spaces, as on the search page."""
    cleaned = QueryDict(mutable=True)
    for name, values in query.lists():
        cleaned.setlist(name, [CONTROL.sub(" ", value) for value in values])
    return cleaned


def widget_request(query: QueryDict) -> WidgetRequest:
    """The search page's parameters (unusable ones dropped), a page of at most 50 entries, and
    the optional heading."""
    cleaned = _cleaned(query)
    params, _problems = params_from_query(cleaned, page_size=WIDGET_SIZE)
    params = replace(params, page_size=min(params.page_size, WIDGET_MAX_SIZE))
    heading = " ".join(cleaned.get("heading", "").split())[:HEADING_MAX_CHARS]
    return WidgetRequest(params=params, heading=heading)


def widget_query(params: SearchParams, *, heading: str = "") -> str:
    """The widget's query string: the search's canonical one, the size and the heading."""
    items = params.query_items(page=False)
    if params.page_size != WIDGET_SIZE:
        items.append(("page_size", str(params.page_size)))
    if heading:
        items.append(("heading", heading))
    return urlencode(items)


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@cache_control(public=True, max_age=WIDGET_MAX_AGE)
def embed_entries(request: HttpRequest) -> HttpResponse:
    asked = widget_request(request.GET)
    result = search_entries(params=asked.params, facets=False, highlight=False)
    entries: list[Entry] = result.entries
    context = {
        "language": current_language(),
        "heading": asked.heading,
        "described": describe(asked.params),
        "entries": entries,
        "total": result.total,
        "more_url": search_page_path(replace(asked.params, page=1)),
        "any_sample": any(entry.is_sample for entry in entries),
    }
    # Rendered without the request: nothing here can read the session or set a cookie.
    return HttpResponse(render_to_string("publishing/widget/entries.html", context))


# --- the builder page ----------------------------------------------------------------------------


def widget_url(language: str, query: str) -> str:
    with translation.override(language):
        path = reverse("publishing:embed_entries")
    return settings.SITE_URL + path + (f"?{query}" if query else "")


def _snippets(*, language: str, query: str, height: int, title: str) -> dict[str, str]:
    url = widget_url(language, query)
    script = settings.SITE_URL + settings.STATIC_URL + "publishing/embed.js"
    iframe = (
        f'<iframe src="{_attr(url)}" title="{_attr(title)}" width="100%" height="{height}" '
        'loading="lazy" referrerpolicy="no-referrer" style="border:0"></iframe>'
    )
    attributes = f' data-query="{_attr(query)}"' if query else ""
    script_tag = (
        f'<script src="{_attr(script)}" data-compendium-embed data-lang="{language}"'
        f'{attributes} data-height="{height}" data-title="{_attr(title)}" async></script>'
    )
    return {"url": url, "iframe": iframe, "script": script_tag}


def _attr(text: str) -> str:
    """Text safe inside a double-quoted HTML attribute of the snippet."""
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def _facet_choices(params: SearchParams) -> list[dict]:
    facets = []
    for name in BUILDER_FACETS:
        spec = FACETS_BY_NAME[name]
        selected = params.selected(name)
        facets.append(
            {
                "name": name,
                "label": spec.label,
                "selected": selected[0] if selected else "",
                "options": list(spec.labels().items()),
            }
        )
    return facets


def _height(raw: str) -> int:
    return min(max(int(raw), 200), 2000) if raw.isdigit() and len(raw) <= 4 else DEFAULT_HEIGHT


@require_safe
def embed_builder(request: HttpRequest) -> HttpResponse:
    """Choose filters (the search page's parameters), a language and a size; get both snippets
    and a live preview. Works without JavaScript: the form reloads the page."""
    asked = widget_request(request.GET)
    language = request.GET.get("lang", "")
    language = language if language in LANGUAGE_CODES else current_language()
    height = _height(request.GET.get("height", ""))
    query = widget_query(asked.params, heading=asked.heading)
    title = asked.heading or describe(asked.params) or str(_default_title(language))
    return render(
        request,
        "publishing/widget/builder.html",
        {
            "params": asked.params,
            "heading": asked.heading,
            "facets": _facet_choices(asked.params),
            "language": language,
            "languages": [(code, name) for code, name in settings.LANGUAGES],
            "height": height,
            "size": asked.params.page_size,
            "sizes": (5, 10, 20, 50),
            "snippets": _snippets(language=language, query=query, height=height, title=title),
            "preview_url": widget_url(language, query).removeprefix(settings.SITE_URL),
        },
    )


def _default_title(language: str) -> str:
    with translation.override(language):
        return translation.gettext("Entries of the compendium")
