"""The search's URL parameters: one canonical query string per state."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from compendium.search.facets import FACETS
from compendium.search.params import SORTS, SearchParams

VALUES = st.sampled_from(["a", "b", "KEN", "é & ü", "x=y"])


@st.composite
def params(draw) -> SearchParams:
    chosen = draw(st.lists(st.sampled_from([f.name for f in FACETS]), max_size=4, unique=True))
    return SearchParams(
        q=draw(st.sampled_from(["", "women", "e-commerce & co"])),
        filters={
            name: tuple(draw(st.lists(VALUES, min_size=1, max_size=3, unique=True)))
            for name in chosen
        },
        year_from=draw(st.none() | st.integers(2000, 2010)),
        year_to=draw(st.none() | st.integers(2011, 2030)),
        sort=draw(st.sampled_from(SORTS)),
        page=draw(st.integers(1, 5)),
    )


@given(params(), st.sampled_from([f.name for f in FACETS]), st.lists(VALUES, max_size=5))
def test_the_facets_links_are_built_together_as_one_by_one(params, facet, values):
    together = params.toggled_querystrings(facet, values)
    assert together == {v: params.toggled(facet, v).querystring() for v in values}
