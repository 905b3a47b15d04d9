from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from compendium.surveys.questionnaire import DATA_DIR, QuestionnaireInvalid
from compendium.surveys.services import questionnaire_load, round_open


class Command(BaseCommand):
    help = "Open a survey round with a questionnaire version (loaded from its data file)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--title", required=True)
        parser.add_argument("--slug", required=True, help="short identifier, e.g. r2026")
        parser.add_argument("--deadline", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--questionnaire", type=Path, default=DATA_DIR / "questionnaire.yaml")

    def handle(
        self, *args, title: str, slug: str, deadline: date, questionnaire: Path, **options
    ) -> None:
        try:
            loaded, outcome = questionnaire_load(path=questionnaire)
            survey_round = round_open(
                actor=None,
                actor_label="survey_open",
                title=title,
                slug=slug,
                deadline=deadline,
                questionnaire=loaded,
            )
        except QuestionnaireInvalid as error:
            raise CommandError(
                "The questionnaire was refused:\n" + "\n".join(f"  - {p}" for p in error.problems)
            ) from None
        except ValidationError:
            raise CommandError(f"A round with the slug {slug!r} already exists.") from None
        self.stdout.write(f"Questionnaire {loaded} ({outcome}).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Opened round {survey_round.slug!r}: {survey_round.title}, deadline {deadline}."
            )
        )
