"""The secretariat's entry form, and how its cleaned data becomes the services' `EntryData`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext_lazy as _

from ..models import Economy, Entry, EntryLink, Organization
from ..services import EntryData, LinkData, StaleEntry

# The service names some problems after model fields the form does not show.
ERROR_ALIASES = {"contributor_economy": "contributor", "contributor_organization": "contributor"}
RELATED = {
    "contributor_type": "slug",
    "instrument_type": "slug",
    "gender_focus": "slug",
}
MANY = {
    "policy_areas": "slug",
    "target_groups": "slug",
    "economies": "code",
    "organizations": "slug",
}


def contributor_choices() -> list[tuple[Any, Any]]:
    """Economies (by code) and organisations (by slug): the values `EntryData.contributor` takes."""
    economies = [(e.code, f"{e.name} ({e.code})") for e in Economy.objects.order_by("name_en")]
    organizations = [
        (o.slug, f"{o.name} ({o.acronym})" if o.acronym else o.name)
        for o in Organization.objects.order_by("name_en")
    ]
    return [("", "---------"), (_("Economies"), economies), (_("Organisations"), organizations)]


class EntryAdminForm(forms.ModelForm):
    contributor = forms.ChoiceField(
        label=_("Contributor"),
        required=False,
        help_text=_("The economy or organisation that reported this entry."),
    )
    # The version the user loaded: a save based on an older one is refused, not applied over
    # someone else's changes.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Why (kept in the history)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Entry
        # Not the two contributor keys (one `contributor` choice instead) nor the state the
        # workflow owns.
        fields = [
            "slug",
            "language",
            "title",
            "description",
            "title_en",
            "title_fr",
            "title_es",
            "description_en",
            "description_fr",
            "description_es",
            "economies",
            "organizations",
            "implementers_as_reported",
            "contributor_type",
            "instrument_type",
            "policy_areas",
            "target_groups",
            "gender_focus",
            "start_year",
            "end_year",
            "status",
            "budget_as_reported",
            "budget_amount",
            "budget_currency",
            "women_reached_as_reported",
            "women_reached",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contributor"].choices = contributor_choices()
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Leave empty to make one from the title.")
        if self.instance.pk is not None:
            self.fields["expected_version"].required = True
            self.initial.setdefault("expected_version", self.instance.version)
            contributor = self.instance.contributor
            key = getattr(contributor, "code", None) or getattr(contributor, "slug", "")
            self.initial.setdefault("contributor", key)

    def clean_contributor(self) -> str:
        value = self.cleaned_data["contributor"]
        # The service reads a contributor as an economy code first: an organisation whose slug is
        # also a code would silently become that economy.
        if value and value == value.lower() and Economy.objects.filter(code=value.upper()).exists():
            raise forms.ValidationError(
                _(
                    "The organisation %(slug)s has the same name as an economy code; it cannot be "
                    "chosen as contributor until its slug changes."
                )
                % {"slug": value}
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if (
            self.instance.pk is not None
            and expected is not None
            and expected != self.instance.version
        ):
            # Said before the links' formset complains about link rows that no longer exist.
            self.add_error(None, str(StaleEntry(self.instance, expected)))
        return cleaned


def entry_data_from(cleaned: Mapping[str, Any], links: tuple[LinkData, ...]) -> EntryData:
    """The form's rows and querysets as the plain slugs and codes the services take."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(EntryData):
        name = field.name
        if name in RELATED:
            values[name] = getattr(cleaned[name], RELATED[name])
        elif name in MANY:
            values[name] = tuple(getattr(row, MANY[name]) for row in cleaned[name])
        elif name in cleaned:
            values[name] = cleaned[name]
    values["contributor"] = cleaned.get("contributor") or ""
    values["links"] = links
    return EntryData(**values)


def entry_changes(data: EntryData) -> dict[str, Any]:
    """Every field, for `entry_update` to compare (it records only what differs)."""
    return {field.name: getattr(data, field.name) for field in dataclasses.fields(EntryData)}


def links_from(formsets: Iterable[BaseFormSet]) -> tuple[LinkData, ...]:
    """The links as the user left them, less rows marked for deletion and untouched blank ones."""
    links = []
    for formset in formsets:
        if getattr(formset, "model", None) is not EntryLink:
            continue
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            links.append(
                LinkData(url=data.get("url", ""), label=data.get("label", ""), kind=data["kind"])
            )
    return tuple(links)


ENTRY_FIELDSETS = [
    (None, {"fields": ["slug", "title", "language", "description", "expected_version"]}),
    (
        _("Translations"),
        {
            "classes": ["collapse"],
            "fields": [
                ("title_en", "title_fr", "title_es"),
                "description_en",
                "description_fr",
                "description_es",
            ],
        },
    ),
    (
        _("Who and where"),
        {
            "fields": [
                "economies",
                "organizations",
                "implementers_as_reported",
                ("contributor_type", "contributor"),
            ]
        },
    ),
    (
        _("Classification"),
        {"fields": [("instrument_type", "gender_focus"), "policy_areas", "target_groups"]},
    ),
    (
        _("Timing and scale"),
        {
            "fields": [
                ("start_year", "end_year", "status"),
                ("budget_as_reported", "budget_amount", "budget_currency"),
                ("women_reached_as_reported", "women_reached"),
            ]
        },
    ),
    (
        _("State (changed by the workflow buttons and actions)"),
        {
            "fields": [
                ("workflow", "verification", "version", "is_sample"),
                ("published_at", "created_at", "updated_at"),
            ]
        },
    ),
    (_("This change"), {"fields": ["note"]}),
]
