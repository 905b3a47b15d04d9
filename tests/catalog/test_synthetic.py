"""Synthetic entries for benchmarks: realistic, reproducible, and never mistaken for real ones."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from compendium.catalog.models import Entry, Workflow
from compendium.catalog.synthetic import SOURCE_TITLE, Generator, synthetic_generate

pytestmark = pytest.mark.django_db


def test_generated_entries_are_published_marked_and_sourced():
    made = synthetic_generate(count=30, seed=7, batch=12)

    entries = Entry.objects.filter(is_synthetic=True).order_by("pk")
    assert made == 30 == entries.count()
    assert {e.slug for e in entries} == {f"synthetic-{n}" for n in range(1, 31)}
    assert {e.workflow for e in entries} == {Workflow.PUBLISHED}
    assert {s.title for e in entries for s in e.sources.all()} == {SOURCE_TITLE}
    assert all(e.versions.count() == 1 for e in entries)


def test_generating_again_adds_entries_after_the_last_ones():
    synthetic_generate(count=3, seed=1)
    synthetic_generate(count=2, seed=1)

    slugs = set(Entry.objects.filter(is_synthetic=True).values_list("slug", flat=True))
    assert slugs == {f"synthetic-{n}" for n in range(1, 6)}


def test_the_same_seed_gives_the_same_entries():
    one, two = Generator(seed=3), Generator(seed=3)

    assert [one.entry(n) for n in range(1, 20)] == [two.entry(n) for n in range(1, 20)]
    assert one.entry(1) != Generator(seed=4).entry(1)


def test_text_and_categories_look_like_the_compendium():
    generator = Generator(seed=1)
    items = [generator.entry(n).data for n in range(1, 401)]

    words = [len(d.description.split()) for d in items]
    assert min(words) >= 35
    assert max(words) <= 70
    languages = Counter(d.language for d in items)
    assert languages["en"] > 250
    assert languages["fr"] > 20
    assert languages["es"] > 10
    english = [f"{d.title} {d.description} {d.description_en}".lower() for d in items]
    assert sum("women" in text for text in english) / len(items) > 0.9
    without_economy = sum(1 for d in items if not d.economies) / len(items)
    assert 0.15 < without_economy < 0.35
    areas = Counter(a for d in items for a in d.policy_areas)
    assert areas.most_common(1)[0][0] == "entrepreneurship_support"  # as in the sample
    assert len({e for d in items for e in d.economies}) > 100


def test_command_reports_progress(capsys):
    call_command("generate_synthetic", "5", "--seed", "2", "--batch", "2")

    out = capsys.readouterr().out
    assert "5/5 entries" in out
    assert "Generated 5 synthetic entries" in out
