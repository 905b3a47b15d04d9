"""Open-data releases: the frozen entries of an adopted edition written as files that never change,
so a citation of "data release X" always points at the same bytes.

A release holds the entries as CSV, XLSX (with the codebook and a description) and JSON, the
codebook as CSV, a Frictionless Data Package descriptor (`datapackage.json`: a table schema for
each CSV, licence, sources, version = the edition's symbols) and SHA-256 checksums of every file.
The entries come from the edition's snapshots, never from the live catalog, so the release says
exactly what the adopted document says. Labels are in English; codes are the same in every
language. The files are written into a temporary directory and moved into place in one step.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from compendium.catalog.models import EntryStatus, LinkKind, SourceKind, Verification

from .exports import _cell, _codebook_sheet, _text_cell, neutralised
from .metadata import codebook, codebook_column_names, column_types, dataset
from .models import Edition, EditionEntry, ReleaseFileKind
from .representation import row_of_record

RELEASES_DIR = "releases"
LANGUAGE = "en"  # labels of the release; codes never depend on the language
TEXT_TYPES = {"string", "url"}
MEDIA_TYPES = {
    ReleaseFileKind.ENTRIES_CSV: "text/csv; charset=utf-8",
    ReleaseFileKind.ENTRIES_XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    ReleaseFileKind.ENTRIES_JSON: "application/json",
    ReleaseFileKind.CODEBOOK_CSV: "text/csv; charset=utf-8",
    ReleaseFileKind.DATAPACKAGE: "application/json",
    ReleaseFileKind.CHECKSUMS: "text/plain; charset=utf-8",
}
FILE_NAMES = {
    ReleaseFileKind.ENTRIES_CSV: "entries.csv",
    ReleaseFileKind.ENTRIES_XLSX: "entries.xlsx",
    ReleaseFileKind.ENTRIES_JSON: "entries.json",
    ReleaseFileKind.CODEBOOK_CSV: "codebook.csv",
    ReleaseFileKind.DATAPACKAGE: "datapackage.json",
    ReleaseFileKind.CHECKSUMS: "SHA256SUMS",
}
# The codebook's types as Table Schema types (https://specs.frictionlessdata.io/table-schema/).
SCHEMA_TYPES = {
    "string": {"type": "string"},
    "url": {"type": "string", "format": "uri"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]},
    "datetime": {"type": "datetime"},
}


@dataclass(frozen=True)
class WrittenFile:
    kind: str
    name: str
    media_type: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ReleaseInfo:
    """What the release says about itself (in every file that can say it)."""

    name: str
    version: str
    title: str
    created: datetime
    count: int
    edition: Edition
    licence_name: str
    licence_url: str

    @property
    def url(self) -> str:
        return settings.SITE_URL + release_path(self.name)


def release_name(edition: Edition) -> str:
    """E.g. compendium-inf-tge-w-12-rev-1-inf-msme-w-34-rev-1: the symbols, safe in a URL."""
    symbols = "-".join(edition.symbol_list)
    return "compendium-" + (re.sub(r"[^a-z0-9]+", "-", symbols.lower()).strip("-") or "edition")


def release_path(name: str) -> str:
    """The release's place on the /data/ page (in English: the release is in English)."""
    with translation.override(LANGUAGE):
        return reverse("publishing:data") + f"#release-{name}"


def release_citation(*, info_title: str, version: str, created: datetime, url: str) -> str:
    about = dataset(language=translation.get_language() or LANGUAGE, url=url)
    return _("%(publisher)s (%(year)s). %(title)s. Data release %(version)s, %(date)s. %(url)s") % {
        "publisher": about.publisher,
        "year": created.year,
        "title": info_title,
        "version": version,
        "date": created.date().isoformat(),
        "url": url,
    }


# --- the entries, from the edition's snapshots ---------------------------------------------------


def _en(names: dict[str, str] | None) -> str:
    return (names or {}).get(LANGUAGE, "") if isinstance(names, dict) else str(names or "")


def _term(term: dict[str, Any]) -> dict[str, str]:
    return {"slug": term["slug"], "label": _en(term["label"])}


def _choice(choices: type, value: str) -> dict[str, str]:
    return {"value": value, "label": str(dict(choices.choices).get(value, value))}


