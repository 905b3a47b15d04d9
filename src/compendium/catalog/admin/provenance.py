"""Where entries came from and what happened to them: sources (added, never changed: provenance is
kept), versions and workflow transitions (written by the services, only read here)."""

from __future__ import annotations

import dataclasses
import json

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Entry, EntryTransition, EntryVersion, Source
from ..services import EntryData, EntryInvalid, SourceData, source_add
from .base import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin, adopt, refusal


def _entry_field_choices() -> list[tuple[str, str]]:
    choices = []
    for field in dataclasses.fields(EntryData):
        try:
            model_field = Entry._meta.get_field(field.name)
        except FieldDoesNotExist:
            model_field = None
        # `contributor` is no model field and `links` a reverse relation: neither has a label.
        label = getattr(model_field, "verbose_name", None) or field.name.replace("_", " ")
        choices.append((field.name, label))
    return choices


@admin.display(description=_("provided by"))
def provided_by(source: Source) -> str:
    return str(source.organization or source.economy or "")


@admin.display(description=_("address"))
def address(source: Source) -> str:
    if not source.url:
        return ""
    return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', source.url, source.url)


@admin.display(description=_("changed fields"))
def changed(version: EntryVersion) -> str:
    return ", ".join(version.changed_fields)


@admin.display(description=_("snapshot"))
def snapshot(version: EntryVersion) -> str:
    return format_html(
        "<pre>{}</pre>", json.dumps(version.data, indent=2, ensure_ascii=False, sort_keys=True)
    )


# --- on the entry's page --------------------------------------------------------------------------


class SourceInline(ReadOnlyInline):
    model = Source
    fields = readonly_fields = ["kind", "title", address, provided_by, "reference", "created_at"]
    show_change_link = True
    verbose_name_plural = _("sources (add one with “Add a source” above)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).select_related("organization", "economy")


class VersionInline(ReadOnlyInline):
    model = EntryVersion
    fields = readonly_fields = ["number", "created_at", "actor_label", "action", changed, "note"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[EntryVersion]:
        return super().get_queryset(request).select_related("entry")


class TransitionInline(ReadOnlyInline):
    model = EntryTransition
    fields = readonly_fields = ["created_at", "from_state", "to_state", "actor_label", "note"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EntryTransition]:
        return super().get_queryset(request).select_related("entry")


# --- their own pages ------------------------------------------------------------------------------


class SourceAddForm(forms.ModelForm):
    fields = forms.MultipleChoiceField(
        label=_("Fields it supports"),
        required=False,
        choices=_entry_field_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means the whole entry."),
    )

    class Meta:
        model = Source
        fields = [
            "entry",
            "kind",
            "title",
            "url",
            "organization",
            "economy",
            "reference",
            "fields",
            "accessed_on",
            "note",
        ]


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    form = SourceAddForm
    list_display = ["title", "entry", "kind", provided_by, "reference", "created_at"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = [
        "title",
        "reference",
        "url",
        "entry__slug",
        "entry__title",
        "organization__name_en",
        "economy__name_en",
    ]
    list_select_related = ["entry", "organization", "economy"]
    autocomplete_fields = ["entry", "organization", "economy"]

    def has_change_permission(self, request: HttpRequest, obj: Source | None = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Source, form: forms.ModelForm, change: bool
    ) -> None:
        cleaned = form.cleaned_data
        data = SourceData(
            kind=cleaned["kind"],
            title=cleaned["title"],
            url=cleaned["url"],
            organization=getattr(cleaned["organization"], "slug", ""),
            economy=getattr(cleaned["economy"], "code", ""),
            reference=cleaned["reference"],
            fields=tuple(cleaned["fields"]),
            accessed_on=cleaned["accessed_on"],
            note=cleaned["note"],
        )
        try:
            source = source_add(entry=cleaned["entry"], actor=request.user, data=data)
        except EntryInvalid as error:
            raise refusal(error) from error
        adopt(obj, source)

    def response_add(
        self, request: HttpRequest, obj: Source, post_url_continue: str | None = None
    ) -> HttpResponse:
        response = super().response_add(request, obj, post_url_continue)
        if any(key in request.POST for key in (IS_POPUP_VAR, "_addanother", "_continue")):
            return response
        # Sources are added from the entry's page: go back there.
        return HttpResponseRedirect(reverse("admin:catalog_entry_change", args=[obj.entry_id]))


@admin.register(EntryVersion)
class EntryVersionAdmin(ReadOnlyAdmin):
    list_display = ["entry", "number", "action", "actor_label", "created_at"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["entry__slug", "entry__title", "actor_label", "note"]
    list_select_related = ["entry"]
    fields = readonly_fields = [
        "entry",
        "number",
        "action",
        "actor_label",
        "created_at",
        changed,
        "note",
        snapshot,
    ]


@admin.register(EntryTransition)
class EntryTransitionAdmin(ReadOnlyAdmin):
    list_display = ["entry", "from_state", "to_state", "actor_label", "created_at"]
    list_filter = ["to_state", "from_state", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["entry__slug", "entry__title", "actor_label", "note"]
    list_select_related = ["entry"]
