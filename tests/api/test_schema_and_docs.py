"""The API describes itself (OpenAPI, docs page under our CSP), answers errors in one shape, and
may be read from any site (CORS)."""

from __future__ import annotations

import re

import pytest

from compendium.search.facets import FACETS

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/entries",
    "/api/v1/entries/{slug}",
    "/api/v1/economies",
    "/api/v1/economies/{iso3}",
    "/api/v1/organizations",
    "/api/v1/organizations/{slug}",
    "/api/v1/taxonomy",
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_describes_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Compendium read API"
    assert "error" in schema["info"]["description"].lower()
    assert set(schema["paths"]) == PATHS
    for path, operations in schema["paths"].items():
        get = operations["get"]
        assert get["summary"], path
        assert get["description"], path
        assert {"200", "400", "404"} <= set(get["responses"]), path
        assert get["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/ErrorOut"
        )


def test_openapi_lists_every_search_parameter_with_examples(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/entries"]["get"]["parameters"]}
    expected = {"q", "year_from", "year_to", "sort", "facets", "limit", "cursor", "lang"}
    assert expected | {spec.name for spec in FACETS} == set(parameters)
    for spec in FACETS:
        assert parameters[spec.name]["schema"]["type"] == "array", spec.name
        assert parameters[spec.name].get("description") or parameters[spec.name]["schema"].get(
            "description"
        )
    assert parameters["lang"]["schema"]["enum"] == ["en", "fr", "es"]
    assert "`KEN`" in parameters["economy"]["description"]
    assert parameters["q"]["example"] == "mentoring"
    assert parameters["limit"]["schema"]["maximum"] == 100
    components = schema["components"]["schemas"]
    assert {"EntryOut", "EntryPage", "EconomyOut", "ErrorOut", "TaxonomyOut"} <= set(components)
    assert "examples" in str(components["EntryOut"])


def test_docs_page_loads_only_our_own_files_and_no_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(s.startswith(("/static/", "/api/v1/", "data:")) for s in sources), sources
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script src="/static/api/swagger-ui/swagger-ui-bundle.js">',
        '<script src="/static/api/docs.js">',
    ]
    assert "style=" not in html
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_docs_assets_are_served(client):
    from django.contrib.staticfiles import finders

    for name in (
        "api/swagger-ui/swagger-ui-bundle.js",
        "api/swagger-ui/swagger-ui.css",
        "api/docs.js",
    ):
        assert finders.find(name), name
    with open(finders.find("api/docs.js"), encoding="utf-8") as script:
        assert "validatorUrl: null" in script.read()


@pytest.mark.parametrize(
    "url", ["/api/v1/entries", "/api/v1/economies/KEN", "/api/v1/taxonomy", "/api/v1/openapi.json"]
)
def test_cors_allows_any_origin_to_read(client, url):
    response = client.get(url, HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_cors_also_on_errors_but_not_on_the_site(client):
    assert client.get("/api/v1/entries?limit=0")["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/nowhere")["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/data/")


def test_unknown_endpoint_is_a_404_in_the_error_shape(client):
    response = client.get("/api/v1/entry")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_writes_are_not_allowed(client):
    assert client.post("/api/v1/entries").status_code == 405


def test_server_errors_keep_the_shape(client, monkeypatch):
    from compendium.api import reference

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(reference.selectors, "vocabularies", broken)
    response = client.get("/api/v1/taxonomy")
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "server_error",
            "message": "Something went wrong on our side; it has been logged.",
            "details": [],
        }
    }
