"""The questionnaire is data: this module reads a questionnaire file, checks it, and checks
answers against it. Nothing about the questions themselves is written in code."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from compendium.catalog.i18n import current_language
from compendium.catalog.models import MAX_YEAR, MIN_YEAR
from compendium.catalog.services import EntryData

DATA_DIR = Path(__file__).resolve().parent / "data"
KINDS = {
    "text",
    "textarea",
    "email",
    "url",
    "year",
    "integer",
    "choice",
    "multichoice",
    "boolean",
    "economies",
}
TAXONOMIES = {"policy_areas", "target_groups", "instrument_types", "gender_focus"}
ENTRY_FIELDS = {f.name for f in dataclasses.fields(EntryData)} | {"links", "source"}
LANGS = ("en", "fr", "es")
DEFAULT_MAX_LENGTH = {"text": 500, "textarea": 4000, "email": 254, "url": 1000}


class QuestionnaireInvalid(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def text_in(texts: dict[str, str] | None, language: str | None = None) -> str:
    texts = texts or {}
    return texts.get(language or current_language()) or texts.get("en", "")


@dataclass(frozen=True)
class Question:
    slug: str
    kind: str
    required: bool
    label: dict[str, str]
    help: dict[str, str]
    choices: tuple[tuple[str, dict[str, str]], ...]
    taxonomy: str
    field: str
    max_length: int

    @property
    def label_text(self) -> str:
        return text_in(self.label)

    @property
    def help_text(self) -> str:
        return text_in(self.help)


@dataclass(frozen=True)
class Section:
    slug: str
    title: dict[str, str]
    help: dict[str, str]
    repeatable: bool
    questions: tuple[Question, ...]

    @property
    def title_text(self) -> str:
        return text_in(self.title)

    @property
    def help_text(self) -> str:
        return text_in(self.help)


def read_file(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise QuestionnaireInvalid([f"{path.name}: {error}"]) from None
    if not isinstance(document, dict):
        raise QuestionnaireInvalid([f"{path.name}: expected a mapping"])
    check(document)
    return document


def check(document: dict[str, Any]) -> None:
    problems: list[str] = []
    if not isinstance(document.get("version"), int):
        problems.append("version: a whole number is required")
    if not document.get("slug"):
        problems.append("slug: required")
    seen: set[str] = set()
    for s_index, section in enumerate(document.get("sections") or [], start=1):
        where = f"sections[{s_index}]"
        for q_index, question in enumerate(section.get("questions") or [], start=1):
            at = f"{where}.questions[{q_index}]"
            slug = question.get("slug", "")
            if not slug or slug in seen:
                problems.append(f"{at}.slug: missing or duplicate {slug!r}")
            seen.add(slug)
            if question.get("kind") not in KINDS:
                problems.append(f"{at}.kind: unknown kind {question.get('kind')!r}")
            if question.get("taxonomy") and question["taxonomy"] not in TAXONOMIES:
                problems.append(f"{at}.taxonomy: unknown vocabulary {question['taxonomy']!r}")
            if section.get("repeatable") and question.get("field") not in ENTRY_FIELDS:
                problems.append(f"{at}.field: not an entry field {question.get('field')!r}")
            for lang in LANGS:
                if not (question.get("label") or {}).get(lang):
                    problems.append(f"{at}.label.{lang}: missing translation")
    if not seen:
        problems.append("sections: no questions")
    if problems:
        raise QuestionnaireInvalid(problems)


def sections_of(definition: dict[str, Any]) -> list[Section]:
    sections = []
    for section in definition.get("sections", []):
        questions = tuple(
            Question(
                slug=q["slug"],
                kind=q["kind"],
                required=bool(q.get("required")),
                label=q.get("label") or {},
                help=q.get("help") or {},
                choices=tuple((c["value"], c.get("label") or {}) for c in q.get("choices") or []),
                taxonomy=q.get("taxonomy", ""),
                field=q.get("field", ""),
                max_length=int(q.get("max_length") or DEFAULT_MAX_LENGTH.get(q["kind"], 200)),
            )
            for q in section.get("questions", [])
        )
        sections.append(
            Section(
                slug=section["slug"],
                title=section.get("title") or {},
                help=section.get("help") or {},
                repeatable=bool(section.get("repeatable")),
                questions=questions,
            )
        )
    return sections


def general_sections(definition: dict[str, Any]) -> list[Section]:
    return [s for s in sections_of(definition) if not s.repeatable]


def policy_section(definition: dict[str, Any]) -> Section | None:
    return next((s for s in sections_of(definition) if s.repeatable), None)


def _clean_one(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    """The cleaned value of one answer and an error message ('' when fine)."""
    kind = question.kind
    if kind == "multichoice" or kind == "economies":
        values = [str(v) for v in (raw if isinstance(raw, list | tuple) else [raw]) if v]
        unknown = [v for v in values if choices and v not in choices]
        if unknown:
            return values, _("Not a choice: %(values)s.") % {"values": ", ".join(unknown[:5])}
        return list(dict.fromkeys(values)), ""
    if kind == "boolean":
        return raw in (True, "true", "on", "yes", "1"), ""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return ("" if kind not in ("year", "integer") else None), ""
    if len(text) > question.max_length:
        return text, _("Use at most %(n)s characters.") % {"n": question.max_length}
    if kind in ("year", "integer"):
        if not text.isdigit():
            return text, _("Enter a whole number.")
        number = int(text)
        if kind == "year" and not MIN_YEAR <= number <= MAX_YEAR:
            return text, _("Enter a year between %(min)s and %(max)s.") % {
                "min": MIN_YEAR,
                "max": MAX_YEAR,
            }
        return number, ""
    if kind == "choice" and choices and text not in choices:
        return text, _("Choose one of the options.")
    try:
        if kind == "email":
            EmailValidator()(text)
        elif kind == "url":
            URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return text, (
            _("Enter an e-mail address like name@example.org.")
            if kind == "email"
            else _("Enter a web address starting with https://")
        )
    return text, ""


def clean_answers(
    questions: tuple[Question, ...],
    raw: dict[str, Any],
    choices: dict[str, set[str]],
    *,
    complete: bool,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean answers; `complete` also reports required questions left empty (on submission)."""
    cleaned, errors = {}, {}
    for question in questions:
        if question.slug not in raw and not complete:
            continue
        value, error = _clean_one(
            question, raw.get(question.slug), choices.get(question.slug, set())
        )
        cleaned[question.slug] = value
        if error:
            errors[question.slug] = error
        elif complete and question.required and value in ("", None, [], False):
            errors[question.slug] = _("Answer this question.")
    return cleaned, errors
