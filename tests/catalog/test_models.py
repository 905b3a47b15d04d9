"""Constraints the database itself enforces, whatever code writes."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from compendium.catalog.models import Economy, Entry, Organization
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def test_end_year_cannot_precede_start_year():
    entry = make_entry()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(start_year=2020, end_year=2010)


def test_entry_has_at_most_one_contributor():
    entry = make_entry()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(
            contributor_organization=Organization.objects.get(slug="itc")
        )


def test_slugs_and_codes_are_unique():
    entry = make_entry()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=make_entry().pk).update(slug=entry.slug)
    with pytest.raises(IntegrityError), transaction.atomic():
        Economy.objects.filter(code="KEN").update(code="CAN")


def test_economy_cannot_be_part_of_itself():
    with pytest.raises(IntegrityError), transaction.atomic():
        Economy.objects.filter(code="FRA").update(part_of=Economy.objects.get(code="FRA"))


def test_names_follow_the_active_language():
    from django.utils import translation

    economy = Economy.objects.get(code="EU")
    with translation.override("fr"):
        assert economy.name == "Union européenne"
    with translation.override("es"):
        assert economy.name == "Unión Europea"
    assert economy.name == "European Union"
