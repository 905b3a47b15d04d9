"""The public search page: a plain GET form over the search layer, updated in place by htmx.

Every state of the page is a stable URL written by `SearchParams.querystring()`. Without
JavaScript the form and its links load whole pages; with htmx the view answers with the part of
the page that changes and tells htmx the canonical URL to show, so both paths end on the same
address. The page, the exports and the feed read the same parameters.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from compendium.catalog.models import MAX_YEAR, MIN_YEAR, Entry
from compendium.public.caching import cached_for_visitors
from compendium.search.backends import Highlight
from compendium.search.params import SORTS, SearchParams, default_sort, params_from_query
from compendium.search.query import MAX_QUERY_CHARS, MAX_TERMS, Query
from compendium.search.selectors import FacetResult, SearchResult, search_entries

from .context_processors import site
from .listing import PageLink
from .templatetags.public_tags import shown_language

SORT_LABELS = {
    "relevance": gettext_lazy("Relevance"),
    "newest": gettext_lazy("Newest first"),
    "title": gettext_lazy("Title (A–Z)"),
    "economy": gettext_lazy("Economy (A–Z)"),
}
# The index's columns (search.backends.base.COLUMNS) as a reader names them.
MATCHED_LABELS = {
    "title": gettext_lazy("title"),
    "description": gettext_lazy("description"),
    "organisations": gettext_lazy("organisation"),
    "places": gettext_lazy("economy or region"),
    "areas": gettext_lazy("policy area"),
    "target_groups": gettext_lazy("target group"),
    "other": gettext_lazy("instrument type or gender focus"),
}
LONG_FACET = 10  # a facet with more values than this shows the first few, the rest on request
FACET_TOP = 8
ECONOMIES_SHOWN = 3
MAX_SUGGESTIONS = 5  # each costs one extra (count-only) search
EXPORT_FORMATS = (("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("json", "JSON"))
# Control characters (NUL included) mean nothing in a search and some databases refuse them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Chip:
    name: str  # what is filtered ("Policy area"), translated
    label: str  # the chosen value
    url: str  # the same search without this filter
    params: SearchParams
    # Whether following `url` keeps the words: only then may htmx update the page in place, as
    # the query box lies outside the part it replaces.
    keeps_words: bool = True


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str  # the same search with this value toggled
    input_id: str
    html: str = ""  # the option as the form shows it (safe HTML)


@dataclass(frozen=True)
class FacetView:
    name: str
    label: str
    shown: list[FacetOption]
    more: list[FacetOption]  # inside "Show all"

    @property
    def total(self) -> int:
        return len(self.shown) + len(self.more)


@dataclass(frozen=True)
class ResultRow:
    entry: Entry
    title_html: str  # highlighted title (escaped by the backend) or ""
    snippet_html: str  # highlighted excerpt of the description or ""
    snippet_language: str  # for its `lang` attribute
    matched: list[str]
    economies: list[str]
    more_economies: int
    html: str = ""  # the row as the results list shows it (safe HTML)


@dataclass(frozen=True)
class Suggestion:
    chip: Chip
    count: int


def _url(base: str, params: SearchParams) -> str:
    query = params.querystring()
    return f"{base}?{query}" if query else base


def _cleaned(query: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for name, values in query.lists():
        cleaned.setlist(name, [CONTROL.sub(" ", value) for value in values])
    return cleaned


def _years_label(params: SearchParams) -> str:
    if params.year_from and params.year_to:
        return f"{params.year_from}–{params.year_to}"
    if params.year_from:
        return _("from %(year)s") % {"year": params.year_from}
    return _("until %(year)s") % {"year": params.year_to}


def _chips(params: SearchParams, facets: list[FacetResult], base: str) -> list[Chip]:
    chips = []
    if params.q.strip():
        # Relevance means nothing without words: fall back to the default order.
        without = replace(
            params, q="", page=1, sort="title" if params.sort == "relevance" else params.sort
        )
        chips.append(
            Chip(_("Words"), params.q.strip(), _url(base, without), without, keeps_words=False)
        )
    for facet in facets:
        for value in facet.selected:
            without = params.toggled(facet.name, value.value)
            chips.append(Chip(facet.label, value.label, _url(base, without), without))
    if params.year_from or params.year_to:
        without = params.without_years()
        chips.append(Chip(_("Start year"), _years_label(params), _url(base, without), without))
    return chips


def _option_html(name: str, option: FacetOption) -> SafeString:
    """One facet value: a checkbox for the form and, for one click without JavaScript, the same
    toggle as a link with its own stable URL. Built here rather than by a template included once
    per value: an economy facet alone has 188 values, and the includes took two thirds of the
    page's rendering time."""
    if option.selected:
        title, spoken = _("Remove this filter"), _("remove the filter %(label)s")
    else:
        title, spoken = _("Add this filter"), _("filter by %(label)s")
    label, esc = option.label, html.escape  # escape() of str: ten times format_html's speed
    checked = " checked" if option.selected else ""
    return mark_safe(  # noqa: S308 - every value below is escaped
        f'<li class="facet-option"><input type="checkbox" id="{esc(option.input_id)}" '
        f'name="{esc(name)}" value="{esc(option.value)}"{checked}>'
        f'<label for="{esc(option.input_id)}">{esc(label)}</label>'
        f'<a class="facet-option__count" href="{esc(option.url)}" tabindex="-1" '
        f'title="{esc(title)}">{option.count}<span class="visually-hidden"> – '
        f"{esc(spoken % {'label': label})}</span></a></li>"
    )


