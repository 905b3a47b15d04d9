"""The search page over HTTP (Django's client): facets, chips, order, pages, htmx partials, hostile
input, empty results, exports and feeds; and the entry page's citation, related entries and JSON.
The 60 published sample entries are loaded and indexed once per session."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

from compendium.catalog.models import Entry, Workflow
from compendium.catalog.selectors import entry_detail, related_entries
from compendium.search.params import params_from_query
from compendium.search.query import fold
from compendium.search.selectors import search_entries
from tests.factories import make_entry

pytestmark = pytest.mark.django_db
ANONYMOUS = AnonymousUser()


def html_of(response) -> str:
    return response.content.decode()


def text(response) -> str:
    page = re.sub(r"<(script|style|title)\b.*?</\1>", " ", html_of(response), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def result_slugs(response) -> list[str]:
    return re.findall(r'<h3 class="result__title"><a href="/entries/([^/]+)/"', html_of(response))


def hrefs(response, css_class: str) -> list[str]:
    return [
        unescape(h)
        for h in re.findall(rf'<a class="{css_class}" href="([^"]*)"', html_of(response))
    ]


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def total(qs: str) -> int:
    params, _ = params_from_query(QueryDict(qs))
    return search_entries(params=params, facets=False, highlight=False).total


def test_the_page_lists_published_entries_with_their_count_and_range(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "60 entries" in text(response)
    assert "1–20 of 60" in text(response)
    assert len(result_slugs(response)) == 20


def test_main_navigation_and_home_page_lead_to_the_search(client):
    home = html_of(client.get("/"))
    assert '<a href="/search/"' in home
    assert re.search(r'<form class="home-search" action="/search/" method="get"', home)
    assert 'name="q"' in home


def test_every_facet_is_offered_with_counts_within_the_results(client):
    page = html_of(client.get("/search/?q=women"))
    for name in ("area", "group", "economy", "region", "member_of", "instrument", "gender"):
        assert f'name="{name}"' in page
    for name in ("contributor_type", "organization", "status", "verification"):
        assert f'name="{name}"' in page
    assert 'name="year_from"' in page
    assert 'name="year_to"' in page


def test_a_facet_count_is_what_following_its_link_shows(client):
    response = client.get("/search/?q=women")
    match = re.search(
        r'name="instrument" value="programme">\s*<label[^>]*>[^<]*</label>\s*'
        r'<a class="facet-option__count" href="([^"]+)"[^>]*>(\d+)',
        html_of(response),
    )
    assert match
    url, count = unescape(match.group(1)), int(match.group(2))
    assert query_of(url) == [("q", "women"), ("instrument", "programme")]
    assert f"{count} entr" in text(client.get(url))
    assert count == total("q=women&instrument=programme")


def test_a_chosen_value_is_checked_and_its_link_removes_it(client):
    page = html_of(client.get("/search/?area=ecommerce"))
    assert re.search(r'name="area" value="ecommerce" checked>', page)
    removal = re.search(
        r'value="ecommerce" checked>\s*<label[^>]*>[^<]*</label>\s*'
        r'<a class="facet-option__count" href="([^"]+)"',
        page,
    )
    assert removal
    assert unescape(removal.group(1)) == "/search/"
    adding = re.search(
        r'value="access_to_finance">\s*<label[^>]*>[^<]*</label>\s*'
        r'<a class="facet-option__count" href="([^"]+)"',
        page,
    )
    assert adding
    assert query_of(unescape(adding.group(1))) == [
        ("area", "ecommerce"),
        ("area", "access_to_finance"),
    ]


def test_long_facets_show_the_top_values_and_the_rest_on_request(client):
    page = html_of(client.get("/search/"))
    economy = page[page.index('<legend class="facet-group__legend">Economy</legend>') :]
    economy = economy[: economy.index("</fieldset>")]
    shown, _, more = economy.partition('<details class="facet-more">')
    assert shown.count('type="checkbox"') == 8
    assert more.count('type="checkbox"') > 0
    assert re.search(r"Show all \d+", more)


def test_chosen_filters_show_as_removable_chips(client):
    response = client.get("/search/?q=mentoring&area=ecommerce&economy=KEN&year_from=2015")
    chips = hrefs(response, "search-chip")
    page_text = text(response)
    assert "Words: mentoring" in page_text
    assert "Policy area: E-commerce and digital trade" in page_text
    assert "Economy: Kenya" in page_text
    assert "Start year: from 2015" in page_text
    assert [query_of(url) for url in chips] == [
        [("area", "ecommerce"), ("economy", "KEN"), ("year_from", "2015")],
        [("q", "mentoring"), ("economy", "KEN"), ("year_from", "2015")],
        [("q", "mentoring"), ("area", "ecommerce"), ("year_from", "2015")],
        [("q", "mentoring"), ("area", "ecommerce"), ("economy", "KEN")],
    ]
    assert hrefs(response, "chosen-filters__clear") == ["/search/"]


def test_sorting_by_title_and_by_newest(client):
    order = result_slugs(client.get("/search/?sort=title&page_size=100"))
    titles = {e.slug: e.display_title for e in Entry.objects.filter(slug__in=order)}
    shown = [titles[s] for s in order]
    assert shown == sorted(shown, key=fold)

    newest = result_slugs(client.get("/search/?sort=newest&page_size=100"))
    dates = dict(Entry.objects.filter(slug__in=newest).values_list("slug", "published_at"))
    assert [dates[s] for s in newest] == sorted(dates.values(), reverse=True)


def test_the_sort_menu_shows_the_order_in_force(client):
    page = html_of(client.get("/search/?q=women&sort=newest"))
    assert '<option value="newest" selected>' in page
    page = html_of(client.get("/search/?q=women"))
    assert '<option value="" selected>Relevance</option>' in page
    # Without words the default order is by title, and relevance is not offered.
    page = html_of(client.get("/search/"))
    assert '<option value="" selected>Title (A–Z)</option>' in page
    assert 'value="relevance"' not in page


def test_pagination_keeps_every_parameter(client):
    response = client.get("/search/?gender=women_specific&sort=newest&page=2")
    page = html_of(response)
    assert 'aria-label="Pages of results"' in page
    links = [unescape(u) for u in re.findall(r'<a href="([^"]+)"[^>]*aria-label="Page', page)]
    assert links
    for url in links:
        assert ("gender", "women_specific") in query_of(url)
        assert ("sort", "newest") in query_of(url)
    assert re.search(r'href="[^"]*page=2" aria-current="page"', page)
    previous = re.search(r'<a href="([^"]+)" rel="prev"', page)
    assert previous
    assert query_of(unescape(previous.group(1))) == [
        ("gender", "women_specific"),
        ("sort", "newest"),
    ]
    assert "21–40 of" in text(response)


def test_a_page_beyond_the_end_shows_the_last_page(client):
    response = client.get("/search/?page=999999999")
    assert response.status_code == 200
    assert "41–60 of 60" in text(response)


def test_htmx_gets_the_part_that_changes_and_the_canonical_address(client):
    response = client.get(
        "/search/?q=women&area=ecommerce&year_from=&sort=&year_to=", HTTP_HX_REQUEST="true"
    )
    page = html_of(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert page.startswith("<title>“women” – Search")
    assert 'id="search-facets" hx-swap-oob="innerHTML"' in page
    assert 'id="search-status" hx-swap-oob="innerHTML"' in page
    assert response["HX-Push-Url"] == "/search/?q=women&area=ecommerce"
    # The language switcher is replaced too, pointing at the new search in each language.
    assert 'href="/fr/search/?q=women&amp;area=ecommerce"' in page
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client):
    response = client.get(
        "/search/?q=women", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in html_of(response)
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in client.get("/search/")["Vary"]


def test_links_followed_in_place_move_focus_to_the_results(client):
    boosted = html_of(client.get("/search/?page=2", HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true"))
    assert re.search(r'id="results-heading" tabindex="-1" autofocus', boosted)
    assert "autofocus" not in html_of(client.get("/search/?page=2"))


@pytest.mark.parametrize(
    "query",
    [
        'q="',
        'q=""""',
        "q=-",
        "q=OR",
        "q=a OR OR -b -",
        "q=NEAR(women trade)",
        "q=title:women*",
        "q=%00women%00",
        "q=" + "women%20" * 2000,
        "q=" + "x" * 10_000,
        "q=%F0%9F%98%80%E2%80%8F",
        "area=not-an-area&economy=ZZZ&economy=%00",
        "page=1000000000",
        "page=-3",
        "page=%D9%A2",
        "sort=drop%20table",
        "year_from=abc&year_to=99999",
        "year_from=2030&year_to=1990",
        "page_size=0",
        "page_size=100000",
        "q=women&q=trade&area=ecommerce&area=ecommerce",
    ],
)
def test_any_query_string_gives_a_normal_page(client, query):
    assert client.get(f"/search/?{query}").status_code == 200
    assert client.get(f"/search/?{query}", HTTP_HX_REQUEST="true").status_code == 200


