"""Roles (the secretariat group, focal points, the demo's accounts) and the curator's decisions
on survey proposals (accept, possibly after editing; ask for changes; reject)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compendium.audit.services import audit_record
from compendium.catalog.models import Economy, Entry, Organization, Workflow
from compendium.catalog.services import EntryData, entry_data_to_dict
from compendium.surveys.models import Proposal, ProposalKind, Response, ReviewStatus
from compendium.surveys.services import response_reopen

from .acceptance import accept_confirmation, accept_new, accept_update, accept_withdrawal
from .changes import ENTRY_FIELDS, changed_fields, proposed_data
from .models import SECRETARIAT_GROUP, FocalPoint, FocalPointRole
from .rules import can_review

SECRETARIAT_APPS = ("catalog", "audit", "review")


@transaction.atomic
def secretariat_group_ensure() -> Group:
    """The secretariat's group, with every permission on the platform's own models."""
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=SECRETARIAT_APPS))
    return group


@transaction.atomic
def focal_point_assign(
    *,
    user: AbstractBaseUser,
    actor: AbstractBaseUser | None,
    economy: Economy | None = None,
    organization: Organization | None = None,
    role: str = FocalPointRole.FOCAL_POINT,
    actor_label: str = "",
) -> FocalPoint:
    focal_point, created = FocalPoint.objects.get_or_create(
        user=user, economy=economy, organization=organization, defaults={"role": role}
    )
    if created:
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action="focal_point.assign",
            target=focal_point,
            changes={"user": user.get_username(), "for": str(economy or organization)},
        )
    return focal_point


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


# (username, e-mail, role described, economy code, organisation slug)
DEMO_FOCAL_POINTS = (
    ("canada", "focal.point@canada.example", "focal point for Canada", "CAN", ""),
    ("kenya", "focal.point@kenya.example", "focal point for Kenya", "KEN", ""),
    ("chile", "focal.point@chile.example", "focal point for Chile", "CHL", ""),
    ("itc", "focal.point@itc.example", "focal point for the International Trade Centre", "", "itc"),
)


@transaction.atomic
def demo_accounts_create() -> list[DemoAccount]:
    """The demo's accounts, with fresh passwords each run. Refused outside the demo settings."""
    if not settings.COMPENDIUM_DEMO:
        raise ImproperlyConfigured("Demo accounts exist only with the demo settings.")
    user_model = get_user_model()
    accounts = []

    def account(username: str, email: str, role: str, **flags) -> AbstractBaseUser:
        password = secrets.token_urlsafe(9)
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": email, **flags}
        )
        user.set_password(password)
        user.save()
        if created:
            audit_record(
                actor=None,
                actor_label="create_demo_accounts",
                action="user.create",
                target=user,
                changes={"role": role},
            )
        accounts.append(DemoAccount(username, password, role))
        return user

    secretariat = account(
        "secretariat", "secretariat@wto.example", "WTO Secretariat (curator)", is_staff=True
    )
    secretariat.groups.add(secretariat_group_ensure())
    for username, email, role, code, slug in DEMO_FOCAL_POINTS:
        user = account(username, email, role)
        focal_point_assign(
            user=user,
            actor=None,
            actor_label="create_demo_accounts",
            economy=Economy.objects.get(code=code) if code else None,
            organization=Organization.objects.get(slug=slug) if slug else None,
        )
    return accounts


# --- reviewing survey proposals ------------------------------------------------------------------
# One service per decision: the curator accepts (possibly with their own edits), asks for changes,
# or rejects. Each is one transaction with an audit record; the catalog changes only through its
# own services (which keep the entry's history and the search index in step).


class ReviewRefused(Exception):
    """The decision cannot be made now; the message tells the curator why and what to do."""


class AlreadyDecided(ReviewRefused):
    pass


class StaleProposal(ReviewRefused):
    pass


@dataclass(frozen=True)
class Decision:
    proposal: Proposal
    entry: Entry | None = None
    # The same decision had already been made (a double click, two tabs): nothing was written.
    repeated: bool = False


NOTE_MAX = 4000
DECISION_ACTIONS = {
    ReviewStatus.ACCEPTED: "proposal.accept",
    ReviewStatus.CHANGES_REQUESTED: "proposal.request_changes",
    ReviewStatus.REJECTED: "proposal.reject",
}
# The decisions possible from each state: a proposal waiting for review, or one on which changes
# were asked (the curator may still accept or reject it as it stands).
OPEN_STATES = (ReviewStatus.PENDING, ReviewStatus.CHANGES_REQUESTED)


def awaiting_resubmission(proposal: Proposal) -> bool:
    """Changed by the respondent since they submitted it (in a reopened response): the curator
    waits for the next submission rather than decide on a draft."""
    if proposal.submitted_version is None:
        return proposal.response.status != Response.Status.SUBMITTED
    return proposal.version != proposal.submitted_version


def _locked_for_decision(
    proposal: Proposal, curator: AbstractBaseUser, expected_version: int, outcome: str
) -> tuple[Proposal, bool]:
    """The proposal, locked, if this curator may make this decision on it now; `True` as the
    second value when the very same decision was already made."""
    if not can_review(curator, proposal):
        raise PermissionDenied
    current = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related(
            "response__round__questionnaire",
            "response__economy",
            "response__organization__kind",
            "entry",
            "reviewed_by",
        )
        .get(pk=proposal.pk)
    )
    if current.review_status == outcome:
        return current, True
    if current.kind == ProposalKind.REVIEW or current.response.submitted_at is None:
        raise ReviewRefused(_("This proposal was never submitted; there is nothing to review."))
    if current.review_status not in OPEN_STATES or (
        outcome == ReviewStatus.CHANGES_REQUESTED and current.review_status != ReviewStatus.PENDING
    ):
        raise AlreadyDecided(
            _("This proposal was already decided: %(status)s.")
            % {"status": current.get_review_status_display().lower()}
        )
    if awaiting_resubmission(current):
        raise ReviewRefused(
            _(
                "The respondent changed this proposal after submitting it. Wait until they "
                "submit their response again."
            )
        )
    if current.version != expected_version:
        raise StaleProposal(
            _(
                "This proposal changed after you opened it. Its latest version is shown "
                "below: check it, then decide again."
            )
        )
    return current, False