def _facet_view(facet: FacetResult, params: SearchParams, base: str) -> FacetView:
    queries = params.toggled_querystrings(facet.name, (v.value for v in facet.values))
    options = []
    for v in facet.values:
        query = queries[v.value]
        option = FacetOption(
            value=v.value,
            label=v.label,
            count=v.count,
            selected=v.selected,
            url=f"{base}?{query}" if query else base,
            input_id=f"facet-{facet.name}-{v.value}",
        )
        options.append(replace(option, html=_option_html(facet.name, option)))
    if len(options) <= LONG_FACET:
        return FacetView(facet.name, facet.label, options, [])
    # Chosen values stay in view even when they are not among the most frequent.
    shown = [o for i, o in enumerate(options) if i < FACET_TOP or o.selected]
    more = [o for i, o in enumerate(options) if i >= FACET_TOP and not o.selected]
    return FacetView(facet.name, facet.label, shown, more)


def _plain(highlighted: str) -> str:
    return html.unescape(highlighted.replace("<mark>", "").replace("</mark>", ""))


def _snippet_language(entry: Entry, snippet_html: str) -> str:
    """Which of the entry's descriptions the excerpt comes from (the index holds them all)."""
    excerpt = _plain(snippet_html).strip("…").strip()
    for field, language in (
        ("description", entry.language),
        ("description_en", "en"),
        ("description_fr", "fr"),
        ("description_es", "es"),
    ):
        if excerpt and excerpt in getattr(entry, field):
            return language
    return entry.language


def _row(entry: Entry, highlight: Highlight | None) -> ResultRow:
    highlight = highlight or Highlight()
    # The index highlights the title as provided; show it only where it is the title on display
    # (a French page shows the French title, unhighlighted).
    title_html = (
        mark_safe(highlight.title)  # noqa: S308 - escaped by the backend; only <mark> added
        if highlight.title and _plain(highlight.title) == entry.display_title
        else ""
    )
    economies = [e.name for e in entry.economies.all()]
    row = ResultRow(
        entry=entry,
        title_html=title_html,
        snippet_html=mark_safe(highlight.snippet) if highlight.snippet else "",  # noqa: S308
        snippet_language=_snippet_language(entry, highlight.snippet),
        matched=[str(MATCHED_LABELS[c]) for c in highlight.matched if c in MATCHED_LABELS],
        economies=economies[:ECONOMIES_SHOWN],
        more_economies=max(0, len(economies) - ECONOMIES_SHOWN),
    )
    return replace(row, html=_row_html(row))


