"""/data/: the full download, the codebook, the licence, how to cite, the API and the feed."""

from __future__ import annotations

import re
from html import unescape

import pytest

from compendium.publishing.metadata import codebook_column_names

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_data_page_offers_every_download_and_explains_them(client):
    response = client.get("/data/")
    assert response.status_code == 200
    html, page = response.content.decode(), text(response)
    for fmt in ("csv", "xlsx", "json"):
        assert f'href="/search/export.{fmt}"' in html
    assert 'href="/api/v1/docs"' in html
    assert 'href="/api/v1/openapi.json"' in html
    assert 'href="/feeds/entries.atom"' in html
    assert "60 published entries" in page
    assert "CC BY 4.0" in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    assert "provisional" in page
    assert "(accessed " in page
    assert "http://127.0.0.1:8000/data/" in page
    assert "Data releases" in page
    assert "No data release has been published yet" in page


def test_codebook_table_lists_every_column_with_codes(client):
    html = client.get("/data/").content.decode()
    columns = re.findall(r'<th scope="row"><code>([a-z_]+)</code></th>', html)
    assert columns == codebook_column_names()
    assert "<caption" in html
    assert "<code>member_validated</code>" in html
    assert "<code>women_led_msmes</code>" in html


def test_codebook_in_french_and_spanish(client):
    french = text(client.get("/fr/data/"))
    assert "Identifiant stable de l'entrée" in french
    assert "Commerce électronique et commerce numérique" in french
    spanish_html = client.get("/es/data/").content.decode()
    assert 'href="/es/search/export.csv"' in spanish_html
    assert "Identificador estable de la entrada" in text(client.get("/es/data/"))


def test_data_is_in_the_main_navigation(client):
    html = client.get("/data/").content.decode()
    assert re.search(r'<a href="/data/" aria-current="page">', html)
    assert 'href="/data/"' in client.get("/").content.decode()


def test_feed_is_announced_to_browsers(client):
    html = client.get("/data/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" href="/feeds/entries.atom"' in html
