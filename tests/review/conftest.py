"""A survey round answered through the survey's own services: Chile confirms one recorded entry,
corrects one, withdraws one and adds one, then submits; Kenya submits a new one. Plus a user for
every role the review pages must tell apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from compendium.catalog.models import Economy, Organization
from compendium.review.services import focal_point_assign
from compendium.surveys.models import Invitation, Proposal, ProposalKind, Response
from compendium.surveys.services import (
    Who,
    invitation_create,
    proposal_add,
    proposal_save,
    questionnaire_load,
    response_save_answers,
    response_submit,
    round_open,
)

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
CORRECTED_DESCRIPTION = "Corrected by Chile: export coaching for 1,200 women-led firms."
WITHDRAW_REASON = "The programme ended in 2019."


def url(name: str, **kwargs) -> str:
    """The English address (a request in another language leaves that language active)."""
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@dataclass
class Answered:
    """Chile's submitted response, one proposal of each kind, and Kenya's."""

    invitation: Invitation
    response: Response
    confirm: Proposal
    update: Proposal
    withdraw: Proposal
    new: Proposal
    kenya_invitation: Invitation
    kenya_new: Proposal

    def fresh(self, proposal: Proposal) -> Proposal:
        return Proposal.objects.select_related("entry", "response").get(pk=proposal.pk)


@pytest.fixture
def survey_round(db):
    questionnaire, _ = questionnaire_load()
    return round_open(
        actor=None,
        actor_label="tests",
        title="2026 survey",
        slug="r2026",
        deadline=date(2026, 12, 31),
        questionnaire=questionnaire,
    )


def _invite(survey_round, code: str, name: str) -> Invitation:
    invitation, _token = invitation_create(
        actor=None,
        actor_label="tests",
        survey_round=survey_round,
        name=name,
        email=f"fp@{code.lower()}.example",
        economy=Economy.objects.get(code=code),
    )
    return invitation


def _answer_chile(invitation: Invitation) -> tuple[Proposal, Proposal, Proposal, Proposal]:
    who = Who.of_invitation(invitation)
    response = response_save_answers(response=invitation.response, who=who, answers=GENERAL)
    recorded = list(response.proposals.filter(entry__economies__code="CHL").order_by("position"))
    assert len(recorded) >= 3, "the sample has three entries about Chile"
    first, second, third = recorded[:3]
    confirm = proposal_save(proposal=first, who=who, kind=ProposalKind.CONFIRM)
    corrected = {
        **second.data,
        "description": CORRECTED_DESCRIPTION,
        "policy_areas": sorted({*second.data["policy_areas"], "digital_skills_education"}),
    }
    update = proposal_save(proposal=second, who=who, kind=ProposalKind.UPDATE, data=corrected)
    withdraw = proposal_save(
        proposal=third, who=who, kind=ProposalKind.WITHDRAW, reason=WITHDRAW_REASON
    )
    new = proposal_add(response=response, who=who, data=NEW_POLICY)
    response_submit(response=response, who=who)
    return confirm, update, withdraw, new


def _answer_kenya(invitation: Invitation) -> Proposal:
    who = Who.of_invitation(invitation)
    response = response_save_answers(
        response=invitation.response,
        who=who,
        answers={**GENERAL, "contact_email": "fp@ken.example", "contact_name": "Wanjiru"},
    )
    new = proposal_add(
        response=response,
        who=who,
        data={**NEW_POLICY, "title": "Women in the Kenyan digital economy", "economies": ["KEN"]},
    )
    response_submit(response=response, who=who)
    return new


@pytest.fixture
def answered(survey_round) -> Answered:
    chile = _invite(survey_round, "CHL", "Ana Pérez")
    kenya = _invite(survey_round, "KEN", "Wanjiru Kamau")
    confirm, update, withdraw, new = _answer_chile(chile)
    kenya_new = _answer_kenya(kenya)
    return Answered(
        invitation=chile,
        response=Response.objects.get(pk=chile.response_id),
        confirm=confirm,
        update=update,
        withdraw=withdraw,
        new=new,
        kenya_invitation=kenya,
        kenya_new=kenya_new,
    )


# --- people --------------------------------------------------------------------------------------


@pytest.fixture
def make_user(db, django_user_model):
    def make(username: str):
        return django_user_model.objects.create_user(username, f"{username}@example.org", "pw")

    return make


@pytest.fixture
def chile_focal_point(make_user):
    user = make_user("fp-chile")
    focal_point_assign(
        user=user, actor=None, actor_label="tests", economy=Economy.objects.get(code="CHL")
    )
    return user


@pytest.fixture
def kenya_focal_point(make_user):
    user = make_user("fp-kenya")
    focal_point_assign(
        user=user, actor=None, actor_label="tests", economy=Economy.objects.get(code="KEN")
    )
    return user


@pytest.fixture
def itc_focal_point(make_user):
    user = make_user("fp-itc")
    focal_point_assign(
        user=user,
        actor=None,
        actor_label="tests",
        organization=Organization.objects.get(slug="itc"),
    )
    return user


@pytest.fixture
def chile_colleague(make_user, answered):
    """A line ministry's official, invited by Chile's focal point on Chile's response only."""
    user = make_user("colleague-chile")
    invitation, token = invitation_create(
        actor=None,
        survey_round=answered.invitation.round,
        name="Line ministry",
        email="colleague-chile@example.org",
        economy=answered.response.economy,
        role="colleague",
        invited_by=answered.invitation,
        user=user,
    )
    user.colleague_invitation, user.colleague_token = invitation, token
    return user


@pytest.fixture
def no_role_user(make_user):
    return make_user("someone")
