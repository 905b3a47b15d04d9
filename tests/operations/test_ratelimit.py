"""Rate limits on sign-in and personal survey links, and the API's throttle: past the limit the
client gets a 429 with `Retry-After` and a clear page (or the API's error shape), other clients
and accounts are not affected, and legitimate use is never counted against anyone."""

from __future__ import annotations

from datetime import date

import pytest

from compendium.api.api import api
from compendium.catalog.models import Economy
from compendium.surveys.services import invitation_create, questionnaire_load, round_open

LOGIN = "/accounts/login/"


@pytest.fixture
def limits(db, settings):
    """Generous limits unless a test sets one low."""
    settings.RATELIMIT_SIGNIN_PER_IP = "100/15m"
    settings.RATELIMIT_SIGNIN_PER_ACCOUNT = "100/15m"
    settings.RATELIMIT_SURVEY_LINK_PER_IP = "100/15m"
    settings.RATELIMIT_SURVEY_LINK_PER_TOKEN = "100/1h"
    settings.TRUSTED_PROXIES = 0
    return settings


@pytest.fixture
def kenya_user(django_user_model):
    return django_user_model.objects.create_user("kenya-fp", "fp@kenya.example", "pw-kenya-ok")


def sign_in(client, username: str, password: str, ip: str = "203.0.113.7", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def assert_too_many(response, longest: int) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= longest
    page = response.content.decode()
    assert "<h1>Too many attempts</h1>" in page
    assert "try again in" in page


# --- sign-in ------------------------------------------------------------------------------------


def test_failed_sign_ins_to_one_account_are_stopped(client, limits, kenya_user):
    limits.RATELIMIT_SIGNIN_PER_ACCOUNT = "3/15m"
    for attempt in range(3):
        assert (
            sign_in(client, "kenya-fp", f"guess-{attempt}", ip=f"198.51.100.{attempt}").status_code
            == 200
        )
    # From yet another address, and even with the right password: the account is paused.
    assert_too_many(sign_in(client, "KENYA-FP", "pw-kenya-ok", ip="198.51.100.99"), 900)
    # Another account is not affected.
    assert sign_in(client, "someone-else", "guess").status_code == 200


def test_failed_sign_ins_from_one_address_are_stopped(client, limits, kenya_user):
    limits.RATELIMIT_SIGNIN_PER_IP = "3/15m"
    for name in ("alice", "bob", "carol"):
        assert sign_in(client, name, "guess").status_code == 200
    assert_too_many(sign_in(client, "kenya-fp", "pw-kenya-ok"), 900)
    # Someone else, at another address, signs in.
    assert sign_in(client, "kenya-fp", "pw-kenya-ok", ip="192.0.2.1").status_code == 302


def test_successful_sign_ins_are_not_counted(client, limits, kenya_user):
    limits.RATELIMIT_SIGNIN_PER_ACCOUNT = "2/15m"
    limits.RATELIMIT_SIGNIN_PER_IP = "2/15m"
    for _ in range(4):
        assert sign_in(client, "kenya-fp", "pw-kenya-ok").status_code == 302
        client.post("/accounts/logout/")


def test_showing_the_sign_in_form_is_not_limited(client, limits):
    limits.RATELIMIT_SIGNIN_PER_IP = "1/15m"
    for _ in range(3):
        assert client.get(LOGIN, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for(client, limits):
    limits.RATELIMIT_SIGNIN_PER_IP = "2/15m"
    limits.TRUSTED_PROXIES = 1
    for name in ("alice", "bob"):
        sign_in(client, name, "guess", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    blocked = sign_in(client, "carol", "x", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert blocked.status_code == 429
    # A spoofed first hop does not help: the address the proxy saw is the one counted.
    spoofed = sign_in(
        client, "dave", "x", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5"
    )
    assert spoofed.status_code == 429
    other = sign_in(client, "erin", "x", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 200


def test_the_429_page_is_translated_with_the_site(client, limits):
    limits.RATELIMIT_SIGNIN_PER_IP = "1/15m"
    sign_in(client, "alice", "guess")
    page = client.post(
        "/fr/accounts/login/", {"username": "a", "password": "b"}, REMOTE_ADDR="203.0.113.7"
    )
    assert page.status_code == 429
    assert 'lang="fr"' in page.content.decode()


# --- personal survey links ----------------------------------------------------------------------


@pytest.fixture
def kenya_link(db):
    questionnaire, _ = questionnaire_load()
    survey_round = round_open(
        actor=None,
        actor_label="tests",
        title="2026 survey",
        slug="r2026",
        deadline=date(2099, 12, 31),
        questionnaire=questionnaire,
    )
    _invitation, token = invitation_create(
        actor=None,
        actor_label="tests",
        survey_round=survey_round,
        name="Kenya focal point",
        email="fp@kenya.example",
        economy=Economy.objects.get(code="KEN"),
    )
    return f"/survey/link/{token}/"


def test_guessing_survey_tokens_is_stopped(client, limits, kenya_link):
    limits.RATELIMIT_SURVEY_LINK_PER_IP = "3/15m"
    for guess in range(3):
        answer = client.get(f"/survey/link/guess-{guess}/", REMOTE_ADDR="203.0.113.7")
        assert answer.status_code == 403
    assert_too_many(client.get(kenya_link, REMOTE_ADDR="203.0.113.7"), 900)
    # The focal point, elsewhere, opens their link.
    assert client.get(kenya_link, REMOTE_ADDR="192.0.2.1").status_code == 302


def test_one_link_opened_too_often_is_paused(client, limits, kenya_link):
    limits.RATELIMIT_SURVEY_LINK_PER_TOKEN = "2/1h"
    assert client.get(kenya_link, REMOTE_ADDR="192.0.2.1").status_code == 302
    assert client.get(kenya_link, REMOTE_ADDR="192.0.2.2").status_code == 302
    assert_too_many(client.get(kenya_link, REMOTE_ADDR="192.0.2.3"), 3600)


def test_tokens_and_addresses_are_not_stored(client, limits, kenya_link):
    from compendium.operations.models import RateLimitWindow

    client.get(kenya_link, REMOTE_ADDR="192.0.2.1")
    client.get("/survey/link/not-a-token/", REMOTE_ADDR="192.0.2.1")
    keys = " ".join(RateLimitWindow.objects.values_list("key", flat=True))
    assert keys
    assert kenya_link.split("/")[-2] not in keys
    assert "not-a-token" not in keys
    assert "192.0.2.1" not in keys


# --- the API ------------------------------------------------------------------------------------


@pytest.fixture
def api_limit(monkeypatch):
    """The API allows 3 requests a minute per address during the test."""
    throttle = api.throttle[0]
    monkeypatch.setattr(throttle, "num_requests", 3)
    monkeypatch.setattr(throttle, "duration", 60)
    return throttle


def test_the_api_is_throttled_per_address_in_its_error_shape(client, db, api_limit):
    for _ in range(3):
        assert client.get("/api/v1/taxonomy", REMOTE_ADDR="203.0.113.7").status_code == 200
    answer = client.get("/api/v1/entries", REMOTE_ADDR="203.0.113.7")
    assert answer.status_code == 429
    assert 0 < int(answer["Retry-After"]) <= 60
    assert answer.json()["error"]["code"] == "too_many_requests"
    assert answer.json()["error"]["message"]
    assert client.get("/api/v1/taxonomy", REMOTE_ADDR="192.0.2.1").status_code == 200


def test_the_api_limit_comes_from_the_settings():
    from django.conf import settings

    assert api.throttle[0].rate == settings.API_RATE_LIMIT


@pytest.mark.parametrize("value", ["often", "10", "0/m", "10/fortnight", ""])
def test_a_wrong_rate_is_refused_at_start_up(settings, value):
    from compendium.operations.checks import rates_are_valid

    settings.RATELIMIT_SIGNIN_PER_IP = value
    errors = rates_are_valid(None)
    assert [error.id for error in errors] == ["compendium.operations.E001"]
    assert "RATELIMIT_SIGNIN_PER_IP must look like `count/period`" in errors[0].msg


def test_the_default_rates_pass_the_checks():
    from compendium.operations.checks import rates_are_valid

    assert rates_are_valid(None) == []
