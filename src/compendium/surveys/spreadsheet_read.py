"""Reading an uploaded survey workbook back, cell by cell, without trusting it.

Before openpyxl sees the file: its size, what kind of file it is (a password-protected workbook is
an encrypted OLE file, not a zip), and the zip's members (their number, their total uncompressed
size and the compression ratio, so a zip bomb is refused before anything is inflated). openpyxl
then reads it in read-only mode, parsing XML through defusedxml (no entities, no external
references). Formulas are refused (never evaluated), HTML is kept as the text it is.

The result is an `Upload`: only what differs from the response's draft, with every problem found
listed by sheet, row and column, or an `UploadRefused` carrying those problems. Nothing is saved
here (`spreadsheet_apply` does that, through the survey's services)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from compendium.workbooks import ArchiveLimits, WorkbookRefused, workbook_archive

from . import selectors
from .answers import answers_differ, policy_answers, policy_data
from .models import Proposal, ProposalKind, Response
from .questionnaire import Question, Section, clean_answers, general_sections, policy_section
from .spreadsheet_layout import (
    ANSWER,
    DECISION,
    DECISIONS,
    FORMAT,
    GENERAL,
    HELP,
    KEY,
    META_SHEET,
    NO_WORDS,
    POLICIES,
    QUESTION,
    REASON,
    REQUIRED,
    SECTION,
    YES_WORDS,
    ChoiceReader,
    KeyForged,
    answers_fingerprint,
    comparable,
    in_every_language,
    normalised,
    question_headings,
    read_response_key,
    read_row_key,
    row_fingerprint,
)
from .validation import choices_by_question

MAX_BYTES = 5 * 1024 * 1024  # a filled workbook of a few hundred policies is well under 1 MB
# XML compresses 10-20x; far more than that is a bomb.
ARCHIVE_LIMITS = ArchiveLimits(max_uncompressed=60 * 1024 * 1024, max_ratio=100, max_members=300)
MAX_ROWS = 3000
MAX_WARNINGS = 20
HTML_LIKE = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
REASON_MAX = 4000


@dataclass(frozen=True)
class CellProblem:
    """What is wrong, and where: sheet, row, column (and the question it holds)."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    label: str = ""

    @property
    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("sheet “%(sheet)s”") % {"sheet": self.sheet})
        if self.row:
            parts.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            column = _("column %(column)s") % {"column": self.column}
            parts.append(f"{column} ({self.label})" if self.label else column)
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class UploadRefused(Exception):
    def __init__(self, problems: list[CellProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:3]))


@dataclass
class PolicyChange:
    """One policy row that says something new: `proposal` None adds a policy."""

    row: int
    proposal: Proposal | None
    kind: str
    data: dict[str, Any] | None  # None: the decision only (confirm, withdraw)
    reason: str = ""
    version: int | None = None  # the proposal's version the row was checked against


