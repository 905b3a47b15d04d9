"""Reads for the curators' review queue. Everything here is for the secretariat: anyone else gets
nothing (an empty queue, no proposal), whatever the view does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from compendium.catalog.models import Economy, Organization, PolicyArea
from compendium.surveys.models import Proposal, ProposalKind, Response, ReviewStatus, Round

from .rules import can_review

User = AbstractBaseUser | AnonymousUser
QUEUE_KINDS = (ProposalKind.NEW, ProposalKind.UPDATE, ProposalKind.CONFIRM, ProposalKind.WITHDRAW)
QUEUE_STATES = (
    ReviewStatus.PENDING,
    ReviewStatus.CHANGES_REQUESTED,
    ReviewStatus.ACCEPTED,
    ReviewStatus.REJECTED,
)


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters, from a query string; unknown values are ignored, not errors."""

    status: str = ReviewStatus.PENDING
    round: str = ""
    respondent: str = ""  # an economy code (upper case) or an organisation slug
    kind: str = ""
    policy_area: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> QueueFilters:
        def value(name: str) -> str:
            return str(query.get(name, "") or "").strip()[:120]

        status = value("status")
        kind = value("kind")
        return cls(
            status=status if status in QUEUE_STATES else ReviewStatus.PENDING,
            round=value("round"),
            respondent=value("respondent"),
            kind=kind if kind in QUEUE_KINDS else "",
            policy_area=value("policy_area"),
        )

    def with_status(self, status: str) -> QueueFilters:
        return replace(self, status=status)

    def query(self) -> dict[str, str]:
        """The filters as query-string values (empty ones left out), for stable links."""
        return {
            name: getattr(self, name)
            for name in ("status", "round", "respondent", "kind", "policy_area")
            if getattr(self, name)
        }


def _submitted_proposals(user: User) -> QuerySet[Proposal]:
    """What respondents submitted (recorded entries they left untouched are no proposal)."""
    if not can_review(user):
        return Proposal.objects.none()
    return Proposal.objects.filter(kind__in=QUEUE_KINDS, response__submitted_at__isnull=False)


def _ready_for_review() -> Q:
    """Waiting for review, and not changed since submitted (a reopened response may be under
    way: what the respondent changes comes back with their next submission)."""
    unchanged = Q(submitted_version=F("version")) | Q(
        submitted_version__isnull=True, response__status=Response.Status.SUBMITTED
    )
    return Q(review_status=ReviewStatus.PENDING) & unchanged


def _state_q(status: str) -> Q:
    return _ready_for_review() if status == ReviewStatus.PENDING else Q(review_status=status)


def _filtered(proposals: QuerySet[Proposal], filters: QueueFilters) -> QuerySet[Proposal]:
    if filters.round:
        proposals = proposals.filter(response__round__slug=filters.round)
    if filters.respondent:
        if filters.respondent.isupper():
            proposals = proposals.filter(response__economy__code=filters.respondent)
        else:
            proposals = proposals.filter(response__organization__slug=filters.respondent)
    if filters.kind:
        proposals = proposals.filter(kind=filters.kind)
    if filters.policy_area:
        # The proposed policy areas are a JSON list; matching the quoted slug in its text works
        # the same on SQLite and PostgreSQL (neither needs JSON containment for this).
        proposals = proposals.filter(data__policy_areas__icontains=f'"{filters.policy_area}"')
    return proposals


def review_queue(*, user: User, filters: QueueFilters) -> QuerySet[Proposal]:
    """The proposals in one state, grouped by respondent (then round, then the respondent's own
    order), with what a queue row shows."""
    proposals = _filtered(_submitted_proposals(user), filters).filter(_state_q(filters.status))
    return proposals.select_related(
        "entry",
        "response__round",
        "response__economy",
        "response__organization",
        "reviewed_by",
    ).order_by(
        Coalesce("response__economy__name_en", "response__organization__name_en"),
        "response__round__created_at",
        "response_id",
        "position",
        "pk",
    )


def review_counts(*, user: User, filters: QueueFilters) -> dict[str, int]:
    """How many proposals are in each state, under the same filters (all in one query)."""
    proposals = _filtered(_submitted_proposals(user), filters)
    counts = proposals.aggregate(
        **{state: Count("pk", filter=_state_q(state)) for state in QUEUE_STATES}
    )
    return {state: counts[state] or 0 for state in QUEUE_STATES}


def proposal_for_review(*, user: User, pk: int) -> Proposal | None:
    """One submitted proposal, for a curator; nothing for anyone else."""
    return (
        _submitted_proposals(user)
        .select_related(
            "entry",
            "response__round__questionnaire",
            "response__economy",
            "response__organization__kind",
            "reviewed_by",
            "accepted_entry",
        )
        .filter(pk=pk)
        .first()
    )


def next_in_queue(*, user: User, proposal: Proposal) -> Proposal | None:
    """The next proposal of the same response still waiting for review, if any."""
    return (
        _submitted_proposals(user)
        .filter(_ready_for_review(), response_id=proposal.response_id)
        .exclude(pk=proposal.pk)
        .order_by("position", "pk")
        .first()
    )


@dataclass(frozen=True)
class FilterChoices:
    rounds: list[tuple[str, str]]
    respondents: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    policy_areas: list[tuple[str, str]]


def queue_filter_choices(*, user: User) -> FilterChoices:
    """The values each filter offers: rounds and respondents that have submitted something."""
    if not can_review(user):
        return FilterChoices([], [], [], [])
    submitted = Response.objects.filter(submitted_at__isnull=False)
    rounds = Round.objects.filter(responses__in=submitted).distinct().order_by("-created_at")
    economies = Economy.objects.filter(survey_responses__in=submitted).distinct()
    organizations = Organization.objects.filter(survey_responses__in=submitted).distinct()
    respondents = sorted(
        [(e.code, e.name) for e in economies] + [(o.slug, o.name) for o in organizations],
        key=lambda pair: pair[1].casefold(),
    )
    return FilterChoices(
        rounds=[(r.slug, r.title) for r in rounds],
        respondents=respondents,
        kinds=[(kind.value, str(kind.label)) for kind in QUEUE_KINDS],
        policy_areas=[(p.slug, p.label) for p in PolicyArea.objects.order_by("position", "slug")],
    )
