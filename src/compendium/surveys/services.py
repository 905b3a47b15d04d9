"""Every write of the survey: rounds, invitations, drafts, submission. One transaction each, with
an audit record; a response's content changes only through these functions."""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compendium.audit.services import audit_record
from compendium.catalog.models import Economy, Entry, Organization, Workflow
from compendium.catalog.services import (
    Outcome,
    entry_data_from_dict,
    entry_data_of,
    entry_data_problems,
    entry_data_to_dict,
)

from .models import (
    Invitation,
    InvitationRole,
    InvitationState,
    Proposal,
    ProposalKind,
    Questionnaire,
    Response,
    ResponseChange,
    ReviewStatus,
    Round,
    RoundStatus,
)
from .questionnaire import DATA_DIR, read_file
from .tokens import token_hash, token_new

INVITATION_DAYS = 120
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Who:
    """The person acting in a response: a focal point or colleague (by link), or a user."""

    label: str
    invitation: Invitation | None = None
    user: AbstractBaseUser | None = None

    @classmethod
    def of_invitation(cls, invitation: Invitation) -> Who:
        name = invitation.name + (f" <{invitation.email}>" if invitation.email else "")
        return cls(label=name, invitation=invitation, user=invitation.user)

    @classmethod
    def of_user(cls, user: AbstractBaseUser) -> Who:
        return cls(label=user.get_username(), user=user)


class ResponseLocked(Exception):
    pass


class StaleDraft(Exception):
    pass


@dataclass(frozen=True)
class Problem:
    where: str  # "general:<section>" or "proposal:<id>"
    field: str
    message: str


class SubmissionInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


# --- questionnaire and rounds ------------------------------------------------------------------


@transaction.atomic
def questionnaire_load(
    *, path: Path = DATA_DIR / "questionnaire.yaml"
) -> tuple[Questionnaire, Outcome]:
    """Load a questionnaire version. A version, once loaded, never changes: edit the file with a
    new version number instead (responses already given stay tied to the old one)."""
    document = read_file(path)
    existing = Questionnaire.objects.filter(
        slug=document["slug"], version=document["version"]
    ).first()
    if existing is not None:
        if existing.definition != document:
            from .questionnaire import QuestionnaireInvalid

            raise QuestionnaireInvalid(
                [
                    f"{path.name}: version {document['version']} is already loaded with other "
                    "content; give the changed questionnaire a new version number"
                ]
            )
        return existing, Outcome.UNCHANGED
    titles = document.get("title") or {}
    questionnaire = Questionnaire.objects.create(
        slug=document["slug"],
        version=document["version"],
        definition=document,
        title_en=titles.get("en", ""),
        title_fr=titles.get("fr", ""),
        title_es=titles.get("es", ""),
    )
    audit_record(
        actor=None,
        actor_label="load_questionnaire",
        action="questionnaire.load",
        target=questionnaire,
    )
    return questionnaire, Outcome.CREATED


def questionnaire_latest() -> Questionnaire | None:
    return Questionnaire.objects.order_by("-created_at", "-version").first()


@transaction.atomic
def round_open(
    *,
    actor: AbstractBaseUser | None,
    title: str,
    slug: str,
    deadline: date,
    questionnaire: Questionnaire,
    actor_label: str = "",
) -> Round:
    survey_round = Round(title=title, slug=slug, deadline=deadline, questionnaire=questionnaire)
    survey_round.full_clean()
    survey_round.save()
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="round.open",
        target=survey_round,
        changes={"deadline": deadline.isoformat(), "questionnaire": str(questionnaire)},
    )
    return survey_round


@transaction.atomic
def round_close(
    *, actor: AbstractBaseUser | None, survey_round: Round, actor_label: str = ""
) -> Round:
    Round.objects.filter(pk=survey_round.pk).update(status=RoundStatus.CLOSED)
    survey_round.refresh_from_db()
    audit_record(actor=actor, actor_label=actor_label, action="round.close", target=survey_round)
    return survey_round


