from django.core.management.base import CommandError

from compendium.surveys.models import Round


def round_named(slug: str) -> Round:
    survey_round = Round.objects.filter(slug=slug).select_related("questionnaire").first()
    if survey_round is None:
        known = ", ".join(Round.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"There is no round {slug!r} (rounds: {known}).")
    return survey_round
