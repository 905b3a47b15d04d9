"""The curator's decision forms. Each carries the proposal's version as the page showed it, so a
decision taken on an outdated page is refused rather than applied to something else."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from compendium.surveys.models import Proposal

from .services import NOTE_MAX


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    entry_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    note = forms.CharField(
        label=_("Note for the respondent (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "input"}),
    )

    def __init__(self, *args: Any, proposal: Proposal | None = None, **kwargs: Any) -> None:
        if proposal is not None and not args and "data" not in kwargs:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                "version": proposal.version,
                "entry_version": proposal.entry.version if proposal.entry else None,
                **kwargs["initial"],
            }
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        """An input with an error is described by its hint and its message (Django names only
        the hint), so a screen reader reads both."""
        super().full_clean()
        for name, field in self.fields.items():
            if name in self.errors:
                auto_id = self[name].auto_id
                ids = [f"{auto_id}_helptext"] if field.help_text else []
                field.widget.attrs["aria-describedby"] = " ".join([*ids, f"{auto_id}_error"])


class AcceptForm(DecisionForm):
    publish = forms.BooleanField(
        label=_("Publish the new entry now"),
        help_text=_("Untick to keep it approved but not public yet."),
        required=False,
        initial=True,
    )


class RequestChangesForm(DecisionForm):
    note = forms.CharField(
        label=_("What should the respondent change?"),
        help_text=_("The focal point sees this on the policy's page and can answer."),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "class": "input"}),
        error_messages={"required": _("Say what the respondent should change.")},
    )


class RejectForm(DecisionForm):
    note = forms.CharField(
        label=_("Why is it rejected?"),
        help_text=_("The focal point sees this reason. Nothing changes in the compendium."),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "class": "input"}),
        error_messages={"required": _("Say why the proposal is rejected.")},
    )
