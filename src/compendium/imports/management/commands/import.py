# The command is named by its file, and `import` is what the issue asks for.
# ruff: noqa: N999
"""`compendium import FILE --source NAME [--mapping FILE] [--sheet S] [--dry-run] [--again]`"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compendium.imports.mappings import available_sources
from compendium.imports.report import report_lines
from compendium.imports.services import ImportRefused, batch_create

STEPS = {
    "reading": "reading the file",
    "mapping": "mapping rows",
    "matching": "looking for duplicates",
}


class Command(BaseCommand):
    help = (
        "Import a partner's CSV or XLSX file as a batch for review (nothing is public until a "
        "curator accepts it). With --dry-run, report everything and write nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source", required=True, help=f"one of: {', '.join(available_sources())}"
        )
        parser.add_argument("--mapping", type=Path, help="a mapping file (YAML) to use instead")
        parser.add_argument("--sheet", default="", help="the workbook's sheet to read")
        parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
        parser.add_argument(
            "--again", action="store_true", help="import a file already imported, once more"
        )

    def _progress(self):
        interactive = sys.stdout.isatty()

        def show(step: str, done: int, total: int) -> None:
            label = STEPS.get(step, step)
            line = f"{label}: {done}/{total}" if total else f"{label}…"
            if interactive:
                self.stdout.write(f"\r{line:<60}", ending="")
            elif not total or done == total:
                self.stdout.write(line)

        return show

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        mapping_text = options["mapping"].read_text(encoding="utf-8") if options["mapping"] else ""
        started = time.monotonic()
        try:
            report = batch_create(
                actor=None,
                actor_label="command line",
                content=path.read_bytes(),
                file_name=path.name,
                source=options["source"],
                mapping_text=mapping_text,
                sheet=options["sheet"],
                dry_run=options["dry_run"],
                again=options["again"],
                progress=self._progress(),
            )
        except ImportRefused as refused:
            lines = "\n".join(f"  - {problem}" for problem in refused.problems)
            raise CommandError(f"Nothing was imported:\n{lines}") from None
        if sys.stdout.isatty():
            self.stdout.write("")
        if report.already_imported:
            batch = report.batch
            self.stdout.write(
                self.style.WARNING(
                    f"This file was already imported as {batch.reference} on "
                    f"{batch.created_at:%Y-%m-%d}: nothing changed. Use --again to import it "
                    "once more."
                )
            )
            return
        for line in report_lines(report.batch, report.rows, dry_run=report.dry_run):
            self.stdout.write(line)
        elapsed = time.monotonic() - started
        done = (
            "Dry run finished"
            if report.dry_run
            else f"Batch {report.batch.reference} is ready for review"
        )
        self.stdout.write(self.style.SUCCESS(f"{done} ({elapsed:.1f} s)."))
