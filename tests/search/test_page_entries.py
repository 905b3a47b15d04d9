"""A result page's entries: loaded in a fixed number of queries, showing what the catalog holds."""

from __future__ import annotations

import pytest

from compendium.catalog.models import Economy, Entry, PolicyArea
from compendium.catalog.services.reference import economy_upsert, term_upsert
from compendium.search.params import SearchParams
from compendium.search.selectors import search_entries

pytestmark = pytest.mark.django_db


def _shown(entry: Entry) -> tuple[list[str], list[str], str]:
    return (
        [e.name_en for e in entry.economies.all()],
        [a.label_en for a in entry.policy_areas.all()],
        entry.instrument_type.label_en,
    )


def test_each_entry_shows_its_economies_and_areas_as_the_catalog_has_them():
    result = search_entries(params=SearchParams(page_size=50))
    assert len(result.entries) > 10
    for entry in result.entries:
        fresh = Entry.objects.get(pk=entry.pk)
        assert _shown(entry) == _shown(fresh), entry.slug


def test_a_page_costs_the_same_few_queries_however_many_entries_it_shows(
    django_assert_max_num_queries,
):
    search_entries(params=SearchParams(page_size=5))
    with django_assert_max_num_queries(4):
        result = search_entries(params=SearchParams(page_size=50))
        for entry in result.entries:
            _shown(entry)


def test_a_renamed_economy_or_area_shows_its_new_name_on_the_next_search():
    entry = next(
        e
        for e in search_entries(params=SearchParams(page_size=50)).entries
        if e.economies.all() and e.policy_areas.all()
    )
    economy = entry.economies.all()[0]
    area = entry.policy_areas.all()[0]
    economy_upsert(
        code=economy.code,
        values={"name_en": "Renamed Economy"},
        working_groups=list(economy.working_groups.all()),
        actor_label="tests",
    )
    term_upsert(model=PolicyArea, slug=area.slug, values={"label_en": "Renamed area"})
    again = next(
        e for e in search_entries(params=SearchParams(page_size=50)).entries if e.pk == entry.pk
    )
    names, labels, _ = _shown(again)
    assert "Renamed Economy" in names
    assert "Renamed area" in labels
    assert Economy.objects.get(pk=economy.pk).name_en == "Renamed Economy"
