"""The survey's write paths: links, drafts without lost updates, all-or-nothing submission."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from compendium.audit.models import AuditEvent
from compendium.catalog.models import Entry
from compendium.surveys.models import (
    Invitation,
    InvitationState,
    Proposal,
    ProposalKind,
    Response,
    ResponseChange,
)
from compendium.surveys.questionnaire import QuestionnaireInvalid
from compendium.surveys.selectors import InvitationRefused, invitation_for_token, proposal_of
from compendium.surveys.services import (
    ResponseLocked,
    StaleDraft,
    SubmissionInvalid,
    Who,
    invitation_create,
    invitation_reissue,
    invitation_revoke,
    invitation_send,
    proposal_add,
    proposal_save,
    questionnaire_load,
    response_reopen,
    response_save_answers,
    response_submit,
)
from compendium.surveys.tokens import token_hash

pytestmark = pytest.mark.django_db

GENERAL = {
    "contact_name": "Ana Pérez",
    "contact_institution": "SUBREI",
    "contact_email": "ana@chile.example",
    "consent_publish": True,
}
NEW_POLICY = {
    "title": "Mujer Exporta Digital",
    "description": "Online export training for women-led firms.",
    "instrument_type": "training_or_capacity_building",
    "policy_areas": ["export_support", "ecommerce"],
    "target_groups": ["women_led_msmes"],
    "gender_focus": "women_specific",
    "economies": ["CHL"],
    "status": "active",
}


def test_only_the_token_hash_is_stored(chile_invitation):
    invitation, token = chile_invitation
    assert invitation.token_hash == token_hash(token)
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert invitation_for_token(token) == invitation


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "../../etc/passwd", "a b c" * 10, "é" * 40])
def test_forged_tokens_are_refused(chile_invitation, token):
    with pytest.raises(InvitationRefused, match="not valid"):
        invitation_for_token(token)


def test_revoked_expired_and_reissued_links(chile_invitation):
    invitation, token = chile_invitation
    invitation_revoke(actor=None, invitation=invitation)
    with pytest.raises(InvitationRefused, match="withdrawn"):
        invitation_for_token(token)
    new_token = invitation_reissue(actor=None, invitation=invitation)
    assert invitation_for_token(new_token) == invitation
    with pytest.raises(InvitationRefused, match="not valid"):
        invitation_for_token(token)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    with pytest.raises(InvitationRefused, match="expired"):
        invitation_for_token(new_token)


def test_response_is_prefilled_with_recorded_entries(chile_invitation):
    invitation, _ = chile_invitation
    recorded = set(Entry.objects.filter(economies__code="CHL").values_list("pk", flat=True))
    proposals = invitation.response.proposals.all()
    assert {p.entry_id for p in proposals} >= recorded
    assert {p.kind for p in proposals} == {ProposalKind.REVIEW}
    first = proposals.first()
    assert first.data["title"] == first.entry.title


def test_invitation_email_is_in_the_respondents_language(chile_invitation):
    invitation, token = chile_invitation
    assert invitation_send(invitation=invitation, token=token)
    message = mail.outbox[-1]
    assert message.to == ["ana@chile.example"]
    assert token in message.body
    assert "Encuesta" in message.subject or "encuesta" in message.body.lower()


def test_drafts_save_and_record_who_changed_what(chile_invitation):
    invitation, _ = chile_invitation
    who = Who.of_invitation(invitation)
    response = response_save_answers(
        response=invitation.response, who=who, answers={"contact_name": "Ana"}
    )
    assert response.answers["contact_name"] == "Ana"
    proposal = proposal_add(response=response, who=who, data={"title": "Draft only"})
    change = ResponseChange.objects.filter(proposal=proposal).get()
    assert change.who == "Ana Pérez <ana@chile.example>"
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.IN_PROGRESS


def test_stale_save_from_another_tab_is_refused(chile_invitation):
    invitation, _ = chile_invitation
    who = Who.of_invitation(invitation)
    version = invitation.response.version
    response_save_answers(
        response=invitation.response,
        who=who,
        answers={"contact_name": "A"},
        expected_version=version,
    )
    with pytest.raises(StaleDraft):
        response_save_answers(
            response=invitation.response,
            who=who,
            answers={"contact_name": "B"},
            expected_version=version,
        )
    assert Response.objects.get(pk=invitation.response.pk).answers["contact_name"] == "A"
    proposal = proposal_add(response=invitation.response, who=who, data={"title": "x"})
    proposal_save(
        proposal=proposal, who=who, kind=ProposalKind.NEW, data={"title": "y"}, expected_version=1
    )
    with pytest.raises(StaleDraft):
        proposal_save(
            proposal=proposal,
            who=who,
            kind=ProposalKind.NEW,
            data={"title": "z"},
            expected_version=1,
        )


def test_another_economys_proposal_is_not_found(chile_invitation, itc_invitation):
    chile, _ = chile_invitation
    itc, _ = itc_invitation
    theirs = itc.response.proposals.first()
    assert proposal_of(response=chile.response, pk=theirs.pk) is None


def test_submission_is_all_or_nothing(chile_invitation):
    invitation, _ = chile_invitation
    who = Who.of_invitation(invitation)
    response = invitation.response
    incomplete = proposal_add(response=response, who=who, data={"title": "Incomplete"})
    recorded = response.proposals.exclude(pk=incomplete.pk).first()
    proposal_save(proposal=recorded, who=who, kind=ProposalKind.WITHDRAW, reason="")
    with pytest.raises(SubmissionInvalid) as caught:
        response_submit(response=response, who=who)
    places = {(p.where, p.field) for p in caught.value.problems}
    assert (f"proposal:{incomplete.pk}", "instrument_type") in places
    assert (f"proposal:{recorded.pk}", "reason") in places
    assert ("general:respondent", "contact_name") in places
    response.refresh_from_db()
    assert response.status == Response.Status.DRAFT
    assert not mail.outbox


def test_complete_submission_locks_sends_receipt_and_audits(
    chile_invitation, django_capture_on_commit_callbacks
):
    invitation, _ = chile_invitation
    who = Who.of_invitation(invitation)
    response = response_save_answers(response=invitation.response, who=who, answers=GENERAL)
    proposal_add(response=response, who=who, data=NEW_POLICY)
    with django_capture_on_commit_callbacks(execute=True):
        response = response_submit(response=response, who=who)
    assert response.status == Response.Status.SUBMITTED
    assert response.reference.startswith("R2026-CHL-")
    assert AuditEvent.objects.filter(action="response.submit", target_id=str(response.pk)).exists()
    receipt = mail.outbox[-1]
    assert response.reference in receipt.subject
    assert "Mujer Exporta Digital" in receipt.body
    with pytest.raises(ResponseLocked):
        proposal_add(response=response, who=who, data={"title": "late"})
    response_reopen(actor=None, response=response, note="Typo")
    proposal_add(response=response, who=who, data={"title": "after reopening"})


def test_colleague_invitation_reaches_the_same_response(chile_invitation):
    invitation, _ = chile_invitation
    colleague, token = invitation_create(
        actor=None,
        survey_round=invitation.round,
        name="Line ministry",
        email="m@chile.example",
        economy=invitation.response.economy,
        role="colleague",
        invited_by=invitation,
    )
    assert colleague.response == invitation.response
    assert invitation_for_token(token) == colleague


def test_a_loaded_questionnaire_version_never_changes(tmp_path, survey_round):
    import yaml

    from compendium.surveys.questionnaire import DATA_DIR

    document = yaml.safe_load((DATA_DIR / "questionnaire.yaml").read_text())
    document["sections"][0]["questions"][0]["label"]["en"] = "Changed"
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    with pytest.raises(QuestionnaireInvalid, match="new version number"):
        questionnaire_load(path=path)
    document["version"] = 2
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    assert questionnaire_load(path=path)[0].version == 2


def test_proposal_kinds_follow_the_entry(chile_invitation):
    invitation, _ = chile_invitation
    who = Who.of_invitation(invitation)
    recorded = invitation.response.proposals.first()
    with pytest.raises(ValueError, match="not possible"):
        proposal_save(proposal=recorded, who=who, kind=ProposalKind.NEW)
    assert Proposal.objects.get(pk=recorded.pk).kind == ProposalKind.REVIEW
