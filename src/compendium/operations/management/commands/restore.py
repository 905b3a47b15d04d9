"""`compendium restore DIR [--yes]`: put a backup back, after checking it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compendium.operations.backup import BackupError
from compendium.operations.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `compendium backup`: checks every file's checksum and the "
        "migrations first; replaces the database and the files (needs --yes if they hold data)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="a directory written by `backup`")
        parser.add_argument(
            "--yes", action="store_true", help="replace the current database and files"
        )

    def handle(self, *args: Any, directory: Path, yes: bool, **options: Any) -> None:
        try:
            plan = backup_restore(directory=directory, confirmed=yes)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = plan.manifest
        self.stdout.write(
            f"Restored the backup of {manifest.created_at} (version {manifest.app_version}) "
            f"from {directory}."
        )
        if plan.pending:
            self.stdout.write(
                f"This code has {len(plan.pending)} migrations the backup predates: "
                "run `compendium migrate` now."
            )
