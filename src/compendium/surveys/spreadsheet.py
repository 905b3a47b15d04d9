"""The questionnaire as a workbook, pre-filled with a response's draft, to fill in offline and
upload back (`spreadsheet_read` reads it, `spreadsheet_apply` saves it). Everything a person reads
in it is in the language asked for: instructions, sheet names, questions, choices.

Sheets: instructions; the general questions (one row per question); the policies (one row per
recorded or proposed policy with a hidden signed key, then blank rows for new ones); a hidden sheet
of the drop-down lists; a very hidden sheet saying which response the workbook is for."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import selectors
from .answers import policy_answers
from .forms import ChoiceBook
from .models import Proposal, ProposalKind, Response
from .questionnaire import Question, Section, general_sections, policy_section
from .spreadsheet_layout import (
    ANSWER,
    BLANK_ROWS,
    DECISION,
    DECISIONS,
    FORMAT,
    GENERAL,
    HELP,
    INSTRUCTIONS,
    KEY,
    LISTS,
    META_SHEET,
    POLICIES,
    QUESTION,
    REASON,
    REQUIRED,
    SECTION,
    SEPARATOR,
    VALIDATED_ROWS,
    answers_fingerprint,
    cell_text,
    response_key,
    row_fingerprint,
    row_key,
    sheet_title,
    yes_no,
)

XLSX_MAX_CELL = 32_767
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADING = Font(bold=True)
HEADING_FILL = PatternFill("solid", fgColor="DDE6F0")
WRAP = Alignment(wrap_text=True, vertical="top")


def put(sheet: Worksheet, row: int, column: int, value: Any, *, bold: bool = False) -> None:
    """A cell that holds exactly the value: text is never run as a formula."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
        cell.value = text[:XLSX_MAX_CELL] or None
        if text:
            cell.data_type = "s"
            # Shown as typed, and kept as text if someone edits the cell in a spreadsheet.
            cell.quotePrefix = text.startswith(FORMULA_TRIGGERS)
    cell.alignment = WRAP
    if bold:
        cell.font = HEADING
        cell.fill = HEADING_FILL


def _choice_questions(sections: list[Section]) -> list[Question]:
    return [q for s in sections for q in s.questions if q.kind in ("choice", "multichoice")]


