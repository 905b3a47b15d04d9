import sys
import time

from django.core.management.base import BaseCommand

from compendium.search.indexing import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text index and the facet values of every entry, with progress."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        interactive = sys.stdout.isatty()

        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} entries"
            if interactive:
                self.stdout.write(f"\r{line}", ending="")
            elif done == total or done % 5000 < 500:
                self.stdout.write(line)

        count = search_index_rebuild(progress=progress)
        if interactive:
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count} entries in {time.monotonic() - started:.1f} s.")
        )
