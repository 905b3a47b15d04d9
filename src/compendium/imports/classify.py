"""Suggested categories for rows that have none (or none the mapping knows), from their text.

The keywords are data (`data/classifier.yaml`, per language). A suggestion says which words led
to it; the curator accepts it or not. Nothing here changes a row's values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .text import fold

CLASSIFIER_FILE = Path(__file__).parent / "data" / "classifier.yaml"
FIELDS = ("policy_areas", "target_groups", "instrument_type")
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Suggestion:
    field: str
    value: str  # a taxonomy slug
    score: int  # how many distinct keywords matched
    keywords: tuple[str, ...]

    def as_json(self) -> dict:
        return {"value": self.value, "score": self.score, "keywords": list(self.keywords)}


@cache
def _patterns(language: str) -> dict[str, dict[str, list[tuple[str, re.Pattern]]]]:
    data = yaml.safe_load(CLASSIFIER_FILE.read_text(encoding="utf-8")) or {}
    # English keywords also apply to French and Spanish rows: partners mix languages.
    wanted = [data.get(language) or {}, data.get("en") or {}] if language != "en" else [data["en"]]
    patterns: dict[str, dict[str, list[tuple[str, re.Pattern]]]] = {}
    for block in wanted:
        for field, by_slug in block.items():
            for slug, keywords in by_slug.items():
                listed = patterns.setdefault(field, {}).setdefault(slug, [])
                listed.extend(
                    (keyword, re.compile(r"\b" + re.escape(fold(keyword))))
                    for keyword in keywords
                    if fold(keyword)
                )
    return patterns


def suggest(text: str, *, language: str, fields: tuple[str, ...] = FIELDS) -> list[Suggestion]:
    """The best few suggestions for each field asked, best first."""
    folded = fold(text)
    suggestions: list[Suggestion] = []
    for field in fields:
        found = []
        for slug, keywords in _patterns(language).get(field, {}).items():
            hits = tuple(
                dict.fromkeys(word for word, pattern in keywords if pattern.search(folded))
            )
            if hits:
                found.append(Suggestion(field=field, value=slug, score=len(hits), keywords=hits))
        found.sort(key=lambda s: (-s.score, s.value))
        limit = 1 if field == "instrument_type" else MAX_SUGGESTIONS
        suggestions.extend(found[:limit])
    return suggestions
