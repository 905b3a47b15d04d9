from django.core.management.base import BaseCommand, CommandError

from compendium.catalog.models import Economy, EconomyStatus, Organization
from compendium.review.models import FocalPoint
from compendium.surveys.models import Invitation, InvitationRole
from compendium.surveys.services import invitation_create, invitation_link, invitation_send

from ._rounds import round_named


class Command(BaseCommand):
    help = (
        "Invite respondents to a round and print their personal links (and e-mail them with "
        "--send). Respondents who already have a focal-point link are skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--round", required=True, dest="round_slug")
        parser.add_argument("--all-members", action="store_true")
        parser.add_argument("--all-observers", action="store_true")
        parser.add_argument("--economy", action="append", default=[], help="ISO3 code; repeatable")
        parser.add_argument(
            "--organization", action="append", default=[], help="organisation slug; repeatable"
        )
        parser.add_argument("--name", default="", help="focal point's name (one respondent)")
        parser.add_argument("--email", default="", help="focal point's e-mail (one respondent)")
        parser.add_argument("--language", default="en", choices=["en", "fr", "es"])
        parser.add_argument("--send", action="store_true", help="e-mail the links")

    def handle(self, *args, round_slug: str, **options) -> None:
        survey_round = round_named(round_slug)
        economies = list(Economy.objects.filter(code__in=[c.upper() for c in options["economy"]]))
        unknown = {c.upper() for c in options["economy"]} - {e.code for e in economies}
        organizations = list(Organization.objects.filter(slug__in=options["organization"]))
        unknown |= set(options["organization"]) - {o.slug for o in organizations}
        if unknown:
            raise CommandError(f"Unknown economies or organisations: {', '.join(sorted(unknown))}")
        if options["all_members"]:
            economies += list(Economy.objects.filter(status=EconomyStatus.MEMBER))
        if options["all_observers"]:
            economies += list(Economy.objects.filter(status=EconomyStatus.OBSERVER))
        respondents = list(dict.fromkeys(economies)) + organizations
        if not respondents:
            raise CommandError(
                "Say whom to invite: --all-members, --all-observers, --economy or --organization."
            )
        if (options["name"] or options["email"]) and len(respondents) != 1:
            raise CommandError("--name and --email are for inviting one respondent.")
        created = skipped = sent = 0
        for respondent in respondents:
            is_economy = isinstance(respondent, Economy)
            lookup = (
                {"response__economy": respondent}
                if is_economy
                else {"response__organization": respondent}
            )
            if Invitation.objects.filter(
                round=survey_round,
                role=InvitationRole.FOCAL_POINT,
                revoked_at__isnull=True,
                **lookup,
            ).exists():
                skipped += 1
                continue
            name, email = self._contact(respondent, is_economy, options)
            invitation, token = invitation_create(
                actor=None,
                actor_label="survey_invite",
                survey_round=survey_round,
                name=name,
                email=email,
                language=options["language"],
                economy=respondent if is_economy else None,
                organization=None if is_economy else respondent,
            )
            created += 1
            if options["send"] and invitation_send(invitation=invitation, token=token):
                sent += 1
            code = respondent.code if is_economy else respondent.slug
            self.stdout.write(f"{code}\t{name}\t{email or '-'}\t{invitation_link(token)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} invited ({sent} e-mailed), {skipped} already had a link."
            )
        )

    @staticmethod
    def _contact(respondent, is_economy: bool, options) -> tuple[str, str]:
        if options["name"] or options["email"]:
            return options["name"] or options["email"], options["email"]
        lookup = {"economy": respondent} if is_economy else {"organization": respondent}
        focal = FocalPoint.objects.filter(**lookup).select_related("user").first()
        if focal and focal.user.email:
            return focal.user.get_full_name() or focal.user.get_username(), focal.user.email
        return f"Focal point of {respondent.name_en}", ""
