"""The survey from the command line: open a round, invite, remind, see where everyone stands."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from compendium.surveys.models import Invitation, Response
from compendium.surveys.selectors import invitation_for_token

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_whole_round_from_the_command_line():
    out = run(
        "survey_open", "--title", "2026 survey", "--slug", "r2026", "--deadline", "2026-12-31"
    )
    assert "Opened round 'r2026'" in out
    out = run("survey_invite", "--round", "r2026", "--all-members", "--all-observers")
    links = re.findall(r"\thttp://\S+/survey/link/(\S+)/$", out, flags=re.MULTILINE)
    assert len(links) == 188
    assert "188 invited (0 e-mailed), 0 already had a link." in out
    assert invitation_for_token(links[0]).round.slug == "r2026"
    # Inviting again skips those who already have a link.
    assert "0 invited (0 e-mailed), 188 already had a link." in run(
        "survey_invite", "--round", "r2026", "--all-members", "--all-observers"
    )

    out = run(
        "survey_invite",
        "--round",
        "r2026",
        "--organization",
        "itc",
        "--name",
        "ITC",
        "--email",
        "fp@itc.example",
        "--language",
        "fr",
        "--send",
    )
    assert "1 invited (1 e-mailed)" in out
    assert mail.outbox[-1].to == ["fp@itc.example"]

    out = run("survey_remind", "--round", "r2026")
    assert "1 reminder(s) sent." in out
    reminded = Invitation.objects.get(email="fp@itc.example")
    assert reminded.reminders_sent == 1

    table = run("survey_status", "--round", "r2026")
    assert "Response rate by region:" in table
    assert "africa" in table
    rows = list(csv.DictReader(io.StringIO(run("survey_status", "--round", "r2026", "--csv"))))
    assert len(rows) == Response.objects.filter(round__slug="r2026").count() == 189
    assert {r["state"] for r in rows} == {"not_opened"}


def test_command_errors_are_clear():
    with pytest.raises(CommandError, match="There is no round 'nope'"):
        run("survey_status", "--round", "nope")
    run("survey_open", "--title", "T", "--slug", "r1", "--deadline", "2026-12-31")
    with pytest.raises(CommandError, match="already exists"):
        run("survey_open", "--title", "T", "--slug", "r1", "--deadline", "2026-12-31")
    with pytest.raises(CommandError, match="Unknown economies or organisations: XXX"):
        run("survey_invite", "--round", "r1", "--economy", "XXX")
    with pytest.raises(CommandError, match="Say whom to invite"):
        run("survey_invite", "--round", "r1")
