"""Everything an import finds out about a file before anything is written: read it, map each
row, suggest categories, look for duplicates. Pure computation over the catalog as it is: a dry
run is this and nothing more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .dedup import LIKELY_SCORE, Matcher, Record, catalog_records
from .mapper import MappedRow, RowMapper, Vocabulary, mapping_problems
from .mappings import Mapping
from .models import Decision, ImportRow
from .problems import INFO, WARNING, FileRefused, Problem
from .reading import read_table
from .text import fold

Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 500


@dataclass
class Analysis:
    details: dict[str, Any]
    notes: list[Problem]
    rows: list[ImportRow]  # unsaved
    counts: dict[str, int] = field(default_factory=dict)


def _no_progress(step: str, done: int, total: int) -> None:
    return None


def _column_notes(headers: list[str], mapping: Mapping) -> list[Problem]:
    """Columns the mapping does not know, and mapped columns the file lacks."""
    notes = []
    ignored = {fold(name) for name in mapping.ignore}
    for header in headers:
        if mapping.column_for(header) is None and fold(header) not in ignored:
            notes.append(
                Problem(
                    _(
                        "This column is not in the mapping: its values are kept with each row but "
                        "not imported."
                    ),
                    level=WARNING,
                    column=header,
                )
            )
    present = {fold(h) for h in headers}
    missing_required = []
    for column in mapping.columns:
        if fold(column.name) in present:
            continue
        if column.field in mapping.required and not any(
            c.field == column.field and fold(c.name) in present for c in mapping.columns
        ):
            missing_required.append(
                Problem(
                    _("Required column missing: nothing fills %(field)s.")
                    % {"field": column.field},
                    column=column.name,
                    field=column.field,
                )
            )
        else:
            notes.append(
                Problem(
                    _("The mapping names this column but the file does not have it."),
                    level=INFO,
                    column=column.name,
                )
            )
    if missing_required:
        raise FileRefused(missing_required)
    return notes


def _record(row: MappedRow) -> Record:
    values = row.values
    return Record(
        key=row.number,
        title=str(values.get("title") or ""),
        description=str(values.get("description") or ""),
        economies=tuple(values.get("economies") or ()),
        urls=tuple(link["url"] for link in values.get("links") or () if link.get("url")),
    )


def _matches(mapped: list[MappedRow], progress: Progress) -> dict[int, list[dict[str, Any]]]:
    existing = catalog_records()
    titles = {r.key: r.title for r in existing}
    in_catalog = Matcher(existing)
    records = [_record(row) for row in mapped if row.values.get("title")]
    in_batch = Matcher(records)
    exact: dict[tuple, int] = {}
    found: dict[int, list[dict[str, Any]]] = {}
    for done, record in enumerate(records, 1):
        candidates = [
            {
                "kind": "entry",
                "entry": m.key,
                "title": titles[m.key],
                "score": m.score,
                "reasons": list(m.reasons),
            }
            for m in in_catalog.matches(record)
        ]
        candidates += [
            {"kind": "row", "row": m.key, "score": m.score, "reasons": list(m.reasons)}
            for m in in_batch.matches(record, exclude=record.key)
        ]
        signature = (record.title_words, record.economies, record.description_words)
        if signature in exact:
            candidates.insert(
                0,
                {
                    "kind": "row",
                    "row": exact[signature],
                    "score": 100,
                    "reasons": [_("the same values as row %(n)s") % {"n": exact[signature]}],
                },
            )
        exact.setdefault(signature, record.key)
        if candidates:
            candidates.sort(key=lambda c: -c["score"])
            found[record.key] = _unique(candidates)
        if done % PROGRESS_EVERY == 0:
            progress("matching", done, len(records))
    progress("matching", len(records), len(records))
    return found


def _unique(candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, kept = set(), []
    for candidate in candidates:
        key = (candidate["kind"], candidate.get("entry"), candidate.get("row"))
        if key not in seen:
            seen.add(key)
            kept.append(candidate)
    return kept


def default_decision(errors: list, matches: list[dict[str, Any]]) -> str:
    """New when nothing is wrong and nothing looks like it; otherwise the curator decides."""
    return Decision.NEW if not errors and not matches else Decision.UNDECIDED


def row_counts(rows: list[ImportRow]) -> dict[str, int]:
    return {
        "rows": len(rows),
        "with_errors": sum(1 for r in rows if r.errors),
        "with_warnings": sum(1 for r in rows if r.warnings),
        "with_suggestions": sum(1 for r in rows if r.suggestions),
        "possible_duplicates": sum(1 for r in rows if r.matches),
        "likely_duplicates": sum(
            1 for r in rows if any(m["score"] >= LIKELY_SCORE for m in r.matches)
        ),
        "new": sum(1 for r in rows if r.decision == Decision.NEW),
        "merge": sum(1 for r in rows if r.decision == Decision.MERGE),
        "skip": sum(1 for r in rows if r.decision == Decision.SKIP),
        "undecided": sum(1 for r in rows if r.decision == Decision.UNDECIDED),
    }


def analyse(
    *,
    content: bytes,
    file_name: str,
    mapping: Mapping,
    sheet: str = "",
    progress: Progress | None = None,
) -> Analysis:
    """Raises `FileRefused` when the file (or the mapping) cannot be used at all."""
    progress = progress or _no_progress
    vocabulary = Vocabulary()
    if problems := mapping_problems(mapping, vocabulary):
        raise FileRefused([Problem(p) for p in problems])
    progress("reading", 0, 0)
    table = read_table(
        content,
        file_name=file_name,
        expected_columns=mapping.column_names,
        sheet=sheet or mapping.sheet,
        encoding=mapping.encoding,
        delimiter=mapping.delimiter,
    )
    notes = table.notes + _column_notes(table.headers, mapping)
    mapper = RowMapper(mapping, vocabulary, table.headers)
    total = len(table.rows)
    mapped = []
    for done, raw in enumerate(table.rows, 1):
        mapped.append(mapper.map_row(raw))
        if done % PROGRESS_EVERY == 0:
            progress("mapping", done, total)
    progress("mapping", total, total)
    notes += mapper.column_notes()
    matches = _matches(mapped, progress)
    rows = []
    for row in mapped:
        errors = [p.as_json() for p in row.errors]
        found = matches.get(row.number, [])
        rows.append(
            ImportRow(
                number=row.number,
                raw=row.raw,
                mapped=row.values,
                errors=errors,
                warnings=[p.as_json() for p in row.warnings],
                suggestions=row.suggestions,
                matches=found,
                decision=default_decision(errors, found),
            )
        )
    return Analysis(details=table.details, notes=notes, rows=rows, counts=row_counts(rows))
