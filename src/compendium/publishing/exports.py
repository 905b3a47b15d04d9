"""The search results as files: CSV, XLSX and JSON, with the same columns and records everywhere.

Entries are read in batches of `BATCH` ids, each batch in the same few queries, so an export of
every entry costs a number of queries proportional to its size / 500 and memory for one batch.
CSV and JSON are produced as streams of text; XLSX is written by openpyxl's write-only workbook to
a temporary file. Every text cell a spreadsheet could run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from compendium.catalog import selectors
from compendium.catalog.models import Entry

from .metadata import codebook, codebook_column_names, column_types, data_page_url, dataset
from .representation import entry_record, row_of_record

BATCH = 500
# A spreadsheet runs a cell starting with one of these as a formula (or a DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL = 32_767
# The site's own notice (base.html), so every place says it in the same words.
SAMPLE_NOTICE = gettext_lazy(
    "The entries shown are an illustrative sample compiled from public sources, "
    "not an official compendium."
)


def neutralised(text: str) -> str:
    """Text a spreadsheet shows as typed and never runs: a leading quote before any trigger."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def entries_in_batches(ids: list[int]) -> Iterator[list[Entry]]:
    for start in range(0, len(ids), BATCH):
        yield selectors.entries_for_export(ids=ids[start : start + BATCH])


def has_sample(ids: list[int]) -> bool:
    if not ids or not selectors.published_sample_exists():
        return False
    return any(
        selectors.published_samples_among(ids=ids[start : start + BATCH])
        for start in range(0, len(ids), BATCH)
    )


def sample_notice() -> str:
    return str(SAMPLE_NOTICE)


def export_filename(fmt: str, *, on: datetime | None = None) -> str:
    day = timezone.localtime(on or timezone.now()).strftime("%Y%m%d")
    return f"compendium-entries-{day}.{fmt}"


def _rows(ids: list[int], language: str) -> Iterator[list[dict[str, str]]]:
    for entries in entries_in_batches(ids):
        yield [row_of_record(entry_record(e, language=language)) for e in entries]


# --- CSV -----------------------------------------------------------------------------------------


class _Line:
    """A file-like object whose write returns the line: lets csv.writer feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(ids: list[int], *, language: str) -> Iterator[str]:
    """RFC 4180 CSV (comma, double quotes, CRLF) after a byte order mark, so that spreadsheet
    programs read the file as UTF-8 and show accents right. One chunk per batch of entries."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(codebook_column_names())
    for rows in _rows(ids, language):
        yield "".join(
            writer.writerow([neutralised(value) for value in row.values()]) for row in rows
        )


# --- JSON ----------------------------------------------------------------------------------------


def json_head(*, query: dict[str, Any], ids: list[int], language: str) -> dict[str, Any]:
    about = dataset(language=language, url=data_page_url())
    with override(language):
        notice = sample_notice() if has_sample(ids) else None
    return {
        "query": query,
        "count": len(ids),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "licence": {"name": about.licence_name, "url": about.licence_url},
        "citation": about.citation,
        "notice": notice,
    }


def json_chunks(head: dict[str, Any], ids: list[int], *, language: str) -> Iterator[str]:
    """`head` with an "entries" list of records, written one batch of entries at a time."""
    opening = json.dumps(head, ensure_ascii=False)
    yield opening[:-1] + ', "entries": ['
    separator = ""
    for entries in entries_in_batches(ids):
        if entries:
            records = ", ".join(
                json.dumps(entry_record(e, language=language), ensure_ascii=False) for e in entries
            )
            yield separator + records
            separator = ", "
    yield "]}"


# --- XLSX ----------------------------------------------------------------------------------------


def _text_cell(sheet, text: str, *, bold: bool = False) -> WriteOnlyCell:
    # Characters XML cannot hold are dropped; the data type is forced to text, so even a value
    # starting with "=" (already neutralised) can never be stored as a formula.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text)[:XLSX_MAX_CELL])
    cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _number(text: str, kind: str) -> int | Decimal | None:
    try:
        return int(text) if kind == "integer" else Decimal(text)
    except (ValueError, InvalidOperation):
        return None


def _cell(sheet, value: str, kind: str) -> WriteOnlyCell | None:
    if not value:
        return None  # an empty cell is not written at all: smaller and faster
    if kind in {"integer", "number"}:
        number = _number(value, kind)
        if number is not None:
            return WriteOnlyCell(sheet, value=number)
    return _text_cell(sheet, neutralised(value))


def _entries_sheet(book: Workbook, ids: list[int], language: str) -> bool:
    sheet = book.create_sheet("Entries")
    sheet.freeze_panes = "A2"
    names, types = codebook_column_names(), column_types()
    sheet.append([_text_cell(sheet, name, bold=True) for name in names])
    any_sample = False
    for rows in _rows(ids, language):
        for row in rows:
            any_sample = any_sample or row["is_sample"] == "true"
            sheet.append([_cell(sheet, row[name], types[name]) for name in names])
    return any_sample


def _codebook_sheet(book: Workbook, language: str) -> None:
    sheet = book.create_sheet("Codebook")
    sheet.freeze_panes = "A2"
    with override(language):
        header = [_("Column"), _("Type"), _("Several values"), _("Description"), _("Codes")]
        yes, no = _("yes"), _("no")
    sheet.append([_text_cell(sheet, str(h), bold=True) for h in header])
    for column in codebook(language=language):
        codes = "; ".join(f"{code} ({label})" for code, label in column.values)
        sheet.append(
            [
                _text_cell(sheet, neutralised(text))
                for text in (
                    column.name,
                    column.type,
                    yes if column.is_list else no,
                    column.description,
                    codes,
                )
            ]
        )


def _about_sheet(
    book: Workbook, *, query: dict[str, Any], count: int, language: str, sample: bool
) -> None:
    sheet = book.create_sheet("About")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100
    about = dataset(language=language, url=data_page_url())
    with override(language):
        lines = [
            (_("Dataset"), about.title),
            (_("Publisher"), about.publisher),
            (_("Licence"), f"{about.licence_name} {about.licence_url}".strip()),
            (_("How to cite"), about.citation),
            (_("Generated"), timezone.now().isoformat(timespec="seconds")),
            (_("Search"), query["description"] or _("All published entries")),
            (_("Query string"), query["querystring"]),
            (_("Entries"), str(count)),
        ]
        if sample:
            lines.append((_("Sample data"), sample_notice()))
    wrap = Alignment(wrap_text=True, vertical="top")
    for label, text in lines:
        value = _text_cell(sheet, neutralised(str(text)))
        value.alignment = wrap
        sheet.append([_text_cell(sheet, str(label), bold=True), value])


def xlsx_file(*, query: dict[str, Any], ids: list[int], language: str) -> IO[bytes]:
    """A workbook: the entries (header row frozen), the codebook, and what the file is."""
    book = Workbook(write_only=True)
    sample = _entries_sheet(book, ids, language)
    _codebook_sheet(book, language)
    _about_sheet(book, query=query, count=len(ids), language=language, sample=sample)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response that sends it)
    book.save(output)
    output.seek(0)
    return output
