"""Open data over HTTP: the search results as files, the /data/ page and the feeds."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from compendium.catalog import selectors
from compendium.catalog.i18n import current_language
from compendium.search.selectors import search_entry_ids

from . import exports
from .feeds import EntriesFeed
from .metadata import codebook, data_page_url, dataset
from .queries import query_record, search_from_query

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

entries_feed = EntriesFeed()


@require_safe
def search_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every entry the search page would list for these parameters, in its order, as a file."""
    if fmt not in FORMATS:
        raise Http404
    params, problems = search_from_query(request.GET)
    ids = search_entry_ids(params=params)
    language = current_language()
    filename = exports.export_filename(fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(ids, language=language), content_type=FORMATS[fmt]
        )
    elif fmt == "json":
        head = exports.json_head(query=query_record(params, problems), ids=ids, language=language)
        response = StreamingHttpResponse(
            exports.json_chunks(head, ids, language=language), content_type=FORMATS[fmt]
        )
    else:
        file = exports.xlsx_file(query=query_record(params, problems), ids=ids, language=language)
        response = FileResponse(file, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def data_page(request: HttpRequest) -> HttpResponse:
    language = current_language()
    downloads = [
        (fmt, reverse("publishing:search_export", kwargs={"fmt": fmt}))
        for fmt in ("csv", "xlsx", "json")
    ]
    return render(
        request,
        "publishing/data.html",
        {
            "codebook": codebook(language=language),
            "dataset": dataset(language=language, url=data_page_url()),
            "entry_count": selectors.published_entries().count(),
            "downloads": downloads,
            "feed_url": reverse("publishing:feed_entries"),
        },
    )
