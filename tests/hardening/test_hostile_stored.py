"""Hostile text stored in an entry comes out escaped in every page that shows it, neutralised in
the CSV and XLSX downloads and intact in JSON and the API; the admin's entry form and the sign-in
form answer hostile input with a message, never a 5xx, and save nothing half-way."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from compendium.catalog.models import Entry, EntryVersion
from compendium.catalog.services import LinkData
from tests.catalog.test_admin import form_data
from tests.factories import make_entry

from .hostile import (
    Payload,
    assert_no_raw_markup,
    body,
    formula_cells,
    is_neutralised_text,
    payload_params,
)

pytestmark = pytest.mark.django_db
MARKER = "Zqxhostile"  # a word no sample entry has, to find the hostile entry by search


def stored(payload: Payload) -> Entry:
    """An entry whose texts are the payload (NUL bytes and 1 MB texts cannot get this far: the
    forms and imports refuse them, as the tests below and beside this file show)."""
    return make_entry(
        title=f"{MARKER} {payload.text}",
        description=payload.text,
        implementers_as_reported=payload.text,
        budget_as_reported=payload.text,
        links=(LinkData(url="https://example.org/", label=payload.text),),
    )


def storable_params() -> list:
    return [p for p in payload_params(short=True) if "\0" not in p.values[0].text]


@pytest.mark.parametrize("payload", storable_params())
def test_stored_text_is_escaped_on_every_page(client, payload: Payload):
    entry = stored(payload)
    search = f"q={MARKER}"
    pages = [
        f"/entries/{entry.slug}/",
        f"/search/?{search}",
        f"/embed/entries/?{search}",
        "/economies/CAN/",
        "/whats-new/",
        "/",
    ]
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        assert_no_raw_markup(answer.content.decode(), payload)
    feed = client.get(f"/feeds/entries.atom?{search}")
    assert feed.status_code == 200
    assert_no_raw_markup(body(feed).decode(), payload)


@pytest.mark.parametrize("payload", storable_params())
def test_downloads_neutralise_formulas_and_json_keeps_the_text(client, payload: Payload):
    stored(payload)
    search = f"q={MARKER}"
    rows = list(
        csv.reader(
            io.StringIO(body(client.get(f"/search/export.csv?{search}")).decode("utf-8-sig"))
        )
    )
    assert len(rows) == 2
    assert all(is_neutralised_text(value) for value in rows[1]), rows[1]

    workbook = body(client.get(f"/search/export.xlsx?{search}"))
    assert formula_cells(workbook) == []
    texts = [
        cell
        for sheet in load_workbook(io.BytesIO(workbook), read_only=True)
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]
    assert all(is_neutralised_text(cell) for cell in texts)

    expected = payload.text.strip()
    download = json.loads(body(client.get(f"/search/export.json?{search}")))
    (record,) = download["entries"] if "entries" in download else download["results"]
    assert record["description"].strip() == expected
    (result,) = client.get(f"/api/v1/entries?{search}").json()["results"]
    assert result["description"].strip() == expected
    assert result["title"] == f"{MARKER} {payload.text}".strip()


# --- the admin's entry form ----------------------------------------------------------------------


@pytest.fixture
def curator_client(secretariat_user) -> Client:
    secretariat_user.is_superuser = True
    secretariat_user.save()
    client = Client()
    client.force_login(secretariat_user)
    return client


@pytest.mark.parametrize("payload", payload_params())
def test_the_admin_entry_form_saves_escaped_or_refuses_whole(curator_client, payload: Payload):
    entry = make_entry(title="An entry to edit")
    change = reverse("admin:catalog_entry_change", args=[entry.pk])
    data = form_data(curator_client.get(change))
    data |= {"title": payload.text, "description": payload.text, "note": payload.text[:500]}
    versions = EntryVersion.objects.filter(entry=entry).count()
    answer = curator_client.post(change, data)
    assert answer.status_code in (200, 302), answer.status_code
    entry.refresh_from_db()
    if answer.status_code == 200:  # refused: the form says why, and nothing was written
        assert "errornote" in answer.content.decode()
        assert entry.title == "An entry to edit"
        assert EntryVersion.objects.filter(entry=entry).count() == versions
    else:
        assert entry.title == payload.text.strip()
    page = curator_client.get(change)
    assert page.status_code == 200
    assert_no_raw_markup(page.content.decode(), payload)


# --- signing in ----------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", payload_params())
def test_the_sign_in_form_answers_hostile_input_with_a_message(client, payload: Payload):
    users = get_user_model().objects.count()
    answer = client.post("/accounts/login/", {"username": payload.text, "password": payload.text})
    assert answer.status_code in (200, 400, 429), answer.status_code
    assert_no_raw_markup(answer.content.decode(), payload)
    assert get_user_model().objects.count() == users
