"""Policies, initiatives and programmes: what is recorded about the respondent (each to confirm,
correct or withdraw) and the new ones they add. A proposal id from the URL or a form is looked up
only among this response's proposals: another respondent's id finds nothing (404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import selectors, summary
from ..answers import answers_differ, policy_answers, policy_data
from ..forms import AnswersForm, ChoiceBook, answers_form
from ..models import Proposal, ProposalKind, ReviewStatus
from ..questionnaire import Section, policy_section
from ..services import (
    ResponseLocked,
    StaleDraft,
    proposal_add,
    proposal_delete,
    proposal_reply,
    proposal_save,
)
from .access import Workspace, editing_view, locked_message, posted_version, workspace_view
from .workspace import autosave_status

# The hidden fields that carry a recorded entry's version on its page while its form is shown:
# the form's and the decisions' (confirm, withdraw).
VERSION_IDS = ("version", "version-confirm", "version-withdraw")
REPLY_MAX = 4000
DECISIONS = {
    "confirm": ProposalKind.CONFIRM,
    "withdraw": ProposalKind.WITHDRAW,
    "review": ProposalKind.REVIEW,
}


def _section(workspace: Workspace) -> Section:
    section = policy_section(workspace.definition)
    if section is None:
        raise Http404("This questionnaire has no policies")
    return section


def _proposal(workspace: Workspace, pk: Any) -> Proposal:
    try:
        proposal = selectors.proposal_of(response=workspace.response, pk=int(pk))
    except (TypeError, ValueError):
        proposal = None
    if proposal is None:
        raise Http404("No such policy in this response")
    return proposal


def _version_ids(proposal: Proposal) -> tuple[str, ...]:
    """The hidden version fields an automatic save refreshes on this proposal's page."""
    ids = VERSION_IDS if proposal.entry_id is not None else ("version",)
    if proposal.review_status == ReviewStatus.CHANGES_REQUESTED:
        ids += (f"version-reply-{proposal.pk}",)
    return ids


def _decided_message(proposal: Proposal) -> str:
    """Why a proposal a curator already accepted or rejected cannot be changed any more."""
    title = {"title": summary.policy_title(proposal)}
    if proposal.review_status == ReviewStatus.ACCEPTED:
        return (
            _(
                "The Secretariat already accepted “%(title)s”: it cannot be changed here any more. "
                "Nothing was saved."
            )
            % title
        )
    return (
        _(
            "The Secretariat already rejected “%(title)s”: it cannot be changed here any more. "
            "Nothing was saved."
        )
        % title
    )


