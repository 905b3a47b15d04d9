"""The API's errors, all in one shape: {"error": {"code", "message", "details": [...]}}."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

logger = logging.getLogger(__name__)

CODES_BY_STATUS = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid_parameters",
    500: "server_error",
}


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
    ) -> None:
        self.status, self.code, self.message = status, code, message
        self.details = details or []
        super().__init__(message)


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}


def _validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    details = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        value = error.get("input")
        details.append(
            {
                "location": location[0] if location else None,
                "parameter": ".".join(location[1:]) or None,
                "value": value if isinstance(value, str | int | float | bool) else None,
                "message": error.get("msg", "Invalid value."),
            }
        )
    return details


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, error_body(exc.code, exc.message, exc.details))

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # Every input of this read API is a query or path parameter: a bad one is a bad request.
        body = error_body(
            "invalid_parameters",
            "Some parameters are not valid: see details.",
            _validation_details(exc),
        )
        return respond(request, 400, body)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("not_found", str(exc) or "Not found."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = CODES_BY_STATUS.get(exc.status_code, "error")
        return respond(request, exc.status_code, error_body(code, exc.message))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API error on %s", request.path, exc_info=exc)
        return respond(
            request,
            500,
            error_body("server_error", "Something went wrong on our side; it has been logged."),
        )
