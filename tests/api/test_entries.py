"""GET /api/v1/entries and /api/v1/entries/{slug}: the search page's results, paged by cursor."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from compendium.catalog.models import Entry, Workflow
from compendium.catalog.selectors import entries_for_export
from compendium.publishing.representation import entry_record
from compendium.search.params import params_from_query
from compendium.search.selectors import search_entry_ids
from tests.factories import make_entry
from tests.publishing.builders import make_full_entry

pytestmark = pytest.mark.django_db

FIELDS = {
    "slug", "url", "title", "title_original", "title_en", "title_fr", "title_es", "description",
    "description_original", "description_en", "description_fr", "description_es", "language",
    "economies", "organizations", "implementers_as_reported", "contributor", "instrument_type",
    "policy_areas", "target_groups", "gender_focus", "start_year", "end_year", "status", "budget",
    "women_reached", "links", "sources", "verification", "is_sample", "is_synthetic",
    "published_at", "updated_at",
}  # fmt: skip


def get(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def assert_error(body: dict, code: str) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert isinstance(body["error"]["details"], list)


def page_ids(query: str) -> list[str]:
    params, _ = params_from_query(QueryDict(query))
    ids = search_entry_ids(params=params)
    slugs = dict(Entry.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return [slugs[i] for i in ids]


def relative(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http"
    assert parts.netloc == "testserver"
    return f"{parts.path}?{parts.query}"


def test_envelope_shape(client):
    body = get(client, "/api/v1/entries")
    assert set(body) == {"count", "next", "previous", "results"}  # no facets unless asked
    assert body["count"] == 60
    assert len(body["results"]) == 20
    assert body["previous"] is None
    assert body["next"].startswith("http://testserver/api/v1/entries?cursor=")
    assert set(body["results"][0]) == FIELDS
    second = get(client, relative(body["next"]))
    assert second["previous"] == "http://testserver/api/v1/entries"


def test_results_are_the_shared_representation(client):
    entry = make_full_entry()
    body = get(client, "/api/v1/entries?q=mujer+exporta&lang=fr")
    (fetched,) = entries_for_export(ids=[entry.pk])
    (found,) = [r for r in body["results"] if r["slug"] == entry.slug]
    assert found == entry_record(fetched, language="fr")


def test_same_results_and_order_as_the_search_page(client):
    query = "q=women&contributor_type=member&sort=economy"
    body = get(client, f"/api/v1/entries?{query}&limit=100")
    assert [r["slug"] for r in body["results"]] == page_ids(query)
    assert body["count"] == len(page_ids(query))


def test_multi_valued_facets_mean_any(client):
    kenya, chile = (
        get(client, "/api/v1/entries?economy=KEN"),
        get(client, "/api/v1/entries?economy=CHL"),
    )
    both = get(client, "/api/v1/entries?economy=KEN&economy=chl&limit=100")
    assert {r["slug"] for r in both["results"]} == {
        r["slug"] for r in kenya["results"] + chile["results"]
    }


def test_years_and_sort(client):
    body = get(client, "/api/v1/entries?year_from=2020&year_to=2022&sort=newest&limit=100")
    assert body["results"]
    assert all(2020 <= r["start_year"] <= 2022 for r in body["results"])
    dates = [r["published_at"] for r in body["results"]]
    assert dates == sorted(dates, reverse=True)


def test_facets_on_request(client):
    body = get(client, "/api/v1/entries?area=ecommerce&facets=true")
    facets = body["facets"]
    assert {"area", "economy", "group", "region", "verification"} <= set(facets)
    ecommerce = next(v for v in facets["area"]["values"] if v["value"] == "ecommerce")
    assert ecommerce == {
        "value": "ecommerce",
        "label": "E-commerce and digital trade",
        "count": body["count"],
        "selected": True,
    }
    assert facets["area"]["label"] == "Policy area"
    french = get(client, "/api/v1/entries?area=ecommerce&facets=true&lang=fr")["facets"]
    assert any(v["label"].startswith("Commerce électronique") for v in french["area"]["values"])


@pytest.mark.parametrize("limit", [1, 7, 20, 100])
def test_cursor_round_trip_collects_every_entry_once(client, limit):
    query = "q=women&sort=title"
    url = f"/api/v1/entries?{query}&limit={limit}"
    seen: list[str] = []
    pages = 0
    while url:
        body = get(client, url)
        seen += [r["slug"] for r in body["results"]]
        url = relative(body["next"]) if body["next"] else ""
        pages += 1
        assert pages <= 61
    assert len(seen) == len(set(seen)) == body["count"] == 60
    assert seen == page_ids(query)


def test_previous_walks_back(client):
    first = get(client, "/api/v1/entries?limit=25&lang=es")
    second = get(client, relative(first["next"]))
    third = get(client, relative(second["next"]))
    assert third["next"] is None
    assert len(third["results"]) == 10
    back = get(client, relative(third["previous"]))
    assert back["results"] == second["results"]
    assert get(client, relative(back["previous"]))["results"] == first["results"]
    # The first page's address carries no cursor: it is where a client starts.
    assert "cursor" not in parse_qs(urlsplit(second["previous"]).query)
    assert parse_qs(urlsplit(second["previous"]).query)["lang"] == ["es"]


def test_cursor_of_another_search_is_refused(client):
    first = get(client, "/api/v1/entries?area=ecommerce&limit=5")
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    for other in (
        "area=export_support&limit=5",
        "area=ecommerce&limit=6",
        "area=ecommerce&limit=5&lang=fr",
        "area=ecommerce&limit=5&sort=newest",
    ):
        body = get(client, f"/api/v1/entries?{other}&cursor={cursor}", status=400)
        assert_error(body, "cursor_mismatch")
    # Asking for facets does not change the list: the same cursor still works.
    assert get(client, f"/api/v1/entries?area=ecommerce&limit=5&facets=true&cursor={cursor}")


def forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "!!!",
        "%00",
        "x" * 500,
        forged([1, 2]),
        forged({"o": -20, "f": "0"}),
        forged({"o": "20", "f": "0"}),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_malformed_cursor_is_a_400(client, cursor):
    body = get(client, f"/api/v1/entries?cursor={cursor}", status=400)
    assert_error(body, "invalid_cursor")
    assert body["error"]["details"][0]["parameter"] == "cursor"


def test_cursor_past_the_end_gives_an_empty_page(client):
    first = get(client, "/api/v1/entries?economy=KEN&limit=1")
    assert first["next"] is None
    from compendium.api.cursor import cursor_encode, search_fingerprint

    fp = search_fingerprint(querystring="economy=KEN", limit=1, language="en")
    body = get(
        client,
        f"/api/v1/entries?economy=KEN&limit=1&cursor={cursor_encode(offset=5, fingerprint=fp)}",
    )
    assert body["results"] == []
    assert body["next"] is None
    assert body["count"] == 1


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("lang=de", "lang"),
        ("lang=", "lang"),
        ("year_from=1800", "year_from"),
        ("year_to=abc", "year_to"),
        ("sort=sideways", "sort"),
        ("facets=maybe", "facets"),
    ],
)
def test_bad_parameters_are_a_400_in_the_error_shape(client, query, parameter):
    body = get(client, f"/api/v1/entries?{query}", status=400)
    assert_error(body, "invalid_parameters")
    assert [d["parameter"] for d in body["error"]["details"]] == [parameter]
    assert body["error"]["details"][0]["location"] == "query"


def test_unknown_facet_values_are_a_400_listing_each(client):
    body = get(
        client, "/api/v1/entries?economy=XXX&economy=KEN&area=nope&member_of=g20", status=400
    )
    assert_error(body, "unknown_filter_value")
    problems = {(d["parameter"], d["value"]) for d in body["error"]["details"]}
    assert problems == {("economy", "XXX"), ("area", "nope"), ("member_of", "g20")}


def test_unknown_parameters_and_hostile_text_are_harmless(client):
    assert get(client, "/api/v1/entries?colour=blue&page=99&page_size=3")["count"] == 60
    for q in ('"unclosed', "%00%01", "-", "OR OR", "a" * 1999, "NEAR(x y) *:* {}"):
        get(client, f"/api/v1/entries?q={q}")
    body = get(client, "/api/v1/entries?q=" + "a" * 2001, status=400)
    assert_error(body, "invalid_parameters")


def test_entry_detail(client):
    entry = make_full_entry()
    body = get(client, "/api/v1/entries/mujer-exporta-digital?lang=fr")
    (fetched,) = entries_for_export(ids=[entry.pk])
    assert body == entry_record(fetched, language="fr")
    assert get(client, "/api/v1/entries/mujer-exporta-digital")["title"] == (
        "Digital Women Export Programme"
    )


def test_unknown_or_unpublished_entry_is_a_404(client):
    make_entry(slug="still-a-draft", workflow=Workflow.DRAFT)
    for slug in ("still-a-draft", "no-such-entry", "%00", "%C3%A9t%C3%A9", "x" * 300):
        body = get(client, f"/api/v1/entries/{slug}", status=404)
        assert_error(body, "not_found")


def test_drafts_stay_hidden_even_from_the_secretariat(client, secretariat_user):
    make_entry(slug="secret-draft", workflow=Workflow.DRAFT)
    client.force_login(secretariat_user)
    assert_error(get(client, "/api/v1/entries/secret-draft", status=404), "not_found")
    assert get(client, "/api/v1/entries")["count"] == 60


def test_a_page_costs_a_fixed_number_of_queries(client):
    get(client, "/api/v1/entries?limit=1&facets=true")  # fills the caches of labels and counts
    with CaptureQueriesContext(connection) as small:
        get(client, "/api/v1/entries?limit=2&facets=true")
    with CaptureQueriesContext(connection) as large:
        get(client, "/api/v1/entries?limit=100&facets=true")
    assert len(large) == len(small) <= 16
