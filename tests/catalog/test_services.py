"""Every service write leaves a version and an audit record; bad data is refused whole."""

from __future__ import annotations

import pytest

from compendium.audit.models import AuditEvent
from compendium.audit.selectors import audit_events_for
from compendium.catalog.models import Entry, EntryTransition, SourceKind, Verification, Workflow
from compendium.catalog.services import (
    EntryInvalid,
    LinkData,
    SourceData,
    StaleEntry,
    TransitionNotAllowed,
    entry_set_verification,
    entry_transition,
    entry_update,
    source_add,
)
from tests.factories import EntryDataFactory, make_entry

pytestmark = pytest.mark.django_db


def test_create_records_version_transition_and_audit(secretariat_user):
    entry = make_entry(
        actor=secretariat_user,
        workflow=Workflow.DRAFT,
        links=(LinkData(url="https://example.org/p", label="Programme page"),),
    )

    assert entry.version == 1
    version = entry.versions.get()
    assert version.number == 1
    assert version.actor == secretariat_user
    assert version.data["title"] == entry.title
    assert version.data["economies"] == ["CAN"]
    assert version.data["links"][0]["url"] == "https://example.org/p"
    assert entry.transitions.get().to_state == Workflow.DRAFT
    event = audit_events_for(target=entry).get()
    assert (event.action, event.actor) == ("entry.create", secretariat_user)
    assert entry.policy_areas.count() == 2


def test_update_records_only_what_changed(secretariat_user):
    entry = make_entry(workflow=Workflow.DRAFT)
    entry = entry_update(
        entry=entry,
        actor=secretariat_user,
        note="Typo in the title",
        changes={"title": "Women exporters online", "policy_areas": ("ecommerce",)},
    )

    assert entry.version == 2
    assert entry.title == "Women exporters online"
    assert list(entry.policy_areas.values_list("slug", flat=True)) == ["ecommerce"]
    latest = entry.versions.first()
    assert latest.changed_fields == ["policy_areas", "title"]
    event = audit_events_for(target=entry).filter(action="entry.update").get()
    assert event.note == "Typo in the title"
    assert event.changes["policy_areas"] == [["ecommerce", "export_support"], ["ecommerce"]]


def test_update_without_change_writes_nothing(secretariat_user):
    entry = make_entry()
    before = AuditEvent.objects.count()
    same = entry_update(entry=entry, actor=secretariat_user, changes={"title": entry.title})
    assert same.version == 1
    assert AuditEvent.objects.count() == before


def test_stale_update_is_refused(secretariat_user):
    entry = make_entry()
    entry_update(
        entry=entry, actor=secretariat_user, changes={"title": "First edit"}, expected_version=1
    )
    with pytest.raises(StaleEntry, match="changed by someone else"):
        entry_update(
            entry=entry,
            actor=secretariat_user,
            changes={"title": "Second edit"},
            expected_version=1,
        )
    assert Entry.objects.get(pk=entry.pk).title == "First edit"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"policy_areas": ("no_such_area",)}, "policy_areas"),
        ({"economies": ("XXX",)}, "economies"),
        ({"contributor": "nobody"}, "contributor"),
        ({"instrument_type": "spaceship"}, "instrument_type"),
        ({"target_groups": ()}, "target_groups"),
        ({"start_year": 2020, "end_year": 2019}, "__all__"),
        ({"start_year": 1200}, "start_year"),
        ({"title": "   "}, "title"),
    ],
)
def test_invalid_data_is_refused_and_nothing_changes(secretariat_user, changes, field):
    entry = make_entry()
    before = (AuditEvent.objects.count(), entry.versions.count())
    with pytest.raises(EntryInvalid) as caught:
        entry_update(entry=entry, actor=secretariat_user, changes=changes)
    assert field in caught.value.message_dict
    entry.refresh_from_db()
    assert entry.version == 1
    assert (AuditEvent.objects.count(), entry.versions.count()) == before
    assert sorted(entry.policy_areas.values_list("slug", flat=True)) == [
        "ecommerce",
        "export_support",
    ]


def test_create_with_unknown_values_writes_nothing():
    before = Entry.objects.count()
    with pytest.raises(EntryInvalid) as caught:
        make_entry(policy_areas=("ecommerce", "teleportation"), economies=("ZZZ",))
    assert set(caught.value.message_dict) == {"policy_areas", "economies", "contributor"}
    assert "teleportation" in caught.value.message_dict["policy_areas"][0]
    assert Entry.objects.count() == before


def test_workflow_transitions_are_recorded(secretariat_user):
    entry = make_entry(workflow=Workflow.DRAFT)
    for state in (Workflow.SUBMITTED, Workflow.IN_REVIEW, Workflow.APPROVED, Workflow.PUBLISHED):
        entry = entry_transition(entry=entry, actor=secretariat_user, to=state, note=f"to {state}")
    assert entry.published_at is not None
    steps = list(EntryTransition.objects.filter(entry=entry).values_list("from_state", "to_state"))
    assert steps == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "approved"),
        ("approved", "published"),
    ]
    assert audit_events_for(target=entry).filter(action="entry.transition").count() == 4


def test_disallowed_transition_changes_nothing(secretariat_user):
    entry = make_entry(workflow=Workflow.DRAFT)
    with pytest.raises(TransitionNotAllowed):
        entry_transition(entry=entry, actor=secretariat_user, to=Workflow.PUBLISHED)
    entry.refresh_from_db()
    assert entry.workflow == Workflow.DRAFT
    assert entry.version == 1


def test_verification_and_sources_are_versioned(secretariat_user):
    entry = make_entry()
    entry_set_verification(
        entry=entry,
        actor=secretariat_user,
        verification=Verification.MEMBER_VALIDATED,
        note="Confirmed by CAN",
    )
    source_add(
        entry=entry,
        actor=secretariat_user,
        data=SourceData(
            kind=SourceKind.SURVEY_RESPONSE,
            title="Response of Canada",
            economy="CAN",
            reference="R1/CAN",
        ),
    )
    entry.refresh_from_db()
    assert entry.verification == Verification.MEMBER_VALIDATED
    assert entry.version == 3
    assert entry.versions.first().data["sources"][0]["economy"] == "CAN"
    actions = set(audit_events_for(target=entry).values_list("action", flat=True))
    assert {"entry.verification", "entry.source_add"} <= actions


def test_source_with_unknown_organisation_is_refused(secretariat_user):
    entry = make_entry()
    with pytest.raises(EntryInvalid) as caught:
        source_add(
            entry=entry,
            actor=secretariat_user,
            data=SourceData(kind=SourceKind.PARTNER_DATASET, title="X", organization="nope"),
        )
    assert "organization" in caught.value.message_dict
    assert entry.sources.count() == 0


def test_unique_slug_is_derived_from_title():
    first = make_entry(title="Women in e-commerce")
    second = make_entry(title="Women in e-commerce")
    assert (first.slug, second.slug) == ("women-in-e-commerce", "women-in-e-commerce-2")


def test_currency_code_is_normalised():
    data = EntryDataFactory(budget_currency="usd")
    entry = make_entry(**{k: getattr(data, k) for k in ("title", "budget_currency")})
    assert entry.budget_currency == "USD"
