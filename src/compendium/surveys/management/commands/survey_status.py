import csv
from collections import Counter

from django.core.management.base import BaseCommand

from compendium.surveys.models import InvitationState
from compendium.surveys.selectors import round_status

from ._rounds import round_named

COLUMNS = ["respondent", "code", "kind", "region", "state", "links", "last_activity", "reminders"]


class Command(BaseCommand):
    help = "Where each respondent of a round stands, and the response rates."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--round", required=True, dest="round_slug")
        parser.add_argument(
            "--csv", action="store_true", dest="as_csv", help="CSV on standard output"
        )

    def handle(self, *args, round_slug: str, as_csv: bool, **options) -> None:
        rows = [self._row(status) for status in round_status(survey_round=round_named(round_slug))]
        if as_csv:
            writer = csv.writer(self.stdout)
            writer.writerow(COLUMNS)
            writer.writerows([row[c] for c in COLUMNS] for row in rows)
            return
        width = max([len(r["respondent"]) for r in rows] + [10])
        self.stdout.write(f"{'respondent':<{width}}  {'state':<12} {'last activity':<17} reminders")
        for r in rows:
            self.stdout.write(
                f"{r['respondent']:<{width}}  {r['state']:<12} "
                f"{r['last_activity'] or '-':<17} {r['reminders']}"
            )
        self._rates(rows, "region")
        self._rates(rows, "kind")

    @staticmethod
    def _row(status) -> dict:
        response = status.response
        economy = response.economy
        return {
            "respondent": str(response.respondent.name_en),
            "code": economy.code if economy else response.organization.slug,
            "kind": economy.status if economy else response.organization.kind.slug,
            "region": economy.region.slug if economy else "",
            "state": status.state,
            "links": status.invitations,
            "last_activity": f"{status.last_activity:%Y-%m-%d %H:%M}"
            if status.last_activity
            else "",
            "reminders": status.reminders,
        }

    def _rates(self, rows: list[dict], by: str) -> None:
        total, submitted = Counter(), Counter()
        for row in rows:
            total[row[by] or "-"] += 1
            submitted[row[by] or "-"] += row["state"] == InvitationState.SUBMITTED
        self.stdout.write(f"\nResponse rate by {by}:")
        for key in sorted(total):
            self.stdout.write(
                f"  {key:<34} {submitted[key]:>3}/{total[key]:<3} "
                f"{100 * submitted[key] // total[key]:>3}%"
            )
