"""The search contract: what every backend must do. The suite runs on SQLite and, in CI, again on
PostgreSQL (`DATABASE_URL`), so both backends pass these same tests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict

from compendium.catalog.models import Economy, Entry, Workflow
from compendium.catalog.services import entry_transition, entry_update
from compendium.catalog.services.reference import economy_upsert
from compendium.search.params import SearchParams, params_from_query
from compendium.search.selectors import search_entries, search_entry_ids
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def search(qs: str = "", **kwargs):
    params, _problems = params_from_query(QueryDict(qs))
    return search_entries(params=params, **kwargs)


def slugs(qs: str) -> set[str]:
    return {e.slug for e in search(qs).entries}


@pytest.fixture
def sample_hidden():
    """Only the entries a test makes are public, so results are exact."""
    Entry.objects.filter(is_sample=True).update(workflow=Workflow.DRAFT)
    from compendium.search.indexing import search_index_update

    search_index_update(entry_ids=Entry.objects.values_list("pk", flat=True))


def test_backend_matches_the_connection():
    from compendium.search.backends import get_backend

    assert get_backend().vendor == connection.vendor


def test_accents_and_case_do_not_matter(sample_hidden):
    make_entry(slug="tr", title="Digital literacy in Türkiye")
    assert slugs("q=turkiye") == {"tr"}
    assert slugs("q=TÜRKIYE") == {"tr"}


def test_word_forms_match(sample_hidden):
    make_entry(slug="m", title="Mentoring circles for exporters", policy_areas=("export_support",))
    assert "m" in slugs("q=mentor")
    make_entry(slug="x", title="Programa para exportadoras", policy_areas=("export_support",))
    assert "x" in slugs("q=exportadora")


def test_ecommerce_spellings_find_each_other(sample_hidden):
    make_entry(slug="a", title="Women in e-commerce", policy_areas=("export_support",))
    make_entry(slug="b", title="Ecommerce academy", policy_areas=("export_support",))
    make_entry(slug="c", title="Electronic commerce law", policy_areas=("export_support",))
    make_entry(
        slug="d", title="Comercio electrónico para mujeres", policy_areas=("export_support",)
    )
    for text in ("e-commerce", "ecommerce", "electronic+commerce", "comercio+electronico"):
        assert slugs(f"q={text}") == {"a", "b", "c", "d"}, text


def test_phrases_exclusions_and_or(sample_hidden):
    make_entry(slug="p", title="Trade finance for women", policy_areas=("export_support",))
    make_entry(slug="q", title="Women finance trade fair", policy_areas=("export_support",))
    make_entry(slug="r", title="Cyber hygiene for exporters", policy_areas=("export_support",))
    assert slugs('q="trade+finance"') == {"p"}
    assert slugs("q=trade+-fair") == {"p"}
    assert slugs("q=hygiene+OR+fair") == {"q", "r"}


def test_titles_rank_above_descriptions(sample_hidden):
    make_entry(
        slug="body",
        title="A programme",
        description="About blockchain for exporters.",
        policy_areas=("export_support",),
    )
    make_entry(
        slug="head", title="Blockchain for women exporters", policy_areas=("export_support",)
    )
    assert [e.slug for e in search("q=blockchain").entries] == ["head", "body"]


def test_hostile_queries_give_results_not_errors(sample_hidden):
    make_entry(slug="h", title="Plain entry", policy_areas=("export_support",))
    for text in [
        '"',
        "'",
        "a\x00b",
        "NEAR(",
        "title:x",
        "*",
        "-",
        "OR",
        "AND OR NOT",
        '"unclosed phrase',
        "x" * 10000,
        "(((",
        "\\",
        "%",
        "_",
        "😀",
        "ـ",
    ]:
        assert search_entries(params=SearchParams(q=text)).total >= 0


def test_highlights_mark_matched_words_and_fields(sample_hidden):
    make_entry(
        slug="hl",
        title="Digital <b>skills</b> for women",
        description="Courses in digital marketing for rural women.",
        policy_areas=("digital_skills_education",),
    )
    result = search("q=marketing")
    highlight = result.highlights[result.entries[0].pk]
    assert "<mark>marketing</mark>" in highlight.snippet
    assert "description" in highlight.matched
    title = search("q=skills").highlights[Entry.objects.get(slug="hl").pk].title
    assert "&lt;b&gt;" in title
    assert "<mark>skills</mark>" in title


def test_matched_fields_name_the_field_not_its_neighbours(sample_hidden):
    make_entry(
        slug="area",
        title="Grants",
        description="Small grants.",
        policy_areas=("cybersecurity",),
        economies=("KEN",),
    )
    result = search("q=cybersecurity")
    assert result.highlights[result.entries[0].pk].matched == ["areas"]
    result = search("q=kenya")
    assert result.highlights[result.entries[0].pk].matched == ["places"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite has two ways to highlight")
def test_highlights_are_the_same_from_the_index_or_from_the_page_apart(sample_hidden, monkeypatch):
    from compendium.search.backends import sqlite

    make_entry(slug="h1", title="Mobile money for women traders", description="Mobile wallets.")
    make_entry(slug="h2", title="Export fund", description="Grants paid by mobile money.")
    direct = search("q=mobile").highlights
    monkeypatch.setattr(sqlite, "DIRECT_HIGHLIGHTS", 0)  # as if the words matched very many
    apart = search("q=mobile").highlights
    assert apart == direct
    assert len(direct) == 2
    assert all("<mark>" in h.title + h.snippet for h in direct.values())


def test_only_published_entries_are_found(sample_hidden):
    entry = make_entry(
        slug="draft",
        title="Unpublished initiative",
        workflow=Workflow.DRAFT,
        policy_areas=("export_support",),
    )
    assert slugs("q=unpublished") == set()
    for state in (Workflow.SUBMITTED, Workflow.IN_REVIEW, Workflow.APPROVED, Workflow.PUBLISHED):
        entry = entry_transition(entry=entry, actor=None, to=state)
    assert slugs("q=unpublished") == {"draft"}
    entry_transition(entry=entry, actor=None, to=Workflow.WITHDRAWN)
    assert slugs("q=unpublished") == set()


def test_every_write_path_keeps_the_index_in_step(sample_hidden):
    entry = make_entry(slug="w", title="Original title", policy_areas=("export_support",))
    entry_update(entry=entry, actor=None, changes={"title": "Renamed programme"})
    assert slugs("q=renamed") == {"w"}
    assert slugs("q=original") == set()
    entry_update(
        entry=Entry.objects.get(slug="w"), actor=None, changes={"policy_areas": ("cybersecurity",)}
    )
    assert slugs("area=cybersecurity") == {"w"}
    assert slugs("area=export_support") == set()
    # A renamed economy is found under its new name.
    canada = Economy.objects.get(code="CAN")
    economy_upsert(
        code="CAN",
        values={"name_en": "Canada (renamed)"},
        working_groups=list(canada.working_groups.all()),
    )
    assert slugs("q=renamed") == {"w"}


def test_facets_count_within_results_and_values_of_one_facet_are_alternatives(sample_hidden):
    make_entry(slug="k1", economies=("KEN",), policy_areas=("ecommerce",))
    make_entry(slug="k2", economies=("KEN",), policy_areas=("e_payments",))
    make_entry(slug="c1", economies=("CHL",), policy_areas=("ecommerce",))
    result = search("economy=KEN")
    assert result.total == 2
    facets = {f.name: {v.value: v.count for v in f.values} for f in result.facets}
    assert facets["area"] == {"ecommerce": 1, "e_payments": 1}
    # Other economies keep their counts: choosing one adds to the results.
    assert facets["economy"] == {"KEN": 2, "CHL": 1}
    assert slugs("economy=KEN&economy=CHL") == {"k1", "k2", "c1"}
    assert slugs("economy=KEN&area=ecommerce") == {"k1"}
    region = {v.value: v.count for f in result.facets if f.name == "region" for v in f.values}
    assert region == {"africa": 2}


def test_counts_when_most_entries_match(sample_hidden):
    for i in range(6):
        make_entry(
            slug=f"n{i}",
            title=f"Women exporters {i}",
            economies=("KEN",),
            policy_areas=("ecommerce",) if i % 2 else ("export_support",),
        )
    make_entry(
        slug="other", title="Something else", economies=("CHL",), policy_areas=("cybersecurity",)
    )
    result = search("q=exporters")  # 6 of 7
    counts = {f.name: {v.value: v.count for v in f.values} for f in result.facets}
    assert counts["economy"] == {"KEN": 6}
    assert counts["area"] == {"ecommerce": 3, "export_support": 3}


def test_sorts_pagination_and_years(sample_hidden):
    for i, (title, year) in enumerate([("Beta", 2019), ("Alpha", 2021), ("Gamma", 2023)]):
        make_entry(slug=f"s{i}", title=title, start_year=year, policy_areas=("ecommerce",))
    assert [e.title for e in search("sort=title").entries] == ["Alpha", "Beta", "Gamma"]
    assert search("sort=newest").entries[0].title == "Gamma"
    assert slugs("year_from=2020&year_to=2022") == {"s1"}
    paged = search("sort=title&page_size=2&page=2")
    assert (paged.total, paged.pages, [e.title for e in paged.entries]) == (3, 2, ["Gamma"])
    assert search("page=999999").page == 1
    assert len(search_entry_ids(params=params_from_query(QueryDict("sort=title"))[0])) == 3


def test_words_in_most_entries_rank_title_matches_first_newest_first(sample_hidden, monkeypatch):
    from compendium.search import selectors

    make_entry(slug="old-title", title="Exporters network", start_year=2015)
    make_entry(slug="in-text", title="Trade fund", description="For small exporters.")
    make_entry(slug="new-title", title="Exporters academy", start_year=2023)
    make_entry(
        slug="none",
        title="Customs reform",
        description="One window.",
        policy_areas=("cybersecurity",),
    )
    monkeypatch.setattr(selectors, "RANK_LIMIT", 1)  # as if the word matched a huge catalog
    expected = ["new-title", "old-title", "in-text"]
    assert [e.slug for e in search("q=exporters").entries] == expected
    assert [e.slug for e in search("q=exporters&page_size=1&page=3").entries] == ["in-text"]
    ids = search_entry_ids(params=params_from_query(QueryDict("q=exporters"))[0])
    assert [Entry.objects.get(pk=i).slug for i in ids] == expected


def test_filtered_relevance_ranks_titles_above_descriptions(sample_hidden):
    for i, (title, description) in enumerate(
        [("Export help", "women women women"), ("Women exporters", "help"), ("Women", "x")]
    ):
        make_entry(slug=f"r{i}", title=title, description=description, economies=("KEN",))
    make_entry(slug="elsewhere", title="Women exporters", economies=("CHL",))
    ranked = [e.slug for e in search("q=women&economy=KEN").entries]
    assert set(ranked) == {"r0", "r1", "r2"}
    assert ranked[-1] == "r0"  # the title weighs more than a description full of the word


def test_broad_words_put_title_matches_first_whatever_the_filters_leave(sample_hidden, monkeypatch):
    from compendium.search import selectors

    make_entry(
        slug="desc", title="Help desk", description="For women, by women.", economies=("KEN",)
    )
    make_entry(slug="short", title="Women", economies=("KEN",))
    make_entry(slug="long", title="Women traders network programme", economies=("KEN",))
    for i in range(5):
        make_entry(slug=f"other{i}", title=f"Women fund {i}", economies=("CHL",))
    # 8 of the 8 public entries hold the word; the filter leaves 3, few enough to rank.
    monkeypatch.setattr(selectors, "RANK_LIMIT", 3)
    assert [e.slug for e in search("q=women&economy=KEN").entries] == ["long", "short", "desc"]
    monkeypatch.setattr(selectors, "BROAD_SHARE", 1.0)  # no longer broad: scored by the engine
    scored = [e.slug for e in search("q=women&economy=KEN").entries]
    assert set(scored) == {"long", "short", "desc"}
    assert scored[-1] == "desc"


def test_title_first_pages_are_the_same_found_among_the_newest_or_in_every_title(
    sample_hidden, monkeypatch
):
    from compendium.search import selectors

    for i in range(9):
        in_title = i % 3 != 0
        make_entry(
            slug=f"t{i}",
            title=f"Exporters {i}" if in_title else f"Programme {i}",
            description="" if in_title else "For exporters.",
        )
    monkeypatch.setattr(selectors, "RANK_LIMIT", 1)
    pages = {}
    for window in (8, 400, 0):  # a window too small, one holding every match, none at all
        monkeypatch.setattr(selectors, "TITLE_WINDOW", window)
        pages[window] = [
            [e.slug for e in search(f"q=exporters&page_size=2&page={page}").entries]
            for page in range(1, 6)
        ]
    assert pages[8] == pages[400] == pages[0]
    assert pages[0][0] == ["t8", "t7"]
    assert pages[0][3] == ["t6", "t3"]


def test_pages_are_the_same_found_by_sorting_or_by_walking_the_order(sample_hidden, monkeypatch):
    from compendium.search import bitmaps

    for i in range(7):
        make_entry(slug=f"w{i}", title=f"Programme {chr(ord('A') + i)}", start_year=2010 + i)
    pages = {}
    for sparse in (0, 1):  # always walk the sort order / always sort the matching ids
        monkeypatch.setattr(bitmaps, "SPARSE", sparse)
        pages[sparse] = [
            [e.slug for e in search(f"sort={sort}&page_size=3&page={page}").entries]
            for sort in ("title", "newest", "economy")
            for page in (1, 2, 3)
        ]
    assert pages[0] == pages[1]
    assert pages[0][:3] == [["w0", "w1", "w2"], ["w3", "w4", "w5"], ["w6"]]


def test_unknown_values_are_explained_not_fatal():
    params, problems = params_from_query(QueryDict("economy=XXX&area=nope&sort=up&year_from=12"))
    assert params.filters == {}
    assert len(problems) == 4
    assert search_entries(params=params).total == 60
