"""Nothing unpublished leaks: entries in draft, submitted, in review or withdrawn, a focal point's
unsent survey draft and another Member's comments never show through any public surface (search
results and facet counts, feeds, exports, the widget, related-entry lists, profiles, the API,
what's new, error pages), whoever asks, nor through a cached page the secretariat saw first."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from compendium.catalog.models import Entry, Workflow
from compendium.search.params import params_from_query
from compendium.search.selectors import search_entries

from .scene import SECRET_DRAFT_TITLE, UNPUBLISHED_TITLES

# What a leak would show: the whole titles (a search for a title's unique last word, echoed back
# on the page as the visitor's own query, is no leak).
SECRETS = [*UNPUBLISHED_TITLES.values(), SECRET_DRAFT_TITLE]
PUBLIC_SURFACES = (
    "/",
    "/search/?q=Chile",
    "/search/?economy=CHL",
    "/entries/",
    "/economies/CHL/",
    "/organizations/itc/",
    "/coverage/",
    "/whats-new/",
    "/feeds/entries.atom",
    "/feeds/entries.atom?economy=CHL",
    "/feeds/whats-new.atom",
    "/embed/entries/?economy=CHL",
    "/search/export.csv?economy=CHL",
    "/search/export.json?economy=CHL",
    "/search/export.xlsx?economy=CHL",
    "/api/v1/entries?economy=CHL",
    "/api/v1/entries?q=Chile",
    "/api/v1/economies/CHL",
    "/data/",
    "/compendium/",
)
WORDS = [secret.rsplit(" ", 1)[1] for secret in SECRETS]
SEARCHED = [f"/search/?q={word}" for word in WORDS] + [
    f"/api/v1/entries?q={word}" for word in WORDS
]


def text_of(answer) -> str:
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    if answer.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(content), read_only=True)
        return " ".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return content.decode("utf-8", errors="replace")


def assert_no_secret(text: str, where: str) -> None:
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"{where} shows {leaked}"


@pytest.mark.parametrize("role", ["anonymous", "no_role", "focal_point", "colleague"])
@pytest.mark.parametrize("path", PUBLIC_SURFACES + tuple(SEARCHED))
def test_no_public_surface_shows_anything_unpublished(as_role, path, role):
    answer = as_role(role).get(path)
    assert answer.status_code == 200, path
    assert_no_secret(text_of(answer), f"{path} for {role}")


def test_facet_counts_count_published_entries_only(scene):
    params, _problems = params_from_query({"economy": "CHL"})
    result = search_entries(params=params)
    published = Entry.objects.filter(workflow=Workflow.PUBLISHED, economies__code="CHL")
    assert result.total == published.distinct().count()
    unfiltered, _ = params_from_query({})
    counts = {
        value.value: value.count
        for facet in search_entries(params=unfiltered).facets
        if facet.name == "economy"
        for value in facet.values
    }
    assert counts["CHL"] == published.distinct().count()


def test_related_entries_of_a_published_entry_list_no_unpublished_one(as_role, scene):
    for entry in Entry.objects.filter(workflow=Workflow.PUBLISHED, economies__code="CHL"):
        assert_no_secret(text_of(as_role("anonymous").get(f"/entries/{entry.slug}/")), entry.slug)


@pytest.mark.parametrize("state", sorted(UNPUBLISHED_TITLES))
def test_error_pages_do_not_name_the_unpublished_entry(as_role, scene, state):
    entry = scene.entries[state]
    for path in (f"/entries/{entry.slug}/", f"/api/v1/entries/{entry.slug}"):
        answer = as_role("no_role").get(path)
        assert answer.status_code == 404, path
        assert_no_secret(text_of(answer), path)


def test_a_page_the_secretariat_previewed_is_not_served_to_the_public(as_role, scene):
    entry = scene.entries[Workflow.DRAFT]
    assert as_role("secretariat").get(f"/entries/{entry.slug}/").status_code == 200
    answer = as_role("anonymous").get(f"/entries/{entry.slug}/")
    assert answer.status_code == 404
    assert_no_secret(text_of(answer), "the page after the secretariat's preview")


def test_another_members_draft_and_comments_stay_theirs(as_role, scene):
    kenya = as_role("no_role")
    kenya.force_login(scene.users["kenya"])
    for path in ("/survey/", "/survey/policies/", f"/editions/{scene.circulated.pk}/"):
        page = text_of(kenya.get(path))
        assert_no_secret(page, path)
        assert "Chile's comment on the draft." not in page, path


def test_the_api_answers_no_unpublished_entry_by_any_filter(as_role, scene):
    answer = as_role("anonymous").get("/api/v1/entries?economy=CHL&page_size=100")
    body = json.loads(answer.content)
    slugs = {item["slug"] for item in body.get("items", body.get("entries", []))}
    unpublished = {scene.entries[state].slug for state in UNPUBLISHED_TITLES}
    assert not slugs & unpublished
