"""Forms of the member review of an edition: a comment, a correction request, a resolution."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from compendium.catalog.models import Entry, EntryStatus

from .comments import TEXT_MAX


class _Described(forms.Form):
    """A field with an error is described by its hint and its message, for screen readers."""

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():
            if name in self.errors:
                auto_id = self[name].auto_id
                ids = [f"{auto_id}_helptext"] if field.help_text else []
                field.widget.attrs["aria-describedby"] = " ".join([*ids, f"{auto_id}_error"])


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "input", "maxlength": TEXT_MAX})


class CommentForm(_Described):
    # Which frozen entry the comment is on; empty for the whole edition. Checked by the service.
    entry = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    text = forms.CharField(
        label=_("Your comment"),
        max_length=TEXT_MAX,
        widget=_textarea(),
        error_messages={"required": _("Write your comment.")},
    )

    def __init__(self, *args: Any, prefix_id: str = "", **kwargs: Any) -> None:
        # Each entry's form on the page needs its own ids (one label per textarea).
        if prefix_id:
            kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)


class ResolveForm(_Described):
    note = forms.CharField(
        label=_("How was it resolved? (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=_textarea(2),
    )

    def __init__(self, *args: Any, prefix_id: str = "", **kwargs: Any) -> None:
        if prefix_id:
            kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)


class CorrectionForm(_Described):
    title = forms.CharField(
        label=_("Title"), max_length=500, widget=forms.TextInput(attrs={"class": "input"})
    )
    description = forms.CharField(label=_("Description"), widget=_textarea(8), max_length=20000)
    status = forms.ChoiceField(label=_("Status"), choices=EntryStatus.choices)
    start_year = forms.IntegerField(
        label=_("Start year (optional)"),
        required=False,
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "input input--year"}),
    )
    end_year = forms.IntegerField(
        label=_("End year (optional)"),
        required=False,
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "input input--year"}),
    )
    reason = forms.CharField(
        label=_("What is wrong, and why?"),
        help_text=_("The secretariat reads this with your corrected values in the review queue."),
        max_length=TEXT_MAX,
        widget=_textarea(4),
        error_messages={"required": _("Say what is wrong and why, for the secretariat.")},
    )

    @classmethod
    def for_entry(cls, entry: Entry) -> CorrectionForm:
        return cls(
            initial={
                "title": entry.title,
                "description": entry.description,
                "status": entry.status,
                "start_year": entry.start_year,
                "end_year": entry.end_year,
            }
        )

    def corrected(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}
