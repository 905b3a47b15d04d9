"""Hostile text in every public read surface: the search page with its filters and sort, the
downloads, the feed, the widget and the API's parameters. Each answers with a page, a clear 4xx or
a message, never a 5xx, and echoes nothing unescaped."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from .hostile import Payload, assert_no_raw_markup, body, malformed_utf8_queries, payload_params

pytestmark = pytest.mark.django_db

FACETS = ("economy", "area", "region", "organization", "verification")
HTML_PAGES = ("/search/", "/embed/entries/", "/whats-new/")
DOWNLOADS = ("/search/export.csv", "/search/export.xlsx", "/search/export.json")


def hostile_queries(text: str) -> list[dict[str, str]]:
    """The search box alone, every filter at once, then the years, sort, page number and date
    (each refused value gets its own message, so one request checks them all)."""
    return [
        {"q": text},
        dict.fromkeys(FACETS, text),
        {"year_from": text, "year_to": text, "sort": text, "page": text, "since": text},
    ]


def get(client, path: str, query: dict[str, str]):
    answer = client.get(f"{path}?{urlencode(query)}")
    assert answer.status_code < 500, (path, query.keys(), answer.status_code)
    return answer


@pytest.mark.parametrize("payload", payload_params())
def test_search_pages_and_widget_escape_every_parameter(client, payload: Payload):
    for path in HTML_PAGES:
        for query in hostile_queries(payload.text):
            answer = get(client, path, query)
            assert answer.status_code in (200, 400), (path, query.keys(), answer.status_code)
            assert_no_raw_markup(answer.content.decode(), payload)


@pytest.mark.parametrize("payload", payload_params())
def test_downloads_and_feed_refuse_or_answer(client, payload: Payload):
    for path in (*DOWNLOADS, "/feeds/entries.atom"):
        for query in hostile_queries(payload.text):
            answer = get(client, path, query)
            assert answer.status_code in (200, 400), (path, query.keys(), answer.status_code)
            if path.endswith(".atom"):
                assert_no_raw_markup(body(answer).decode(), payload)


@pytest.mark.parametrize("payload", payload_params())
def test_api_parameters_get_an_error_in_the_api_shape(client, payload: Payload):
    for query in hostile_queries(payload.text):
        answer = get(client, "/api/v1/entries", query)
        assert answer.status_code in (200, 400), (query.keys(), answer.status_code)
        if answer.status_code == 400:
            assert answer.json()["error"]["code"] in ("invalid_parameters", "unknown_filter_value")
    for path in ("/api/v1/entries/", "/api/v1/economies/", "/api/v1/organizations/"):
        # As a path segment (percent-encoded by the client).
        from urllib.parse import quote

        answer = client.get(path + quote(payload.text[:2000], safe=""))
        assert answer.status_code == 404, (path, answer.status_code)
        assert answer.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("raw", malformed_utf8_queries())
def test_malformed_utf8_in_the_address_is_no_server_error(client, raw: str):
    for path in (*HTML_PAGES, *DOWNLOADS, "/api/v1/entries"):
        for name in ("q", "economy"):
            answer = client.get(f"{path}?{name}={raw}")
            assert answer.status_code in (200, 400), (path, name, answer.status_code)
    answer = client.get(f"/entries/{raw}/")
    assert answer.status_code == 404
