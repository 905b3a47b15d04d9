"""Member review of a circulated draft, through the services: comments, resolution, and a focal
point's correction that reaches the review queue and, once accepted, changes the entry."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from compendium.audit.models import AuditEvent
from compendium.catalog.models import Entry
from compendium.publishing import services as editions
from compendium.publishing.models import EditionEntry, EditionStatus
from compendium.review import comment_selectors as selectors
from compendium.review.comments import (
    TEXT_MAX,
    CommentRefused,
    comment_add,
    comment_resolve,
    correction_request,
)
from compendium.review.models import CommentKind, CommentStatus
from compendium.review.selectors import QueueFilters, review_queue
from compendium.review.services import proposal_accept
from compendium.surveys.models import ProposalKind, ReviewStatus
from compendium.surveys.selectors import open_round
from tests.publishing.editions import entry, frozen

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    """A circulated draft with an entry about Kenya, one about Chile and one about Canada."""
    made = frozen(
        [
            entry("Kenya women traders online", economies=("KEN",)),
            entry("Chile mujeres exportadoras digitales", economies=("CHL",)),
            entry("Canada digital skills for women", economies=("CAN",)),
        ]
    )
    return editions.edition_circulate(edition=made, actor=None, actor_label="tests")


def row(edition, economy: str) -> EditionEntry:
    return edition.entries.get(entry__economies__code=economy)


def test_focal_points_comment_on_entries_and_on_the_whole(
    draft, chile_focal_point, kenya_focal_point
):
    on_entry = comment_add(
        edition=draft,
        author=chile_focal_point,
        entry=row(draft, "KEN"),
        text="Add the 2024 figures.",
    )
    on_whole = comment_add(edition=draft, author=kenya_focal_point, text="  Good draft overall. ")
    assert on_entry.author_label == "Chile"
    assert on_entry.entry == row(draft, "KEN")
    assert on_whole.author_label == "Kenya"
    assert on_whole.entry is None
    assert on_whole.text == "Good draft overall."
    assert on_whole.status == CommentStatus.OPEN
    assert AuditEvent.objects.filter(action="edition_comment.add").count() == 2


def test_the_secretariat_resolves_with_a_note(draft, chile_focal_point, secretariat_user):
    comment = comment_add(edition=draft, author=chile_focal_point, text="Typo in Part I.")
    resolved = comment_resolve(comment=comment, actor=secretariat_user, note="Fixed in Rev.1.")
    assert resolved.status == CommentStatus.RESOLVED
    assert resolved.resolved_by == secretariat_user
    assert resolved.resolved_at is not None
    assert resolved.resolution == "Fixed in Rev.1."
    again = comment_resolve(comment=comment, actor=secretariat_user, note="other")
    assert again.resolution == "Fixed in Rev.1."
    assert AuditEvent.objects.filter(action="edition_comment.resolve").count() == 1


def test_the_journey_from_comments_to_a_corrected_entry(
    draft, chile_focal_point, kenya_focal_point, secretariat_user
):
    comment_add(edition=draft, author=kenya_focal_point, entry=row(draft, "CHL"), text="Unclear.")
    comment_add(edition=draft, author=chile_focal_point, text="We will send a correction.")
    chile = row(draft, "CHL")
    asked = correction_request(
        edition=draft,
        entry=chile,
        author=chile_focal_point,
        corrected={
            "description": "Corrected: 1,500 women-led firms trained online.",
            "end_year": 2027,
        },
        reason="The figures were updated in 2025.",
    )
    assert asked.kind == CommentKind.CORRECTION
    assert asked.author_label == "Chile"

    groups = selectors.comments_by_entry(user=secretariat_user, edition=draft, status="open")
    assert [g.entry for g in groups] == [None, chile]
    assert (groups[1].open_count, groups[1].resolved_count) == (2, 0)

    queue = list(review_queue(user=secretariat_user, filters=QueueFilters()))
    proposal = next(p for p in queue if p.pk == asked.proposal_id)
    assert proposal.kind == ProposalKind.UPDATE
    assert proposal.entry_id == chile.entry_id
    assert proposal.reason == "The figures were updated in 2025."
    assert open_round() is None, "the corrections' round is never offered in the workspace"

    for comment in draft.comments.all():
        comment_resolve(comment=comment, actor=secretariat_user, note="Taken into Rev.1")
    assert selectors.comment_counts(edition=draft) == {"open": 0, "resolved": 3}

    decision = proposal_accept(
        proposal=proposal, curator=secretariat_user, expected_version=proposal.version
    )
    live = Entry.objects.get(pk=chile.entry_id)
    assert decision.proposal.review_status == ReviewStatus.ACCEPTED
    assert live.description == "Corrected: 1,500 women-led firms trained online."
    assert live.end_year == 2027
    # The circulated edition keeps what it circulated.
    chile.refresh_from_db()
    assert chile.snapshot["description"] != live.description


def test_a_second_correction_joins_the_same_response(draft, chile_focal_point):
    chile = row(draft, "CHL")
    first = correction_request(
        edition=draft,
        entry=chile,
        author=chile_focal_point,
        corrected={"end_year": 2026},
        reason="a",
    )
    second = correction_request(
        edition=draft,
        entry=chile,
        author=chile_focal_point,
        corrected={"status": "completed"},
        reason="b",
    )
    assert first.proposal.response_id == second.proposal.response_id
    assert first.proposal.response.submitted_at is not None


# --- refusals ------------------------------------------------------------------------------------


def test_nobody_without_a_role_comments(draft, no_role_user):
    with pytest.raises(PermissionDenied):
        comment_add(edition=draft, author=no_role_user, text="Hello")


def test_a_focal_point_cannot_resolve(draft, chile_focal_point):
    comment = comment_add(edition=draft, author=chile_focal_point, text="Hello")
    with pytest.raises(PermissionDenied):
        comment_resolve(comment=comment, actor=chile_focal_point)


def test_editions_not_circulated_take_no_comment(chile_focal_point):
    made = frozen([entry("Chile programme", economies=("CHL",))])
    with pytest.raises(CommentRefused, match="Only a circulated edition"):
        comment_add(edition=made, author=chile_focal_point, text="Too early")
    assert made.status == EditionStatus.IN_PREPARATION


def test_empty_and_overlong_comments_are_refused(draft, chile_focal_point):
    with pytest.raises(CommentRefused, match="Write your comment"):
        comment_add(edition=draft, author=chile_focal_point, text="   ")
    with pytest.raises(CommentRefused, match="under 4000"):
        comment_add(edition=draft, author=chile_focal_point, text="x" * (TEXT_MAX + 1))


def test_an_entry_of_another_edition_is_refused(draft, chile_focal_point):
    other = frozen(
        [entry("Other edition entry", economies=("CHL",))], symbols="INF/TGE/W/95 – INF/MSME/W/96"
    )
    with pytest.raises(CommentRefused, match="not part of this edition"):
        comment_add(
            edition=draft, author=chile_focal_point, entry=other.entries.first(), text="Forged"
        )


def test_a_focal_point_cannot_correct_another_economys_entry(draft, chile_focal_point):
    with pytest.raises(CommentRefused, match="Only a focal point of the economy"):
        correction_request(
            edition=draft,
            entry=row(draft, "KEN"),
            author=chile_focal_point,
            corrected={"title": "Hijacked"},
            reason="Because.",
        )
    assert not draft.comments.exists()


def test_a_correction_needs_a_change_a_reason_and_valid_values(draft, chile_focal_point):
    chile = row(draft, "CHL")
    ask = lambda corrected, reason="Why": correction_request(  # noqa: E731
        edition=draft, entry=chile, author=chile_focal_point, corrected=corrected, reason=reason
    )
    with pytest.raises(CommentRefused, match="Change at least one value"):
        ask({"title": chile.entry.title})
    with pytest.raises(CommentRefused, match="Say what is wrong"):
        ask({"end_year": 2030}, reason=" ")
    with pytest.raises(CommentRefused):
        ask({"start_year": 2020, "end_year": 2010})
    assert not draft.comments.exists()
