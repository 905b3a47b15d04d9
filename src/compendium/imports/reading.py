"""Reading a partner's file into rows of text, safely, saying what was found and what is wrong.

CSV: the encoding (byte-order mark, UTF-8, else Windows-1252/Latin-1) and the delimiter are
detected and reported, unless the mapping names them. XLSX: checked as a zip archive before
openpyxl opens it (size of every member, compression ratio: a zip bomb is refused unread), then
read in read-only mode, with defusedxml guarding the XML. Formulas are never evaluated: their
text is kept and flagged. Merged cells are reported and their value given to every row they
span. Values come back as text; the mapping decides what they mean."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from compendium.workbooks import OLE_MAGIC, ArchiveLimits, WorkbookRefused, workbook_archive

from .problems import INFO, WARNING, FileRefused, Problem
from .text import fold

# An XLSX is a zip of XML; real workbooks compress 5-20×. Far more means a bomb.
ARCHIVE_LIMITS = ArchiveLimits(
    max_uncompressed=250 * 1024 * 1024, max_ratio=200, max_members=10_000
)
HEADER_SEARCH_ROWS = 20
DELIMITERS = ",;\t|"
ENCODING_NAMES = {
    "utf-8-sig": "UTF-8 (with byte-order mark)",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252 (Latin-1)",
    "latin-1": "Latin-1 (ISO-8859-1)",
}


@dataclass
class RawRow:
    number: int  # as the spreadsheet numbers it (the header is usually 1)
    values: dict[str, str]
    flags: list[Problem] = field(default_factory=list)


@dataclass
class Table:
    headers: list[str]
    header_row: int
    rows: list[RawRow]
    notes: list[Problem]
    details: dict[str, Any]  # format, encoding, delimiter, sheet, sheets


def max_file_bytes() -> int:
    return settings.IMPORTS_MAX_FILE_BYTES


def read_table(
    content: bytes,
    *,
    file_name: str,
    expected_columns: set[str],
    sheet: str = "",
    encoding: str = "",
    delimiter: str = "",
) -> Table:
    """The file's header and rows. Raises `FileRefused` when it cannot be read at all."""
    if not content.strip():
        raise FileRefused([Problem(_("The file is empty."))])
    limit = max_file_bytes()
    if len(content) > limit:
        raise FileRefused(
            [
                Problem(
                    _(
                        "The file is %(size)s MB; files up to %(limit)s MB can be imported. "
                        "Split it."
                    )
                    % {"size": round(len(content) / 2**20, 1), "limit": limit // 2**20}
                )
            ]
        )
    if content.startswith(OLE_MAGIC):  # an encrypted .xlsx, or an old .xls
        raise FileRefused(
            [
                Problem(
                    _(
                        "This workbook is password-protected (or an old .xls file). Remove the "
                        "password, save it as .xlsx and import it again."
                    )
                )
            ]
        )
    if content.startswith(b"PK"):
        lines, details, notes = _xlsx_lines(content, sheet)
    elif file_name.lower().endswith((".xlsx", ".xlsm")):
        raise FileRefused(
            [Problem(_("This file is not a valid XLSX workbook (it may be damaged)."))]
        )
    else:
        lines, details, notes = _csv_lines(content, encoding, delimiter)
    return _table(lines, expected_columns, details, notes)


# --- CSV -----------------------------------------------------------------------------------------


def _decode(content: bytes, encoding: str) -> tuple[str, str]:
    if encoding:
        try:
            return content.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as error:
            raise FileRefused([_wrong_encoding(content, encoding, error)]) from None
    if content.startswith(b"\xef\xbb\xbf"):
        return content.decode("utf-8-sig"), "utf-8-sig"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), "utf-16"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "latin-1"


