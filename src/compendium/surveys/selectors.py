"""Reads of the survey, scoped: a link opens only its own response; the secretariat sees all."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Invitation, InvitationState, Proposal, Response, Round
from .tokens import token_hash, token_looks_valid


class InvitationRefused(Exception):
    """The link cannot open the survey; the message says why and what to do."""


def invitation_for_token(token: str) -> Invitation:
    refused = InvitationRefused(
        _(
            "This link is not valid. Check that you copied the whole link "
            "from the e-mail, or ask the Secretariat for a new one."
        )
    )
    if not token_looks_valid(token):
        raise refused
    invitation = (
        Invitation.objects.select_related(
            "response", "round", "response__economy", "response__organization"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise refused
    if invitation.revoked_at is not None:
        raise InvitationRefused(
            _(
                "This link was withdrawn by the Secretariat. If you still need "
                "to answer, ask the Secretariat for a new link."
            )
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationRefused(
            _(
                "This link expired on %(date)s. Ask the Secretariat for a new "
                "one; your saved work is kept."
            )
            % {"date": f"{invitation.expires_at:%d %B %Y}"}
        )
    return invitation


def invitation_by_id(pk: int) -> Invitation | None:
    """For a session that already opened a link: still valid, else None."""
    invitation = Invitation.objects.select_related("response", "round").filter(pk=pk).first()
    if invitation is None or invitation.revoked_at or invitation.expires_at <= timezone.now():
        return None
    return invitation


def proposals_of(*, response: Response) -> QuerySet[Proposal]:
    return response.proposals.select_related("entry").order_by("position", "id")


def proposal_of(*, response: Response, pk: int) -> Proposal | None:
    """A proposal only if it belongs to this response: another economy's id finds nothing."""
    return proposals_of(response=response).filter(pk=pk).first()


@dataclass
class RespondentStatus:
    response: Response
    state: str
    invitations: int
    last_activity: object
    reminders: int


def round_status(*, survey_round: Round) -> list[RespondentStatus]:
    """One row per respondent: the most advanced state among its invitations."""
    order = [
        InvitationState.NOT_OPENED,
        InvitationState.OPENED,
        InvitationState.IN_PROGRESS,
        InvitationState.SUBMITTED,
    ]
    rows = []
    responses = (
        Response.objects.filter(round=survey_round)
        .select_related("economy__region", "organization__kind")
        .prefetch_related("invitations")
        .annotate(
            n_invitations=Count("invitations"), last_activity=Max("invitations__last_activity_at")
        )
    )
    for response in responses:
        invitations = [i for i in response.invitations.all() if i.revoked_at is None]
        states = [i.state for i in invitations] or [InvitationState.NOT_OPENED]
        state = max(states, key=order.index)
        if response.status == Response.Status.SUBMITTED:
            state = InvitationState.SUBMITTED
        rows.append(
            RespondentStatus(
                response=response,
                state=state,
                invitations=len(invitations),
                last_activity=response.last_activity,
                reminders=sum(i.reminders_sent for i in invitations),
            )
        )
    rows.sort(key=lambda r: str(r.response.respondent))
    return rows


def invitations_to_remind(*, survey_round: Round) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            round=survey_round, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .exclude(email="")
        .exclude(response__status=Response.Status.SUBMITTED)
        .filter(Q(role="focal_point"))
    )
