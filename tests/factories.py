"""Test data: plain values built with factory_boy, rows written through the services."""

from __future__ import annotations

import factory

from compendium.catalog.models import Entry, Workflow
from compendium.catalog.services import EntryData, entry_create


class EntryDataFactory(factory.Factory):
    class Meta:
        model = EntryData

    title = factory.Sequence(lambda n: f"Digital trade programme for women exporters {n}")
    description = "Training and mentoring for women-led MSMEs selling online across borders."
    contributor_type = "member"
    instrument_type = "programme"
    policy_areas = ("ecommerce", "export_support")
    target_groups = ("women_led_msmes",)
    gender_focus = "women_specific"
    economies = ("CAN",)
    contributor = factory.LazyAttribute(lambda o: o.economies[0] if o.economies else "")
    start_year = 2021
    status = "active"


def make_entry(
    *, workflow: str = Workflow.PUBLISHED, actor=None, slug: str = "", **fields
) -> Entry:
    """An entry written through `entry_create`, published unless told otherwise."""
    return entry_create(
        actor=actor,
        actor_label="tests",
        data=EntryDataFactory(**fields),
        slug=slug,
        workflow=workflow,
    )
