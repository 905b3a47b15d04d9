"""The official document, built once for this module from a small edition and its revision, then
opened: the DOCX with python-docx, the PDF with pypdf."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader

from compendium.catalog.models import Workflow
from compendium.catalog.services import entry_transition, entry_update
from compendium.publishing import services
from compendium.publishing.building import atomic_path
from compendium.publishing.models import EditionKind

from .editions import ARABIC_TITLE, CHINESE_TITLE, CYRILLIC_TITLE, entry, frozen, small_set

# Marked so the test database is set up (pytest-django looks at the tests' markers for that).
pytestmark = pytest.mark.django_db

LONG_TITLE = "Very long programme title " + "with many words " * 25
LONG_DESCRIPTION = "A description that goes on. " * 700


@dataclass
class Built:
    titles: list[str]
    rev1_titles: list[str]
    docx: Path
    pdf: Path
    rev1_docx: Path
    rev1_pdf: Path
    french_docx: Path
    media: Path


def _build(edition, formats=("docx", "pdf"), language="en"):
    files = services.edition_build(
        edition=edition, actor=None, actor_label="tests", formats=formats, language=language
    )
    return [Path(file.file.path) for file in files]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory) -> Built:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        entries = [*small_set(), entry(LONG_TITLE.strip(), description=LONG_DESCRIPTION)]
        rev0 = frozen(entries)
        services.edition_circulate(edition=rev0, actor=None)
        rev1 = services.edition_revise(edition=rev0, actor=None, kind=EditionKind.FINAL)
        entry_update(
            entry=entries[0], actor=None, actor_label="t", changes={"description": "Changed."}
        )
        entry_transition(entry=entries[1], actor=None, actor_label="t", to=Workflow.WITHDRAWN)
        added = entry("Added for the revision", economies=("CHL",))
        services.edition_freeze(edition=rev1, actor=None, entries=[*entries, added])
        docx_path, pdf_path = _build(rev0)
        rev1_docx, rev1_pdf = _build(rev1)
        [french] = _build(rev0, formats=("docx",), language="fr")
        titles = [e.title for e in entries]
        rev1_titles = [t for t in titles if t != entries[1].title] + [added.title]
        transaction.set_rollback(True)
    return Built(titles, rev1_titles, docx_path, pdf_path, rev1_docx, rev1_pdf, french, media)


def _paragraphs(path: Path) -> list[docx.text.paragraph.Paragraph]:
    return docx.Document(str(path)).paragraphs


def _texts(path: Path) -> list[str]:
    return [p.text for p in _paragraphs(path)]


def _entry_headings(path: Path) -> list[str]:
    """The entries' titles, as their numbered headings say them."""
    return [
        re.sub(r"^\d+\. ", "", p.text)
        for p in _paragraphs(path)
        if p.style.name == "Heading 3" and re.match(r"^\d+\. ", p.text)
    ]


def _pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


# --- DOCX ----------------------------------------------------------------------------------------


def test_docx_front_matter_follows_the_wto_conventions(built):
    texts = _texts(built.docx)
    assert texts[:5] == [
        "INF/TGE/W/90",
        "INF/MSME/W/91",
        "4 May 2026",
        "Original: English",
        "DRAFT",
    ]
    assert "INFORMAL WORKING GROUP ON TRADE AND GENDER" in texts
    assert "INFORMAL WORKING GROUP ON MSMES" in texts
    assert "Test compendium" in texts
    assert any(
        t.startswith("The following document, dated 4 May 2026, is being circulated") for t in texts
    )


def test_docx_has_numbered_sections_and_paragraphs(built):
    headings = [p.text for p in _paragraphs(built.docx) if p.style.name == "Heading 1"]
    assert headings[:5] == [
        "1. Introduction",
        "2. Overview",
        "3. Part I: Members",
        "4. Part II: Observers",
        "5. Part III: Organisations and other stakeholders",
    ]
    assert headings[5:] == [
        "Annex 1: The questionnaire",
        "Annex 2: Members and Observers by policy area",
        "Annex 3: Partner sources",
        "Annex 4: Glossary",
    ]
    texts = _texts(built.docx)
    numbered = [t for t in texts if re.match(r"^\d+\.\t", t)]
    assert [int(t.split(".")[0]) for t in numbered] == list(range(1, len(numbered) + 1))


def test_docx_holds_every_entry_exactly_once(built):
    assert sorted(_entry_headings(built.docx)) == sorted(built.titles)


def test_docx_has_real_footnotes_and_page_x_of_y(built):
    with zipfile.ZipFile(built.docx) as archive:
        footnotes = archive.read("word/footnotes.xml").decode()
        document = archive.read("word/document.xml").decode()
        footer = next(archive.read(n).decode() for n in archive.namelist() if "footer" in n)
    assert "earlier compendiums" in footnotes
    assert 'w:footnoteReference w:id="1"' in document
    assert 'w:instr="PAGE"' in footer
    assert 'w:instr="NUMPAGES"' in footer


