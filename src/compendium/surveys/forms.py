"""Forms built from the questionnaire: one field per question, labelled, hinted and offered choices
in the active language. No question is written here; they all come from the questionnaire data.

Fields accept anything (drafts keep what was typed); the questionnaire's own `clean_answers` is the
one judge of an answer, here as on submission, so a page and the submission never disagree."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .models import LANGUAGES
from .questionnaire import Question, clean_answers, text_in

# Questions whose wrong values are dropped rather than kept: a value that is not one of the
# choices cannot be shown again on the page, so keeping it would only hide it.
CHOICE_KINDS = {"choice", "multichoice", "economies", "boolean"}


def _sort_key(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


class ChoiceBook:
    """The labels of every question's choices in the active language, read once per request."""

    def __init__(self) -> None:
        self._cache: dict[str, list[tuple[str, str]]] = {}

    def choices(self, question: Question) -> list[tuple[str, str]]:
        if question.taxonomy:
            key = f"taxonomy:{question.taxonomy}"
        elif question.kind == "economies":
            key = "economies"
        else:
            key = f"question:{question.slug}"
        if key not in self._cache:
            self._cache[key] = self._load(question)
        return self._cache[key]

    @staticmethod
    def _load(question: Question) -> list[tuple[str, str]]:
        if question.taxonomy:
            return [
                (t.slug, t.label) for t in selectors.vocabulary_terms(taxonomy=question.taxonomy)
            ]
        if question.kind == "economies":
            names = [(e.code, e.name) for e in selectors.invitable_economies()]
            return sorted(names, key=lambda pair: _sort_key(pair[1]))
        return [(value, text_in(labels)) for value, labels in question.choices]

    def values(self, question: Question) -> set[str]:
        return {value for value, _label in self.choices(question)}

    def display(self, question: Question, value: Any) -> str:
        """An answer as a person reads it: labels, not slugs; "" when there is no answer."""
        if question.kind == "boolean":
            return _("Yes") if value else ""
        if value in (None, "", []):
            return ""
        if question.kind in ("choice", "multichoice", "economies"):
            labels = dict(self.choices(question))
            values = value if isinstance(value, list | tuple) else [value]
            return ", ".join(labels.get(str(v), str(v)) for v in values)
        return str(value)


class _AnyChoice(forms.ChoiceField):
    """A choice judged by the questionnaire, not the form (so a draft keeps its other answers)."""

    def validate(self, value: Any) -> None:
        return None


class _AnyChoices(forms.MultipleChoiceField):
    def validate(self, value: Any) -> None:
        return None


def _text_attrs(question: Question) -> dict[str, Any]:
    attrs: dict[str, Any] = {"maxlength": question.max_length, "class": "input"}
    if question.required:
        attrs["aria-required"] = "true"
    if question.kind in ("year", "integer"):
        attrs.update(inputmode="numeric", maxlength=4 if question.kind == "year" else 12)
        attrs["class"] = "input input--short"
    if question.kind in ("email", "url"):
        attrs["spellcheck"] = "false"
    return attrs


def field_for(question: Question, book: ChoiceBook) -> forms.Field:
    common = {"label": question.label_text, "help_text": question.help_text, "required": False}
    kind = question.kind
    if kind == "choice":
        return _AnyChoice(choices=book.choices(question), widget=forms.RadioSelect, **common)
    if kind == "multichoice":
        widget = forms.CheckboxSelectMultiple
        return _AnyChoices(choices=book.choices(question), widget=widget, **common)
    if kind == "economies":
        widget = forms.SelectMultiple(attrs={"size": 8, "class": "input"})
        return _AnyChoices(choices=book.choices(question), widget=widget, **common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    attrs = _text_attrs(question)
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={**attrs, "rows": 6}), **common)
    input_type = {"email": "email", "url": "url"}.get(kind, "text")
    widget = forms.TextInput(attrs={**attrs, "type": input_type})
    return forms.CharField(strip=False, widget=widget, **common)


