"""The hostile-input corpus: the text payloads in `corpus/payloads.yaml` and small hostile files
made on the fly (no large binary is committed): a zip bomb and an XML entity bomb disguised as
workbooks, oversized and truncated files, and files whose name and content disagree."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

CORPUS = Path(__file__).parent / "corpus"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Payload:
    name: str
    text: str

    @property
    def is_markup(self) -> bool:
        return "<" in self.text


@cache
def _corpus() -> dict:
    return yaml.safe_load((CORPUS / "payloads.yaml").read_text(encoding="utf-8"))


def payloads(*, short: bool = False) -> list[Payload]:
    """Every text payload; `short` leaves out the 1 MB one (for surfaces that refuse it early)."""
    items = [
        Payload(item["name"], item["text"] * item.get("repeat", 1)) for item in _corpus()["text"]
    ]
    return [p for p in items if not short or len(p.text) < 10_000]


def payload_params(*, short: bool = False) -> list:
    return [pytest.param(p, id=p.name) for p in payloads(short=short)]


def malformed_utf8_queries() -> list[str]:
    return list(_corpus()["malformed_utf8_queries"])


# --- what must never appear in a page ------------------------------------------------------------

RAW_MARKUP = re.compile(r"<\s*(script|img|svg)\b|\son\w+\s*=|href\s*=\s*[\"']?\s*javascript:", re.I)


def assert_no_raw_markup(page: str, payload: Payload) -> None:
    """The payload's markup shows as text: its tags are escaped, so the page has no script or
    event handler that the payload brought. (The page's own markup has neither: scripts are
    external files loaded with `<script src` …, which the check tells apart by the payload.)"""
    if not payload.is_markup:
        return
    assert payload.text not in page, f"{payload.name} appears unescaped"
    for match in RAW_MARKUP.finditer(payload.text):
        fragment = payload.text[match.start() : match.end() + 12]
        assert fragment not in page, f"{payload.name}: {fragment!r} appears unescaped"


def body(answer) -> bytes:
    """The whole body of a response, streamed (downloads, feeds) or not."""
    if getattr(answer, "streaming", False):
        return b"".join(answer.streaming_content)
    return answer.content


def is_neutralised_text(value: object) -> bool:
    """A CSV field or exported cell text a spreadsheet program will not run as a formula."""
    return not (isinstance(value, str) and value.startswith(FORMULA_PREFIXES[:4]))


def formula_cells(content: bytes) -> list[str]:
    """The cells of a workbook that a spreadsheet program would compute: text typed as text
    (even "=1+1") is safe, a cell stored as a formula is not."""
    workbook = load_workbook(io.BytesIO(content))
    return [
        f"{sheet.title}!{cell.coordinate}: {cell.value}"
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


# --- hostile files -------------------------------------------------------------------------------

XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
XLSX_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org'
    '/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org'
    '/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
ENTITY_BOMB_SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
    "</worksheet>"
)
EXTERNAL_ENTITY_SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>'
    "</worksheet>"
)


def _xlsx(sheet: str | bytes, *, compress_level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compress_level) as z:
        z.writestr("[Content_Types].xml", XLSX_TYPES)
        z.writestr("_rels/.rels", XLSX_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


@cache
def zip_bomb_xlsx() -> bytes:
    """A workbook whose one sheet inflates from about 100 KB to 100 MB of XML (streamed in, so
    building it never holds the 100 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", XLSX_TYPES)
        z.writestr("_rels/.rels", XLSX_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            chunk = b" " * (1024 * 1024)
            for _ in range(100):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@dataclass(frozen=True)
class HostileFile:
    name: str  # the test id
    file_name: str
    content: bytes
    content_type: str


@cache
def hostile_files(*, max_bytes: int) -> tuple[HostileFile, ...]:
    """Files an upload must refuse without a 5xx; `max_bytes` is the surface's own limit."""
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    return (
        HostileFile("zip-bomb-as-xlsx", "bomb.xlsx", zip_bomb_xlsx(), xlsx),
        HostileFile("xml-entity-bomb", "lol.xlsx", _xlsx(ENTITY_BOMB_SHEET), xlsx),
        HostileFile("xml-external-entity", "xxe.xlsx", _xlsx(EXTERNAL_ENTITY_SHEET), xlsx),
        HostileFile("oversized", "big.xlsx", b"PK\x03\x04" + b"\0" * (max_bytes + 1), xlsx),
        HostileFile("truncated-zip", "cut.xlsx", _xlsx(ENTITY_BOMB_SHEET)[:200], xlsx),
        HostileFile("empty", "empty.xlsx", b"", xlsx),
        HostileFile("png-named-xlsx", "picture.xlsx", png, xlsx),
        HostileFile("png-named-csv", "picture.csv", png, "text/csv"),
        HostileFile(
            "html-as-xlsx", "page.xlsx", b"<html><script>alert(1)</script></html>", "text/html"
        ),
        HostileFile(
            "malformed-utf8-csv", "bad.csv", b"title,economy\n\xff\xfe\xc3\x28,KEN\n", "text/csv"
        ),
        HostileFile("nul-bytes-csv", "nul.csv", b"title\x00,economy\nA\x00B,KEN\n", "text/csv"),
        HostileFile("no-extension", "workbook", b"a,b\n1,2\n", "application/octet-stream"),
    )


def hostile_file_params(*, max_bytes: int) -> list:
    return [pytest.param(f, id=f.name) for f in hostile_files(max_bytes=max_bytes)]
