"""Signing in and out at /accounts/: focal points and the secretariat each land on their own work;
a refused sign-in says what went wrong without saying whether the account exists."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import SESSION_KEY

from compendium.catalog.models import Economy
from compendium.review.services import focal_point_assign
from compendium.surveys.services import questionnaire_load, round_open

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"


@pytest.fixture
def open_round(db):
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
def chile_focal_point(django_user_model):
    user = django_user_model.objects.create_user("chile-fp", "fp@chile.example", "pw-chile")
    focal_point_assign(user=user, actor=None, economy=Economy.objects.get(code="CHL"))
    return user


def test_a_focal_point_signs_in_and_lands_on_their_economys_response(
    client, open_round, chile_focal_point
):
    page = client.post(LOGIN, {"username": "chile-fp", "password": "pw-chile"}, follow=True)
    assert page.redirect_chain == [("/survey/", 302)]
    assert page.status_code == 200
    assert "Chile" in page.content.decode()


def test_the_secretariat_signs_in_and_lands_on_the_review_queue(client, secretariat_user):
    answer = client.post(LOGIN, {"username": "curator", "password": "pw-curator"})
    assert answer.status_code == 302
    assert answer["Location"] == "/secretariat/review/"
    assert client.get(answer["Location"]).status_code == 200


def test_a_safe_next_is_followed_and_another_host_is_ignored(client, secretariat_user):
    form = {"username": "curator", "password": "pw-curator"}
    answer = client.post(LOGIN, {**form, "next": "/secretariat/surveys/"})
    assert answer["Location"] == "/secretariat/surveys/"
    client.logout()
    answer = client.post(LOGIN, {**form, "next": "https://evil.example/steal"})
    assert answer["Location"] == "/secretariat/review/"


def test_the_queue_sends_an_anonymous_visitor_to_sign_in_and_back(client, secretariat_user):
    answer = client.get("/secretariat/review/")
    assert answer["Location"] == "/accounts/login/?next=/secretariat/review/"
    page = client.get(answer["Location"])
    assert 'name="next" value="/secretariat/review/"' in page.content.decode()


def _refusal(client, username: str, password: str) -> str:
    page = client.post(LOGIN, {"username": username, "password": password})
    assert page.status_code == 200
    assert SESSION_KEY not in client.session
    return page.content.decode()


def test_a_wrong_password_shows_the_error_summary_and_leaks_nothing(client, secretariat_user):
    wrong_password = _refusal(client, "curator", "nope")
    unknown_user = _refusal(client, "nobody-here", "nope")
    assert "There is a problem" in wrong_password
    assert 'href="#id_username"' in wrong_password
    assert "Please enter a correct username and password" in wrong_password

    def summary(html: str) -> str:
        start = html.index("data-error-summary")
        return html[start : html.index("</div>", start)]

    # Same words whether or not the account exists.
    assert summary(wrong_password) == summary(unknown_user)


def test_missing_fields_are_linked_from_the_summary(client, db):
    html = _refusal(client, "", "")
    assert 'href="#id_username"' in html
    assert 'href="#id_password"' in html
    assert 'aria-describedby="id_password_error"' in html


def test_the_form_helps_password_managers(client, db):
    html = client.get(LOGIN).content.decode()
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert '<label class="label" for="id_username">' in html


def test_sign_out_is_post_only_and_ends_the_session(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get(LOGOUT).status_code == 405
    assert SESSION_KEY in client.session
    page = client.post(LOGOUT)
    assert page.status_code == 200
    assert "You are signed out" in page.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get("/secretariat/review/").status_code == 302


def test_the_sign_in_page_exists_in_french(client, db):
    page = client.get("/fr/accounts/login/")
    assert page.status_code == 200
    assert '<html lang="fr"' in page.content.decode()


def test_the_footer_links_to_sign_in(client, db):
    assert 'href="/accounts/login/"' in client.get("/").content.decode()
