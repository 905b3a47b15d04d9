"""The curator's side of the survey, through the pages: the queue of what Chile submitted, each
decision (accept, edit then accept, ask for changes, reject), what the public then sees, and the
refusals (a double click, an outdated page, a missing reason)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied

from compendium.audit.models import AuditEvent
from compendium.catalog.models import (
    Entry,
    EntryTransition,
    EntryVersion,
    Source,
    SourceKind,
    Verification,
    Workflow,
)
from compendium.review import services
from compendium.surveys.models import Proposal, ProposalKind, Response, ReviewStatus
from compendium.surveys.selectors import change_requests_for
from compendium.surveys.services import Who, proposal_reply, proposal_save, response_submit

from .conftest import CORRECTED_DESCRIPTION, NEW_POLICY, WITHDRAW_REASON, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client, secretariat_user):
    client.force_login(secretariat_user)
    return secretariat_user


def post_decision(client, proposal: Proposal, action: str, version: int | None = None, **fields):
    """Post one of the proposal page's decision forms, as the page would."""
    prefix = {"accept": "accept", "request_changes": "changes", "reject": "reject"}[action]
    current = Proposal.objects.select_related("entry").get(pk=proposal.pk)
    data = {
        f"{prefix}-version": current.version if version is None else version,
        f"{prefix}-entry_version": current.entry.version if current.entry else "",
        **{f"{prefix}-{name}": value for name, value in fields.items()},
    }
    return client.post(url(f"review:{action}", pk=proposal.pk), data)


def queue_titles(client, **query) -> list[str]:
    page = client.get(url("review:queue"), query)
    assert page.status_code == 200
    return [title for group in page.context["groups"] for _p, title in group.rows]


def public_page(client, entry: Entry):
    return client.get(url("public:entry", slug=entry.slug))


# --- the queue -----------------------------------------------------------------------------------


def test_the_queue_shows_what_chile_submitted_grouped_with_counts(client, curator, answered):
    page = client.get(url("review:queue"), {"respondent": "CHL"})
    assert page.status_code == 200
    groups = page.context["groups"]
    assert [str(g.response.respondent) for g in groups] == ["Chile"]
    kinds = sorted(p.kind for p, _title in groups[0].rows)
    assert kinds == sorted(["confirm", "update", "withdraw", "new"])
    counts = {tab.status: tab.count for tab in page.context["tabs"]}
    assert counts == {"pending": 4, "changes_requested": 0, "accepted": 0, "rejected": 0}
    assert answered.response.reference in page.content.decode()
    # Untouched recorded entries are no proposal; Kenya is grouped apart.
    assert ProposalKind.REVIEW not in kinds
    assert queue_titles(client).count("Women in the Kenyan digital economy") == 1


def test_the_queue_filters_by_kind_policy_area_round_and_respondent(client, curator, answered):
    assert queue_titles(client, kind="new") == [
        "Mujer Exporta Digital",
        "Women in the Kenyan digital economy",
    ]
    assert "Mujer Exporta Digital" in queue_titles(client, policy_area="ecommerce")
    assert "Mujer Exporta Digital" not in queue_titles(client, policy_area="cybersecurity")
    assert queue_titles(client, round="no-such-round") == []
    assert queue_titles(client, respondent="KEN") == ["Women in the Kenyan digital economy"]
    # Unknown values are ignored rather than errors.
    assert client.get(url("review:queue"), {"status": "bogus", "kind": "x"}).status_code == 200


def test_the_proposal_page_compares_field_by_field_in_words(client, curator, answered):
    page = client.get(url("review:proposal", pk=answered.update.pk))
    html = page.content.decode()
    assert page.status_code == 200
    changed = {row.name for row in page.context["comparison"].changed}
    assert changed == {"description", "policy_areas"}
    # Labels, not slugs; old and new values marked for everyone, not only by colour.
    assert "Education and digital skills" in html
    assert "digital_skills_education" not in html
    assert re.search(r"<del><span class=\"visually-hidden\">Old value: </span>", html)
    assert f'<ins><span class="visually-hidden">New value: </span>{CORRECTED_DESCRIPTION}' in html
    assert answered.response.reference in html
    assert "Ana Pérez" in html  # who changed it last

    new_page = client.get(url("review:proposal", pk=answered.new.pk)).content.decode()
    assert "Training or capacity building" in new_page
    assert NEW_POLICY["source"] in new_page
    confirm_page = client.get(url("review:proposal", pk=answered.confirm.pk)).content.decode()
    assert "Confirmed unchanged." in confirm_page
    withdraw_page = client.get(url("review:proposal", pk=answered.withdraw.pk)).content.decode()
    assert WITHDRAW_REASON in withdraw_page


