"""The receipt of a submitted response as a workbook: what was submitted, in the reader's language.
Every text cell a spreadsheet could run as a formula is neutralised."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from . import selectors
from .answers import policy_answers
from .forms import ChoiceBook
from .models import ProposalKind, Response
from .questionnaire import policy_section, sections_of
from .summary import policy_title

# A spreadsheet runs a cell starting with one of these as a formula (or a DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL = 32_767


def neutralised(value: Any) -> str:
    """Text shown as typed and never run: a leading quote before any formula trigger."""
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))[:XLSX_MAX_CELL]
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _append(sheet: Worksheet, values: list[Any], *, bold: bool = False) -> None:
    sheet.append([neutralised(v) for v in values])
    for cell in sheet[sheet.max_row]:
        cell.data_type = "s"  # never a formula, whatever the text
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True)


def _response_sheet(sheet: Worksheet, response: Response, book: ChoiceBook) -> None:
    sheet.title = _("Response")[:31]
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 60
    submitted_at = timezone.localtime(response.submitted_at) if response.submitted_at else None
    for label, value in [
        (_("Survey"), response.round.title),
        (_("Respondent"), response.respondent.name),
        (_("Reference"), response.reference),
        (_("Submitted on"), date_format(submitted_at, "DATETIME_FORMAT") if submitted_at else ""),
        (_("Submitted by"), response.submitted_by),
    ]:
        _append(sheet, [label, value])
    _append(sheet, [])
    _append(sheet, [_("Section"), _("Question"), _("Answer")], bold=True)
    for section in sections_of(response.round.questionnaire.definition):
        if section.repeatable:
            continue
        for question in section.questions:
            answer = book.display(question, response.answers.get(question.slug))
            _append(sheet, [section.title_text, question.label_text, answer])


def _policies_sheet(sheet: Worksheet, response: Response, book: ChoiceBook) -> None:
    section = policy_section(response.round.questionnaire.definition)
    questions = section.questions if section else ()
    _append(
        sheet,
        [_("Decision"), _("Recorded entry"), _("Policy"), _("Reason")]
        + [q.label_text for q in questions],
        bold=True,
    )
    sheet.freeze_panes = "A2"
    for proposal in selectors.proposals_of(response=response):
        if proposal.kind == ProposalKind.REVIEW:
            continue  # not reviewed: nothing was sent about it
        answers = policy_answers(section, proposal.data) if section else {}
        sent = proposal.kind in (ProposalKind.NEW, ProposalKind.UPDATE)
        _append(
            sheet,
            [
                proposal.get_kind_display(),
                proposal.entry.slug if proposal.entry else "",
                policy_title(proposal),
                proposal.reason,
            ]
            + [book.display(q, answers.get(q.slug)) if sent else "" for q in questions],
        )


def receipt_workbook(response: Response, book: ChoiceBook) -> bytes:
    workbook = Workbook()
    _response_sheet(workbook.active, response, book)
    _policies_sheet(workbook.create_sheet(_("Policies")[:31]), response, book)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def receipt_filename(response: Response) -> str:
    return f"receipt-{slugify(response.reference) or response.pk}.xlsx"
