"""Reads of the survey, scoped: a link opens only its own response; the secretariat sees all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from compendium.catalog.models import ContributorType, Economy, Organization, Region
from compendium.catalog.services import entry_data_of, entry_data_to_dict
from compendium.review.models import FocalPoint

from .models import (
    Invitation,
    InvitationRole,
    InvitationState,
    Proposal,
    Questionnaire,
    Response,
    ResponseChange,
    ReviewStatus,
    Round,
    RoundStatus,
)
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
    _check_usable(invitation)
    return invitation


def _check_usable(invitation: Invitation) -> None:
    """Refuse a withdrawn or expired link, saying why and what to do."""
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
            % {"date": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT")}
        )


def invitation_in_session(pk: int) -> Invitation:
    """The invitation a session opened, refused (with the reason) once revoked or expired."""
    invitation = (
        Invitation.objects.select_related(
            "response__round__questionnaire", "response__economy", "response__organization"
        )
        .filter(pk=pk)
        .first()
    )
    if invitation is None:
        raise InvitationRefused(
            _("This link is no longer valid. Ask the Secretariat for a new one.")
        )
    _check_usable(invitation)
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


# --- the workspace -------------------------------------------------------------------------------


def open_round() -> Round | None:
    """The round a signed-in focal point answers: the most recent open one."""
    return (
        Round.objects.filter(status=RoundStatus.OPEN)
        .select_related("questionnaire")
        .order_by("-created_at", "-pk")
        .first()
    )


def focal_point_scope(*, user: AbstractBaseUser) -> FocalPoint | None:
    """The economy or organisation a signed-in user answers for (economies first)."""
    if not user.is_authenticated:
        return None
    return (
        FocalPoint.objects.filter(user=user)
        .select_related("economy", "organization")
        .order_by("organization_id", "economy_id")
        .first()
    )


def user_invitation(
    *,
    user: AbstractBaseUser,
    survey_round: Round,
    economy: Economy | None,
    organization: Organization | None,
) -> Invitation | None:
    """A signed-in focal point's own invitation for this round, revoked or not."""
    return (
        Invitation.objects.select_related(
            "response__round__questionnaire", "response__economy", "response__organization"
        )
        .filter(
            user=user,
            round=survey_round,
            response__economy=economy,
            response__organization=organization,
        )
        .order_by("pk")
        .first()
    )


def proposals_with_sources(*, response: Response) -> QuerySet[Proposal]:
    """The response's proposals, each recorded entry with its sources (shown as provenance)."""
    return proposals_of(response=response).prefetch_related(
        "entry__sources__organization", "entry__sources__economy"
    )


def recorded_values(*, proposal: Proposal) -> dict[str, Any]:
    """What the catalog holds now for a recorded entry, in the shape of a proposal's data."""
    if proposal.entry is None:
        return {}
    return entry_data_to_dict(entry_data_of(proposal.entry))


def response_changes(*, response: Response, limit: int = 10) -> list[ResponseChange]:
    return list(
        response.changes.select_related("proposal__entry").order_by("-created_at", "-id")[:limit]
    )


def people_with_access(*, response: Response) -> QuerySet[Invitation]:
    return response.invitations.select_related("invited_by").order_by("created_at", "pk")


def colleague_of(*, response: Response, pk: int) -> Invitation | None:
    """A colleague's invitation, only if it is for this response."""
    return response.invitations.filter(pk=pk, role=InvitationRole.COLLEAGUE).first()


# --- the secretariat -----------------------------------------------------------------------------


def rounds_with_counts() -> QuerySet[Round]:
    return (
        Round.objects.select_related("questionnaire")
        .annotate(
            n_responses=Count("responses", distinct=True),
            n_submitted=Count(
                "responses",
                filter=Q(responses__status=Response.Status.SUBMITTED),
                distinct=True,
            ),
            n_invitations=Count("invitations", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def round_by_slug(*, slug: str) -> Round | None:
    return Round.objects.select_related("questionnaire").filter(slug=slug).first()


def questionnaires() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.order_by("-created_at", "-version")


def invitation_in_round(*, survey_round: Round, pk: int) -> Invitation | None:
    return (
        Invitation.objects.select_related("response__economy", "response__organization")
        .filter(round=survey_round, pk=pk)
        .first()
    )


def response_in_round(*, survey_round: Round, pk: int) -> Response | None:
    return Response.objects.filter(round=survey_round, pk=pk).first()


def respondents_with_focal_link(*, survey_round: Round) -> tuple[set[int], set[int]]:
    """Ids of the economies and organisations that already hold a usable focal-point link."""
    rows = Invitation.objects.filter(
        round=survey_round, role=InvitationRole.FOCAL_POINT, revoked_at__isnull=True
    ).values_list("response__economy_id", "response__organization_id")
    return {e for e, _o in rows if e}, {o for _e, o in rows if o}


def focal_point_contact(
    *, economy: Economy | None, organization: Organization | None
) -> FocalPoint | None:
    lookup = {"economy": economy} if economy is not None else {"organization": organization}
    return FocalPoint.objects.filter(**lookup).select_related("user").order_by("pk").first()


def invitable_economies() -> QuerySet[Economy]:
    return Economy.objects.order_by("name_en")


def invitable_organizations() -> QuerySet[Organization]:
    return Organization.objects.select_related("kind").order_by("name_en")


def economies_by_status(*, status: str) -> QuerySet[Economy]:
    return Economy.objects.filter(status=status).order_by("name_en")


def regions() -> QuerySet[Region]:
    return Region.objects.order_by("position", "slug")


def contributor_types() -> QuerySet[ContributorType]:
    return ContributorType.objects.order_by("position", "slug")


def vocabulary_terms(*, taxonomy: str) -> QuerySet:
    """A vocabulary's values in their own order, for a question bound to the taxonomy."""
    from .validation import TAXONOMY_MODELS

    return TAXONOMY_MODELS[taxonomy].objects.order_by("position", "slug")


def economies_by_codes(*, codes: list[str]) -> QuerySet[Economy]:
    return Economy.objects.filter(code__in=codes).order_by("name_en")


def organizations_by_slugs(*, slugs: list[str]) -> QuerySet[Organization]:
    return Organization.objects.filter(slug__in=slugs).order_by("name_en")


def questionnaire_by_id(*, pk: int) -> Questionnaire | None:
    return Questionnaire.objects.filter(pk=pk).first()


def change_requests_for(response: Response) -> QuerySet[Proposal]:
    """The proposals of this response on which a curator asked for changes, with the curator's
    note (`review_note`) for the respondent to act on and answer (`reply`)."""
    return proposals_of(response=response).filter(review_status=ReviewStatus.CHANGES_REQUESTED)
