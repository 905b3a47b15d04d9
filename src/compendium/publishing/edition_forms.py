"""The secretariat's forms on editions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentFormat, EditionKind

LANGUAGE_CHOICES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]


class EditionForm(forms.Form):
    symbols = forms.CharField(
        label=_("Document symbols"),
        max_length=200,
        help_text=_("One per group, separated by a dash, e.g. INF/TGE/W/12 – INF/MSME/W/34."),
        widget=forms.TextInput(attrs={"class": "input"}),
    )
    title = forms.CharField(
        label=_("Title"), max_length=500, widget=forms.TextInput(attrs={"class": "input"})
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=EditionKind.choices, widget=forms.Select(attrs={"class": "input"})
    )
    date = forms.DateField(
        label=_("Date"),
        help_text=_("The date printed on the document, e.g. 2026-05-04."),
        widget=forms.DateInput(attrs={"class": "input", "type": "date"}),
    )


class ReviseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of the revision"),
        choices=EditionKind.choices,
        widget=forms.Select(attrs={"class": "input"}),
    )
    date = forms.DateField(
        label=_("Date of the revision"),
        widget=forms.DateInput(attrs={"class": "input", "type": "date"}),
    )


class BuildForm(forms.Form):
    formats = forms.MultipleChoiceField(
        label=_("Formats"),
        choices=DocumentFormat.choices,
        initial=[DocumentFormat.DOCX, DocumentFormat.PDF],
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("Language of the frame"),
        help_text=_("Headings, formula, introduction and labels; entries stay as provided."),
        choices=LANGUAGE_CHOICES,
        widget=forms.Select(attrs={"class": "input"}),
    )


class AdoptForm(forms.Form):
    note = forms.CharField(
        label=_("Note (e.g. the meeting that adopted it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "input"}),
    )
