"""Every bad workbook gets a clear message (by sheet, row and column where there is one) and
changes nothing; and who may download or upload whose workbook."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from django.test import Client

from compendium.catalog.models import Economy
from compendium.review.services import focal_point_assign
from compendium.surveys.models import InvitationRole, Proposal, Response, ResponseChange
from compendium.surveys.services import (
    Who,
    invitation_create,
    proposal_save,
    response_save_answers,
    response_submit,
)
from compendium.surveys.spreadsheet_read import MAX_BYTES
from compendium.workbooks import OLE_MAGIC

from .test_spreadsheet import (
    as_bytes,
    column,
    download,
    general_row,
    problems_in,
    recorded,
    upload,
    url,
)

pytestmark = pytest.mark.django_db
TITLE = "Name of the policy, initiative or programme"


@pytest.fixture
def chile(client, chile_invitation):
    invitation, token = chile_invitation
    client.get(url("open", token=token))
    return invitation


def state(invitation) -> tuple:
    """Everything an upload could change in a response."""
    response = Response.objects.get(pk=invitation.response_id)
    proposals = list(
        Proposal.objects.filter(response=response).values_list("pk", "kind", "version", "data")
    )
    return response.version, response.answers, proposals, ResponseChange.objects.count()


def refused(client, invitation, content, *expected: str) -> list[str]:
    before = state(invitation)
    answer = upload(client, content)
    assert answer.status_code == 400, answer.status_code
    problems = problems_in(answer)
    text = " ".join(problems)
    for words in expected:
        assert words in text, problems
    assert "Nothing was saved from this workbook" in answer.content.decode()
    assert state(invitation) == before
    return problems


def test_a_corrupt_file(client, chile):
    refused(client, chile, b"this is not a workbook at all", "cannot be read as an Excel workbook")
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "a zip, but not a workbook")
    refused(client, chile, buffer.getvalue(), "cannot be read as an Excel workbook")
    # A real workbook cut short.
    refused(client, chile, as_bytes(download(client))[:3000], "cannot be read")


def test_a_password_protected_workbook(client, chile):
    # Excel encrypts a protected .xlsx into an OLE compound file holding an EncryptedPackage.
    ole = OLE_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 2048
    refused(client, chile, ole, "protected with a password")
    refused(client, chile, OLE_MAGIC + b"\0" * 4096, "old Excel file (.xls)")


def test_a_file_too_large(client, chile):
    refused(client, chile, b"x" * (MAX_BYTES + 1), "too large")


def test_a_zip_bomb_is_refused_before_it_is_opened(client, chile):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 30_000_000)
    assert len(buffer.getvalue()) < 100_000
    refused(client, chile, buffer.getvalue(), "zip bomb")


def test_renamed_and_missing_columns(client, chile):
    workbook = download(client)
    policies = workbook["Policies"]
    policies.cell(1, column(policies, "Description")).value = "Summary of the programme"
    problems = refused(client, chile, workbook, "“Summary of the programme” is not one of")
    assert any("“Description” is missing" in p for p in problems), problems

    workbook = download(client)
    policies = workbook["Policies"]
    policies.delete_cols(column(policies, "Gender focus"))
    refused(client, chile, workbook, "“Gender focus” is missing")

    workbook = download(client)
    workbook["General questions"].cell(1, 5).value = "Reply"
    refused(client, chile, workbook, "“Answer” is missing")

    workbook = download(client)
    del workbook["Policies"]
    refused(client, chile, workbook, "The sheet “Policies” is missing")


def test_formulas_are_refused_not_run(client, chile):
    workbook = download(client)
    policies = workbook["Policies"]
    policies.cell(2, column(policies, TITLE)).value = '=HYPERLINK("http://evil.example","x")'
    general = workbook["General questions"]
    general.cell(general_row(general, "Full name"), 5).value = "Ana"  # a valid change: not saved
    problems = refused(client, chile, workbook, "holds a formula", "type the value itself")
    assert any(p.startswith("Policies | 2 | ") and TITLE in p for p in problems), problems


def test_cell_by_cell_errors_name_sheet_row_column_and_question(client, chile):
    workbook = download(client)
    policies = workbook["Policies"]
    new = policies.max_row + 1
    policies.cell(new, column(policies, TITLE)).value = "A new one"
    policies.cell(new, column(policies, "Year it started")).value = "last year"
    policies.cell(new, column(policies, "Type of measure")).value = "Something else"
    policies.cell(3, column(policies, "Decision")).value = "Withdrawal"  # without a reason
    general = workbook["General questions"]
    general.cell(general_row(general, "Email address"), 5).value = "not an address"
    year = policies.cell(1, column(policies, "Year it started")).column_letter
    problems = refused(client, chile, workbook)
    assert f"Policies | {new} | {year} | Year it started | Enter a whole number." in problems
    assert any("Type of measure" in p and "Something else" in p for p in problems)
    assert any(
        p.startswith("Policies | 3 |") and "Say why it should be withdrawn" in p for p in problems
    )
    assert any(p.startswith("General questions |") and "Email address" in p for p in problems)


def test_rows_and_workbooks_of_another_economy_are_refused(client, chile, survey_round):
    _kenya, token = invitation_create(
        actor=None,
        survey_round=survey_round,
        name="Kenya FP",
        economy=Economy.objects.get(code="KEN"),
    )
    other = Client()
    other.get(url("open", token=token))
    kenya_workbook = download(other)
    # Kenya's whole workbook, uploaded into Chile's response.
    refused(client, chile, kenya_workbook, "downloaded for another respondent")
    # One of Kenya's rows (its hidden key) pasted into Chile's workbook.
    workbook = download(client)
    policies = workbook["Policies"]
    kenya_policies = kenya_workbook["Policies"]
    row = policies.max_row + 1
    for cell in kenya_policies[2]:
        policies.cell(row, cell.column).value = cell.value
    refused(client, chile, workbook, "comes from the workbook of another respondent")
    # A key made up by hand.
    workbook = download(client)
    workbook["Policies"].cell(2, 1).value = "r1.p1.abc:forged"
    refused(client, chile, workbook, "hidden key was changed")


def test_a_submitted_response_refuses_uploads(client, chile):
    response = Response.objects.get(pk=chile.response_id)
    who = Who.of_invitation(chile)
    workbook = download(client)
    response_save_answers(
        response=response,
        who=who,
        answers={
            "contact_name": "Ana",
            "contact_institution": "SUBREI",
            "contact_email": "ana@chile.example",
            "consent_publish": True,
        },
    )
    response_submit(response=response, who=who)
    general = workbook["General questions"]
    general.cell(general_row(general, "Full name"), 5).value = "Someone else"
    refused(client, chile, workbook, "submitted and is locked")
    page = client.get(url("spreadsheet"))
    assert "a workbook cannot be uploaded" in page.content.decode()


def test_a_change_made_online_since_the_download_is_not_overwritten(client, chile):
    workbook = download(client)
    first = recorded(chile)[0]
    proposal_save(
        proposal=first, who=Who.of_invitation(chile), kind="confirm", expected_version=None
    )
    policies = workbook["Policies"]
    policies.cell(2, column(policies, TITLE)).value = "Changed offline"
    refused(client, chile, workbook, "also changed online")
    # Rows left as downloaded do not undo the online change.
    untouched = download(client)
    assert upload(client, as_bytes(untouched)).status_code == 302
    assert Proposal.objects.get(pk=first.pk).kind == "confirm"


# --- who may -------------------------------------------------------------------------------------


def test_anonymous_visitors_get_nothing(client, chile_invitation):
    for name in ("spreadsheet", "spreadsheet_download", "spreadsheet_changes"):
        assert Client().get(url(name)).status_code == 403
    assert Client().post(url("spreadsheet"), {}).status_code == 403


def test_another_economys_focal_point_gets_only_their_own(
    client, chile, survey_round, django_user_model
):
    user = django_user_model.objects.create_user("ken-fp", "fp@ken.example", "pw")
    focal_point_assign(user=user, actor=None, economy=Economy.objects.get(code="KEN"))
    kenya = Client()
    kenya.force_login(user)
    workbook = download(kenya)
    assert "Kenya" in workbook["Instructions"]["A2"].value
    # Chile's workbook uploaded by Kenya's focal point: refused, Chile unchanged.
    chile_workbook = download(client)
    general = chile_workbook["General questions"]
    general.cell(general_row(general, "Full name"), 5).value = "Not Chile"
    before = state(chile)
    answer = kenya.post(url("spreadsheet"), {"workbook": _file(chile_workbook)})
    assert answer.status_code == 400
    assert "downloaded for another respondent" in answer.content.decode()
    assert state(chile) == before


def test_a_colleague_of_another_response_cannot_upload_here(client, chile, itc_invitation):
    invitation, _token = itc_invitation
    _colleague, token = invitation_create(
        actor=None,
        survey_round=invitation.round,
        name="ITC colleague",
        organization=invitation.response.organization,
        role=InvitationRole.COLLEAGUE,
        invited_by=invitation,
    )
    other = Client()
    other.get(url("open", token=token))
    workbook = download(client)
    general = workbook["General questions"]
    general.cell(general_row(general, "Full name"), 5).value = "Not Chile"
    before = state(chile)
    answer = other.post(url("spreadsheet"), {"workbook": _file(workbook)})
    assert answer.status_code == 400
    assert state(chile) == before


def _file(workbook) -> BytesIO:
    file = BytesIO(as_bytes(workbook))
    file.name = "survey.xlsx"
    return file


def test_the_secretariat_works_on_a_respondents_behalf(client, chile, secretariat_user):
    response = Response.objects.get(pk=chile.response_id)
    slug, pk = response.round.slug, response.pk
    page = url("secretariat_spreadsheet", slug=slug, pk=pk)
    xlsx = url("secretariat_spreadsheet_download", slug=slug, pk=pk)
    assert Client().get(page).status_code == 302  # to sign in
    assert client.get(page).status_code == 302  # a focal point's link is not a sign-in
    staff = Client()
    staff.force_login(secretariat_user)
    assert staff.get(page).status_code == 200
    # In the focal point's language (Spanish) unless another is asked for.
    from openpyxl import load_workbook

    spanish = load_workbook(BytesIO(staff.get(xlsx).content))
    assert "Nombre y apellidos" in [r[2].value for r in spanish.worksheets[1].iter_rows()]
    workbook = load_workbook(BytesIO(staff.get(xlsx + "?language=en").content))
    general = workbook["General questions"]
    general.cell(general_row(general, "Full name"), 5).value = "Ana Pérez"
    answer = staff.post(page, {"workbook": _file(workbook)})
    assert answer.status_code == 302, problems_in(answer)
    assert Response.objects.get(pk=pk).answers["contact_name"] == "Ana Pérez"
    assert ResponseChange.objects.filter(response=pk).first().who == "curator"
    shown = staff.get(answer["Location"]).content.decode()
    assert "Ana Pérez" in shown
