"""Reference data: vocabularies, economies, organisations. Loaded from data files by
`compendium load_reference`; edits here go through the same upsert services, so they are audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import (
    ContributorType,
    Economy,
    GenderFocus,
    InstrumentType,
    Organization,
    PolicyArea,
    Region,
    TargetGroup,
    WorkingGroup,
)
from ..services import economy_upsert, organization_upsert, term_upsert
from .base import ServiceAdmin, adopt, refusal

VOCABULARIES = (
    PolicyArea,
    TargetGroup,
    InstrumentType,
    GenderFocus,
    ContributorType,
    Region,
    WorkingGroup,
)


class ReferenceAdmin(ServiceAdmin):
    """One row per natural key (`key`), written by the model's upsert service. The key names the
    row in data files and URLs, so it is fixed once the row exists."""

    key = "slug"

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list:
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, self.key] if obj is not None else readonly

    def get_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list:
        # Read-only fields go last by default; the key names the row, so it stays first.
        fields = super().get_fields(request, obj)
        return [self.key, *(name for name in fields if name != self.key)]

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool
    ) -> None:
        many = {f.name for f in self.model._meta.many_to_many}
        values = {
            name: value
            for name, value in form.cleaned_data.items()
            if name != self.key and name not in many
        }
        related = {name: list(rows) for name, rows in form.cleaned_data.items() if name in many}
        try:
            saved = self.upsert(request, key=getattr(obj, self.key), values=values, related=related)
        except ValidationError as error:
            raise refusal(error) from error
        adopt(obj, saved)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list, change: bool
    ) -> None:
        """Nothing left to save: the service wrote the many-to-many fields with the row."""

    def upsert(
        self,
        request: HttpRequest,
        *,
        key: str,
        values: dict[str, Any],
        related: dict[str, list[models.Model]],
    ) -> models.Model:
        saved, _outcome = term_upsert(model=self.model, slug=key, values=values, actor=request.user)
        return saved


@admin.register(*VOCABULARIES)
class TermAdmin(ReferenceAdmin):
    list_display = ["slug", "label_en", "label_fr", "label_es", "position"]
    search_fields = ["slug", "label_en", "label_fr", "label_es"]
    ordering = ["position", "slug"]


class EconomyForm(forms.ModelForm):
    class Meta:
        model = Economy
        fields = [
            "code",
            "name_en",
            "name_fr",
            "name_es",
            "status",
            "region",
            "is_ldc",
            "accession_date",
            "part_of",
            "working_groups",
            "notes",
        ]
        widgets = {"working_groups": forms.CheckboxSelectMultiple}

    def clean_code(self) -> str:
        # Codes are matched exactly everywhere (contributors, imports, URLs): keep them upper case.
        return self.cleaned_data["code"].strip().upper()

    def clean_part_of(self) -> Economy | None:
        # The database refuses it too, but with a message meant for developers.
        part_of = self.cleaned_data["part_of"]
        if part_of is not None and part_of.pk == self.instance.pk:
            raise forms.ValidationError(_("An economy cannot be a member State of itself."))
        return part_of


@admin.register(Economy)
class EconomyAdmin(ReferenceAdmin):
    key = "code"
    form = EconomyForm
    list_display = ["code", "name_en", "status", "region", "is_ldc", "groups"]
    list_filter = [
        "status",
        "region",
        "is_ldc",
        "working_groups",
        ("part_of", admin.RelatedOnlyFieldListFilter),
    ]
    # review/admin.py relies on these for its autocomplete fields.
    search_fields = ["code", "name_en", "name_fr", "name_es"]
    list_select_related = ["region"]
    autocomplete_fields = ["part_of"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Economy]:
        return super().get_queryset(request).prefetch_related("working_groups")

    @admin.display(description=_("working groups"))
    def groups(self, economy: Economy) -> str:
        return ", ".join(group.short or group.slug for group in economy.working_groups.all())

    def upsert(
        self,
        request: HttpRequest,
        *,
        key: str,
        values: dict[str, Any],
        related: dict[str, list[models.Model]],
    ) -> models.Model:
        saved, _outcome = economy_upsert(
            code=key,
            values=values,
            working_groups=related.get("working_groups", []),
            actor=request.user,
        )
        return saved


@admin.register(Organization)
class OrganizationAdmin(ReferenceAdmin):
    list_display = ["name_en", "acronym", "kind", "economy"]
    list_filter = ["kind", ("economy", admin.RelatedOnlyFieldListFilter)]
    # review/admin.py relies on these for its autocomplete fields.
    search_fields = ["slug", "name_en", "name_fr", "name_es", "acronym"]
    list_select_related = ["kind", "economy"]
    autocomplete_fields = ["economy"]

    def upsert(
        self,
        request: HttpRequest,
        *,
        key: str,
        values: dict[str, Any],
        related: dict[str, list[models.Model]],
    ) -> models.Model:
        saved, _outcome = organization_upsert(slug=key, values=values, actor=request.user)
        return saved
