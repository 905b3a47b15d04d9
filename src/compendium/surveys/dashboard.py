"""The secretariat's view of a round: where each respondent stands, filtered, with response rates
by region and by contributor type, and the same rows as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .models import InvitationState, Round
from .receipt import neutralised
from .selectors import RespondentStatus

STATE_ORDER = [s.value for s in InvitationState]


@dataclass(frozen=True)
class StatusRow:
    status: RespondentStatus
    name: str
    code: str
    kind: str
    kind_label: str
    region: str
    region_label: str

    @property
    def state(self) -> str:
        return self.status.state

    @property
    def state_label(self) -> str:
        return str(InvitationState(self.state).label)

    @property
    def last_activity(self) -> datetime | None:
        return self.status.last_activity  # type: ignore[return-value]


def status_rows(*, survey_round: Round) -> list[StatusRow]:
    kind_labels = {t.slug: t.label for t in selectors.contributor_types()}
    rows = []
    for status in selectors.round_status(survey_round=survey_round):
        response = status.response
        economy, organization = response.economy, response.organization
        kind = economy.status if economy else organization.kind.slug
        rows.append(
            StatusRow(
                status=status,
                name=response.respondent.name,
                code=economy.code if economy else organization.slug,
                kind=kind,
                kind_label=kind_labels.get(kind, kind),
                region=economy.region.slug if economy else "",
                region_label=economy.region.label if economy else "",
            )
        )
    return rows


def filtered(rows: list[StatusRow], *, state: str, region: str, kind: str) -> list[StatusRow]:
    return [
        row
        for row in rows
        if (not state or row.state == state)
        and (not region or row.region == region)
        and (not kind or row.kind == kind)
    ]


@dataclass(frozen=True)
class Rate:
    label: str
    submitted: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


def rates(rows: list[StatusRow], *, by: str) -> list[Rate]:
    """Submitted / invited per region (organisations have none) or per contributor type."""
    groups: dict[str, list[StatusRow]] = {}
    for row in rows:
        label = getattr(row, f"{by}_label") or _("No region (organisations)")
        groups.setdefault(label, []).append(row)
    return [
        Rate(label, sum(r.state == InvitationState.SUBMITTED for r in group), len(group))
        for label, group in sorted(groups.items())
    ]


CSV_COLUMNS = [
    "respondent",
    "code",
    "kind",
    "region",
    "state",
    "links",
    "last_activity",
    "reminders",
]


def csv_text(rows: list[StatusRow]) -> Iterator[str]:
    """One line at a time; every cell neutralised so a spreadsheet never runs it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: list[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralised(v) for v in values])
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    for row in rows:
        activity = row.last_activity
        yield line(
            [
                row.name,
                row.code,
                row.kind,
                row.region,
                row.state,
                row.status.invitations,
                timezone.localtime(activity).strftime("%Y-%m-%d %H:%M") if activity else "",
                row.status.reminders,
            ]
        )
