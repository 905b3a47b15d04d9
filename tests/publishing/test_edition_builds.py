"""Building an edition's documents from its page: queued, built in the background with its progress
on the page (htmx polling, or the "Refresh" link without JavaScript), never twice at once, and a
failure said plainly with no file changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compendium.operations import jobs
from compendium.publishing import build_jobs, building
from compendium.publishing.errors import DocumentUnavailable
from compendium.publishing.models import BuildStatus, EditionBuild

from .editions import frozen, small_set

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def curator(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


@pytest.fixture
def in_background(settings, monkeypatch):
    """The page's own mode: the build waits for the request's commit, then runs in a thread.
    The thread is replaced by a note of what it would build (the test's transaction is never
    committed, and a thread could not see it)."""
    settings.JOBS_IN_BACKGROUND = True
    started: list[tuple[int, str]] = []
    monkeypatch.setattr(
        jobs,
        "_thread_start",
        lambda name, work, lang: started.append((int(name.rsplit("-", 1)[1]), lang)),
    )
    return started


def ask(client, edition, *formats: str):
    return client.post(
        reverse("publishing:edition_build", args=[edition.pk]),
        {"formats": list(formats), "language": "en"},
    )


def documents(client, edition) -> str:
    response = client.get(reverse("publishing:edition_documents", args=[edition.pk]), **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_follows_a_build_in_the_background_until_its_file_is_ready(
    curator, media, in_background, django_capture_on_commit_callbacks
):
    made = frozen(small_set())
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(curator, made, "docx")
    assert response.status_code == 302
    assert response["Location"].endswith("#documents")
    build = EditionBuild.objects.get(edition=made)
    assert in_background == [(build.pk, "en")], "started after the commit, in the thread"
    assert build.status == BuildStatus.QUEUED

    page = curator.get(response["Location"]).content.decode()
    assert "The documents are being built" in page
    assert "Waiting to start building: DOCX." in page
    assert 'hx-trigger="every 2s"' in page
    refresh = f'href="{reverse("publishing:edition", args=[made.pk])}#documents">Refresh</a>'
    assert refresh in page, "without JavaScript, a plain link reloads the page"
    assert "http-equiv" not in page

    # What the thread does, with the renderers' progress saved as it goes.
    EditionBuild.objects.filter(pk=build.pk).update(
        status=BuildStatus.RUNNING, stage="docx", done=3, total=7
    )
    assert "Building the DOCX: 3 of 7 entries." in documents(curator, made)
    EditionBuild.objects.filter(pk=build.pk).update(status=BuildStatus.QUEUED)
    finished = build_jobs.edition_build_run(build_id=build.pk)
    assert finished.status == BuildStatus.DONE
    assert (finished.stage, finished.done, finished.total) == ("docx", 7, 7)

    part = documents(curator, made)
    assert "Finished: DOCX built on" in part
    assert "hx-trigger" not in part, "the polling stops once the build is over"
    file = made.files.get()
    assert reverse("publishing:edition_file", args=[made.pk, file.pk]) in part
    assert "INF-TGE-W-90_INF-MSME-W-91_en.docx" in part


def test_a_build_under_way_is_not_started_twice(curator, media, in_background):
    made = frozen(small_set())
    assert ask(curator, made, "docx").status_code == 302
    again = ask(curator, made, "docx", "pdf")
    assert again.status_code == 200
    assert "The DOCX of this edition is being built already" in again.content.decode()
    assert EditionBuild.objects.filter(edition=made).count() == 1
    # Another format of the same edition may be built meanwhile.
    assert ask(curator, made, "pdf").status_code == 302
    assert EditionBuild.objects.filter(edition=made).count() == 2
    # A build run twice (two threads, a retry) is built once.
    first = EditionBuild.objects.filter(edition=made).first()
    EditionBuild.objects.filter(pk=first.pk).update(status=BuildStatus.DONE)
    assert build_jobs.edition_build_run(build_id=first.pk).status == BuildStatus.DONE
    assert not made.files.exists()


def test_an_abandoned_build_does_not_block_the_next(curator, media, in_background):
    made = frozen(small_set())
    ask(curator, made, "docx")
    EditionBuild.objects.filter(edition=made).update(
        status=BuildStatus.RUNNING, updated_at=timezone.now() - timedelta(hours=1)
    )
    assert ask(curator, made, "docx").status_code == 302
    old, new = EditionBuild.objects.filter(edition=made).order_by("pk")
    assert old.status == BuildStatus.FAILED
    assert "stopped without finishing" in old.error
    assert new.status == BuildStatus.QUEUED


def test_a_failed_build_says_why_and_changes_no_file(curator, media, monkeypatch):
    made = frozen(small_set())
    assert ask(curator, made, "docx").status_code == 302
    [before] = made.files.all()

    def unavailable(*args, **kwargs):
        raise DocumentUnavailable("WeasyPrint cannot run here: its system libraries are missing.")

    monkeypatch.setattr(building, "render", unavailable)
    response = ask(curator, made, "docx")
    page = curator.get(response["Location"]).content.decode()
    assert "The documents could not be built" in page
    assert "WeasyPrint cannot run here" in page
    assert made.files.get().sha256 == before.sha256
    leftovers = [p.name for p in media.rglob("*") if p.name.endswith(".part")]
    assert leftovers == []

    def crash(document, fmt, path, progress=None):
        path.write_bytes(b"half a document")
        raise MemoryError

    monkeypatch.setattr(building, "render", crash)
    ask(curator, made, "docx")
    failed = EditionBuild.objects.filter(edition=made).first()
    assert failed.status == BuildStatus.FAILED
    assert "failed unexpectedly (MemoryError)" in failed.error
    assert made.files.get().sha256 == before.sha256
    assert not [p for p in media.rglob("*") if p.name.endswith(".part")]


def test_the_documents_part_is_for_htmx_and_the_secretariat(client, curator, media):
    made = frozen(small_set())
    url = reverse("publishing:edition_documents", args=[made.pk])
    plain = curator.get(url)
    assert plain.status_code == 302
    assert plain["Location"] == reverse("publishing:edition", args=[made.pk]) + "#documents"
    curator.logout()
    assert client.get(url, **HTMX).status_code == 302
    assert "/accounts/login/" in client.get(url, **HTMX)["Location"]
