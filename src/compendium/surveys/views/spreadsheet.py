"""Working offline with a spreadsheet: download the questionnaire pre-filled, upload it back,
see what changed next to what is recorded. For the focal point and colleagues (through their link
or signed in, the response from the session as everywhere in the workspace) and for the
secretariat on a respondent's behalf (the response from the round's dashboard)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from compendium.catalog.i18n import LANGUAGE_CODES, current_language

from .. import selectors
from ..models import LANGUAGES, InvitationRole, Response, Round
from ..services import ResponseLocked, Who
from ..spreadsheet import spreadsheet_filename, spreadsheet_workbook
from ..spreadsheet_apply import Applied, comparison, spreadsheet_upload
from ..spreadsheet_read import MAX_BYTES, CellProblem, UploadRefused
from .access import Workspace, locked_message, workspace_view
from .secretariat import secretariat_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "survey_spreadsheet_upload"
PROBLEMS_SHOWN = 200


def _xlsx(response: Response, language: str) -> HttpResponse:
    content = spreadsheet_workbook(response, language=language)
    answer = HttpResponse(content, content_type=XLSX)
    filename = spreadsheet_filename(response, language)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer


def _posted_workbook(request: HttpRequest) -> bytes:
    """The uploaded file's bytes; one too large is refused before it is read."""
    upload = request.FILES.get("workbook")
    if upload is None or not upload.name:
        raise UploadRefused([CellProblem(_("Choose the workbook (.xlsx) to upload."))])
    if upload.size > MAX_BYTES:
        raise UploadRefused(
            [
                CellProblem(
                    _("The file is too large (%(size)s MB; at most %(max)s MB).")
                    % {"size": round(upload.size / 1_048_576, 1), "max": MAX_BYTES // 1_048_576}
                )
            ]
        )
    return upload.read(MAX_BYTES + 1)


def _upload(
    request: HttpRequest, response: Response, who: Who
) -> tuple[Applied | None, list[CellProblem]]:
    if response.is_locked:
        return None, [CellProblem(locked_message())]
    try:
        data = _posted_workbook(request)
        applied = spreadsheet_upload(response=response, who=who, data=data)
    except UploadRefused as refused:
        return None, refused.problems
    except ResponseLocked:
        return None, [CellProblem(locked_message())]
    request.session[SESSION_KEY] = applied.as_dict()
    return applied, []


def _page_context(response: Response, problems: list[CellProblem]) -> dict[str, Any]:
    return {
        "response": response,
        "problems": problems[:PROBLEMS_SHOWN],
        "more_problems": max(0, len(problems) - PROBLEMS_SHOWN),
        "cell_problems": [p for p in problems[:PROBLEMS_SHOWN] if p.sheet],
        "file_problems": [p for p in problems if not p.sheet],
        "max_mb": MAX_BYTES // 1_048_576,
    }


def _download_links(url_in: Any) -> list[tuple[str, str, str]]:
    return [(code, name, url_in(code)) for code, name in LANGUAGES]


def _workspace_download_url(code: str) -> str:
    with translation.override(code):
        return reverse("surveys:spreadsheet_download")


def _stored(request: HttpRequest, response: Response) -> Applied | None:
    stored = request.session.get(SESSION_KEY)
    applied = Applied.from_dict(stored) if isinstance(stored, dict) else None
    return applied if applied is not None and applied.response_id == response.pk else None


# --- the focal point's workspace -----------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view
def spreadsheet_page(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    response = workspace.response
    problems: list[CellProblem] = []
    if request.method == "POST":
        applied, problems = _upload(request, response, workspace.who)
        if applied is not None:
            return redirect("surveys:spreadsheet_changes")
    context = _page_context(response, problems)
    context.update(
        workspace=workspace,
        download_links=_download_links(_workspace_download_url),
        preferred_language=workspace.invitation.language,
    )
    return render(request, "surveys/spreadsheet.html", context, status=400 if problems else 200)


@require_safe
@workspace_view
def spreadsheet_download(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    return _xlsx(workspace.response, current_language())


@require_safe
@workspace_view
def spreadsheet_changes(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    response = workspace.response
    response.refresh_from_db()
    applied = _stored(request, response)
    if applied is None:
        messages.info(request, _("Upload a workbook first: its changes are then shown here."))
        return redirect("surveys:spreadsheet")
    return render(
        request,
        "surveys/spreadsheet_changes.html",
        {
            "workspace": workspace,
            "response": response,
            "comparison": comparison(response, applied),
            "upload_url": reverse("surveys:spreadsheet"),
        },
    )


# --- the secretariat, on a respondent's behalf ---------------------------------------------------


def _round_response(slug: str, pk: int) -> tuple[Round, Response]:
    survey_round = selectors.round_by_slug(slug=slug)
    response = (
        selectors.response_in_round(survey_round=survey_round, pk=pk) if survey_round else None
    )
    if survey_round is None or response is None:
        raise Http404("No such response in this round")
    return survey_round, response


def _respondent_language(response: Response) -> str:
    """The focal point's language, as their invitation says."""
    focal = response.invitations.filter(role=InvitationRole.FOCAL_POINT).order_by("pk").first()
    return focal.language if focal is not None else "en"


@require_http_methods(["GET", "HEAD", "POST"])
@secretariat_view
def secretariat_spreadsheet(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey_round, response = _round_response(slug, pk)
    problems: list[CellProblem] = []
    if request.method == "POST":
        applied, problems = _upload(request, response, Who.of_user(request.user))
        if applied is not None:
            return redirect("surveys:secretariat_spreadsheet_changes", slug=slug, pk=pk)
    context = _page_context(response, problems)
    download = reverse("surveys:secretariat_spreadsheet_download", kwargs={"slug": slug, "pk": pk})
    context.update(
        round=survey_round,
        download_links=_download_links(lambda code: f"{download}?language={code}"),
        preferred_language=_respondent_language(response),
    )
    return render(
        request,
        "surveys/secretariat/spreadsheet.html",
        context,
        status=400 if problems else 200,
    )


@require_safe
@secretariat_view
def secretariat_spreadsheet_download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _survey_round, response = _round_response(slug, pk)
    language = request.GET.get("language", "")
    if language not in LANGUAGE_CODES:
        language = _respondent_language(response)
    return _xlsx(response, language)


@require_safe
@secretariat_view
def secretariat_spreadsheet_changes(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey_round, response = _round_response(slug, pk)
    applied = _stored(request, response)
    if applied is None:
        return redirect("surveys:secretariat_spreadsheet", slug=slug, pk=pk)
    return render(
        request,
        "surveys/secretariat/spreadsheet_changes.html",
        {
            "round": survey_round,
            "response": response,
            "comparison": comparison(response, applied),
            "upload_url": reverse(
                "surveys:secretariat_spreadsheet", kwargs={"slug": slug, "pk": pk}
            ),
        },
    )