def _wrong_encoding(content: bytes, encoding: str, error: Exception) -> Problem:
    if isinstance(error, LookupError):
        return Problem(_("The mapping names an unknown encoding: %(enc)s.") % {"enc": encoding})
    start = getattr(error, "start", 0)
    line = content[:start].count(b"\n") + 1
    return Problem(
        _(
            "The file is not in %(enc)s as the mapping says: byte %(byte)s on line %(line)s "
            "cannot be read. Save it as %(enc)s, or remove the encoding from the mapping so it "
            "is detected."
        )
        % {"enc": encoding, "byte": hex(content[start]), "line": line}
    )


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        # The most frequent candidate on the first line is the best remaining guess.
        first = sample.split("\n", 1)[0]
        return max(DELIMITERS, key=first.count)


def _csv_lines(content: bytes, encoding: str, delimiter: str):
    text, used = _decode(content, encoding)
    delimiter = delimiter or _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = [(number, [cell.strip() for cell in row], {}) for number, row in enumerate(reader, 1)]
    shown = {"\t": "tab", ",": ",", ";": ";", "|": "|"}.get(delimiter, delimiter)
    details = {"format": "csv", "encoding": used, "delimiter": shown}
    notes = [
        Problem(
            _("Read as CSV: encoding %(enc)s, columns separated by “%(sep)s”.")
            % {"enc": ENCODING_NAMES.get(used, used), "sep": shown},
            level=INFO,
        )
    ]
    if "\ufffd" in text:
        notes.append(
            Problem(
                _("Some characters could not be read (shown as �): the file's encoding is mixed."),
                level=WARNING,
            )
        )
    return lines, details, notes


# --- XLSX ----------------------------------------------------------------------------------------


def _check_archive(content: bytes) -> zipfile.ZipFile:
    try:
        return workbook_archive(content, limits=ARCHIVE_LIMITS)
    except WorkbookRefused as refused:
        if refused.reason != "bomb":
            raise FileRefused(
                [Problem(_("This file is not a valid XLSX workbook (it may be damaged)."))]
            ) from None
        raise FileRefused(
            [
                Problem(
                    _(
                        "This workbook unpacks to far more data than a real spreadsheet "
                        "(%(member)s: %(size)s MB): it looks like a zip bomb and was not "
                        "opened."
                    )
                    % {"member": refused.member, "size": round(refused.inflated / 2**20)}
                )
            ]
        ) from None


MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)\"")
CHUNK = 1 << 20