def _record_decision(
    proposal: Proposal,
    *,
    curator: AbstractBaseUser,
    outcome: str,
    note: str,
    changes: dict[str, Any] | None = None,
    **fields: Any,
) -> Proposal:
    before = proposal.review_status
    Proposal.objects.filter(pk=proposal.pk).update(
        review_status=outcome,
        review_note=note,
        reviewed_by=curator,
        reviewed_at=timezone.now(),
        **fields,
    )
    proposal.refresh_from_db()
    audit_record(
        actor=curator,
        action=DECISION_ACTIONS[outcome],
        target=proposal,
        changes={
            "review_status": [before, outcome],
            "response": proposal.response.reference,
            **(changes or {}),
        },
        note=note,
    )
    return proposal


def _curator_edits(proposal: Proposal, values: Mapping[str, Any] | None) -> list[str]:
    """The fields whose values the curator changed from the respondent's."""
    if values is None or proposal.kind not in (ProposalKind.NEW, ProposalKind.UPDATE):
        return []
    return changed_fields(proposed_data(proposal), proposed_data(proposal, values), ENTRY_FIELDS)


@transaction.atomic
def proposal_accept(
    *,
    proposal: Proposal,
    curator: AbstractBaseUser,
    expected_version: int,
    note: str = "",
    values: Mapping[str, Any] | None = None,
    publish: bool = True,
    expected_entry_version: int | None = None,
) -> Decision:
    """Write what the proposal says into the catalog, with the survey response as its source.
    `values` are the curator's edits of the proposal's data (the proposal keeps the respondent's
    own in `data`; what was written goes to `accepted_data`). `publish` concerns new entries:
    they are approved, and published at once unless the curator holds them back. A corrected
    entry keeps its workflow state: a published one changes publicly now, and only now."""
    current, repeated = _locked_for_decision(
        proposal, curator, expected_version, ReviewStatus.ACCEPTED
    )
    if repeated:
        return Decision(proposal=current, entry=current.accepted_entry, repeated=True)
    if (
        expected_entry_version is not None
        and current.entry is not None
        and current.entry.version != expected_entry_version
    ):
        raise StaleProposal(
            _(
                "The entry was changed after you opened this page, so the comparison you saw "
                "is outdated. Check the comparison below, then decide again."
            )
        )
    note = note.strip()[:NOTE_MAX]
    changes: dict[str, Any] = {
        "kind": current.kind,
        "edited_by_curator": _curator_edits(current, values),
    }
    values = current.data if values is None else values
    written: EntryData | None = None
    if current.kind == ProposalKind.NEW:
        entry, written = accept_new(current, curator, values, note, publish)
        changes["published"] = entry.workflow == Workflow.PUBLISHED
    elif current.kind == ProposalKind.UPDATE:
        entry, written, changed = accept_update(
            current, curator, values, note, expected_entry_version
        )
        changes["fields"] = changed
    elif current.kind == ProposalKind.CONFIRM:
        entry = accept_confirmation(current, curator, note)
    else:
        entry = accept_withdrawal(current, curator, note)
    changes["entry"] = entry.slug
    current = _record_decision(
        current,
        curator=curator,
        outcome=ReviewStatus.ACCEPTED,
        note=note,
        changes=changes,
        accepted_data=entry_data_to_dict(written) if written is not None else None,
        accepted_entry=entry,
    )
    return Decision(proposal=current, entry=entry)


def _required_note(note: str, message: str) -> str:
    note = note.strip()[:NOTE_MAX]
    if not note:
        raise ReviewRefused(message)
    return note


@transaction.atomic
def proposal_request_changes(
    *, proposal: Proposal, curator: AbstractBaseUser, expected_version: int, note: str
) -> Decision:
    """Send the proposal back with the curator's note: the response is reopened so that the
    respondent sees the request, changes what is asked and answers (`reply`); their next
    submission puts the proposal back in the queue. Nothing changes in the catalog."""
    current, repeated = _locked_for_decision(
        proposal, curator, expected_version, ReviewStatus.CHANGES_REQUESTED
    )
    if repeated:
        return Decision(proposal=current, repeated=True)
    note = _required_note(note, _("Say what the respondent should change."))
    current = _record_decision(
        current, curator=curator, outcome=ReviewStatus.CHANGES_REQUESTED, note=note
    )
    if current.response.status == Response.Status.SUBMITTED:
        response_reopen(actor=curator, response=current.response, note=note)
    return Decision(proposal=current)


@transaction.atomic
def proposal_reject(
    *, proposal: Proposal, curator: AbstractBaseUser, expected_version: int, note: str
) -> Decision:
    """Turn the proposal down, saying why (the respondent sees the reason). Nothing changes in
    the catalog."""
    current, repeated = _locked_for_decision(
        proposal, curator, expected_version, ReviewStatus.REJECTED
    )
    if repeated:
        return Decision(proposal=current, repeated=True)
    note = _required_note(note, _("Say why the proposal is rejected."))
    current = _record_decision(current, curator=curator, outcome=ReviewStatus.REJECTED, note=note)
    return Decision(proposal=current)
