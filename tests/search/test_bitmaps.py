"""The in-memory bitmaps behind filters, counts and sort orders."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compendium.catalog.models import Entry, Workflow
from compendium.catalog.services import entry_transition
from compendium.search.bitmaps import bitmap_of, current_bitmaps, ids_in


@given(st.lists(st.integers(min_value=0, max_value=5000)))
def test_ids_survive_the_round_trip_through_a_bitmap(ids):
    assert ids_in(bitmap_of(ids, 5001)) == sorted(set(ids))


@given(st.lists(st.integers(min_value=-3, max_value=80), min_size=10, max_size=300))
def test_many_ids_take_the_fast_way_to_the_same_bitmap(ids):
    # Dense lists (more than one id in 16 of the index) are set in C; the result is the same.
    assert ids_in(bitmap_of(ids, 64)) == sorted({i for i in ids if 0 <= i < 64})


def test_ids_beyond_the_index_are_left_out():
    assert ids_in(bitmap_of([3, 99, -1], 10)) == [3]


@pytest.mark.django_db
def test_bitmaps_follow_every_change_to_the_index():
    before = current_bitmaps()
    entry = Entry.objects.filter(is_sample=True).first()
    assert entry.pk in ids_in(before.public)
    entry_transition(entry=entry, to=Workflow.WITHDRAWN, actor=None, actor_label="tests")
    after = current_bitmaps()
    assert after.generation != before.generation
    assert entry.pk not in ids_in(after.public)
    assert all(entry.pk not in ids_in(bits) for bits in after.keys.values())
