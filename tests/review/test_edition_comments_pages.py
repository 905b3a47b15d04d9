"""The member review pages: who may open them, the comment and correction forms, the
secretariat's comments by entry, and every refusal a user can provoke with a forged request."""

from __future__ import annotations

import pytest

from compendium.catalog.models import Entry
from compendium.publishing import services as editions
from compendium.review.models import CommentStatus, EditionComment
from compendium.surveys.models import Proposal, ProposalKind
from tests.publishing.editions import entry, frozen

from .conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    made = frozen(
        [
            entry("Kenya women traders online", economies=("KEN",)),
            entry("Chile mujeres exportadoras digitales", economies=("CHL",)),
        ]
    )
    return editions.edition_circulate(edition=made, actor=None, actor_label="tests")


def row(edition, economy: str):
    return edition.entries.get(entry__economies__code=economy)


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_anonymous_visitors_sign_in_and_users_without_a_role_are_refused(
    client, draft, no_role_user
):
    pages = [
        url("review:editions_for_review"),
        url("review:edition_review", pk=draft.pk),
        url("review:edition_correction", pk=draft.pk, entry_pk=row(draft, "CHL").pk),
        url("review:edition_comments", pk=draft.pk),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    client.force_login(no_role_user)
    for page in pages:
        assert client.get(page).status_code == 403
    posted = client.post(url("review:edition_comment", pk=draft.pk), {"text": "Hi"})
    assert posted.status_code == 403
    assert not EditionComment.objects.exists()


def test_a_focal_point_reads_the_draft_by_part_and_comments(as_user, draft, chile_focal_point):
    client = as_user(chile_focal_point)
    listing = client.get(url("review:editions_for_review"))
    assert draft.full_symbols in listing.content.decode()
    page = client.get(url("review:edition_review", pk=draft.pk)).content.decode()
    assert "Members" in page
    assert "Kenya women traders online" in page
    kenya, chile = row(draft, "KEN"), row(draft, "CHL")
    correction = url("review:edition_correction", pk=draft.pk, entry_pk=chile.pk)
    assert correction in page
    assert url("review:edition_correction", pk=draft.pk, entry_pk=kenya.pk) not in page
    assert 'name="csrfmiddlewaretoken"' in page

    text = "<script>alert(1)</script> Please add the 2024 figures."
    response = client.post(
        url("review:edition_comment", pk=draft.pk), {"entry": kenya.pk, "text": text}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#entry-{kenya.pk}")
    shown = client.get(url("review:edition_review", pk=draft.pk)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "<script>alert(1)" not in shown


def test_an_empty_comment_shows_the_error_summary(as_user, draft, chile_focal_point):
    response = as_user(chile_focal_point).post(
        url("review:edition_comment", pk=draft.pk), {"entry": row(draft, "KEN").pk, "text": " "}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Write your comment." in body


def test_the_journey_through_the_pages(
    client, draft, chile_focal_point, kenya_focal_point, secretariat_user
):
    chile = row(draft, "CHL")
    client.force_login(kenya_focal_point)
    client.post(url("review:edition_comment", pk=draft.pk), {"entry": chile.pk, "text": "Unclear"})
    client.force_login(chile_focal_point)
    client.post(url("review:edition_comment", pk=draft.pk), {"text": "Fine overall"})
    form_page = client.get(url("review:edition_correction", pk=draft.pk, entry_pk=chile.pk))
    assert form_page.status_code == 200
    assert chile.entry.description in form_page.content.decode()
    sent = client.post(
        url("review:edition_correction", pk=draft.pk, entry_pk=chile.pk),
        {
            "title": chile.entry.title,
            "description": "Corrected by Chile on the draft.",
            "status": "active",
            "start_year": "2021",
            "end_year": "",
            "reason": "New figures.",
        },
    )
    assert sent.status_code == 302

    client.force_login(secretariat_user)
    detail = client.get(url("publishing:edition", pk=draft.pk)).content.decode()
    comments_url = url("review:edition_comments", pk=draft.pk)
    assert comments_url in detail
    page = client.get(comments_url).content.decode()
    assert "The whole edition" in page
    assert "Chile mujeres exportadoras digitales" in page
    assert "2 open, 0 resolved" in page
    assert 'Open <span class="review-tabs__count">(3)' in page

    comment = EditionComment.objects.get(text="Unclear")
    done = client.post(
        url("review:comment_resolve", pk=draft.pk, comment_pk=comment.pk),
        {"note": "Clarified in Rev.1", "status": "open"},
    )
    assert done.status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.RESOLVED
    assert comment.resolution == "Clarified in Rev.1"
    resolved = client.get(comments_url + "?status=resolved").content.decode()
    assert "Clarified in Rev.1" in resolved

    proposal = Proposal.objects.get(kind=ProposalKind.UPDATE, entry=chile.entry)
    queue = client.get(url("review:queue")).content.decode()
    assert url("review:proposal", pk=proposal.pk) in queue
    shown = client.get(url("review:proposal", pk=proposal.pk)).content.decode()
    assert "Corrected by Chile on the draft." in shown
    assert "New figures." in shown
    accepted = client.post(
        url("review:accept", pk=proposal.pk),
        {"accept-version": proposal.version, "accept-entry_version": chile.entry.version},
    )
    assert accepted.status_code == 302
    assert Entry.objects.get(pk=chile.entry_id).description == "Corrected by Chile on the draft."


def test_a_focal_point_cannot_resolve(as_user, draft, chile_focal_point, kenya_focal_point):
    client = as_user(kenya_focal_point)
    client.post(url("review:edition_comment", pk=draft.pk), {"text": "Mine"})
    comment = EditionComment.objects.get()
    client = as_user(chile_focal_point)
    response = client.post(url("review:comment_resolve", pk=draft.pk, comment_pk=comment.pk))
    assert response.status_code == 403
    assert client.get(url("review:edition_comments", pk=draft.pk)).status_code == 403
    comment.refresh_from_db()
    assert comment.status == CommentStatus.OPEN


def test_focal_points_see_only_their_own_economys_comments(
    as_user, draft, chile_focal_point, kenya_focal_point
):
    as_user(kenya_focal_point).post(
        url("review:edition_comment", pk=draft.pk), {"text": "Kenya's private remark"}
    )
    page = as_user(chile_focal_point).get(url("review:edition_review", pk=draft.pk))
    assert "Kenya&#x27;s private remark" not in page.content.decode()
    assert "private remark" not in page.content.decode()


def test_a_forged_correction_for_another_economy_is_refused(as_user, draft, chile_focal_point):
    client = as_user(chile_focal_point)
    kenya = row(draft, "KEN")
    target = url("review:edition_correction", pk=draft.pk, entry_pk=kenya.pk)
    for response in (
        client.get(target),
        client.post(
            target,
            {"title": "Hijacked", "description": "x", "status": "active", "reason": "Because"},
        ),
    ):
        assert response.status_code == 403
        assert "Only a focal point of the economy" in response.content.decode()
    assert not Proposal.objects.filter(kind=ProposalKind.UPDATE, entry=kenya.entry).exists()


def test_a_forged_entry_id_is_refused_with_a_message(as_user, draft, chile_focal_point):
    other = frozen(
        [entry("Other edition entry", economies=("CHL",))], symbols="INF/TGE/W/95 – INF/MSME/W/96"
    )
    client = as_user(chile_focal_point)
    response = client.post(
        url("review:edition_comment", pk=draft.pk),
        {"entry": other.entries.get().pk, "text": "Forged"},
    )
    assert response.status_code == 400
    assert "This entry is not part of this edition" in response.content.decode()
    missing = url("review:edition_correction", pk=draft.pk, entry_pk=other.entries.get().pk)
    assert client.get(missing).status_code == 404
    assert not EditionComment.objects.exists()


def test_editions_not_circulated_take_no_comment(as_user, chile_focal_point):
    preparing = frozen([entry("Chile programme", economies=("CHL",))])
    client = as_user(chile_focal_point)
    assert client.get(url("review:edition_review", pk=preparing.pk)).status_code == 404
    posted = client.post(url("review:edition_comment", pk=preparing.pk), {"text": "Early"})
    assert posted.status_code == 404
    assert not EditionComment.objects.exists()
