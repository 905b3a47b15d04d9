"""The document's frame: what it says around the entries (formula, introduction, labels,
glossary, questionnaire, vocabularies), in EN/FR/ES. Read from `data/edition_frame.yaml`, the
survey's questionnaire file and the taxonomy; an edition keeps a copy when it is frozen."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import translation

from compendium.catalog import selectors
from compendium.catalog.models import EntryStatus, SourceKind, Verification

FRAME_FILE = Path(__file__).resolve().parent / "data" / "edition_frame.yaml"
LANGUAGES = ("en", "fr", "es")
CHOICES = {"status": EntryStatus, "verification": Verification, "source_kind": SourceKind}


@cache
def frame_file() -> dict[str, Any]:
    return yaml.safe_load(FRAME_FILE.read_text(encoding="utf-8"))


def _questionnaire() -> list[dict[str, Any]]:
    """The survey's sections and questions (labels in EN/FR/ES): the questionnaire last loaded
    for a round, else the survey's data file."""
    from compendium.surveys.questionnaire import DATA_DIR, read_file, sections_of
    from compendium.surveys.selectors import questionnaires

    latest = questionnaires().order_by("-pk").first()
    definition = latest.definition if latest else read_file(DATA_DIR / "questionnaire.yaml")
    return [
        {
            "title": dict(section.title),
            "questions": [
                {"label": dict(q.label), "required": q.required} for q in section.questions
            ],
        }
        for section in sections_of(definition)
    ]


def _choice_labels() -> dict[str, dict[str, dict[str, str]]]:
    labels: dict[str, dict[str, dict[str, str]]] = {}
    for name, choices in CHOICES.items():
        labels[name] = {value: {} for value in choices.values}
        for language in LANGUAGES:
            with translation.override(language):
                for value, label in choices.choices:
                    labels[name][value][language] = str(label)
    return labels


def _vocabularies() -> dict[str, list[dict[str, Any]]]:
    """Every vocabulary in its order, with its labels: the overview tables list all values."""
    return {
        name: [
            {"slug": t.slug, "label": {lang: getattr(t, f"label_{lang}") for lang in LANGUAGES}}
            for t in terms
        ]
        for name, terms in selectors.vocabularies().items()
    }


def frame_snapshot() -> dict[str, Any]:
    """Everything the frame needs, as plain JSON, to be kept with a frozen edition."""
    return {
        "text": frame_file(),
        "questionnaire": _questionnaire(),
        "choices": _choice_labels(),
        "vocabularies": _vocabularies(),
    }