def test_unusable_parameters_are_explained_on_the_page(client):
    response = client.get("/search/?area=not-an-area&sort=sideways&year_from=abc")
    assert response.status_code == 200
    page_text = text(response)
    assert "Part of this search could not be used" in page_text
    assert "“not-an-area” is unknown" in page_text
    assert "Unknown sort order “sideways”" in page_text
    assert "“abc” is not a year" in page_text
    assert "60 entries" in page_text


def test_very_long_words_are_cut_and_the_page_says_so(client):
    response = client.get("/search/?q=" + "women%20" * 100)
    assert "Only the first" in text(response)


def test_user_text_is_escaped_everywhere(client):
    attack = "<script>alert(1)</script>\"'><img src=x>"
    response = client.get("/search/", {"q": attack, "economy": attack})
    page = html_of(response)
    assert "<script>alert" not in page
    assert "<img src=x>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    partial = html_of(client.get("/search/", {"q": attack}, HTTP_HX_REQUEST="true"))
    assert "<script>alert" not in partial
    assert "<img src=x>" not in partial


def test_highlighted_titles_keep_the_stored_text_escaped(client):
    make_entry(slug="bold", title="<b>Zanzibarian</b> traders & <i>women</i>")
    page = html_of(client.get("/search/?q=zanzibarian"))
    assert "&lt;b&gt;<mark>Zanzibarian</mark>&lt;/b&gt; traders &amp; &lt;i&gt;" in page
    assert "<b>" not in page


