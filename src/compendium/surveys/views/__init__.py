"""The focal point's workspace and the secretariat's survey dashboard. Every workspace view finds
the response through the session's invitation (set by opening a personal link) or the signed-in
focal point, never from an id in the URL (see `access`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from compendium.operations.ratelimit import (
    SURVEY_LINK_PER_IP,
    SURVEY_LINK_PER_TOKEN,
    rate_limited,
)

from ..selectors import InvitationRefused, invitation_for_token
from ..services import invitation_touch
from .access import SESSION_KEY, refusal_page

__all__ = ["SESSION_KEY", "invitation_open"]


@never_cache
@require_safe
# Refused links are limited per client IP (token guessing), each link's opens per token.
@rate_limited(SURVEY_LINK_PER_IP, SURVEY_LINK_PER_TOKEN)
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_for_token(token)
    except InvitationRefused as refusal:
        return refusal_page(request, str(refusal))
    # A new session id: whoever held the old one (a shared computer) does not inherit access.
    request.session.cycle_key()
    request.session[SESSION_KEY] = invitation.pk
    invitation_touch(invitation=invitation)
    # The workspace opens in the language the invitation was written in (/fr/survey/ …).
    with translation.override(invitation.language):
        return redirect(reverse("surveys:workspace"))
