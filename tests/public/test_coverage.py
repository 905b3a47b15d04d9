"""The coverage and statistics page: the Members × policy areas matrix and the totals' charts."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db.models import QuerySet

from compendium.catalog.models import (
    Economy,
    Entry,
    PolicyArea,
    Region,
    Verification,
    Workflow,
)
from compendium.catalog.services import entry_set_verification, entry_transition
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

# Economies without any sample entry, so a test decides what they have.
QUIET = ("NPL", "ISL", "NOR", "MNG")


def html_of(client, path: str = "/coverage/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def plain(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@dataclass(frozen=True)
class Cell:
    state: str  # "v" validated, "r" reported by others only, "n" none
    href: str
    text: str


def matrix_rows(html: str) -> dict[str, tuple[str, list[Cell]]]:
    """economy code → (the entry count cell's text, its 17 policy-area cells)."""
    rows = {}
    for code, body in re.findall(r'<tr id="e-(\w+)">(.*?)</tr>', html, flags=re.S):
        count, *cells = re.findall(r'<td class="([a-z ]+)">(.*?)</td>', body, flags=re.S)
        rows[code] = (
            plain(count[1]),
            [
                Cell(
                    css,
                    unescape(m.group(1)) if (m := re.search(r'href="([^"]*)"', td)) else "",
                    plain(td),
                )
                for css, td in cells
            ],
        )
    return rows


def area_index(slug: str) -> int:
    return list(
        PolicyArea.objects.order_by("position", "slug").values_list("slug", flat=True)
    ).index(slug)


def query_of(href: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(href)
    return parts.path, parse_qs(parts.query)


@dataclass(frozen=True)
class Chart:
    key: str
    svg: str
    bars: list[tuple[str, str]]  # (label, value text) as drawn
    rows: list[list[str]]  # the table's rows: label, count, [out of, share]
    row_links: list[str]


def charts_of(html: str) -> dict[str, Chart]:
    charts = {}
    for key, body in re.findall(
        r'<figure class="chart" id="chart-([\w-]+)">(.*?)</figure>', html, re.S
    ):
        svg = re.search(r"<svg\b.*?</svg>", body, re.S).group(0)
        bars = []
        for group in re.findall(r"<g>(.*?)</g>", svg, re.S):
            label = " ".join(re.findall(r'<text class="chart__label"[^>]*>([^<]*)</text>', group))
            value = re.search(r'<text class="chart__value"[^>]*>([^<]*)</text>', group).group(1)
            bars.append((unescape(label), unescape(value)))
        table = re.search(r"<table\b.*?</table>", body, re.S).group(0)
        tbody = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
        rows = [
            [plain(c) for c in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", tbody, re.S)
        ]
        links = [unescape(h) for h in re.findall(r'<a href="([^"]*)"', tbody)]
        charts[key] = Chart(key, svg, bars, rows, links)
    return charts


def assert_chart_matches_its_table(chart: Chart) -> None:
    """The SVG is an image with a name and description, and its table says the same."""
    assert 'role="img"' in chart.svg
    ids = re.search(r'aria-labelledby="([^"]+)"', chart.svg).group(1).split()
    for id_ in ids:
        assert f'id="{id_}"' in chart.svg
    assert chart.bars, chart.key
    assert [label for label, _ in chart.bars] == [row[0] for row in chart.rows]
    for (_, value), row in zip(chart.bars, chart.rows, strict=True):
        if len(row) == 4:  # a share: "12 of 45" drawn, count and total in the table
            assert value == f"{row[1]} of {row[2]}"
        else:
            assert value == row[1]


def published() -> QuerySet[Entry]:
    return Entry.objects.filter(workflow=Workflow.PUBLISHED)


# --- the matrix --------------------------------------------------------------------------------


def test_matrix_has_a_row_per_member_and_observer_and_a_column_per_policy_area(client):
    html = html_of(client)
    rows = matrix_rows(html)
    assert len(rows) == Economy.objects.count() == 188
    assert set(rows) == set(Economy.objects.values_list("code", flat=True))
    assert {len(cells) for _, cells in rows.values()} == {17}
    headers = re.findall(r'<th scope="col" class="mx-area" title="([^"]*)">', html)
    assert [unescape(h) for h in headers] == [
        a.label_en for a in PolicyArea.objects.order_by("position", "slug")
    ]
    assert "<caption" in html
    assert html.count('<th scope="row">') >= 188
    # Grouped by region, each with an anchor the page's region links point at.
    for region in Region.objects.all():
        if region.economies.exists():
            assert f'<tbody id="m-{region.slug}">' in html
            assert f'href="#m-{region.slug}"' in html
    # The key says what the symbols mean: colour is never the only signal.
    legend = plain(re.search(r'<dl class="mx-legend".*?</dl>', html, re.S).group(0))
    assert "● at least one entry submitted or validated by the Member" in legend
    assert "○ entries reported by others only" in legend
    assert "– no published entry" in legend


def test_a_cell_tells_member_confirmed_from_reported_by_others(client):
    assert not Entry.objects.filter(economies__code__in=QUIET).exists()
    validated = make_entry(economies=("NPL",), policy_areas=("cybersecurity",))
    entry_set_verification(entry=validated, actor=None, verification=Verification.MEMBER_VALIDATED)
    make_entry(economies=("NPL",), policy_areas=("cybersecurity",))  # secretariat-compiled
    make_entry(economies=("ISL",), policy_areas=("cybersecurity",))
    partner = make_entry(economies=("NOR",), policy_areas=("cybersecurity", "e_payments"))
    entry_set_verification(entry=partner, actor=None, verification=Verification.PARTNER_REPORTED)
    submitted = make_entry(economies=("MNG",), policy_areas=("e_payments",))
    entry_set_verification(
        entry=submitted, actor=None, verification=Verification.SUBMITTED_BY_MEMBER
    )

    rows = matrix_rows(html_of(client))
    cyber, payments = area_index("cybersecurity"), area_index("e_payments")
    assert rows["NPL"][1][cyber].state == "v"
    assert rows["NPL"][1][cyber].text == "● validated"
    assert rows["ISL"][1][cyber].state == "r"
    assert rows["ISL"][1][cyber].text == "○ reported by others only"
    assert rows["NOR"][1][cyber].state == rows["NOR"][1][payments].state == "r"
    assert rows["MNG"][1][payments].state == "v"
    assert rows["MNG"][1][cyber].state == "n"
    assert rows["MNG"][1][cyber].text == "– none"
    assert rows["MNG"][1][cyber].href == ""
    assert rows["NPL"][0] == "2"
    assert {c.state for c in rows["NPL"][1]} == {"v", "n"}


def test_cells_and_counts_link_to_the_search_with_their_filters(client):
    entry = make_entry(
        title="Cyber-safety for women traders in Nepal",
        economies=("NPL",),
        policy_areas=("cybersecurity",),
    )
    rows = matrix_rows(html_of(client))
    cell = rows["NPL"][1][area_index("cybersecurity")]
    assert query_of(cell.href) == ("/search/", {"economy": ["NPL"], "area": ["cybersecurity"]})
    count_link = re.search(
        r'<tr id="e-NPL"><th scope="row"><a href="/economies/NPL/">[^<]*</a></th>'
        r'<td class="c"><a href="([^"]*)">1</a>',
        html_of(client),
    )
    assert query_of(unescape(count_link.group(1))) == ("/search/", {"economy": ["NPL"]})
    # The link opens exactly the entries the cell stands for.
    found = client.get(cell.href)
    assert found.status_code == 200
    assert entry.title in found.content.decode()


def test_an_entry_covered_or_contributed_counts_for_the_economy(client):
    make_entry(economies=("ISL",), contributor="NOR", policy_areas=("public_procurement",))
    rows = matrix_rows(html_of(client))
    procurement = area_index("public_procurement")
    assert rows["ISL"][1][procurement].state == "r"
    assert rows["NOR"][1][procurement].state == "r"  # the search's economy facet does the same


def test_unpublished_entries_are_never_counted(client):
    before = html_of(client)
    for workflow in (Workflow.DRAFT, Workflow.SUBMITTED, Workflow.IN_REVIEW, Workflow.APPROVED):
        entry = make_entry(workflow=workflow, economies=("NPL",), policy_areas=("cybersecurity",))
        entry_set_verification(entry=entry, actor=None, verification=Verification.MEMBER_VALIDATED)
    withdrawn = make_entry(economies=("ISL",), policy_areas=("cybersecurity",))
    entry_transition(entry=withdrawn, actor=None, to=Workflow.WITHDRAWN)

    after = html_of(client)
    rows = matrix_rows(after)
    assert rows["NPL"][0] == rows["ISL"][0] == "0"
    assert {c.state for c in rows["NPL"][1] + rows["ISL"][1]} == {"n"}
    assert charts_of(after) == charts_of(before)
    assert "<dd>60</dd>" in after


def test_the_page_follows_every_catalog_change(client):
    cyber = area_index("cybersecurity")
    assert matrix_rows(html_of(client))["NPL"][1][cyber].state == "n"  # now cached
    entry = make_entry(economies=("NPL",), policy_areas=("cybersecurity",))
    assert matrix_rows(html_of(client))["NPL"][1][cyber].state == "r"
    entry_set_verification(entry=entry, actor=None, verification=Verification.MEMBER_VALIDATED)
    assert matrix_rows(html_of(client))["NPL"][1][cyber].state == "v"
    entry_transition(entry=entry, actor=None, to=Workflow.WITHDRAWN)
    assert matrix_rows(html_of(client))["NPL"][1][cyber].state == "n"


def test_matrix_footer_counts_economies_per_policy_area(client):
    html = html_of(client)
    footer = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S).group(1)
    covered, confirmed = re.findall(r"<tr>(.*?)</tr>", footer, re.S)
    rows = matrix_rows(html)
    expected = [sum(1 for _, cells in rows.values() if cells[i].state != "n") for i in range(17)]
    assert [int(n) for n in re.findall(r"<td>(\d+)</td>", covered)] == expected
    assert [int(n) for n in re.findall(r"<td>(\d+)</td>", confirmed)] == [0] * 17


# --- the totals --------------------------------------------------------------------------------


def test_every_chart_has_a_data_table_with_the_same_numbers(client):
    html = html_of(client)
    charts = charts_of(html)
    assert set(charts) == {
        "regions",
        "covered",
        "areas",
        "groups",
        "instruments",
        "contributors",
        "verification",
    }
    for chart in charts.values():
        assert_chart_matches_its_table(chart)
    assert html.count("Show the data as a table") == len(charts)


def test_totals_are_the_catalog_counts_of_published_entries(client):
    validated = make_entry(economies=("NPL",), instrument_type="law_or_regulation")
    entry_set_verification(entry=validated, actor=None, verification=Verification.MEMBER_VALIDATED)
    make_entry(workflow=Workflow.DRAFT, instrument_type="law_or_regulation")
    charts = charts_of(html_of(client))

    def counts(key: str) -> dict[str, int]:
        return {row[0]: int(row[1]) for row in charts[key].rows}

    instruments = Counter(published().values_list("instrument_type__label_en", flat=True))
    assert counts("instruments") == dict(instruments)
    assert list(counts("instruments").values()) == sorted(instruments.values(), reverse=True)
    contributors = Counter(published().values_list("contributor_type__label_en", flat=True))
    assert counts("contributors") == dict(contributors)
    assert counts("verification") == {
        str(label): published().filter(verification=value).count()
        for value, label in Verification.choices
    }
    assert counts("verification")["Validated by the Member"] == 1
    for area in PolicyArea.objects.all():
        n = published().filter(policy_areas=area).count()
        assert counts("areas").get(area.label_en, 0) == n
    # Economies with entries per region, out of the region's economies.
    covered = {row[0]: (int(row[1]), int(row[2])) for row in charts["covered"].rows}
    for region in Region.objects.all():
        economies = Economy.objects.filter(region=region)
        with_entries = (
            economies.filter(entries__in=published())
            | economies.filter(contributed_entries__in=published())
        ).distinct()
        assert covered[region.label_en] == (with_entries.count(), economies.count())
    # Each bar's table row links to the search filtered on it.
    assert any(
        query_of(link) == ("/search/", {"instrument": ["law_or_regulation"]})
        for link in charts["instruments"].row_links
    )
    regions = counts("regions")
    for region in Region.objects.all():
        about = published().filter(economies__region=region) | published().filter(
            contributor_economy__region=region
        )
        assert regions[region.label_en] == about.distinct().count()


def test_coverage_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    cache.clear()
    with django_assert_max_num_queries(20):
        client.get("/coverage/")
    with django_assert_max_num_queries(10):  # the counts come from the cache
        client.get("/coverage/")
    for n, code in enumerate(("NPL", "ISL", "NOR", "MNG", "KEN", "CHL") * 4):
        make_entry(
            economies=(code, "PER"),
            policy_areas=("cybersecurity", "e_payments"),
            target_groups=("women_traders", "rural_women"),
            title=f"Extra programme {n}",
        )
    with django_assert_max_num_queries(20):
        client.get("/coverage/")


def test_page_stays_light_and_loads_nothing_inline(client):
    response = client.get("/coverage/")
    html = response.content.decode()
    assert len(gzip.compress(response.content)) < 60_000
    assert ' style="' not in html
    assert "<style" not in html
    assert "<script" not in html
    assert '<link rel="stylesheet" href="/static/public/charts.css">' in html


def test_french_labels(client):
    html = html_of(client, "/fr/coverage/")
    assert '<html lang="fr"' in html
    for area in PolicyArea.objects.all():
        assert f'title="{area.label_fr}"'.replace("'", "&#x27;") in html
    chile = Economy.objects.get(code="CHL")
    assert f'<a href="/fr/economies/CHL/">{chile.name_fr}</a>' in html
    for region in Region.objects.filter(economies__isnull=False).distinct():
        assert region.label_fr.replace("'", "&#x27;") in html
    rows = matrix_rows(html)
    link = next(c.href for c in rows["CHL"][1] if c.href)
    assert link.startswith("/fr/search/?")
    charts = charts_of(html)
    assert_chart_matches_its_table(charts["areas"])
    assert {row[0] for row in charts["areas"].rows} <= set(
        PolicyArea.objects.values_list("label_fr", flat=True)
    )


def test_coverage_is_in_the_main_navigation_and_linked_from_home(client):
    html = html_of(client, "/")
    nav = re.search(r'<nav class="primary-nav".*?</nav>', html, re.S).group(0)
    assert 'href="/coverage/"' in nav
    assert 'href="/organizations/"' in nav
    main = html[html.index("<main") :]
    assert 'href="/coverage/"' in main
    coverage_nav = re.search(r'<nav class="primary-nav".*?</nav>', html_of(client), re.S).group(0)
    assert '<a href="/coverage/" aria-current="page">' in coverage_nav
