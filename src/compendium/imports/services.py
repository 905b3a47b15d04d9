"""Every write of the imports app: one function per change, each in one transaction with its
audit record. Catalog entries are written only by `batch_accept` and `batch_rollback`
(`accepting.py`), through the catalog's own services."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compendium.audit.services import actor_user, audit_record
from compendium.catalog.models import Entry, Organization

from .accepting import BatchRefused, batch_accept, batch_rollback, require_secretariat
from .analysis import Analysis, Progress, analyse, row_counts
from .dedup import LIKELY_SCORE
from .mapper import NEEDED
from .mappings import (
    LIST_FIELDS,
    Mapping,
    MappingInvalid,
    mapping_for_source,
    mapping_from_dict,
    mapping_from_text,
)
from .models import BatchStatus, Decision, ImportBatch, ImportRow
from .problems import ERROR, FileRefused, Problem

__all__ = [
    "BatchRefused",
    "BatchReport",
    "ImportRefused",
    "RowRefused",
    "batch_accept",
    "batch_create",
    "batch_process",
    "batch_queue",
    "batch_rollback",
    "mapping_resolve",
    "row_decide",
    "rows_decide_bulk",
]

LIVE_STATES = (
    BatchStatus.QUEUED,
    BatchStatus.PROCESSING,
    BatchStatus.READY,
    BatchStatus.ACCEPTED,
)
# Fields a merge may take from a row into an existing entry.
MERGEABLE = (
    "description",
    "economies",
    "organizations",
    "policy_areas",
    "target_groups",
    "instrument_type",
    "gender_focus",
    "start_year",
    "end_year",
    "status",
    "links",
    "implementers_as_reported",
    "budget_as_reported",
    "women_reached_as_reported",
    "women_reached",
    "title_en",
    "title_fr",
    "title_es",
    "description_en",
    "description_fr",
    "description_es",
)


class ImportRefused(Exception):
    """Nothing was written: the file or the mapping cannot be used (see `problems`)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass
class BatchReport:
    batch: ImportBatch  # unsaved on a dry run
    rows: list[ImportRow] = field(default_factory=list)
    dry_run: bool = False
    already_imported: bool = False


def mapping_resolve(source: str, mapping_text: str = "") -> Mapping:
    try:
        if mapping_text:
            return mapping_from_text(mapping_text, source=source)
        return mapping_for_source(source)
    except MappingInvalid as invalid:
        problems = [Problem(_("Mapping: %(p)s") % {"p": p}) for p in invalid.problems]
        raise ImportRefused(problems) from None


def previous_import(sha256: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(sha256=sha256, status__in=LIVE_STATES).first()


def _new_batch(
    *, actor, content: bytes, file_name: str, mapping: Mapping, sheet: str
) -> ImportBatch:
    return ImportBatch(
        source=mapping.source,
        source_title=mapping.title,
        organization=Organization.objects.filter(slug=mapping.organization).first(),
        provenance=mapping.provenance,
        mapping=mapping.snapshot,
        file_name=file_name[:255],
        file_size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        sheet=sheet,
        created_by=actor_user(actor),
    )


def _fill(batch: ImportBatch, analysis: Analysis) -> None:
    batch.details = analysis.details
    batch.notes = [n.as_json() for n in analysis.notes]
    batch.counts = analysis.counts
    batch.progress_done = batch.progress_total = len(analysis.rows)
    batch.progress_step = "done"
    batch.status = BatchStatus.READY


def _save_rows(batch: ImportBatch, rows: list[ImportRow]) -> None:
    for row in rows:
        row.batch = batch
    ImportRow.objects.bulk_create(rows, batch_size=1000)


def batch_create(
    *,
    actor: AbstractBaseUser | None,
    content: bytes,
    file_name: str,
    source: str,
    mapping_text: str = "",
    sheet: str = "",
    dry_run: bool = False,
    again: bool = False,
    progress: Progress | None = None,
    actor_label: str = "",
) -> BatchReport:
    """Read, map, check, classify and match a partner file. A dry run writes nothing and returns
    the whole report; otherwise the batch and all its rows are written together, or nothing
    is. A file already imported is recognised and nothing changes, unless `again`."""
    require_secretariat(actor)
    mapping = mapping_resolve(source, mapping_text)
    batch = _new_batch(
        actor=actor, content=content, file_name=file_name, mapping=mapping, sheet=sheet
    )
    if not again and (earlier := previous_import(batch.sha256)) is not None:
        return BatchReport(batch=earlier, dry_run=dry_run, already_imported=True)
    try:
        analysis = analyse(
            content=content, file_name=file_name, mapping=mapping, sheet=sheet, progress=progress
        )
    except FileRefused as refused:
        raise ImportRefused(refused.problems) from None
    _fill(batch, analysis)
    if dry_run:
        return BatchReport(batch=batch, rows=analysis.rows, dry_run=True)
    with transaction.atomic():
        batch.content = content
        batch.save()
        _save_rows(batch, analysis.rows)
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action="import.batch_create",
            target=batch,
            changes={"file": [None, file_name], "counts": [None, batch.counts]},
        )
    return BatchReport(batch=batch, rows=analysis.rows)


