"""The secretariat's pages on editions (list, create, one edition's page with its actions and
files) and the public /compendium/ page with the adopted editions' files. Reads go through
`selectors`, every change through one service."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compendium.review.rules import is_secretariat

from . import build_jobs, selectors, services
from .changes import edition_changes
from .edition_forms import AdoptForm, BuildForm, EditionForm, ReviseForm
from .errors import EditionError, EntriesIncomplete
from .models import BuildStatus, Edition, EditionFile, EditionStatus


def secretariat_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in secretariat staff only: others sign in first, or are refused (403)."""

    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_secretariat(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _edition(pk: int) -> Edition:
    edition = selectors.edition_by_id(pk=pk)
    if edition is None:
        raise Http404
    return edition


@require_http_methods(["GET", "HEAD", "POST"])
@secretariat_view
def edition_list(request: HttpRequest) -> HttpResponse:
    form = EditionForm(request.POST or None, initial={"date": timezone.localdate()})
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.edition_create(
                actor=request.user,
                symbols=form.cleaned_data["symbols"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                on=form.cleaned_data["date"],
            )
        except EditionError as error:
            refusal = str(error)
        else:
            messages.success(request, _("Edition created. Freeze it to choose its entries."))
            return redirect("publishing:edition", pk=edition.pk)
    return render(
        request,
        "publishing/editions/list.html",
        {
            "editions": selectors.editions_for_secretariat(),
            "form": form,
            "refusal": refusal,
            "error_links": [
                (f"{form.fields[name].label}: {' '.join(errors)}", f"#id_{name}")
                for name, errors in form.errors.items()
            ],
        },
    )


def _documents(edition: Edition) -> dict[str, Any]:
    """The documents' part of the page: the files built, and the builds under way or just ended."""
    builds = selectors.edition_builds_shown(edition=edition)
    return {
        "files": selectors.edition_files(edition=edition),
        "builds": builds,
        "building": any(build.is_active for build in builds),
    }


def _page(request: HttpRequest, edition: Edition, **extra: Any) -> HttpResponse:
    return render(
        request,
        "publishing/editions/detail.html",
        {
            "edition": edition,
            "entries_count": edition.entries.count(),
            **_documents(edition),
            "changes": edition_changes(edition=edition) if edition.is_frozen else None,
            "build_form": extra.pop("build_form", None) or BuildForm(),
            "revise_form": ReviseForm(initial={"kind": edition.kind, "date": timezone.localdate()}),
            "adopt_form": AdoptForm(),
            "statuses": EditionStatus,
            **extra,
        },
    )


@require_safe
@secretariat_view
def edition_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _edition(pk))


def _act(request: HttpRequest, edition: Edition, action: Callable[[], Any], done: str):
    try:
        result = action()
    except EntriesIncomplete as error:
        return _page(request, edition, refusal=str(error), missing=error.missing)
    except EditionError as error:
        return _page(request, edition, refusal=str(error))
    messages.success(request, done)
    target = result if isinstance(result, Edition) else edition
    return redirect("publishing:edition", pk=target.pk)


@require_POST
@secretariat_view
def edition_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(pk)
    return _act(
        request,
        edition,
        lambda: services.edition_freeze(edition=edition, actor=request.user),
        _("Edition frozen: the entries' current versions are kept."),
    )


@require_POST
@secretariat_view
def edition_circulate(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(pk)
    return _act(
        request,
        edition,
        lambda: services.edition_circulate(edition=edition, actor=request.user),
        _("Edition marked as circulated."),
    )


@require_POST
@secretariat_view
def edition_revise(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(pk)
    form = ReviseForm(request.POST)
    if not form.is_valid():
        return _page(request, edition, refusal=_("Choose the kind and the date of the revision."))
    return _act(
        request,
        edition,
        lambda: services.edition_revise(
            edition=edition,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            on=form.cleaned_data["date"],
        ),
        _("Revision created. Freeze it to take in the entries as they are now."),
    )


@require_POST
@secretariat_view
def edition_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(pk)
    form = AdoptForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(
        request,
        edition,
        lambda: services.edition_adopt(edition=edition, actor=request.user, note=note),
        _("Edition adopted: its entries are published in the online database."),
    )


@require_POST
@secretariat_view
def edition_build(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(pk)
    form = BuildForm(request.POST)
    if not form.is_valid():
        return _page(request, edition, build_form=form, refusal=_("Choose at least one format."))
    try:
        build = build_jobs.edition_build_request(
            edition=edition,
            actor=request.user,
            formats=form.cleaned_data["formats"],
            language=form.cleaned_data["language"],
        )
    except EditionError as error:
        return _page(request, edition, build_form=form, refusal=str(error))
    build_jobs.build_start(build)
    build.refresh_from_db()
    if build.status == BuildStatus.DONE:
        messages.success(request, _("Documents built."))
    elif build.is_active:
        messages.info(request, _("The documents are being built; this page shows how far."))
    return redirect(reverse("publishing:edition", args=[edition.pk]) + "#documents")


@require_safe
@secretariat_view
def edition_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """The documents' part of the page, which htmx asks for every two seconds while a build is
    under way; without JavaScript, the page's "Refresh" link reloads the whole page instead."""
    edition = _edition(pk)
    if not request.htmx:
        return redirect(reverse("publishing:edition", args=[edition.pk]) + "#documents")
    return render(
        request,
        "publishing/editions/_documents.html",
        {"edition": edition, **_documents(edition)},
    )


def _download(file: EditionFile) -> FileResponse:
    try:
        handle = file.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=file.filename)


@require_safe
@secretariat_view
def edition_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    file = selectors.edition_file(edition=_edition(pk), pk=file_pk)
    if file is None:
        raise Http404
    return _download(file)


@require_safe
def compendium_page(request: HttpRequest) -> HttpResponse:
    files = list(selectors.adopted_edition_files())
    editions: dict[int, tuple[Edition, list[EditionFile]]] = {}
    for file in files:
        editions.setdefault(file.edition_id, (file.edition, []))[1].append(file)
    return render(request, "publishing/compendium.html", {"editions": list(editions.values())})


@require_safe
def compendium_file(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.public_edition_file(pk=pk)
    if file is None:
        raise Http404
    return _download(file)
