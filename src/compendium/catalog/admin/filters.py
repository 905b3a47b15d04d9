"""List filters of the catalog admin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.db import models
from django.http import HttpRequest

from ..models import Economy


class EconomyWithEntriesFilter(admin.RelatedFieldListFilter):
    """The economies that have entries, as one drop-down ("Kenya (KEN)": type a name to jump to it)
    instead of a column of 160 links. Works without JavaScript: a GET form that keeps the rest of
    the query."""

    template = "admin/catalog/entry/economy_filter.html"

    def __init__(
        self,
        field: models.Field,
        request: HttpRequest,
        params: dict,
        model: type,
        model_admin: admin.ModelAdmin,
        field_path: str,
    ) -> None:
        super().__init__(field, request, params, model, model_admin, field_path)
        replaced = {*self.expected_parameters(), PAGE_VAR}
        self.kept_params = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in replaced
            for value in values
        ]

    def field_choices(
        self, field: models.Field, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[int, str]]:
        economies = Economy.objects.filter(entries__isnull=False).distinct().order_by("name_en")
        return [(economy.pk, f"{economy.name} ({economy.code})") for economy in economies]

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        # Same choices as the parent, each told the value it sends; "All" and "none" have no value
        # and stay links.
        values = [None, *(pk for pk, _label in self.lookup_choices), None]
        for choice, value in zip(super().choices(changelist), values, strict=False):
            yield {**choice, "value": value}
