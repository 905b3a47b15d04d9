"""Editions' life: create, freeze, circulate, revise (with the change annex), adopt; and each
bad input of issue 6 refused with a clear message."""

from __future__ import annotations

import pytest

from compendium.audit.models import AuditEvent
from compendium.catalog.models import Workflow
from compendium.catalog.services import entry_transition, entry_update
from compendium.publishing import services
from compendium.publishing.changes import edition_changes
from compendium.publishing.errors import EditionError, EntriesIncomplete
from compendium.publishing.models import EditionKind, EditionStatus, Part

from .editions import SYMBOLS, edition, entry, frozen, small_set

pytestmark = pytest.mark.django_db


def circulate(made):
    return services.edition_circulate(edition=made, actor=None, actor_label="tests")


def test_freeze_keeps_the_versions_so_later_edits_change_nothing():
    entries = small_set()
    made = frozen(entries)
    assert made.entries.count() == len(entries)
    entry_update(entry=entries[0], actor=None, actor_label="t", changes={"title": "Renamed"})
    kept = made.entries.get(entry=entries[0])
    assert kept.snapshot["title"] == "Zambezi women exporters online"
    assert kept.version.number == 1


def test_freeze_takes_every_approved_or_published_entry_by_default():
    draft = entry("Still a draft", workflow=Workflow.DRAFT)
    approved = entry("Approved one")
    made = services.edition_freeze(edition=edition(), actor=None, actor_label="tests")
    frozen_ids = set(made.entries.values_list("entry_id", flat=True))
    assert approved.pk in frozen_ids
    assert draft.pk not in frozen_ids
    # The 60 sample entries (published) all have what the document needs.
    assert len(frozen_ids) >= 61


def test_entries_are_placed_in_parts_and_ordered_by_wto_name():
    made = frozen(small_set())
    rows = list(made.entries.order_by("position"))
    parts = [row.part for row in rows]
    assert parts == sorted(parts, key=[Part.MEMBERS, Part.OBSERVERS, Part.ORGANIZATIONS].index)
    members = [row.heading for row in rows if row.part == Part.MEMBERS]
    assert members == ["Canada", "China", "Egypt", "Kenya", "Russian Federation"]
    assert [row.heading for row in rows if row.part == Part.OBSERVERS] == ["Algeria"]
    assert [row.heading for row in rows if row.part == Part.ORGANIZATIONS] == [
        "International Trade Centre"
    ]


def test_every_step_is_in_the_audit_log():
    made = frozen(small_set(), kind=EditionKind.FINAL)
    circulate(made)
    actions = set(
        AuditEvent.objects.filter(target_id=str(made.pk)).values_list("action", flat=True)
    )
    assert {"edition.create", "edition.freeze", "edition.circulate"} <= actions


# --- bad input -----------------------------------------------------------------------------------


def test_an_empty_edition_is_refused():
    with pytest.raises(EditionError, match="empty"):
        services.edition_freeze(edition=edition(), actor=None, entries=[])


def test_entries_missing_required_fields_are_listed_with_links_to_fix_them():
    lacking = entry("No description, no source", description="", sources=())
    complete = entry("Complete")
    with pytest.raises(EntriesIncomplete) as raised:
        services.edition_freeze(edition=edition(), actor=None, entries=[lacking, complete])
    [missing] = raised.value.missing
    assert missing.entry_id == lacking.pk
    assert set(missing.fields) == {"description", "sources"}
    assert missing.fix_url == f"/admin/catalog/entry/{lacking.pk}/change/"


def test_a_symbol_already_used_is_refused():
    edition()
    with pytest.raises(EditionError, match=r"INF/MSME/W/91 is already used"):
        edition(symbols="INF/TGE/W/92 – INF/MSME/W/91")


def test_revising_an_edition_never_circulated_is_refused():
    made = frozen(small_set())
    with pytest.raises(EditionError, match="never circulated"):
        services.edition_revise(edition=made, actor=None)


def test_a_circulated_edition_cannot_be_frozen_again():
    made = circulate(frozen(small_set()))
    with pytest.raises(EditionError, match="Revise it instead"):
        services.edition_freeze(edition=made, actor=None)


def test_an_unfrozen_edition_cannot_be_circulated_or_built():
    made = edition()
    with pytest.raises(EditionError, match="Freeze"):
        services.edition_circulate(edition=made, actor=None)
    with pytest.raises(EditionError, match="Freeze"):
        services.edition_build(edition=made, actor=None, formats=["docx"])


def test_a_draft_is_not_adopted():
    made = circulate(frozen(small_set()))
    with pytest.raises(EditionError, match="draft"):
        services.edition_adopt(edition=made, actor=None)


# --- revisions and adoption ----------------------------------------------------------------------


def test_the_change_annex_lists_added_modified_and_withdrawn_entries():
    kept, changed, withdrawn = entry("Kept"), entry("Changed"), entry("Withdrawn later")
    rev0 = circulate(frozen([kept, changed, withdrawn]))
    rev1 = services.edition_revise(edition=rev0, actor=None, kind=EditionKind.FINAL)
    assert rev1.full_symbols == "INF/TGE/W/90/Rev.1 – INF/MSME/W/91/Rev.1"
    added = entry("Added in Rev.1")
    entry_update(
        entry=changed,
        actor=None,
        actor_label="t",
        changes={"description": "New text.", "start_year": 2019},
    )
    entry_transition(entry=withdrawn, actor=None, actor_label="t", to=Workflow.WITHDRAWN)
    # The withdrawn entry is offered again but no longer qualifies.
    services.edition_freeze(edition=rev1, actor=None, entries=[kept, changed, withdrawn, added])
    changes = edition_changes(edition=rev1)
    assert [item["title"] for item in changes.added] == ["Added in Rev.1"]
    assert [item["title"] for item in changes.withdrawn] == ["Withdrawn later"]
    [modified] = changes.modified
    assert modified["title"] == "Changed"
    assert modified["fields"] == ["description", "start_year"]
    assert added.pk in set(rev1.entries.values_list("entry_id", flat=True))


def test_an_edition_is_revised_only_once():
    rev0 = circulate(frozen(small_set()))
    services.edition_revise(edition=rev0, actor=None)
    with pytest.raises(EditionError, match="already revised"):
        services.edition_revise(edition=rev0, actor=None)


def test_adoption_publishes_the_approved_entries_and_records_the_event():
    entries = small_set()
    made = circulate(frozen(entries, kind=EditionKind.FINAL))
    adopted = services.edition_adopt(edition=made, actor=None, actor_label="tests", note="IWG")
    assert adopted.status == EditionStatus.ADOPTED
    for item in entries:
        item.refresh_from_db()
        assert item.workflow == Workflow.PUBLISHED
    event = AuditEvent.objects.get(action="edition.adopt", target_id=str(made.pk))
    assert event.changes["published"] == len(entries)
    assert event.note == "IWG"
    assert SYMBOLS.split(" – ")[0] in adopted.full_symbols
