from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .mappings import available_sources
from .models import Decision
from .services import MERGEABLE


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Partner file"),
        help_text=_("CSV (any common separator and encoding) or XLSX, up to 20 MB."),
    )
    source = forms.ChoiceField(
        label=_("Source"),
        help_text=_("Which partner's file this is: its mapping says how to read it."),
    )
    mapping = forms.FileField(
        label=_("Your own mapping (optional)"),
        required=False,
        help_text=_("A YAML mapping file to use instead of the source's own."),
    )
    sheet = forms.CharField(
        label=_("Sheet (optional)"),
        required=False,
        max_length=100,
        help_text=_("For a workbook: the sheet to read, if not the mapping's."),
    )
    again = forms.BooleanField(
        label=_("Import it again even if this very file was imported before"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s, s) for s in available_sources()]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in Decision.choices if c[0]],
        widget=forms.RadioSelect,
    )
    merge_into = forms.IntegerField(label=_("Entry to merge into"), required=False)
    merge_fields = forms.MultipleChoiceField(
        label=_("Fields to take from the row"),
        required=False,
        choices=[(name, name) for name in MERGEABLE],
    )
    accept = forms.MultipleChoiceField(label=_("Suggestions to accept"), required=False)

    def __init__(self, *args, suggestions: dict | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept"].choices = [
            (f"{field}:{s['value']}", s["value"])
            for field, listed in (suggestions or {}).items()
            for s in listed
        ]

    def choices(self) -> dict[str, list[str]]:
        chosen: dict[str, list[str]] = {}
        for value in self.cleaned_data.get("accept") or []:
            field, _sep, slug = value.partition(":")
            chosen.setdefault(field, []).append(slug)
        return chosen


class AcceptForm(forms.Form):
    publish = forms.BooleanField(
        label=_("Publish the new entries at once"),
        required=False,
        help_text=_("Otherwise they are approved and wait to be published."),
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RollbackForm(forms.Form):
    note = forms.CharField(
        label=_("Why roll this batch back?"), widget=forms.Textarea(attrs={"rows": 2})
    )
