"""The document model written as PDF with WeasyPrint (HTML and CSS for print): the same content
as the DOCX, page "x/y" at the foot, the symbols, date and "Original" at the head, footnotes at
the foot of their page, and the shipped fonts embedded so Arabic, Chinese and Cyrillic render."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.utils.html import escape
from django.utils.translation import gettext as _

from .document import Document, EntryBlock, Heading, Paragraph, Section, Table
from .errors import DocumentUnavailable

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FACES = (
    ("Noto Sans", "NotoSans-Regular.ttf", "normal", "normal"),
    ("Noto Sans", "NotoSans-Bold.ttf", "bold", "normal"),
    ("Noto Sans", "NotoSans-Italic.ttf", "normal", "italic"),
    ("Noto Sans Arabic", "NotoSansArabic-Regular.ttf", "normal", "normal"),
    ("Noto Sans Arabic", "NotoSansArabic-Bold.ttf", "bold", "normal"),
    ("Droid Sans Fallback", "DroidSansFallbackFull.ttf", "normal", "normal"),
)
# WeasyPrint logs every page it lays out at INFO: our own progress replaces that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
FAMILY = '"Noto Sans", "Noto Sans Arabic", "Droid Sans Fallback"'


def _css_string(text: str) -> str:
    """`text` as a CSS string literal (margin boxes take their text from CSS)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def _stylesheet(document: Document) -> str:
    faces = "".join(
        f'@font-face {{ font-family: "{family}"; src: url("{(FONTS_DIR / file).as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}\n"
        for family, file, weight, style in FONT_FACES
    )
    draft = (
        f"@top-center {{ content: {_css_string(document.draft_mark)}; color: #b00020; "
        "font-weight: bold; font-size: 14pt; }"
        if document.is_draft
        else ""
    )
    head_right = _css_string(f"{document.date}\n{document.original}")
    return (
        faces
        + f"""
@page {{
  size: A4; margin: 2.4cm 2cm 2cm 2cm;
  @top-left {{ content: {_css_string(document.symbol_line)}; font-size: 7.5pt; }}
  @top-right {{ content: {head_right}; white-space: pre; text-align: right; font-size: 7.5pt; }}
  {draft}
  @bottom-center {{ content: counter(page) "/" counter(pages); font-size: 8pt; }}
}}
html {{ font-family: {FAMILY}; font-size: 9pt; line-height: 1.35; }}
h1 {{ font-size: 12pt; break-before: page; margin: 0 0 8pt; }}
h2 {{ font-size: 10pt; margin: 10pt 0 4pt; }}
h3 {{ font-size: 9.5pt; margin: 10pt 0 4pt; border-bottom: 0.5pt solid #999; }}
h4 {{ font-size: 9pt; margin: 8pt 0 2pt; break-after: avoid; }}
p {{ margin: 0 0 4pt; }}
.front p {{ margin: 0; }}
.symbols {{ text-align: right; font-weight: bold; }}
.right {{ text-align: right; }}
.groups {{ text-align: center; font-weight: bold; margin-top: 12pt; }}
.title {{ text-align: center; font-weight: bold; font-size: 14pt; margin: 10pt 0; }}
.formula {{ text-align: center; font-style: italic; }}
.rule {{ border-bottom: 0.75pt solid #000; margin: 8pt 0; }}
.draft {{ text-align: center; font-weight: bold; font-size: 20pt; color: #b00020; }}
.notice, .note {{ font-style: italic; }}
.numbered {{ padding-left: 1cm; text-indent: -1cm; }}
.numbered .n {{ display: inline-block; width: 1cm; text-indent: 0; }}
.footnote {{ float: footnote; font-size: 7.5pt; font-style: normal; }}
.f {{ margin: 0 0 8pt; white-space: pre-line; }}
table {{ border-collapse: collapse; margin: 0 0 10pt; width: 100%; }}
caption {{ font-weight: bold; text-align: left; padding-bottom: 3pt; }}
th, td {{ border: 0.5pt solid #888; padding: 1.5pt 3pt; vertical-align: top; text-align: left; }}
thead {{ display: table-header-group; }}
table.compact {{ font-size: 6.5pt; }}
.bar {{ display: block; height: 6pt; background: #4a6fa5; }}
.contents li {{ list-style: none; }}
.contents a {{ color: inherit; text-decoration: none; }}
.contents a::after {{ content: " " target-counter(attr(href), page); }}
"""
    )


def _paragraph(block: Paragraph, footnotes: list[str]) -> str:
    note = (
        f'<span class="footnote">{escape(footnotes[block.footnote - 1])}</span>'
        if block.footnote
        else ""
    )
    if block.number is not None:
        return (
            f'<p class="numbered"><span class="n">{block.number}.</span>'
            f"{escape(block.text)}{note}</p>"
        )
    css = f' class="{block.style}"' if block.style != "body" else ""
    return f"<p{css}>{escape(block.text)}{note}</p>"


