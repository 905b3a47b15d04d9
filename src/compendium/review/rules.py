"""Who may do what, as `rules` predicates (checked on every object, not only by hiding links).

- The secretariat: everything.
- A focal point (a `FocalPoint` of an economy or organisation): that respondent's survey
  responses; never an entry directly, never a review.
- A colleague: only the response they were invited to, through their own link (signed in, or
  holding the link in their session: see `can_edit_response`).
- Everyone else: nothing here.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from compendium.surveys.models import Invitation, InvitationRole, Response

from .models import SECRETARIAT_GROUP, FocalPoint


def _signed_in(user: Any) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_secretariat(user) -> bool:
    return _signed_in(user) and user.groups.filter(name=SECRETARIAT_GROUP).exists()


@rules.predicate
def is_focal_point(user) -> bool:
    return _signed_in(user) and user.focal_points.exists()


@rules.predicate
def is_focal_point_of_response(user, response: Response | None) -> bool:
    """The user speaks for the economy or organisation that gives this response."""
    if not _signed_in(user) or not isinstance(response, Response):
        return False
    if response.economy_id:
        return FocalPoint.objects.filter(user=user, economy_id=response.economy_id).exists()
    return FocalPoint.objects.filter(user=user, organization_id=response.organization_id).exists()


def _usable_invitations(response: Response):
    return Invitation.objects.filter(
        response=response, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


@rules.predicate
def is_colleague_on_response(user, response: Response | None) -> bool:
    """The user holds a colleague's link to this very response (and no other)."""
    if not _signed_in(user) or not isinstance(response, Response):
        return False
    return _usable_invitations(response).filter(user=user, role=InvitationRole.COLLEAGUE).exists()


may_work_on_response = is_secretariat | is_focal_point_of_response | is_colleague_on_response

rules.add_perm("catalog.view_any_entry", is_secretariat)
# Focal points propose changes through the survey; only the secretariat writes entries.
rules.add_perm("catalog.change_entry", is_secretariat)
rules.add_perm("surveys.view_response", may_work_on_response)
rules.add_perm("surveys.change_response", may_work_on_response)
rules.add_perm("review.review_proposal", is_secretariat)
# A circulated draft: focal points and the secretariat comment; only the secretariat resolves.
rules.add_perm("review.add_editioncomment", is_secretariat | is_focal_point)
rules.add_perm("review.resolve_editioncomment", is_secretariat)


def _invitation_of(who: Any) -> Invitation | None:
    invitation = getattr(who, "invitation", None)
    return invitation if isinstance(invitation, Invitation) else None


def _link_opens(invitation: Invitation, response: Response) -> bool:
    return (
        invitation.response_id == response.pk
        and invitation.revoked_at is None
        and invitation.expires_at > timezone.now()
    )


def _may(who_or_user: Any, response: Response, perm: str) -> bool:
    invitation = _invitation_of(who_or_user)
    if invitation is not None:
        # A link opens its own response only; a user behind it may still reach others.
        if _link_opens(invitation, response):
            return True
        user = getattr(who_or_user, "user", None)
    else:
        user = getattr(who_or_user, "user", who_or_user)
    return _signed_in(user) and user.has_perm(perm, response)


def can_view_response(who_or_user: Any, response: Response) -> bool:
    """For a signed-in user, or a `surveys.services.Who` acting through a personal link (the
    workspace keeps the link's invitation in the session, so there may be no user at all)."""
    return _may(who_or_user, response, "surveys.view_response")


def can_edit_response(who_or_user: Any, response: Response) -> bool:
    """As `can_view_response`, for changing it. (The lock after submission is another matter:
    `surveys.services` refuses changes to a submitted response whoever asks.)"""
    return _may(who_or_user, response, "surveys.change_response")


def can_comment_on_editions(user: Any) -> bool:
    return _signed_in(user) and user.has_perm("review.add_editioncomment")


def can_resolve_comments(user: Any) -> bool:
    return _signed_in(user) and user.has_perm("review.resolve_editioncomment")


def can_review(user: Any, proposal: Any = None) -> bool:
    return _signed_in(user) and user.has_perm("review.review_proposal", proposal)