def _years(entry: Entry) -> str:
    start, end = entry.start_year, entry.end_year
    if start and end:
        return str(start) if start == end else f"{start}–{end}"
    if start:
        return _("since %(year)s") % {"year": start}
    return _("until %(year)s") % {"year": end} if end else ""


def _verification_text(entry: Entry) -> str:
    return {
        "member_validated": _(
            "The Member or Observer concerned has checked and confirmed this information."
        ),
        "submitted_by_member": _(
            "The Member or Observer concerned provided this information itself, through the "
            "survey or its focal point."
        ),
        "partner_reported": _(
            "A partner organisation reported this information from its own data. The economy "
            "concerned has not confirmed it yet."
        ),
    }.get(
        entry.verification,
        _(
            "The WTO Secretariat compiled this information from public sources, such as "
            "official documents and Trade Policy Reviews. The economy concerned has not "
            "confirmed it yet."
        ),
    )


def _row_html(row: ResultRow) -> SafeString:
    """One result, built here rather than by a template included once per row (with its own
    includes): the rows took a third of the page's rendering time. Every value is escaped."""
    entry, esc = row.entry, html.escape
    meta = []
    if row.economies:
        more = ""
        if row.more_economies:
            more = " " + ngettext(
                "and %(counter)s other", "and %(counter)s others", row.more_economies
            ) % {"counter": row.more_economies}
        meta.append(f"<span>{esc(', '.join(row.economies) + more)}</span>")
    meta.append(f"<span>{esc(entry.instrument_type.label)}</span>")
    if entry.start_year or entry.end_year:
        meta.append(f"<span>{esc(_years(entry))}</span>")
    title = row.title_html or esc(entry.display_title)
    if row.snippet_html:
        snippet = (
            f'<p class="result__snippet" lang="{esc(row.snippet_language)}">{row.snippet_html}</p>'
        )
    elif entry.display_description:
        snippet = (
            f'<p class="result__snippet" lang="{esc(shown_language(entry, "description"))}">'
            f"{esc(Truncator(entry.display_description).words(36, truncate=' …'))}</p>"
        )
    else:
        snippet = ""
    areas = [a.label for a in entry.policy_areas.all()]
    tags = (
        f'<ul class="tags" aria-label="{esc(_("Policy areas"))}">'
        + "".join(f"<li>{esc(label)}</li>" for label in areas)
        + "</ul>"
        if areas
        else ""
    )
    matched = (
        f'<span class="result__matched">{esc(_("Matched on:"))} {esc(", ".join(row.matched))}'
        "</span>"
        if row.matched
        else ""
    )
    return mark_safe(  # noqa: S308 - every value is escaped; the highlights by the backend
        f'<li class="result"><article><h3 class="result__title"><a '
        f'href="{esc(entry.get_absolute_url())}" lang="{esc(shown_language(entry, "title"))}">'
        f"{title}</a></h3>"
        f'<p class="result__meta">{" ".join(meta)}</p>{snippet}{tags}'
        f'<p class="result__foot"><span class="badge badge--small '
        f'badge--{esc(entry.verification)}" title="{esc(_verification_text(entry))}">'
        f'<span class="visually-hidden">{esc(_("Verification:"))} </span>'
        f"{esc(entry.get_verification_display())}</span> {matched}</p></article></li>"
    )


def _query_notices(query: Query) -> list[str]:
    notices = []
    if "truncated" in query.notes:
        notices.append(
            _("Only the first %(count)s characters of your words were used.")
            % {"count": MAX_QUERY_CHARS}
        )
    if "too_many_terms" in query.notes:
        notices.append(
            _("Only the first %(count)s words or phrases were used.") % {"count": MAX_TERMS}
        )
    return notices


def _sort_options(params: SearchParams) -> list[tuple[str, str, bool]]:
    """(value, label, selected). The first option is the default order, sent as "" so that
    typing words into a search sorted by default turns to relevance."""
    default = default_sort(params)
    options = [("", str(SORT_LABELS[default]), params.sort == default)]
    options += [
        (value, str(SORT_LABELS[value]), params.sort == value)
        for value in SORTS
        if value not in {default, "relevance"}
    ]
    return options


