"""The read API, version 1: public, read-only, described by OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from . import entries, reference
from .errors import install_error_handlers

DESCRIPTION = """
The compendium "Empowering Women to Trade through Digitalisation: Policy Insights" as data:
the published entries (trade policies, initiatives and programmes of WTO Members and Observers
that help women trade through digitalisation), the economies and organisations they concern, and
the vocabularies they are classified with.

* **Public and read-only.** No key is needed; any web page may call it (CORS `*`).
* **Languages.** `lang=en|fr|es` chooses the language of labels and names (default `en`).
* **Same searches as the site.** `/entries` takes the search page's parameters; the same search
  downloads as CSV, XLSX or JSON from `/search/export.csv?…` and is followed as an Atom feed at
  `/feeds/entries.atom?…`.
* **Errors** always have the shape `{"error": {"code", "message", "details": [...]}}`, with
  `code` one of `invalid_parameters`, `unknown_filter_value`, `invalid_cursor`,
  `cursor_mismatch` (400), `not_found` (404) or `server_error` (500).
"""


class LocalSwagger(DocsBase):
    """Swagger UI served from our own static files (vendored from npm), initialised by a static
    script: nothing loads from another origin and nothing runs inline, as our CSP requires."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "api/docs.html",
            {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)},
        )


api = NinjaAPI(
    title="Compendium read API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", entries.router)
api.add_router("", reference.router)
install_error_handlers(api)
