from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError

from compendium.catalog.loaders import LoadAborted, LoadReport


def run_loader(command: BaseCommand, load: Callable[[], LoadReport], what: str) -> None:
    """Run a loader, print what it did, and turn a refused file into a clear command error."""
    try:
        report = load()
    except LoadAborted as error:
        lines = "\n".join(f"  - {problem}" for problem in error.problems)
        raise CommandError(
            f"Nothing was loaded: {len(error.problems)} problem(s) in the {what}:\n{lines}"
        ) from None
    for line in report.lines():
        command.stdout.write(f"  {line}")
    if report.changed:
        command.stdout.write(command.style.SUCCESS(f"Loaded the {what}."))
    else:
        command.stdout.write(
            command.style.SUCCESS(f"The {what} is already up to date: nothing changed.")
        )
