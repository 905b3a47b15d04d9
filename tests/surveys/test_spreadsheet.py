"""The spreadsheet round-trip through Django's test client: download the workbook pre-filled,
fill it in with openpyxl as a person would in Excel, upload it, and find the draft changed and
shown side by side with what is recorded; the same in French and Spanish; the secretariat on a
respondent's behalf."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from compendium.surveys.models import (
    Invitation,
    Proposal,
    ProposalKind,
    Response,
    ResponseChange,
)

pytestmark = pytest.mark.django_db


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"surveys:{name}", kwargs=kwargs or None)


@pytest.fixture
def chile(client, chile_invitation) -> Invitation:
    invitation, token = chile_invitation
    client.get(url("open", token=token))
    return invitation


def download(client: Client, language: str = "en") -> Workbook:
    answer = client.get(url("spreadsheet_download", language))
    assert answer.status_code == 200, answer.content[:500]
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(answer.content))


def as_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, content: bytes | Workbook, name: str = "survey.xlsx"):
    if isinstance(content, Workbook):
        content = as_bytes(content)
    file = BytesIO(content)
    file.name = name
    return client.post(url("spreadsheet"), {"workbook": file})


def problems_in(answer) -> list[str]:
    """The problems an upload page lists (its error summary and table), as text."""
    import re

    html = answer.content.decode()
    summary = re.findall(r"<li><a href=\"#id_workbook\">(.*?)</a></li>", html)
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td class=\"num\">(.*?)</td>\s*<td>(.*?)</td>"
        r"\s*<td>(.*?)</td>\s*<td>(.*?)</td>",
        html,
        re.S,
    )
    return summary + [" | ".join(row) for row in rows]


def column(sheet, heading: str) -> int:
    for cell in sheet[1]:
        if cell.value == heading:
            return cell.column
    raise AssertionError(f"no column {heading!r} in {[c.value for c in sheet[1]]}")


def general_row(sheet, question: str) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 3).value == question:
            return row
    raise AssertionError(f"no question {question!r}")


def first_empty_row(sheet) -> int:
    title = column(sheet, "Name of the policy, initiative or programme")
    for row in range(2, sheet.max_row + 2):
        if not sheet.cell(row, 1).value and not sheet.cell(row, title).value:
            return row
    return sheet.max_row + 1


def recorded(invitation: Invitation) -> list[Proposal]:
    return list(
        Proposal.objects.filter(response=invitation.response_id, entry__isnull=False).order_by(
            "position", "pk"
        )
    )


def test_the_workbook_is_prefilled_with_drop_downs_and_instructions(client, chile):
    workbook = download(client)
    assert workbook.sheetnames[:3] == ["Instructions", "General questions", "Policies"]
    assert workbook["Lists"].sheet_state == "hidden"
    assert workbook["compendium"].sheet_state == "veryHidden"
    assert "Chile" in workbook["Instructions"]["A2"].value
    policies = workbook["Policies"]
    assert policies.column_dimensions["A"].hidden  # the key column
    titles = [
        policies.cell(r, column(policies, "Name of the policy, initiative or programme")).value
        for r in range(2, policies.max_row + 1)
    ]
    assert [p.entry.title for p in recorded(chile)] == [t for t in titles if t][
        : len(recorded(chile))
    ]
    assert all(policies.cell(r, 1).value for r in range(2, 2 + len(recorded(chile))))
    # Drop-downs for the decision and every taxonomy field, fed from the hidden lists.
    validated = {str(v.sqref).split(":")[0][:1] for v in policies.data_validations.dataValidation}
    for heading in ("Decision", "Type of measure", "Policy areas", "Who it is for", "Gender focus"):
        letter = policies.cell(1, column(policies, heading)).column_letter
        assert letter in validated, heading
    assert all("Lists" in v.formula1 for v in policies.data_validations.dataValidation)
    lists = workbook["Lists"]
    assert "Export preparedness and support" in [
        c.value for c in lists[get_letter(lists, "policy_areas")]
    ]


def get_letter(sheet, name: str) -> str:
    for cell in sheet[1]:
        if cell.value == name:
            return cell.column_letter
    raise AssertionError(name)


def test_round_trip_changes_the_draft_and_shows_it_side_by_side(client, chile):
    proposals = recorded(chile)
    workbook = download(client)
    general = workbook["General questions"]
    general.cell(general_row(general, "Full name"), 5).value = "Ana Pérez"
    general.cell(general_row(general, "Ministry, agency or organisation"), 5).value = "SUBREI"
    policies = workbook["Policies"]
    decision = column(policies, "Decision")
    reason = column(policies, "Reason for withdrawal")
    title = column(policies, "Name of the policy, initiative or programme")
    policies.cell(2, decision).value = "Confirmed unchanged"
    corrected_title = proposals[1].entry.title + " (corrected)"
    policies.cell(3, title).value = corrected_title
    policies.cell(4, decision).value = "Withdrawal"
    policies.cell(4, reason).value = "It ended in 2020."
    new = first_empty_row(policies)
    for heading, value in {
        "Name of the policy, initiative or programme": "Mujer Exporta Digital",
        "Description": "Online export training for <b>women-led</b> firms.",
        "Type of measure": "Training or capacity building",
        "Policy areas": "Export preparedness and support; E-commerce and digital trade",
        "Who it is for": "Women-led MSMEs",
        "Gender focus": "Women-specific (principal objective)",
        "Status": "Active",
        "Year it started": 2022,
    }.items():
        policies.cell(new, column(policies, heading)).value = value

    answer = upload(client, workbook)
    assert answer.status_code == 302, problems_in(answer)
    assert answer["Location"] == url("spreadsheet_changes")

    response = Response.objects.get(pk=chile.response_id)
    assert response.answers["contact_name"] == "Ana Pérez"
    assert response.answers["contact_institution"] == "SUBREI"
    kinds = {p.pk: p for p in Proposal.objects.filter(response=response)}
    assert kinds[proposals[0].pk].kind == ProposalKind.CONFIRM
    assert kinds[proposals[1].pk].kind == ProposalKind.UPDATE
    assert kinds[proposals[1].pk].data["title"] == corrected_title
    assert kinds[proposals[2].pk].kind == ProposalKind.WITHDRAW
    assert kinds[proposals[2].pk].reason == "It ended in 2020."
    untouched = list(proposals[3:])
    assert all(
        kinds[p.pk].kind == ProposalKind.REVIEW and kinds[p.pk].version == p.version
        for p in untouched
    )
    added = Proposal.objects.get(response=response, kind=ProposalKind.NEW)
    assert added.data["title"] == "Mujer Exporta Digital"
    assert added.data["economies"] == ["CHL"]
    assert sorted(added.data["policy_areas"]) == ["ecommerce", "export_support"]
    assert added.data["start_year"] == 2022
    # Who made each change is recorded, as for the web form.
    whos = set(ResponseChange.objects.filter(response=response).values_list("who", flat=True))
    assert whos == {"Ana Pérez <ana@chile.example>"}

    page = client.get(answer["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your uploaded changes" in html
    assert corrected_title in html
    assert proposals[1].entry.title in html
    assert "Mujer Exporta Digital" in html
    assert "It ended in 2020." in html
    assert "SUBREI" in html
    # HTML typed in a cell is kept as text and shown escaped.
    assert added.data["description"] == "Online export training for <b>women-led</b> firms."
    assert "&lt;b&gt;women-led&lt;/b&gt;" in html
    assert "<b>women-led</b>" not in html
    assert "looks like HTML" in html

    # The same workbook again changes nothing (every row now says what the draft says).
    before = Response.objects.get(pk=response.pk).version
    again = upload(client, download(client))
    assert again.status_code == 302
    assert Response.objects.get(pk=response.pk).version == before


@pytest.mark.parametrize(
    ("language", "sheet", "question", "area"),
    [
        (
            "fr",
            "Questions générales",
            "Nom et prénom",
            "Préparation à l'exportation et soutien aux exportations",
        ),
        (
            "es",
            "Preguntas generales",
            "Nombre y apellidos",
            "Preparación para la exportación y apoyo a las exportaciones",
        ),
    ],
)
def test_french_and_spanish_workbooks_have_translated_labels(
    client, chile, language, sheet, question, area
):
    workbook = download(client, language)
    questions = [row[2].value for row in workbook.worksheets[1].iter_rows(min_row=2)]
    assert question in questions
    labels = {c.value for col in workbook.worksheets[3].iter_cols() for c in col}
    assert any(area.casefold() in str(label).casefold() for label in labels), sorted(
        str(x) for x in labels
    )[:40]
    # A filled French or Spanish workbook is read back in its own language.
    general = workbook.worksheets[1]
    for row in range(2, general.max_row + 1):
        if general.cell(row, 3).value == question:
            general.cell(row, 5).value = "Ana Pérez"
    assert upload(client, workbook).status_code == 302
    assert Response.objects.get(pk=chile.response_id).answers["contact_name"] == "Ana Pérez"
