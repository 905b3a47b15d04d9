"""GET /api/v1/economies, /organizations and /taxonomy: the values the filters accept."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compendium.catalog.models import Economy, Organization, PolicyArea

pytestmark = pytest.mark.django_db


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return response.json()


def test_every_economy_with_its_attributes(client):
    get(client, "/api/v1/economies")  # fills the search's caches of labels and counts
    with CaptureQueriesContext(connection) as queries:
        economies = get(client, "/api/v1/economies")
    assert len(economies) == Economy.objects.count() == 188
    assert len(queries) <= 10  # whatever the number of economies and entries
    kenya = next(e for e in economies if e["code"] == "KEN")
    assert kenya["name"] == "Kenya"
    assert kenya["names"] == {"en": "Kenya", "fr": "Kenya", "es": "Kenya"}
    assert kenya["status"] == {"value": "member", "label": "WTO Member"}
    assert kenya["region"] == {"slug": "africa", "label": "Africa"}
    assert kenya["ldc"] is False
    assert {"slug": "msme", "label": "MSME Group"} in kenya["groups"]
    assert kenya["entry_count"] >= 1
    assert kenya["url"] == "http://127.0.0.1:8000/economies/KEN/"
    assert kenya["entries"] == "http://testserver/api/v1/entries?economy=KEN"
    assert {e["status"]["value"] for e in economies} == {"member", "observer"}
    france = next(e for e in economies if e["code"] == "FRA")
    assert france["part_of"] == "EU"


def test_economies_in_french_sorted_by_french_name(client):
    economies = get(client, "/api/v1/economies?lang=fr")
    germany = next(e for e in economies if e["code"] == "DEU")
    assert germany["name"] == "Allemagne"
    assert germany["entries"].endswith("economy=DEU&lang=fr")
    assert germany["url"] == "http://127.0.0.1:8000/fr/economies/DEU/"
    from compendium.search.query import fold

    names = [fold(e["name"]) for e in economies]
    assert names == sorted(names)


def test_economy_counts_match_the_entries_endpoint(client):
    economy = get(client, "/api/v1/economies/CHL")
    entries = get(client, "/api/v1/entries?economy=CHL")
    assert economy["entry_count"] == entries["count"]


def test_economy_by_code_in_any_case(client):
    assert get(client, "/api/v1/economies/ken")["code"] == "KEN"
    eu = get(client, "/api/v1/economies/eu")
    assert "FRA" in eu["member_states"]
    assert len(eu["member_states"]) == 27


@pytest.mark.parametrize("code", ["XXX", "KENYA", "K", "%00", "KE%00", "%C3%A9u"])
def test_unknown_economy_is_a_404(client, code):
    body = get(client, f"/api/v1/economies/{code}", status=404)
    assert body["error"]["code"] == "not_found"


def test_every_organisation(client):
    organizations = get(client, "/api/v1/organizations")
    assert len(organizations) == Organization.objects.count()
    itc = next(o for o in organizations if o["slug"] == "itc")
    assert itc["acronym"] == "ITC"
    assert itc["kind"]["slug"] == "international_organization"
    assert itc["entry_count"] == get(client, "/api/v1/entries?organization=itc")["count"]
    assert itc["entries"] == "http://testserver/api/v1/entries?organization=itc"
    french = get(client, "/api/v1/organizations/itc?lang=fr")
    assert french["name"] == "Centre du commerce international"
    assert french["names"]["es"] == "Centro de Comercio Internacional"


@pytest.mark.parametrize("slug", ["nobody", "%00", "it%C3%A7", "a" * 300])
def test_unknown_organisation_is_a_404(client, slug):
    assert get(client, f"/api/v1/organizations/{slug}", status=404)["error"]["code"] == "not_found"


def test_taxonomy_lists_every_vocabulary_in_three_languages(client):
    body = get(client, "/api/v1/taxonomy?lang=es")
    assert set(body) == {
        "policy_areas",
        "target_groups",
        "instrument_types",
        "gender_focus",
        "contributor_types",
        "regions",
        "working_groups",
        "entry_status",
        "verification",
    }
    areas = body["policy_areas"]
    assert [a["slug"] for a in areas] == list(
        PolicyArea.objects.order_by("position").values_list("slug", flat=True)
    )
    ecommerce = next(a for a in areas if a["slug"] == "ecommerce")
    assert ecommerce["label"] == "Comercio electrónico y comercio digital"
    assert ecommerce["labels"]["fr"] == "Commerce électronique et commerce numérique"
    assert ecommerce["description"]
    verification = {v["slug"]: v for v in body["verification"]}
    assert set(verification) == {
        "member_validated",
        "submitted_by_member",
        "partner_reported",
        "secretariat_compiled",
    }
    assert verification["member_validated"]["labels"]["en"] == "Validated by the Member"


def test_lang_is_checked_everywhere(client):
    for url in ("/api/v1/taxonomy", "/api/v1/economies", "/api/v1/organizations/itc"):
        body = get(client, f"{url}?lang=xx", status=400)
        assert body["error"]["code"] == "invalid_parameters"