# --- responses and invitations -------------------------------------------------------------------


def _recorded_entries(response: Response):
    entries = Entry.objects.exclude(workflow=Workflow.WITHDRAWN)
    if response.economy_id:
        condition = Q(economies=response.economy_id) | Q(contributor_economy=response.economy_id)
    else:
        condition = Q(organizations=response.organization_id) | Q(
            contributor_organization=response.organization_id
        )
    return entries.filter(condition).distinct().order_by("title")


def _response_for(
    survey_round: Round, economy: Economy | None, organization: Organization | None
) -> Response:
    response, created = Response.objects.get_or_create(
        round=survey_round, economy=economy, organization=organization
    )
    if created:
        # Pre-filled with what is already recorded, so nobody reports the same thing twice.
        Proposal.objects.bulk_create(
            Proposal(
                response=response,
                entry=entry,
                kind=ProposalKind.REVIEW,
                position=i,
                data=entry_data_to_dict(entry_data_of(entry)),
            )
            for i, entry in enumerate(_recorded_entries(response))
        )
    return response


@transaction.atomic
def invitation_create(
    *,
    actor: AbstractBaseUser | None,
    survey_round: Round,
    name: str,
    email: str = "",
    language: str = "en",
    economy: Economy | None = None,
    organization: Organization | None = None,
    role: str = InvitationRole.FOCAL_POINT,
    invited_by: Invitation | None = None,
    user: AbstractBaseUser | None = None,
    actor_label: str = "",
) -> tuple[Invitation, str]:
    """A new personal link. The token is returned once, to be sent or printed; only its hash
    is stored."""
    if (economy is None) == (organization is None):
        raise ValueError("An invitation is for exactly one economy or one organisation.")
    response = _response_for(survey_round, economy, organization)
    token = token_new()
    invitation = Invitation(
        round=survey_round,
        response=response,
        role=role,
        invited_by=invited_by,
        name=name,
        email=email,
        language=language if language in ("en", "fr", "es") else "en",
        token_hash=token_hash(token),
        user=user,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    audit_record(
        actor=actor,
        actor_label=actor_label or (invited_by.name if invited_by else ""),
        action="invitation.create",
        target=invitation,
        changes={
            "respondent": str(response.respondent),
            "role": role,
            "email": email,
            "language": invitation.language,
        },
    )
    return invitation, token


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("surveys:open", kwargs={"token": token})


def invitation_send(*, invitation: Invitation, token: str, purpose: str = "invitation") -> bool:
    """E-mail the link in the respondent's language. Returns False when there is no address."""
    if not invitation.email:
        return False
    context = {
        "invitation": invitation,
        "link": invitation_link(token),
        "round": invitation.round,
        "respondent": invitation.response.respondent,
    }
    with translation.override(invitation.language):
        subject = render_to_string(f"surveys/email/{purpose}_subject.txt", context).strip()
        body = render_to_string(f"surveys/email/{purpose}.txt", context)
    send_mail(subject, body, None, [invitation.email])
    if purpose == "reminder":
        Invitation.objects.filter(pk=invitation.pk).update(
            reminders_sent=F("reminders_sent") + 1, last_reminded_at=timezone.now()
        )
    return True


@transaction.atomic
def invitation_revoke(
    *, actor: AbstractBaseUser | None, invitation: Invitation, note: str = "", actor_label: str = ""
) -> Invitation:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="invitation.revoke",
        target=invitation,
        note=note,
    )
    return invitation


@transaction.atomic
def invitation_reissue(
    *, actor: AbstractBaseUser | None, invitation: Invitation, actor_label: str = ""
) -> str:
    """A fresh link for the same person; the old link stops working at once."""
    token = token_new()
    invitation.token_hash = token_hash(token)
    invitation.revoked_at = None
    invitation.expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
    invitation.save(update_fields=["token_hash", "revoked_at", "expires_at"])
    audit_record(
        actor=actor, actor_label=actor_label, action="invitation.reissue", target=invitation
    )
    return token