def test_docx_header_carries_the_symbols_and_the_draft_mark(built):
    header = docx.Document(str(built.docx)).sections[0].header.paragraphs[0].text
    assert header == "INF/TGE/W/90 – INF/MSME/W/91\tDRAFT"


def test_a_final_revision_has_no_draft_mark_and_symbols_with_rev(built):
    texts = _texts(built.rev1_docx)
    assert texts[:2] == ["INF/TGE/W/90/Rev.1", "INF/MSME/W/91/Rev.1"]
    assert "DRAFT" not in texts
    assert sorted(_entry_headings(built.rev1_docx)) == sorted(built.rev1_titles)


def test_the_revision_has_the_change_annex(built):
    document = docx.Document(str(built.rev1_docx))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Annex 5: Changes since the previous revision" in headings
    assert "Entries added (1)" in headings
    assert "Entries modified (1)" in headings
    assert "Entries withdrawn (1)" in headings
    change_rows = [
        [cell.text for cell in row.cells] for table in document.tables[-3:] for row in table.rows
    ]
    assert ["Added for the revision", "Chile"] in change_rows
    assert ["Zambezi women exporters online", "Kenya", "Description"] in change_rows
    assert ["Aurora digital skills for women", "Canada"] in change_rows


def test_the_frame_is_in_french_and_the_entries_as_provided(built):
    texts = _texts(built.french_docx)
    assert "Original: anglais" in texts
    assert "PROJET" in texts
    assert "GROUPE DE TRAVAIL INFORMEL SUR LES MPME" in texts
    headings = [p.text for p in _paragraphs(built.french_docx) if p.style.name == "Heading 1"]
    assert "3. Partie I: Membres" in headings
    assert sorted(_entry_headings(built.french_docx)) == sorted(built.titles)


def test_very_long_fields_are_kept_whole(built):
    texts = _texts(built.docx)
    assert LONG_DESCRIPTION.strip() in texts


# --- PDF -----------------------------------------------------------------------------------------


def test_pdf_pages_are_numbered_x_of_y(built):
    pages = _pdf_pages(built.pdf)
    total = len(pages)
    assert total > 3
    for number, text in enumerate(pages, start=1):
        assert f"{number}/{total}" in text


def test_pdf_has_the_symbols_date_original_and_draft_mark_on_every_page(built):
    for text in _pdf_pages(built.pdf):
        assert "INF/TGE/W/90 – INF/MSME/W/91" in text
        assert "4 May 2026" in text
        assert "Original: English" in text
        assert "DRAFT" in text
    assert "DRAFT" not in "".join(_pdf_pages(built.rev1_pdf))


def test_pdf_holds_every_entry_exactly_once(built):
    text = re.sub(r"\s+", " ", "\n".join(_pdf_pages(built.pdf)))
    for number, title in enumerate(sorted_by_document(built), start=1):
        assert text.count(f"{number}. {title[:40]}") == 1, title


def sorted_by_document(built: Built) -> list[str]:
    return _entry_headings(built.docx)


def test_pdf_renders_cyrillic_chinese_and_arabic_titles(built):
    text = "\n".join(_pdf_pages(built.pdf))
    assert CYRILLIC_TITLE in text
    assert CHINESE_TITLE in text
    # Arabic comes back from the PDF in shaped (presentation) forms: compare the letters.
    import unicodedata

    folded = unicodedata.normalize("NFKC", text)
    assert ARABIC_TITLE.replace(" ", "") in folded.replace(" ", "") or all(
        word in folded for word in ARABIC_TITLE.split()
    )


def test_pdf_embeds_the_shipped_fonts(built):
    fonts = set()
    for page in PdfReader(str(built.pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    joined = " ".join(fonts)
    assert "Noto-Sans" in joined
    assert "Noto-Sans-Arabic" in joined
    assert "Droid-Sans-Fallback" in joined


# --- files ---------------------------------------------------------------------------------------


def test_builds_leave_no_half_written_file(built):
    leftovers = [p for p in built.media.rglob("*") if p.name.endswith(".part")]
    assert leftovers == []


def test_a_failed_write_leaves_the_previous_file_untouched(tmp_path):
    target = tmp_path / "document.pdf"
    target.write_bytes(b"previous")

    def render_and_fail() -> None:
        with atomic_path(target) as temporary:
            temporary.write_bytes(b"half")
            raise RuntimeError("the renderer failed")

    with pytest.raises(RuntimeError):
        render_and_fail()
    assert target.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [target]