class Lists:
    """The hidden sheet of drop-down values: one column per list, referred to by validations."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.ranges: dict[str, str] = {}

    def add(self, name: str, labels: list[str]) -> str:
        column = len(self.ranges) + 1
        put(self.sheet, 1, column, name, bold=True)
        for row, label in enumerate(labels, start=2):
            put(self.sheet, row, column, label)
        letter = get_column_letter(column)
        last = max(2, len(labels) + 1)
        self.ranges[name] = f"{quote_sheetname(self.sheet.title)}!${letter}$2:${letter}${last}"
        return self.ranges[name]


def _validation(formula: str, question: Question | None, *, several: bool) -> DataValidation:
    """A drop-down. Where several values are allowed, a value typed next to the chosen one
    ("A; B") is accepted after a notice rather than refused."""
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.showDropDown = False  # (sic) False shows the arrow
    validation.showErrorMessage = True
    validation.errorStyle = "information" if several else "stop"
    validation.errorTitle = _("Not in the list")[:32]
    validation.error = (
        _("Choose from the list; separate several values with “%(sep)s”.") % {"sep": SEPARATOR}
        if several
        else _("Choose one of the values in the list.")
    )[:255]
    if question is not None:
        validation.showInputMessage = True
        validation.promptTitle = question.label_text[:32]
        validation.prompt = (
            _("Several values are allowed: choose one, then type “%(sep)s” and the next.")
            % {"sep": SEPARATOR}
            if several
            else question.help_text or _("Choose one of the values in the list.")
        )[:255]
    return validation


def _instructions(sheet: Worksheet, response: Response, policy_title: str) -> None:
    sheet.column_dimensions["A"].width = 110
    lines = [
        (response.round.questionnaire.title, True),
        (_("Respondent: %(name)s") % {"name": response.respondent.name}, False),
        (
            _("Survey round: %(round)s. Deadline: %(deadline)s.")
            % {
                "round": response.round.title,
                "deadline": date_format(response.round.deadline, "DATE_FORMAT"),
            },
            False,
        ),
        (
            _("Downloaded on %(date)s.")
            % {"date": date_format(timezone.localtime(), "DATETIME_FORMAT")},
            False,
        ),
        ("", False),
        (_("How to fill in this workbook"), True),
        (
            _("1. Answer the general questions in the “Answer” column of the sheet “%(sheet)s”.")
            % {"sheet": sheet_title(GENERAL)},
            False,
        ),
        (
            _(
                "2. In the sheet “%(sheet)s”, each row is a policy, initiative or programme "
                "already recorded about you, or one you added. For each recorded one choose a "
                "decision: confirm it unchanged, correct it (change the cells that are wrong) or "
                "withdraw it (and say why in “%(reason)s”)."
            )
            % {"sheet": policy_title, "reason": REASON},
            False,
        ),
        (
            _(
                "3. To add a policy, fill in an empty row at the bottom of that sheet. Leave the "
                "first (hidden) column empty. Add as many rows as you need."
            ),
            False,
        ),
        (
            _(
                "4. Cells with a drop-down list accept only its values. Where several values "
                "are allowed, separate them with “%(sep)s”."
            )
            % {"sep": SEPARATOR},
            False,
        ),
        (
            _(
                "5. Do not rename, add or remove columns or sheets, and do not use formulas: "
                "type values. Deleting a row does not delete anything; to remove a policy you "
                "added, use the online survey."
            ),
            False,
        ),
        (
            _(
                "6. Upload the workbook on the survey's “Work offline with a spreadsheet” page. "
                "It is checked cell by cell: if anything is wrong, nothing is saved and each "
                "problem is listed with its sheet, row and column. Then you see your changes "
                "next to what is recorded, and you submit the response online."
            ),
            False,
        ),
        (
            _(
                "7. If the same answer or policy is also changed online after you downloaded "
                "this workbook, the upload says so instead of overwriting it: download a fresh "
                "copy and make your change again."
            ),
            False,
        ),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        put(sheet, row, 1, text)
        if bold:
            sheet.cell(row=row, column=1).font = Font(bold=True, size=13 if row == 1 else 11)


def _general(sheet: Worksheet, response: Response, lists: Lists, book: ChoiceBook) -> None:
    headings = [KEY, SECTION, QUESTION, REQUIRED, ANSWER, HELP]
    for column, heading in enumerate(headings, start=1):
        put(sheet, 1, column, str(heading), bold=True)
    for letter, width in zip("ABCDEF", (12, 24, 60, 10, 60, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["A"].hidden = True
    sheet.freeze_panes = "E2"
    yes, _no = yes_no()
    row = 2
    for section in general_sections(response.round.questionnaire.definition):
        for question in section.questions:
            value = response.answers.get(question.slug)
            key = f"{question.slug}:{answers_fingerprint([question], {question.slug: value})}"
            put(sheet, row, 1, key)
            put(sheet, row, 2, section.title_text)
            put(sheet, row, 3, question.label_text)
            put(sheet, row, 4, yes if question.required else "")
            put(sheet, row, 5, cell_text(question, value, book))
            put(sheet, row, 6, question.help_text)
            formula = lists.ranges.get(question.slug)
            if formula:
                validation = _validation(
                    formula, question, several=question.kind in ("multichoice", "economies")
                )
                sheet.add_data_validation(validation)
                validation.add(f"E{row}")
            row += 1


def policy_rows(response: Response) -> list[Proposal]:
    """The policies a workbook carries: everything not already decided by a curator (those
    cannot change any more), recorded entries first, in the workspace's order."""
    proposals = [p for p in selectors.proposals_of(response=response) if not p.is_decided]
    return sorted(proposals, key=lambda p: (p.entry_id is None, p.position, p.pk))