def _table(block: Table) -> str:
    header = list(block.header) + ([""] if block.bars else [])
    rows = []
    for i, row in enumerate(block.rows):
        cells = "".join(
            f'<th scope="row">{escape(v)}</th>' if j == 0 else f"<td>{escape(v)}</td>"
            for j, v in enumerate(row)
        )
        if block.bars:
            width = max(1.0, block.bars[i] * 100)
            cells += f'<td><span class="bar" style="width: {width:.0f}%"></span></td>'
        rows.append(f"<tr>{cells}</tr>")
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    css = ' class="compact"' if block.compact else ""
    caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
    body = "".join(rows)
    return f"<table{css}>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _entry(block: EntryBlock) -> str:
    """Few elements per entry: styling each element is most of WeasyPrint's time on a document of
    thousands of entries, so the labelled lines share one paragraph (white-space: pre-line)."""
    fields = "\n".join(f"{label}: {value}" for label, value in block.fields)
    sources = "\n".join((f"{block.sources_label}:", *(f"    {s}" for s in block.sources)))
    closing = f"{block.verification_label}: {block.verification}"
    parts = [f"<h4>{block.number}. {escape(block.title)}</h4>"]
    if block.description:
        parts.append(f"<p>{escape(block.description)}</p>")
    closing += f"\nRef.: {block.reference}"
    parts.append(f'<p class="f">{escape(fields)}\n{escape(sources)}\n{escape(closing)}</p>')
    return "".join(parts)


def _section_title(section: Section) -> str:
    return section.title if section.is_annex else f"{section.number}. {section.title}"


def _section(section: Section, footnotes: list[str], tick: Callable[[], None]) -> str:
    parts = [f'<h1 id="{section.key}">{escape(_section_title(section))}</h1>']
    for block in section.blocks:
        if isinstance(block, EntryBlock):
            parts.append(_entry(block))
            tick()
        elif isinstance(block, Paragraph):
            parts.append(_paragraph(block, footnotes))
        elif isinstance(block, Heading):
            text = f"{block.number} {block.text}" if block.number else block.text
            parts.append(f"<h{block.level}>{escape(text)}</h{block.level}>")
        elif isinstance(block, Table):
            parts.append(_table(block))
    return "".join(parts)


def _front(document: Document) -> str:
    parts = ['<div class="front">']
    parts += [f'<p class="symbols">{escape(s)}</p>' for s in document.symbols]
    parts.append(f'<p class="right">{escape(document.date)}</p>')
    parts.append(f'<p class="right">{escape(document.original)}</p>')
    if document.is_draft:
        parts.append(f'<p class="draft">{escape(document.draft_mark)}</p>')
    parts.append('<div class="rule"></div>')
    parts += [f'<p class="groups">{escape(g)}</p>' for g in document.groups]
    parts.append(f'<p class="title">{escape(document.title)}</p>')
    parts.append(f'<p class="formula">{escape(document.formula)}</p>')
    parts.append('<div class="rule"></div></div>')
    parts += [f'<p class="notice">{escape(n)}</p>' for n in document.notices]
    items = "".join(
        f'<li><a href="#{s.key}">{escape(_section_title(s))}</a></li>' for s in document.sections
    )
    parts.append(f'<h2>{escape(document.contents_label)}</h2><ul class="contents">{items}</ul>')
    return "".join(parts)


def document_html(document: Document, tick: Callable[[], None] = lambda: None) -> str:
    sections = (_section(s, document.footnotes, tick) for s in document.sections)
    body = _front(document) + "".join(sections)
    return (
        f'<!DOCTYPE html><html lang="{document.language}"><head><meta charset="utf-8">'
        f"<title>{escape(document.title)}</title>"
        f'<meta name="description" content="{escape(document.symbol_line)}">'
        f"</head><body>{body}</body></html>"
    )


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise DocumentUnavailable(
            _(
                "The PDF cannot be built on this machine: WeasyPrint could not load (%(error)s). "
                "Install the Pango library (Debian: libpango-1.0-0 and libpangoft2-1.0-0); the "
                "DOCX can still be built."
            )
            % {"error": error}
        ) from None
    return weasyprint


def write_pdf(
    document: Document, path: Path, *, progress: Callable[[str, int, int], None] | None = None
) -> None:
    weasyprint = _weasyprint()
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress and (done % 50 == 0 or done == document.entry_count):
            progress("pdf: text", done, document.entry_count)

    html = document_html(document, tick)
    fonts = weasyprint.text.fonts.FontConfiguration()
    stylesheet = weasyprint.CSS(string=_stylesheet(document), font_config=fonts)
    if progress:
        progress("pdf: layout", 0, 1)
    rendered = weasyprint.HTML(string=html, base_url=str(FONTS_DIR)).render(
        stylesheets=[stylesheet], font_config=fonts
    )
    rendered.metadata.title = document.title
    rendered.metadata.description = document.symbol_line
    rendered.metadata.lang = document.language
    rendered.write_pdf(str(path))
    if progress:
        progress("pdf: layout", 1, 1)
