"""A wrong rate in the environment stops the start-up with a clear message, not a 500 at the first
sign-in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from ninja.throttling import AnonRateThrottle

RATE_SETTINGS = (
    "RATELIMIT_SIGNIN_PER_IP",
    "RATELIMIT_SIGNIN_PER_ACCOUNT",
    "RATELIMIT_SURVEY_LINK_PER_IP",
    "RATELIMIT_SURVEY_LINK_PER_TOKEN",
    "API_RATE_LIMIT",
)


@register()
def rates_are_valid(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    for name in RATE_SETTINGS:
        value = getattr(settings, name, None)
        try:
            # An empty rate would fall back to ninja's own default: refuse it too.
            throttle = AnonRateThrottle(value) if value else None
        except (ValueError, TypeError):
            throttle = None
        valid = bool(throttle and throttle.num_requests and throttle.duration)
        if not valid:
            errors.append(
                Error(
                    f"{name} must look like `count/period` (e.g. `30/15m`, `600/m`), "
                    f"not {value!r}.",
                    id="compendium.operations.E001",
                )
            )
    return errors
