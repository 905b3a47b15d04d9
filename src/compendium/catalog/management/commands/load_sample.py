from pathlib import Path

from django.core.management.base import BaseCommand

from compendium.catalog.loaders import DATA_DIR, sample_load

from ._loading import run_loader


class Command(BaseCommand):
    help = (
        "Load the illustrative sample of 60 initiatives compiled from public sources as "
        "published entries (idempotent)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--file", type=Path, default=DATA_DIR / "sample_initiatives.json")

    def handle(self, *args, file: Path, **options) -> None:
        run_loader(self, lambda: sample_load(path=file), "illustrative sample")
