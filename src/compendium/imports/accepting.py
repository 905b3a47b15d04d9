"""What accepting a batch writes to the catalog, and how a rollback undoes it. Every entry write
goes through the catalog's services (version, audit record, search index); the batch's own
changes are audited here. Both are all-or-nothing."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compendium.audit.services import actor_user, audit_record
from compendium.catalog.models import (
    Entry,
    EntryVersion,
    Source,
    SourceKind,
    Verification,
    Workflow,
)
from compendium.catalog.services import (
    EntryData,
    EntryInvalid,
    SourceData,
    entry_create_many,
    entry_data_from_dict,
    entry_data_of,
    entry_set_verification,
    entry_transition,
    entry_update,
    source_add,
)
from compendium.catalog.services.drafts import LIST_FIELDS

from .models import BatchStatus, Decision, ImportBatch, ImportRow

# How sure the catalog is of an entry, weakest first: a merge may raise it, never lower it.
VERIFICATION_STRENGTH = {
    Verification.SECRETARIAT_COMPILED: 0,
    Verification.PARTNER_REPORTED: 1,
    Verification.SUBMITTED_BY_MEMBER: 2,
    Verification.MEMBER_VALIDATED: 3,
}


class BatchRefused(Exception):
    """Nothing was written; `problems` says why, row by row where it can."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def require_secretariat(actor: AbstractBaseUser | None) -> None:
    if actor is not None and not actor.has_perm("catalog.change_entry"):
        raise PermissionDenied(_("Only the secretariat imports partner data."))


def row_reference(batch: ImportBatch, number: int) -> str:
    return f"{batch.reference} row {number}"


def _source(batch: ImportBatch, row: ImportRow, fields: tuple[str, ...] = ()) -> SourceData:
    mapping = batch.mapping or {}
    secretariat = batch.provenance == Verification.SECRETARIAT_COMPILED
    return SourceData(
        kind=SourceKind.SECRETARIAT_RESEARCH if secretariat else SourceKind.PARTNER_DATASET,
        title=(mapping.get("citation") or batch.source_title or batch.source)[:500],
        url=str(mapping.get("url") or ""),
        organization=batch.organization.slug if batch.organization_id else "",
        reference=row_reference(batch, row.number),
        fields=fields,
        accessed_on=batch.created_at.date() if batch.created_at else None,
        note=" ".join(
            filter(
                None, [str(mapping.get("licence") or ""), _("File: %(f)s") % {"f": batch.file_name}]
            )
        ),
    )


def _undecided_or_broken(rows: list[ImportRow]) -> list[str]:
    problems = []
    for row in rows:
        if row.decision == Decision.UNDECIDED:
            problems.append(
                _("Row %(n)s: no decision yet (new, merge or skip).") % {"n": row.number}
            )
        elif row.decision in (Decision.NEW, Decision.MERGE) and row.errors:
            problems.append(
                _("Row %(n)s: still has errors; settle them or skip the row.") % {"n": row.number}
            )
        elif row.decision == Decision.MERGE and row.merge_into_id is None:
            problems.append(_("Row %(n)s: no entry chosen to merge into.") % {"n": row.number})
    return problems


def _invalid_by_row(invalid: EntryInvalid, rows: list[ImportRow]) -> list[str]:
    """`entry_create_many` names problems `<index>.<field>`; say them by row number."""
    problems = []
    for key, messages in invalid.message_dict.items():
        index, _dot, name = key.partition(".")
        number = rows[int(index)].number if index.isdigit() and int(index) < len(rows) else "?"
        problems.append(
            _("Row %(n)s, %(field)s: %(why)s")
            % {"n": number, "field": name or "-", "why": " ".join(messages)}
        )
    return problems


def _create_new(batch, rows, actor, workflow, note) -> None:
    if not rows:
        return
    items: list[EntryData] = [entry_data_from_dict(row.mapped) for row in rows]
    try:
        entry_create_many(
            actor=actor,
            items=items,
            workflow=workflow,
            verification=batch.provenance,
            sources_for=lambda i, _item: [_source(batch, rows[i])],
            note=note,
        )
    except EntryInvalid as invalid:
        raise BatchRefused(_invalid_by_row(invalid, rows)) from None
    references = {row_reference(batch, row.number): row for row in rows}
    created = Source.objects.filter(reference__in=list(references), entry__version=1)
    created = created.filter(kind__in=[SourceKind.PARTNER_DATASET, SourceKind.SECRETARIAT_RESEARCH])
    for reference, entry_id in created.values_list("reference", "entry_id"):
        row = references[reference]
        row.entry_id, row.entry_version_before, row.entry_version_after = entry_id, None, 1
    ImportRow.objects.bulk_update(
        rows, ["entry", "entry_version_before", "entry_version_after"], batch_size=1000
    )


def _merged_values(entry: Entry, row: ImportRow) -> dict[str, Any]:
    """The row's values for the chosen fields; lists are joined with what the entry has, so
    both sources' values are kept."""
    current = entry_data_of(entry)
    row_data = entry_data_from_dict(row.mapped)
    changes: dict[str, Any] = {}
    for name in row.merge_fields:
        value = getattr(row_data, name)
        if name in LIST_FIELDS:
            value = tuple(sorted(set(getattr(current, name)) | set(value)))
        elif name == "links":
            known = {link.url for link in current.links}
            value = current.links + tuple(link for link in value if link.url not in known)
        changes[name] = value
    return changes


