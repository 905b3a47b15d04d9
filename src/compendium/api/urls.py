from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from .api import api
from .errors import error_body


def unknown_endpoint(request: HttpRequest, rest: str) -> HttpResponse:
    """An address under /api/v1/ that is no endpoint: a 404 in the API's error shape."""
    return api.create_response(
        request,
        error_body("not_found", "There is no such endpoint; see /api/v1/docs."),
        status=404,
    )


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown_endpoint),
]
