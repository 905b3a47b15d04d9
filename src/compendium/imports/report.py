"""The import report in plain text, as the command prints it: the file, then row by row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from .models import Decision, ImportBatch, ImportRow
from .problems import Problem

COUNT_LABELS = {
    "rows": "rows read",
    "with_errors": "rows with errors",
    "with_warnings": "rows with warnings",
    "with_suggestions": "rows with suggested categories",
    "possible_duplicates": "rows with possible duplicates",
    "likely_duplicates": "rows with likely duplicates",
    "new": "new entries (as decided so far)",
    "merge": "merges",
    "skip": "skipped",
    "undecided": "rows waiting for a decision",
}


def _problem_lines(problems: Iterable[dict]) -> Iterator[str]:
    for data in problems:
        problem = Problem.from_json(data)
        yield f"    {problem.level}: {problem}"


def report_lines(batch: ImportBatch, rows: list[ImportRow], *, dry_run: bool) -> list[str]:
    lines = [
        _("Dry run of %(file)s: nothing was written.") % {"file": batch.file_name}
        if dry_run
        else _("Import %(ref)s of %(file)s.") % {"ref": batch.reference, "file": batch.file_name},
        _("Source: %(s)s (%(t)s)") % {"s": batch.source, "t": batch.source_title},
    ]
    lines += [f"  {Problem.from_json(n)}" for n in batch.notes]
    lines += [f"  {batch.counts.get(k, 0):>6} {label}" for k, label in COUNT_LABELS.items()]
    for row in rows:
        if not (row.errors or row.warnings or row.suggestions or row.matches):
            continue
        decision = Decision(row.decision).label if row.decision else _("not decided")
        lines.append(
            _("Row %(n)s: %(title)s [%(d)s]") % {"n": row.number, "title": row.title, "d": decision}
        )
        lines += _problem_lines(row.errors)
        lines += _problem_lines(row.warnings)
        for field, suggestions in row.suggestions.items():
            values = ", ".join(f"{s['value']} ({', '.join(s['keywords'])})" for s in suggestions)
            lines.append(
                "    " + _("suggested %(field)s: %(values)s") % {"field": field, "values": values}
            )
        for match in row.matches:
            target = (
                _("entry #%(id)s “%(title)s”") % {"id": match["entry"], "title": match["title"]}
                if match["kind"] == "entry"
                else _("row %(n)s") % {"n": match["row"]}
            )
            lines.append(
                "    "
                + _("possible duplicate of %(target)s: %(score)s (%(why)s)")
                % {"target": target, "score": match["score"], "why": "; ".join(match["reasons"])}
            )
    return lines
