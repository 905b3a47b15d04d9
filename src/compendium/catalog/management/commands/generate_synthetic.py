import sys
import time

from django.core.management.base import BaseCommand, CommandError

from compendium.catalog.synthetic import synthetic_generate


class Command(BaseCommand):
    help = (
        "Generate N published synthetic entries for benchmarks (realistic text and category "
        "mixes, marked synthetic, slugs synthetic-<n>). The same seed gives the same entries."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("count", type=int, help="How many entries to add.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=1000, help="Entries per bulk write.")

    def handle(self, *args, count: int, seed: int, batch: int, **options) -> None:
        if count < 1 or batch < 1:
            raise CommandError("N and --batch must be positive.")
        started = time.monotonic()
        interactive = sys.stdout.isatty()

        def progress(done: int, total: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            width = 30
            filled = width * done // total
            line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} entries, {rate:.0f}/s"
            if interactive:
                self.stdout.write(f"\r{line}", ending="")
            elif done == total or done % max(batch, total // 10) < batch:
                self.stdout.write(line)

        try:
            made = synthetic_generate(count=count, seed=seed, batch=batch, progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if interactive:
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {made} synthetic entries in {time.monotonic() - started:.1f} s."
            )
        )