def invitation_touch(*, invitation: Invitation, activity: bool = False) -> None:
    """Record that the link was opened (and, with `activity`, that work was saved)."""
    now = timezone.now()
    changes: dict[str, Any] = {"last_activity_at": now}
    if invitation.state == InvitationState.NOT_OPENED:
        changes.update(state=InvitationState.OPENED, opened_at=now)
    if activity and invitation.state in (InvitationState.NOT_OPENED, InvitationState.OPENED):
        changes["state"] = InvitationState.IN_PROGRESS
    Invitation.objects.filter(pk=invitation.pk).update(**changes)
    for name, value in changes.items():
        setattr(invitation, name, value)


# --- drafts --------------------------------------------------------------------------------------


def response_lock_for_edit(response: Response, expected_version: int | None) -> Response:
    """The response, its row locked until the transaction ends, if it may still change (not
    submitted, and at `expected_version` when one is given); else ResponseLocked or StaleDraft."""
    current = Response.objects.select_for_update().get(pk=response.pk)
    if current.is_locked:
        raise ResponseLocked(
            _(
                "This response was submitted and is locked. Ask the Secretariat "
                "to reopen it if something must change."
            )
        )
    if expected_version is not None and current.version != expected_version:
        message = _(
            "This response was saved elsewhere (another tab or a colleague) after "
            "you opened it. Reload the page to see the latest version; your "
            "text below was not saved."
        )
        if changes := draft_changes_since(current, expected_version):
            message += " " + _("Changed since you opened it: %(changes)s.") % {
                "changes": "; ".join(changes)
            }
        raise StaleDraft(message)
    return current


def draft_changes_since(response: Response, version: int) -> list[str]:
    """What changed after `version`, as "fields (who)" per save, oldest first: every save bumps the
    version by one and leaves one ResponseChange."""
    count = max(response.version - version, 0)
    later = list(response.changes.order_by("-created_at", "-id")[:count])
    return [
        f"{', '.join(change.fields) or change.action} ({change.who})" for change in reversed(later)
    ]


def _log(
    response: Response, who: Who, action: str, fields: list[str], proposal: Proposal | None = None
) -> None:
    ResponseChange.objects.create(
        response=response,
        proposal=proposal,
        invitation=who.invitation,
        who=who.label[:200],
        action=action,
        fields=fields,
    )
    Response.objects.filter(pk=response.pk).update(version=F("version") + 1)
    if who.invitation is not None:
        invitation_touch(invitation=who.invitation, activity=True)


@transaction.atomic
def response_save_answers(
    *, response: Response, who: Who, answers: dict[str, Any], expected_version: int | None = None
) -> Response:
    current = response_lock_for_edit(response, expected_version)
    merged = {**current.answers, **answers}
    changed = sorted(k for k in answers if current.answers.get(k) != answers[k])
    if changed:
        Response.objects.filter(pk=current.pk).update(answers=merged)
        _log(current, who, "answers.save", changed)
    current.refresh_from_db()
    return current


