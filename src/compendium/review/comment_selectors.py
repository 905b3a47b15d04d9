"""Reads for the member review of editions, scoped to who asks: the secretariat sees every
comment; a focal point sees the circulated editions and the comments of their own economy or
organisation; anyone else sees nothing."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import Count, Q, QuerySet

from compendium.publishing.models import Edition, EditionEntry, EditionStatus, Part

from .models import CommentStatus, EditionComment, FocalPoint
from .rules import can_comment_on_editions, can_resolve_comments

STATUS_FILTERS = ("open", "resolved", "all")


def circulated_editions(*, user: Any) -> QuerySet[Edition]:
    if not can_comment_on_editions(user):
        return Edition.objects.none()
    return Edition.objects.filter(status=EditionStatus.CIRCULATED).order_by("-date", "-pk")


def circulated_edition(*, user: Any, pk: int) -> Edition | None:
    return circulated_editions(user=user).filter(pk=pk).first()


def edition_for_secretariat(*, user: Any, pk: int) -> Edition | None:
    """Any edition that was circulated (its comments stay readable after adoption)."""
    if not can_resolve_comments(user):
        return None
    return Edition.objects.exclude(status=EditionStatus.IN_PREPARATION).filter(pk=pk).first()


def edition_entry(*, edition: Edition, pk: int) -> EditionEntry | None:
    return edition.entries.select_related("entry").filter(pk=pk).first()


def comment_in_edition(*, user: Any, edition: Edition, pk: int) -> EditionComment | None:
    if not can_resolve_comments(user):
        return None
    return edition.comments.filter(pk=pk).first()


def comments_visible_to(*, user: Any, edition: Edition) -> QuerySet[EditionComment]:
    comments = edition.comments.select_related("resolved_by", "proposal")
    if can_resolve_comments(user):
        return comments
    if not can_comment_on_editions(user):
        return comments.none()
    mine = FocalPoint.objects.filter(user=user)
    economies = mine.filter(economy__isnull=False).values("economy_id")
    organizations = mine.filter(organization__isnull=False).values("organization_id")
    return comments.filter(
        Q(author=user) | Q(author_economy__in=economies) | Q(author_organization__in=organizations)
    )


@dataclass(frozen=True)
class PartOfEdition:
    part: str
    label: str
    entries: list[EditionEntry]


def entries_by_part(*, edition: Edition) -> list[PartOfEdition]:
    """The frozen entries in document order, in the document's parts."""
    entries = edition.entries.select_related("entry").order_by("position")
    labels = dict(Part.choices)
    return [
        PartOfEdition(part=part, label=str(labels[part]), entries=list(rows))
        for part, rows in groupby(entries, key=lambda row: row.part)
    ]


@dataclass(frozen=True)
class EntryComments:
    """The comments on one entry (`entry` None: on the whole edition), with its counts."""

    entry: EditionEntry | None
    comments: list[EditionComment]
    open_count: int
    resolved_count: int


def comment_counts(*, edition: Edition) -> dict[str, int]:
    counts = edition.comments.aggregate(
        open=Count("pk", filter=Q(status=CommentStatus.OPEN)),
        resolved=Count("pk", filter=Q(status=CommentStatus.RESOLVED)),
    )
    return {"open": counts["open"] or 0, "resolved": counts["resolved"] or 0}


def comments_by_entry(*, user: Any, edition: Edition, status: str) -> list[EntryComments]:
    """For the secretariat: the whole edition first, then each commented entry in document
    order, each with the comments in the chosen state and its open and resolved counts."""
    if not can_resolve_comments(user):
        return []
    every = list(
        edition.comments.select_related("entry", "resolved_by", "proposal").order_by(
            "entry__position", "created_at", "pk"
        )
    )
    groups = []
    for _key, rows in groupby(every, key=lambda c: c.entry_id):
        rows = list(rows)
        shown = [c for c in rows if status == "all" or c.status == status]
        if not shown:
            continue
        groups.append(
            EntryComments(
                entry=rows[0].entry,
                comments=shown,
                open_count=sum(c.status == CommentStatus.OPEN for c in rows),
                resolved_count=sum(c.status == CommentStatus.RESOLVED for c in rows),
            )
        )
    # Comments on the whole edition (no entry) sort last in SQL on some databases: put them first.
    groups.sort(key=lambda g: (g.entry is not None, g.entry.position if g.entry else 0))
    return groups
