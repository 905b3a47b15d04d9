"""Answers checked against the questionnaire and the taxonomy."""

from __future__ import annotations

from compendium.catalog.models import (
    Economy,
    GenderFocus,
    InstrumentType,
    PolicyArea,
    TargetGroup,
)

from .models import Response
from .questionnaire import Question, Section, clean_answers, general_sections

TAXONOMY_MODELS = {
    "policy_areas": PolicyArea,
    "target_groups": TargetGroup,
    "instrument_types": InstrumentType,
    "gender_focus": GenderFocus,
}


def choice_values(question: Question) -> set[str]:
    if question.taxonomy:
        model = TAXONOMY_MODELS[question.taxonomy]
        return set(model.objects.values_list("slug", flat=True))
    if question.kind == "economies":
        return set(Economy.objects.values_list("code", flat=True))
    return {value for value, _label in question.choices}


def choices_by_question(sections: list[Section]) -> dict[str, set[str]]:
    return {
        q.slug: choice_values(q)
        for s in sections
        for q in s.questions
        if q.kind in ("choice", "multichoice", "economies")
    }


def general_problems(response: Response) -> list:
    from .services import Problem

    sections = general_sections(response.round.questionnaire.definition)
    choices = choices_by_question(sections)
    problems = []
    for section in sections:
        _cleaned, errors = clean_answers(
            section.questions, response.answers, choices, complete=True
        )
        problems += [
            Problem(f"general:{section.slug}", slug, message) for slug, message in errors.items()
        ]
    return problems