@transaction.atomic
def proposal_add(
    *, response: Response, who: Who, data: dict[str, Any], expected_version: int | None = None
) -> Proposal:
    current = response_lock_for_edit(response, expected_version)
    position = (
        current.proposals.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    proposal = Proposal.objects.create(
        response=current,
        kind=ProposalKind.NEW,
        data=data,
        position=position,
        updated_by=who.label[:200],
    )
    _log(current, who, "proposal.add", sorted(data), proposal)
    return proposal


@transaction.atomic
def proposal_save(
    *,
    proposal: Proposal,
    who: Who,
    kind: str,
    data: dict[str, Any] | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Proposal:
    """Save the respondent's decision on one policy: confirm, correct, withdraw, or edit a new
    one. Incomplete drafts are kept as they are; completeness is checked on submission."""
    response_lock_for_edit(proposal.response, None)
    current = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleDraft(
            _(
                "This policy was changed elsewhere (another tab or a colleague) after "
                "you opened it. Reload the page to see the latest version."
            )
        )
    allowed = (
        {ProposalKind.NEW}
        if current.entry_id is None
        else {ProposalKind.REVIEW, ProposalKind.UPDATE, ProposalKind.CONFIRM, ProposalKind.WITHDRAW}
    )
    if kind not in allowed:
        raise ValueError(f"{kind} is not possible for this proposal")
    new_data = current.data if data is None else data
    fields = sorted(
        k for k in set(new_data) | set(current.data) if new_data.get(k) != current.data.get(k)
    )
    if kind != current.kind:
        fields.append("kind")
    if reason != current.reason:
        fields.append("reason")
    if not fields:
        return current
    Proposal.objects.filter(pk=current.pk).update(
        kind=kind,
        data=new_data,
        reason=reason,
        version=F("version") + 1,
        updated_by=who.label[:200],
    )
    current.refresh_from_db()
    _log(current.response, who, "proposal.save", fields, current)
    return current


@transaction.atomic
def proposal_delete(*, proposal: Proposal, who: Who) -> None:
    """Only a new policy added in this response can be removed; recorded ones are withdrawn."""
    response_lock_for_edit(proposal.response, None)
    if proposal.entry_id is not None:
        raise ValueError("Recorded entries are withdrawn, not deleted.")
    response = proposal.response
    title = proposal.data.get("title", "")
    proposal.delete()
    _log(response, who, "proposal.delete", [title[:80]])


@transaction.atomic
def proposal_reply(
    *, proposal: Proposal, who: Who, reply: str, expected_version: int | None = None
) -> Proposal:
    """The respondent's answer to a curator's request for changes (`review_note`). It reaches
    the curator with the response's next submission."""
    response_lock_for_edit(proposal.response, None)
    current = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleDraft(
            _(
                "This policy was changed elsewhere (another tab or a colleague) after "
                "you opened it. Reload the page to see the latest version."
            )
        )
    reply = reply.strip()
    if reply == current.reply:
        return current
    Proposal.objects.filter(pk=current.pk).update(
        reply=reply, version=F("version") + 1, updated_by=who.label[:200]
    )
    current.refresh_from_db()
    _log(current.response, who, "proposal.reply", ["reply"], current)
    return current


# --- submission ----------------------------------------------------------------------------------


def proposal_problems(
    proposal: Proposal, respondent_defaults: dict[str, Any]
) -> dict[str, list[str]]:
    if proposal.kind in (ProposalKind.REVIEW, ProposalKind.CONFIRM):
        return {}
    if proposal.kind == ProposalKind.WITHDRAW:
        return {} if proposal.reason.strip() else {"reason": [_("Say why it should be withdrawn.")]}
    data = entry_data_from_dict({**respondent_defaults, **proposal.data})
    return entry_data_problems(data)


def respondent_defaults(response: Response) -> dict[str, Any]:
    """What a response fills in for every policy it proposes: who contributes it."""
    if response.economy_id:
        kind = "member" if response.economy.status == "member" else "observer"
        return {"contributor": response.economy.code, "contributor_type": kind}
    return {
        "contributor": response.organization.slug,
        "contributor_type": response.organization.kind.slug,
    }


@transaction.atomic
def response_submit(*, response: Response, who: Who) -> Response:
    """All or nothing: every proposal must be complete, or nothing is submitted."""
    from .validation import general_problems

    current = response_lock_for_edit(response, None)
    defaults = respondent_defaults(current)
    problems = general_problems(current)
    for proposal in current.proposals.all():
        for field, messages in proposal_problems(proposal, defaults).items():
            problems += [Problem(f"proposal:{proposal.pk}", field, m) for m in messages]
    if problems:
        raise SubmissionInvalid(problems)
    now = timezone.now()
    reference = current.reference or (
        f"{current.round.slug.upper()}-{getattr(current.respondent, 'code', '') or 'ORG'}-"
        f"{secrets.token_hex(3).upper()}"
    )
    Response.objects.filter(pk=current.pk).update(
        status=Response.Status.SUBMITTED,
        submitted_at=now,
        submitted_by=who.label[:200],
        reference=reference,
        version=F("version") + 1,
    )
    _proposals_submit(current)
    current.invitations.update(state=InvitationState.SUBMITTED, last_activity_at=now)
    ResponseChange.objects.create(
        response=current,
        invitation=who.invitation,
        who=who.label[:200],
        action="response.submit",
        fields=[],
    )
    audit_record(
        actor=who.user,
        actor_label=who.label,
        action="response.submit",
        target=current,
        changes={
            "reference": reference,
            "proposals": current.proposals.exclude(kind=ProposalKind.REVIEW).count(),
        },
    )
    current.refresh_from_db()
    recipients = [
        i
        for i in current.invitations.filter(revoked_at__isnull=True)
        if i == who.invitation or i.role == InvitationRole.FOCAL_POINT
    ]
    # Sent when the transaction commits: a failed submission sends nothing.
    transaction.on_commit(
        lambda: [response_receipt_send(response=current, invitation=i) for i in recipients]
    )
    return current


def _proposals_submit(response: Response) -> None:
    """Each proposal goes (back) to the curators, except what a curator already decided: an
    accepted one stays accepted (its entry exists), a rejected one unless revised since."""
    proposals = response.proposals.exclude(kind=ProposalKind.REVIEW)
    proposals.filter(
        Q(review_status__in=[ReviewStatus.PENDING, ReviewStatus.CHANGES_REQUESTED])
        | (Q(review_status=ReviewStatus.REJECTED) & ~Q(submitted_version=F("version")))
    ).update(review_status=ReviewStatus.PENDING)
    proposals.update(submitted_version=F("version"))


def response_summary(response: Response) -> list[str]:
    """One line per decision, for receipts."""
    lines = []
    for proposal in response.proposals.exclude(kind=ProposalKind.REVIEW).select_related("entry"):
        title = proposal.data.get("title") or (proposal.entry.title if proposal.entry else "")
        lines.append(f"{proposal.get_kind_display()}: {title}")
    return lines


def response_receipt_send(*, response: Response, invitation: Invitation) -> bool:
    if not invitation.email:
        return False
    with translation.override(invitation.language):
        context = {
            "response": response,
            "invitation": invitation,
            "summary": response_summary(response),
        }
        subject = render_to_string("surveys/email/receipt_subject.txt", context).strip()
        body = render_to_string("surveys/email/receipt.txt", context)
    send_mail(subject, body, None, [invitation.email])
    return True


@transaction.atomic
def response_reopen(
    *, actor: AbstractBaseUser | None, response: Response, note: str = "", actor_label: str = ""
) -> Response:
    Response.objects.filter(pk=response.pk).update(
        status=Response.Status.REOPENED, version=F("version") + 1
    )
    response.invitations.filter(state=InvitationState.SUBMITTED).update(
        state=InvitationState.IN_PROGRESS
    )
    audit_record(
        actor=actor, actor_label=actor_label, action="response.reopen", target=response, note=note
    )
    response.refresh_from_db()
    return response


# --- signed-in focal points and the secretariat's round actions -----------------------------------


@transaction.atomic
def invitation_for_user(
    *,
    user: AbstractBaseUser,
    survey_round: Round,
    economy: Economy | None = None,
    organization: Organization | None = None,
    language: str = "en",
) -> Invitation:
    """A signed-in focal point's own invitation to the round, created on their first visit so
    that their changes are recorded like everyone else's. They sign in, so its token is unused."""
    from .selectors import user_invitation

    existing = user_invitation(
        user=user, survey_round=survey_round, economy=economy, organization=organization
    )
    if existing is not None:
        return existing
    name = (getattr(user, "get_full_name", lambda: "")() or user.get_username())[:200]
    invitation, _token = invitation_create(
        actor=user,
        survey_round=survey_round,
        name=name,
        email=getattr(user, "email", "") or "",
        language=language,
        economy=economy,
        organization=organization,
        user=user,
    )
    return invitation


@dataclass(frozen=True)
class NewLink:
    """A link created for someone, shown once to whoever created it (never stored)."""

    respondent: str
    name: str
    email: str
    link: str
    emailed: bool = False


@dataclass(frozen=True)
class InviteOutcome:
    links: list[NewLink]
    skipped: int

    @property
    def emailed(self) -> int:
        return sum(link.emailed for link in self.links)


def invitation_send_quietly(invitation: Invitation, token: str, purpose: str) -> bool:
    """An e-mail that cannot be delivered must not undo the work: the link is shown anyway."""
    try:
        return invitation_send(invitation=invitation, token=token, purpose=purpose)
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not e-mail invitation %s", invitation.pk)
        return False


def _contact(respondent: Economy | Organization, is_economy: bool) -> tuple[str, str]:
    from .selectors import focal_point_contact

    focal = focal_point_contact(
        economy=respondent if is_economy else None,
        organization=None if is_economy else respondent,
    )
    if focal is not None and focal.user.email:
        return focal.user.get_full_name() or focal.user.get_username(), focal.user.email
    return _("Focal point of %(name)s") % {"name": respondent.name}, ""


def round_invite(
    *,
    actor: AbstractBaseUser | None,
    survey_round: Round,
    economies: Sequence[Economy] = (),
    organizations: Sequence[Organization] = (),
    name: str = "",
    email: str = "",
    language: str = "en",
    send: bool = True,
    actor_label: str = "",
) -> InviteOutcome:
    """Invite respondents (all in one transaction), then e-mail those with an address. Whoever
    already holds a focal-point link is skipped. `name`/`email` are for one respondent."""
    respondents: list[Economy | Organization] = [*dict.fromkeys(economies), *organizations]
    if (name or email) and len(respondents) != 1:
        raise ValueError("A name and e-mail are for inviting one respondent.")
    created = _round_invite_all(
        actor=actor,
        survey_round=survey_round,
        respondents=respondents,
        contact=(name or email, email) if (name or email) else None,
        language=language,
        actor_label=actor_label,
    )
    links = [
        NewLink(
            respondent=str(invitation.response.respondent),
            name=invitation.name,
            email=invitation.email,
            link=invitation_link(token),
            emailed=send and invitation_send_quietly(invitation, token, "invitation"),
        )
        for invitation, token in created
    ]
    return InviteOutcome(links=links, skipped=len(respondents) - len(created))


@transaction.atomic
def _round_invite_all(
    *,
    actor: AbstractBaseUser | None,
    survey_round: Round,
    respondents: list[Economy | Organization],
    contact: tuple[str, str] | None,
    language: str,
    actor_label: str,
) -> list[tuple[Invitation, str]]:
    from .selectors import respondents_with_focal_link

    linked_economies, linked_organizations = respondents_with_focal_link(survey_round=survey_round)
    created = []
    for respondent in respondents:
        is_economy = isinstance(respondent, Economy)
        if respondent.pk in (linked_economies if is_economy else linked_organizations):
            continue
        name, email = contact or _contact(respondent, is_economy)
        created.append(
            invitation_create(
                actor=actor,
                actor_label=actor_label,
                survey_round=survey_round,
                name=name,
                email=email,
                language=language,
                economy=respondent if is_economy else None,
                organization=None if is_economy else respondent,
            )
        )
    return created


def round_remind(
    *, actor: AbstractBaseUser | None, survey_round: Round, actor_label: str = ""
) -> int:
    """E-mail every focal point who has not submitted a reminder with a fresh link (only hashes
    are kept, so the old link cannot be re-sent; the new one replaces it)."""
    from .selectors import invitations_to_remind

    sent = 0
    for invitation in invitations_to_remind(survey_round=survey_round).select_related(
        "response__economy", "response__organization", "round"
    ):
        token = invitation_reissue(actor=actor, actor_label=actor_label, invitation=invitation)
        sent += invitation_send_quietly(invitation, token, "reminder")
    return sent
