"""The document model written as DOCX with python-docx: the WTO's conventions (symbols, date,
"Original", groups in capitals, title, circulation formula, separator line), numbered sections
and paragraphs, real Word footnotes, tables with captions, page "x/y" in the footer."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part as OpcPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from .document import Document, EntryBlock, Heading, Paragraph, Section, Table

FONT = "Verdana"  # the WTO's document font; Word falls back per script for other writing systems
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEADING_SIZES = {1: 12, 2: 10, 3: 9.5}


# Characters XML 1.0 cannot hold (text pasted from other programs sometimes carries them).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _valued(tag: str, value: str):
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    return element


def _run(text: str, style_id: str = ""):
    """A run of plain text built with lxml: python-docx's `Run.text` handles each character on
    its own (for tabs and breaks), too slow for a document of thousands of entries."""
    run = OxmlElement("w:r")
    if style_id:
        properties = OxmlElement("w:rPr")
        properties.append(_valued("w:rStyle", style_id))
        run.append(properties)
    element = OxmlElement("w:t")
    element.text = NOT_XML.sub("", text)
    element.set(qn("xml:space"), "preserve")
    run.append(element)
    return run


class _Writer:
    def __init__(self, document: Document) -> None:
        self.model = document
        self.docx = docx.Document()
        self.body = self.docx
        styles = self.docx.styles
        self.normal = styles["Normal"]
        self.normal.font.name = FONT
        self.normal.font.size = Pt(9)
        self.normal.paragraph_format.space_after = Pt(4)
        self.headings = {level: styles[f"Heading {level}"] for level in (1, 2, 3)}
        for level, style in self.headings.items():
            style.font.name = FONT
            style.font.size = Pt(HEADING_SIZES[level])
            style.font.color.rgb = RGBColor(0, 0, 0)
        # Styles rather than direct formatting: thousands of entries set only a style name.
        self.field_style = styles.add_style("Entry field", WD_STYLE_TYPE.PARAGRAPH)
        self.field_style.base_style = self.normal
        self.field_style.paragraph_format.space_after = Pt(1)
        self.source_style = styles.add_style("Entry source", WD_STYLE_TYPE.PARAGRAPH)
        self.source_style.base_style = self.field_style
        self.source_style.paragraph_format.left_indent = Cm(0.6)
        self.label_style = styles.add_style("Entry label", WD_STYLE_TYPE.CHARACTER)
        self.label_style.font.bold = True
        self.table_style = styles["Table Grid"]
        self.caption_style = styles["Caption"]
        # python-docx's add_paragraph() looks for the section properties at the end of the body
        # each time (quadratic over tens of thousands of paragraphs): insert before them directly.
        self.body_parent = self.docx._body
        self.end = self.docx.element.body.sectPr

    def add(self, text: str = "", style=None) -> DocxParagraph:
        element = OxmlElement("w:p")
        if style is not None:
            properties = OxmlElement("w:pPr")
            properties.append(_valued("w:pStyle", style.style_id))
            element.append(properties)
        if text:
            element.append(_run(text))
        self.end.addprevious(element)
        return DocxParagraph(element, self.body_parent)

    # -- small pieces ---------------------------------------------------------------------------

    def paragraph(self, text: str = "", *, align=None, bold=False, italic=False, size=None):
        paragraph = self.add()
        if text:
            run = paragraph.add_run(text)
            run.bold, run.italic = bold or None, italic or None
            if size:
                run.font.size = Pt(size)
        if align is not None:
            paragraph.alignment = align
        return paragraph

    def footnote_reference(self, paragraph, number: int) -> None:
        run = paragraph.add_run()
        run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{number}"/>'))
        run.font.superscript = True

    def separator_line(self) -> None:
        paragraph = self.add()
        borders = parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" '
            'w:color="000000"/></w:pBdr>'
        )
        paragraph._p.get_or_add_pPr().append(borders)

    # -- the front matter -----------------------------------------------------------------------

    def front(self) -> None:
        model = self.model
        for symbol in model.symbols:
            self.paragraph(symbol, align=WD_ALIGN_PARAGRAPH.RIGHT, bold=True)
        self.paragraph(model.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
        self.paragraph(model.original, align=WD_ALIGN_PARAGRAPH.RIGHT)
        if model.is_draft:
            mark = self.paragraph(model.draft_mark, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
            mark.runs[0].font.size = Pt(20)
            mark.runs[0].font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
        self.separator_line()
        for group in model.groups:
            self.paragraph(group, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
        title = self.add(style=self.docx.styles["Title"])
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = title.add_run(model.title)
        run.font.name, run.font.size, run.bold = FONT, Pt(14), True
        self.paragraph(model.formula, align=WD_ALIGN_PARAGRAPH.CENTER, italic=True)
        self.separator_line()
        for notice in model.notices:
            self.paragraph(notice, italic=True)
        self.paragraph(model.contents_label, bold=True)
        for section in model.sections:
            number = "" if section.is_annex else f"{section.number}. "
            self.paragraph(f"{number}{section.title}")

    def header_footer(self) -> None:
        section = self.docx.sections[0]
        section.left_margin = section.right_margin = Cm(2.2)
        header = section.header.paragraphs[0]
        header.text = self.model.symbol_line
        if self.model.is_draft:
            mark = header.add_run(f"\t{self.model.draft_mark}")
            mark.bold = True
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">- </w:t></w:r>'))
        for index, instruction in enumerate(("PAGE", "NUMPAGES")):
            if index:
                footer._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:t>/</w:t></w:r>"))
            footer._p.append(
                parse_xml(
                    f'<w:fldSimple {nsdecls("w")} w:instr="{instruction}">'
                    "<w:r><w:t>1</w:t></w:r></w:fldSimple>"
                )
            )
        footer._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> -</w:t></w:r>'))

    # -- blocks ---------------------------------------------------------------------------------

    def section(self, section: Section, progress: Callable[[], None]) -> None:
        self.add().add_run().add_break(WD_BREAK.PAGE)
        title = section.title if section.is_annex else f"{section.number}. {section.title}"
        self.add(title, style=self.headings[1])
        for block in section.blocks:
            if isinstance(block, EntryBlock):
                self.entry(block)
                progress()
            elif isinstance(block, Paragraph):
                self.text_paragraph(block)
            elif isinstance(block, Heading):
                text = f"{block.number} {block.text}" if block.number else block.text
                self.add(text, style=self.headings[block.level])
            elif isinstance(block, Table):
                self.table(block)

    def text_paragraph(self, block: Paragraph) -> None:
        paragraph = self.add()
        if block.number is not None:
            paragraph.paragraph_format.left_indent = Cm(1)
            paragraph.paragraph_format.first_line_indent = Cm(-1)
            paragraph.add_run(f"{block.number}.\t")
        run = paragraph.add_run(block.text)
        if block.style == "note":
            run.italic = True
        if block.footnote is not None:
            self.footnote_reference(paragraph, block.footnote)

    def entry(self, block: EntryBlock) -> None:
        heading = self.add(style=self.headings[3])
        heading.add_run(f"{block.number}. {block.title}")
        heading.paragraph_format.keep_with_next = True
        if block.description:
            self.add(block.description)
        for label, value in block.fields:
            self.labelled(label, value)
        self.labelled(block.sources_label, "")
        for source in block.sources:
            self.add(source, style=self.source_style)
        self.labelled(block.verification_label, block.verification)
        self.add(f"Ref.: {block.reference}")

    def labelled(self, label: str, value: str) -> None:
        paragraph = self.add(style=self.field_style)
        paragraph._p.append(_run(f"{label}: ", self.label_style.style_id))
        if value:
            paragraph._p.append(_run(value))

    def table(self, block: Table) -> None:
        if block.caption:
            self.add(block.caption, style=self.caption_style)
        columns = len(block.header) + (1 if block.bars else 0)
        table = self.docx.add_table(rows=0, cols=columns)
        table.style = self.table_style
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = list(block.header) + ([""] if block.bars else [])
        self._row(table, header, bold=True, compact=block.compact)
        for i, row in enumerate(block.rows):
            values = list(row)
            if block.bars:
                values.append("█" * max(1, round(block.bars[i] * 20)))
            self._row(table, values, compact=block.compact)
        # Repeat the header row on each page the table runs over.
        table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        self.add()

    def _row(self, table, values: list[str], *, bold: bool = False, compact: bool = False) -> None:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(value)
            run.bold = bold or None
            if compact:
                run.font.size = Pt(7)

    # -- footnotes ------------------------------------------------------------------------------

    def footnotes_part(self) -> None:
        """Word keeps footnotes in their own part, which python-docx does not write: add it."""
        notes = [
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            "</w:footnote>",
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            "<w:continuationSeparator/></w:r></w:p></w:footnote>",
        ]
        for number, text in enumerate(self.model.footnotes, start=1):
            notes.append(
                f'<w:footnote w:id="{number}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
                '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
                f'<w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve"> {escape(text)}'
                "</w:t></w:r></w:p></w:footnote>"
            )
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:footnotes xmlns:w="{W_NS}">{"".join(notes)}</w:footnotes>'
        ).encode()
        part = OpcPart(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, xml, self.docx.part.package)
        self.docx.part.relate_to(part, RT.FOOTNOTES)

    def save(self, path: Path) -> None:
        if self.model.footnotes:
            self.footnotes_part()
        properties = self.docx.core_properties
        properties.title = self.model.title
        properties.subject = self.model.symbol_line
        properties.language = self.model.language
        self.docx.save(str(path))


def write_docx(
    document: Document, path: Path, *, progress: Callable[[str, int, int], None] | None = None
) -> None:
    writer = _Writer(document)
    writer.header_footer()
    writer.front()
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress and (done % 50 == 0 or done == document.entry_count):
            progress("docx", done, document.entry_count)

    for section in document.sections:
        writer.section(section, tick)
    writer.save(path)