@dataclass(frozen=True)
class QuestionField:
    """What the template needs to show one question (and, for a correction, what is recorded)."""

    question: Question
    field: forms.BoundField
    show_recorded: bool = False
    recorded: str = ""
    recorded_differs: bool = False

    @property
    def grouped(self) -> bool:
        return self.question.kind in ("choice", "multichoice")

    @property
    def anchor(self) -> str:
        """The id an error summary links to: the first option of a group, else the input."""
        return f"{self.field.auto_id}_0" if self.grouped else self.field.auto_id

    @property
    def described_by(self) -> str:
        """The hint, the recorded value and the error, read out with the input (or group)."""
        auto_id, ids = self.field.auto_id, []
        if self.field.help_text:
            ids.append(f"{auto_id}_helptext")
        if self.show_recorded:
            ids.append(f"{auto_id}_recorded")
        if self.field.errors:
            ids.append(f"{auto_id}_error")
        return " ".join(ids)


class AnswersForm(forms.Form):
    """The questions of one section (or of one policy). `complete` also reports required
    questions left empty, as the submission will."""

    def __init__(
        self,
        *args: Any,
        questions: tuple[Question, ...],
        book: ChoiceBook,
        complete: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.book = book
        self.complete = complete
        self.answers: dict[str, Any] = {}
        self.recorded: dict[str, Any] | None = None
        for question in questions:
            self.fields[question.slug] = field_for(question, book)

    def clean(self) -> dict[str, Any]:
        raw = {q.slug: self.cleaned_data.get(q.slug) for q in self.questions}
        choices = {q.slug: self.book.values(q) for q in self.questions if q.kind in CHOICE_KINDS}
        cleaned, errors = clean_answers(self.questions, raw, choices, complete=self.complete)
        by_slug = {q.slug: q for q in self.questions}
        self.answers = {
            slug: value
            for slug, value in cleaned.items()
            if not (slug in errors and by_slug[slug].kind in CHOICE_KINDS and value)
        }
        for slug, message in errors.items():
            self.add_error(slug, message)
        return self.cleaned_data

    def question_fields(self) -> list[QuestionField]:
        rows = []
        show_recorded = self.recorded is not None
        for question in self.questions:
            recorded, differs = "", False
            if self.recorded is not None:
                recorded = self.book.display(question, self.recorded.get(question.slug))
                current = self.book.display(question, self._shown_value(question))
                differs = recorded != current
            row = QuestionField(question, self[question.slug], show_recorded, recorded, differs)
            if not row.grouped and row.described_by:
                # Set on the widget, Django keeps it (and adds no ids of its own).
                self.fields[question.slug].widget.attrs["aria-describedby"] = row.described_by
            rows.append(row)
        return rows

    def _shown_value(self, question: Question) -> Any:
        if self.is_bound:
            return self.answers.get(question.slug, self.initial.get(question.slug))
        return self.initial.get(question.slug)

    def error_links(self) -> list[tuple[str, str]]:
        """(message, "#anchor") for the error summary, in the order of the questions."""
        links = []
        for row in self.question_fields():
            for message in row.field.errors:
                label = row.question.label_text.rstrip(" .:")
                links.append((f"{label}: {message}", f"#{row.anchor}"))
        return links


def bound_to_answers(answers: dict[str, Any], questions: tuple[Question, ...]) -> dict[str, Any]:
    """Saved answers in the shape of posted data, to show a saved draft's problems again."""
    data: dict[str, Any] = {}
    for question in questions:
        value = answers.get(question.slug)
        if question.kind in ("multichoice", "economies"):
            data[question.slug] = [str(v) for v in value or []]
        elif question.kind == "boolean":
            if value:
                data[question.slug] = "on"
        elif value is not None:
            data[question.slug] = str(value)
    return data


class _QueryDictLike(dict):
    """`getlist` for a plain dict, as the multiple-choice widgets read lists with it."""

    def getlist(self, key: str, default: list | None = None) -> list:
        value = self.get(key, default if default is not None else [])
        return value if isinstance(value, list) else [value]


def answers_form(
    *,
    questions: tuple[Question, ...],
    book: ChoiceBook,
    saved: dict[str, Any],
    check: bool = False,
) -> AnswersForm:
    """The form for a GET: bound to what is saved (so a saved draft's problems show again), or
    unbound while nothing has been answered yet."""
    answered = any(saved.get(q.slug) not in (None, "", [], False) for q in questions)
    if not (answered or check):
        return AnswersForm(questions=questions, book=book, initial=saved)
    data = _QueryDictLike(bound_to_answers(saved, questions))
    form = AnswersForm(data, questions=questions, book=book, complete=check, initial=saved)
    form.is_valid()
    return form


# --- colleagues and the secretariat --------------------------------------------------------------


class ColleagueForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        max_length=254,
        help_text=gettext_lazy("We will send their personal link to this address."),
        validators=[EmailValidator()],
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the invitation"),
        choices=LANGUAGES,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"class": "input", "autocomplete": "off"})
        self.fields["email"].widget.attrs.update(
            {"class": "input", "autocomplete": "off", "spellcheck": "false"}
        )


