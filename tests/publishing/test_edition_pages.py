"""The secretariat's edition pages (secretariat only) and the public /compendium/ page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compendium.publishing import services
from compendium.publishing.models import Edition, EditionKind, EditionStatus

from .editions import entry, frozen, small_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def curator(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


def test_the_public_and_focal_points_cannot_reach_the_edition_pages(client, django_user_model):
    url = reverse("publishing:editions")
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(django_user_model.objects.create_user("someone", password="x"))
    assert client.get(url).status_code == 403
    made = frozen(small_set())
    assert client.post(reverse("publishing:edition_freeze", args=[made.pk])).status_code == 403
    assert client.get(reverse("publishing:edition", args=[made.pk])).status_code == 403


def test_the_secretariat_creates_an_edition(curator):
    response = curator.post(
        reverse("publishing:editions"),
        {
            "symbols": "INF/TGE/W/70 – INF/MSME/W/71",
            "title": "T",
            "kind": "draft",
            "date": "2026-05-04",
        },
    )
    edition = Edition.objects.get(symbols="INF/TGE/W/70 – INF/MSME/W/71")
    assert response.status_code == 302
    assert response["Location"] == reverse("publishing:edition", args=[edition.pk])
    again = curator.post(
        reverse("publishing:editions"),
        {
            "symbols": "INF/TGE/W/70 – INF/MSME/W/72",
            "title": "T",
            "kind": "draft",
            "date": "2026-05-04",
        },
    )
    assert again.status_code == 200
    assert "INF/TGE/W/70 is already used" in again.content.decode()


def test_freezing_lists_incomplete_entries_with_links_to_fix_them(curator):
    lacking = entry("Needs a description", description="")
    made = services.edition_create(
        actor=None, symbols="INF/TGE/W/73", title="T", kind="draft", on="2026-05-04"
    )
    response = curator.post(reverse("publishing:edition_freeze", args=[made.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Entries to complete before freezing" in page
    assert f'href="/admin/catalog/entry/{lacking.pk}/change/"' in page


def test_the_whole_journey_from_the_pages(curator, media):
    made = services.edition_create(
        actor=None, symbols="INF/TGE/W/74", title="T", kind=EditionKind.FINAL, on="2026-05-04"
    )
    services.edition_freeze(edition=made, actor=None, entries=small_set())
    page = reverse("publishing:edition", args=[made.pk])
    assert curator.post(reverse("publishing:edition_circulate", args=[made.pk])).status_code == 302
    built = curator.post(
        reverse("publishing:edition_build", args=[made.pk]), {"formats": ["docx"], "language": "en"}
    )
    assert built.status_code == 302
    listing = curator.get(page).content.decode()
    assert "INF-TGE-W-74_en.docx" in listing
    file = made.files.get()
    download = curator.get(reverse("publishing:edition_file", args=[made.pk, file.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    # Not public until adopted.
    curator.logout()
    assert "INF-TGE-W-74" not in curator.get(reverse("publishing:compendium")).content.decode()
    assert curator.get(reverse("publishing:compendium_file", args=[file.pk])).status_code == 404


def test_adopted_editions_files_are_listed_publicly(client, media):
    made = frozen(small_set(), kind=EditionKind.FINAL, symbols="INF/TGE/W/75")
    services.edition_circulate(edition=made, actor=None)
    [file] = services.edition_build(edition=made, actor=None, formats=["docx"])
    services.edition_adopt(edition=made, actor=None)
    assert Edition.objects.get(pk=made.pk).status == EditionStatus.ADOPTED
    page = client.get(reverse("publishing:compendium")).content.decode()
    assert "INF/TGE/W/75" in page
    assert file.sha256 in page
    download = client.get(reverse("publishing:compendium_file", args=[file.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="INF-TGE-W-75_en.docx"')
