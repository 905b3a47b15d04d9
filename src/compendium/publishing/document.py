"""One model of the official document, built from a frozen edition: the DOCX and PDF renderers
both walk it, so the two formats always say the same. Plain Python values only: the frame comes
from the edition's frozen copy, the entries from their snapshots, nothing from the live catalog."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import dateformat, translation

from compendium.search.query import fold

from .changes import EditionChanges, edition_changes
from .models import Edition, EditionEntry, Part

LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Paragraph:
    text: str
    number: int | None = None  # the document's running paragraph number, if numbered
    footnote: int | None = None  # the number of the footnote it calls
    style: str = "body"  # body, note, lede


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 sections, 2 subsections, 3 groups (economy or organisation)
    number: str = ""


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    bars: tuple[float, ...] = ()  # a share (0 to 1) per row, drawn as a bar chart
    compact: bool = False  # many narrow columns (the matrix)


@dataclass(frozen=True)
class EntryBlock:
    number: int
    reference: str  # the entry's slug: its address in the online database
    title: str
    fields: tuple[tuple[str, str], ...]
    description: str
    sources_label: str
    sources: tuple[str, ...]
    verification_label: str
    verification: str


Block = Paragraph | Heading | Table | EntryBlock


@dataclass(frozen=True)
class Section:
    key: str  # stable name: introduction, overview, members, …, annex-changes
    number: str
    title: str
    blocks: tuple[Block, ...]
    is_annex: bool = False


@dataclass
class Document:
    language: str
    symbols: tuple[str, ...]
    date: str
    original: str
    groups: tuple[str, ...]
    title: str
    formula: str
    is_draft: bool
    draft_mark: str
    notices: tuple[str, ...]
    contents_label: str
    page_label: str
    sections: list[Section] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)  # footnote n is footnotes[n - 1]
    entry_count: int = 0

    @property
    def symbol_line(self) -> str:
        return " – ".join(self.symbols)


class _Builder:
    """Keeps the running paragraph and footnote numbers while the sections are laid out."""

    def __init__(self, edition: Edition, language: str) -> None:
        self.edition, self.language = edition, language
        self.frame: dict[str, Any] = edition.frame
        self.text: dict[str, Any] = self.frame["text"][language]
        self.paragraph_number = 0
        self.footnotes: list[str] = []

    def label(self, key: str) -> str:
        return self.text[key]

    def field_label(self, key: str) -> str:
        return self.text["fields"].get(key, key)

    def names(self, names: dict[str, str]) -> str:
        return names.get(self.language) or names.get("en", "")

    def choice(self, vocabulary: str, value: str) -> str:
        labels = self.frame["choices"].get(vocabulary, {}).get(value)
        return self.names(labels) if labels else value

    def numbered(self, text: str, footnote: str = "") -> Paragraph:
        self.paragraph_number += 1
        note = None
        if footnote:
            self.footnotes.append(footnote)
            note = len(self.footnotes)
        return Paragraph(text=text, number=self.paragraph_number, footnote=note)


# The WTO's documents write the day first: "4 May 2026", "4 mai 2026", "4 de mayo de 2026".
DATE_FORMATS = {"en": "j F Y", "fr": "j F Y", "es": r"j \d\e F \d\e Y"}


def _date_text(on: date, language: str) -> str:
    with translation.override(language):
        return dateformat.format(on, DATE_FORMATS[language])


def _terms(builder: _Builder, terms: list[dict[str, Any]]) -> str:
    return LIST_SEPARATOR.join(builder.names(t["label"]) for t in terms)


def _years(snapshot: dict[str, Any]) -> str:
    start, end = snapshot["start_year"], snapshot["end_year"]
    if start and end:
        return f"{start}–{end}"
    return f"{start}–" if start else (f"–{end}" if end else "")


def _source_line(builder: _Builder, source: dict[str, Any]) -> str:
    parts = [source["title"]]
    if source["provided_by"]:
        parts.append(builder.names(source["provided_by"]["name"]))
    parts.append(builder.choice("source_kind", source["kind"]))
    if source["reference"]:
        parts.append(source["reference"])
    if source["url"]:
        parts.append(source["url"])
    return " — ".join(p for p in parts if p)


def _entry_block(builder: _Builder, row: EditionEntry, number: int) -> EntryBlock:
    s = row.snapshot
    language = builder.language
    fields: list[tuple[str, str]] = []
    translated_title = s.get(f"title_{language}", "")
    if translated_title and translated_title != s["title"]:
        fields.append((builder.field_label(f"title_{language}"), translated_title))
    contributor = builder.names(s["contributor"]["name"]) if s["contributor"] else ""
    candidates = [
        ("economies", LIST_SEPARATOR.join(builder.names(e["name"]) for e in s["economies"])),
        (
            "organizations",
            LIST_SEPARATOR.join(builder.names(o["name"]) for o in s["organizations"]),
        ),
        ("implementers_as_reported", s["implementers_as_reported"]),
        ("contributor", contributor),
        ("contributor_type", builder.names(s["contributor_type"]["label"])),
        ("instrument_type", builder.names(s["instrument_type"]["label"])),
        ("policy_areas", _terms(builder, s["policy_areas"])),
        ("target_groups", _terms(builder, s["target_groups"])),
        ("gender_focus", builder.names(s["gender_focus"]["label"])),
        ("years", _years(s)),
        ("status", builder.choice("status", s["status"])),
        ("budget", s["budget_as_reported"]),
        ("women_reached", s["women_reached_as_reported"]),
        ("links", LIST_SEPARATOR.join(link["url"] or link["label"] for link in s["links"])),
    ]
    fields += [(builder.field_label(key), value) for key, value in candidates if value]
    description = s["description"]
    return EntryBlock(
        number=number,
        reference=s["slug"],
        title=s["title"],
        fields=tuple(fields),
        description=description,
        sources_label=builder.field_label("sources"),
        sources=tuple(_source_line(builder, source) for source in s["sources"]),
        verification_label=builder.field_label("verification"),
        verification=builder.choice("verification", s["verification"]),
    )


# --- sections -------------------------------------------------------------------------------------


def _introduction(builder: _Builder, counts: Counter) -> Section:
    blocks: list[Block] = []
    values = {
        "count": sum(counts.values()),
        "members": counts[Part.MEMBERS],
        "observers": counts[Part.OBSERVERS],
        "organizations": counts[Part.ORGANIZATIONS],
    }
    for i, sub in enumerate(builder.text["introduction"], start=1):
        blocks.append(Heading(sub["title"], level=2, number=f"1.{i}"))
        for paragraph in sub["paragraphs"]:
            blocks.append(
                builder.numbered(paragraph["text"].format(**values), paragraph.get("footnote", ""))
            )
    blocks.append(
        Heading(builder.label("disclaimer_title"), 2, f"1.{len(builder.text['introduction']) + 1}")
    )
    blocks.append(builder.numbered(builder.label("disclaimer")))
    return Section("introduction", "1", builder.label("introduction_title"), tuple(blocks))


def _count_table(
    builder: _Builder, caption: str, vocabulary: list[dict], counts: Counter, total: int
) -> Table:
    rows, bars = [], []
    for term in vocabulary:
        n = counts.get(term["slug"], 0)
        if not n:
            continue
        share = n / total if total else 0.0
        rows.append((builder.names(term["label"]), str(n), f"{share:.0%}"))
        bars.append(share)
    header = ("", builder.label("count"), builder.label("share"))
    return Table(caption=caption, header=header, rows=tuple(rows), bars=tuple(bars))


def _overview(builder: _Builder, rows: list[EditionEntry]) -> Section:
    total = len(rows)
    counts: dict[str, Counter] = {
        "policy_areas": Counter(),
        "target_groups": Counter(),
        "instrument_type": Counter(),
        "region": Counter(),
    }
    for row in rows:
        s = row.snapshot
        counts["policy_areas"].update(t["slug"] for t in s["policy_areas"])
        counts["target_groups"].update(t["slug"] for t in s["target_groups"])
        counts["instrument_type"][s["instrument_type"]["slug"]] += 1
        counts["region"].update({e["region"] for e in s["economies"]})
    vocabularies = builder.frame["vocabularies"]
    sources = {
        "policy_areas": vocabularies["policy_areas"],
        "target_groups": vocabularies["target_groups"],
        "instrument_type": vocabularies["instrument_types"],
        "region": vocabularies["regions"],
    }
    captions = builder.text["overview_tables"]
    blocks: list[Block] = [builder.numbered(builder.label("overview_intro"))]
    for key, vocabulary in sources.items():
        blocks.append(_count_table(builder, captions[key], vocabulary, counts[key], total))
    return Section("overview", "2", builder.label("overview_title"), tuple(blocks))


def _parts(builder: _Builder, rows: list[EditionEntry]) -> list[Section]:
    sections = []
    number = 0
    for i, part in enumerate((Part.MEMBERS, Part.OBSERVERS, Part.ORGANIZATIONS), start=3):
        blocks: list[Block] = []
        heading = None
        for row in (r for r in rows if r.part == part):
            if row.heading != heading:
                heading = row.heading
                blocks.append(Heading(builder.names(row.snapshot["heading"]), level=3))
            number += 1
            blocks.append(_entry_block(builder, row, number))
        if not blocks:
            blocks.append(Paragraph(builder.label("part_empty"), style="note"))
        sections.append(Section(str(part), str(i), builder.text["parts"][part], tuple(blocks)))
    return sections


def _annex_questionnaire(builder: _Builder) -> tuple[Block, ...]:
    blocks: list[Block] = [Paragraph(builder.label("annex_questionnaire_intro"), style="lede")]
    question = 0
    for section in builder.frame["questionnaire"]:
        blocks.append(Heading(builder.names(section["title"]), level=3))
        for q in section["questions"]:
            question += 1
            required = f" ({builder.label('required')})" if q["required"] else ""
            blocks.append(Paragraph(f"{question}. {builder.names(q['label'])}{required}"))
    return tuple(blocks)


def _annex_matrix(builder: _Builder, rows: list[EditionEntry]) -> tuple[Block, ...]:
    areas = builder.frame["vocabularies"]["policy_areas"]
    counts: dict[str, Counter] = {}
    names: dict[str, str] = {}
    for row in rows:
        for economy in row.snapshot["economies"]:
            names[economy["code"]] = builder.names(economy["name"])
            counts.setdefault(economy["code"], Counter()).update(
                t["slug"] for t in row.snapshot["policy_areas"]
            )
    key = "; ".join(f"{i} = {builder.names(a['label'])}" for i, a in enumerate(areas, start=1))
    table_rows = tuple(
        (names[code], *(str(counts[code].get(a["slug"], "")) or "" for a in areas))
        for code in sorted(names, key=lambda c: fold(names[c]))
    )
    header = (builder.label("annex_matrix_economy"), *(str(i) for i in range(1, len(areas) + 1)))
    return (
        Paragraph(builder.label("annex_matrix_intro"), style="lede"),
        Paragraph(key, style="note"),
        Table(builder.label("annex_matrix"), header, table_rows, compact=True),
    )


def _annex_sources(builder: _Builder, rows: list[EditionEntry]) -> tuple[Block, ...]:
    partners: Counter = Counter()
    names: dict[str, str] = {}
    for row in rows:
        seen = set()
        for source in row.snapshot["sources"]:
            provider = source["provided_by"]
            if provider and provider["organization"] and provider["organization"] not in seen:
                seen.add(provider["organization"])
                names[provider["organization"]] = builder.names(provider["name"])
                partners[provider["organization"]] += 1
    if not partners:
        return (Paragraph(builder.label("annex_sources_none")),)
    table = Table(
        builder.label("annex_sources"),
        (builder.label("annex_sources_name"), builder.label("count")),
        tuple(
            (names[slug], str(partners[slug]))
            for slug in sorted(names, key=lambda s: fold(names[s]))
        ),
    )
    return (Paragraph(builder.label("annex_sources_intro"), style="lede"), table)


def _annex_glossary(builder: _Builder) -> tuple[Block, ...]:
    return (
        Table(
            builder.label("annex_glossary"),
            ("", ""),
            tuple((item["term"], item["definition"]) for item in builder.text["glossary"]),
        ),
    )


def _change_rows(builder: _Builder, items: list[dict[str, Any]], with_fields: bool) -> Table:
    header = [builder.field_label("title"), ""]
    if with_fields:
        header.append(builder.label("changes_fields"))
    rows = []
    for item in items:
        row = [item["title"], builder.names(item["heading"])]
        if with_fields:
            row.append(LIST_SEPARATOR.join(builder.field_label(f) for f in item["fields"]))
        rows.append(tuple(row))
    return Table("", tuple(header), tuple(rows))


def _annex_changes(builder: _Builder, changes: EditionChanges) -> tuple[Block, ...]:
    blocks: list[Block] = [
        Paragraph(builder.label("annex_changes_intro").format(previous=changes.previous_symbols))
    ]
    for label, items, with_fields in (
        ("changes_added", changes.added, False),
        ("changes_modified", changes.modified, True),
        ("changes_withdrawn", changes.withdrawn, False),
    ):
        blocks.append(Heading(f"{builder.label(label)} ({len(items)})", level=3))
        if items:
            blocks.append(_change_rows(builder, items, with_fields))
        else:
            blocks.append(Paragraph(builder.label("changes_none"), style="note"))
    return tuple(blocks)


def _annexes(builder: _Builder, rows: list[EditionEntry], changes: EditionChanges | None):
    annexes = [
        ("annex-questionnaire", "annex_questionnaire", _annex_questionnaire(builder)),
        ("annex-matrix", "annex_matrix", _annex_matrix(builder, rows)),
        ("annex-sources", "annex_sources", _annex_sources(builder, rows)),
        ("annex-glossary", "annex_glossary", _annex_glossary(builder)),
    ]
    if changes is not None:
        annexes.append(("annex-changes", "annex_changes", _annex_changes(builder, changes)))
    annex = builder.label("annex")
    return [
        Section(key, str(i), f"{annex} {i}: {builder.label(title)}", blocks, is_annex=True)
        for i, (key, title, blocks) in enumerate(annexes, start=1)
    ]


def edition_document(*, edition: Edition, language: str = "en") -> Document:
    """The whole document of a frozen edition, with the frame in `language`."""
    rows = list(edition.entries.order_by("position"))
    builder = _Builder(edition, language)
    text = builder.text
    people = builder.frame["text"]["people"]
    date_text = _date_text(edition.date, language)
    notices = [text["draft_notice"]] if edition.is_draft else []
    changes = edition_changes(edition=edition) if edition.previous_id else None
    if changes is not None:
        notices.append(text["revision_notice"])
    counts = Counter(row.part for row in rows)
    document = Document(
        language=language,
        symbols=tuple(edition.symbol_list),
        date=date_text,
        original=text["original"],
        groups=tuple(text["groups"]),
        title=edition.title,
        formula=text["formula"].format(date=date_text, **people),
        is_draft=edition.is_draft,
        draft_mark=text["draft_mark"],
        notices=tuple(notices),
        contents_label=text["contents"],
        page_label=text["page"],
        entry_count=len(rows),
    )
    document.sections = [
        _introduction(builder, counts),
        _overview(builder, rows),
        *_parts(builder, rows),
        *_annexes(builder, rows, changes),
    ]
    document.footnotes = builder.footnotes
    return document
