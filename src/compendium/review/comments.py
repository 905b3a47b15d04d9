"""Member review of a circulated edition: comments on its entries or on the whole, their
resolution by the secretariat, and the corrections an entry's own focal point asks for, which
reach the curators' review queue as survey proposals of kind "update" (one queue, one way of
accepting). Each service is keyword-only, one transaction, with an audit record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compendium.audit.services import audit_record
from compendium.catalog.models import Economy, Entry, Organization, Workflow
from compendium.publishing.models import Edition, EditionEntry, EditionStatus
from compendium.surveys.models import ProposalKind, Round

from .corrections import (
    CorrectionRefused,
    corrected_data,
    corrected_fields,
    correction_proposal_add,
    correction_response_for,
    correction_round_for,
)
from .models import CommentKind, CommentStatus, EditionComment, FocalPoint
from .rules import can_comment_on_editions, can_resolve_comments, is_secretariat

TEXT_MAX = 4000


class CommentRefused(Exception):
    """The comment, resolution or correction cannot be made; the message says why."""


@dataclass(frozen=True)
class Speaker:
    """Who a comment speaks for: an economy, an organisation, or the secretariat."""

    label: str
    economy: Economy | None = None
    organization: Organization | None = None


def _locked_circulated(edition: Edition) -> Edition:
    current = Edition.objects.select_for_update().get(pk=edition.pk)
    if current.status != EditionStatus.CIRCULATED:
        raise CommentRefused(
            _("Only a circulated edition takes comments; %(symbols)s is %(status)s.")
            % {"symbols": current.full_symbols, "status": current.get_status_display().lower()}
        )
    return current


def _clean_text(text: str, *, required: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CommentRefused(required)
    if len(text) > TEXT_MAX:
        raise CommentRefused(
            _("Keep it under %(max)s characters (it has %(length)s).")
            % {"max": TEXT_MAX, "length": len(text)}
        )
    return text


def _entry_of(edition: Edition, entry: EditionEntry | None) -> EditionEntry | None:
    """The frozen entry, if it really belongs to this edition (a forged id is refused)."""
    if entry is None:
        return None
    if entry.edition_id != edition.pk:
        raise CommentRefused(_("This entry is not part of this edition."))
    return entry


def focal_points_of(user: AbstractBaseUser) -> list[FocalPoint]:
    return list(
        FocalPoint.objects.filter(user=user)
        .select_related("economy", "organization")
        .order_by("organization_id", "economy_id")
    )


def speaker_of(user: AbstractBaseUser) -> Speaker:
    """The secretariat speaks as such; a focal point for their (first) economy or organisation."""
    if is_secretariat(user):
        return Speaker(label=_("WTO Secretariat"))
    for focal in focal_points_of(user):
        return Speaker(
            label=str(focal.economy or focal.organization),
            economy=focal.economy,
            organization=focal.organization,
        )
    raise PermissionDenied


def entry_belongs_to(entry: Entry, focal: FocalPoint) -> bool:
    """The entry is about (or contributed by) the focal point's economy or organisation: the same
    rule as the survey's recorded entries."""
    if focal.economy_id:
        return entry.contributor_economy_id == focal.economy_id or (
            entry.economies.filter(pk=focal.economy_id).exists()
        )
    return entry.contributor_organization_id == focal.organization_id or (
        entry.organizations.filter(pk=focal.organization_id).exists()
    )


def own_focal_point(user: AbstractBaseUser, entry: Entry) -> FocalPoint | None:
    """The user's focal-point role that this entry belongs to, if any."""
    return next((f for f in focal_points_of(user) if entry_belongs_to(entry, f)), None)


def _speaker_for_entry(user: AbstractBaseUser, entry: EditionEntry | None) -> Speaker:
    """A focal point of several respondents speaks, on an entry, for the one it belongs to."""
    if entry is not None and not is_secretariat(user):
        focal = own_focal_point(user, entry.entry)
        if focal is not None:
            return Speaker(
                str(focal.economy or focal.organization), focal.economy, focal.organization
            )
    return speaker_of(user)