def test_the_comparison_speaks_the_pages_language(client, curator, answered):
    page = client.get(f"/fr/secretariat/review/{answered.update.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Éducation et compétences numériques" in html
    assert "Chili" in client.get(f"/fr/secretariat/review/{answered.new.pk}/").content.decode()


def test_an_incomplete_proposal_shows_its_problems(client, curator, answered):
    Proposal.objects.filter(pk=answered.kenya_new.pk).update(
        data={**answered.kenya_new.data, "policy_areas": []}
    )
    page = client.get(url("review:proposal", pk=answered.kenya_new.pk))
    assert "Choose at least one policy area." in page.content.decode()


# --- the whole curator side ----------------------------------------------------------------------


def test_accept_two_ask_changes_on_one_reject_one(client, curator, answered):
    updated_entry = answered.update.entry
    withdrawn_entry = answered.withdraw.entry
    confirmed_entry = answered.confirm.entry
    confirmed_before = (confirmed_entry.version, confirmed_entry.verification)

    # Accept the correction: the published entry changes now, with the response as its source.
    answer = post_decision(client, answered.update, "accept", note="Thanks")
    assert answer.status_code == 302
    entry = Entry.objects.get(pk=updated_entry.pk)
    assert entry.description == CORRECTED_DESCRIPTION
    assert "digital_skills_education" in {a.slug for a in entry.policy_areas.all()}
    assert entry.verification == Verification.SUBMITTED_BY_MEMBER
    assert entry.workflow == Workflow.PUBLISHED
    source = entry.sources.get(kind=SourceKind.SURVEY_RESPONSE)
    assert source.reference == answered.response.reference
    assert source.title == f"Survey response {answered.response.reference}"
    assert source.economy.code == "CHL"
    assert sorted(source.fields) == ["description", "policy_areas"]
    latest = EntryVersion.objects.filter(entry=entry).order_by("-number").first()
    assert latest.actor == curator
    assert AuditEvent.objects.filter(
        action="entry.update", target_id=str(entry.pk), actor=curator
    ).exists()

    # Accept the new one: approved, then published (both moves recorded), sourced.
    answer = post_decision(client, answered.new, "accept", publish="on")
    assert answer.status_code == 302
    proposal = Proposal.objects.get(pk=answered.new.pk)
    assert proposal.review_status == ReviewStatus.ACCEPTED
    created = proposal.accepted_entry
    assert created.title == "Mujer Exporta Digital"
    assert created.workflow == Workflow.PUBLISHED
    assert created.verification == Verification.SUBMITTED_BY_MEMBER
    assert created.contributor_economy.code == "CHL"
    assert list(
        EntryTransition.objects.filter(entry=created).values_list("from_state", "to_state")
    ) == [("", "approved"), ("approved", "published")]
    assert set(EntryTransition.objects.filter(entry=created).values_list("actor", flat=True)) == {
        curator.pk
    }
    new_source = created.sources.get()
    assert (new_source.kind, new_source.reference) == (
        SourceKind.SURVEY_RESPONSE,
        answered.response.reference,
    )
    assert new_source.url == NEW_POLICY["source"]

    # Ask for changes on the confirmation: the response is reopened, the note reaches Chile.
    answer = post_decision(
        client, answered.confirm, "request_changes", note="Please add the 2025 budget."
    )
    assert answer.status_code == 302
    response = Response.objects.get(pk=answered.response.pk)
    assert response.status == Response.Status.REOPENED
    requests = list(change_requests_for(response))
    assert [(p.pk, p.review_note) for p in requests] == [
        (answered.confirm.pk, "Please add the 2025 budget.")
    ]

    # Reject the withdrawal with a reason: the entry stays as it was, published.
    withdrawn_version = withdrawn_entry.version
    answer = post_decision(client, answered.withdraw, "reject", note="It is still running.")
    assert answer.status_code == 302
    still = Entry.objects.get(pk=withdrawn_entry.pk)
    assert (still.workflow, still.version) == (Workflow.PUBLISHED, withdrawn_version)
    assert Proposal.objects.get(pk=answered.withdraw.pk).review_note == "It is still running."

    # Every decision is in the audit log with the curator.
    decisions = AuditEvent.objects.filter(actor=curator, action__startswith="proposal.")
    assert sorted(decisions.values_list("action", flat=True)) == [
        "proposal.accept",
        "proposal.accept",
        "proposal.reject",
        "proposal.request_changes",
    ]

    # The public sees exactly the accepted changes.
    client.logout()
    corrected = public_page(client, entry).content.decode()
    assert CORRECTED_DESCRIPTION in corrected
    assert "Education and digital skills" in corrected
    assert "Submitted by the Member" in corrected
    assert "Mujer Exporta Digital" in public_page(client, created).content.decode()
    assert public_page(client, still).status_code == 200
    confirmed = Entry.objects.get(pk=confirmed_entry.pk)
    assert (confirmed.version, confirmed.verification) == confirmed_before

    # The queue's tabs count each state.
    client.force_login(curator)
    counts = {
        tab.status: tab.count
        for tab in client.get(url("review:queue"), {"respondent": "CHL"}).context["tabs"]
    }
    assert counts == {"pending": 0, "changes_requested": 1, "accepted": 2, "rejected": 1}


def test_after_changes_are_asked_the_answer_comes_back_to_the_queue(client, curator, answered):
    post_decision(client, answered.new, "accept", publish="on")
    post_decision(client, answered.confirm, "request_changes", note="Which ministry runs it?")
    who = Who.of_invitation(answered.invitation)
    proposal_reply(proposal=answered.confirm, who=who, reply="SUBREI runs it.")
    assert queue_titles(client, respondent="CHL", kind="confirm") == []  # still being answered
    response_submit(response=Response.objects.get(pk=answered.response.pk), who=who)

    confirm = Proposal.objects.get(pk=answered.confirm.pk)
    assert confirm.review_status == ReviewStatus.PENDING
    assert Proposal.objects.get(pk=answered.new.pk).review_status == ReviewStatus.ACCEPTED
    assert len(queue_titles(client, respondent="CHL")) == 3  # the accepted one does not return
    assert "SUBREI runs it." in client.get(url("review:proposal", pk=confirm.pk)).content.decode()

    # Chile confirming an entry about Chile: validated by the Member.
    post_decision(client, confirm, "accept")
    entry = Entry.objects.get(pk=confirm.entry_id)
    assert entry.verification == Verification.MEMBER_VALIDATED
    assert entry.sources.filter(reference=answered.response.reference).exists()


def test_a_proposal_changed_in_a_reopened_response_waits_for_resubmission(
    client, curator, answered
):
    post_decision(client, answered.confirm, "request_changes", note="Check the dates.")
    who = Who.of_invitation(answered.invitation)
    proposal_save(
        proposal=answered.withdraw,
        who=who,
        kind=ProposalKind.WITHDRAW,
        reason="It ended in 2020, in fact.",
    )
    assert "Radiografía" not in " ".join(queue_titles(client, respondent="CHL"))
    answer = post_decision(client, answered.withdraw, "reject", note="No")
    assert answer.status_code == 409
    assert "submit their response again" in answer.content.decode()
    assert Proposal.objects.get(pk=answered.withdraw.pk).review_status == ReviewStatus.PENDING


def test_accepting_a_withdrawal_withdraws_the_entry_from_the_public(client, curator, answered):
    entry = answered.withdraw.entry
    assert post_decision(client, answered.withdraw, "accept").status_code == 302
    entry.refresh_from_db()
    assert entry.workflow == Workflow.WITHDRAWN
    assert entry.transitions.last().note.startswith(WITHDRAW_REASON)
    client.logout()
    assert public_page(client, entry).status_code == 404


def test_a_new_entry_can_be_held_back_from_publication(client, curator, answered):
    post_decision(client, answered.new, "accept")  # the "publish now" box left unticked
    created = Proposal.objects.get(pk=answered.new.pk).accepted_entry
    assert created.workflow == Workflow.APPROVED
    client.logout()
    assert public_page(client, created).status_code == 404


def test_edit_then_accept_writes_the_curators_values_and_keeps_both(client, curator, answered):
    page = client.get(url("review:edit", pk=answered.new.pk))
    assert page.status_code == 200
    assert 'value="Mujer Exporta Digital"' in page.content.decode()
    form = {
        "edit-title": "Mujer Exporta Digital (ProChile)",
        "edit-description": NEW_POLICY["description"],
        "edit-economies": ["CHL"],
        "edit-instrument_type": "programme",
        "edit-policy_areas": ["export_support", "ecommerce"],
        "edit-target_groups": ["women_led_msmes"],
        "edit-gender_focus": "women_specific",
        "edit-status": "active",
        "edit-start_year": "2022",
        "edit-source_document": NEW_POLICY["source"],
        "accept-version": answered.new.version,
        "accept-publish": "on",
        "accept-note": "Official name used.",
    }
    answer = client.post(url("review:edit", pk=answered.new.pk), form)
    assert answer.status_code == 302
    proposal = Proposal.objects.get(pk=answered.new.pk)
    assert proposal.data["title"] == "Mujer Exporta Digital"  # the respondent's own
    assert proposal.accepted_data["title"] == "Mujer Exporta Digital (ProChile)"
    assert proposal.accepted_entry.title == "Mujer Exporta Digital (ProChile)"
    assert proposal.accepted_entry.instrument_type.slug == "programme"
    event = AuditEvent.objects.get(action="proposal.accept", target_id=str(proposal.pk))
    assert sorted(event.changes["edited_by_curator"]) == ["instrument_type", "title"]
    assert event.note == "Official name used."
    page = client.get(url("review:proposal", pk=proposal.pk)).content.decode()
    assert "Edited by the curator before accepting:" in page
    assert "Title (as provided)" in page


def test_edit_then_accept_shows_field_errors_and_writes_nothing(client, curator, answered):
    entries = Entry.objects.count()
    answer = client.post(
        url("review:edit", pk=answered.new.pk),
        {"edit-title": "", "accept-version": answered.new.version},
    )
    assert answer.status_code == 400
    assert "There is a problem" in answer.content.decode()
    assert Entry.objects.count() == entries
    assert Proposal.objects.get(pk=answered.new.pk).review_status == ReviewStatus.PENDING


def test_confirmations_and_withdrawals_are_not_edited(client, curator, answered):
    assert client.get(url("review:edit", pk=answered.confirm.pk)).status_code == 404


# --- refusals ------------------------------------------------------------------------------------


def test_a_double_accept_is_harmless(client, curator, answered):
    version = answered.new.version
    post_decision(client, answered.new, "accept", version=version, publish="on")
    entries, events = Entry.objects.count(), AuditEvent.objects.count()
    again = post_decision(client, answered.new, "accept", version=version, publish="on")
    assert again.status_code == 302
    assert (Entry.objects.count(), AuditEvent.objects.count()) == (entries, events)
    page = client.get(again.url)
    assert "was already accepted; nothing was changed" in page.content.decode()


def test_an_outdated_page_is_refused_and_nothing_is_written(client, curator, answered):
    entry = answered.update.entry
    stale = answered.update.version
    who = Who.of_invitation(answered.invitation)
    # Chile's response is reopened and the correction changed, then submitted again.
    services.proposal_request_changes(
        proposal=answered.confirm,
        curator=curator,
        expected_version=answered.confirm.version,
        note="Budget?",
    )
    changed = {**answered.update.data, "description": "A second, later correction."}
    proposal_save(proposal=answered.update, who=who, kind=ProposalKind.UPDATE, data=changed)
    response_submit(response=Response.objects.get(pk=answered.response.pk), who=who)
    versions = EntryVersion.objects.filter(entry=entry).count()

    answer = post_decision(client, answered.update, "accept", version=stale)
    assert answer.status_code == 409
    assert "changed after you opened it" in answer.content.decode()
    assert EntryVersion.objects.filter(entry=entry).count() == versions
    assert Proposal.objects.get(pk=answered.update.pk).review_status == ReviewStatus.PENDING
    # The page now carries the current version: accepting from it works.
    assert answer.context["accept_form"]["version"].value() == stale + 1


def test_an_entry_changed_since_the_page_was_opened_is_refused(client, curator, answered):
    from compendium.catalog.services import entry_update

    entry = answered.update.entry
    seen = entry.version
    entry_update(entry=entry, actor=curator, changes={"title_fr": "Protocole"})
    answer = post_decision(client, answered.update, "accept", entry_version=seen)
    assert answer.status_code == 409
    assert Entry.objects.get(pk=entry.pk).description != CORRECTED_DESCRIPTION


def test_reject_and_ask_changes_need_a_reason(client, curator, answered):
    for action in ("reject", "request_changes"):
        answer = post_decision(client, answered.withdraw, action, note="  ")
        assert answer.status_code == 400
        assert "There is a problem" in answer.content.decode()
    assert Proposal.objects.get(pk=answered.withdraw.pk).review_status == ReviewStatus.PENDING
    with pytest.raises(services.ReviewRefused):
        services.proposal_reject(
            proposal=answered.withdraw,
            curator=curator,
            expected_version=answered.withdraw.version,
            note="",
        )


def test_a_decided_proposal_cannot_be_decided_otherwise(client, curator, answered):
    post_decision(client, answered.withdraw, "reject", note="Still running.")
    answer = post_decision(client, answered.withdraw, "accept")
    assert answer.status_code == 302
    assert "already decided: rejected" in client.get(answer.url).content.decode()
    assert Entry.objects.get(pk=answered.withdraw.entry_id).workflow == Workflow.PUBLISHED


def test_the_services_refuse_anyone_but_the_secretariat(answered, chile_focal_point):
    before = Entry.objects.count(), AuditEvent.objects.count(), Source.objects.count()
    with pytest.raises(PermissionDenied):
        services.proposal_accept(
            proposal=answered.new,
            curator=chile_focal_point,
            expected_version=answered.new.version,
        )
    assert (Entry.objects.count(), AuditEvent.objects.count(), Source.objects.count()) == before
