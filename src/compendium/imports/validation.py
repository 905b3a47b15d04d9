"""Member validation: the secretariat asks a Member's focal points to confirm, correct or reject
what partners (or the secretariat) reported about that Member. Confirmed entries become
`member_validated`; corrections and rejections go back to the secretariat with the focal
point's words. One open request per Member gathers every entry waiting for its answer."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from compendium.audit.services import actor_user, audit_record
from compendium.catalog.models import Economy, Entry, Verification, Workflow
from compendium.catalog.services import entry_set_verification
from compendium.review.models import FocalPoint

from .accepting import require_secretariat
from .models import ValidationAnswer, ValidationItem, ValidationRequest

UNCONFIRMED = (Verification.PARTNER_REPORTED, Verification.SECRETARIAT_COMPILED)
NOT_ASKED_ABOUT = (Workflow.DRAFT, Workflow.WITHDRAWN)


class ValidationRefused(Exception):
    pass


def entries_to_validate(economy: Economy) -> QuerySet[Entry]:
    """What others said about this Member that it has not confirmed yet."""
    return (
        Entry.objects.filter(economies=economy, verification__in=UNCONFIRMED)
        .exclude(workflow__in=NOT_ASKED_ABOUT)
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


@transaction.atomic
def validation_answer(
    *, item: ValidationItem, user: AbstractBaseUser, answer: str, note: str = ""
) -> ValidationItem:
    """The focal point's word on one entry. Only a focal point of that Member may give it."""
    item = (
        ValidationItem.objects.select_for_update()
        .select_related("request", "entry")
        .get(pk=item.pk)
    )
    if not speaks_for(user, item.request.economy_id):
        raise PermissionDenied(_("Only a focal point of this Member can validate its entries."))
    if answer not in (
        ValidationAnswer.CONFIRMED,
        ValidationAnswer.CORRECTED,
        ValidationAnswer.REJECTED,
    ):
        raise ValidationRefused(_("Choose: confirm, correct or reject."))
    note = note.strip()
    if answer != ValidationAnswer.CONFIRMED and not note:
        raise ValidationRefused(
            _("Say what is wrong (or give the correction), so the secretariat can act on it.")
        )
    if item.answer:
        raise ValidationRefused(_("This entry was already answered."))
    item.answer, item.note = answer, note
    item.answered_by, item.answered_at = user, timezone.now()
    item.save()
    if answer == ValidationAnswer.CONFIRMED:
        entry_set_verification(
            entry=item.entry,
            actor=user,
            verification=Verification.MEMBER_VALIDATED,
            note=_("Confirmed by the Member's focal point (%(ref)s).") % {"ref": item.request},
        )
    audit_record(
        actor=user,
        action="validation.answer",
        target=item.entry,
        changes={"answer": [None, answer]},
        note=note,
    )
    request = item.request
    if not request.items.filter(answer="").exists():
        request.closed_at = timezone.now()
        request.save(update_fields=["closed_at"])
    return item
