"""A curator's decisions seen from the focal point's workspace: the request for changes (on the
task list, the list of policies and the policy's page), the answer to it, proposals already
accepted that can no longer change, and the submission that sends the request back."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from compendium.catalog.models import Economy
from compendium.review.services import proposal_accept, proposal_request_changes
from compendium.surveys.models import Proposal, ProposalKind, Response, ReviewStatus
from compendium.surveys.services import (
    Who,
    invitation_create,
    proposal_add,
    proposal_save,
    response_save_answers,
    response_submit,
)

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
    "start_year": 2022,
    "source": "https://www.prochile.gob.cl/mujer-exporta-digital",
}
NOTE = "Please give the programme's budget <and> its official page."


def url(name: str, **kwargs) -> str:
    """The English address (a request in another language leaves that language active)."""
    with translation.override("en"):
        return reverse(f"surveys:{name}", kwargs=kwargs or None)


@dataclass
class Asked:
    """Chile's submitted response: a confirmation the curator accepted, and a new policy on
    which they asked for changes (which reopened the response)."""

    client: Client
    accepted: Proposal
    asked: Proposal

    def fresh(self, proposal: Proposal) -> Proposal:
        return Proposal.objects.get(pk=proposal.pk)


@pytest.fixture
def asked(survey_round, secretariat_user) -> Asked:
    invitation, token = invitation_create(
        actor=None,
        actor_label="tests",
        survey_round=survey_round,
        name="Ana Pérez",
        email="ana@chile.example",
        language="en",
        economy=Economy.objects.get(code="CHL"),
    )
    who = Who.of_invitation(invitation)
    response = response_save_answers(response=invitation.response, who=who, answers=GENERAL)
    recorded = response.proposals.filter(entry__isnull=False).order_by("position").first()
    confirmed = proposal_save(proposal=recorded, who=who, kind=ProposalKind.CONFIRM)
    new = proposal_add(response=response, who=who, data=NEW_POLICY)
    response_submit(response=response, who=who)
    accepted = proposal_accept(
        proposal=confirmed, curator=secretariat_user, expected_version=confirmed.version
    ).proposal
    asked = proposal_request_changes(
        proposal=new, curator=secretariat_user, expected_version=new.version, note=NOTE
    ).proposal
    client = Client()
    client.get(url("open", token=token))
    return Asked(client=client, accepted=accepted, asked=asked)


def test_the_task_list_says_which_policies_need_changes(asked):
    page = asked.client.get(url("workspace")).content.decode()
    assert "The Secretariat asked for changes on 1 policy" in page
    assert url("policy", pk=asked.asked.pk) + "#review" in page


def test_the_policy_page_shows_the_note_and_the_reply_form(asked):
    page = asked.client.get(url("policy", pk=asked.asked.pk)).content.decode()
    assert "The Secretariat asked for changes" in page
    assert "Please give the programme&#x27;s budget &lt;and&gt; its official page." in page
    assert "Your answer to the Secretariat" in page
    assert url("policy_reply", pk=asked.asked.pk) in page
    assert 'id="policy-form"' in page  # the policy itself can still be edited


def test_the_list_shows_the_note_and_each_review_status(asked):
    page = asked.client.get(url("policies")).content.decode()
    assert "&lt;and&gt; its official page" in page
    assert "Your answer to the Secretariat" in page
    assert "Accepted" in page


def test_a_reply_is_saved(asked):
    answer = asked.client.post(
        url("policy_reply", pk=asked.asked.pk),
        {
            "reply": "  Budget: USD 2 million; page added as a source.  ",
            "version": asked.asked.version,
        },
        follow=True,
    )
    assert answer.status_code == 200
    assert "was saved" in answer.content.decode()
    assert asked.fresh(asked.asked).reply == "Budget: USD 2 million; page added as a source."


def test_an_outdated_reply_is_refused_and_kept_in_the_box(asked):
    answer = asked.client.post(
        url("policy_reply", pk=asked.asked.pk), {"reply": "My answer", "version": 0}
    )
    assert answer.status_code == 409
    assert "My answer</textarea>" in answer.content.decode()
    assert asked.fresh(asked.asked).reply == ""


def test_an_accepted_proposal_is_read_only(asked):
    before = asked.fresh(asked.accepted)
    page = asked.client.get(url("policy", pk=before.pk)).content.decode()
    assert 'id="policy-form"' not in page
    assert url("policy_decision", pk=before.pk) not in page
    edit = asked.client.post(
        url("policy", pk=before.pk),
        {"version": before.version, "description": "Changed after acceptance", "action": "draft"},
    )
    decision = asked.client.post(
        url("policy_decision", pk=before.pk),
        {"decision": "withdraw", "reason": "No", "version": before.version},
        follow=True,
    )
    autosave = asked.client.post(
        url("policy_autosave", pk=before.pk), {"version": before.version, "description": "X"}
    )
    assert edit.status_code == 302
    assert "already accepted" in decision.content.decode()
    assert "already accepted" in autosave.content.decode()
    after = asked.fresh(before)
    assert (after.kind, after.data, after.version) == (before.kind, before.data, before.version)


def test_resubmitting_sends_the_request_back_to_the_curators(asked):
    response = Response.objects.get(pk=asked.asked.response_id)
    assert response.status == Response.Status.REOPENED
    answer = asked.client.post(url("submit"))
    assert answer.status_code == 302
    asked_again = asked.fresh(asked.asked)
    assert asked_again.review_status == ReviewStatus.PENDING
    assert asked.fresh(asked.accepted).review_status == ReviewStatus.ACCEPTED
    page = asked.client.get(url("workspace")).content.decode()
    assert "asked for changes on" not in page
