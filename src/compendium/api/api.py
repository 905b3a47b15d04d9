"""The read API, version 1: public, read-only, described by OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import Throttled
from ninja.openapi.docs import DocsBase
from ninja.throttling import AnonRateThrottle

from . import entries, reference
from .errors import error_body, install_error_handlers

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
  `cursor_mismatch` (400), `not_found` (404), `too_many_requests` (429, with `Retry-After`)
  or `server_error` (500).
* **Fair use.** Each client IP may make a limited number of requests per minute (the
  `API_RATE_LIMIT` setting); past it the answer is 429 until `Retry-After` seconds have passed.
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
    # Per client IP (TRUSTED_PROXIES decides which address); counted in each server process.
    throttle=[AnonRateThrottle(settings.API_RATE_LIMIT)],
)
api.add_router("", entries.router)
api.add_router("", reference.router)
install_error_handlers(api)


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    # ninja adds Retry-After; the body keeps the API's one error shape.
    body = error_body("too_many_requests", "Too many requests from this address; retry later.")
    return api.create_response(request, body, status=429)