def test_results_say_where_the_words_matched(client):
    make_entry(slug="quokka", title="Quokka export academy", description="Training.")
    response = client.get("/search/?q=quokka")
    assert result_slugs(response) == ["quokka"]
    assert "Matched on: title" in text(response)
    assert "<mark>Quokka</mark> export academy" in html_of(response)


def test_results_show_the_verification_badge_and_policy_areas(client):
    response = client.get("/search/?q=etrade")
    page = html_of(response)
    assert 'class="badge badge--small badge--secretariat_compiled"' in page
    assert "compiled this information from public sources" in page  # the explanation
    assert "E-commerce and digital trade" in text(response)


def _disjoint_economy_and_area() -> tuple[str, str]:
    """An economy and a policy area that both have entries, but none in common."""
    everything = search_entries(params=params_from_query(QueryDict(""))[0])
    facets = {f.name: f for f in everything.facets}
    for economy in facets["economy"].values:
        for area in facets["area"].values:
            if not total(f"economy={economy.value}&area={area.value}"):
                return economy.value, area.value
    raise AssertionError("the sample has no such pair")


def test_an_empty_result_suggests_what_to_relax_with_counts(client):
    economy, area = _disjoint_economy_and_area()
    response = client.get(f"/search/?q=women&economy={economy}&area={area}")
    page_text = text(response)
    assert "0 entries" in page_text
    assert "No published entry matches this search." in page_text
    links = [unescape(u) for u in re.findall(r'<li><a href="([^"]+)"', html_of(response))]
    suggestions = re.findall(r"without ([^:]+): [^()]+\((\d+) entr", page_text)
    # Without the words the economy and the area still exclude each other: not worth offering.
    assert {name for name, _ in suggestions} == {"Economy", "Policy area"}
    for name, count in suggestions:
        relaxed = {
            "Words": f"economy={economy}&area={area}",
            "Economy": f"q=women&area={area}",
            "Policy area": f"q=women&economy={economy}",
        }[name]
        assert int(count) == total(relaxed)
        assert any(sorted(query_of(u)) == sorted(parse_qsl(relaxed)) for u in links)
    assert "try fewer words" in page_text


def test_downloads_and_feed_carry_the_same_search(client):
    response = client.get("/search/?q=women&area=ecommerce&sort=newest&page=2")
    page = html_of(response)
    same = "q=women&amp;area=ecommerce&amp;sort=newest"
    for fmt in ("csv", "xlsx", "json"):
        assert f'href="/search/export.{fmt}?{same}"' in page
    assert f'href="/feeds/entries.atom?{same}"' in page
    assert re.search(
        rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
        rf'href="/feeds/entries.atom\?{same}">',
        page,
    )