def _policies(
    sheet: Worksheet, response: Response, section: Section, lists: Lists, book: ChoiceBook
) -> None:
    questions = section.questions
    headings = [str(KEY), str(DECISION), str(REASON)] + [q.label_text for q in questions]
    for column, heading in enumerate(headings, start=1):
        put(sheet, 1, column, heading, bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = 28
    for column, question in enumerate(questions, start=4):
        note = question.help_text + (f"\n({_('required')})" if question.required else "")
        if note.strip():
            sheet.cell(row=1, column=column).comment = Comment(note.strip(), "WTO")
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["D"].width = 40
    sheet.freeze_panes = "E2"
    row = 2
    for proposal in policy_rows(response):
        answers = policy_answers(section, proposal.data)
        row_print = row_fingerprint(questions, answers, proposal.kind, proposal.reason)
        put(sheet, row, 1, row_key(response.pk, proposal.pk, row_print))
        put(sheet, row, 2, ProposalKind(proposal.kind).label)
        put(sheet, row, 3, proposal.reason)
        for column, question in enumerate(questions, start=4):
            put(sheet, row, column, cell_text(question, answers.get(question.slug), book))
        row += 1
    last = max(row + BLANK_ROWS, VALIDATED_ROWS)
    _policy_validations(sheet, questions, lists, last)


def _policy_validations(
    sheet: Worksheet, questions: tuple[Question, ...], lists: Lists, last: int
) -> None:
    decision = _validation(lists.ranges["decision"], None, several=False)
    sheet.add_data_validation(decision)
    decision.add(f"B2:B{last}")
    for column, question in enumerate(questions, start=4):
        formula = lists.ranges.get(question.slug)
        if not formula:
            continue
        several = question.kind in ("multichoice", "economies")
        validation = _validation(formula, question, several=several)
        sheet.add_data_validation(validation)
        letter = get_column_letter(column)
        validation.add(f"{letter}2:{letter}{last}")


def _fill_lists(lists: Lists, response: Response, book: ChoiceBook) -> None:
    definition = response.round.questionnaire.definition
    section = policy_section(definition)
    sections = general_sections(definition) + ([section] if section else [])
    lists.add("decision", [str(ProposalKind(kind).label) for kind in DECISIONS])
    for question in _choice_questions(sections):
        lists.add(question.slug, [label for _value, label in book.choices(question)])
    economies = [q for s in sections for q in s.questions if q.kind == "economies"]
    for question in economies:
        lists.add(question.slug, [label for _value, label in book.choices(question)])
    booleans = [q for s in sections for q in s.questions if q.kind == "boolean"]
    if booleans:
        formula = lists.add("yes_no", list(yes_no()))
        for question in booleans:
            lists.ranges[question.slug] = formula


def _meta(sheet: Worksheet, response: Response, language: str, titles: dict[str, str]) -> None:
    questionnaire = response.round.questionnaire
    rows = [
        ("format", FORMAT),
        ("response", response_key(response.pk)),
        ("questionnaire", f"{questionnaire.slug}:{questionnaire.version}"),
        ("language", language),
        ("general", titles["general"]),
        ("policies", titles["policies"]),
    ]
    for row, (name, value) in enumerate(rows, start=1):
        put(sheet, row, 1, name)
        put(sheet, row, 2, value)


def spreadsheet_workbook(response: Response, *, language: str) -> bytes:
    """The workbook for this response, in `language` (en, fr or es)."""
    with translation.override(language):
        book = ChoiceBook()
        workbook = Workbook()
        definition = response.round.questionnaire.definition
        section = policy_section(definition)
        titles = {"general": sheet_title(GENERAL), "policies": sheet_title(POLICIES)}
        instructions = workbook.active
        instructions.title = sheet_title(INSTRUCTIONS)
        general = workbook.create_sheet(titles["general"])
        policies = workbook.create_sheet(titles["policies"]) if section else None
        lists = Lists(workbook.create_sheet(sheet_title(LISTS)))
        lists.sheet.sheet_state = "hidden"
        meta = workbook.create_sheet(META_SHEET)
        meta.sheet_state = "veryHidden"
        _fill_lists(lists, response, book)
        _instructions(instructions, response, titles["policies"])
        _general(general, response, lists, book)
        if policies is not None and section is not None:
            _policies(policies, response, section, lists, book)
        _meta(meta, response, language, titles)
        buffer = BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def spreadsheet_filename(response: Response, language: str) -> str:
    respondent = getattr(response.respondent, "code", "") or getattr(
        response.respondent, "slug", ""
    )
    return f"survey-{slugify(response.round.slug)}-{slugify(respondent)}-{language}.xlsx"
