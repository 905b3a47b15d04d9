"""A Member's corrections and rejections reach the curators' review queue as proposals, in a
round named after the validation request; the curator's decision is what changes the entry,
and the focal point follows it on the validation page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from compendium.audit.models import AuditEvent
from compendium.catalog.models import Economy, Entry, Verification, Workflow
from compendium.imports.models import ValidationAnswer, ValidationItem
from compendium.imports.services import batch_accept
from compendium.imports.validation import (
    ValidationRefused,
    validation_answer,
    validation_request,
)
from compendium.review.selectors import QueueFilters, review_queue
from compendium.review.services import focal_point_assign, proposal_accept, proposal_reject
from compendium.surveys.models import Proposal, ProposalKind, ReviewStatus, Round

pytestmark = pytest.mark.django_db

CORRECTED_TITLE = "Ventanilla única digital para comerciantes transfronterizas"


@pytest.fixture
def focal_point(django_user_model):
    def make(code: str):
        user = django_user_model.objects.create_user(f"fp-{code}", f"{code}@example.org", "pw")
        focal_point_assign(user=user, actor=None, economy=Economy.objects.get(code=code))
        return user

    return make


@pytest.fixture
def asked(imported, secretariat_user) -> ValidationItem:
    """Guatemala is asked to validate the partner-reported single window (published)."""
    batch_accept(batch=imported("gatf").batch, actor=secretariat_user, publish=True)
    request = validation_request(economy=Economy.objects.get(code="GTM"), actor=secretariat_user)
    return request.items.select_related("entry").get(entry__title__startswith="Ventanilla")


def correction_form(entry: Entry, **changes) -> dict[str, object]:
    form = {
        "title": entry.title,
        "description": entry.description,
        "status": entry.status,
        "start_year": entry.start_year or "",
        "end_year": entry.end_year or "",
        "reason": "The single window opened in 2018, and it is fully online.",
    }
    return {**form, **changes}


def queued(curator, proposal_id: int) -> Proposal:
    return next(
        p for p in review_queue(user=curator, filters=QueueFilters()) if p.pk == proposal_id
    )


def test_a_correction_is_accepted_in_the_queue_and_the_entry_is_member_validated(
    asked, secretariat_user, focal_point, client
):
    client.force_login(focal_point("GTM"))
    correct = reverse("imports:validation_correct", args=[asked.pk])
    form_page = client.get(correct).content.decode()
    assert "Ventanilla única para comerciantes transfronterizas" in form_page  # filled in

    sent = client.post(
        correct, correction_form(asked.entry, title=CORRECTED_TITLE, start_year=2018)
    )
    assert sent.status_code == 302
    asked.refresh_from_db()
    assert asked.answer == ValidationAnswer.CORRECTED
    proposal = queued(secretariat_user, asked.proposal_id)
    assert proposal.kind == ProposalKind.UPDATE
    assert proposal.data["title"] == CORRECTED_TITLE
    assert proposal.data["start_year"] == 2018
    assert proposal.reason.startswith("The single window opened in 2018")
    assert proposal.response.economy.code == "GTM"
    assert proposal.response.round.slug == f"validation-{asked.request_id}"
    assert f"VAL-{asked.request_id:05d}" in proposal.response.round.title
    assert AuditEvent.objects.filter(
        action="validation.answer", changes__proposal=proposal.pk
    ).exists()
    entry = Entry.objects.get(pk=asked.entry_id)
    assert entry.title != CORRECTED_TITLE, "nothing changes before the curator accepts"

    following = client.get(reverse("imports:validate")).content.decode()
    assert "Sent to the secretariat" in following
    assert "Waiting for review" in following

    proposal_accept(proposal=proposal, curator=secretariat_user, expected_version=proposal.version)
    entry.refresh_from_db()
    assert (entry.title, entry.start_year) == (CORRECTED_TITLE, 2018)
    assert entry.verification == Verification.MEMBER_VALIDATED
    assert entry.workflow == Workflow.PUBLISHED
    assert "Accepted" in client.get(reverse("imports:validate")).content.decode()
    client.logout()
    public = client.get(reverse("public:entry", kwargs={"slug": entry.slug})).content.decode()
    assert CORRECTED_TITLE in public
    assert "Validated by the Member" in public


def test_a_rejection_becomes_a_withdrawal_that_takes_the_entry_off_the_public_pages(
    asked, secretariat_user, focal_point, client
):
    public = reverse("public:entry", kwargs={"slug": asked.entry.slug})
    assert client.get(public).status_code == 200
    economy = reverse("public:economy", kwargs={"code": "GTM"})
    assert asked.entry.title in client.get(economy).content.decode()
    search = (reverse("public:search"), {"q": "Ventanilla"})
    assert public in client.get(*search).content.decode()  # the title is highlighted: its link
    client.force_login(focal_point("GTM"))
    client.post(
        reverse("imports:validation_answer", args=[asked.pk]),
        {f"item{asked.pk}-answer": "rejected", f"item{asked.pk}-note": "Not a programme of ours."},
    )
    asked.refresh_from_db()
    proposal = queued(secretariat_user, asked.proposal_id)
    assert (proposal.kind, proposal.reason) == (ProposalKind.WITHDRAW, "Not a programme of ours.")
    assert Entry.objects.get(pk=asked.entry_id).workflow == Workflow.PUBLISHED

    proposal_accept(proposal=proposal, curator=secretariat_user, expected_version=proposal.version)
    assert Entry.objects.get(pk=asked.entry_id).workflow == Workflow.WITHDRAWN
    assert "Accepted" in client.get(reverse("imports:validate")).content.decode()
    client.logout()
    assert client.get(public).status_code == 404
    assert asked.entry.title not in client.get(economy).content.decode()
    assert public not in client.get(*search).content.decode()


def test_the_curator_may_reject_the_correction_and_the_member_sees_why(
    asked, secretariat_user, focal_point, client
):
    user = focal_point("GTM")
    item = validation_answer(
        item=asked,
        user=user,
        answer=ValidationAnswer.CORRECTED,
        note="It started in 2018.",
        corrected={"start_year": 2018},
    )
    proposal = item.proposal
    proposal_reject(
        proposal=proposal,
        curator=secretariat_user,
        expected_version=proposal.version,
        note="The customs decree dates it to 2019.",
    )
    entry = Entry.objects.get(pk=asked.entry_id)
    assert (entry.start_year, entry.verification) == (2019, Verification.PARTNER_REPORTED)
    client.force_login(user)
    page = client.get(reverse("imports:validate")).content.decode()
    assert "Rejected" in page
    assert "The customs decree dates it to 2019." in page


def test_another_economys_items_are_refused_and_nothing_reaches_the_queue(
    asked, focal_point, client
):
    honduras = focal_point("HND")
    client.force_login(honduras)
    correct = reverse("imports:validation_correct", args=[asked.pk])
    assert client.get(correct).status_code == 404
    forged = correction_form(asked.entry, title="Forged by another economy")
    assert client.post(correct, forged).status_code == 404
    rejected = {f"item{asked.pk}-answer": "rejected", f"item{asked.pk}-note": "Forged."}
    answer = reverse("imports:validation_answer", args=[asked.pk])
    assert client.post(answer, rejected).status_code == 404
    with pytest.raises(PermissionDenied):
        validation_answer(
            item=asked,
            user=honduras,
            answer=ValidationAnswer.CORRECTED,
            note="Forged.",
            corrected={"title": "Forged by another economy"},
        )
    assert not Proposal.objects.filter(entry=asked.entry).exists()
    asked.refresh_from_db()
    assert asked.answer == ""


def test_a_refused_correction_writes_nothing_and_says_why(asked, focal_point, client):
    client.force_login(focal_point("GTM"))
    correct = reverse("imports:validation_correct", args=[asked.pk])
    backwards = client.post(correct, correction_form(asked.entry, start_year=2024))
    assert backwards.status_code == 400
    assert "There is a problem" in backwards.content.decode()
    unchanged = client.post(correct, correction_form(asked.entry))
    assert unchanged.status_code == 400
    assert "Change at least one value" in unchanged.content.decode()
    no_reason = client.post(correct, correction_form(asked.entry, title="New", reason=""))
    assert no_reason.status_code == 400
    assert not Proposal.objects.exists()
    assert not Round.objects.filter(slug__startswith="validation-").exists()
    asked.refresh_from_db()
    assert asked.answer == ""
    assert asked.proposal is None


def test_an_entry_awaiting_the_secretariat_is_not_asked_about_again(
    asked, secretariat_user, focal_point
):
    item = validation_answer(
        item=asked, user=focal_point("GTM"), answer=ValidationAnswer.REJECTED, note="Not ours."
    )
    with pytest.raises(ValidationRefused):  # the rejection waits for the curator's decision
        validation_request(economy=Economy.objects.get(code="GTM"), actor=secretariat_user)
    assert Proposal.objects.get(pk=item.proposal_id).review_status == ReviewStatus.PENDING
