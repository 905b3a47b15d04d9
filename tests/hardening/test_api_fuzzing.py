"""The read API fuzzed from its own OpenAPI schema (schemathesis): for every operation a bounded,
repeatable set of generated requests (valid and invalid parameters), each answer checked for no
server error, a documented status code and content type, and a body matching the schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

# A few seconds per operation on 2 cores: enough to reach every parameter with odd values.
EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def _requests_share_the_test_transaction() -> Iterator[None]:
    """Django closes the database connection around each request it serves through WSGI; here
    requests are served in the test's own (rolled-back) transaction, as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def _unthrottled(settings, monkeypatch) -> None:
    """The per-IP throttle would answer 429 long before the examples run out: raise it. The
    throttle reads API_RATE_LIMIT when the API is built, so the built one is raised too."""
    from compendium.api.api import api

    settings.API_RATE_LIMIT = "1000000/m"
    monkeypatch.setattr(api.throttle[0], "num_requests", 1_000_000)


# The schema is read once, when the module is collected: serving it needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES_PER_OPERATION,
    deterministic=True,
    database="none",
)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.usefixtures("db", "_requests_share_the_test_transaction", "_unthrottled")
def test_every_operation_answers_as_documented(case):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.usefixtures("db", "_requests_share_the_test_transaction")
def test_a_throttled_answer_is_documented_too(monkeypatch):
    from compendium.api.api import api

    monkeypatch.setattr(api.throttle[0], "num_requests", 0)
    for operation in schema.get_all_operations():
        names = {p.name for p in operation.ok().path_parameters}
        case = operation.ok().Case(path_parameters=dict.fromkeys(names, "x"))
        response = case.call()
        assert response.status_code == 429, operation.ok().label
        case.validate_response(response, checks=CHECKS[:4])
