"""The survey fixtures (a round, Chile's invitation) are shared with the survey tests."""

from tests.surveys.conftest import chile_invitation, survey_round  # noqa: F401
