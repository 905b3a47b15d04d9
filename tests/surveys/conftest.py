from __future__ import annotations

from datetime import date

import pytest

from compendium.catalog.models import Economy, Organization
from compendium.surveys.services import invitation_create, questionnaire_load, round_open


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


@pytest.fixture
def chile_invitation(survey_round):
    """(invitation, token) for Chile's focal point."""
    return invitation_create(
        actor=None,
        actor_label="tests",
        survey_round=survey_round,
        name="Ana Pérez",
        email="ana@chile.example",
        language="es",
        economy=Economy.objects.get(code="CHL"),
    )


@pytest.fixture
def itc_invitation(survey_round):
    return invitation_create(
        actor=None,
        actor_label="tests",
        survey_round=survey_round,
        name="ITC focal point",
        email="fp@itc.example",
        organization=Organization.objects.get(slug="itc"),
    )
