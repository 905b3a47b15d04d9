from pathlib import Path

from django.core.management.base import BaseCommand

from compendium.catalog.loaders import DATA_DIR, reference_load

from ._loading import run_loader


class Command(BaseCommand):
    help = "Load the taxonomy, the WTO Members and Observers, and the organisations (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--taxonomy", type=Path, default=DATA_DIR / "taxonomy.yaml")
        parser.add_argument("--economies", type=Path, default=DATA_DIR / "economies.csv")
        parser.add_argument("--organizations", type=Path, default=DATA_DIR / "organizations.csv")

    def handle(
        self, *args, taxonomy: Path, economies: Path, organizations: Path, **options
    ) -> None:
        run_loader(
            self,
            lambda: reference_load(
                taxonomy=taxonomy, economies=economies, organizations=organizations
            ),
            "reference data",
        )
