"""“What's new”: published entries added or changed since a date, from the catalog's history, as a
page (paginated, newest first) and as an Atom feed."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from defusedxml.ElementTree import fromstring

from compendium.catalog.models import Entry, EntryVersion, Workflow
from compendium.catalog.services import entry_update

from .editions import entry

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def recent():
    """The sample's history moved to 2020; then one entry published, one published entry
    changed, and one unpublished entry changed."""
    EntryVersion.objects.update(created_at=LONG_AGO)
    Entry.objects.update(published_at=LONG_AGO)
    changed = Entry.objects.filter(workflow=Workflow.PUBLISHED).order_by("pk").first()
    entry_update(entry=changed, actor=None, actor_label="t", changes={"title": "Retitled zinnia"})
    hidden = entry("Hidden approved quince", workflow=Workflow.APPROVED, economies=("KEN",))
    entry_update(entry=hidden, actor=None, actor_label="t", changes={"title": "Hidden quince 2"})
    added = entry("Brand new yarrow programme", workflow=Workflow.PUBLISHED, economies=("KEN",))
    return added, changed


def test_default_is_the_last_30_days_paginated(client):
    response = client.get("/whats-new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "60 published entries added or changed since" in text(response)
    assert html.count('class="whats-new-item"') == 20
    assert 'rel="next"' in html
    second = client.get("/whats-new/?since=" + _since(html) + "&page=3")
    assert second.content.decode().count('class="whats-new-item"') == 20
    assert 'rel="next"' not in second.content.decode()


def _since(html: str) -> str:
    return re.search(r'name="since" value="([0-9-]+)"', html).group(1)


def test_lists_only_published_changes_since_the_date_newest_first(client, recent):
    page = text(client.get("/whats-new/", {"since": "2026-01-01"}))
    assert "2 published entries added or changed since 1 January 2026" in page
    assert page.index("Brand new yarrow programme") < page.index("Retitled zinnia")
    assert "New " in page
    assert "Updated " in page
    assert "quince" not in page


def test_an_older_date_reaches_further_back(client, recent):
    assert "61 published entries" in text(client.get("/whats-new/", {"since": "2019-12-31"}))
    assert "No published entry was added" in text(client.get("/whats-new/?since=2999-01-01"))


def test_an_unreadable_date_is_explained_and_the_default_used(client):
    response = client.get("/whats-new/", {"since": "<b>last week</b>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;b&gt;last week&lt;/b&gt;" in html
    assert "<b>last week</b>" not in html
    assert "is not a date written YYYY-MM-DD" in text(response)
    assert "60 published entries" in text(response)


def test_page_links_its_feed_in_french_too(client):
    html = client.get("/fr/whats-new/?since=2026-01-01").content.decode()
    assert 'href="/fr/feeds/whats-new.atom?since=2026-01-01"' in html
    assert 'type="application/atom+xml"' in html


def test_feed_lists_the_same_changes(client, recent):
    response = client.get("/feeds/whats-new.atom", {"since": "2026-01-01"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["New: Brand new yarrow programme", "Updated: Retitled zinnia"]
    assert "2026-01-01" in feed.findtext(f"{ATOM}title")
    ids = [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]
    assert len(set(ids)) == 2
    updated = feed.findall(f"{ATOM}entry")[0].findtext(f"{ATOM}updated")
    assert updated.startswith(str(datetime.now(tz=UTC).year))


def test_feed_defaults_to_30_days(client):
    feed = fromstring(client.get("/feeds/whats-new.atom").content)
    assert len(feed.findall(f"{ATOM}entry")) == 50