@transaction.atomic
def batch_queue(
    *,
    actor: AbstractBaseUser | None,
    content: bytes,
    file_name: str,
    source: str,
    mapping_text: str = "",
    sheet: str = "",
    again: bool = False,
) -> BatchReport:
    """Record an upload, to be read by `batch_process` (in the background for the web page,
    which then shows its progress). A file already imported is recognised, unless `again`."""
    require_secretariat(actor)
    mapping = mapping_resolve(source, mapping_text)
    batch = _new_batch(
        actor=actor, content=content, file_name=file_name, mapping=mapping, sheet=sheet
    )
    if not again and (earlier := previous_import(batch.sha256)) is not None:
        return BatchReport(batch=earlier, already_imported=True)
    batch.content = content
    batch.save()
    audit_record(
        actor=actor, action="import.batch_queue", target=batch, changes={"file": [None, file_name]}
    )
    return BatchReport(batch=batch)


def _progress_saver(batch_id: int) -> Progress:
    def save(step: str, done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(
            progress_step=step, progress_done=done, progress_total=total
        )

    return save


def batch_process(*, batch_id: int) -> ImportBatch:
    """Read a queued batch. Progress is saved as it goes; the rows are written all together at
    the end, or, if the file is refused, none, with the reasons on the batch."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.PROCESSING
    )
    batch = ImportBatch.objects.get(pk=batch_id)
    if not claimed:
        return batch
    try:
        analysis = analyse(
            content=bytes(batch.content),
            file_name=batch.file_name,
            mapping=_batch_mapping(batch),
            sheet=batch.sheet,
            progress=_progress_saver(batch.pk),
        )
    except (FileRefused, ImportRefused) as refused:
        with transaction.atomic():
            batch.status = BatchStatus.REFUSED
            batch.problems = [p.as_json() for p in refused.problems]
            batch.save()
            audit_record(
                actor=batch.created_by,
                action="import.batch_refused",
                target=batch,
                changes={"problems": [None, [str(p) for p in refused.problems]]},
            )
        return batch
    with transaction.atomic():
        _fill(batch, analysis)
        batch.save()
        _save_rows(batch, analysis.rows)
        audit_record(
            actor=batch.created_by,
            action="import.batch_create",
            target=batch,
            changes={"file": [None, batch.file_name], "counts": [None, batch.counts]},
        )
    return batch


def _batch_mapping(batch: ImportBatch) -> Mapping:
    """The mapping as it was when the batch was uploaded (the file may have changed since)."""
    try:
        return mapping_from_dict(batch.mapping, source=batch.source)
    except MappingInvalid as invalid:
        raise ImportRefused([Problem(p) for p in invalid.problems]) from None


# --- decisions on rows ---------------------------------------------------------------------------


class RowRefused(Exception):
    pass


def _recheck(row: ImportRow, changed: Iterable[str]) -> None:
    """After the curator chose values: problems about those fields are settled, unless the
    field is still empty."""
    changed = set(changed)
    row.errors = [e for e in row.errors if e.get("field") not in changed]
    for name in sorted(changed & set(NEEDED)):
        if not row.mapped.get(name):
            row.errors.append(
                Problem(
                    _("No %(field)s: accept a suggestion or choose one.") % {"field": name},
                    level=ERROR,
                    row=row.number,
                    field=name,
                ).as_json()
            )


def _apply_choices(row: ImportRow, choices: dict[str, list[str]]) -> list[str]:
    """Accepted suggestions (or chosen values) into the row's mapped values."""
    changed = []
    for name, wanted in choices.items():
        # Only what was suggested for this row: the form offers nothing else either.
        suggested = {s["value"] for s in row.suggestions.get(name, [])}
        values = [value for value in wanted if value in suggested]
        if name not in NEEDED or not values:
            continue
        if name in LIST_FIELDS:
            row.mapped[name] = sorted(set(row.mapped.get(name) or []) | set(values))
        else:
            row.mapped[name] = values[0]
        changed.append(name)
    return changed


def _check_decision(row: ImportRow, decision: str, merge_into: Entry | None, fields: list[str]):
    if row.batch.status != BatchStatus.READY:
        raise RowRefused(_("This batch is not open for decisions any more."))
    if decision not in Decision.values:
        raise RowRefused(_("Unknown decision."))
    if decision in (Decision.NEW, Decision.MERGE) and row.errors:
        raise RowRefused(
            _("Row %(n)s still has errors: settle them (accept a suggestion) or skip the row.")
            % {"n": row.number}
        )
    if decision == Decision.MERGE:
        if merge_into is None:
            raise RowRefused(_("Choose the entry to merge row %(n)s into.") % {"n": row.number})
        unknown = sorted(set(fields) - set(MERGEABLE))
        if unknown:
            raise RowRefused(_("These fields cannot be merged: %(f)s.") % {"f": ", ".join(unknown)})


@transaction.atomic
def row_decide(
    *,
    row: ImportRow,
    actor: AbstractBaseUser | None,
    decision: str,
    merge_into: Entry | None = None,
    merge_fields: Sequence[str] = (),
    choices: dict[str, list[str]] | None = None,
    actor_label: str = "",
) -> ImportRow:
    """The curator's decision on one row: new entry, merge (these fields, into that entry) or
    skip; with the suggestions they accept (`choices`: field → slugs)."""
    require_secretariat(actor)
    row = ImportRow.objects.select_for_update().select_related("batch").get(pk=row.pk)
    changed = _apply_choices(row, choices or {})
    _recheck(row, changed)
    fields = [name for name in merge_fields if name in MERGEABLE]
    if decision == Decision.MERGE and not merge_fields:
        fields = [name for name in MERGEABLE if row.mapped.get(name) not in (None, "", [])]
    _check_decision(row, decision, merge_into, list(merge_fields) or fields)
    before = row.decision
    row.decision = decision
    row.merge_into = merge_into if decision == Decision.MERGE else None
    row.merge_fields = fields if decision == Decision.MERGE else []
    row.decided_by, row.decided_at = actor_user(actor), timezone.now()
    row.save()
    _refresh_counts(row.batch)
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="import.row_decide",
        target=row.batch,
        changes={
            "row": [None, row.number],
            "decision": [before, decision],
            **({"accepted_suggestions": [None, changed]} if changed else {}),
            **({"merge_into": [None, merge_into.pk]} if row.merge_into else {}),
        },
    )
    return row