@transaction.atomic
def comment_add(
    *,
    edition: Edition,
    author: AbstractBaseUser,
    text: str,
    entry: EditionEntry | None = None,
) -> EditionComment:
    """A comment on one entry of a circulated edition, or (no `entry`) on the whole."""
    if not can_comment_on_editions(author):
        raise PermissionDenied
    edition = _locked_circulated(edition)
    entry = _entry_of(edition, entry)
    text = _clean_text(text, required=_("Write your comment."))
    speaker = _speaker_for_entry(author, entry)
    comment = EditionComment.objects.create(
        edition=edition,
        entry=entry,
        author=author,
        author_label=speaker.label[:200],
        author_economy=speaker.economy,
        author_organization=speaker.organization,
        text=text,
    )
    audit_record(
        actor=author,
        action="edition_comment.add",
        target=comment,
        changes={"edition": edition.full_symbols, "entry": entry.entry_id if entry else None},
        note=text,
    )
    return comment


@transaction.atomic
def comment_resolve(
    *, comment: EditionComment, actor: AbstractBaseUser, note: str = ""
) -> EditionComment:
    """The secretariat marks a comment as dealt with, saying how. Resolving twice changes
    nothing (a double click, two tabs)."""
    if not can_resolve_comments(actor):
        raise PermissionDenied
    current = EditionComment.objects.select_for_update().get(pk=comment.pk)
    if current.is_resolved:
        return current
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise CommentRefused(
            _("Keep the note under %(max)s characters (it has %(length)s).")
            % {"max": TEXT_MAX, "length": len(note)}
        )
    current.status = CommentStatus.RESOLVED
    current.resolved_by = actor
    current.resolved_at = timezone.now()
    current.resolution = note
    current.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    audit_record(
        actor=actor,
        action="edition_comment.resolve",
        target=current,
        changes={"status": [CommentStatus.OPEN, CommentStatus.RESOLVED]},
        note=note,
    )
    return current


# --- corrections ---------------------------------------------------------------------------------


def _corrections_round(edition: Edition, actor: AbstractBaseUser) -> Round:
    """The survey round that carries the corrections asked on this edition."""
    return correction_round_for(
        slug=f"edition-{edition.pk}-corrections",
        title=_("Corrections asked on %(symbols)s") % {"symbols": edition.full_symbols},
        deadline=edition.date,
        actor=actor,
    )


@transaction.atomic
def correction_request(
    *,
    edition: Edition,
    entry: EditionEntry,
    author: AbstractBaseUser,
    corrected: Mapping[str, Any],
    reason: str,
) -> EditionComment:
    """An entry's own focal point asks for a correction: it goes to the review queue as a
    proposal of kind "update" with their values (accepted there like any survey correction), and
    shows among the edition's comments with their reason."""
    if not can_comment_on_editions(author):
        raise PermissionDenied
    edition = _locked_circulated(edition)
    entry = _entry_of(edition, entry)
    live = Entry.objects.get(pk=entry.entry_id)
    focal = own_focal_point(author, live)
    if focal is None:
        raise CommentRefused(
            _(
                "Only a focal point of the economy or organisation this entry belongs to can ask "
                "for its correction. Leave a comment instead."
            )
        )
    if live.workflow == Workflow.WITHDRAWN:
        raise CommentRefused(_("This entry was withdrawn since; there is nothing to correct."))
    reason = _clean_text(reason, required=_("Say what is wrong and why, for the secretariat."))
    try:
        data = corrected_data(live, corrected)
    except CorrectionRefused as refused:
        raise CommentRefused(str(refused)) from refused
    label = str(focal.economy or focal.organization)
    fields = corrected_fields(live, data)
    response = correction_response_for(
        survey_round=_corrections_round(edition, author),
        label=label,
        economy=focal.economy,
        organization=focal.organization,
    )
    proposal = correction_proposal_add(
        response=response,
        entry=live,
        kind=ProposalKind.UPDATE,
        data=data,
        reason=reason,
        who=f"{author.get_username()} ({label})",
        fields=fields,
    )
    comment = EditionComment.objects.create(
        edition=edition,
        entry=entry,
        kind=CommentKind.CORRECTION,
        author=author,
        author_label=label[:200],
        author_economy=focal.economy,
        author_organization=focal.organization,
        text=reason,
        proposal=proposal,
    )
    audit_record(
        actor=author,
        action="edition_comment.correction_request",
        target=comment,
        changes={"edition": edition.full_symbols, "entry": live.slug, "fields": fields},
        note=reason,
    )
    return comment
