from django.core.management.base import BaseCommand

from compendium.surveys.selectors import invitations_to_remind
from compendium.surveys.services import invitation_reissue, invitation_send

from ._rounds import round_named


class Command(BaseCommand):
    help = (
        "E-mail a reminder to every focal point of a round who has not submitted yet. Each "
        "reminder carries a fresh link (links are stored only as hashes, so the old one "
        "cannot be re-sent); it replaces the earlier link."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--round", required=True, dest="round_slug")

    def handle(self, *args, round_slug: str, **options) -> None:
        survey_round = round_named(round_slug)
        sent = 0
        for invitation in invitations_to_remind(survey_round=survey_round):
            token = invitation_reissue(
                actor=None, actor_label="survey_remind", invitation=invitation
            )
            if invitation_send(invitation=invitation, token=token, purpose="reminder"):
                sent += 1
                self.stdout.write(f"reminded {invitation.email}")
        self.stdout.write(self.style.SUCCESS(f"{sent} reminder(s) sent."))
