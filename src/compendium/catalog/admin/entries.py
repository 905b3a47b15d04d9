"""Entries in the admin: every save is `entry_create` / `entry_update`, every change of state is
`entry_transition` / `entry_set_verification`, and the history is the audit log's."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from compendium.audit.selectors import audit_events_for

from ..models import Entry, EntryLink
from ..selectors import entries_visible_to
from ..services import (
    EntryInvalid,
    StaleEntry,
    entry_create,
    entry_update,
)
from .base import adopt, refusal
from .entry_form import (
    ENTRY_FIELDSETS,
    ERROR_ALIASES,
    EntryAdminForm,
    entry_changes,
    entry_data_from,
    links_from,
)
from .filters import EconomyWithEntriesFilter
from .provenance import SourceInline, TransitionInline, VersionInline
from .workflow import EntryWorkflowAdmin


class EntryLinkInline(admin.TabularInline):
    """Edited with the entry; saved by the entry's service, never by the formset."""

    model = EntryLink
    fields = ["kind", "label", "url"]
    extra = 1


@admin.register(Entry)
class EntryAdmin(EntryWorkflowAdmin):
    form = EntryAdminForm
    list_display = [
        "title",
        "economy_codes",
        "instrument_type",
        "workflow",
        "verification",
        "is_sample",
        "updated_at",
    ]
    list_filter = [
        ("economies", EconomyWithEntriesFilter),
        "policy_areas",
        "target_groups",
        "workflow",
        "verification",
        "instrument_type",
        "gender_focus",
        "contributor_type",
        "is_sample",
    ]
    search_fields = [
        "slug",
        "title",
        "title_en",
        "title_fr",
        "title_es",
        "description",
        "economies__name_en",
        "economies__code",
        "organizations__name_en",
    ]
    list_select_related = ["instrument_type"]
    autocomplete_fields = ["economies", "organizations"]
    filter_horizontal = ["policy_areas", "target_groups"]
    date_hierarchy = "updated_at"
    fieldsets = ENTRY_FIELDSETS
    readonly_fields = [
        "workflow",
        "verification",
        "version",
        "published_at",
        "is_sample",
        "created_at",
        "updated_at",
    ]

    # --- lists -------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entry]:
        return entries_visible_to(user=request.user).prefetch_related("economies")

    @admin.display(description=_("economies"))
    def economy_codes(self, entry: Entry) -> str:
        return ", ".join(economy.code for economy in entry.economies.all())

    # --- the form ----------------------------------------------------------------------------

    def get_readonly_fields(self, request: HttpRequest, obj: Entry | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        # The slug is the entry's public address: chosen once, at creation.
        return [*readonly, "slug"] if obj is not None else readonly

    def get_inlines(self, request: HttpRequest, obj: Entry | None) -> list[type]:
        if obj is None:
            return [EntryLinkInline]
        return [EntryLinkInline, SourceInline, VersionInline, TransitionInline]

    def save_model(
        self, request: HttpRequest, obj: Entry, form: forms.ModelForm, change: bool
    ) -> None:
        """Nothing yet: the entry is written whole by its service in `save_related`, once the
        links' formset is known."""

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list, change: bool
    ) -> None:
        cleaned = form.cleaned_data
        data = entry_data_from(cleaned, links_from(formsets))
        try:
            if change:
                entry = entry_update(
                    entry=form.instance,
                    actor=request.user,
                    changes=entry_changes(data),
                    note=cleaned["note"],
                    expected_version=cleaned["expected_version"],
                )
            else:
                entry = entry_create(
                    actor=request.user,
                    data=data,
                    slug=cleaned.get("slug", ""),
                    note=cleaned["note"],
                )
        except (EntryInvalid, StaleEntry) as error:
            raise refusal(error, ERROR_ALIASES) from error
        form.changed_fields = self._changed_fields(entry, since=cleaned.get("expected_version"))
        adopt(form.instance, entry)
        if change and not form.changed_fields:
            messages.info(request, _("Nothing changed, so no new version was recorded."))

    @staticmethod
    def _changed_fields(entry: Entry, since: int | None) -> list[str]:
        if since is None or entry.version == since:
            return []
        return entry.versions.get(number=entry.version).changed_fields

    def construct_change_message(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list, add: bool
    ) -> list[dict[str, Any]]:
        # The links' formset was never saved; what changed is what the service recorded.
        if add:
            return [{"added": {}}]
        fields = getattr(form, "changed_fields", [])
        return [{"changed": {"fields": fields}}] if fields else []

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        entry = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if entry is not None:
            context.update(self.workflow_context(entry))
        return super().change_view(request, object_id, form_url, context)

    # --- history ---------------------------------------------------------------------------------

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The audit log's events for this entry and its versions, instead of the admin's own
        log (which misses every change made outside the admin)."""
        entry = self.get_object(request, unquote(object_id))
        if entry is None or not self.has_view_or_change_permission(request, entry):
            return super().history_view(request, object_id, extra_context)  # redirect or 403
        events = [(event, _pretty(event.changes)) for event in audit_events_for(target=entry)]
        context = {
            "audit_events": events,
            "versions": entry.versions.select_related("actor"),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