def test_the_language_switcher_keeps_the_search(client):
    page = html_of(client.get("/search/?q=women&area=ecommerce"))
    assert 'href="/fr/search/?q=women&amp;area=ecommerce"' in page
    assert 'href="/es/search/?q=women&amp;area=ecommerce"' in page
    french = client.get("/fr/search/?q=women&area=ecommerce")
    assert french.status_code == 200
    assert "Commerce électronique et commerce numérique" in text(french)


def test_the_search_page_loads_htmx_from_this_site_only(client):
    page = html_of(client.get("/search/"))
    assert re.search(r'<script src="/static/public/vendor/htmx.min.js" defer></script>', page)
    assert "<script>" not in page
    assert " style=" not in page
    assert 'name="htmx-config" content=\'{"includeIndicatorStyles": false}\'' in page
    assert " hx-on" not in page


# --- the entry page ------------------------------------------------------------------------------


def test_the_entry_page_says_how_to_cite_it(client):
    entry = Entry.objects.get(slug="unctad-etrade-for-women")
    page_text = text(client.get("/entries/unctad-etrade-for-women/"))
    assert "How to cite" in page_text
    cite = re.search(r"How to cite (.+?) This entry as JSON", page_text)
    assert cite
    assert cite.group(1).startswith(f"{entry.contributor.name}. “eTrade for Women”. In: ")
    assert "Policy Insights (online database), WTO," in cite.group(1)
    assert cite.group(1).endswith(f"{settings.SITE_URL}/entries/unctad-etrade-for-women/")
    assert "Last updated" in page_text


def test_the_entry_page_links_its_json(client):
    page = html_of(client.get("/entries/unctad-etrade-for-women/"))
    assert '<a href="/api/v1/entries/unctad-etrade-for-women" type="application/json">' in page
    assert '<link rel="alternate" type="application/json" href="/api/v1/entries/' in page


def test_the_entry_page_lists_related_entries(client):
    response = client.get("/entries/unctad-etrade-for-women/")
    section = html_of(response).split('id="related"', 1)[1]
    slugs = re.findall(r'<a href="/entries/([^/]+)/"', section)
    entry = entry_detail(user=ANONYMOUS, slug="unctad-etrade-for-women")
    assert slugs == [e.slug for e in related_entries(entry=entry)]
    assert 0 < len(slugs) <= 5


def test_related_entries_share_the_most_with_the_entry_first(django_assert_max_num_queries):
    base = make_entry(
        slug="base",
        policy_areas=("cybersecurity", "e_payments"),
        target_groups=("rural_women",),
        economies=("PER",),
    )
    best = make_entry(
        slug="best",
        policy_areas=("cybersecurity", "e_payments"),
        target_groups=("rural_women",),
        economies=("PER",),
    )
    make_entry(
        slug="hidden",
        workflow=Workflow.DRAFT,
        policy_areas=("cybersecurity", "e_payments"),
        target_groups=("rural_women",),
        economies=("PER",),
    )
    unrelated = make_entry(
        slug="unrelated",
        policy_areas=("public_procurement",),
        target_groups=("indigenous_women",),
        economies=("ISL",),
    )
    entry = entry_detail(user=ANONYMOUS, slug=base.slug)
    with django_assert_max_num_queries(5):
        related = related_entries(entry=entry)
    slugs = [e.slug for e in related]
    assert slugs[0] == best.slug
    assert base.slug not in slugs
    assert "hidden" not in slugs
    assert unrelated.slug not in slugs
    assert len(slugs) <= 5
    assert len(related_entries(entry=entry, limit=2)) == 2


def test_every_related_entry_shares_something_with_the_entry():
    entry = entry_detail(user=ANONYMOUS, slug="unctad-etrade-for-women")
    mine = {
        *(f"area:{a.slug}" for a in entry.policy_areas.all()),
        *(f"group:{g.slug}" for g in entry.target_groups.all()),
        *(f"economy:{e.code}" for e in entry.economies.all()),
    }
    for other in related_entries(entry=entry):
        theirs = {
            *(f"area:{a.slug}" for a in other.policy_areas.all()),
            *(f"group:{g.slug}" for g in other.target_groups.all()),
            *(f"economy:{e.code}" for e in other.economies.all()),
        }
        assert mine & theirs
        assert other.workflow == Workflow.PUBLISHED
