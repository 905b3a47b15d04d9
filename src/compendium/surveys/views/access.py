"""Who is in the workspace, and for which response. A view never takes a response from the URL or
a form: it gets it from the invitation the session opened (through a personal link) or, for a
signed-in focal point, from their economy's or organisation's response to the open round."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from compendium.catalog.i18n import current_language

from .. import selectors
from ..models import Invitation, InvitationRole, Response
from ..selectors import InvitationRefused
from ..services import Who, invitation_for_user

SESSION_KEY = "survey_invitation"


@dataclass(frozen=True)
class Workspace:
    """The person at work and the response they work on, for one request."""

    invitation: Invitation
    who: Who

    @property
    def response(self) -> Response:
        return self.invitation.response

    @property
    def definition(self) -> dict[str, Any]:
        return self.response.round.questionnaire.definition

    @property
    def is_focal_point(self) -> bool:
        return self.invitation.role == InvitationRole.FOCAL_POINT

    @property
    def locked(self) -> bool:
        return self.response.is_locked


class Refused(Exception):
    """No workspace for this request; the message says why and what to do."""


def _by_link(request: HttpRequest, pk: Any) -> Invitation:
    try:
        return selectors.invitation_in_session(int(pk))
    except (InvitationRefused, TypeError, ValueError) as refusal:
        # The link stopped working since it was opened: forget it, so the refusal is not sticky
        # for someone who then signs in.
        request.session.pop(SESSION_KEY, None)
        raise Refused(str(refusal) if isinstance(refusal, InvitationRefused) else "") from None


def _by_sign_in(request: HttpRequest) -> Invitation | None:
    scope = selectors.focal_point_scope(user=request.user)
    if scope is None:
        return None
    survey_round = selectors.open_round()
    if survey_round is None:
        raise Refused(
            _(
                "No survey round is open at the moment. The Secretariat will write to you "
                "when the next one opens."
            )
        )
    invitation = invitation_for_user(
        user=request.user,
        survey_round=survey_round,
        economy=scope.economy,
        organization=scope.organization,
        language=current_language(),
    )
    if invitation.revoked_at is not None:
        raise Refused(
            _(
                "Your access to this survey was withdrawn by the Secretariat. Ask them if "
                "you still need to answer."
            )
        )
    return invitation


def workspace_of(request: HttpRequest) -> Workspace:
    """The session's invitation first (its holder chose that link), then a signed-in focal
    point; anyone else is refused."""
    pk = request.session.get(SESSION_KEY)
    invitation = _by_link(request, pk) if pk is not None else _by_sign_in(request)
    if invitation is None:
        raise Refused(
            _(
                "To answer the survey, open the personal link in your invitation e-mail, "
                "or sign in as a focal point."
            )
        )
    return Workspace(invitation=invitation, who=Who.of_invitation(invitation))


def refusal_page(request: HttpRequest, message: str, *, reassure: bool = True) -> HttpResponse:
    """403 with what went wrong and what to do (`reassure`: say that saved work is kept)."""
    return render(
        request,
        "surveys/link_refused.html",
        {"message": message or _("This link cannot be used."), "reassure": reassure},
        status=403,
    )


WorkspaceView = Callable[..., HttpResponse]


def workspace_view(view: WorkspaceView) -> Callable[..., HttpResponse]:
    """Give the view its `Workspace`, or answer with the refusal page (403)."""

    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            workspace = workspace_of(request)
        except Refused as refusal:
            return refusal_page(request, str(refusal))
        return view(request, workspace, *args, **kwargs)

    return wrapped


def editing_view(view: WorkspaceView) -> Callable[..., HttpResponse]:
    """A workspace view that changes the response: a submitted (locked) response sends the
    person back to the task list, which says why."""

    @wraps(view)
    def wrapped(request: HttpRequest, workspace: Workspace, *args: Any, **kwargs: Any):
        if workspace.locked:
            messages.info(request, locked_message())
            return redirect("surveys:workspace")
        return view(request, workspace, *args, **kwargs)

    return workspace_view(wrapped)


def locked_message() -> str:
    return _(
        "This response was submitted and is locked. Ask the Secretariat to reopen it if "
        "something must change."
    )


def posted_version(request: HttpRequest, name: str = "version") -> int:
    """The version a form was based on. A save that does not say is treated as outdated (0)."""
    try:
        return int(request.POST.get(name, "0"))
    except ValueError:
        return 0