def _refuse_decided(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    messages.error(request, _decided_message(proposal))
    return redirect("surveys:policy", pk=proposal.pk)


def _card_values(section: Section, book: ChoiceBook, proposal: Proposal) -> list[tuple[str, Any]]:
    answers = policy_answers(section, proposal.data)
    return [(q.label_text, book.display(q, answers.get(q.slug))) for q in section.questions]


def _new_policy_data(workspace: Workspace) -> dict[str, Any]:
    """A new policy of a government covers its own economy unless they say otherwise."""
    economy = workspace.response.economy
    return {"economies": [economy.code]} if economy else {}


# --- the list ------------------------------------------------------------------------------------


@require_safe
@workspace_view
def policies(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    section = _section(workspace)
    book = ChoiceBook()
    proposals = list(selectors.proposals_with_sources(response=workspace.response))
    cards = []
    for proposal in proposals:
        values = _card_values(section, book, proposal)
        cards.append(
            {"proposal": proposal, "title": summary.policy_title(proposal), "values": values}
        )
    return render(
        request,
        "surveys/policies.html",
        {
            "workspace": workspace,
            "response": workspace.response,
            "section": section,
            "recorded": [c for c in cards if c["proposal"].entry_id is not None],
            "new": [c for c in cards if c["proposal"].entry_id is None],
            "counts": summary.policy_counts(workspace.response, proposals),
        },
    )


# --- one policy ----------------------------------------------------------------------------------


def _differs_from_recorded(section: Section, proposal: Proposal, data: dict[str, Any]) -> bool:
    return bool(answers_differ(section, data, selectors.recorded_values(proposal=proposal)))


def _kind_after_edit(section: Section, proposal: Proposal, data: dict[str, Any]) -> str:
    """A recorded entry whose answers now differ from the catalog is a correction; one edited
    back to what is recorded is no longer a correction."""
    if proposal.entry_id is None:
        return ProposalKind.NEW
    if _differs_from_recorded(section, proposal, data):
        return ProposalKind.UPDATE
    return ProposalKind.REVIEW if proposal.kind == ProposalKind.UPDATE else proposal.kind


def _save_policy(
    workspace: Workspace,
    section: Section,
    proposal: Proposal,
    answers: dict[str, Any],
    version: int,
) -> Proposal:
    data = policy_data(section, answers, proposal.data)
    kind = _kind_after_edit(section, proposal, data)
    try:
        return proposal_save(
            proposal=proposal,
            who=workspace.who,
            kind=kind,
            data=data,
            reason=proposal.reason,
            expected_version=version,
        )
    except StaleDraft:
        # Already saved by the automatic save racing the button: not a conflict.
        proposal.refresh_from_db()
        if proposal.data == data and proposal.kind == kind:
            return proposal
        raise


def _saved_policy_page(
    request: HttpRequest, workspace: Workspace, section: Section, proposal: Proposal, **page
) -> HttpResponse:
    """The policy page showing what is saved, with a message about an action that was refused."""
    form = answers_form(
        questions=section.questions, book=ChoiceBook(), saved=policy_answers(section, proposal.data)
    )
    return _policy_page(
        request, workspace, section, proposal=proposal, form=form, version=proposal.version, **page
    )


def _policy_page(
    request: HttpRequest,
    workspace: Workspace,
    section: Section,
    *,
    proposal: Proposal | None,
    form: AnswersForm,
    version: int,
    stale: str = "",
    decision_error: str = "",
    reason: str | None = None,
    page_problems: list[str] | None = None,
    reply: str | None = None,
    reply_error: str = "",
    status: int = 200,
) -> HttpResponse:
    recorded = proposal is not None and proposal.entry_id is not None
    if recorded:
        form.recorded = policy_answers(section, selectors.recorded_values(proposal=proposal))
    error_links = form.error_links() if form.is_bound else []
    if decision_error:
        error_links.append((decision_error, "#id_reason"))
    error_links += [(message, "#policy-form") for message in page_problems or []]
    if proposal is None:
        autosave_url = reverse("surveys:policy_new_autosave")
        action_url = reverse("surveys:policy_new")
    else:
        autosave_url = reverse("surveys:policy_autosave", kwargs={"pk": proposal.pk})
        action_url = reverse("surveys:policy", kwargs={"pk": proposal.pk})
    if proposal is not None and proposal.entry_id is not None:
        proposal = selectors.proposals_with_sources(response=workspace.response).get(pk=proposal.pk)
    decided = proposal is not None and proposal.is_decided
    return render(
        request,
        "surveys/policy.html",
        {
            "workspace": workspace,
            "response": workspace.response,
            "section": section,
            "proposal": proposal,
            "title": summary.policy_title(proposal) if proposal else _("Add a policy"),
            "recorded": recorded,
            "form": form,
            "question_fields": form.question_fields(),
            "show_form": proposal is None
            or (
                not decided
                and proposal.kind in (ProposalKind.NEW, ProposalKind.REVIEW, ProposalKind.UPDATE)
            ),
            "decided": decided,
            # A decided proposal is shown as it was submitted, without a form.
            "values": _card_values(section, ChoiceBook(), proposal) if decided else [],
            "reply": reply if reply is not None else (proposal.reply if proposal else ""),
            "reply_error": reply_error,
            "error_links": error_links,
            "stale": stale,
            "decision_error": decision_error,
            "reason": reason if reason is not None else (proposal.reason if proposal else ""),
            "version": version,
            "autosave_url": autosave_url,
            "action_url": action_url,
        },
        status=status,
    )


def _check_problems(
    workspace: Workspace, section: Section, proposal: Proposal, form: AnswersForm
) -> list[str]:
    """On `?check=1`: the problems the submission found, on the fields that can fix them."""
    keyed = summary.policy_field_problems(section, proposal, workspace.response)
    for slug, problems in keyed.items():
        if slug in form.fields and slug not in form.errors:
            for message in problems:
                form.add_error(slug, message)
    return keyed.get("", [])


@require_http_methods(["GET", "HEAD", "POST"])
@editing_view
def policy(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    section = _section(workspace)
    proposal = _proposal(workspace, pk)
    book = ChoiceBook()
    if request.method != "POST":
        check = bool(request.GET.get("check"))
        sent = proposal.kind in (ProposalKind.NEW, ProposalKind.UPDATE)
        form = answers_form(
            questions=section.questions,
            book=book,
            saved=policy_answers(section, proposal.data),
            check=check and sent,
        )
        problems = _check_problems(workspace, section, proposal, form) if check else []
        return _policy_page(
            request,
            workspace,
            section,
            proposal=proposal,
            form=form,
            version=proposal.version,
            page_problems=problems,
        )
    if proposal.is_decided:
        return _refuse_decided(request, proposal)
    form = AnswersForm(request.POST, questions=section.questions, book=book)
    form.is_valid()
    version = posted_version(request)
    try:
        proposal = _save_policy(workspace, section, proposal, form.answers, version)
    except StaleDraft as stale:
        return _policy_page(
            request,
            workspace,
            section,
            proposal=proposal,
            form=form,
            version=version,
            stale=str(stale),
            status=409,
        )
    except ResponseLocked:
        messages.info(request, locked_message())
        return redirect("surveys:workspace")
    return _after_save(request, workspace, section, proposal, form)


def _after_save(
    request: HttpRequest,
    workspace: Workspace,
    section: Section,
    proposal: Proposal,
    form: AnswersForm,
) -> HttpResponse:
    if form.errors:
        return _policy_page(
            request, workspace, section, proposal=proposal, form=form, version=proposal.version
        )
    messages.success(
        request, _("“%(title)s” was saved.") % {"title": summary.policy_title(proposal)}
    )
    if request.POST.get("action") == "list":
        return redirect("surveys:policies")
    return redirect("surveys:policy", pk=proposal.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@editing_view
def policy_new(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    section = _section(workspace)
    book = ChoiceBook()
    if request.method != "POST":
        initial = policy_answers(section, _new_policy_data(workspace))
        form = AnswersForm(questions=section.questions, book=book, initial=initial)
        return _policy_page(request, workspace, section, proposal=None, form=form, version=0)
    form = AnswersForm(request.POST, questions=section.questions, book=book)
    form.is_valid()
    try:
        proposal = _add_or_save_new(request, workspace, section, form)
    except StaleDraft as stale:
        return _policy_page(
            request,
            workspace,
            section,
            proposal=_posted_new_proposal(request, workspace),
            form=form,
            version=posted_version(request),
            stale=str(stale),
            status=409,
        )
    except ResponseLocked:
        messages.info(request, locked_message())
        return redirect("surveys:workspace")
    return _after_save(request, workspace, section, proposal, form)


def _add_or_save_new(
    request: HttpRequest, workspace: Workspace, section: Section, form: AnswersForm
) -> Proposal:
    """Add the new policy, or save it if this page already added it."""
    existing = _posted_new_proposal(request, workspace)
    if existing is None:
        data = policy_data(section, form.answers, _new_policy_data(workspace))
        return proposal_add(response=workspace.response, who=workspace.who, data=data)
    return _save_policy(workspace, section, existing, form.answers, posted_version(request))


def _posted_new_proposal(request: HttpRequest, workspace: Workspace) -> Proposal | None:
    """The new policy this page already created (its id came back from an automatic save).
    The id is looked up in this response only, and must be a new policy."""
    pk = request.POST.get("proposal", "")
    if not pk:
        return None
    proposal = _proposal(workspace, pk)
    if proposal.entry_id is not None or proposal.is_decided:
        # Only a page that is adding this policy posts its id; a decided one is not changed.
        raise Http404("Not a new policy being added")
    return proposal


@require_POST
@workspace_view
def policy_autosave(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    section = _section(workspace)
    proposal = _proposal(workspace, pk)
    if proposal.is_decided:
        return autosave_status(request, version=None, error=_decided_message(proposal))
    form = AnswersForm(request.POST, questions=section.questions, book=ChoiceBook())
    form.is_valid()
    try:
        proposal = _save_policy(workspace, section, proposal, form.answers, posted_version(request))
    except (StaleDraft, ResponseLocked) as refused:
        return autosave_status(request, version=None, error=str(refused))
    return autosave_status(
        request,
        version=proposal.version,
        version_ids=_version_ids(proposal),
        problems=bool(form.errors),
    )


@require_POST
@workspace_view
def policy_new_autosave(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """The first automatic save creates the policy and sends its id back into the page, so the
    next saves (automatic or not) change that policy instead of adding another."""
    section = _section(workspace)
    form = AnswersForm(request.POST, questions=section.questions, book=ChoiceBook())
    form.is_valid()
    try:
        proposal = _add_or_save_new(request, workspace, section, form)
    except (StaleDraft, ResponseLocked) as refused:
        return autosave_status(request, version=None, error=str(refused))
    return autosave_status(
        request, version=proposal.version, problems=bool(form.errors), proposal_id=proposal.pk
    )


# --- decisions on a recorded entry, and deleting a new one ---------------------------------------


@require_POST
@editing_view
def policy_decision(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    section = _section(workspace)
    proposal = _proposal(workspace, pk)
    decision = DECISIONS.get(request.POST.get("decision", ""))
    if proposal.entry_id is None or decision is None:
        raise Http404("Only a recorded entry is confirmed, withdrawn or reviewed again")
    if proposal.is_decided:
        return _refuse_decided(request, proposal)
    reason = request.POST.get("reason", "").strip()[:4000]
    if decision == ProposalKind.WITHDRAW and not reason:
        return _saved_policy_page(
            request,
            workspace,
            section,
            proposal,
            decision_error=_("Say why it should be withdrawn."),
            reason="",
        )
    if decision == ProposalKind.REVIEW and _differs_from_recorded(section, proposal, proposal.data):
        decision = ProposalKind.UPDATE  # back to deciding: answers already corrected stay so
    try:
        proposal = proposal_save(
            proposal=proposal,
            who=workspace.who,
            kind=decision,
            reason=reason if decision == ProposalKind.WITHDRAW else "",
            expected_version=posted_version(request),
        )
    except StaleDraft as stale:
        messages.error(request, str(stale))
        return redirect("surveys:policy", pk=proposal.pk)
    except ResponseLocked:
        messages.info(request, locked_message())
        return redirect("surveys:workspace")
    done = {
        ProposalKind.CONFIRM: _("You confirmed “%(title)s” unchanged."),
        ProposalKind.WITHDRAW: _("You asked to withdraw “%(title)s”."),
        ProposalKind.UPDATE: _("“%(title)s” is a correction again: check it and save."),
    }.get(proposal.kind, _("“%(title)s” is back to be reviewed."))
    messages.success(request, done % {"title": summary.policy_title(proposal)})
    if request.POST.get("next") == "policies":
        return redirect(reverse("surveys:policies") + f"#policy-{proposal.pk}")
    return redirect("surveys:policy", pk=proposal.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@editing_view
def policy_delete(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    proposal = _proposal(workspace, pk)
    if proposal.entry_id is not None:
        raise Http404("Recorded entries are withdrawn, not deleted")
    if proposal.is_decided:
        return _refuse_decided(request, proposal)
    title = summary.policy_title(proposal)
    if request.method != "POST":
        return render(
            request,
            "surveys/policy_delete.html",
            {
                "workspace": workspace,
                "response": workspace.response,
                "proposal": proposal,
                "title": title,
            },
        )
    try:
        proposal_delete(proposal=proposal, who=workspace.who)
    except ResponseLocked:
        messages.info(request, locked_message())
        return redirect("surveys:workspace")
    messages.success(request, _("“%(title)s” was deleted.") % {"title": title})
    return redirect("surveys:policies")


# --- the answer to a curator's request for changes -----------------------------------------------


def _after_reply(proposal: Proposal, to_list: bool) -> str:
    if to_list:
        return reverse("surveys:policies") + f"#policy-{proposal.pk}"
    return reverse("surveys:policy", kwargs={"pk": proposal.pk}) + "#review"


@require_POST
@editing_view
def policy_reply(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    """Save the respondent's answer to the Secretariat; it reaches the curator with the next
    submission, together with whatever they changed in the proposal itself."""
    proposal = _proposal(workspace, pk)
    if proposal.review_status != ReviewStatus.CHANGES_REQUESTED:
        messages.error(
            request,
            _("The Secretariat did not ask for changes on “%(title)s”: there is nothing to answer.")
            % {"title": summary.policy_title(proposal)},
        )
        return redirect("surveys:policy", pk=proposal.pk)
    reply = request.POST.get("reply", "")[:REPLY_MAX]
    try:
        proposal = proposal_reply(
            proposal=proposal,
            who=workspace.who,
            reply=reply,
            expected_version=posted_version(request),
        )
    except StaleDraft as stale:
        # The answer stays in the box; nothing was saved.
        return _saved_policy_page(
            request,
            workspace,
            _section(workspace),
            proposal,
            reply=reply,
            reply_error=str(stale),
            status=409,
        )
    except ResponseLocked:
        messages.info(request, locked_message())
        return redirect("surveys:workspace")
    messages.success(
        request,
        _("Your answer to the Secretariat on “%(title)s” was saved.")
        % {"title": summary.policy_title(proposal)},
    )
    return redirect(_after_reply(proposal, request.POST.get("next") == "policies"))
