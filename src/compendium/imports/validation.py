"""Member validation: the secretariat asks a Member's focal points to confirm, correct or reject
what partners (or the secretariat) reported about that Member. Confirmed entries become
`member_validated`. A correction (the corrected values and why) or a rejection (why) goes to the
curators' review queue as a proposal, an update or a withdrawal, in a closed survey round named
after the request (`review.corrections`); accepting the Member's correction there makes the entry
`member_validated` too. One open request per Member gathers every entry waiting for its answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from compendium.audit.services import actor_user, audit_record
from compendium.catalog.models import Economy, Entry, Verification, Workflow
from compendium.catalog.services import entry_set_verification
from compendium.review.corrections import (
    CorrectionRefused,
    corrected_data,
    corrected_fields,
    correction_proposal_add,
    correction_response_for,
    correction_round_for,
)
from compendium.review.models import FocalPoint
from compendium.surveys.models import Proposal, ProposalKind, Response, ReviewStatus

from .accepting import require_secretariat
from .models import ValidationAnswer, ValidationItem, ValidationRequest

UNCONFIRMED = (Verification.PARTNER_REPORTED, Verification.SECRETARIAT_COMPILED)
NOT_ASKED_ABOUT = (Workflow.DRAFT, Workflow.WITHDRAWN)
# The Member already answered and the secretariat has not decided yet: not asked again meanwhile.
AWAITING_SECRETARIAT = Q(
    validation_items__proposal__review_status__in=(
        ReviewStatus.PENDING,
        ReviewStatus.CHANGES_REQUESTED,
    )
)
NOTE_MAX = 4000


class ValidationRefused(Exception):
    pass


def entries_to_validate(economy: Economy) -> QuerySet[Entry]:
    """What others said about this Member that it has not confirmed yet."""
    return (
        Entry.objects.filter(economies=economy, verification__in=UNCONFIRMED)
        .exclude(workflow__in=NOT_ASKED_ABOUT)
        .exclude(AWAITING_SECRETARIAT)
        .distinct()
    )


@transaction.atomic
def validation_request(
    *, economy: Economy, actor: AbstractBaseUser | None, message: str = ""
) -> ValidationRequest:
    """Ask (or ask again): the Member's open request gets every entry not in it yet."""
    require_secretariat(actor)
    request = (
        ValidationRequest.objects.select_for_update()
        .filter(economy=economy, closed_at__isnull=True)
        .first()
    )
    asked = set(request.items.values_list("entry_id", flat=True)) if request else set()
    new = [
        pk for pk in entries_to_validate(economy).values_list("pk", flat=True) if pk not in asked
    ]
    if not new:
        raise ValidationRefused(
            _("Nothing about %(economy)s is waiting for its validation.")
            % {"economy": economy.name}
        )
    if request is None:
        request = ValidationRequest.objects.create(
            economy=economy, message=message, requested_by=actor_user(actor)
        )
    elif message:
        request.message = message
        request.save(update_fields=["message"])
    ValidationItem.objects.bulk_create(ValidationItem(request=request, entry_id=pk) for pk in new)
    audit_record(
        actor=actor,
        action="validation.request",
        target=request,
        changes={"economy": [None, economy.code], "entries": [None, sorted(new)]},
        note=message,
    )
    return request


