"""Open data over HTTP: the search results as files, the /data/ page and the feeds."""

from __future__ import annotations

import base64
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from compendium.catalog import selectors
from compendium.catalog.i18n import current_language
from compendium.search.selectors import search_entry_ids

from . import exports
from . import selectors as publishing_selectors
from .feeds import EntriesFeed, WhatsNewFeed
from .metadata import codebook, data_page_url, dataset
from .queries import query_record, search_from_query
from .releases import release_citation, release_path

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

entries_feed = EntriesFeed()
whats_new_feed = WhatsNewFeed()


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
            "releases": release_listing(),
        },
    )


def release_listing() -> list[dict]:
    """Each release with its citation in the page's language and its files' addresses."""
    listing = []
    for release in publishing_selectors.public_releases():
        url = settings.SITE_URL + release_path(release.name)
        listing.append(
            {
                "release": release,
                "citation": release_citation(
                    info_title=release.title,
                    version=release.version,
                    created=release.created_at,
                    url=url,
                ),
                "files": [
                    (
                        file,
                        reverse(
                            "publishing:release_file",
                            kwargs={"release": release.name, "name": file.name},
                        ),
                    )
                    for file in release.files.all()
                ],
            }
        )
    return listing


# A release never changes once written: its files may be cached for a long time.
RELEASE_FILE_MAX_AGE = 24 * 3600
DOWNLOADED = {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@require_safe
def release_file(request: HttpRequest, release: str, name: str) -> HttpResponse:
    """One file of a data release, with its own media type (never served raw from media)."""
    file = publishing_selectors.public_release_file(release=release, name=name)
    if file is None:
        raise Http404
    path = Path(settings.MEDIA_ROOT) / file.release.directory / file.name
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    attachment = file.media_type.split(";")[0] in DOWNLOADED
    response = FileResponse(
        handle, content_type=file.media_type, as_attachment=attachment, filename=file.name
    )
    response["Cache-Control"] = f"public, max-age={RELEASE_FILE_MAX_AGE}"
    response["Digest"] = f"sha-256={_base64(file.sha256)}"
    return response


def _base64(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")
