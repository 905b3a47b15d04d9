"""Every read of the imports pages, for the secretariat only (anyone else sees nothing)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from compendium.catalog.models import Entry
from compendium.review.models import FocalPoint

from .models import (
    BatchStatus,
    Decision,
    ImportBatch,
    ImportRow,
    ValidationAnswer,
    ValidationItem,
    ValidationRequest,
)

ROW_FILTERS = {
    "all": Q(),
    "errors": ~Q(errors=[]),
    "warnings": ~Q(warnings=[]),
    "suggestions": ~Q(suggestions={}),
    "duplicates": ~Q(matches=[]),
    "undecided": Q(decision=Decision.UNDECIDED),
}


def _may_import(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("catalog.change_entry"))


def batches_for(*, user: Any) -> QuerySet[ImportBatch]:
    if not _may_import(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.defer("content").select_related("organization", "created_by")


def batch_for(*, user: Any, pk: int) -> ImportBatch | None:
    return batches_for(user=user).filter(pk=pk).first()


def batch_rows(*, batch: ImportBatch, show: str = "all") -> QuerySet[ImportRow]:
    return batch.rows.filter(ROW_FILTERS.get(show, Q())).select_related("merge_into", "entry")


def row_for(*, batch: ImportBatch, number: int) -> ImportRow | None:
    return batch.rows.select_related("batch").filter(number=number).first()


def waiting_batches_count(*, user: Any) -> int:
    return batches_for(user=user).filter(status=BatchStatus.READY).count()


def entries_named(*, user: Any, ids: list[int]) -> dict[int, Entry]:
    """The entries a page of rows mentions as duplicates (the secretariat sees every state)."""
    if not _may_import(user):
        return {}
    return Entry.objects.in_bulk(ids)


def open_items_for(user: AbstractBaseUser) -> QuerySet[ValidationItem]:
    """What the focal point is asked to validate, for every Member they speak for."""
    if not (user and user.is_authenticated):
        return ValidationItem.objects.none()
    economies = FocalPoint.objects.filter(user=user, economy__isnull=False).values("economy_id")
    return (
        ValidationItem.objects.filter(request__economy_id__in=economies, answer="")
        .select_related("request__economy", "entry")
        .prefetch_related("entry__sources__organization", "entry__economies")
    )


def sent_items_for(user: AbstractBaseUser) -> QuerySet[ValidationItem]:
    """The corrections and rejections the focal point's Members sent to the secretariat, with
    the review queue's decision on each, newest first."""
    if not (user and user.is_authenticated):
        return ValidationItem.objects.none()
    economies = FocalPoint.objects.filter(user=user, economy__isnull=False).values("economy_id")
    return (
        ValidationItem.objects.filter(
            request__economy_id__in=economies,
            answer__in=(ValidationAnswer.CORRECTED, ValidationAnswer.REJECTED),
        )
        .select_related("request__economy", "entry", "proposal")
        .order_by("-answered_at", "-pk")
    )


def requests_for(user: AbstractBaseUser) -> QuerySet[ValidationRequest]:
    if not (user and user.is_authenticated and user.has_perm("catalog.change_entry")):
        return ValidationRequest.objects.none()
    return ValidationRequest.objects.select_related("economy").prefetch_related(
        "items__entry", "items__proposal"
    )


def economies_to_validate(*, user: AbstractBaseUser) -> list[tuple[str, str, int]]:
    """(code, name, entries waiting) for every Member with unconfirmed entries about it."""
    if not _may_import(user):
        return []
    from django.db.models import Count

    from .validation import AWAITING_SECRETARIAT, NOT_ASKED_ABOUT, UNCONFIRMED

    rows = (
        Entry.objects.filter(verification__in=UNCONFIRMED, economies__isnull=False)
        .exclude(workflow__in=NOT_ASKED_ABOUT)
        .exclude(AWAITING_SECRETARIAT)
        .values_list("economies__code", "economies__name_en")
        .annotate(waiting=Count("pk", distinct=True))
        .order_by("economies__name_en")
    )
    return list(rows)
