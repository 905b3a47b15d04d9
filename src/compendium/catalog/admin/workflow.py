"""Moving entries through the workflow and setting their verification status: bulk actions on the
list and buttons on the entry's page, each one call of `entry_transition` or
`entry_set_verification` per entry, with the user as actor."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..models import Entry, Verification, Workflow
from ..services import (
    EntryInvalid,
    StaleEntry,
    TransitionNotAllowed,
    entry_set_verification,
    entry_transition,
    transitions_allowed,
)
from .base import ServiceAdmin

# What a curator does, named after the state it leads to (buttons and bulk actions share them).
MOVES = {
    Workflow.SUBMITTED: ("submit", _("Submit")),
    Workflow.IN_REVIEW: ("start_review", _("Start review")),
    Workflow.CHANGES_REQUESTED: ("request_changes", _("Request changes")),
    Workflow.AWAITING_VALIDATION: ("ask_validation", _("Ask the Member to validate")),
    Workflow.APPROVED: ("approve", _("Approve")),
    Workflow.PUBLISHED: ("publish", _("Publish")),
    Workflow.WITHDRAWN: ("withdraw", _("Withdraw")),
    Workflow.DRAFT: ("back_to_draft", _("Back to draft")),
}

Change = Callable[[Entry], Entry]


def _move_action(to: str) -> Callable:
    name, verb = MOVES[to]

    def action(admin_: EntryWorkflowAdmin, request: HttpRequest, entries: QuerySet[Entry]) -> None:
        admin_.change_each(
            request, entries, lambda entry: entry_transition(entry=entry, actor=request.user, to=to)
        )

    action.__name__ = name
    description = format_lazy(
        _("{verb}: move selected entries to “{state}”"), verb=verb, state=Workflow(to).label
    )
    return admin.action(description=description, permissions=["change"])(action)


def _verification_action(value: str) -> Callable:
    def action(admin_: EntryWorkflowAdmin, request: HttpRequest, entries: QuerySet[Entry]) -> None:
        admin_.change_each(
            request,
            entries,
            lambda entry: entry_set_verification(
                entry=entry, actor=request.user, verification=value
            ),
        )

    action.__name__ = f"verification_{value}"
    description = format_lazy(
        _("Set verification of selected entries to “{status}”"), status=Verification(value).label
    )
    return admin.action(description=description, permissions=["change"])(action)


class EntryWorkflowAdmin(ServiceAdmin):
    actions = [
        *(_move_action(to) for to in MOVES),
        *(_verification_action(value) for value in Verification.values),
    ]

    def change_each(self, request: HttpRequest, entries: Iterable[Entry], change: Change) -> None:
        """One service call per entry, each its own transaction, so one refusal does not undo the
        others. Every entry is reported: the refused ones each with the reason."""
        done = []
        for entry in entries:
            try:
                change(entry)
            except (TransitionNotAllowed, EntryInvalid, StaleEntry) as error:
                reason = "; ".join(error.messages) if isinstance(error, EntryInvalid) else error
                self.message_user(request, f"{entry}: {reason}", messages.ERROR)
            else:
                done.append(str(entry))
        if done:
            self.message_user(
                request,
                _("Done for %(count)d: %(entries)s.")
                % {"count": len(done), "entries": "; ".join(done)},
                messages.SUCCESS,
            )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(require_POST(self.workflow_view))
        return [
            path("<path:object_id>/workflow/", view, name="catalog_entry_workflow"),
            *super().get_urls(),
        ]

    def workflow_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The buttons on the entry's page: one move or one verification status, with a note."""
        entry = self.get_object(request, unquote(object_id))
        if entry is None:
            raise Http404
        if not self.has_change_permission(request, entry):
            raise PermissionDenied
        note = request.POST.get("note", "").strip()
        to, verification = request.POST.get("to", ""), request.POST.get("verification", "")
        # The version the page showed: a move decided on an outdated page is refused.
        version = int(v) if (v := request.POST.get("version", "")).isdigit() else None
        if to in Workflow.values:
            change: Change = lambda e: entry_transition(  # noqa: E731
                entry=e, actor=request.user, to=to, note=note, expected_version=version
            )
        elif verification:
            change = lambda e: entry_set_verification(  # noqa: E731
                entry=e,
                actor=request.user,
                verification=verification,
                note=note,
                expected_version=version,
            )
        else:
            self.message_user(request, _("Choose a move or a verification status."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:catalog_entry_change", args=[entry.pk]))
        self.change_each(request, [entry], change)
        return HttpResponseRedirect(reverse("admin:catalog_entry_change", args=[entry.pk]))

    def workflow_context(self, entry: Entry) -> dict[str, Any]:
        """The buttons the entry's page shows: only the moves allowed from where it is."""
        allowed = set(transitions_allowed(entry))
        return {
            "workflow_moves": [(to, MOVES[to][1]) for to in MOVES if to in allowed],
            "verification_choices": [
                (value, label)
                for value, label in Verification.choices
                if value != entry.verification
            ],
        }