def _merge(batch, row: ImportRow, actor, note) -> None:
    entry = Entry.objects.get(pk=row.merge_into_id)
    row.entry_version_before = entry.version
    row.verification_before = entry.verification
    try:
        entry = entry_update(
            entry=entry, actor=actor, changes=_merged_values(entry, row), note=note
        )
    except EntryInvalid as invalid:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in invalid.message_dict.items())
        raise BatchRefused([_("Row %(n)s: %(why)s") % {"n": row.number, "why": problems}]) from None
    source_add(
        entry=entry, actor=actor, data=_source(batch, row, tuple(row.merge_fields)), note=note
    )
    if VERIFICATION_STRENGTH[batch.provenance] > VERIFICATION_STRENGTH[entry.verification]:
        entry = entry_set_verification(
            entry=entry, actor=actor, verification=batch.provenance, note=note
        )
    entry.refresh_from_db(fields=["version"])
    row.entry_id, row.entry_version_after = entry.pk, entry.version


@transaction.atomic
def batch_accept(
    *,
    batch: ImportBatch,
    actor: AbstractBaseUser | None,
    publish: bool = False,
    note: str = "",
    actor_label: str = "",
) -> ImportBatch:
    """Every row as decided: new entries (approved, or published at once if `publish`), merges
    (the chosen fields; the partner added to the entry's sources), skips. All or nothing."""
    require_secretariat(actor)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.READY:
        raise BatchRefused(
            [_("This batch is %(s)s: it cannot be accepted.") % {"s": batch.get_status_display()}]
        )
    rows = list(batch.rows.all())
    if problems := _undecided_or_broken(rows):
        raise BatchRefused(problems)
    note = note or _("Accepted from import %(ref)s (%(file)s).") % {
        "ref": batch.reference,
        "file": batch.file_name,
    }
    workflow = Workflow.PUBLISHED if publish else Workflow.APPROVED
    _create_new(batch, [r for r in rows if r.decision == Decision.NEW], actor, workflow, note)
    merged = [r for r in rows if r.decision == Decision.MERGE]
    for row in merged:
        _merge(batch, row, actor, note)
    ImportRow.objects.bulk_update(
        merged,
        ["entry", "entry_version_before", "entry_version_after", "verification_before"],
    )
    batch.status = BatchStatus.ACCEPTED
    batch.accepted_by, batch.accepted_at = actor_user(actor), timezone.now()
    batch.save(update_fields=["status", "accepted_by", "accepted_at"])
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="import.batch_accept",
        target=batch,
        changes={"status": [BatchStatus.READY, BatchStatus.ACCEPTED], "published": publish},
        note=note,
    )
    return batch


# --- undo ----------------------------------------------------------------------------------------


def _changed_since(rows: list[ImportRow]) -> list[str]:
    """Entries someone changed after the import: rolling back would undo their work too."""
    versions = dict(
        Entry.objects.filter(pk__in=[r.entry_id for r in rows]).values_list("pk", "version")
    )
    problems = []
    for row in rows:
        now = versions.get(row.entry_id)
        if now is not None and now != row.entry_version_after:
            problems.append(
                _(
                    "Row %(n)s: its entry was changed after the import (version %(now)s, the "
                    "import left version %(then)s). Undo that change first, or edit the entry."
                )
                % {"n": row.number, "now": now, "then": row.entry_version_after}
            )
    return problems


def _restore(batch: ImportBatch, row: ImportRow, actor, note: str) -> None:
    entry = Entry.objects.get(pk=row.entry_id)
    previous = EntryVersion.objects.get(entry=entry, number=row.entry_version_before)
    before = entry_data_from_dict(previous.data)
    # The partner's source goes first, so the restored version no longer lists it.
    Source.objects.filter(entry=entry, reference=row_reference(batch, row.number)).delete()
    entry = entry_update(
        entry=entry,
        actor=actor,
        changes={name: getattr(before, name) for name in row.merge_fields},
        note=note,
    )
    if row.verification_before and entry.verification != row.verification_before:
        entry_set_verification(
            entry=entry, actor=actor, verification=row.verification_before, note=note
        )


@transaction.atomic
def batch_rollback(
    *, batch: ImportBatch, actor: AbstractBaseUser | None, note: str = "", actor_label: str = ""
) -> ImportBatch:
    """Undo an accepted batch: the entries it created are withdrawn (their history kept), the
    fields it merged return to the entry's previous version, its sources are removed."""
    require_secretariat(actor)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.ACCEPTED:
        raise BatchRefused([_("Only an accepted batch can be rolled back.")])
    rows = list(batch.rows.filter(entry__isnull=False))
    if problems := _changed_since(rows):
        raise BatchRefused(problems)
    note = note or _("Rolled back import %(ref)s.") % {"ref": batch.reference}
    undone: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.entry_version_before is None:
            entry = Entry.objects.get(pk=row.entry_id)
            if entry.workflow != Workflow.WITHDRAWN:
                entry_transition(entry=entry, actor=actor, to=Workflow.WITHDRAWN, note=note)
            undone["withdrawn"].append(row.entry_id)
        else:
            _restore(batch, row, actor, note)
            undone["restored"].append(row.entry_id)
    batch.status = BatchStatus.ROLLED_BACK
    batch.rolled_back_by, batch.rolled_back_at = actor_user(actor), timezone.now()
    batch.save(update_fields=["status", "rolled_back_by", "rolled_back_at"])
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="import.batch_rollback",
        target=batch,
        changes={"status": [BatchStatus.ACCEPTED, BatchStatus.ROLLED_BACK], **undone},
        note=note,
    )
    return batch
