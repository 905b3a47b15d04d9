"""Whole public pages, cached for anonymous visitors until the catalog changes.

Every change to what the public sees goes through the catalog's services, which change the
search index's generation token in the same transaction; the token is part of the cache key, so
a cached page is never served after the data behind it changed. Visitors with a session (the
secretariat, focal points) always get a freshly rendered page."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from compendium.search.indexing import index_generation

PAGE_CACHE_SECONDS = 600
# Headers worth keeping with a cached page; middleware adds the security headers every time.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "HX-Push-Url", "HX-Replace-Url", "Link")


def _key(request: HttpRequest) -> str:
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request
    path = hashlib.sha256(request.get_full_path().encode("utf-8", "surrogatepass")).hexdigest()
    return f"page:{index_generation()}:{get_language()}:{int(partial)}:{path}"


def cached_for_visitors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = [(h, response[h]) for h in KEPT_HEADERS if response.has_header(h)]
            cache.set(key, (response.content, headers), PAGE_CACHE_SECONDS)
        return response

    return wrapper
