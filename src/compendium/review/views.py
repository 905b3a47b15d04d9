"""The curators' review queue: submitted survey proposals, each compared field by field with the
entry as recorded, and the decisions on them. Secretariat only: anyone else signs in first or is
refused (403). Reads go through `selectors`, every decision through one service of `services`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compendium.catalog.models import Workflow
from compendium.catalog.services import EntryInvalid, StaleEntry, TransitionNotAllowed
from compendium.surveys.answers import policy_answers, policy_data
from compendium.surveys.forms import AnswersForm, ChoiceBook
from compendium.surveys.models import Proposal, ProposalKind, ReviewStatus
from compendium.surveys.questionnaire import Section, policy_section
from compendium.surveys.summary import policy_title

from . import selectors, services
from .changes import comparison, curator_edits
from .forms import AcceptForm, DecisionForm, RejectForm, RequestChangesForm
from .rules import can_review

QUEUE_PERMISSION = "catalog.view_any_entry"
PAGE_SIZE = 100
EDITABLE_KINDS = (ProposalKind.NEW, ProposalKind.UPDATE)


def curator_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in secretariat staff only: others sign in first, or are refused (403)."""

    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(QUEUE_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# --- the queue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    status: str
    label: str
    count: int
    url: str
    current: bool


@dataclass(frozen=True)
class Group:
    """A respondent's proposals on this page of the queue."""

    response: Any
    rows: list[tuple[Proposal, str]]  # (proposal, its title)


def _queue_url(query: dict[str, str]) -> str:
    return reverse("review:queue") + (f"?{urlencode(query)}" if query else "")


@require_safe
@curator_view
def queue(request: HttpRequest) -> HttpResponse:
    filters = selectors.QueueFilters.from_query(request.GET)
    counts = selectors.review_counts(user=request.user, filters=filters)
    tabs = [
        Tab(
            status=status,
            label=str(ReviewStatus(status).label),
            count=counts[status],
            url=_queue_url(filters.with_status(status).query()),
            current=status == filters.status,
        )
        for status in selectors.QUEUE_STATES
    ]
    page = Paginator(selectors.review_queue(user=request.user, filters=filters), PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    groups = [
        Group(response=proposals[0].response, rows=[(p, policy_title(p)) for p in proposals])
        for proposals in (
            list(group) for _id, group in groupby(page.object_list, key=lambda p: p.response_id)
        )
    ]
    return render(
        request,
        "review/queue.html",
        {
            "filters": filters,
            "tabs": tabs,
            "current_tab": next(tab for tab in tabs if tab.current),
            "groups": groups,
            "page": page,
            "page_query": urlencode(filters.query()),
            "choices": selectors.queue_filter_choices(user=request.user),
        },
    )


# --- one proposal --------------------------------------------------------------------------------


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    proposal = selectors.proposal_for_review(user=request.user, pk=pk)
    if proposal is None:
        raise Http404("No submitted proposal with this number")
    if not can_review(request.user, proposal):
        raise PermissionDenied
    return proposal


def _decision_forms(proposal: Proposal, **bound: DecisionForm) -> dict[str, DecisionForm]:
    """The three decision forms of the proposal page: those given (as posted), the others
    fresh, carrying the proposal's current version."""
    forms = {
        "accept_form": AcceptForm(proposal=proposal, prefix="accept"),
        "changes_form": RequestChangesForm(proposal=proposal, prefix="changes"),
        "reject_form": RejectForm(proposal=proposal, prefix="reject"),
    }
    return {**forms, **bound}


def _proposal_context(proposal: Proposal) -> dict[str, Any]:
    entry = proposal.entry
    decidable = proposal.review_status in services.OPEN_STATES
    waiting = services.awaiting_resubmission(proposal)
    return {
        "proposal": proposal,
        "response": proposal.response,
        "title": policy_title(proposal),
        "comparison": comparison(proposal),
        "entry": entry,
        "entry_is_public": entry is not None and entry.workflow == Workflow.PUBLISHED,
        "decidable": decidable and not waiting,
        "awaiting_resubmission": decidable and waiting,
        "can_ask_changes": proposal.review_status == ReviewStatus.PENDING,
        "editable": proposal.kind in EDITABLE_KINDS,
        "is_new": proposal.kind == ProposalKind.NEW,
        "curator_edits": curator_edits(proposal),
    }


def _proposal_page(
    request: HttpRequest,
    proposal: Proposal,
    *,
    refusal: str = "",
    status: int = 200,
    **bound: DecisionForm,
) -> HttpResponse:
    context = _proposal_context(proposal)
    forms = _decision_forms(proposal, **bound)
    error_links = [
        (f"{form[name].label}: {message}", f"#{form[name].auto_id}")
        for form in bound.values()
        for name, messages_ in form.errors.items()
        for message in messages_
        if name in form.fields
    ]
    return render(
        request,
        "review/proposal.html",
        {**context, **forms, "refusal": refusal, "error_links": error_links},
        status=status,
    )


@require_safe
@curator_view
def proposal_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, _proposal(request, pk))


def _after_decision(request: HttpRequest, decision: services.Decision, done: str) -> HttpResponse:
    """Said once, then on to the respondent's next proposal waiting for review (or the queue)."""
    title = policy_title(decision.proposal)
    if decision.repeated:
        already = {
            ReviewStatus.ACCEPTED: _("“%(title)s” was already accepted; nothing was changed."),
            ReviewStatus.REJECTED: _("“%(title)s” was already rejected; nothing was changed."),
        }.get(
            decision.proposal.review_status,
            _("Changes were already asked on “%(title)s”; nothing was changed."),
        )
        messages.info(request, already % {"title": title})
        return redirect("review:proposal", pk=decision.proposal.pk)
    messages.success(request, done % {"title": title})
    following = selectors.next_in_queue(user=request.user, proposal=decision.proposal)
    if following is not None:
        return redirect("review:proposal", pk=following.pk)
    return redirect("review:queue")


def _refused(
    request: HttpRequest, proposal: Proposal, refusal: Exception, **bound: DecisionForm
) -> HttpResponse:
    """The page again, from the proposal as it is now, saying why nothing was done. What the
    curator typed is kept (their forms now carry the current version)."""
    current = selectors.proposal_for_review(user=request.user, pk=proposal.pk) or proposal
    if isinstance(refusal, services.AlreadyDecided):
        messages.warning(request, str(refusal))
        return redirect("review:proposal", pk=proposal.pk)
    kept = {
        name: type(form)(
            proposal=current,
            prefix=form.prefix,
            initial={
                field: form.data.get(form.add_prefix(field))
                for field in ("note", "publish")
                if field in form.fields
            },
        )
        for name, form in bound.items()
    }
    return _proposal_page(request, current, refusal=str(refusal), status=409, **kept)


def _accept_message(decision: services.Decision) -> str:
    entry = decision.entry
    kind = decision.proposal.kind
    if kind == ProposalKind.NEW and entry is not None and entry.workflow == Workflow.PUBLISHED:
        return _("Accepted “%(title)s”: the new entry is published.")
    if kind == ProposalKind.NEW:
        return _("Accepted “%(title)s”: the new entry is approved, not published yet.")
    if kind == ProposalKind.WITHDRAW:
        return _("Accepted the withdrawal of “%(title)s”: the entry is withdrawn.")
    if kind == ProposalKind.CONFIRM:
        return _("Accepted the confirmation of “%(title)s”.")
    return _("Accepted the correction of “%(title)s”.")


@require_POST
@curator_view
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    form = AcceptForm(request.POST, prefix="accept")
    if not form.is_valid():
        return _proposal_page(request, proposal, status=400, accept_form=form)
    data = form.cleaned_data
    try:
        decision = services.proposal_accept(
            proposal=proposal,
            curator=request.user,
            expected_version=data["version"],
            expected_entry_version=data["entry_version"],
            note=data["note"],
            publish=data["publish"],
        )
    except (services.ReviewRefused, StaleEntry, TransitionNotAllowed) as refusal:
        return _refused(request, proposal, refusal, accept_form=form)
    except EntryInvalid as invalid:
        return _refused(request, proposal, _invalid_message(invalid), accept_form=form)
    return _after_decision(request, decision, _accept_message(decision))


def _invalid_message(invalid: EntryInvalid) -> services.ReviewRefused:
    problems = "; ".join(
        f"{name}: {' '.join(messages_)}" for name, messages_ in invalid.message_dict.items()
    )
    return services.ReviewRefused(
        _("The proposal cannot become an entry as it stands (%(problems)s). Edit it, then accept.")
        % {"problems": problems}
    )


def _decide_with_note(
    request: HttpRequest, pk: int, *, form_class: type, prefix: str, decide, done: str
) -> HttpResponse:
    """Asking for changes and rejecting: a note, a version check, one service call."""
    proposal = _proposal(request, pk)
    form = form_class(request.POST, prefix=prefix)
    form_name = f"{prefix}_form"
    if not form.is_valid():
        return _proposal_page(request, proposal, status=400, **{form_name: form})
    try:
        decision = decide(
            proposal=proposal,
            curator=request.user,
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )
    except services.ReviewRefused as refusal:
        return _refused(request, proposal, refusal, **{form_name: form})
    return _after_decision(request, decision, done)


@require_POST
@curator_view
def request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_with_note(
        request,
        pk,
        form_class=RequestChangesForm,
        prefix="changes",
        decide=services.proposal_request_changes,
        done=_("Changes asked on “%(title)s”: the response is open again for the respondent."),
    )


@require_POST
@curator_view
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_with_note(
        request,
        pk,
        form_class=RejectForm,
        prefix="reject",
        decide=services.proposal_reject,
        done=_("Rejected “%(title)s”; nothing changed in the compendium."),
    )


# --- edit, then accept ---------------------------------------------------------------------------


def _policy_section(proposal: Proposal) -> Section:
    section = policy_section(proposal.response.round.questionnaire.definition)
    if section is None or proposal.kind not in EDITABLE_KINDS:
        raise Http404("Only a new entry or a correction can be edited")
    return section


def _edit_page(
    request: HttpRequest,
    proposal: Proposal,
    answers: AnswersForm,
    accept_form: AcceptForm,
    *,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    error_links = answers.error_links() if answers.is_bound else []
    error_links += [
        (message, "#edit-form") for message in answers.non_field_errors() if answers.is_bound
    ]
    return render(
        request,
        "review/edit.html",
        {
            **_proposal_context(proposal),
            "answers": answers,
            "question_fields": answers.question_fields(),
            "accept_form": accept_form,
            "error_links": error_links,
            "refusal": refusal,
        },
        status=status,
    )


def _put_on_questions(answers: AnswersForm, section: Section, invalid: EntryInvalid) -> None:
    """The catalog's objections, on the questions that fill the fields concerned."""
    by_field = {q.field: q.slug for q in section.questions}
    for name, problems in invalid.message_dict.items():
        slug = by_field.get(name)
        if slug is not None and slug in answers.fields:
            answers.add_error(slug, problems)
        else:
            answers.add_error(None, problems)


@require_http_methods(["GET", "HEAD", "POST"])
@curator_view
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal's values in the questionnaire's own form, for the curator to change before
    accepting. What they accept is written; the respondent's values stay on the proposal."""
    proposal = _proposal(request, pk)
    section = _policy_section(proposal)
    book = ChoiceBook()
    if request.method != "POST":
        answers = AnswersForm(
            questions=section.questions,
            book=book,
            initial=policy_answers(section, proposal.data),
            prefix="edit",
        )
        accept_form = AcceptForm(proposal=proposal, prefix="accept")
        return _edit_page(request, proposal, answers, accept_form)
    answers = AnswersForm(
        request.POST, questions=section.questions, book=book, complete=True, prefix="edit"
    )
    accept_form = AcceptForm(request.POST, prefix="accept")
    if not (answers.is_valid() and accept_form.is_valid()):
        return _edit_page(request, proposal, answers, accept_form, status=400)
    data = accept_form.cleaned_data
    try:
        decision = services.proposal_accept(
            proposal=proposal,
            curator=request.user,
            expected_version=data["version"],
            expected_entry_version=data["entry_version"],
            note=data["note"],
            publish=data["publish"],
            values=policy_data(section, answers.answers, proposal.data),
        )
    except services.AlreadyDecided as refusal:
        messages.warning(request, str(refusal))
        return redirect("review:proposal", pk=proposal.pk)
    except (services.ReviewRefused, StaleEntry, TransitionNotAllowed) as refusal:
        current = selectors.proposal_for_review(user=request.user, pk=proposal.pk) or proposal
        fresh = AcceptForm(proposal=current, prefix="accept", initial={"note": data["note"]})
        return _edit_page(request, current, answers, fresh, refusal=str(refusal), status=409)
    except EntryInvalid as invalid:
        _put_on_questions(answers, section, invalid)
        return _edit_page(request, proposal, answers, accept_form, status=400)
    return _after_decision(request, decision, _accept_message(decision))
