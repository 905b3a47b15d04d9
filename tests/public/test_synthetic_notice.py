"""Pages say so when the catalog holds synthetic (benchmark) entries."""

from __future__ import annotations

import pytest

from compendium.catalog.synthetic import synthetic_generate

pytestmark = pytest.mark.django_db
NOTICE = "This database contains synthetic entries generated for benchmarking."


def test_no_notice_without_synthetic_entries(client):
    assert NOTICE not in client.get("/").content.decode()


def test_every_public_page_shows_the_notice(client):
    synthetic_generate(count=2, seed=1)

    for path in ("/", "/entries/", "/entries/synthetic-1/", "/search/?q=women"):
        assert NOTICE in client.get(path).content.decode(), path
