"""Member review of a circulated edition. Focal points and the secretariat read its entries by
part and comment on each or on the whole; an entry's own focal point asks for a correction; the
secretariat sees the comments by entry and resolves them. Reads through `comment_selectors`,
writes through `comments`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compendium.publishing.models import Edition, EditionEntry, EditionStatus

from . import comment_selectors as selectors
from .comment_forms import CommentForm, CorrectionForm, ResolveForm
from .comments import (
    CommentRefused,
    comment_add,
    comment_resolve,
    correction_request,
    own_focal_point,
)
from .rules import can_comment_on_editions, can_resolve_comments, is_secretariat


def _guarded(allowed: Callable[[Any], bool]) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @never_cache
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


member_view = _guarded(can_comment_on_editions)
secretariat_view = _guarded(can_resolve_comments)


def _circulated(request: HttpRequest, pk: int) -> Edition:
    edition = selectors.circulated_edition(user=request.user, pk=pk)
    if edition is None:
        raise Http404
    return edition


def _errors(form: Any) -> list[tuple[str, str]]:
    return [
        (f"{form.fields[name].label}: {' '.join(errors)}", f"#{form[name].auto_id}")
        for name, errors in form.errors.items()
        if name in form.fields
    ]


@require_safe
@member_view
def editions_for_review(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "review/comments/editions.html",
        {"editions": selectors.circulated_editions(user=request.user)},
    )


def _review_page(
    request: HttpRequest, edition: Edition, status: int = 200, **extra: Any
) -> HttpResponse:
    comments = list(selectors.comments_visible_to(user=request.user, edition=edition))
    by_entry: dict[int | None, list] = {}
    for comment in comments:
        by_entry.setdefault(comment.entry_id, []).append(comment)
    parts = selectors.entries_by_part(edition=edition)
    secretariat = is_secretariat(request.user)
    own = set()
    if not secretariat:
        own = {
            row.pk
            for part in parts
            for row in part.entries
            if own_focal_point(request.user, row.entry)
        }
    failed: CommentForm | None = extra.pop("failed_form", None)
    failed_entry = extra.pop("failed_entry", None)
    rows = [
        {
            "part": part,
            "entries": [
                {
                    "row": row,
                    "comments": by_entry.get(row.pk, []),
                    "own": row.pk in own,
                    "form": failed
                    if failed is not None and failed_entry == row.pk
                    else CommentForm(initial={"entry": row.pk}, prefix_id=f"entry{row.pk}"),
                }
                for row in part.entries
            ],
        }
        for part in parts
    ]
    whole_form = (
        failed if failed is not None and failed_entry is None else CommentForm(prefix_id="whole")
    )
    return render(
        request,
        "review/comments/edition.html",
        {
            "edition": edition,
            "parts": rows,
            "whole_comments": by_entry.get(None, []),
            "whole_form": whole_form,
            "is_secretariat": secretariat,
            "error_links": _errors(failed) if failed is not None else [],
            **extra,
        },
        status=status,
    )


@require_safe
@member_view
def edition_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, _circulated(request, pk))


def _entry_or_refuse(edition: Edition, pk: int | None) -> EditionEntry | None:
    if pk is None:
        return None
    entry = selectors.edition_entry(edition=edition, pk=pk)
    if entry is None:
        raise CommentRefused(_("This entry is not part of this edition: nothing was saved."))
    return entry


def _known_edition(request: HttpRequest, pk: int) -> Edition:
    """A circulated edition, or one circulated before (adopted), so that a late comment gets a
    clear refusal rather than a missing page. Editions in preparation are nobody's business."""
    edition = Edition.objects.filter(pk=pk).exclude(status=EditionStatus.IN_PREPARATION).first()
    if edition is None:
        raise Http404
    return edition


def _refused(request: HttpRequest, edition: Edition, refusal: str, status: int) -> HttpResponse:
    return render(
        request,
        "review/comments/refused.html",
        {"edition": edition, "refusal": refusal},
        status=status,
    )


