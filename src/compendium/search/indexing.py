"""Writes to the search index. Called inside the catalog's write services (so the index changes
in the same transaction as the entry) and by `compendium rebuild_index`."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from compendium.catalog.models import Entry

from .backends import get_backend
from .documents import document_of, entries_for_indexing, facets_of
from .models import EntryDocument, EntryFacet, IndexState

BATCH = 500


def _bump_generation() -> None:
    # A random token, not a counter: a rolled-back write must never leave behind a number that a
    # later write reuses, or counts cached under it would be served for a different index.
    token = secrets.randbits(62)
    if not IndexState.objects.filter(pk=1).update(generation=token):
        IndexState.objects.update_or_create(pk=1, defaults={"generation": token})


def index_generation() -> int:
    # Read on every search and every cached page: plain SQL, a fifth of the ORM's cost.
    with connection.cursor() as cursor:
        cursor.execute("SELECT generation FROM search_indexstate WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def _write(entries: list[Entry]) -> None:
    ids = [e.pk for e in entries]
    EntryDocument.objects.filter(entry_id__in=ids).delete()
    EntryFacet.objects.filter(entry_id__in=ids).delete()
    EntryDocument.objects.bulk_create(document_of(e) for e in entries)
    EntryFacet.objects.bulk_create(f for e in entries for f in facets_of(e))


@transaction.atomic
def search_index_update(*, entry_ids: Iterable[int]) -> None:
    """Re-index these entries (their text, facets and visibility) from the catalog."""
    ids = sorted(set(entry_ids))
    for start in range(0, len(ids), BATCH):
        _write(list(entries_for_indexing(ids[start : start + BATCH])))
    if ids:
        _bump_generation()


@transaction.atomic
def search_index_remove(*, entry_ids: Iterable[int]) -> None:
    ids = list(entry_ids)
    EntryDocument.objects.filter(entry_id__in=ids).delete()
    EntryFacet.objects.filter(entry_id__in=ids).delete()
    _bump_generation()


def search_index_rebuild(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index, in batches (each its own transaction), reporting progress."""
    total = Entry.objects.count()
    with transaction.atomic():
        EntryFacet.objects.all().delete()
        EntryDocument.objects.all().delete()
    get_backend().before_rebuild()
    done = 0
    ids = list(Entry.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            batch = list(entries_for_indexing(ids[start : start + BATCH]))
            EntryDocument.objects.bulk_create(document_of(e) for e in batch)
            EntryFacet.objects.bulk_create(f for e in batch for f in facets_of(e))
        done += len(batch)
        if progress:
            progress(done, total)
    get_backend().after_bulk_write()
    with transaction.atomic():
        _bump_generation()
    return done


def search_index_optimise() -> None:
    """After a bulk load: compact the engine's index and refresh the query planner's statistics,
    without which it may pick a plan that reads every document."""
    get_backend().after_bulk_write()


def entries_affected_by(obj: object) -> list[int]:
    """Entries whose document shows this reference row (a renamed economy, a relabelled term)."""
    from django.db.models import Q

    from compendium.catalog.models import (
        ContributorType,
        Economy,
        GenderFocus,
        InstrumentType,
        Organization,
        PolicyArea,
        Region,
        TargetGroup,
        WorkingGroup,
    )

    lookups: dict[type, Q] = {
        Economy: Q(economies=obj) | Q(contributor_economy=obj),
        Organization: Q(organizations=obj) | Q(contributor_organization=obj),
        PolicyArea: Q(policy_areas=obj),
        TargetGroup: Q(target_groups=obj),
        InstrumentType: Q(instrument_type=obj),
        GenderFocus: Q(gender_focus=obj),
        ContributorType: Q(contributor_type=obj),
        Region: Q(economies__region=obj) | Q(contributor_economy__region=obj),
        WorkingGroup: Q(economies__working_groups=obj) | Q(contributor_economy__working_groups=obj),
    }
    condition = lookups.get(type(obj))
    if condition is None:
        return []
    return list(Entry.objects.filter(condition).values_list("pk", flat=True).distinct())
