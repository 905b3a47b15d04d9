"""The permission matrix: every role × every review page and action × a proposal of the role's own
economy or of another one. Only the secretariat reviews; everyone else is sent to sign in
(anonymous) or refused (403), and nothing is written when they are. Then the object rules the
workspace and the catalog rely on: who may see and change which response, and which entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from compendium.audit.models import AuditEvent
from compendium.catalog.models import Entry, Organization, Source
from compendium.review.rules import can_edit_response, can_review, can_view_response
from compendium.surveys.models import Invitation, Proposal, Response
from compendium.surveys.services import Who, invitation_create

from .conftest import url

pytestmark = pytest.mark.django_db

ROLES = (
    "secretariat",
    "chile_focal_point",
    "kenya_focal_point",
    "itc_focal_point",
    "chile_colleague",
    "chile_colleague_by_link",
    "no_role",
    "anonymous",
)
# (name, HTTP method, URL name, form data given the proposal)
ACTIONS = (
    ("queue", "get", "review:queue", None),
    ("proposal page", "get", "review:proposal", None),
    ("edit page", "get", "review:edit", None),
    ("accept", "post", "review:accept", lambda p: {"accept-version": p.version}),
    (
        "request changes",
        "post",
        "review:request_changes",
        lambda p: {"changes-version": p.version, "changes-note": "Please check."},
    ),
    (
        "reject",
        "post",
        "review:reject",
        lambda p: {"reject-version": p.version, "reject-note": "Not relevant."},
    ),
)


@pytest.fixture
def sign_in(
    request,
    client,
    answered,
    secretariat_user,
    chile_focal_point,
    kenya_focal_point,
    itc_focal_point,
    chile_colleague,
    no_role_user,
):
    """Make the test client act as one role."""
    users = {
        "secretariat": secretariat_user,
        "chile_focal_point": chile_focal_point,
        "kenya_focal_point": kenya_focal_point,
        "itc_focal_point": itc_focal_point,
        "chile_colleague": chile_colleague,
        "no_role": no_role_user,
    }

    def as_role(role: str):
        if role == "chile_colleague_by_link":
            # Not signed in: holds the colleague's personal link in the session.
            client.get(url("surveys:open", token=chile_colleague.colleague_token))
        elif role != "anonymous":
            client.force_login(users[role])
        return client

    return as_role


def written_state() -> tuple:
    """Everything a review action could change."""
    return (
        Entry.objects.count(),
        Source.objects.count(),
        AuditEvent.objects.count(),
        sorted(Proposal.objects.values_list("pk", "review_status", "review_note")),
        sorted(Response.objects.values_list("pk", "status", "version")),
        sorted(Entry.objects.values_list("pk", "version")),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=[a[0] for a in ACTIONS])
@pytest.mark.parametrize("whose", ["chile", "kenya"])
def test_only_the_secretariat_reviews(sign_in, answered, role, action, whose):
    name, method, url_name, form = action
    proposal = answered.new if whose == "chile" else answered.kenya_new
    client = sign_in(role)
    address = url(url_name) if name == "queue" else url(url_name, pk=proposal.pk)
    before = written_state()
    answer = client.get(address) if method == "get" else client.post(address, form(proposal))

    if role == "secretariat":
        assert answer.status_code == (200 if method == "get" else 302)
        if method == "post":
            assert written_state() != before
        return
    if role in ("anonymous", "chile_colleague_by_link"):
        assert answer.status_code == 302
        assert answer.url.startswith("/accounts/login/?next=")
    else:
        assert answer.status_code == 403
    assert written_state() == before


def test_an_unknown_or_unsubmitted_proposal_is_not_found(client, secretariat_user, answered):
    client.force_login(secretariat_user)
    assert client.get(url("review:proposal", pk=999999)).status_code == 404
    # Kenya left its recorded entry untouched: that is no proposal.
    untouched = Proposal.objects.get(response=answered.kenya_invitation.response_id, kind="review")
    assert client.get(url("review:proposal", pk=untouched.pk)).status_code == 404


def test_a_draft_is_not_reviewed_before_it_is_submitted(client, secretariat_user, itc_response):
    from compendium.surveys.services import proposal_add

    draft = proposal_add(
        response=itc_response, who=Who(label="ITC"), data={"title": "Draft of ITC"}
    )
    client.force_login(secretariat_user)
    assert client.get(url("review:proposal", pk=draft.pk)).status_code == 404
    queue = client.get(url("review:queue"))
    assert "Draft of ITC" not in queue.content.decode()


def test_decisions_need_post_and_csrf(client, secretariat_user, answered):
    from django.test import Client

    client.force_login(secretariat_user)
    assert client.get(url("review:accept", pk=answered.new.pk)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(secretariat_user)
    before = written_state()
    answer = strict.post(
        url("review:accept", pk=answered.new.pk), {"accept-version": answered.new.version}
    )
    assert answer.status_code == 403
    assert written_state() == before


# --- object rules --------------------------------------------------------------------------------


@pytest.fixture
def itc_response(answered):
    invitation, _token = invitation_create(
        actor=None,
        actor_label="tests",
        survey_round=answered.invitation.round,
        name="ITC focal point",
        organization=Organization.objects.get(slug="itc"),
    )
    return invitation.response


@pytest.fixture
def people(
    secretariat_user,
    chile_focal_point,
    kenya_focal_point,
    itc_focal_point,
    chile_colleague,
    no_role_user,
):
    from django.contrib.auth.models import AnonymousUser

    return {
        "secretariat": secretariat_user,
        "chile_focal_point": chile_focal_point,
        "kenya_focal_point": kenya_focal_point,
        "itc_focal_point": itc_focal_point,
        "chile_colleague": chile_colleague,
        "no_role": no_role_user,
        "anonymous": AnonymousUser(),
    }


# Which responses each role may see and change.
RESPONSE_ACCESS = {
    "secretariat": {"chile", "kenya", "itc"},
    "chile_focal_point": {"chile"},
    "kenya_focal_point": {"kenya"},
    "itc_focal_point": {"itc"},
    "chile_colleague": {"chile"},
    "no_role": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("role", sorted(RESPONSE_ACCESS))
def test_who_may_see_and_change_which_response(people, answered, itc_response, role):
    user = people[role]
    responses = {
        "chile": answered.response,
        "kenya": Response.objects.get(pk=answered.kenya_invitation.response_id),
        "itc": itc_response,
    }
    for whose, response in responses.items():
        allowed = whose in RESPONSE_ACCESS[role]
        assert user.has_perm("surveys.view_response", response) is allowed, whose
        assert user.has_perm("surveys.change_response", response) is allowed, whose
        assert can_view_response(user, response) is allowed, whose
        assert can_edit_response(user, response) is allowed, whose


@pytest.mark.parametrize("role", sorted(RESPONSE_ACCESS))
def test_only_the_secretariat_changes_entries_and_reviews(people, answered, role):
    user = people[role]
    chile_entry = answered.update.entry
    allowed = role == "secretariat"
    assert user.has_perm("catalog.change_entry", chile_entry) is allowed
    assert user.has_perm("review.review_proposal", answered.new) is allowed
    assert user.has_perm("review.review_proposal", answered.kenya_new) is allowed
    assert can_review(user, answered.new) is allowed
    assert user.has_perm("catalog.view_any_entry") is allowed


def test_a_link_opens_its_own_response_only(answered, chile_colleague):
    invitation = chile_colleague.colleague_invitation
    by_link = Who.of_invitation(invitation)
    by_anonymous_link = Who(label="Line ministry", invitation=invitation)
    kenya = Response.objects.get(pk=answered.kenya_invitation.response_id)
    for who in (by_link, by_anonymous_link):
        assert can_edit_response(who, answered.response)
        assert can_view_response(who, answered.response)
        assert not can_edit_response(who, kenya)
        assert not can_view_response(who, kenya)
    # A withdrawn or expired link opens nothing.
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    invitation.refresh_from_db()
    assert not can_edit_response(Who(label="x", invitation=invitation), answered.response)
    Invitation.objects.filter(pk=invitation.pk).update(
        revoked_at=None, expires_at=timezone.now() - timedelta(days=1)
    )
    invitation.refresh_from_db()
    assert not can_edit_response(Who(label="x", invitation=invitation), answered.response)
    # ...and the colleague's account loses the response with it.
    assert not chile_colleague.has_perm("surveys.change_response", answered.response)
