"""Every write to an edition: create, freeze, circulate, revise, adopt, build. Each one is
keyword-only, runs in one transaction and leaves an audit record."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compendium.audit.services import audit_label, audit_record
from compendium.catalog.models import Entry, Workflow
from compendium.catalog.services import entry_transition
from compendium.search.query import fold

from .errors import EditionError, EntriesIncomplete
from .frame import LANGUAGES, frame_snapshot
from .models import (
    DataRelease,
    DataReleaseFile,
    DocumentFormat,
    Edition,
    EditionEntry,
    EditionFile,
    EditionKind,
    EditionStatus,
    Part,
    symbol_parts,
)
from .snapshots import (
    Missing,
    entries_to_freeze,
    entry_snapshot,
    fix_url,
    latest_versions,
    missing_fields,
    placement,
)

FREEZABLE = (Workflow.APPROVED, Workflow.PUBLISHED)
PART_ORDER = {Part.MEMBERS: 0, Part.OBSERVERS: 1, Part.ORGANIZATIONS: 2}


def _locked(edition: Edition) -> Edition:
    return Edition.objects.select_for_update().get(pk=edition.pk)


def _symbols_taken(parts: list[str], *, but: Edition | None = None) -> list[str]:
    others = Edition.objects.all() if but is None else Edition.objects.exclude(pk=but.pk)
    stored = others.values_list("symbols", flat=True)
    used = {part for symbols in stored for part in symbol_parts(symbols)}
    return [part for part in parts if part in used]


@transaction.atomic
def edition_create(
    *,
    actor: AbstractBaseUser | None,
    symbols: str,
    title: str,
    kind: str,
    on: date,
    actor_label: str = "",
) -> Edition:
    """A new edition (Rev.0), in preparation and empty until frozen. Each symbol is unique."""
    parts = symbol_parts(symbols)
    if not parts:
        raise EditionError(_("Give the document symbols, e.g. INF/TGE/W/12 – INF/MSME/W/34."))
    if not title.strip():
        raise EditionError(_("Give the edition a title."))
    if kind not in EditionKind.values:
        raise EditionError(_("The kind is either draft or final."))
    if taken := _symbols_taken(parts):
        raise EditionError(
            _("The symbol %(symbols)s is already used by another edition; choose another one.")
            % {"symbols": ", ".join(taken)}
        )
    edition = Edition.objects.create(
        symbols=" – ".join(parts),
        title=title.strip(),
        kind=kind,
        date=on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="edition.create",
        target=edition,
        changes={"symbols": [None, edition.symbols], "kind": [None, kind]},
    )
    return edition


def _entries_for(entries: Sequence[Entry] | QuerySet[Entry] | None) -> QuerySet[Entry]:
    if entries is None:
        return Entry.objects.filter(workflow__in=FREEZABLE)
    ids = [entry.pk for entry in entries]
    return Entry.objects.filter(pk__in=ids, workflow__in=FREEZABLE)


def _edition_entries(edition: Edition, entries: QuerySet[Entry]) -> list[EditionEntry]:
    """The rows to store, in document order, or `EntriesIncomplete` naming each faulty entry."""
    rows, missing = [], []
    loaded = list(entries_to_freeze(entries).order_by("pk"))
    versions = latest_versions(loaded)
    for entry in loaded:
        snapshot = entry_snapshot(entry)
        problem = missing_fields(entry, snapshot)
        if problem is None and entry.pk not in versions:
            # Every service write stores a version; an entry without one was written by hand.
            problem = Missing(entry.pk, entry.title, ("version",), fix_url(entry))
        if problem is not None:
            missing.append(problem)
            continue
        place = placement(snapshot)
        snapshot["heading"] = place.heading_names
        rows.append(
            EditionEntry(
                edition=edition,
                entry=entry,
                version=versions[entry.pk],
                part=place.part,
                heading=place.heading[:300],
                position=0,
                snapshot=snapshot,
            )
        )
    if missing:
        raise EntriesIncomplete(missing)
    # Part I and II by the WTO name of the economy, Part III by organisation, then by title.
    rows.sort(
        key=lambda r: (PART_ORDER[r.part], fold(r.heading), fold(r.snapshot["title"]), r.entry_id)
    )
    for position, row in enumerate(rows, start=1):
        row.position = position
    return rows


@transaction.atomic
def edition_freeze(
    *,
    edition: Edition,
    actor: AbstractBaseUser | None,
    entries: Sequence[Entry] | QuerySet[Entry] | None = None,
    actor_label: str = "",
) -> Edition:
    """Keep the exact versions of the entries (by default every approved or published entry)
    and the frame as they are now. Freezing again before circulation replaces both."""
    edition = _locked(edition)
    if edition.status != EditionStatus.IN_PREPARATION:
        raise EditionError(
            _("This edition was already %(status)s; it can no longer change. Revise it instead.")
            % {"status": edition.get_status_display().lower()}
        )
    rows = _edition_entries(edition, _entries_for(entries))
    if not rows:
        raise EditionError(
            _("There is no approved or published entry to put in this edition: it would be empty.")
        )
    edition.entries.all().delete()
    EditionEntry.objects.bulk_create(rows, batch_size=500)
    edition.frame = frame_snapshot()
    edition.frozen_at = timezone.now()
    edition.save(update_fields=["frame", "frozen_at"])
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="edition.freeze",
        target=edition,
        changes={"entries": [None, len(rows)]},
    )
    return edition


@transaction.atomic
def edition_circulate(
    *, edition: Edition, actor: AbstractBaseUser | None, actor_label: str = ""
) -> Edition:
    edition = _locked(edition)
    if edition.status != EditionStatus.IN_PREPARATION:
        raise EditionError(_("This edition was already circulated."))
    if not edition.is_frozen:
        raise EditionError(_("Freeze the edition before circulating it."))
    edition.status = EditionStatus.CIRCULATED
    edition.circulated_at = timezone.now()
    edition.save(update_fields=["status", "circulated_at"])
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="edition.circulate",
        target=edition,
        changes={"status": [EditionStatus.IN_PREPARATION, EditionStatus.CIRCULATED]},
    )
    return edition


@transaction.atomic
def edition_revise(
    *,
    edition: Edition,
    actor: AbstractBaseUser | None,
    on: date | None = None,
    kind: str | None = None,
    title: str = "",
    actor_label: str = "",
) -> Edition:
    """The next revision (Rev.n+1) of a circulated or adopted edition, in preparation; freezing
    it lists what changed since this one in its change annex."""
    edition = _locked(edition)
    if edition.status == EditionStatus.IN_PREPARATION:
        raise EditionError(
            _("This edition was never circulated: change it and freeze it again instead.")
        )
    later = Edition.objects.filter(previous=edition).first()
    if later is not None:
        raise EditionError(
            _("This edition was already revised as %(symbols)s.") % {"symbols": later.full_symbols}
        )
    if kind is not None and kind not in EditionKind.values:
        raise EditionError(_("The kind is either draft or final."))
    revision = Edition.objects.create(
        symbols=edition.symbols,
        revision=edition.revision + 1,
        title=title.strip() or edition.title,
        kind=kind or edition.kind,
        date=on or timezone.localdate(),
        previous=edition,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="edition.revise",
        target=revision,
        changes={"previous": [None, edition.full_symbols]},
    )
    return revision


@transaction.atomic
def edition_adopt(
    *, edition: Edition, actor: AbstractBaseUser | None, note: str = "", actor_label: str = ""
) -> Edition:
    """Record the adoption of a circulated final edition and publish its entries that were
    approved but not yet public: the online database then shows what the document shows."""
    edition = _locked(edition)
    if edition.status != EditionStatus.CIRCULATED:
        raise EditionError(_("Only a circulated edition can be adopted."))
    if edition.kind != EditionKind.FINAL:
        raise EditionError(_("A draft is not adopted: revise it as a final edition first."))
    published = 0
    approved = Entry.objects.filter(edition_entries__edition=edition, workflow=Workflow.APPROVED)
    label = audit_label(actor, actor_label)
    for entry in approved.order_by("pk"):
        entry_transition(
            entry=entry,
            actor=actor,
            actor_label=actor_label,
            to=Workflow.PUBLISHED,
            note=_("Published with the adoption of %(symbols)s.")
            % {"symbols": edition.full_symbols},
        )
        published += 1
    edition.status = EditionStatus.ADOPTED
    edition.adopted_at = timezone.now()
    edition.save(update_fields=["status", "adopted_at"])
    # Every adopted edition yields its citable open-data release, in the same transaction.
    release_create(edition=edition, actor=actor, actor_label=actor_label)
    audit_record(
        actor=actor,
        actor_label=label,
        action="edition.adopt",
        target=edition,
        changes={
            "status": [EditionStatus.CIRCULATED, EditionStatus.ADOPTED],
            "published": published,
        },
        note=note,
    )
    return edition


def build_check(*, edition: Edition, formats: Sequence[str], language: str) -> None:
    """Refuse, saying why, a build that cannot be made: before it is queued, and again when it
    runs (the edition may have changed in between)."""
    if not edition.is_frozen:
        raise EditionError(_("Freeze the edition before building its documents."))
    unknown = [fmt for fmt in formats if fmt not in DocumentFormat.values]
    if unknown or not formats:
        raise EditionError(
            _("Unknown format: %(formats)s (choose docx or pdf).") % {"formats": ", ".join(unknown)}
        )
    if language not in LANGUAGES:
        raise EditionError(_("The document's language is en, fr or es."))


def edition_build(
    *,
    edition: Edition,
    actor: AbstractBaseUser | None,
    formats: Sequence[str] = (DocumentFormat.DOCX, DocumentFormat.PDF),
    language: str = "en",
    progress: Callable[[str, int, int], None] | None = None,
    actor_label: str = "",
) -> list[EditionFile]:
    """Build the documents of a frozen edition. Each file is written in full beside its place and
    then moved there, so no one ever downloads a half-written file; the record of the files and
    the audit record land together once every format is built."""
    from .building import build_files

    edition = Edition.objects.get(pk=edition.pk)  # as stored now, not as the caller last saw it
    build_check(edition=edition, formats=formats, language=language)
    built = build_files(edition=edition, formats=formats, language=language, progress=progress)
    return _record_files(edition=edition, built=built, actor=actor, actor_label=actor_label)


@transaction.atomic
def _record_files(
    *, edition: Edition, built: list, actor: AbstractBaseUser | None, actor_label: str
) -> list[EditionFile]:
    files = []
    for item in built:
        file, _created = EditionFile.objects.update_or_create(
            edition=edition,
            format=item.format,
            language=item.language,
            defaults={
                "file": item.name,
                "sha256": item.sha256,
                "size": item.size,
                "built_at": item.built_at,
            },
        )
        files.append(file)
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="edition.build",
        target=edition,
        changes={
            "files": [
                dataclasses.asdict(item) | {"built_at": item.built_at.isoformat()} for item in built
            ]
        },
    )
    return files


@transaction.atomic
def release_create(
    *, edition: Edition, actor: AbstractBaseUser | None, actor_label: str = ""
) -> DataRelease:
    """The open-data release of an adopted edition, written from its frozen entries (once: an
    edition that already has its release keeps it unchanged)."""
    from .releases import LANGUAGE, frozen_entries, release_info, release_record, write_release

    edition = Edition.objects.get(pk=edition.pk)
    if edition.status != EditionStatus.ADOPTED:
        raise EditionError(_("Only an adopted edition has a data release."))
    existing = DataRelease.objects.filter(edition=edition).first()
    if existing is not None:
        return existing
    with translation.override(LANGUAGE):
        records = [release_record(frozen) for frozen in frozen_entries(edition)]
        info = release_info(edition, count=len(records))
        directory, written = write_release(info=info, records=records)
    release = DataRelease.objects.create(
        edition=edition,
        name=info.name,
        version=info.version,
        title=info.title,
        entry_count=info.count,
        licence_name=info.licence_name,
        licence_url=info.licence_url,
        directory=directory,
        created_at=info.created,
    )
    DataReleaseFile.objects.bulk_create(
        DataReleaseFile(
            release=release,
            name=file.name,
            kind=file.kind,
            media_type=file.media_type,
            sha256=file.sha256,
            size=file.size,
            position=position,
        )
        for position, file in enumerate(written)
    )
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="release.create",
        target=edition,
        changes={"release": [None, release.name], "entries": [None, release.entry_count]},
    )
    return release
