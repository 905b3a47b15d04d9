"""Routing to colleagues: a focal point invites colleagues (e.g. a line ministry in capital) to
co-edit the response through their own links, and may withdraw those links. Colleagues see who
has access but cannot invite others: that is checked here, not only by hiding the form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors
from ..forms import ColleagueForm
from ..models import InvitationRole
from ..services import invitation_create, invitation_revoke, invitation_send
from .access import Workspace, refusal_page, workspace_view


def _only_focal_points(request: HttpRequest) -> HttpResponse:
    return refusal_page(
        request,
        _("Only the focal point can invite colleagues or withdraw their links. Ask them to."),
        reassure=False,
    )


def _page(
    request: HttpRequest, workspace: Workspace, form: ColleagueForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "surveys/colleagues.html",
        {
            "workspace": workspace,
            "response": workspace.response,
            "people": selectors.people_with_access(response=workspace.response),
            "form": form,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view
def colleagues(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    if request.method != "POST":
        form = ColleagueForm(initial={"language": workspace.invitation.language})
        return _page(request, workspace, form)
    if not workspace.is_focal_point:
        return _only_focal_points(request)
    form = ColleagueForm(request.POST)
    if not form.is_valid():
        return _page(request, workspace, form)
    response = workspace.response
    invitation, token = invitation_create(
        actor=workspace.who.user,
        actor_label=workspace.who.label,
        survey_round=response.round,
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        language=form.cleaned_data["language"],
        economy=response.economy,
        organization=response.organization,
        role=InvitationRole.COLLEAGUE,
        invited_by=workspace.invitation,
    )
    invitation_send(invitation=invitation, token=token)
    messages.success(
        request,
        _("We sent %(name)s a personal link to %(email)s.")
        % {"name": invitation.name, "email": invitation.email},
    )
    return redirect("surveys:colleagues")


@require_POST
@workspace_view
def colleague_revoke(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    if not workspace.is_focal_point:
        return _only_focal_points(request)
    colleague = selectors.colleague_of(response=workspace.response, pk=pk)
    if colleague is None:
        raise Http404("No such colleague in this response")
    if colleague.revoked_at is None:
        invitation_revoke(
            actor=workspace.who.user,
            actor_label=workspace.who.label,
            invitation=colleague,
            note="withdrawn by the focal point",
        )
    messages.success(request, _("%(name)s’s link no longer works.") % {"name": colleague.name})
    return redirect("surveys:colleagues")