@require_POST
@member_view
def edition_comment(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _known_edition(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        entry_id = form.cleaned_data.get("entry")
        # Shown again under its own entry, with that form's ids.
        failed = CommentForm(request.POST, prefix_id=f"entry{entry_id}" if entry_id else "whole")
        failed.is_valid()
        if edition.status != EditionStatus.CIRCULATED:
            return _refused(request, edition, _("This edition no longer takes comments."), 409)
        return _review_page(request, edition, status=400, failed_form=failed, failed_entry=entry_id)
    try:
        entry = _entry_or_refuse(edition, form.cleaned_data["entry"])
        comment_add(
            edition=edition, author=request.user, text=form.cleaned_data["text"], entry=entry
        )
    except CommentRefused as refusal:
        if edition.status != EditionStatus.CIRCULATED:
            return _refused(request, edition, str(refusal), 409)
        return _review_page(request, edition, status=400, refusal=str(refusal))
    messages.success(request, _("Your comment was sent to the secretariat."))
    anchor = f"#entry-{entry.pk}" if entry else "#whole"
    return redirect(reverse("review:edition_review", args=[edition.pk]) + anchor)


@require_http_methods(["GET", "HEAD", "POST"])
@member_view
def edition_correction(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    edition = _known_edition(request, pk)
    entry = selectors.edition_entry(edition=edition, pk=entry_pk)
    if entry is None:
        raise Http404
    context = {"edition": edition, "row": entry}
    if edition.status != EditionStatus.CIRCULATED:
        refusal = _("Only a circulated edition takes comments; %(symbols)s is %(status)s.") % {
            "symbols": edition.full_symbols,
            "status": edition.get_status_display().lower(),
        }
        return _refused(request, edition, refusal, 409)
    if own_focal_point(request.user, entry.entry) is None:
        refusal = _(
            "Only a focal point of the economy or organisation this entry belongs to can ask for "
            "its correction. Leave a comment instead."
        )
        return _refused(request, edition, refusal, 403)
    if request.method != "POST":
        form = CorrectionForm.for_entry(entry.entry)
        return render(request, "review/comments/correction.html", {**context, "form": form})
    form = CorrectionForm(request.POST)
    refusal = ""
    if form.is_valid():
        try:
            correction_request(
                edition=edition,
                entry=entry,
                author=request.user,
                corrected=form.corrected(),
                reason=form.cleaned_data["reason"],
            )
        except CommentRefused as error:
            refusal = str(error)
        else:
            messages.success(
                request, _("Your correction was sent to the secretariat's review queue.")
            )
            return redirect(
                reverse("review:edition_review", args=[edition.pk]) + f"#entry-{entry.pk}"
            )
    return render(
        request,
        "review/comments/correction.html",
        {**context, "form": form, "refusal": refusal, "error_links": _errors(form)},
        status=400,
    )


# --- the secretariat -----------------------------------------------------------------------------


def _status_filter(request: HttpRequest) -> str:
    status = request.GET.get("status", "open")
    return status if status in selectors.STATUS_FILTERS else "open"


@require_safe
@secretariat_view
def edition_comments(request: HttpRequest, pk: int) -> HttpResponse:
    edition = selectors.edition_for_secretariat(user=request.user, pk=pk)
    if edition is None:
        raise Http404
    status = _status_filter(request)
    groups = selectors.comments_by_entry(user=request.user, edition=edition, status=status)
    counts = selectors.comment_counts(edition=edition)
    base = reverse("review:edition_comments", args=[edition.pk])
    tabs = [
        {
            "status": value,
            "label": label,
            "count": count,
            "url": f"{base}?status={value}",
            "current": value == status,
        }
        for value, label, count in (
            ("open", _("Open"), counts["open"]),
            ("resolved", _("Resolved"), counts["resolved"]),
            ("all", _("All"), counts["open"] + counts["resolved"]),
        )
    ]
    return render(
        request,
        "review/comments/secretariat.html",
        {
            "edition": edition,
            "groups": [{"group": group} for group in groups],
            "tabs": tabs,
            "status": status,
        },
    )


@require_POST
@secretariat_view
def comment_resolve_view(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    edition = selectors.edition_for_secretariat(user=request.user, pk=pk)
    if edition is None:
        raise Http404
    comment = selectors.comment_in_edition(user=request.user, edition=edition, pk=comment_pk)
    if comment is None:
        raise Http404
    form = ResolveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, _("The note is too long: nothing was saved."))
    else:
        try:
            comment_resolve(comment=comment, actor=request.user, note=note)
        except CommentRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Comment marked as resolved."))
    status = request.POST.get("status", "open")
    status = status if status in selectors.STATUS_FILTERS else "open"
    return redirect(reverse("review:edition_comments", args=[edition.pk]) + f"?status={status}")