@dataclass
class Upload:
    answers: dict[str, Any] = field(default_factory=dict)
    answers_version: int = 0
    policies: list[PolicyChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.answers and not self.policies


def _refuse(message: str) -> UploadRefused:
    return UploadRefused([CellProblem(message)])


# --- the file itself -----------------------------------------------------------------------------


def check_container(data: bytes) -> None:
    """Refuse what is not a reasonable .xlsx before any of it is parsed."""
    if len(data) > MAX_BYTES:
        raise _refuse(
            _(
                "The file is too large (%(size)s MB; at most %(max)s MB). Upload the workbook "
                "downloaded from this page, without pictures or extra sheets."
            )
            % {"size": round(len(data) / 1_048_576, 1), "max": MAX_BYTES // 1_048_576}
        )
    if not data:
        raise _refuse(_("The file is empty."))
    try:
        workbook_archive(data, limits=ARCHIVE_LIMITS).close()
    except WorkbookRefused as refused:
        raise _refuse(_container_refusal(refused)) from None


def _container_refusal(refused: WorkbookRefused) -> str:
    if refused.reason == "encrypted":
        return _(
            "The workbook is protected with a password, so it cannot be read. Remove the "
            "password (in Excel: File › Info › Protect Workbook › Encrypt with Password, "
            "then empty the password), save, and upload it again."
        )
    if refused.reason == "legacy":
        return _(
            "This is an old Excel file (.xls). Save it as an Excel Workbook (.xlsx) and "
            "upload it again."
        )
    if refused.reason == "bomb":
        return _(
            "The workbook would expand to far more than its size (%(size)s MB once opened), "
            "as a “zip bomb” does; it was not opened. Upload the workbook downloaded from "
            "this page."
        ) % {"size": round(refused.inflated / 1_048_576)}
    return _(
        "The file cannot be read as an Excel workbook (.xlsx): it is damaged or of another "
        "kind. Download the workbook again from this page."
    )


def open_workbook(data: bytes):
    check_container(data)
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        name = type(error).__name__
        if "Entities" in name or "DTD" in name or "External" in name:
            raise _refuse(
                _(
                    "The workbook contains XML that is not allowed (entities or external "
                    "references). Download the workbook again from this page."
                )
            ) from None
        raise _refuse(
            _(
                "The file cannot be read as an Excel workbook (.xlsx): it is damaged or of "
                "another kind. Download the workbook again from this page."
            )
        ) from None


# --- cells ---------------------------------------------------------------------------------------


class Cells:
    """A sheet's rows as lists of cells (read once), and the problems found in them."""

    def __init__(self, sheet: Any, reader: Reader) -> None:
        self.title = sheet.title
        self.reader = reader
        self.rows: list[tuple[int, list[Any]]] = []
        for number, row in enumerate(sheet.iter_rows(max_row=MAX_ROWS + 1), start=1):
            if number > MAX_ROWS:
                reader.problem(
                    _("The sheet has more than %(n)s rows; split it into several uploads.")
                    % {"n": MAX_ROWS},
                    sheet=self.title,
                )
                break
            self.rows.append((number, list(row)))

    def text(self, row: int, cells: list[Any], column: int, label: str = "") -> str:
        """The cell's value as text. A formula is a problem: it is never evaluated."""
        if column >= len(cells):
            return ""
        cell = cells[column]
        value = getattr(cell, "value", None)
        letter = get_column_letter(column + 1)
        if getattr(cell, "data_type", "") == "f" or (
            value is not None
            and not isinstance(value, str | int | float | bool)
            and type(value).__name__ in ("ArrayFormula", "DataTableFormula")
        ):
            self.reader.problem(
                _(
                    "This cell holds a formula (%(formula)s). Formulas are not run: type the "
                    "value itself."
                )
                % {"formula": str(getattr(value, "text", value))[:60]},
                sheet=self.title,
                row=row,
                column=letter,
                label=label,
            )
            return ""
        text = _as_text(value)
        if HTML_LIKE.search(text):
            self.reader.warn(
                _(
                    "%(where)s contains text that looks like HTML; it is kept as plain text, "
                    "exactly as typed."
                )
                % {"where": CellProblem("", self.title, row, letter, label).where}
            )
        return text


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


# --- the reader ----------------------------------------------------------------------------------


class Reader:
    def __init__(self, response: Response) -> None:
        self.response = response
        self.definition = response.round.questionnaire.definition
        self.problems: list[CellProblem] = []
        self.warnings: list[str] = []
        self.choices = ChoiceReader()
        self._choices: dict[tuple[str, ...], dict[str, set[str]]] = {}

    def problem(self, message: str, **where: Any) -> None:
        self.problems.append(CellProblem(message, **where))

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)

    # --- values

    def raw_answer(self, question: Question, text: str, where: dict[str, Any]) -> Any:
        """A cell's text as the form would post it: choices by value, whatever the language."""
        if question.kind == "boolean":
            word = normalised(text)
            if word in YES_WORDS or word in {normalised(_("Yes"))}:
                return True
            if word and word not in NO_WORDS and word != normalised(_("No")):
                self.problem(_("Answer “%(yes)s” or leave it empty.") % {"yes": _("Yes")}, **where)
            return False
        if question.kind in ("choice", "multichoice", "economies") and text:
            values, unknown = self.choices.read(question, text)
            if unknown:
                self.problem(
                    _("Not one of the values of the drop-down list: %(values)s.")
                    % {"values": ", ".join(f"“{u}”" for u in unknown[:5])},
                    **where,
                )
            return values
        return text

    def clean(
        self,
        questions: tuple[Question, ...],
        raw: dict[str, Any],
        where: dict[str, dict],
        current: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Answers cleaned as the web form cleans them. A value that is wrong but is what the
        draft already holds (e.g. an old recorded address without https://) is left to the
        submission's check rather than blocking the upload."""
        key = tuple(q.slug for q in questions)
        if key not in self._choices:  # read once per upload, not once per row
            self._choices[key] = choices_by_question([Section("", {}, {}, False, questions)])
        choices = self._choices[key]
        cleaned, errors = clean_answers(questions, raw, choices, complete=False)
        for slug, message in errors.items():
            if current is not None and comparable(raw.get(slug)) == comparable(current.get(slug)):
                cleaned[slug] = current.get(slug)
                continue
            self.problem(message, **where[slug])
        return cleaned

    # --- sheets

    def find_sheet(self, workbook: Any, stored: str, title: Any) -> Any:
        names = {normalised(stored)} | in_every_language(title)
        for sheet in workbook.worksheets:
            if normalised(sheet.title) in names:
                return sheet
        self.problem(
            _(
                "The sheet “%(sheet)s” is missing: was it renamed or deleted? Upload the workbook "
                "with its sheets as downloaded."
            )
            % {"sheet": stored or str(title)}
        )
        return None

    def headings(
        self, cells: Cells, known: dict[str, set[str]], labels: dict[str, str]
    ) -> dict[str, int]:
        """Which column holds what, from the first row's headings in any language. A heading
        nobody knows is a renamed column; a column nobody finds is a missing one."""
        found: dict[str, int] = {}
        first = cells.rows[0][1] if cells.rows else []
        for index, cell in enumerate(first):
            heading = _as_text(getattr(cell, "value", None))
            if not heading:
                continue
            name = next((n for n, forms in known.items() if normalised(heading) in forms), None)
            if name is None or name in found:
                self.problem(
                    _(
                        "The column “%(heading)s” is not one of this questionnaire's columns "
                        "(was it renamed or added?). Use the column names of the downloaded "
                        "workbook."
                    )
                    % {"heading": heading[:80]},
                    sheet=cells.title,
                    row=1,
                    column=get_column_letter(index + 1),
                )
                continue
            found[name] = index
        for name in known:
            if name not in found:
                self.problem(
                    _("The column “%(heading)s” is missing (was it renamed or deleted?).")
                    % {"heading": labels[name]},
                    sheet=cells.title,
                    row=1,
                )
        return found


def _meta(workbook: Any) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        return {}
    rows = workbook[META_SHEET].iter_rows(max_row=20, max_col=2, values_only=True)
    return {str(a): str(b or "") for a, b in rows if a}


def _check_meta(meta: dict[str, str], response: Response) -> None:
    if meta.get("format") != FORMAT:
        raise _refuse(
            _(
                "This is not a workbook downloaded from the survey (its hidden details are "
                "missing). Download the workbook from this page and fill that one in."
            )
        )
    try:
        response_id = read_response_key(meta.get("response", ""))
    except KeyForged:
        raise _refuse(
            _(
                "The workbook's hidden details were changed, so it cannot be trusted. Download "
                "the workbook again from this page."
            )
        ) from None
    if response_id != response.pk:
        raise _refuse(
            _(
                "This workbook was downloaded for another respondent or survey round, not for "
                "%(respondent)s. Download yours from this page."
            )
            % {"respondent": response.respondent.name}
        )
    questionnaire = response.round.questionnaire
    if meta.get("questionnaire") != f"{questionnaire.slug}:{questionnaire.version}":
        raise _refuse(
            _(
                "This workbook was made for another version of the questionnaire. Download the "
                "workbook again from this page."
            )
        )


def read_upload(data: bytes, *, response: Response) -> Upload:
    """The changes an uploaded workbook makes to this response, or `UploadRefused`."""
    response = Response.objects.select_related("round__questionnaire").get(pk=response.pk)
    workbook = open_workbook(data)
    try:
        _check_meta(_meta(workbook), response)
        reader = Reader(response)
        meta = _meta(workbook)
        upload = Upload(answers_version=response.version)
        general = reader.find_sheet(workbook, meta.get("general", ""), GENERAL)
        if general is not None:
            upload.answers = _read_general(reader, Cells(general, reader))
        section = policy_section(reader.definition)
        if section is not None:
            policies = reader.find_sheet(workbook, meta.get("policies", ""), POLICIES)
            if policies is not None:
                upload.policies = _read_policies(reader, Cells(policies, reader), section)
    finally:
        workbook.close()
    if reader.problems:
        raise UploadRefused(reader.problems)
    upload.warnings = reader.warnings
    return upload


# --- the general questions -----------------------------------------------------------------------


GENERAL_COLUMNS = {
    "key": KEY,
    "section": SECTION,
    "question": QUESTION,
    "required": REQUIRED,
    "answer": ANSWER,
    "help": HELP,
}


def _read_general(reader: Reader, cells: Cells) -> dict[str, Any]:
    questions = {q.slug: q for s in general_sections(reader.definition) for q in s.questions}
    known = {name: in_every_language(text) for name, text in GENERAL_COLUMNS.items()}
    columns = reader.headings(cells, known, {k: str(v) for k, v in GENERAL_COLUMNS.items()})
    if "key" not in columns or "answer" not in columns:
        return {}
    current = reader.response.answers
    changed: dict[str, Any] = {}
    seen: set[str] = set()
    for row, row_cells in cells.rows[1:]:
        key = cells.text(row, row_cells, columns["key"])
        where_answer = {
            "sheet": cells.title,
            "row": row,
            "column": get_column_letter(columns["answer"] + 1),
        }
        slug, _sep, downloaded = key.partition(":")
        question = questions.get(slug)
        if question is None or slug in seen:
            if key or cells.text(row, row_cells, columns["answer"]):
                reader.problem(
                    _(
                        "This row's hidden key was changed or the row was copied, so its question "
                        "is not known. Upload the rows as downloaded."
                    ),
                    **where_answer,
                )
            continue
        seen.add(slug)
        where = {slug: {**where_answer, "label": question.label_text}}
        text = cells.text(row, row_cells, columns["answer"], question.label_text)
        raw = reader.raw_answer(question, text, where[slug])
        value = reader.clean((question,), {slug: raw}, where, current).get(slug)
        _general_change(reader, question, value, downloaded, current, changed, where[slug])
    return changed


def _general_change(
    reader: Reader,
    question: Question,
    value: Any,
    downloaded: str,
    current: dict[str, Any],
    changed: dict[str, Any],
    where: dict[str, Any],
) -> None:
    """Keep the answer if it changes the draft; an answer changed both in the file and online
    since the download is a conflict."""
    slug = question.slug
    if answers_fingerprint([question], {slug: value}) == downloaded:
        return  # untouched in the file
    if comparable(value) == comparable(current.get(slug)):
        return  # already so
    if answers_fingerprint([question], current) != downloaded:
        reader.problem(
            _(
                "This answer was also changed online after the workbook was downloaded. Download "
                "a fresh workbook and make your change again, or change it online."
            ),
            **where,
        )
        return
    changed[slug] = value


# --- the policies --------------------------------------------------------------------------------


def _policy_columns(section: Section) -> tuple[dict[str, set[str]], dict[str, str]]:
    known = {
        "key": in_every_language(KEY),
        "decision": in_every_language(DECISION),
        "reason": in_every_language(REASON),
    }
    labels = {"key": str(KEY), "decision": str(DECISION), "reason": str(REASON)}
    for question in section.questions:
        known[question.slug] = question_headings(question)
        labels[question.slug] = question.label_text
    return known, labels


def _decisions() -> dict[str, str]:
    found = {}
    for kind in DECISIONS:
        for form in in_every_language(ProposalKind(kind).label) | {normalised(kind)}:
            found[form] = kind
    return found


@dataclass
class Row:
    number: int
    title: str
    where: dict[str, dict[str, Any]]
    answers: dict[str, Any]
    decision: str  # a ProposalKind, or "" when left empty
    reason: str
    filled: bool


def _where(
    cells: Cells, row: int, section: Section, columns: dict[str, int]
) -> dict[str, dict[str, Any]]:
    return {
        name: {
            "sheet": cells.title,
            "row": row,
            "column": get_column_letter(index + 1),
            "label": _label_of(section, name),
        }
        for name, index in columns.items()
    }


def _read_row(
    reader: Reader,
    cells: Cells,
    row: int,
    row_cells: list[Any],
    section: Section,
    columns: dict[str, int],
    current: dict[str, Any] | None,
) -> Row:
    where = _where(cells, row, section, columns)
    raw: dict[str, Any] = {}
    filled = False
    for question in section.questions:
        text = cells.text(row, row_cells, columns[question.slug], question.label_text)
        filled = filled or bool(text)
        raw[question.slug] = reader.raw_answer(question, text, where[question.slug])
    answers = reader.clean(section.questions, raw, where, current)
    decision_text = cells.text(row, row_cells, columns["decision"], str(DECISION))
    decision = _decisions().get(normalised(decision_text), "") if decision_text else ""
    if decision_text and not decision:
        reader.problem(_("Choose a decision from the drop-down list."), **where["decision"])
    reason = cells.text(row, row_cells, columns["reason"], str(REASON))[:REASON_MAX]
    return Row(
        number=row,
        title=str(answers.get("title") or ""),
        where=where,
        answers=answers,
        decision=decision,
        reason=reason,
        filled=filled or bool(decision_text) or bool(reason),
    )


def _label_of(section: Section, name: str) -> str:
    question = next((q for q in section.questions if q.slug == name), None)
    if question is not None:
        return question.label_text
    return str({"key": KEY, "decision": DECISION, "reason": REASON}[name])


def _read_policies(reader: Reader, cells: Cells, section: Section) -> list[PolicyChange]:
    known, labels = _policy_columns(section)
    columns = reader.headings(cells, known, labels)
    if set(columns) != set(known):
        return []
    proposals = {p.pk: p for p in selectors.proposals_of(response=reader.response)}
    changes: list[PolicyChange] = []
    seen: dict[int, int] = {}
    for number, row_cells in cells.rows[1:]:
        key = cells.text(number, row_cells, columns["key"])
        proposal = None
        if key:
            where = _where(cells, number, section, columns)["key"]
            proposal = _keyed_proposal(reader, key, number, where, proposals, seen)
        current = policy_answers(section, proposal.data) if proposal is not None else None
        row = _read_row(reader, cells, number, row_cells, section, columns, current)
        if proposal is not None:
            changes += _keyed_row(reader, row, proposal, section)
        elif not key and row.filled:
            changes += _new_row(reader, row, section)
    return changes


def _keyed_proposal(
    reader: Reader,
    key: str,
    number: int,
    where: dict[str, Any],
    proposals: dict[int, Proposal],
    seen: dict[int, int],
) -> Proposal | None:
    try:
        parsed = read_row_key(key)
    except KeyForged:
        reader.problem(
            _(
                "This row's hidden key was changed. Copy rows only within the downloaded "
                "workbook; for a new policy use an empty row."
            ),
            **where,
        )
        return None
    if parsed.response_id != reader.response.pk:
        reader.problem(
            _(
                "This row comes from the workbook of another respondent or survey round; it "
                "cannot be uploaded here. For a new policy use an empty row."
            ),
            **where,
        )
        return None
    proposal = proposals.get(parsed.proposal_id)
    if proposal is None:
        reader.problem(
            _(
                "This policy is no longer in your response (it was deleted online). Clear the "
                "row, or empty its first column to add it as a new policy."
            ),
            **where,
        )
        return None
    if parsed.proposal_id in seen:
        reader.problem(
            _("This row repeats row %(row)s (the same policy twice). Keep one of them.")
            % {"row": seen[parsed.proposal_id]},
            **where,
        )
        return None
    seen[parsed.proposal_id] = number
    if proposal.is_decided:
        reader.problem(
            _("The Secretariat already decided on this policy; it cannot be changed any more."),
            **where,
        )
        return None
    proposal.spreadsheet_fingerprint = parsed.fingerprint  # type: ignore[attr-defined]
    return proposal


def _keyed_row(
    reader: Reader, row: Row, proposal: Proposal, section: Section
) -> list[PolicyChange]:
    """The row's change to a policy of the response, unless the row is as downloaded or says
    what the draft already says. Changed both in the file and online since: a conflict."""
    questions = section.questions
    downloaded = proposal.spreadsheet_fingerprint  # type: ignore[attr-defined]
    if row_fingerprint(questions, row.answers, row.decision, row.reason) == downloaded:
        return []
    change = _decide(reader, row, proposal, section)
    if change is None:
        return []
    same_as_now = (
        change.kind == proposal.kind
        and (change.data is None or not answers_differ(section, change.data, proposal.data))
        and change.reason.strip() == proposal.reason.strip()
    )
    if same_as_now:
        return []
    current_answers = policy_answers(section, proposal.data)
    if row_fingerprint(questions, current_answers, proposal.kind, proposal.reason) != downloaded:
        reader.problem(
            _(
                "This policy was also changed online after the workbook was downloaded. Download "
                "a fresh workbook and make your change again, or change it online."
            ),
            **row.where["key"],
        )
        return []
    return [change]


def _decide(reader: Reader, row: Row, proposal: Proposal, section: Section) -> PolicyChange | None:
    """What the row asks for a policy already in the response, as the web pages would save it."""
    decision = row.decision
    if proposal.entry_id is None:
        if decision not in ("", ProposalKind.NEW):
            reader.problem(
                _(
                    "Only a recorded entry can be confirmed, corrected or withdrawn. To remove a "
                    "policy you added, delete it in the online survey."
                ),
                **row.where["decision"],
            )
            return None
        data = policy_data(section, row.answers, proposal.data)
        return PolicyChange(row.number, proposal, ProposalKind.NEW, data, "", proposal.version)
    recorded = selectors.recorded_values(proposal=proposal)
    edited = policy_data(section, row.answers, proposal.data)
    differs = answers_differ(section, edited, recorded)
    if decision == ProposalKind.NEW:
        reader.problem(_("A recorded entry cannot be a new one."), **row.where["decision"])
        return None
    if decision == ProposalKind.WITHDRAW:
        if not row.reason.strip():
            reader.problem(_("Say why it should be withdrawn."), **row.where["reason"])
            return None
        return PolicyChange(row.number, proposal, decision, None, row.reason, proposal.version)
    if decision == ProposalKind.CONFIRM:
        if differs:
            labels = [q.label_text for q in section.questions if q.slug in differs]
            reader.problem(
                _(
                    "You chose “%(confirm)s” but changed: %(fields)s. Choose “%(correct)s”, or "
                    "put the recorded values back."
                )
                % {
                    "confirm": ProposalKind.CONFIRM.label,
                    "fields": ", ".join(labels[:5]),
                    "correct": ProposalKind.UPDATE.label,
                },
                **row.where["decision"],
            )
            return None
        return PolicyChange(row.number, proposal, decision, None, "", proposal.version)
    # To review, a correction, or nothing said: a correction exactly when the values differ.
    kind = ProposalKind.UPDATE if differs else ProposalKind.REVIEW
    return PolicyChange(row.number, proposal, kind, edited, "", proposal.version)


def _new_row(reader: Reader, row: Row, section: Section) -> list[PolicyChange]:
    if row.decision not in ("", ProposalKind.NEW):
        reader.problem(
            _(
                "A new policy (a row without a key) can only be “%(new)s”: recorded entries have "
                "their own rows."
            )
            % {"new": ProposalKind.NEW.label},
            **row.where["decision"],
        )
        return []
    if not row.title:
        reader.problem(_("Give the new policy a name."), **row.where.get("title", {}))
        return []
    answers = dict(row.answers)
    economy = reader.response.economy
    if economy is not None and not answers.get("economies"):
        answers["economies"] = [economy.code]  # as the web form proposes
    return [PolicyChange(row.number, None, ProposalKind.NEW, policy_data(section, answers, {}))]