class RoundForm(forms.Form):
    FROM_FILE = "file"

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    slug = forms.SlugField(
        label=gettext_lazy("Short identifier"),
        max_length=80,
        help_text=gettext_lazy("Letters, digits and hyphens, for example r2026. It cannot change."),
    )
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"),
        help_text=gettext_lazy("The last day respondents can answer."),
        widget=forms.DateInput(attrs={"type": "date", "class": "input input--short"}),
    )
    questionnaire = forms.ChoiceField(label=gettext_lazy("Questionnaire"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["class"] = "input"
        self.fields["slug"].widget.attrs.update({"class": "input input--short"})
        loaded = [(str(q.pk), str(q)) for q in selectors.questionnaires()]
        self.fields["questionnaire"].choices = [
            *loaded[:1],
            (self.FROM_FILE, _("Load the questionnaire file again (a new version if it changed)")),
            *loaded[1:],
        ]
        self.fields["questionnaire"].initial = loaded[0][0] if loaded else self.FROM_FILE


class InviteForm(forms.Form):
    """Whom to invite: a group, chosen respondents, or one respondent with a named person."""

    ALL_MEMBERS, ALL_OBSERVERS, CHOSEN, ONE = "members", "observers", "chosen", "one"

    who = forms.ChoiceField(
        label=gettext_lazy("Whom to invite"),
        widget=forms.RadioSelect,
        choices=[
            (ALL_MEMBERS, gettext_lazy("All WTO Members")),
            (ALL_OBSERVERS, gettext_lazy("All WTO Observers")),
            (CHOSEN, gettext_lazy("The economies and organisations chosen below")),
            (ONE, gettext_lazy("One respondent, with the person named below")),
        ],
    )
    economies = forms.MultipleChoiceField(
        label=gettext_lazy("Economies"), required=False, widget=forms.SelectMultiple
    )
    organizations = forms.MultipleChoiceField(
        label=gettext_lazy("Organisations"), required=False, widget=forms.SelectMultiple
    )
    name = forms.CharField(label=gettext_lazy("Focal point's name"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("Focal point's e-mail"), required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the invitation"),
        choices=LANGUAGES,
        initial="en",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["economies"].choices = [
            (e.code, e.name) for e in selectors.invitable_economies()
        ]
        self.fields["organizations"].choices = [
            (o.slug, o.name) for o in selectors.invitable_organizations()
        ]
        for name in ("economies", "organizations"):
            self.fields[name].widget.attrs.update({"size": 8, "class": "input"})
        for name in ("name", "email"):
            self.fields[name].widget.attrs.update({"class": "input", "autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        who = data.get("who")
        chosen = len(data.get("economies") or []) + len(data.get("organizations") or [])
        if who in (self.CHOSEN, self.ONE) and not chosen:
            self.add_error("economies", _("Choose at least one economy or organisation."))
        if who == self.ONE and chosen > 1:
            self.add_error("economies", _("Choose exactly one economy or organisation."))
        if who != self.ONE and (data.get("name") or data.get("email")):
            self.add_error("name", _("A name and e-mail are for inviting one respondent."))
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Why"), max_length=2000, required=False)