def _refresh_counts(batch: ImportBatch) -> None:
    rows = list(batch.rows.only("errors", "warnings", "suggestions", "matches", "decision"))
    batch.counts = row_counts(rows)
    batch.save(update_fields=["counts"])


BULK_ACTIONS = ("skip_errors", "new_clean")


@transaction.atomic
def rows_decide_bulk(
    *, batch: ImportBatch, actor: AbstractBaseUser | None, action: str, actor_label: str = ""
) -> int:
    """`skip_errors`: skip every row that has errors. `new_clean`: make a new entry of every
    undecided row without errors and without a likely duplicate."""
    require_secretariat(actor)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.READY or action not in BULK_ACTIONS:
        raise RowRefused(_("This batch is not open for decisions any more."))
    changed = []
    for row in batch.rows.all():
        if action == "skip_errors" and row.errors and row.decision != Decision.SKIP:
            row.decision = Decision.SKIP
        elif (
            action == "new_clean"
            and row.decision == Decision.UNDECIDED
            and not row.errors
            and not any(m["score"] >= LIKELY_SCORE for m in row.matches)
        ):
            row.decision = Decision.NEW
        else:
            continue
        row.decided_by, row.decided_at = actor_user(actor), timezone.now()
        changed.append(row)
    ImportRow.objects.bulk_update(
        changed, ["decision", "decided_by", "decided_at"], batch_size=1000
    )
    _refresh_counts(batch)
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="import.rows_decide_bulk",
        target=batch,
        changes={"action": [None, action], "rows": [None, len(changed)]},
    )
    return len(changed)
