"""The embeddable widget and its builder: filters and language honoured, no cookie, cacheable,
framable by anyone (this view only), partner text escaped."""

from __future__ import annotations

import re
from html import unescape

import pytest

from compendium.catalog.models import Entry, Workflow
from tests.publishing.editions import entry

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    html = response.content.decode()
    return [unescape(t) for t in re.findall(r'class="cw-title"[^>]*>([^<]+)</a>', html)]


def test_widget_lists_published_entries_matching_the_search_filters(client):
    response = client.get("/embed/entries/", {"area": "ecommerce", "economy": "KEN"})
    assert response.status_code == 200
    expected = Entry.objects.filter(
        workflow=Workflow.PUBLISHED, policy_areas__slug="ecommerce", economies__code="KEN"
    ).distinct()
    assert sorted(titles(response)) == sorted(e.display_title for e in expected)[:10]
    assert 'href="/search/?area=ecommerce&amp;economy=KEN"' in response.content.decode()


def test_widget_size_is_limited(client):
    assert len(titles(client.get("/embed/entries/"))) == 10
    assert len(titles(client.get("/embed/entries/", {"page_size": "3"}))) == 3
    assert len(titles(client.get("/embed/entries/", {"page_size": "500"}))) == 50


def test_widget_language_follows_the_url_prefix(client):
    french = client.get("/fr/embed/entries/", {"area": "ecommerce"}).content.decode()
    assert '<html lang="fr">' in french
    assert "Commerce électronique" in french
    assert 'href="/fr/entries/' in french
    spanish = client.get("/es/embed/entries/").content.decode()
    assert '<html lang="es">' in spanish
    assert 'href="/es/entries/' in spanish


def test_widget_sets_no_cookie_and_is_publicly_cacheable(client):
    response = client.get("/embed/entries/", {"q": "women"})
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert re.search(r"max-age=\d+", cache_control)
    assert "Cookie" not in response.get("Vary", "")
    assert "<script" not in response.content.decode()


def test_only_the_widget_may_be_framed(client):
    widget = client.get("/embed/entries/")
    assert "X-Frame-Options" not in widget.headers
    assert "frame-ancestors *" in widget["Content-Security-Policy"]
    assert "script-src 'self'" in widget["Content-Security-Policy"]
    for path in ("/", "/search/", "/embed/", "/data/"):
        other = client.get(path)
        assert other["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in other["Content-Security-Policy"], path


def test_partner_heading_and_words_are_escaped(client):
    response = client.get(
        "/embed/entries/", {"heading": '<script>alert("x")</script>', "q": "<img src=x>"}
    )
    html = response.content.decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<img src=x>" not in html


def test_widget_shows_only_published_entries(client):
    entry("Unpublished zebra programme", workflow=Workflow.APPROVED, economies=("KEN",))
    response = client.get("/embed/entries/", {"q": "zebra"})
    assert titles(response) == []
    assert "No published entry matches these filters yet." in response.content.decode()


def test_unknown_filters_are_ignored_not_errors(client):
    response = client.get("/embed/entries/", {"area": "nonsense", "year_from": "abc"})
    assert response.status_code == 200
    assert len(titles(response)) == 10


def test_builder_shows_both_snippets_and_a_preview(client):
    response = client.get(
        "/embed/", {"area": "ecommerce", "group": "women_entrepreneurs", "lang": "fr"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    widget = "http://127.0.0.1:8000/fr/embed/entries/?area=ecommerce&amp;group=women_entrepreneurs"
    assert f"&lt;iframe src=&quot;{widget.replace('&amp;', '&amp;amp;')}" in html
    assert "/static/publishing/embed.js" in html
    assert "data-query=&quot;area=ecommerce&amp;amp;group=women_entrepreneurs&quot;" in html
    assert "data-lang=&quot;fr&quot;" in html
    assert (
        '<iframe class="embed-preview" src="/fr/embed/entries/?area=ecommerce&amp;'
        'group=women_entrepreneurs"' in html
    )
    assert '<option value="ecommerce" selected>' in html
    assert '<label for="embed-area">' in html


def test_builder_escapes_the_heading_inside_the_snippets(client):
    html = client.get("/embed/", {"heading": '"><script>x</script>'}).content.decode()
    assert "<script>x</script>" not in html
