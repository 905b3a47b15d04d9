import shutil
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compendium.publishing.building import atomic_path
from compendium.publishing.errors import EditionError
from compendium.publishing.frame import LANGUAGES
from compendium.publishing.selectors import edition_by_reference
from compendium.publishing.services import edition_build


class Command(BaseCommand):
    help = (
        "Build the official document of a frozen edition (DOCX, PDF), with progress; the files "
        "are recorded on the edition's page and, with --out, copied into a directory."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("edition", help="The edition's id or symbols, e.g. INF/TGE/W/12/Rev.1")
        parser.add_argument("--format", default="docx,pdf", help="docx, pdf or docx,pdf")
        parser.add_argument("--language", default="en", choices=LANGUAGES)
        parser.add_argument("--out", type=Path, help="Also copy the files into this directory.")

    def handle(self, *args, **options) -> None:
        edition = edition_by_reference(reference=options["edition"])
        if edition is None:
            raise CommandError(f"No edition {options['edition']!r} (give its id or symbols).")
        formats = [f.strip().lower() for f in options["format"].split(",") if f.strip()]
        started = time.monotonic()
        interactive = sys.stdout.isatty()
        last = {"stage": ""}

        def progress(stage: str, done: int, total: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            line = f"{stage:<12} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
            if interactive:
                self.stdout.write(f"\r{line}", ending="")
            elif done == total or stage != last["stage"] or done % 1000 < 50:
                self.stdout.write(line)
            last["stage"] = stage

        try:
            files = edition_build(
                edition=edition,
                actor=None,
                actor_label="compendium edition_build",
                formats=formats,
                language=options["language"],
                progress=progress,
            )
        except EditionError as error:
            raise CommandError(str(error)) from None
        if interactive:
            self.stdout.write("")
        for file in files:
            where = Path(file.file.path)
            if options["out"]:
                target = options["out"] / file.filename
                with atomic_path(target) as temporary:
                    shutil.copyfile(where, temporary)
                where = target
            self.stdout.write(
                f"{file.format.upper()}: {where} ({file.size:,} bytes, sha256 {file.sha256})"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {len(files)} file(s) of {edition.full_symbols} in "
                f"{time.monotonic() - started:.1f} s."
            )
        )
