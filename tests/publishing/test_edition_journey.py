"""The issue's "done when", end to end through the pages: from the sample data the secretariat
builds a draft edition, two focal points comment on it (Chile also asks for a correction, accepted
in the review queue), the secretariat revises it as a final Rev.1 (whose change annex lists the
corrected entry as modified) and adopts it; then the DOCX, the PDF, the online database, the data
release and the widget all show exactly the same entries."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import docx
import pytest
from django.urls import reverse

from compendium.catalog.models import Economy, Entry, Workflow
from compendium.catalog.services import entry_transition
from compendium.publishing.models import DataRelease, Edition, EditionStatus
from compendium.review.models import EditionComment
from compendium.review.selectors import QueueFilters, review_queue
from compendium.review.services import focal_point_assign
from compendium.search.params import SearchParams
from compendium.search.selectors import search_entry_ids
from compendium.surveys.models import ReviewStatus

from .editions import entry

pytestmark = pytest.mark.django_db

KEPT = ("CHL", "KEN")  # the sample entries about these two Members make the edition
CORRECTED_TITLE = "ProChile Mujer Exporta: export coaching for women-led firms"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def small_sample():
    """The sample about Chile and Kenya stays published, the rest is withdrawn (to keep the
    documents small); plus an approved entry that only the adoption will publish."""
    kept = Entry.objects.filter(economies__code__in=KEPT, workflow=Workflow.PUBLISHED)
    for hidden in Entry.objects.filter(workflow=Workflow.PUBLISHED).exclude(pk__in=kept):
        entry_transition(entry=hidden, actor=None, actor_label="tests", to=Workflow.WITHDRAWN)
    entry("Kenya women traders e-payments pilot", economies=("KEN",))
    return Entry.objects.filter(workflow__in=(Workflow.PUBLISHED, Workflow.APPROVED))


def focal_point(client_class, django_user_model, code: str):
    user = django_user_model.objects.create_user(f"fp-{code.lower()}", password="pw")
    focal_point_assign(
        user=user, actor=None, actor_label="tests", economy=Economy.objects.get(code=code)
    )
    client = client_class()
    client.force_login(user)
    return client


def post(client, name: str, edition: Edition, data: dict | None = None, status: int = 302):
    response = client.post(reverse(name, args=[edition.pk]), data or {})
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def headings(path: Path) -> list[str]:
    """The entries' titles, as the DOCX's numbered entry headings say them."""
    paragraphs = docx.Document(str(path)).paragraphs
    return [
        re.sub(r"^\d+\. ", "", p.text)
        for p in paragraphs
        if p.style.name == "Heading 3" and re.match(r"^\d+\. ", p.text)
    ]


def test_from_draft_to_adopted_every_output_shows_the_same_entries(
    client, secretariat_user, django_user_model, media, small_sample
):
    from django.test import Client

    client.force_login(secretariat_user)
    chile = focal_point(Client, django_user_model, "CHL")
    kenya = focal_point(Client, django_user_model, "KEN")

    # The secretariat creates, freezes and circulates the draft.
    created = client.post(
        reverse("publishing:editions"),
        {
            "symbols": "INF/TGE/W/80 – INF/MSME/W/81",
            "title": "Empowering Women to Trade through Digitalisation",
            "kind": "draft",
            "date": "2026-05-04",
        },
    )
    draft = Edition.objects.get(symbols="INF/TGE/W/80 – INF/MSME/W/81")
    assert created["Location"] == reverse("publishing:edition", args=[draft.pk])
    post(client, "publishing:edition_freeze", draft)
    post(client, "publishing:edition_circulate", draft)
    assert draft.entries.count() == len(small_sample) == 5

    # Two focal points comment; Chile asks for a correction of its own entry.
    prochile = draft.entries.get(entry__title__startswith="ProChile Mujer Exporta")
    ajira = draft.entries.get(entry__title__startswith="Ajira Digital")
    post(
        kenya,
        "review:edition_comment",
        draft,
        {"entry": prochile.pk, "text": "Does this programme reach firms outside Santiago?"},
    )
    post(chile, "review:edition_comment", draft, {"text": "Chile supports the draft."})
    post(
        kenya,
        "review:edition_comment",
        draft,
        {"entry": ajira.pk, "text": "Please add the 2025 figures."},
    )
    live = prochile.entry
    correction = chile.post(
        reverse("review:edition_correction", args=[draft.pk, prochile.pk]),
        {
            "title": CORRECTED_TITLE,
            "description": live.description,
            "status": live.status,
            "start_year": live.start_year or "",
            "end_year": live.end_year or "",
            "reason": "The programme was renamed in 2025.",
        },
    )
    assert correction.status_code == 302, correction.content.decode()[:2000]
    assert EditionComment.objects.filter(edition=draft).count() == 4

    # The secretariat accepts the correction in the review queue and resolves the comments.
    asked = EditionComment.objects.get(edition=draft, proposal__isnull=False).proposal
    assert asked in review_queue(user=secretariat_user, filters=QueueFilters())
    accepted = client.post(
        reverse("review:accept", args=[asked.pk]),
        {
            "accept-version": asked.version,
            "accept-entry_version": live.version,
            "accept-note": "As asked on the draft.",
        },
    )
    assert accepted.status_code == 302
    asked.refresh_from_db()
    assert asked.review_status == ReviewStatus.ACCEPTED
    assert Entry.objects.get(pk=live.pk).title == CORRECTED_TITLE
    for comment in EditionComment.objects.filter(edition=draft):
        resolved = client.post(
            reverse("review:comment_resolve", args=[draft.pk, comment.pk]),
            {"note": "Taken into Rev.1"},
        )
        assert resolved.status_code == 302
    assert not EditionComment.objects.filter(edition=draft, status="open").exists()

    # Rev.1, final: its change annex lists the corrected entry as modified.
    post(client, "publishing:edition_revise", draft, {"kind": "final", "date": "2026-06-01"})
    final = Edition.objects.get(previous=draft)
    assert final.full_symbols == "INF/TGE/W/80/Rev.1 – INF/MSME/W/81/Rev.1"
    post(client, "publishing:edition_freeze", final)
    page = client.get(reverse("publishing:edition", args=[final.pk])).content.decode()
    assert "0 added, 1 modified, 0 withdrawn." in page
    post(client, "publishing:edition_circulate", final)
    formats = ["docx", "pdf"] if _weasyprint_loads() else ["docx"]
    post(client, "publishing:edition_build", final, {"formats": formats, "language": "en"})
    post(client, "publishing:edition_adopt", final, {"note": "Adopted at the joint meeting."})
    final.refresh_from_db()
    assert final.status == EditionStatus.ADOPTED

    # The edition's entries: what every output must show.
    titles = sorted(row.snapshot["title"] for row in final.entries.all())
    slugs = sorted(row.snapshot["slug"] for row in final.entries.all())
    assert CORRECTED_TITLE in titles
    assert len(slugs) == 5

    # The DOCX, and its change annex.
    docx_file = final.files.get(format="docx")
    assert sorted(headings(Path(docx_file.file.path))) == titles
    annex = docx.Document(docx_file.file.path)
    assert "Entries modified (1)" in [p.text for p in annex.paragraphs]
    rows = [[c.text for c in row.cells] for table in annex.tables for row in table.rows]
    [modified] = [row for row in rows if row[0] == CORRECTED_TITLE]
    assert modified[1] == "Chile"
    assert "Title" in modified[2].split("; ")  # with the survey source and verification it brought

    # The online database: the search and the public pages show these entries, no other.
    public = Entry.objects.filter(pk__in=search_entry_ids(params=SearchParams()))
    assert sorted(public.values_list("slug", flat=True)) == slugs
    client.logout()
    for slug in slugs:
        shown = client.get(reverse("public:entry", kwargs={"slug": slug}))
        assert shown.status_code == 200
    listed = client.get(reverse("publishing:compendium")).content.decode()
    assert "INF/TGE/W/80/Rev.1" in listed

    # The data release.
    release = DataRelease.objects.get(edition=final)
    with (media / release.directory / "entries.csv").open(encoding="utf-8", newline="") as file:
        released = list(csv.DictReader(file))
    assert sorted(row["slug"] for row in released) == slugs
    assert sorted(row["title_original"] for row in released) == titles

    # The widget.
    widget = client.get(reverse("publishing:embed_entries"), {"page_size": 50}).content.decode()
    assert sorted(re.findall(r'class="cw-title" href="/entries/([^/"]+)/"', widget)) == slugs

    # The PDF, where WeasyPrint can run.
    if "pdf" not in formats:
        pytest.skip("WeasyPrint cannot load here (no Pango): the PDF part was not checked")
    from pypdf import PdfReader

    pdf = PdfReader(final.files.get(format="pdf").file.path)
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    for title in titles:
        assert text.count(" ".join(title.split())) >= 1, title


def _weasyprint_loads() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True
