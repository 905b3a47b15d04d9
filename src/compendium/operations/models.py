"""Counters behind the rate limits. They live in the database, not in a per-process cache, so every
gunicorn worker (and every app server) counts against the same limit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateLimitWindow(models.Model):
    """How many counted requests one client (an IP, an account, a link) made in one fixed window.
    `key` is a hash: neither addresses, user names nor survey tokens are stored."""

    key = models.CharField(_("key"), max_length=80)
    window_start = models.DateTimeField(_("window start"))
    hits = models.PositiveIntegerField(_("hits"), default=0)

    class Meta:
        verbose_name = _("rate limit window")
        verbose_name_plural = _("rate limit windows")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_one_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window_start")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.hits}"