def _merged_ranges(archive: zipfile.ZipFile, sheet_path: str) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range: read-only mode hides them.
    A plain scan of the sheet's XML for its `mergeCell` elements: a second XML parse of a big
    sheet would cost as much as reading it."""
    ranges, tail = [], b""
    try:
        with archive.open(sheet_path.lstrip("/")) as stream:
            while chunk := stream.read(CHUNK):
                text = tail + chunk
                ranges += [range_boundaries(m.decode()) for m in MERGE_CELL.findall(text)]
                # Keep the end of the chunk: an element may be cut in two.
                cut = text.rfind(b"<")
                tail = text[cut:] if cut >= 0 and b">" not in text[cut:] else b""
    except KeyError:
        return []
    return ranges


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_lines(content: bytes, sheet: str):
    archive = _check_archive(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileRefused(
            [
                Problem(
                    _("This workbook cannot be read (%(why)s). Open it, save it again as .xlsx.")
                    % {"why": type(error).__name__}
                )
            ]
        ) from None
    try:
        names = workbook.sheetnames
        if sheet and sheet not in names:
            raise FileRefused(
                [
                    Problem(
                        _("The workbook has no sheet “%(sheet)s”; its sheets are: %(names)s.")
                        % {"sheet": sheet, "names": ", ".join(names)}
                    )
                ]
            )
        worksheet = workbook[sheet] if sheet else workbook[names[0]]
        lines = [
            (number, [_cell_text(v) for v in values], {})
            for number, values in enumerate(worksheet.iter_rows(values_only=True), 1)
        ]
        merged = _merged_ranges(archive, worksheet._worksheet_path)
    finally:
        workbook.close()
    notes = [
        Problem(
            _("Read sheet “%(sheet)s” of %(count)s.")
            % {"sheet": worksheet.title, "count": len(names)},
            level=INFO,
        )
    ]
    _spread_merged(lines, merged, notes)
    details = {"format": "xlsx", "sheet": worksheet.title, "sheets": names}
    return lines, details, notes


def _spread_merged(lines, merged, notes: list[Problem]) -> None:
    """A merged range shows its value in its first cell only; give it to every cell it spans
    (a region or a programme merged over several rows belongs to each of them) and say so."""
    by_number = {number: cells for number, cells, _flags in lines}
    for min_col, min_row, max_col, max_row in merged:
        first = by_number.get(min_row)
        if first is None or len(first) < min_col:
            continue
        value = first[min_col - 1]
        for number in range(min_row, max_row + 1):
            cells = by_number.get(number)
            if cells is not None:
                cells.extend([""] * (max_col - len(cells)))
                cells[min_col - 1 : max_col] = [value] * (max_col - min_col + 1)
        letter = openpyxl.utils.get_column_letter
        ref = f"{letter(min_col)}{min_row}:{letter(max_col)}{max_row}"
        notes.append(
            Problem(
                _("Merged cells %(ref)s: their value “%(value)s” was given to each row they span.")
                % {"ref": ref, "value": value[:80]},
                level=WARNING,
                row=min_row,
            )
        )


# --- the header and the rows ---------------------------------------------------------------------


def _header_index(lines, expected: set[str]) -> int:
    wanted = {fold(name) for name in expected}
    best, best_hits = -1, 0
    for index, (_number, cells, _flags) in enumerate(lines[:HEADER_SEARCH_ROWS]):
        hits = sum(1 for cell in cells if cell and fold(cell) in wanted)
        if hits > best_hits:
            best, best_hits = index, hits
    return best


def _headers(cells: list[str], notes: list[Problem], row: int) -> list[str]:
    headers, seen = [], {}
    for position, cell in enumerate(cells, 1):
        name = cell or f"(column {openpyxl.utils.get_column_letter(position)})"
        if name in seen:
            seen[name] += 1
            notes.append(
                Problem(
                    _("Column “%(name)s” appears twice; only the first one is imported.")
                    % {"name": name},
                    level=WARNING,
                    row=row,
                    column=name,
                )
            )
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        headers.append(name)
    return headers


def _table(lines, expected: set[str], details: dict[str, Any], notes: list[Problem]) -> Table:
    lines = [line for line in lines if any(line[1])]
    if not lines:
        raise FileRefused([Problem(_("The file has no data: every row is empty."))])
    index = _header_index(lines, expected)
    if index < 0:
        raise FileRefused(
            [
                Problem(
                    _(
                        "No header row found: none of the first %(n)s rows names a column the "
                        "mapping knows (%(names)s). Is this the right file, sheet and mapping?"
                    )
                    % {"n": HEADER_SEARCH_ROWS, "names": ", ".join(sorted(expected))}
                )
            ]
        )
    header_number, header_cells, _flags = lines[index]
    headers = _headers(header_cells, notes, header_number)
    folded_header = [fold(c) for c in header_cells]
    rows = []
    for number, cells, _flags in lines[index + 1 :]:
        if (
            cells
            and fold(cells[0]) == folded_header[0]
            and [fold(c) for c in cells[: len(folded_header)]] == folded_header
        ):
            notes.append(
                Problem(
                    _("The header row is repeated here; the row was skipped."),
                    level=WARNING,
                    row=number,
                )
            )
            continue
        row = RawRow(number=number, values=dict(zip(headers, cells, strict=False)))
        if len(cells) > len(headers) and any(cells[len(headers) :]):
            row.flags.append(
                Problem(
                    _(
                        "This row has more cells than the header has columns; the extra ones "
                        "are ignored."
                    ),
                    level=WARNING,
                    row=number,
                )
            )
        rows.append(row)
    if not rows:
        raise FileRefused([Problem(_("The file has a header row but no data rows."))])
    details["header_row"] = header_number
    return Table(headers=headers, header_row=header_number, rows=rows, notes=notes, details=details)
