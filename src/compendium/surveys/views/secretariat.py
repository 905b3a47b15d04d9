"""The secretariat's survey dashboard: open rounds, invite respondents, follow where each stands,
remind, withdraw or re-issue links, reopen a submitted response. Secretariat staff only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import dashboard, selectors
from ..forms import InviteForm, NoteForm, RoundForm
from ..models import InvitationState, Response, Round
from ..questionnaire import QuestionnaireInvalid
from ..services import (
    NewLink,
    invitation_link,
    invitation_reissue,
    invitation_revoke,
    invitation_send_quietly,
    questionnaire_load,
    response_reopen,
    round_invite,
    round_open,
    round_remind,
)

NEW_LINKS_KEY = "survey_new_links"
SECRETARIAT_PERMISSION = "catalog.view_any_entry"


def secretariat_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in secretariat staff only: others sign in first, or are refused (403)."""

    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_staff and user.has_perm(SECRETARIAT_PERMISSION)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _round(slug: str) -> Round:
    survey_round = selectors.round_by_slug(slug=slug)
    if survey_round is None:
        raise Http404("No such round")
    return survey_round


def _actor_label(request: HttpRequest) -> str:
    return request.user.get_username()


# --- rounds --------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@secretariat_view
def rounds(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        survey_round = _open_round(form, request)
        if survey_round is not None:
            messages.success(
                request, _("The round “%(title)s” is open.") % {"title": survey_round.title}
            )
            return redirect("surveys:secretariat_round", slug=survey_round.slug)
    return render(
        request,
        "surveys/secretariat/rounds.html",
        {"rounds": selectors.rounds_with_counts(), "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _open_round(form: RoundForm, request: HttpRequest) -> Round | None:
    """Open the round, or put what went wrong on the form's fields."""
    data = form.cleaned_data
    if data["questionnaire"] == RoundForm.FROM_FILE:
        try:
            questionnaire, _outcome = questionnaire_load()
        except QuestionnaireInvalid as invalid:
            form.add_error("questionnaire", "; ".join(invalid.problems[:5]))
            return None
    else:
        questionnaire = selectors.questionnaire_by_id(pk=int(data["questionnaire"]))
    try:
        return round_open(
            actor=request.user,
            title=data["title"],
            slug=data["slug"],
            deadline=data["deadline"],
            questionnaire=questionnaire,
        )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return None


# --- one round -----------------------------------------------------------------------------------


def _round_page(
    request: HttpRequest, survey_round: Round, invite_form: InviteForm | None = None
) -> HttpResponse:
    rows = dashboard.status_rows(survey_round=survey_round)
    chosen = {name: request.GET.get(name, "") for name in ("state", "region", "kind")}
    shown = dashboard.filtered(rows, **chosen)
    if request.GET.get("format") == "csv":
        answer = StreamingHttpResponse(dashboard.csv_text(shown), content_type="text/csv")
        answer["Content-Disposition"] = f'attachment; filename="survey-{survey_round.slug}.csv"'
        return answer
    stored = request.session.pop(NEW_LINKS_KEY, None)
    new_links = stored["links"] if stored and stored.get("round") == survey_round.slug else []
    counts = {state: sum(r.state == state for r in rows) for state in dashboard.STATE_ORDER}
    return render(
        request,
        "surveys/secretariat/round.html",
        {
            "round": survey_round,
            "rows": shown,
            "total": len(rows),
            "counts": [(InvitationState(s).label, n) for s, n in counts.items()],
            "chosen": chosen,
            "states": InvitationState.choices,
            "regions": selectors.regions(),
            "kinds": selectors.contributor_types(),
            "by_region": dashboard.rates(rows, by="region"),
            "by_kind": dashboard.rates(rows, by="kind"),
            "new_links": new_links,
            "invite_form": invite_form or InviteForm(),
            "csv_query": _with_format(request),
        },
        status=400 if invite_form is not None else 200,
    )


def _with_format(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()


@require_safe
@secretariat_view
def round_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _round_page(request, _round(slug))


def _show_once(request: HttpRequest, survey_round: Round, links: list[NewLink]) -> None:
    """New links are shown once, on the next page; only their hashes are kept."""
    request.session[NEW_LINKS_KEY] = {
        "round": survey_round.slug,
        "links": [asdict(link) for link in links],
    }


@require_POST
@secretariat_view
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    survey_round = _round(slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _round_page(request, survey_round, invite_form=form)
    data = form.cleaned_data
    if data["who"] in (InviteForm.ALL_MEMBERS, InviteForm.ALL_OBSERVERS):
        status = "member" if data["who"] == InviteForm.ALL_MEMBERS else "observer"
        economies, organizations = list(selectors.economies_by_status(status=status)), []
    else:
        economies = list(selectors.economies_by_codes(codes=data["economies"]))
        organizations = list(selectors.organizations_by_slugs(slugs=data["organizations"]))
    one = data["who"] == InviteForm.ONE
    outcome = round_invite(
        actor=request.user,
        survey_round=survey_round,
        economies=economies,
        organizations=organizations,
        name=data["name"] if one else "",
        email=data["email"] if one else "",
        language=data["language"],
    )
    _show_once(request, survey_round, outcome.links)
    messages.success(
        request,
        _("%(created)s invited (%(emailed)s e-mailed); %(skipped)s already had a link.")
        % {
            "created": len(outcome.links),
            "emailed": outcome.emailed,
            "skipped": outcome.skipped,
        },
    )
    return redirect("surveys:secretariat_round", slug=survey_round.slug)


@require_POST
@secretariat_view
def remind(request: HttpRequest, slug: str) -> HttpResponse:
    survey_round = _round(slug)
    sent = round_remind(actor=request.user, survey_round=survey_round)
    messages.success(
        request, _("%(sent)s reminder(s) sent, each with a fresh link.") % {"sent": sent}
    )
    return redirect("surveys:secretariat_round", slug=survey_round.slug)


@require_POST
@secretariat_view
def link(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Withdraw a link, or re-issue it (the old one stops working; the new one is e-mailed if
    there is an address, and shown once)."""
    survey_round = _round(slug)
    invitation = selectors.invitation_in_round(survey_round=survey_round, pk=pk)
    if invitation is None:
        raise Http404("No such invitation in this round")
    action = request.POST.get("action")
    if action == "revoke":
        invitation_revoke(
            actor=request.user, invitation=invitation, note=request.POST.get("note", "")[:2000]
        )
        messages.success(
            request, _("The link of %(name)s no longer works.") % {"name": invitation.name}
        )
    elif action == "reissue":
        token = invitation_reissue(actor=request.user, invitation=invitation)
        emailed = invitation_send_quietly(invitation, token, "invitation")
        new = NewLink(
            respondent=str(invitation.response.respondent),
            name=invitation.name,
            email=invitation.email,
            link=invitation_link(token),
            emailed=emailed,
        )
        _show_once(request, survey_round, [new])
        messages.success(
            request,
            _("A new link was made for %(name)s; the old one no longer works.")
            % {"name": invitation.name},
        )
    else:
        raise Http404("Unknown action")
    return redirect("surveys:secretariat_round", slug=survey_round.slug)


@require_POST
@secretariat_view
def reopen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey_round = _round(slug)
    response = selectors.response_in_round(survey_round=survey_round, pk=pk)
    if response is None:
        raise Http404("No such response in this round")
    if response.status != Response.Status.SUBMITTED:
        messages.info(request, _("This response is not submitted; there is nothing to reopen."))
    else:
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        response_reopen(actor=request.user, response=response, note=note)
        messages.success(
            request,
            _("The response of %(respondent)s is open again for changes.")
            % {"respondent": response.respondent},
        )
    return redirect("surveys:secretariat_round", slug=survey_round.slug)