def _page_links(result: SearchResult, base: str) -> list[PageLink]:
    if result.pages <= 1:
        return []
    paginator = Paginator(range(result.total), result.params.page_size)
    links = []
    for number in paginator.get_elided_page_range(result.page, on_each_side=2, on_ends=1):
        if isinstance(number, int):
            url = _url(base, replace(result.params, page=number))
            links.append(PageLink(number, url, number == result.page))
        else:
            links.append(PageLink(None, "", False))
    return links


def _suggestions(chips: list[Chip]) -> list[Suggestion]:
    """For an empty result: how many entries each search with one filter fewer would find."""
    suggestions = []
    for chip in chips[:MAX_SUGGESTIONS]:
        relaxed = replace(chip.params, page=1, page_size=1)
        count = search_entries(params=relaxed, facets=False, highlight=False).total
        if count:
            suggestions.append(Suggestion(chip, count))
    return sorted(suggestions, key=lambda s: -s.count)


def _language_prefix() -> str:
    return reverse("public:home").rstrip("/")


def _export_links(params: SearchParams) -> dict[str, object]:
    """Downloads and feed of the whole result list (the publishing app serves them). Built by
    name when those URLs exist, by their documented paths otherwise."""
    query = params.querystring(page=False)
    suffix = f"?{query}" if query else ""
    downloads = []
    for fmt, label in EXPORT_FORMATS:
        try:
            path = reverse("publishing:search_export", kwargs={"fmt": fmt})
        except NoReverseMatch:
            path = ""
        if not path.endswith(f"export.{fmt}"):
            path = f"{_language_prefix()}/search/export.{fmt}"
        downloads.append({"format": fmt, "label": label, "url": path + suffix})
    try:
        feed = reverse("publishing:feed_entries")
    except NoReverseMatch:
        feed = f"{_language_prefix()}/feeds/entries.atom"
    return {"downloads": downloads, "feed": feed + suffix}


def _language_links(request: HttpRequest, url: str) -> list[dict]:
    """The switcher's links for the canonical address of this search (after an in-place update
    the request's own address is htmx's, not the one in the browser's bar)."""
    return [
        {**link, "url": translate_url(url, link["code"])}
        for link in site(request)["language_links"]
    ]


def _context(request: HttpRequest, params: SearchParams, problems: list[str]) -> dict:
    base = reverse("public:search")
    result = search_entries(params=params)
    shown = replace(params, page=result.page)  # a page past the end was clamped
    canonical = _url(base, shown)
    chips = _chips(params, result.facets, base)
    htmx = getattr(request, "htmx", None)
    return {
        "params": shown,
        "result": result,
        "rows": [_row(e, result.highlights.get(e.pk)) for e in result.entries],
        "end_index": result.start_index + len(result.entries) - 1,
        "facets": [_facet_view(f, params, base) for f in result.facets],
        "chips": chips,
        "suggestions": _suggestions(chips) if not result.total else [],
        "notices": [*problems, *_query_notices(result.query)],
        "page_links": _page_links(result, base),
        "previous_url": _url(base, replace(shown, page=result.page - 1))
        if result.has_previous
        else "",
        "next_url": _url(base, replace(shown, page=result.page + 1)) if result.has_next else "",
        "sorts": _sort_options(shown),
        "search_url": base,
        "min_year": MIN_YEAR,
        "max_year": MAX_YEAR,
        "canonical_url": canonical,
        "language_links": _language_links(request, canonical),
        "boosted": bool(htmx and htmx.boosted),
        **_export_links(shown),
    }


@require_safe
@cached_for_visitors
def search_page(request: HttpRequest) -> HttpResponse:
    params, problems = params_from_query(_cleaned(request.GET))
    context = _context(request, params, problems)
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, "public/_search_partial.html", context)
        push_url(response, context["canonical_url"])
    else:
        response = render(request, "public/search.html", context)
    # The same address answers with a whole page or a part: caches must keep both apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
