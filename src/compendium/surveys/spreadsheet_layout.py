"""What the survey spreadsheet looks like, shared by the writer (`spreadsheet`) and the reader
(`spreadsheet_read`): sheet and column names in every language, the hidden keys that tie rows back
to the response's proposals, and how answers become cell text and back.

A policy row's hidden key is signed and names the response, the proposal and a fingerprint of
what the row said when it was downloaded. On upload that gives three answers without trusting the
file: a row copied from another respondent's workbook is recognised (and refused), an untouched row
is left alone, and a row changed in the file *and* online since the download is a conflict, not a
silent overwrite (no lost update)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import ChoiceBook
from .models import ProposalKind
from .questionnaire import LANGS, Question

FORMAT = "compendium-survey-spreadsheet/1"
SIGNING_SALT = "compendium.surveys.spreadsheet"
META_SHEET = "compendium"  # very hidden: what the workbook is for (never shown, never localised)
SEPARATOR = ";"  # between the values of a multiple choice: labels may contain commas
BLANK_ROWS = 25  # empty policy rows offered for new policies
VALIDATED_ROWS = 500  # how far down the drop-down lists reach
CHOICE_KINDS = ("choice", "multichoice", "economies", "boolean")

# Sheet titles and fixed column headings, recognised in any of the three languages on upload.
INSTRUCTIONS = gettext_lazy("Instructions")
GENERAL = gettext_lazy("General questions")
POLICIES = gettext_lazy("Policies")
LISTS = gettext_lazy("Lists")
KEY = gettext_lazy("Key (do not change)")
SECTION = gettext_lazy("Section")
QUESTION = gettext_lazy("Question")
REQUIRED = gettext_lazy("Required")
ANSWER = gettext_lazy("Answer")
HELP = gettext_lazy("Help")
DECISION = gettext_lazy("Decision")
REASON = gettext_lazy("Reason for withdrawal")

# The decisions a policy row can carry, in the drop-down's order.
DECISIONS = (
    ProposalKind.REVIEW,
    ProposalKind.CONFIRM,
    ProposalKind.UPDATE,
    ProposalKind.WITHDRAW,
    ProposalKind.NEW,
)


def normalised(text: Any) -> str:
    """For matching headings and labels: accents, case, spacing and a required-mark ignored."""
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", plain).strip(" *").casefold()


def sheet_title(text: Any) -> str:
    """A valid sheet title: at most 31 characters and none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(text)).strip()[:31] or "Sheet"


def in_every_language(text: Any) -> set[str]:
    """The normalised forms of a lazily translated text in EN, FR and ES."""
    forms = set()
    for language in LANGS:
        with translation.override(language):
            forms.add(normalised(str(text)))
    return forms


def question_headings(question: Question) -> set[str]:
    return {normalised(question.slug)} | {normalised(question.label.get(lang)) for lang in LANGS}


# --- values ----------------------------------------------------------------------------------


def comparable(value: Any) -> Any:
    """One form per answer, so a value read back from a cell equals the one written to it."""
    if isinstance(value, list | tuple):
        return sorted({str(v) for v in value if v not in ("", None)}) or None
    if value in ("", None, False):
        return None
    return str(value).strip() or None


def fingerprint(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def answers_fingerprint(questions: Iterable[Question], answers: dict[str, Any]) -> str:
    return fingerprint({q.slug: comparable(answers.get(q.slug)) for q in questions})


def row_fingerprint(
    questions: Iterable[Question], answers: dict[str, Any], kind: str, reason: str
) -> str:
    return fingerprint(answers_fingerprint(questions, answers), kind, reason.strip())


def yes_no() -> tuple[str, str]:
    return _("Yes"), _("No")


YES_WORDS = {"yes", "oui", "si", "true", "1", "x", "y"}
NO_WORDS = {"no", "non", "false", "0", "n"}


def cell_text(question: Question, value: Any, book: ChoiceBook) -> Any:
    """An answer as a cell shows it: labels (not slugs) in the active language, several joined
    with "; ", years and numbers as numbers."""
    if question.kind == "boolean":
        return yes_no()[0] if value else ""
    if question.kind in ("year", "integer"):
        return value if isinstance(value, int) else ("" if value in (None, "") else str(value))
    if question.kind in ("choice", "multichoice", "economies"):
        labels = dict(book.choices(question))
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        return f"{SEPARATOR} ".join(labels.get(str(v), str(v)) for v in values)
    return "" if value is None else str(value)


class ChoiceReader:
    """Reads a choice cell back: a value's slug or code, or its label in any language."""

    def __init__(self) -> None:
        self._lookup: dict[str, dict[str, str]] = {}

    def lookup(self, question: Question) -> dict[str, str]:
        if question.taxonomy:
            key = f"taxonomy:{question.taxonomy}"
        else:
            key = "economies" if question.kind == "economies" else f"question:{question.slug}"
        if key not in self._lookup:
            found: dict[str, str] = {}
            for language in LANGS:
                with translation.override(language):
                    for value, label in ChoiceBook().choices(question):
                        found.setdefault(normalised(label), value)
            for value in list(found.values()):
                found[normalised(value)] = value
            self._lookup[key] = found
        return self._lookup[key]

    def read(self, question: Question, text: str) -> tuple[Any, list[str]]:
        """(values, the parts not recognised)."""
        lookup = self.lookup(question)
        parts = [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
        values, unknown = [], []
        for part in parts:
            value = lookup.get(normalised(part))
            (values if value is not None else unknown).append(value if value else part)
        if question.kind == "choice":
            return (values[0] if values else ""), unknown + [str(v) for v in values[1:]]
        return values, unknown


# --- keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowKey:
    response_id: int
    proposal_id: int
    fingerprint: str


def _signer() -> signing.Signer:
    return signing.Signer(salt=SIGNING_SALT)


def row_key(response_id: int, proposal_id: int, row_print: str) -> str:
    return _signer().sign(f"r{response_id}.p{proposal_id}.{row_print}")


def response_key(response_id: int) -> str:
    return _signer().sign(f"r{response_id}")


class KeyForged(Exception):
    pass


def read_row_key(text: str) -> RowKey:
    try:
        value = _signer().unsign(text.strip())
        response_part, proposal_part, row_print = value.split(".")
        return RowKey(int(response_part[1:]), int(proposal_part[1:]), row_print)
    except (signing.BadSignature, ValueError):
        raise KeyForged from None


def read_response_key(text: str) -> int:
    try:
        return int(_signer().unsign(str(text or "").strip())[1:])
    except (signing.BadSignature, ValueError):
        raise KeyForged from None
