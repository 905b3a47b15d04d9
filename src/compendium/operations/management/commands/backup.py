"""`compendium backup DIR`: the database, MEDIA_ROOT and a checksummed manifest into DIR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compendium.operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded and generated files into a new directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="a new or empty directory")

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            manifest = backup_create(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up the {manifest.vendor} database and {len(manifest.files) - 1} files "
            f"into {directory} at {manifest.created_at} (version {manifest.app_version})."
        )
