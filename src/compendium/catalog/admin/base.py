"""What every catalog admin shares: writes go through the services, and when a service refuses,
the user sees its reasons on the form instead of a server error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse

# Where the refusal of the first attempt waits for the second, re-rendering pass.
_ERRORS_ATTR = "_catalog_service_errors"

FormErrors = dict[str | None, list[str]]


class ServiceRefused(Exception):
    """A service said no. `errors` maps form field names (None: the whole form) to messages."""

    def __init__(self, errors: FormErrors) -> None:
        super().__init__(errors)
        self.errors = errors


def refusal(error: Exception, aliases: Mapping[str, str] | None = None) -> ServiceRefused:
    """Turn what a service raised into form errors; `aliases` renames the service's field names
    to the form's (e.g. `contributor_economy` to `contributor`)."""
    aliases = aliases or {}
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        errors: FormErrors = {}
        for name, messages in error.message_dict.items():
            key = None if name == NON_FIELD_ERRORS else aliases.get(name, name)
            errors.setdefault(key, []).extend(messages)
        # Never empty: an empty refusal would let the second pass save.
        return ServiceRefused(errors or {None: [str(error)]})
    if isinstance(error, ValidationError):
        return ServiceRefused({None: list(error.messages)})
    return ServiceRefused({None: [str(error)]})


class ServiceErrorsMixin(forms.BaseForm):
    """Adds the errors a service gave on the previous attempt, so the form shows them in place."""

    service_errors: ClassVar[FormErrors] = {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, messages in self.service_errors.items():
            field = name if name in self.fields else None
            for message in messages:
                # A field the form does not show (e.g. `links`) is named in the message instead.
                shown = message if field or name is None else f"{_label(name)}: {message}"
                self.add_error(field, shown)
        return cleaned


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


class ServiceAdmin(admin.ModelAdmin):
    """A model admin whose save calls a service (in `save_model` or `save_related`) and raises
    `ServiceRefused` when the service refuses. Nothing is ever deleted from here."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # The admin's transaction has rolled the attempt back; run the same POST again with the
            # reasons attached, so Django's own flow re-renders the form with them on the fields.
            setattr(request, _ERRORS_ATTR, refused.errors)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self,
        request: HttpRequest,
        obj: models.Model | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        errors = getattr(request, _ERRORS_ATTR, None)
        if not errors:
            return form
        return type(form.__name__, (ServiceErrorsMixin, form), {"service_errors": errors})

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only as a side effect of a service (versions, transitions): read only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


def adopt(instance: models.Model, saved: models.Model) -> None:
    """Make the object the admin built from the form *be* the row the service wrote, so the admin's
    log entry, message and redirect point at it."""
    instance.pk = saved.pk
    instance._state.adding = False
    instance.refresh_from_db()
