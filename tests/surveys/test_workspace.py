"""The focal point's workspace through Django's test client: links, the task list, sections with
drafts and stale saves, policies (confirm, correct, withdraw, add), checking and submitting, the
receipt, colleagues, and every refusal."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from compendium.catalog.models import Economy
from compendium.review.services import focal_point_assign
from compendium.surveys.answers import policy_answers
from compendium.surveys.models import (
    Invitation,
    InvitationRole,
    Proposal,
    ProposalKind,
    Response,
    ResponseChange,
)
from compendium.surveys.questionnaire import policy_section
from compendium.surveys.services import (
    Who,
    invitation_create,
    invitation_revoke,
    proposal_add,
    response_save_answers,
)

pytestmark = pytest.mark.django_db

GENERAL = {
    "contact_name": "Ana Pérez",
    "contact_institution": "SUBREI",
    "contact_email": "ana@chile.example",
    "consent_publish": "on",
}
NEW_POLICY = {
    "title": "Mujer Exporta Digital",
    "description": "Online export training for women-led firms.",
    "economies": ["CHL"],
    "instrument_type": "training_or_capacity_building",
    "policy_areas": ["export_support", "ecommerce"],
    "target_groups": ["women_led_msmes"],
    "gender_focus": "women_specific",
    "status": "active",
    "start_year": "2022",
}


def url(name: str, **kwargs) -> str:
    """The English address (a request in another language leaves that language active)."""
    with translation.override("en"):
        return reverse(f"surveys:{name}", kwargs=kwargs or None)


@pytest.fixture
def chile(client, chile_invitation):
    """A client that opened Chile's focal point's link; yields the invitation."""
    invitation, token = chile_invitation
    client.get(url("open", token=token))
    return invitation


def response_of(invitation: Invitation) -> Response:
    return Response.objects.get(pk=invitation.response_id)


def recorded(invitation: Invitation) -> list[Proposal]:
    return list(
        Proposal.objects.filter(response=invitation.response_id, entry__isnull=False).order_by(
            "position", "pk"
        )
    )


def version_of(invitation: Invitation) -> int:
    return response_of(invitation).version


# --- opening the link ----------------------------------------------------------------------------


def test_a_link_opens_the_workspace_in_the_invitations_language(client, chile_invitation):
    _invitation, token = chile_invitation
    answer = client.get(url("open", token=token))
    assert answer.status_code == 302
    assert answer["Location"] == "/es/survey/"
    page = client.get(answer["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="es"' in html
    assert "Chile" in html
    assert "Datos de contacto" in html  # a section title, from the questionnaire, in Spanish
    assert page.headers["Cache-Control"].startswith("max-age=0")


def test_task_list_shows_round_deadline_and_section_states(client, chile):
    page = client.get(url("workspace")).content.decode()
    assert "2026 survey" in page
    assert "31 December 2026" in page or "Dec. 31, 2026" in page
    assert page.count("Not started") >= 3
    assert "Invite colleagues" in page
    assert "Check your answers and submit" in page
    assert re.search(r"\d+ to review, 0 confirmed, 0 corrected, 0 withdrawn, 0 new", page)


@pytest.mark.parametrize("token", ["forged-token-that-does-not-exist-anywhere", "x", "a b"])
def test_a_forged_link_is_refused_with_a_message(client, chile_invitation, token):
    answer = client.get("/survey/link/" + token.replace(" ", "%20") + "/")
    assert answer.status_code == 403
    assert "not valid" in answer.content.decode()
    assert client.get(url("workspace")).status_code == 403


def test_revoked_and_expired_links_are_refused_even_after_opening(client, chile):
    assert client.get(url("workspace")).status_code == 200
    invitation_revoke(actor=None, invitation=chile)
    answer = client.get(url("workspace"))
    assert answer.status_code == 403
    assert "withdrawn" in answer.content.decode()
    # The refusal is not sticky, and the link itself is refused too.
    assert client.get(url("workspace")).status_code == 403


def test_an_expired_link_is_refused(client, chile_invitation):
    invitation, token = chile_invitation
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    answer = client.get(url("open", token=token))
    assert answer.status_code == 403
    assert "expired" in answer.content.decode()


def test_the_public_without_a_link_is_refused(client, survey_round):
    for name in ("workspace", "policies", "check", "colleagues", "submitted"):
        answer = client.get(url(name))
        assert answer.status_code == 403, name
        assert "personal link" in answer.content.decode()
    assert client.post(url("submit")).status_code == 403
    assert client.post(url("section_autosave", slug="respondent")).status_code == 403


def test_a_signed_in_focal_point_answers_for_their_economy(client, survey_round, django_user_model):
    user = django_user_model.objects.create_user("chile-fp", "fp@chile.example", "pw")
    focal_point_assign(user=user, actor=None, economy=Economy.objects.get(code="CHL"))
    client.force_login(user)
    page = client.get(url("workspace"))
    assert page.status_code == 200
    assert "Chile" in page.content.decode()
    client.get(url("workspace"))
    invitation = Invitation.objects.get(user=user)
    assert invitation.response.economy.code == "CHL"
    assert invitation.role == InvitationRole.FOCAL_POINT
    client.post(
        url("section", slug="respondent"),
        {"contact_name": "Signed in", "version": invitation.response.version},
    )
    change = ResponseChange.objects.filter(response=invitation.response).first()
    assert change.invitation == invitation


def test_a_signed_in_user_without_a_role_is_refused(client, survey_round, django_user_model):
    client.force_login(django_user_model.objects.create_user("someone", "s@x.example", "pw"))
    assert client.get(url("workspace")).status_code == 403


# --- general sections ----------------------------------------------------------------------------


def test_a_section_page_is_built_from_the_questionnaire(client, chile):
    page = client.get(url("section", slug="approach")).content.decode()
    # A choice question is a fieldset with a legend; hints are tied to their inputs.
    assert "<legend" in page
    assert "Does your government or organisation have a strategy" in page
    assert 'id="id_national_strategy_0"' in page
    assert 'aria-describedby="id_national_strategy_details_helptext"' in page
    assert 'hx-post="/survey/section/approach/autosave/"' in page
    assert 'name="version"' in page
    assert "Save and continue" in page
    assert "Save draft" in page


def test_drafts_keep_incomplete_and_wrong_answers_with_field_messages(client, chile):
    answer = client.post(
        url("section", slug="respondent"),
        {
            "contact_name": "Ana",
            "contact_email": "not-an-address",
            "version": version_of(chile),
            "action": "continue",
        },
    )
    assert answer.status_code == 200  # stays on the page to show the problem
    page = answer.content.decode()
    assert 'role="alert"' in page
    assert "There is a problem" in page
    assert 'href="#id_contact_email"' in page
    assert "Enter an e-mail address like name@example.org." in page
    assert 'value="not-an-address"' in page
    saved = response_of(chile).answers
    assert saved["contact_name"] == "Ana"
    assert saved["contact_email"] == "not-an-address"  # nothing typed is lost
    # Coming back later shows the same problem again.
    again = client.get(url("section", slug="respondent")).content.decode()
    assert "Enter an e-mail address like name@example.org." in again


def test_save_and_continue_goes_to_the_next_part(client, chile):
    answer = client.post(
        url("section", slug="respondent"),
        {**GENERAL, "version": version_of(chile), "action": "continue"},
    )
    assert answer.status_code == 302
    assert answer["Location"] == url("section", slug="approach")
    task_list = client.get(url("workspace")).content.decode()
    assert "Completed" in task_list
    assert "changed answers" in task_list
    assert "Ana Pérez" in task_list


def test_a_forged_choice_is_not_stored(client, chile):
    client.post(
        url("section", slug="approach"),
        {"national_strategy": "<script>", "priorities": "Training", "version": version_of(chile)},
    )
    answers = response_of(chile).answers
    assert "national_strategy" not in answers or answers["national_strategy"] in ("", None)
    assert answers["priorities"] == "Training"


def test_a_stale_save_from_another_tab_is_refused_and_keeps_the_text(client, chile):
    version = version_of(chile)
    first = client.post(
        url("section", slug="respondent"), {"contact_name": "From tab one", "version": version}
    )
    assert first.status_code == 302
    second = client.post(
        url("section", slug="respondent"), {"contact_name": "From tab two", "version": version}
    )
    assert second.status_code == 409
    page = second.content.decode()
    assert "saved elsewhere" in page
    assert 'value="From tab two"' in page  # the person's text is still in the form
    assert response_of(chile).answers["contact_name"] == "From tab one"


def test_the_same_save_twice_is_not_a_conflict(client, chile):
    """The automatic save and the button racing with the same answers."""
    version = version_of(chile)
    data = {"contact_name": "Same", "version": version}
    client.post(url("section_autosave", slug="respondent"), data)
    assert client.post(url("section", slug="respondent"), data).status_code == 302


def test_autosave_answers_a_status_fragment_and_the_new_version(client, chile):
    version = version_of(chile)
    answer = client.post(
        url("section_autosave", slug="respondent"),
        {"contact_name": "Typed", "version": version},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200
    fragment = answer.content.decode()
    assert "Draft saved at" in fragment
    new_version = version_of(chile)
    assert new_version == version + 1
    assert f'id="version" value="{new_version}" hx-swap-oob="true"' in fragment
    assert "<html" not in fragment
    stale = client.post(
        url("section_autosave", slug="respondent"), {"contact_name": "Old", "version": version}
    ).content.decode()
    assert "saved elsewhere" in stale
    assert "hx-swap-oob" not in stale
    assert response_of(chile).answers["contact_name"] == "Typed"


def test_an_unknown_section_is_not_found(client, chile):
    assert client.get(url("section", slug="policies")).status_code == 404
    assert client.get(url("section", slug="nope")).status_code == 404


# --- policies ------------------------------------------------------------------------------------


def test_policies_list_recorded_entries_with_sources_and_verification(client, chile):
    page = client.get(url("policies")).content.decode()
    first = recorded(chile)[0]
    assert first.entry.title in page
    assert "Where this information comes from" in page
    assert first.entry.get_verification_display() in page
    assert first.entry.sources.first().title in page
    assert "Confirm unchanged" in page
    assert "Add a policy" in page


def test_confirm_correct_withdraw_and_add(client, chile):
    confirm, correct, withdraw = recorded(chile)[:3]
    # Confirm unchanged, from the list.
    answer = client.post(
        url("policy_decision", pk=confirm.pk),
        {"decision": "confirm", "version": confirm.version, "next": "policies"},
    )
    assert answer.status_code == 302
    assert answer["Location"].startswith(url("policies"))
    # Correct: the recorded value is shown next to each field; a change makes a correction.
    page = client.get(url("policy", pk=correct.pk)).content.decode()
    assert "Recorded now:" in page
    assert correct.entry.title in page
    fields = {
        **NEW_POLICY,
        "title": "Corrected title",
        "version": correct.version,
        "action": "list",
    }
    assert client.post(url("policy", pk=correct.pk), fields).status_code == 302
    # Withdraw needs a reason.
    refused = client.post(
        url("policy_decision", pk=withdraw.pk), {"decision": "withdraw", "version": 1}
    )
    assert "Say why it should be withdrawn." in refused.content.decode()
    assert Proposal.objects.get(pk=withdraw.pk).kind == ProposalKind.REVIEW
    client.post(
        url("policy_decision", pk=withdraw.pk),
        {"decision": "withdraw", "reason": "It ended in 2020.", "version": withdraw.version},
    )
    # Add a new one.
    added = client.post(url("policy_new"), {**NEW_POLICY, "action": "list"})
    assert added.status_code == 302
    kinds = {
        p.pk: (p.kind, p.data, p.reason) for p in Proposal.objects.filter(response=chile.response)
    }
    assert kinds[confirm.pk][0] == ProposalKind.CONFIRM
    assert kinds[correct.pk][0] == ProposalKind.UPDATE
    assert kinds[correct.pk][1]["title"] == "Corrected title"
    assert kinds[correct.pk][1]["start_year"] == 2022
    assert kinds[withdraw.pk][0:3:2] == (ProposalKind.WITHDRAW, "It ended in 2020.")
    new = Proposal.objects.get(response=chile.response, kind=ProposalKind.NEW)
    assert new.data["title"] == "Mujer Exporta Digital"
    assert new.data["policy_areas"] == ["export_support", "ecommerce"]
    listing = client.get(url("policies")).content.decode()
    assert "1 confirmed, 1 corrected, 1 withdrawn, 1 new" in listing


def test_editing_back_to_the_recorded_values_is_no_correction(client, chile):
    proposal = recorded(chile)[0]
    client.post(
        url("policy_autosave", pk=proposal.pk),
        {**_recorded_form(proposal), "title": "X", "version": proposal.version},
    )
    assert Proposal.objects.get(pk=proposal.pk).kind == ProposalKind.UPDATE
    current = Proposal.objects.get(pk=proposal.pk)
    client.post(
        url("policy_autosave", pk=proposal.pk),
        {**_recorded_form(proposal), "version": current.version},
    )
    assert Proposal.objects.get(pk=proposal.pk).kind == ProposalKind.REVIEW


def _recorded_form(proposal: Proposal) -> dict:
    """The policy form as the page fills it in for a recorded entry."""
    section = policy_section(proposal.response.round.questionnaire.definition)
    answers = policy_answers(section, proposal.data)
    return {k: ("" if v is None else v) for k, v in answers.items() if v not in (False,)}


def test_a_new_policys_autosave_creates_it_once(client, chile):
    first = client.post(url("policy_new_autosave"), {"title": "Drafted", "version": 0})
    fragment = first.content.decode()
    new = Proposal.objects.get(response=chile.response, kind=ProposalKind.NEW)
    assert f'id="proposal-id" value="{new.pk}" hx-swap-oob="true"' in fragment
    client.post(
        url("policy_new_autosave"),
        {"title": "Drafted again", "proposal": new.pk, "version": new.version},
    )
    client.post(
        url("policy_new"),
        {**NEW_POLICY, "proposal": new.pk, "version": new.version + 1, "action": "list"},
    )
    new.refresh_from_db()
    assert Proposal.objects.filter(response=chile.response, kind=ProposalKind.NEW).count() == 1
    assert new.data["title"] == "Mujer Exporta Digital"


def test_a_new_policy_can_be_deleted_after_confirming(client, chile):
    new = proposal_add(
        response=chile.response, who=Who.of_invitation(chile), data={"title": "Gone"}
    )
    page = client.get(url("policy_delete", pk=new.pk)).content.decode()
    assert "Delete “Gone”?" in page
    assert Proposal.objects.filter(pk=new.pk).exists()
    client.post(url("policy_delete", pk=new.pk))
    assert not Proposal.objects.filter(pk=new.pk).exists()
    # Recorded entries are withdrawn, never deleted.
    assert client.post(url("policy_delete", pk=recorded(chile)[0].pk)).status_code == 404


def test_another_economys_policy_is_not_found_and_nothing_changes(client, chile, itc_invitation):
    itc, _token = itc_invitation
    theirs = Proposal.objects.filter(response=itc.response).first()
    before = (theirs.kind, theirs.data, theirs.version)
    new_theirs = proposal_add(
        response=itc.response, who=Who.of_invitation(itc), data={"title": "ITC"}
    )
    attempts = [
        client.get(url("policy", pk=theirs.pk)),
        client.post(url("policy", pk=theirs.pk), {**NEW_POLICY, "version": theirs.version}),
        client.post(url("policy_autosave", pk=theirs.pk), {"title": "x", "version": 1}),
        client.post(url("policy_decision", pk=theirs.pk), {"decision": "confirm", "version": 1}),
        client.post(url("policy_delete", pk=new_theirs.pk)),
        # An id smuggled into the new-policy form.
        client.post(url("policy_new"), {**NEW_POLICY, "proposal": new_theirs.pk, "version": 1}),
        client.post(url("policy_new_autosave"), {"title": "x", "proposal": new_theirs.pk}),
    ]
    assert [a.status_code for a in attempts] == [404] * len(attempts)
    theirs.refresh_from_db()
    assert (theirs.kind, theirs.data, theirs.version) == before
    assert Proposal.objects.get(pk=new_theirs.pk).data == {"title": "ITC"}
    assert not Proposal.objects.filter(response=chile.response, kind=ProposalKind.NEW).exists()


def test_a_stale_policy_save_is_refused(client, chile):
    proposal = recorded(chile)[0]
    data = {**NEW_POLICY, "version": proposal.version}
    assert (
        client.post(url("policy", pk=proposal.pk), {**data, "title": "Tab one"}).status_code == 302
    )
    second = client.post(url("policy", pk=proposal.pk), {**data, "title": "Tab two"})
    assert second.status_code == 409
    assert 'value="Tab two"' in second.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).data["title"] == "Tab one"


# --- check, submit, receipt ----------------------------------------------------------------------


def test_check_page_lists_answers_with_change_links(client, chile):
    response_save_answers(
        response=chile.response, who=Who.of_invitation(chile), answers={"contact_name": "Ana"}
    )
    page = client.get(url("check")).content.decode()
    assert "Check your answers before submitting" in page
    assert "Ana" in page
    assert 'href="/survey/section/respondent/#id_contact_name"' in page
    assert "Submit the response" in page
    assert "not reviewed yet" in page


def test_an_incomplete_submission_links_to_each_problem(client, chile):
    new = proposal_add(
        response=chile.response, who=Who.of_invitation(chile), data={"title": "Half"}
    )
    answer = client.post(url("submit"))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'role="alert"' in page
    assert 'href="/survey/section/respondent/?check=1#id_contact_name"' in page
    assert f'href="/survey/policies/{new.pk}/?check=1#id_instrument_type_0"' in page
    assert response_of(chile).status == Response.Status.DRAFT
    # Following a link shows the problem on the field.
    section = client.get("/survey/section/respondent/?check=1").content.decode()
    assert "Answer this question." in section


def _complete(client, invitation: Invitation) -> None:
    client.post(url("section", slug="respondent"), {**GENERAL, "version": version_of(invitation)})
    client.post(
        url("section", slug="final"),
        {
            "consent_publish": "on",
            "comments": '=HYPERLINK("http://evil")',
            "version": version_of(invitation),
        },
    )
    client.post(url("policy_new"), {**NEW_POLICY, "title": "+cmd|' /C calc'!A0"})


def test_submit_confirms_with_a_reference_and_locks(
    client, chile, django_capture_on_commit_callbacks
):
    _complete(client, chile)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url("submit"))
    assert answer["Location"] == url("submitted")
    response = response_of(chile)
    assert response.status == Response.Status.SUBMITTED
    page = client.get(url("submitted")).content.decode()
    assert "Response submitted" in page
    assert response.reference in page
    assert "What happens next" in page
    assert any(response.reference in m.subject for m in mail.outbox)
    # Locked: editing pages send back to the task list, which says so.
    assert client.get(url("section", slug="respondent"))["Location"] == url("workspace")
    assert "locked" in client.get(url("workspace")).content.decode()
    # A second submission is not an error.
    again = client.post(url("submit"), follow=True)
    assert again.status_code == 200
    assert "already submitted" in again.content.decode()
    assert response_of(chile).reference == response.reference


def test_the_receipt_is_a_workbook_of_what_was_submitted(client, chile):
    assert client.get(url("receipt")).status_code == 404  # nothing submitted yet
    _complete(client, chile)
    client.post(url("submit"))
    answer = client.get(url("receipt"))
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith('attachment; filename="receipt-r2026-chl-')
    book = load_workbook(BytesIO(answer.content))
    response_sheet, policies = book.worksheets
    values = [c.value for row in response_sheet.iter_rows() for c in row if c.value]
    assert response_of(chile).reference in values
    assert "Ana Pérez" in values
    assert '\'=HYPERLINK("http://evil")' in values  # neutralised, never a formula
    rows = [[c.value for c in row] for row in policies.iter_rows()]
    assert rows[0][:3] == ["Decision", "Recorded entry", "Policy"]
    new = [r for r in rows if r[0] == "New entry"]
    assert new
    assert new[0][2] == "'+cmd|' /C calc'!A0"
    assert all(cell.data_type == "s" for row in policies.iter_rows() for cell in row if cell.value)


# --- colleagues ----------------------------------------------------------------------------------


def test_a_focal_point_invites_a_colleague_who_co_edits(
    client, chile, django_capture_on_commit_callbacks
):
    answer = client.post(
        url("colleagues"), {"name": "Line ministry", "email": "lm@chile.example", "language": "fr"}
    )
    assert answer.status_code == 302
    colleague = Invitation.objects.get(role=InvitationRole.COLLEAGUE)
    assert colleague.response_id == chile.response_id
    assert colleague.invited_by == chile
    message = mail.outbox[-1]
    assert message.to == ["lm@chile.example"]
    token = re.search(r"/survey/link/([\w-]+)/", message.body).group(1)
    page = client.get(url("colleagues")).content.decode()
    assert "Line ministry" in page
    assert "Withdraw the link" in page
    # The colleague, in their own browser, works on the same response.

    other = Client()
    assert other.get(url("open", token=token))["Location"] == "/fr/survey/"
    other.post(
        url("section", slug="respondent"),
        {"contact_name": "By colleague", "version": version_of(chile)},
    )
    assert ResponseChange.objects.filter(invitation=colleague).exists()
    assert "Line ministry" in client.get(url("workspace")).content.decode()


def test_a_colleague_cannot_invite_or_withdraw_links(client, chile):
    colleague, token = invitation_create(
        actor=None,
        survey_round=chile.round,
        name="Colleague",
        email="c@chile.example",
        economy=chile.response.economy,
        role=InvitationRole.COLLEAGUE,
        invited_by=chile,
    )
    client.get(url("open", token=token))
    page = client.get(url("colleagues")).content.decode()
    assert "Only the focal point can invite colleagues" in page
    answer = client.post(url("colleagues"), {"name": "X", "email": "x@x.example", "language": "en"})
    assert answer.status_code == 403
    assert client.post(url("colleague_revoke", pk=colleague.pk)).status_code == 403
    assert Invitation.objects.filter(role=InvitationRole.COLLEAGUE).count() == 1
    assert Invitation.objects.get(pk=colleague.pk).revoked_at is None


def test_a_focal_point_withdraws_a_colleagues_link(client, chile, itc_invitation):
    colleague, token = invitation_create(
        actor=None,
        survey_round=chile.round,
        name="Colleague",
        economy=chile.response.economy,
        role=InvitationRole.COLLEAGUE,
        invited_by=chile,
    )
    itc, _ = itc_invitation
    assert client.post(url("colleague_revoke", pk=itc.pk)).status_code == 404
    client.post(url("colleague_revoke", pk=colleague.pk))
    assert Invitation.objects.get(pk=colleague.pk).revoked_at is not None

    assert Client().get(url("open", token=token)).status_code == 403
