"""The task list, one page per general section (saved explicitly or automatically with htmx),
"check your answers", submission, the confirmation and the receipt."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import selectors, summary
from ..forms import AnswersForm, ChoiceBook, answers_form
from ..models import Response
from ..questionnaire import Section, sections_of
from ..receipt import receipt_filename, receipt_workbook
from ..services import (
    ResponseLocked,
    StaleDraft,
    SubmissionInvalid,
    response_save_answers,
    response_submit,
)
from .access import Workspace, editing_view, locked_message, posted_version, workspace_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _general_section(workspace: Workspace, slug: str) -> Section:
    for section in sections_of(workspace.definition):
        if section.slug == slug and not section.repeatable:
            return section
    raise Http404("No such section")


def next_url(workspace: Workspace, section: Section) -> str:
    """Where "Save and continue" leads: the next task in the questionnaire's order, then the
    check page."""
    sections = sections_of(workspace.definition)
    slugs = [s.slug for s in sections]
    later = sections[slugs.index(section.slug) + 1 :]
    return summary.section_url(later[0]) if later else reverse("surveys:check")


@require_safe
@workspace_view
def task_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    response = workspace.response
    proposals = list(selectors.proposals_of(response=response))
    changes = selectors.response_changes(response=response)
    change_requests = [
        {"proposal": p, "title": summary.policy_title(p)}
        for p in selectors.change_requests_for(response)
    ]
    return render(
        request,
        "surveys/task_list.html",
        {
            "workspace": workspace,
            "response": response,
            "tasks": summary.tasks(response, proposals, ChoiceBook()),
            "changes": summary.change_lines(response, changes),
            "change_requests": change_requests,
        },
    )


# --- general sections ----------------------------------------------------------------------------


def _save_answers(workspace: Workspace, answers: dict[str, Any], version: int) -> Response:
    """Save a draft made from `version`. If that version is outdated only because this very
    change was already saved (the automatic save and the button racing), it is not a conflict."""
    try:
        return response_save_answers(
            response=workspace.response,
            who=workspace.who,
            answers=answers,
            expected_version=version,
        )
    except StaleDraft:
        current = workspace.response
        current.refresh_from_db()
        if all(current.answers.get(slug) == value for slug, value in answers.items()):
            return current
        raise


def _section_page(
    request: HttpRequest,
    workspace: Workspace,
    section: Section,
    form: AnswersForm,
    *,
    version: int,
    stale: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "surveys/section.html",
        {
            "workspace": workspace,
            "response": workspace.response,
            "section": section,
            "form": form,
            "question_fields": form.question_fields(),
            "error_links": form.error_links() if form.is_bound else [],
            "stale": stale,
            "version": version,
            "autosave_url": reverse("surveys:section_autosave", kwargs={"slug": section.slug}),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@editing_view
def section_page(request: HttpRequest, workspace: Workspace, slug: str) -> HttpResponse:
    section = _general_section(workspace, slug)
    book = ChoiceBook()
    if request.method != "POST":
        form = answers_form(
            questions=section.questions,
            book=book,
            saved=workspace.response.answers,
            check=bool(request.GET.get("check")),
        )
        return _section_page(request, workspace, section, form, version=workspace.response.version)
    form = AnswersForm(request.POST, questions=section.questions, book=book)
    form.is_valid()
    version = posted_version(request)
    try:
        response = _save_answers(workspace, form.answers, version)
    except StaleDraft as stale:
        # The person's text stays in the form; nothing was saved.
        return _section_page(
            request, workspace, section, form, version=version, stale=str(stale), status=409
        )
    except ResponseLocked:
        messages.info(request, locked_message())
        return redirect("surveys:workspace")
    if form.errors:
        return _section_page(request, workspace, section, form, version=response.version)
    messages.success(request, _("Your answers were saved."))
    if request.POST.get("action") == "continue":
        return redirect(next_url(workspace, section))
    return redirect("surveys:section", slug=section.slug)


def autosave_status(
    request: HttpRequest,
    *,
    version: int | None,
    version_ids: tuple[str, ...] = ("version",),
    error: str = "",
    problems: bool = False,
    proposal_id: int | None = None,
) -> HttpResponse:
    """The small fragment an automatic save answers with: a status line for the live region,
    and (out of band) the new version for the form's hidden fields."""
    return render(
        request,
        "surveys/_autosave_status.html",
        {
            "saved_at": timezone.localtime(),
            "error": error,
            "problems": problems,
            "version": version,
            "version_ids": version_ids if version is not None else (),
            "proposal_id": proposal_id,
        },
    )


@require_POST
@workspace_view
def section_autosave(request: HttpRequest, workspace: Workspace, slug: str) -> HttpResponse:
    section = _general_section(workspace, slug)
    form = AnswersForm(request.POST, questions=section.questions, book=ChoiceBook())
    form.is_valid()
    try:
        response = _save_answers(workspace, form.answers, posted_version(request))
    except (StaleDraft, ResponseLocked) as refused:
        return autosave_status(request, version=None, error=str(refused))
    return autosave_status(request, version=response.version, problems=bool(form.errors))


# --- check, submit, confirmation -----------------------------------------------------------------


def check_page(
    request: HttpRequest,
    workspace: Workspace,
    *,
    problems: list[summary.ProblemLink] | None = None,
) -> HttpResponse:
    response = workspace.response
    book = ChoiceBook()
    proposals = list(selectors.proposals_of(response=response))
    policy = next((s for s in sections_of(workspace.definition) if s.repeatable), None)
    policies = summary.policy_summaries(policy, proposals, book) if policy else []
    return render(
        request,
        "surveys/check.html",
        {
            "workspace": workspace,
            "response": response,
            "sections": summary.general_summaries(response, book),
            "policies": [p for p in policies if p.kind != "review"],
            "not_reviewed": [p for p in policies if p.kind == "review"],
            "problems": [(p.text, p.href) for p in problems or []],
        },
    )


@require_safe
@workspace_view
def check(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    return check_page(request, workspace)


@require_POST
@workspace_view
def submit(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    try:
        response_submit(response=workspace.response, who=workspace.who)
    except ResponseLocked:
        # A second click, another tab or a colleague got there first: nothing is wrong.
        messages.info(request, _("This response was already submitted."))
        return redirect("surveys:submitted")
    except SubmissionInvalid as invalid:
        proposals = list(selectors.proposals_of(response=workspace.response))
        links = summary.problem_links(workspace.response, invalid.problems, proposals)
        return check_page(request, workspace, problems=links)
    return redirect("surveys:submitted")


@require_safe
@workspace_view
def submitted(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    if not workspace.locked:
        return redirect("surveys:workspace")
    return render(
        request,
        "surveys/submitted.html",
        {"workspace": workspace, "response": workspace.response},
    )


@require_safe
@workspace_view
def receipt(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    if not workspace.locked:
        raise Http404("Nothing was submitted yet")
    content = receipt_workbook(workspace.response, ChoiceBook())
    answer = HttpResponse(content, content_type=XLSX)
    answer["Content-Disposition"] = f'attachment; filename="{receipt_filename(workspace.response)}"'
    return answer
