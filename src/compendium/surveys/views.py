"""The focal point's workspace. Every view finds the response through the session's invitation
(set by opening a personal link) or the logged-in focal point, never from an id in the URL."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .selectors import InvitationRefused, invitation_for_token
from .services import invitation_touch

SESSION_KEY = "survey_invitation"


@never_cache
@require_safe
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_for_token(token)
    except InvitationRefused as refusal:
        return render(request, "surveys/link_refused.html", {"message": str(refusal)}, status=403)
    # A new session id: whoever held the old one (a shared computer) does not inherit access.
    request.session.cycle_key()
    request.session[SESSION_KEY] = invitation.pk
    invitation_touch(invitation=invitation)
    return redirect("surveys:workspace")
