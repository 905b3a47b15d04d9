"""Rate limits on the doors an attacker would knock on: the sign-in form (password guessing) and
personal survey links (token guessing). A limit counts some requests per client IP, account or
token in fixed windows stored in the database (shared by every worker); past the limit the view
is not called and the client gets a 429 page with `Retry-After`.

    @rate_limited(SIGNIN_PER_IP, SIGNIN_PER_ACCOUNT)
    def sign_in(request): ...
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from ninja.throttling import AnonRateThrottle

from .models import RateLimitWindow

KeyOf = Callable[[HttpRequest, dict[str, Any]], str | None]
Counts = Callable[[HttpResponse], bool]
# Windows older than this are deleted when a new window starts: no period is longer than a day.
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    name: str  # part of the stored key, e.g. "signin-ip"
    setting: str  # the Django setting holding "count/period"
    key: KeyOf  # what is counted: an IP, a user name, a token (None: not counted)
    counts: Counts  # which answers count against the limit
    methods: frozenset[str] | None = None  # None: every method

    def rate(self) -> tuple[int, int]:
        """(requests allowed, period in seconds), in django-ninja's rate syntax."""
        throttle = AnonRateThrottle(getattr(settings, self.setting))
        return throttle.num_requests, throttle.duration


def client_ip(request: HttpRequest) -> str:
    """The connection's address, or the one the outermost trusted proxy saw (TRUSTED_PROXIES)."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def stored_key(limit: Limit, value: str) -> str:
    # Hashed so neither addresses, user names nor survey tokens are kept.
    return f"{limit.name}:{hashlib.sha256(value.encode()).hexdigest()[:40]}"


def window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def seconds_left(limit: Limit, key: str, now: datetime) -> int | None:
    """Seconds until the limit lets this key in again, or None if it may come in now."""
    allowed, seconds = limit.rate()
    start = window_start(now, seconds)
    hits = (
        RateLimitWindow.objects.filter(key=key, window_start=start)
        .values_list("hits", flat=True)
        .first()
    )
    if hits is None or hits < allowed:
        return None
    return max(1, math.ceil((start + timedelta(seconds=seconds) - now).total_seconds()))


def hit_record(limit: Limit, key: str, now: datetime) -> None:
    """One more counted request in the current window, safe under concurrent workers."""
    _allowed, seconds = limit.rate()
    start = window_start(now, seconds)
    with transaction.atomic():
        windows = RateLimitWindow.objects.filter(key=key, window_start=start)
        if windows.update(hits=F("hits") + 1):
            return
        try:
            with transaction.atomic():
                RateLimitWindow.objects.create(key=key, window_start=start, hits=1)
        except IntegrityError:  # another worker created it first
            windows.update(hits=F("hits") + 1)
            return
        RateLimitWindow.objects.filter(window_start__lt=now - KEEP).delete()


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(
        request,
        "operations/too_many_requests.html",
        {"retry_minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(*limits: Limit) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            now = timezone.now()
            keyed = [
                (limit, stored_key(limit, value))
                for limit in limits
                if limit.methods is None or request.method in limit.methods
                if (value := limit.key(request, kwargs))
            ]
            waits = [wait for limit, key in keyed if (wait := seconds_left(limit, key, now))]
            if waits:
                return too_many_requests(request, max(waits))
            response = view(request, *args, **kwargs)
            for limit, key in keyed:
                if limit.counts(response):
                    hit_record(limit, key, now)
            return response

        return wrapper

    return decorator


# --- the limits in use ----------------------------------------------------------------------------


def _ip(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return client_ip(request)


def _username(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    return request.POST.get("username", "").strip().casefold() or None


def _token(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    return kwargs.get("token") or None


def _refused(response: HttpResponse) -> bool:
    """A sign-in or link that did not let the client through: the form or refusal page again."""
    return response.status_code not in (301, 302, 303)


def _always(response: HttpResponse) -> bool:
    return True


POST = frozenset({"POST"})
SIGNIN_PER_IP = Limit("signin-ip", "RATELIMIT_SIGNIN_PER_IP", _ip, _refused, POST)
SIGNIN_PER_ACCOUNT = Limit(
    "signin-account", "RATELIMIT_SIGNIN_PER_ACCOUNT", _username, _refused, POST
)
SURVEY_LINK_PER_IP = Limit("survey-link-ip", "RATELIMIT_SURVEY_LINK_PER_IP", _ip, _refused)
SURVEY_LINK_PER_TOKEN = Limit(
    "survey-link-token", "RATELIMIT_SURVEY_LINK_PER_TOKEN", _token, _always
)
