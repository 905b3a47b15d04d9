"""Writing many entries at once: the same rows as one by one, all or nothing."""

from __future__ import annotations

import dataclasses

import pytest

from compendium.audit.models import AuditEvent
from compendium.audit.selectors import audit_events_for
from compendium.catalog.models import Entry, EntryTransition, EntryVersion, Verification, Workflow
from compendium.catalog.services import (
    EntryInvalid,
    LinkData,
    SourceData,
    entry_create,
    entry_create_many,
    entry_snapshot,
)
from compendium.search.models import EntryDocument, EntryFacet
from compendium.search.params import SearchParams
from compendium.search.selectors import search_entries
from tests.factories import EntryDataFactory

pytestmark = pytest.mark.django_db

SOURCE = SourceData(kind="partner_dataset", title="Partner file, row 7", organization="itc")


def create_many(items, **kwargs) -> list[Entry]:
    options = {
        "actor": None,
        "actor_label": "tests",
        "workflow": Workflow.PUBLISHED,
        "verification": Verification.PARTNER_REPORTED,
        **kwargs,
    }
    before = set(Entry.objects.values_list("pk", flat=True))
    entry_create_many(items=items, **options)
    return list(Entry.objects.exclude(pk__in=before).order_by("pk"))


def rich_data(**fields):
    return EntryDataFactory(
        title="Cross-border e-commerce bootcamp for women traders",
        description="Training, mentoring and mobile money for women traders at the border.",
        economies=("KEN", "UGA"),
        organizations=("itc",),
        contributor="itc",
        contributor_type="international_organization",
        target_groups=("women_traders", "women_entrepreneurs"),
        title_fr="Camp d'entraînement au commerce électronique pour les commerçantes",
        links=(LinkData(url="https://example.org/bootcamp", label=""),),
        budget_amount=1000,
        budget_currency="usd",
        **fields,
    )


def test_every_entry_gets_version_transition_audit_and_index_document():
    items = [EntryDataFactory() for _ in range(3)]

    entries = create_many(items, sources_for=lambda i, item: [SOURCE])

    assert len(entries) == 3
    ids = [e.pk for e in entries]
    for entry in entries:
        assert entry.versions.get().number == 1
        assert entry.transitions.get().to_state == Workflow.PUBLISHED
        assert audit_events_for(target=entry).get().action == "entry.create"
        assert entry.sources.get().organization.slug == "itc"
        assert entry.published_at is not None
    assert EntryDocument.objects.filter(entry_id__in=ids, is_public=True).count() == 3
    assert EntryFacet.objects.filter(entry_id__in=ids, key="economy:CAN").count() == 3
    found = search_entries(
        params=SearchParams(q="digital trade programme exporters", page_size=100)
    )
    assert {e.slug for e in entries} <= {e.slug for e in found.entries}


def test_a_bad_item_writes_nothing_and_names_the_item():
    counts = (Entry.objects.count(), AuditEvent.objects.count(), EntryVersion.objects.count())
    items = [
        EntryDataFactory(),
        EntryDataFactory(policy_areas=("ecommerce", "no_such_area")),
        EntryDataFactory(start_year=2020, end_year=2010),
    ]

    with pytest.raises(EntryInvalid) as raised:
        create_many(items, sources_for=lambda i, item: [SourceData(kind="rumour", title="x")])

    problems = raised.value.message_dict
    assert "no_such_area" in " ".join(problems["1.policy_areas"])
    assert "end year" in " ".join(problems["2.__all__"])
    assert "0.sources.0.kind" in problems
    assert "0.title" not in problems
    after = (Entry.objects.count(), AuditEvent.objects.count(), EntryVersion.objects.count())
    assert after == counts


def test_writes_what_entry_create_writes():
    data = rich_data()
    one = entry_create(
        actor=None,
        actor_label="tests",
        data=data,
        slug="one-by-one",
        workflow=Workflow.PUBLISHED,
        verification=Verification.PARTNER_REPORTED,
        sources=[SOURCE],
        note="Imported",
    )
    (bulk,) = create_many(
        [data], slugs=["in-bulk"], sources_for=lambda i, d: [SOURCE], note="Imported"
    )

    def without_slug(snapshot: dict) -> dict:
        return {k: v for k, v in snapshot.items() if k != "slug"}

    one.refresh_from_db()
    assert without_slug(entry_snapshot(bulk)) == without_slug(entry_snapshot(one))
    assert without_slug(bulk.versions.get().data) == without_slug(one.versions.get().data)
    one_event, bulk_event = audit_events_for(target=one).get(), audit_events_for(target=bulk).get()
    fields = ("actor_label", "action", "target_type", "target_label", "changes", "note")
    assert [getattr(bulk_event, f) for f in fields] == [getattr(one_event, f) for f in fields]
    transition = ("from_state", "to_state", "actor_label", "note")
    assert EntryTransition.objects.filter(entry=bulk).values(*transition).get() == (
        EntryTransition.objects.filter(entry=one).values(*transition).get()
    )
    assert set(EntryFacet.objects.filter(entry=bulk).values_list("key", flat=True)) == set(
        EntryFacet.objects.filter(entry=one).values_list("key", flat=True)
    )


def test_slugs_from_titles_never_collide():
    existing = entry_create(actor=None, data=EntryDataFactory(title="Women online"))
    items = [EntryDataFactory(title="Women online"), EntryDataFactory(title="Women online")]

    entries = create_many(items)

    assert existing.slug == "women-online"
    assert [e.slug for e in entries] == ["women-online-2", "women-online-3"]


def test_given_slugs_must_be_new():
    entry_create(actor=None, data=EntryDataFactory(), slug="taken")
    items = [EntryDataFactory(), EntryDataFactory()]

    with pytest.raises(EntryInvalid) as raised:
        create_many(items, slugs=["taken", "fresh"])

    assert list(raised.value.message_dict) == ["0.slug"]


def test_synthetic_flag_and_workflow_are_kept():
    item = dataclasses.replace(EntryDataFactory(), title="A draft")

    (entry,) = create_many([item], workflow=Workflow.DRAFT, is_synthetic=True)

    assert (entry.is_synthetic, entry.workflow, entry.published_at) == (True, "draft", None)
    assert not EntryDocument.objects.get(entry=entry).is_public
