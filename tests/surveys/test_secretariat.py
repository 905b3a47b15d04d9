"""The secretariat's survey dashboard: who may see it, opening rounds, inviting, following where
each respondent stands (with filters, rates and CSV), reminders, links and reopening."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from compendium.catalog.models import ContributorType, Economy, EconomyStatus, Organization
from compendium.review.services import focal_point_assign
from compendium.surveys.models import Invitation, Response, Round
from compendium.surveys.services import (
    Who,
    invitation_create,
    response_save_answers,
    response_submit,
    round_open,
)

pytestmark = pytest.mark.django_db

GENERAL = {
    "contact_name": "Ana Pérez",
    "contact_institution": "SUBREI",
    "contact_email": "ana@chile.example",
    "consent_publish": True,
}


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(f"surveys:{name}", kwargs=kwargs or None)


@pytest.fixture
def curator(client, secretariat_user):
    client.force_login(secretariat_user)
    return secretariat_user


def test_only_secretariat_staff_see_the_dashboard(client, survey_round, django_user_model):
    pages = [url("secretariat_rounds"), url("secretariat_round", slug="r2026")]
    for page in pages:
        answer = client.get(page)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/?next=")
    focal = django_user_model.objects.create_user("fp", "fp@x.example", "pw")
    focal_point_assign(user=focal, actor=None, economy=Economy.objects.get(code="CHL"))
    staff = django_user_model.objects.create_user("staff", "s@x.example", "pw", is_staff=True)
    for user in (focal, staff):
        client.force_login(user)
        for page in pages:
            assert client.get(page).status_code == 403
        assert client.post(url("secretariat_remind", slug="r2026")).status_code == 403
    assert not Invitation.objects.exists()


def test_rounds_are_listed_and_opened_from_the_browser(client, curator, survey_round):
    page = client.get(url("secretariat_rounds")).content.decode()
    assert "2026 survey" in page
    assert "Open a round" in page
    answer = client.post(
        url("secretariat_rounds"),
        {
            "title": "2027 survey",
            "slug": "r2027",
            "deadline": "2027-06-30",
            "questionnaire": str(survey_round.questionnaire.pk),
        },
    )
    assert answer["Location"] == url("secretariat_round", slug="r2027")
    opened = Round.objects.get(slug="r2027")
    assert opened.questionnaire == survey_round.questionnaire
    again = client.post(
        url("secretariat_rounds"),
        {"title": "Again", "slug": "r2027", "deadline": "2027-06-30", "questionnaire": "file"},
    )
    assert again.status_code == 400
    assert "There is a problem" in again.content.decode()
    assert Round.objects.filter(slug="r2027").count() == 1


def test_invite_chosen_respondents_shows_the_links_once(client, curator, survey_round):
    answer = client.post(
        url("secretariat_invite", slug="r2026"),
        {"who": "chosen", "economies": ["CHL", "KEN"], "organizations": ["itc"], "language": "fr"},
    )
    assert answer.status_code == 302
    invitations = Invitation.objects.filter(round=survey_round)
    assert invitations.count() == 3
    assert {i.language for i in invitations} == {"fr"}
    page = client.get(url("secretariat_round", slug="r2026")).content.decode()
    assert "3 invited" in page
    links = re.findall(r"http://[^<\s]+/survey/link/[\w-]+/", page)
    assert len(links) == 3
    # Shown once: the next visit no longer shows them; a second invitation skips them.
    assert (
        "/survey/link/" not in client.get(url("secretariat_round", slug="r2026")).content.decode()
    )
    client.post(
        url("secretariat_invite", slug="r2026"),
        {"who": "chosen", "economies": ["CHL"], "language": "en"},
    )
    assert Invitation.objects.filter(round=survey_round).count() == 3


def test_invite_one_respondent_with_a_named_person(client, curator, survey_round):
    client.post(
        url("secretariat_invite", slug="r2026"),
        {
            "who": "one",
            "economies": ["CHL"],
            "name": "Ana Pérez",
            "email": "ana@chile.example",
            "language": "es",
        },
    )
    invitation = Invitation.objects.get(round=survey_round)
    assert (invitation.name, invitation.email, invitation.language) == (
        "Ana Pérez",
        "ana@chile.example",
        "es",
    )
    assert mail.outbox[-1].to == ["ana@chile.example"]


def test_invite_all_observers(client, curator, survey_round):
    client.post(url("secretariat_invite", slug="r2026"), {"who": "observers", "language": "en"})
    observers = Economy.objects.filter(status=EconomyStatus.OBSERVER).count()
    assert Invitation.objects.filter(round=survey_round).count() == observers


@pytest.mark.parametrize(
    "data",
    [
        {"who": "chosen", "language": "en"},
        {"who": "one", "economies": ["CHL", "KEN"], "language": "en"},
        {"who": "members", "name": "Somebody", "language": "en"},
        {"who": "nobody", "language": "en"},
    ],
)
def test_a_wrong_invitation_form_says_what_is_wrong(client, curator, survey_round, data):
    answer = client.post(url("secretariat_invite", slug="r2026"), data)
    assert answer.status_code == 400
    assert "There is a problem" in answer.content.decode()
    assert not Invitation.objects.exists()


def test_the_dashboard_shows_states_rates_and_filters(
    client, curator, survey_round, chile_invitation, itc_invitation
):
    chile, _ = chile_invitation
    who = Who.of_invitation(chile)
    response_save_answers(response=chile.response, who=who, answers=GENERAL)
    response_submit(response=chile.response, who=who)
    page = client.get(url("secretariat_round", slug="r2026")).content.decode()
    assert "Chile" in page
    assert "International Trade Centre" in page
    assert "Submitted" in page
    assert "Not opened" in page
    assert "Response rate by region" in page
    assert "Response rate by contributor type" in page
    assert re.search(r"Caribbean</th><td class=\"num\">1</td><td class=\"num\">1</td>", page)
    submitted_only = client.get(url("secretariat_round", slug="r2026") + "?state=submitted")
    text = submitted_only.content.decode()
    assert "Chile" in text
    assert "International Trade Centre (" not in text
    organisations = client.get(
        url("secretariat_round", slug="r2026") + "?kind=international_organization"
    ).content.decode()
    assert "International Trade Centre" in organisations


def test_the_status_downloads_as_csv_with_neutralised_cells(client, curator, survey_round):
    hostile = Organization.objects.create(
        slug="hostile",
        name_en='=HYPERLINK("http://evil")',
        kind=ContributorType.objects.get(slug="private_sector"),
    )
    invitation_create(actor=None, survey_round=survey_round, name="x", organization=hostile)
    invitation_create(
        actor=None, survey_round=survey_round, name="y", economy=Economy.objects.get(code="KEN")
    )
    answer = client.get(url("secretariat_round", slug="r2026") + "?format=csv")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert rows[0][:5] == ["respondent", "code", "kind", "region", "state"]
    names = {row[0] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil")' in names
    assert "Kenya" in names
    filtered = client.get(url("secretariat_round", slug="r2026") + "?format=csv&kind=member")
    assert len(list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode())))) == 2


def test_reminders_revoke_reissue_and_reopen(client, curator, survey_round, chile_invitation):
    chile, _token = chile_invitation
    answer = client.post(url("secretariat_remind", slug="r2026"))
    assert answer.status_code == 302
    chile.refresh_from_db()
    assert chile.reminders_sent == 1
    assert mail.outbox[-1].to == ["ana@chile.example"]
    # Revoke: the link stops working.
    client.post(url("secretariat_link", slug="r2026", pk=chile.pk), {"action": "revoke"})
    chile.refresh_from_db()
    assert chile.revoked_at is not None
    # Re-issue: a new link, shown once and e-mailed.
    client.post(url("secretariat_link", slug="r2026", pk=chile.pk), {"action": "reissue"})
    page = client.get(url("secretariat_round", slug="r2026")).content.decode()
    new_token = re.search(r"/survey/link/([\w-]+)/", page).group(1)
    assert Client().get(url("open", token=new_token)).status_code == 302
    # Reopen a submitted response.
    who = Who.of_invitation(chile)
    response_save_answers(response=chile.response, who=who, answers=GENERAL)
    response_submit(response=chile.response, who=who)
    client.post(
        url("secretariat_reopen", slug="r2026", pk=chile.response_id), {"note": "Typo in title"}
    )
    assert Response.objects.get(pk=chile.response_id).status == Response.Status.REOPENED


def test_ids_from_another_round_are_not_found(client, curator, survey_round, chile_invitation):
    other = round_open(
        actor=None,
        title="Other",
        slug="other",
        deadline=date(2027, 1, 1),
        questionnaire=survey_round.questionnaire,
    )
    chile, _ = chile_invitation
    assert (
        client.post(
            url("secretariat_link", slug=other.slug, pk=chile.pk), {"action": "revoke"}
        ).status_code
        == 404
    )
    assert (
        client.post(url("secretariat_reopen", slug=other.slug, pk=chile.response_id)).status_code
        == 404
    )
    assert client.get(url("secretariat_round", slug="nope")).status_code == 404
    chile.refresh_from_db()
    assert chile.revoked_at is None
