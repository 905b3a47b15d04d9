"""/feeds/entries.atom: valid Atom for any filtered view, listing what the search lists."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from defusedxml.ElementTree import fromstring
from django.http import QueryDict

from compendium.catalog.models import Entry
from compendium.search.params import params_from_query
from compendium.search.selectors import search_entry_ids
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, query: str = "", prefix: str = "") -> ET.Element:
    response = client.get(f"{prefix}/feeds/entries.atom" + (f"?{query}" if query else ""))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return fromstring(response.content)  # xml.etree, guarded against XML bombs


def entry_slugs(root: ET.Element) -> list[str]:
    return [
        e.find(f"{ATOM}link").get("href").rstrip("/").rsplit("/", 1)[-1]
        for e in root.findall(f"{ATOM}entry")
    ]


def newest_slugs(query: str, size: int = 50) -> list[str]:
    params, _ = params_from_query(QueryDict(query))
    ids = search_entry_ids(params=replace(params, sort="newest"))[:size]
    slugs = dict(Entry.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return [slugs[i] for i in ids]


def test_feed_is_valid_atom(client):
    root = feed(client)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}").text
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == "http://127.0.0.1:8000/feeds/entries.atom"
    assert links["alternate"].startswith("http://127.0.0.1:8000/search/")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 50  # the 50 newest of 60
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text, required
        assert entry.find(f"{ATOM}link").get("href").startswith("http://127.0.0.1:8000/entries/")
        assert entry.find(f"{ATOM}published").text
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        assert entry.find(f"{ATOM}summary") is not None
        assert entry.findall(f"{ATOM}category")


def test_feed_lists_the_newest_entries_of_the_search(client):
    query = "q=women&contributor_type=member"
    root = feed(client, query)
    assert entry_slugs(root) == newest_slugs(query)
    assert 0 < len(entry_slugs(root)) < 50


def test_feed_title_self_link_and_id_reflect_the_filters(client):
    root = feed(client, "economy=KEN&area=ecommerce&colour=blue&page=3")
    title = root.find(f"{ATOM}title").text
    assert "E-commerce and digital trade" in title
    assert "Kenya" in title
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == "http://127.0.0.1:8000/feeds/entries.atom?area=ecommerce&economy=KEN"
    assert links["alternate"] == "http://127.0.0.1:8000/search/?area=ecommerce&economy=KEN"
    assert root.find(f"{ATOM}id").text == links["self"]
    assert entry_slugs(root) == newest_slugs("area=ecommerce&economy=KEN")


def test_feed_entry_carries_title_summary_categories_and_contributor(client):
    make_entry(
        slug="newest-one",
        title="Brand new <b>mentoring</b> network",
        description="Mentoring & networks for women traders.",
        policy_areas=("entrepreneurship_support",),
        economies=("KEN",),
    )
    root = feed(client, "economy=KEN")
    first = root.find(f"{ATOM}entry")
    assert first.find(f"{ATOM}title").text == "Brand new <b>mentoring</b> network"
    # Summary is typed html: the plain text arrives escaped, so readers show it as written.
    summary = first.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "Mentoring &amp; networks for women traders."
    assert [c.get("term") for c in first.findall(f"{ATOM}category")] == [
        "Entrepreneurship, mentoring and networks"
    ]
    assert first.find(f"{ATOM}author/{ATOM}name").text == "Kenya"
    assert first.find(f"{ATOM}id").text == "http://127.0.0.1:8000/entries/newest-one/"


def test_sample_entries_say_so_in_their_summary(client):
    root = feed(client)
    summary = root.find(f"{ATOM}entry/{ATOM}summary").text
    assert "illustrative sample" in summary


def test_feed_in_french(client):
    root = feed(client, "area=ecommerce", prefix="/fr")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert "Commerce électronique" in root.find(f"{ATOM}title").text
    assert (
        root.find(f"{ATOM}entry/{ATOM}link")
        .get("href")
        .startswith("http://127.0.0.1:8000/fr/entries/")
    )


def test_empty_result_is_a_valid_empty_feed(client):
    root = feed(client, "q=zzzzqqqq")
    assert root.findall(f"{ATOM}entry") == []
    assert root.find(f"{ATOM}updated").text


@pytest.mark.parametrize(
    "query",
    ["q=%00%1f%3Cx%3E", "economy=NOPE&sort=up&year_from=x", "q=" + "%22" * 3000],
)
def test_hostile_parameters_still_give_a_valid_feed(client, query):
    root = feed(client, query)
    assert root.find(f"{ATOM}title").text