def speaks_for(user: AbstractBaseUser | None, economy_id: int) -> bool:
    if not (user and getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return FocalPoint.objects.filter(user=user, economy_id=economy_id).exists()


def _queue_response(request: ValidationRequest, actor: AbstractBaseUser) -> Response:
    """The Member's response in the round named after this request, which carries its
    corrections and rejections to the review queue."""
    economy = request.economy
    survey_round = correction_round_for(
        slug=f"validation-{request.pk}",
        title=_("Member validation %(reference)s: %(economy)s")
        % {"reference": f"VAL-{request.pk:05d}", "economy": economy.name},
        deadline=timezone.localdate(request.created_at),
        actor=actor,
    )
    return correction_response_for(survey_round=survey_round, label=economy.name, economy=economy)


def _proposal_for(
    item: ValidationItem,
    user: AbstractBaseUser,
    answer: str,
    reason: str,
    corrected: Mapping[str, Any] | None,
) -> tuple[Proposal, list[str]]:
    """A correction becomes an update with the corrected values; a rejection a withdrawal.
    Returns the proposal and the fields corrected."""
    entry = item.entry
    data, fields = None, []
    if answer == ValidationAnswer.CORRECTED:
        if not corrected:
            raise ValidationRefused(_("Give the corrected values."))
        if entry.workflow == Workflow.WITHDRAWN:
            raise ValidationRefused(
                _("This entry was withdrawn since; there is nothing to correct.")
            )
        try:
            data = corrected_data(entry, corrected)
        except CorrectionRefused as refused:
            raise ValidationRefused(str(refused)) from refused
        fields = corrected_fields(entry, data)
    proposal = correction_proposal_add(
        response=_queue_response(item.request, user),
        entry=entry,
        kind=ProposalKind.UPDATE if answer == ValidationAnswer.CORRECTED else ProposalKind.WITHDRAW,
        data=data,
        reason=reason,
        who=f"{user.get_username()} ({item.request.economy.name})",
        fields=fields,
    )
    return proposal, fields


def _checked_note(answer: str, note: str) -> str:
    note = note.strip()
    if answer != ValidationAnswer.CONFIRMED and not note:
        raise ValidationRefused(
            _("Say what is wrong (or give the correction), so the secretariat can act on it.")
        )
    if len(note) > NOTE_MAX:
        raise ValidationRefused(
            _("Keep it under %(max)s characters (it has %(length)s).")
            % {"max": NOTE_MAX, "length": len(note)}
        )
    return note


@transaction.atomic
def validation_answer(
    *,
    item: ValidationItem,
    user: AbstractBaseUser,
    answer: str,
    note: str = "",
    corrected: Mapping[str, Any] | None = None,
) -> ValidationItem:
    """The focal point's word on one entry. Only a focal point of that Member may give it.
    Confirmed: the entry becomes `member_validated` now. Corrected (`corrected` holds the new
    values, `note` why) or rejected (`note` why): a proposal waits in the review queue, and the
    entry changes only when a curator accepts it. All or nothing."""
    # The request first (then the item): its corrections round and response are made once.
    request = ValidationRequest.objects.select_for_update().get(pk=item.request_id)
    item = (
        ValidationItem.objects.select_for_update(of=("self",))
        .select_related("request__economy", "entry")
        .get(pk=item.pk)
    )
    if not speaks_for(user, request.economy_id):
        raise PermissionDenied(_("Only a focal point of this Member can validate its entries."))
    if answer not in (
        ValidationAnswer.CONFIRMED,
        ValidationAnswer.CORRECTED,
        ValidationAnswer.REJECTED,
    ):
        raise ValidationRefused(_("Choose: confirm, correct or reject."))
    if item.answer:
        raise ValidationRefused(_("This entry was already answered."))
    if not item.entry.economies.filter(pk=request.economy_id).exists():
        raise ValidationRefused(
            _("This entry is no longer about %(economy)s.") % {"economy": request.economy.name}
        )
    note = _checked_note(answer, note)
    fields: list[str] = []
    if answer != ValidationAnswer.CONFIRMED:
        item.proposal, fields = _proposal_for(item, user, answer, note, corrected)
    item.answer, item.note = answer, note
    item.answered_by, item.answered_at = user, timezone.now()
    item.save()
    if answer == ValidationAnswer.CONFIRMED:
        entry_set_verification(
            entry=item.entry,
            actor=user,
            verification=Verification.MEMBER_VALIDATED,
            note=_("Confirmed by the Member's focal point (%(ref)s).") % {"ref": request},
        )
    audit_record(
        actor=user,
        action="validation.answer",
        target=item.entry,
        changes={"answer": [None, answer], "proposal": item.proposal_id, "fields": fields},
        note=note,
    )
    if not request.items.filter(answer="").exists():
        request.closed_at = timezone.now()
        request.save(update_fields=["closed_at"])
    return item
