"""The read API is public: any site may read it from a browser (CORS), for GET requests only."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"
SAFE_METHODS = {"GET", "HEAD"}


def read_api_cors(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.path.startswith(API_PREFIX) and request.method in SAFE_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
        return response

    return middleware
