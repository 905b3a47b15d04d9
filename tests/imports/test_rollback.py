"""Undo: a whole accepted batch is rolled back, from the entries' own history, and audited."""

from __future__ import annotations

import pytest

from compendium.audit.models import AuditEvent
from compendium.catalog.models import Entry, Verification, Workflow
from compendium.catalog.services import entry_update
from compendium.imports.models import BatchStatus, Decision
from compendium.imports.services import BatchRefused, batch_accept, batch_rollback, row_decide

pytestmark = pytest.mark.django_db


def _accepted_with_a_merge(imported, user):
    report = imported("gatf")
    rows = list(report.batch.rows.all())
    target = Entry.objects.filter(economies__code="CHL").order_by("pk").first()
    target.refresh_from_db()
    before = {
        "version": target.version,
        "areas": set(target.policy_areas.values_list("slug", flat=True)),
        "sources": target.sources.count(),
        "verification": target.verification,
        "start_year": target.start_year,
    }
    merged = row_decide(
        row=rows[0],
        actor=user,
        decision=Decision.MERGE,
        merge_into=target,
        merge_fields=["policy_areas", "start_year"],
    )
    batch = batch_accept(batch=report.batch, actor=user, publish=True)
    return batch, target, before, merged


def test_rollback_undoes_created_and_merged_entries(imported, secretariat_user, client):
    batch, target, before, _merged = _accepted_with_a_merge(imported, secretariat_user)
    created = list(
        Entry.objects.filter(import_rows__batch=batch, import_rows__decision=Decision.NEW)
    )
    assert len(created) == 3
    assert all(e.workflow == Workflow.PUBLISHED for e in created)
    target.refresh_from_db()
    assert "trade_facilitation_logistics" in target.policy_areas.values_list("slug", flat=True)
    assert target.sources.count() == before["sources"] + 1

    batch_rollback(batch=batch, actor=secretariat_user, note="Wrong file")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK
    for entry in created:
        entry.refresh_from_db()
        assert entry.workflow == Workflow.WITHDRAWN  # not public any more; history kept
        assert client.get(entry.get_absolute_url()).status_code == 404
    target.refresh_from_db()
    assert set(target.policy_areas.values_list("slug", flat=True)) == before["areas"]
    assert target.start_year == before["start_year"]
    assert target.sources.count() == before["sources"]
    assert target.verification == before["verification"]
    event = AuditEvent.objects.get(action="import.batch_rollback", target_id=str(batch.pk))
    assert event.note == "Wrong file"
    assert sorted(event.changes["withdrawn"]) == sorted(e.pk for e in created)


def test_rollback_refuses_when_an_entry_changed_since(imported, secretariat_user):
    batch, target, _before, _merged = _accepted_with_a_merge(imported, secretariat_user)
    entry = Entry.objects.filter(
        import_rows__batch=batch, import_rows__decision=Decision.NEW
    ).first()
    entry_update(
        entry=entry, actor=secretariat_user, changes={"description": "Edited by a curator."}
    )
    with pytest.raises(BatchRefused) as refused:
        batch_rollback(batch=batch, actor=secretariat_user)
    assert "was changed after the import" in refused.value.problems[0]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ACCEPTED
    target.refresh_from_db()
    assert target.sources.filter(reference__startswith=batch.reference).exists()


def test_merge_raises_verification_but_never_lowers_it(imported, secretariat_user):
    report = imported("gatf")
    target = Entry.objects.filter(economies__code="CHL").order_by("pk").first()
    from compendium.catalog.services import entry_set_verification

    entry_set_verification(
        entry=target, actor=secretariat_user, verification=Verification.SECRETARIAT_COMPILED
    )
    rows = list(report.batch.rows.all())
    row_decide(row=rows[0], actor=secretariat_user, decision=Decision.MERGE, merge_into=target)
    batch_accept(batch=report.batch, actor=secretariat_user)
    target.refresh_from_db()
    assert target.verification == Verification.PARTNER_REPORTED
    batch_rollback(batch=report.batch, actor=secretariat_user)
    target.refresh_from_db()
    assert target.verification == Verification.SECRETARIAT_COMPILED


def test_a_rolled_back_file_can_be_imported_again(imported, secretariat_user):
    batch, *_ = _accepted_with_a_merge(imported, secretariat_user)
    withdrawn = set(batch.rows.filter(decision=Decision.NEW).values_list("entry_id", flat=True))
    batch_rollback(batch=batch, actor=secretariat_user)
    again = imported("gatf")
    assert not again.already_imported
    # The withdrawn entries are not offered as duplicates.
    offered = {m.get("entry") for r in again.rows for m in r.matches}
    assert withdrawn
    assert not withdrawn & offered
