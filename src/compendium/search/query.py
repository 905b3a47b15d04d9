"""The user's search box, parsed into a small tree that each backend compiles to its own syntax.

Grammar (deliberately small, and total: every string parses):
    query   := clause*
    clause  := ["-"] term ("OR" term)*        (an excluded clause cannot have alternatives)
    term    := '"' words '"' | word
Words are runs of letters and digits; everything else separates them, so no input can inject
an operator into a backend. "e-commerce" is the phrase "e commerce". Synonyms from the data file
turn a term into alternatives ("ecommerce" → "ecommerce" OR "e commerce" OR "electronic commerce").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.yaml"
MAX_QUERY_CHARS = 500
MAX_TERMS = 16
WORD = re.compile(r"[^\W_]+", re.UNICODE)
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def fold(text: str) -> str:
    """Lower case without accents: the form in which words are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(fold(text)))


@dataclass(frozen=True)
class Term:
    """Consecutive words; `prefix` lets one word match longer forms too (mentor → mentoring)."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class Clause:
    alternatives: tuple[Term, ...]


@dataclass(frozen=True)
class Query:
    required: tuple[Clause, ...] = ()
    excluded: tuple[Term, ...] = ()
    text: str = ""
    notes: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.required)

    @property
    def words(self) -> set[str]:
        """Every word a match may contain, for highlighting."""
        return {w for c in self.required for t in c.alternatives for w in t.words}


@cache
def synonym_groups() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Each phrase of the synonyms file → every phrase of its group (itself included)."""
    document = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    lookup: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for group in document.get("groups", []):
        phrases = tuple(dict.fromkeys(words_of(p) for p in group if words_of(p)))
        for phrase in phrases:
            lookup[phrase] = tuple(sorted(set(lookup.get(phrase, ())) | set(phrases)))
    return lookup


def _expand(words: tuple[str, ...], quoted: bool) -> list[Clause]:
    """Turn a run of words into clauses, replacing known synonym phrases by their group."""
    groups = synonym_groups()
    longest = max((len(k) for k in groups), default=1)
    if quoted:
        group = groups.get(words)
        alternatives = group or (words,)
        return [Clause(tuple(Term(p, prefix=False) for p in alternatives))]
    clauses, i = [], 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            chunk = words[i : i + size]
            if chunk in groups:
                clauses.append(Clause(tuple(_term(p) for p in groups[chunk])))
                i += size
                break
        else:
            clauses.append(Clause((_term((words[i],)),)))
            i += 1
    return clauses


def _term(words: tuple[str, ...]) -> Term:
    # Prefix matching helps with word forms the stemmers miss (French and Spanish plurals and
    # derivations); below four letters it would match far too much.
    return Term(words, prefix=len(words) == 1 and len(words[0]) >= 4)


def _tokens(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """("or", ()), ("not", words), ("phrase", words) or ("words", words) for a run of bare words."""
    tokens: list[tuple[str, tuple[str, ...]]] = []
    for match in TOKEN.finditer(text):
        negated_phrase, phrase, bare = match.groups()
        if bare == "OR":
            tokens.append(("or", ()))
            continue
        negated = bool(negated_phrase) or ((bare or "").startswith("-") and len(bare) > 1)
        source = phrase if phrase is not None else (bare[1:] if negated else bare)
        words = words_of(source or "")
        if not words:
            continue
        if negated:
            tokens.append(("not", words))
        elif phrase is not None:
            tokens.append(("phrase", words))
        elif tokens and tokens[-1][0] == "words":
            # Consecutive bare words stay together so multi-word synonyms can be recognised.
            tokens[-1] = ("words", tokens[-1][1] + words)
        else:
            tokens.append(("words", words))
    return tokens


def parse(text: str) -> Query:
    """Parse whatever the user typed. Never raises."""
    text = (text or "").replace("\x00", " ")
    notes: list[str] = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append("truncated")
    required: list[Clause] = []
    excluded: list[Term] = []
    pending_or = False
    for kind, words in _tokens(text):
        if kind == "or":
            pending_or = bool(required)
            continue
        if kind == "not":
            excluded.append(Term(words))
            pending_or = False
            continue
        clauses = _expand(words, quoted=kind == "phrase")
        if pending_or and clauses:
            # "a OR b": the clause before OR and the first one after it become alternatives.
            previous = required.pop()
            clauses[0] = Clause(previous.alternatives + clauses[0].alternatives)
        required.extend(clauses)
        pending_or = False
    if len(required) > MAX_TERMS:
        required = required[:MAX_TERMS]
        notes.append("too_many_terms")
    return Query(
        required=tuple(required),
        excluded=tuple(excluded[:MAX_TERMS]),
        text=text.strip(),
        notes=tuple(notes),
    )