def _entry_url(slug: str) -> str:
    return settings.SITE_URL + reverse("public:entry", kwargs={"slug": slug})


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def release_record(frozen: EditionEntry) -> dict[str, Any]:
    """The frozen entry in the shape of the live exports' records (`entry_record`)."""
    snap, entry = frozen.snapshot, frozen.entry
    contributor = snap["contributor"] or {}
    return {
        "slug": snap["slug"],
        "url": _entry_url(snap["slug"]),
        "title": snap.get("title_en") or snap["title"],
        "title_original": snap["title"],
        **{f"title_{lang}": snap.get(f"title_{lang}", "") for lang in ("en", "fr", "es")},
        "description": snap.get("description_en") or snap["description"],
        "description_original": snap["description"],
        **{
            f"description_{lang}": snap.get(f"description_{lang}", "")
            for lang in ("en", "fr", "es")
        },
        "language": snap["language"],
        "economies": [{"code": e["code"], "name": _en(e["name"])} for e in snap["economies"]],
        "organizations": [
            {"slug": o["slug"], "name": _en(o["name"])} for o in snap["organizations"]
        ],
        "implementers_as_reported": snap["implementers_as_reported"],
        "contributor": {
            "type": _term(snap["contributor_type"]),
            "economy": contributor.get("economy"),
            "organization": contributor.get("organization"),
            "name": _en(contributor.get("name")),
        },
        "instrument_type": _term(snap["instrument_type"]),
        "policy_areas": [_term(t) for t in snap["policy_areas"]],
        "target_groups": [_term(t) for t in snap["target_groups"]],
        "gender_focus": _term(snap["gender_focus"]),
        "start_year": snap["start_year"],
        "end_year": snap["end_year"],
        "status": _choice(EntryStatus, snap["status"]),
        "budget": {
            "as_reported": snap["budget_as_reported"],
            "amount": snap["budget_amount"],
            "currency": snap["budget_currency"] or None,
        },
        "women_reached": {
            "as_reported": snap["women_reached_as_reported"],
            "number": snap["women_reached"],
        },
        "links": [
            {"kind": _choice(LinkKind, link["kind"]), "label": link["label"], "url": link["url"]}
            for link in snap["links"]
        ],
        "sources": [_source(source) for source in snap["sources"]],
        "verification": _choice(Verification, snap["verification"]),
        "is_sample": snap["is_sample"],
        "is_synthetic": snap["is_synthetic"],
        "published_at": _when(entry.published_at),
        # The frozen version's time: when the entry last changed before the edition froze it.
        "updated_at": _when(frozen.version.created_at),
    }


def _source(source: dict[str, Any]) -> dict[str, Any]:
    provider = source.get("provided_by")
    return {
        "kind": _choice(SourceKind, source["kind"]),
        "title": source["title"],
        "url": source["url"],
        "provided_by": (
            {
                "economy": None,
                "organization": provider.get("organization"),
                "name": _en(provider.get("name")),
            }
            if provider
            else None
        ),
        "reference": source.get("reference", ""),
        "accessed_on": source.get("accessed_on"),
        "note": "",
    }


def frozen_entries(edition: Edition) -> Iterator[EditionEntry]:
    """The edition's entries in document order, with what a record reads, in batches."""
    rows = edition.entries.select_related("entry", "version").order_by("position")
    yield from rows.iterator(chunk_size=500)


# --- writing the files ---------------------------------------------------------------------------


def _csv_cells(row: dict[str, str], types: dict[str, str]) -> list[str]:
    # Text a spreadsheet could run as a formula is neutralised; numbers stay numbers.
    return [
        neutralised(value) if types[name] in TEXT_TYPES else value for name, value in row.items()
    ]


