"""Hostile text and files in the focal point's workspace: the autosaved sections, the policy
form (autosave and save) and the spreadsheet upload. Nothing gives a 5xx; a refused save changes
nothing; what was saved shows escaped on every page and neutralised in the workbooks."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation

from compendium.surveys.models import Proposal, ProposalKind, Response, ResponseChange
from compendium.surveys.spreadsheet_read import MAX_BYTES

from .hostile import (
    HostileFile,
    Payload,
    assert_no_raw_markup,
    formula_cells,
    hostile_file_params,
    payload_params,
)

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(f"surveys:{name}", kwargs=kwargs or None)


@pytest.fixture
def chile(client, chile_invitation):
    invitation, token = chile_invitation
    client.get(url("open", token=token))
    return invitation


def state(invitation) -> tuple:
    """Everything a save could change in a response."""
    response = Response.objects.get(pk=invitation.response_id)
    proposals = list(
        Proposal.objects.filter(response=response).values_list("pk", "kind", "version", "data")
    )
    return response.version, response.answers, proposals, ResponseChange.objects.count()


def version_of(invitation) -> int:
    return Response.objects.get(pk=invitation.response_id).version


def pages_showing_the_response(client) -> list[str]:
    paths = [url("workspace"), url("section", slug="respondent"), url("policies"), url("check")]
    paths += [
        url("policy", pk=pk)
        for pk in Proposal.objects.filter(kind=ProposalKind.NEW).values_list("pk", flat=True)
    ]
    pages = []
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        pages.append(answer.content.decode())
    return pages


@pytest.mark.parametrize("payload", payload_params())
def test_hostile_text_in_forms_is_saved_escaped_or_refused(client, chile, payload: Payload):
    section = {"contact_name": payload.text, "contact_institution": payload.text}
    answers = [
        client.post(
            url("section_autosave", slug="respondent"),
            {**section, "version": version_of(chile)},
        ),
        client.post(
            url("section", slug="respondent"),
            {**section, "version": version_of(chile)},
        ),
        client.post(
            url("policy_new_autosave"),
            {"title": payload.text, "description": payload.text, "version": 0},
        ),
    ]
    new = Proposal.objects.filter(response=chile.response_id, kind=ProposalKind.NEW).first()
    policy = {
        "title": payload.text,
        "description": payload.text,
        "economies": ["CHL", payload.text],
        "instrument_type": payload.text,
        "start_year": payload.text,
        "action": "list",
    }
    if new is not None:
        policy |= {"proposal": new.pk, "version": new.version}
    answers.append(client.post(url("policy_new"), policy))
    for answer in answers:
        assert answer.status_code in (200, 302, 400), answer.status_code
    if payload.is_markup:  # saved as typed (a draft keeps what was typed), so shown below
        saved = Response.objects.get(pk=chile.response_id).answers
        assert saved["contact_name"] == payload.text
    for page in pages_showing_the_response(client):
        assert_no_raw_markup(page, payload)
    assert formula_cells(client.get(url("spreadsheet_download")).content) == []


@pytest.mark.parametrize("hostile", hostile_file_params(max_bytes=MAX_BYTES))
def test_hostile_workbooks_are_refused_and_change_nothing(client, chile, hostile: HostileFile):
    before = state(chile)
    file = BytesIO(hostile.content)
    file.name = hostile.file_name
    answer = client.post(url("spreadsheet"), {"workbook": file})
    assert answer.status_code == 400, answer.status_code
    assert "Nothing was saved from this workbook" in answer.content.decode()
    assert state(chile) == before
