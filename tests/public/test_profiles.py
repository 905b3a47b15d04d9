"""Economy and organisation profiles (their charts and the economy's row of the coverage matrix),
and the index of organisations."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db.models import Q, QuerySet

from compendium.catalog.models import Entry, Organization, PolicyArea, TargetGroup, Workflow
from compendium.catalog.services import entry_set_verification
from tests.factories import make_entry
from tests.public.test_coverage import (
    assert_chart_matches_its_table,
    charts_of,
    html_of,
    matrix_rows,
    plain,
    query_of,
)

pytestmark = pytest.mark.django_db


def about(code: str) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(workflow=Workflow.PUBLISHED)
        .filter(Q(economies__code=code) | Q(contributor_economy__code=code))
        .distinct()
    )


def of_organization(slug: str) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(workflow=Workflow.PUBLISHED)
        .filter(Q(organizations__slug=slug) | Q(contributor_organization__slug=slug))
        .distinct()
    )


def counts(chart) -> dict[str, int]:
    return {row[0]: int(row[1]) for row in chart.rows}


def expected_by_term(entries: QuerySet[Entry], model, relation: str) -> dict[str, int]:
    found = {}
    for term in model.objects.all():
        n = entries.filter(**{relation: term}).count()
        if n:
            found[term.label_en] = n
    return found


# --- the economy profile -----------------------------------------------------------------------


def test_economy_profile_shows_its_row_of_the_coverage_matrix(client):
    html = html_of(client, "/economies/CHL/")
    row = matrix_rows(html)
    assert list(row) == ["CHL"]  # just its own row
    count, cells = row["CHL"]
    assert count == str(about("CHL").count())
    assert len(cells) == PolicyArea.objects.count() == 17
    assert [(c.state, c.href) for c in cells] == [
        (c.state, c.href) for c in matrix_rows(html_of(client))["CHL"][1]
    ]
    areas = list(PolicyArea.objects.order_by("position", "slug"))
    for area, cell in zip(areas, cells, strict=True):
        n = about("CHL").filter(policy_areas=area).count()
        assert cell.state == ("r" if n else "n")  # the sample is secretariat-compiled
        if n:
            assert query_of(cell.href) == ("/search/", {"area": [area.slug], "economy": ["CHL"]})
    assert 'href="/coverage/#e-CHL"' in html
    assert "Member of" in plain(html)
    assert "Informal Working Group on MSMEs" in plain(html)


def test_economy_profile_charts_by_policy_area_and_target_group(client):
    html = html_of(client, "/economies/CHL/")
    charts = charts_of(html)
    assert set(charts) == {"areas", "groups"}
    for chart in charts.values():
        assert_chart_matches_its_table(chart)
    assert counts(charts["areas"]) == expected_by_term(about("CHL"), PolicyArea, "policy_areas")
    assert counts(charts["groups"]) == expected_by_term(about("CHL"), TargetGroup, "target_groups")
    # Every count in the table opens the search on this economy and that area.
    area_links = [query_of(link) for link in charts["areas"].row_links]
    slugs = {a.label_en: a.slug for a in PolicyArea.objects.all()}
    assert area_links == [
        ("/search/", {"area": [slugs[row[0]]], "economy": ["CHL"]}) for row in charts["areas"].rows
    ]
    assert '<link rel="stylesheet" href="/static/public/charts.css">' in html


def test_economy_profile_counts_only_published_entries_and_shows_validation(client):
    before = charts_of(html_of(client, "/economies/CHL/"))
    make_entry(workflow=Workflow.DRAFT, economies=("CHL",), policy_areas=("cybersecurity",))
    assert charts_of(html_of(client, "/economies/CHL/")) == before

    entry = make_entry(economies=("CHL",), policy_areas=("cybersecurity",))
    entry_set_verification(entry=entry, actor=None, verification="member_validated")
    html = html_of(client, "/economies/CHL/")
    cyber = [a.slug for a in PolicyArea.objects.order_by("position", "slug")].index("cybersecurity")
    assert matrix_rows(html)["CHL"][1][cyber].state == "v"
    assert counts(charts_of(html)["areas"])["Cybersecurity, online safety and trust"] == 1


def test_economy_without_entries_shows_an_empty_row_and_no_chart(client):
    html = html_of(client, "/economies/NPL/")
    count, cells = matrix_rows(html)["NPL"]
    assert count == "0"
    assert {c.state for c in cells} == {"n"}
    assert charts_of(html) == {}
    assert "No published entry covers Nepal yet." in plain(html)


def test_economy_profile_in_french(client):
    html = html_of(client, "/fr/economies/CHL/")
    chart = charts_of(html)["areas"]
    assert_chart_matches_its_table(chart)
    labels = set(PolicyArea.objects.values_list("label_fr", flat=True))
    assert {row[0] for row in chart.rows} <= labels
    assert all(link.startswith("/fr/search/?") for link in chart.row_links)
    assert 'href="/fr/coverage/#e-CHL"' in html


def test_profiles_run_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for n in range(12):
        make_entry(
            title=f"Regional programme {n}",
            economies=("CHL", "PER", "COL"),
            policy_areas=("ecommerce", "e_payments", "cybersecurity"),
            target_groups=("women_traders", "rural_women"),
            organizations=("itc",),
        )
    with django_assert_max_num_queries(12):
        client.get("/economies/CHL/")
    with django_assert_max_num_queries(10):
        client.get("/organizations/itc/")
    with django_assert_max_num_queries(4):
        client.get("/organizations/")


# --- the organisation profile and index --------------------------------------------------------


def test_organization_profile_charts(client):
    make_entry(economies=("KEN", "NPL"), organizations=("itc",), policy_areas=("cybersecurity",))
    make_entry(
        workflow=Workflow.DRAFT,
        economies=("NPL",),
        organizations=("itc",),
        policy_areas=("e_payments",),
    )
    html = html_of(client, "/organizations/itc/")
    charts = charts_of(html)
    assert set(charts) == {"areas", "groups", "economies"}
    for chart in charts.values():
        assert_chart_matches_its_table(chart)
    entries = of_organization("itc")
    assert counts(charts["areas"]) == expected_by_term(entries, PolicyArea, "policy_areas")
    assert "E-payment systems and digital financial services" not in counts(charts["areas"])
    assert counts(charts["groups"]) == expected_by_term(entries, TargetGroup, "target_groups")
    by_economy = Counter(
        name for name in entries.values_list("economies__name_en", flat=True) if name
    )
    assert counts(charts["economies"]) == dict(by_economy)
    assert counts(charts["economies"])["Nepal"] == 1
    nepal = next(
        query_of(link)
        for row, link in zip(charts["economies"].rows, charts["economies"].row_links, strict=True)
        if row[0] == "Nepal"
    )
    assert nepal == ("/search/", {"economy": ["NPL"], "organization": ["itc"]})
    page = plain(html)
    assert "International organization" in page
    assert 'href="https://intracen.org"' in html


def test_organizations_index_lists_those_with_published_entries_by_kind(client):
    make_entry(workflow=Workflow.DRAFT, organizations=("oecd",))
    response = client.get("/organizations/")
    assert response.status_code == 200
    html = response.content.decode()
    kinds = re.findall(r'<h2 id="kind-([\w-]+)">', html)
    with_entries = [
        o for o in Organization.objects.select_related("kind") if of_organization(o.slug).exists()
    ]
    positions = {o.kind.slug: o.kind.position for o in with_entries}
    assert kinds == sorted(positions, key=positions.get)
    for organization in with_entries:
        match = re.search(
            rf'<a href="/organizations/{organization.slug}/">[^<]*</a>.*?'
            rf'<a href="/search/\?organization={organization.slug}">(\d+)</a>',
            html,
            re.S,
        )
        assert match, organization.slug
        assert int(match.group(1)) == of_organization(organization.slug).count()
    for slug in ("oecd", "eif", "gatf"):  # no published entry
        assert f'href="/organizations/{slug}/"' not in html
    assert '<a href="/organizations/" aria-current="page">' in html


def test_organization_breadcrumb_leads_to_the_index(client):
    html = html_of(client, "/organizations/itc/")
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert 'href="/organizations/"' in crumbs