def _write_entries(directory: Path, records: list[dict[str, Any]], info: ReleaseInfo) -> None:
    types, names = column_types(), codebook_column_names()
    rows = [row_of_record(record) for record in records]
    with (directory / FILE_NAMES[ReleaseFileKind.ENTRIES_CSV]).open(
        "w", encoding="utf-8", newline=""
    ) as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows(_csv_cells(row, types) for row in rows)
    _write_workbook(directory / FILE_NAMES[ReleaseFileKind.ENTRIES_XLSX], rows, info)
    document = {"release": _about(info), "entries": records}
    (directory / FILE_NAMES[ReleaseFileKind.ENTRIES_JSON]).write_text(
        json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def _write_workbook(path: Path, rows: list[dict[str, str]], info: ReleaseInfo) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Entries")
    sheet.freeze_panes = "A2"
    names, types = codebook_column_names(), column_types()
    sheet.append([_text_cell(sheet, name, bold=True) for name in names])
    for row in rows:
        sheet.append([_cell(sheet, row[name], types[name]) for name in names])
    _codebook_sheet(book, LANGUAGE)
    about = book.create_sheet("About")
    for label, value in _about_lines(info):
        about.append([_text_cell(about, label, bold=True), _text_cell(about, neutralised(value))])
    book.save(path)


def _write_codebook(directory: Path) -> None:
    with (directory / FILE_NAMES[ReleaseFileKind.CODEBOOK_CSV]).open(
        "w", encoding="utf-8", newline=""
    ) as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(["column", "type", "several_values", "description", "codes"])
        for column in codebook(language=LANGUAGE):
            codes = "; ".join(code for code, _label in column.values)
            several = "true" if column.is_list else "false"
            writer.writerow([column.name, column.type, several, column.description, codes])


def _about(info: ReleaseInfo) -> dict[str, Any]:
    about = dataset(language=LANGUAGE, url=info.url)
    with translation.override(LANGUAGE):
        citation = release_citation(
            info_title=info.title, version=info.version, created=info.created, url=info.url
        )
    return {
        "name": info.name,
        "title": info.title,
        "version": info.version,
        "created": info.created.isoformat(timespec="seconds"),
        "entries": info.count,
        "edition": {
            "symbols": info.edition.full_symbols,
            "title": info.edition.title,
            "date": info.edition.date.isoformat(),
            "adopted_at": _when(info.edition.adopted_at),
        },
        "publisher": about.publisher,
        "licence": {"name": about.licence_name, "url": about.licence_url},
        "citation": citation,
    }


def _about_lines(info: ReleaseInfo) -> list[tuple[str, str]]:
    about = _about(info)
    return [
        ("Dataset", about["title"]),
        ("Version", about["version"]),
        ("Edition", f"{about['edition']['symbols']}: {about['edition']['title']}"),
        ("Publisher", about["publisher"]),
        ("Licence", f"{about['licence']['name']} {about['licence']['url']}".strip()),
        ("How to cite", about["citation"]),
        ("Created", about["created"]),
        ("Entries", str(info.count)),
    ]


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest(), path.stat().st_size


def _field(column: Any) -> dict[str, Any]:
    described = column.description
    if column.is_list:
        described += " Several values are separated by “; ”."
    if column.values:
        described += " Codes: " + ", ".join(code for code, _label in column.values) + "."
    return {"name": column.name, **SCHEMA_TYPES[column.type], "description": described}


def _resource(kind: str, digest: tuple[str, int], **extra: Any) -> dict[str, Any]:
    name = FILE_NAMES[kind]
    return {
        "name": name.replace(".", "-").lower(),
        "path": name,
        "title": str(ReleaseFileKind(kind).label),
        "format": name.rsplit(".", 1)[-1],
        "mediatype": MEDIA_TYPES[kind].split(";")[0],
        "hash": f"sha256:{digest[0]}",
        "bytes": digest[1],
        **extra,
    }


def _descriptor(info: ReleaseInfo, digests: dict[str, tuple[str, int]]) -> dict[str, Any]:
    about = _about(info)
    columns = codebook(language=LANGUAGE)
    tabular = {"profile": "tabular-data-resource", "encoding": "utf-8"}
    codebook_fields = [
        {"name": "column", "type": "string"},
        {"name": "type", "type": "string"},
        {"name": "several_values", **SCHEMA_TYPES["boolean"]},
        {"name": "description", "type": "string"},
        {"name": "codes", "type": "string"},
    ]
    return {
        "profile": "data-package",
        "name": info.name,
        "id": info.url,
        "title": info.title,
        "description": (
            f"The entries of the adopted edition {info.edition.full_symbols} "
            f"“{info.edition.title}”, as frozen in that edition. Labels are in English."
        ),
        "version": info.version,
        "created": about["created"],
        "homepage": settings.SITE_URL + reverse("publishing:data"),
        "licenses": [
            {"name": about["licence"]["name"].replace(" ", "-"), **_licence(about)},
        ],
        "sources": [
            {
                "title": f"{info.edition.full_symbols}: {info.edition.title}",
                "path": settings.SITE_URL + reverse("publishing:compendium"),
            }
        ],
        "contributors": [{"title": about["publisher"], "role": "publisher"}],
        "keywords": ["trade", "gender", "women", "digitalisation", "MSMEs", "WTO"],
        "citation": about["citation"],
        "resources": [
            _resource(
                ReleaseFileKind.ENTRIES_CSV,
                digests[ReleaseFileKind.ENTRIES_CSV],
                **tabular,
                schema={"fields": [_field(c) for c in columns], "primaryKey": ["slug"]},
            ),
            _resource(
                ReleaseFileKind.CODEBOOK_CSV,
                digests[ReleaseFileKind.CODEBOOK_CSV],
                **tabular,
                schema={"fields": codebook_fields, "primaryKey": ["column"]},
            ),
            _resource(
                ReleaseFileKind.ENTRIES_XLSX,
                digests[ReleaseFileKind.ENTRIES_XLSX],
                profile="data-resource",
            ),
            _resource(
                ReleaseFileKind.ENTRIES_JSON,
                digests[ReleaseFileKind.ENTRIES_JSON],
                profile="data-resource",
            ),
        ],
    }


def _licence(about: dict[str, Any]) -> dict[str, str]:
    url = about["licence"]["url"]
    return {"title": about["licence"]["name"], **({"path": url} if url else {})}


def write_release(*, info: ReleaseInfo, records: list[dict[str, Any]]) -> tuple[str, list]:
    """Write every file of the release; returns its directory (relative to MEDIA_ROOT) and the
    files in the order the page lists them. Nothing is visible until all are written."""
    root = Path(settings.MEDIA_ROOT) / RELEASES_DIR
    root.mkdir(parents=True, exist_ok=True)
    # A new directory each time: a release rolled back with its transaction leaves only an
    # unreferenced directory, never a changed file under a published name.
    relative = f"{RELEASES_DIR}/{info.name}-{secrets.token_hex(4)}"
    temporary = root / f".{info.name}.{secrets.token_hex(4)}.part"
    temporary.mkdir()
    try:
        _write_entries(temporary, records, info)
        _write_codebook(temporary)
        digests = {
            kind: _digest(temporary / FILE_NAMES[kind])
            for kind in (
                ReleaseFileKind.ENTRIES_CSV,
                ReleaseFileKind.ENTRIES_XLSX,
                ReleaseFileKind.ENTRIES_JSON,
                ReleaseFileKind.CODEBOOK_CSV,
            )
        }
        (temporary / FILE_NAMES[ReleaseFileKind.DATAPACKAGE]).write_text(
            json.dumps(_descriptor(info, digests), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        digests[ReleaseFileKind.DATAPACKAGE] = _digest(temporary / "datapackage.json")
        sums = "".join(f"{digests[k][0]}  {FILE_NAMES[k]}\n" for k in digests)
        (temporary / FILE_NAMES[ReleaseFileKind.CHECKSUMS]).write_text(sums, encoding="utf-8")
        digests[ReleaseFileKind.CHECKSUMS] = _digest(temporary / "SHA256SUMS")
        os.replace(temporary, Path(settings.MEDIA_ROOT) / relative)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    order = list(ReleaseFileKind)
    written = [
        WrittenFile(kind, FILE_NAMES[kind], MEDIA_TYPES[kind], *digests[kind])
        for kind in sorted(digests, key=order.index)
    ]
    return relative, written


def release_info(edition: Edition, *, count: int) -> ReleaseInfo:
    about = dataset(language=LANGUAGE, url=settings.SITE_URL)
    return ReleaseInfo(
        name=release_name(edition),
        version=edition.full_symbols,
        title=about.title,
        created=timezone.now(),
        count=count,
        edition=edition,
        licence_name=about.licence_name,
        licence_url=about.licence_url,
    )
