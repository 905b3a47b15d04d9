"""Corrections that reach the curators' review queue from outside a survey: a focal point's
correction of a circulated edition, a Member's answer to a validation request. Each occasion gets
one closed survey round (never offered in the survey workspace, only seen by curators), each
respondent one submitted response in it, and each correction a proposal there, so the queue shows
it and `services.proposal_accept` applies it like any survey proposal (one queue, one way of
accepting). Called inside the caller's transaction, after its own checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from compendium.catalog.models import Economy, Entry, Organization
from compendium.catalog.services import (
    entry_data_from_dict,
    entry_data_of,
    entry_data_problems,
    entry_data_to_dict,
)
from compendium.surveys.models import (
    Proposal,
    ProposalKind,
    Response,
    ResponseChange,
    ReviewStatus,
    Round,
)
from compendium.surveys.services import (
    questionnaire_latest,
    questionnaire_load,
    round_close,
    round_open,
)

# What a focal point may correct outside the survey; anything else goes in their reason.
CORRECTABLE_FIELDS = ("title", "description", "status", "start_year", "end_year")


class CorrectionRefused(Exception):
    """The corrected values cannot be proposed; the message says why."""


def correction_round_for(
    *, slug: str, title: str, deadline: date, actor: AbstractBaseUser | None
) -> Round:
    """The round that carries one occasion's corrections, created (closed at once) the first
    time. The caller holds a lock on the occasion, so two corrections cannot both create it."""
    existing = Round.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    questionnaire = questionnaire_latest() or questionnaire_load()[0]
    survey_round = round_open(
        actor=actor, title=title[:200], slug=slug, deadline=deadline, questionnaire=questionnaire
    )
    return round_close(actor=actor, survey_round=survey_round)


def correction_response_for(
    *,
    survey_round: Round,
    label: str,
    economy: Economy | None = None,
    organization: Organization | None = None,
) -> Response:
    """The respondent's response in a corrections round, locked: submitted from the start, since
    each correction is sent as soon as it is made."""
    code = economy.code if economy is not None else organization.slug.upper()
    response, _created = Response.objects.get_or_create(
        round=survey_round,
        economy=economy,
        organization=organization,
        defaults={
            "status": Response.Status.SUBMITTED,
            "submitted_at": timezone.now(),
            "submitted_by": label[:200],
            "reference": f"{survey_round.slug.upper()}-{code}"[:40],
        },
    )
    return Response.objects.select_for_update().get(pk=response.pk)


def corrected_data(entry: Entry, corrected: Mapping[str, Any]) -> dict[str, Any]:
    """The entry as recorded with the corrected values written in (only the correctable ones),
    checked like any entry; refused when nothing would change."""
    recorded = entry_data_to_dict(entry_data_of(entry))
    changes = {k: v for k, v in corrected.items() if k in CORRECTABLE_FIELDS}
    data = {**recorded, **changes}
    problems = entry_data_problems(entry_data_from_dict(data))
    if problems:
        raise CorrectionRefused(
            " ".join(str(message) for messages in problems.values() for message in messages)
        )
    if all(recorded.get(k) == v for k, v in changes.items()):
        raise CorrectionRefused(
            _("Change at least one value: the correction is the same as the entry.")
        )
    return data


def corrected_fields(entry: Entry, data: Mapping[str, Any]) -> list[str]:
    recorded = entry_data_to_dict(entry_data_of(entry))
    return sorted(k for k in CORRECTABLE_FIELDS if data.get(k) != recorded.get(k))


def correction_proposal_add(
    *,
    response: Response,
    entry: Entry,
    kind: str,
    reason: str,
    who: str,
    data: Mapping[str, Any] | None = None,
    fields: Iterable[str] = (),
) -> Proposal:
    """A submitted proposal (an "update" with the corrected values, or a "withdraw") waiting for
    review, recorded in the response's history like a respondent's own change."""
    if kind not in (ProposalKind.UPDATE, ProposalKind.WITHDRAW):
        raise ValueError(f"A correction is an update or a withdrawal, not {kind!r}")
    position = (
        response.proposals.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    proposal = Proposal.objects.create(
        response=response,
        entry=entry,
        kind=kind,
        data=dict(data or {}),
        reason=reason,
        position=position,
        review_status=ReviewStatus.PENDING,
        submitted_version=1,
        updated_by=who[:200],
    )
    ResponseChange.objects.create(
        response=response,
        proposal=proposal,
        who=who[:200],
        action="proposal.add",
        fields=list(fields),
    )
    Response.objects.filter(pk=response.pk).update(version=F("version") + 1)
    return proposal
