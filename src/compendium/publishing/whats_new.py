"""“What's new”: the published entries added or changed since a date, newest change first, read
from the catalog's history (EntryVersion), as a page and as an Atom feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.paginator import Paginator
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from compendium.catalog import selectors
from compendium.catalog.models import Entry

DEFAULT_DAYS = 30
PAGE_SIZE = 20


# --- the selector ---------------------------------------------------------------------------------


def published_changes_since(*, since: datetime) -> QuerySet[Entry]:
    """Published entries with a version written at or after `since`, annotated with the time of
    their latest change (`changed_at`), newest first. Only published entries: the public never
    learns that an unpublished entry exists or changed."""
    changed = selectors.published_entries().annotate(
        changed_at=Max("versions__created_at", filter=Q(versions__created_at__gte=since))
    )
    return selectors.entry_list(
        entries=changed.filter(changed_at__isnull=False).order_by("-changed_at", "-pk")
    )


# --- reading the date -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Since:
    day: date
    problem: str  # why the asked date was not used, or ""

    @property
    def moment(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.day, time.min))

    @property
    def query(self) -> str:
        return self.day.isoformat()


def since_from_query(query: QueryDict) -> Since:
    """`since=YYYY-MM-DD`; 30 days ago when missing or unreadable (and then said why)."""
    default = timezone.localdate() - timedelta(days=DEFAULT_DAYS)
    raw = query.get("since", "").strip()
    if not raw:
        return Since(default, "")
    try:
        day = date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        problem = _("“%(value)s” is not a date written YYYY-MM-DD; showing the last %(days)s days.")
        return Since(default, problem % {"value": raw[:30], "days": DEFAULT_DAYS})
    return Since(day, "")


# --- the page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    entry: Entry
    changed_at: datetime
    is_new: bool  # first published since the date (else: changed since)


def changes_of(entries: list[Entry], since: datetime) -> list[Change]:
    return [
        Change(
            entry=entry,
            changed_at=entry.changed_at,
            is_new=bool(entry.published_at and entry.published_at >= since),
        )
        for entry in entries
    ]


def _page_url(since: Since, page: int) -> str:
    query = f"since={since.query}" + (f"&page={page}" if page > 1 else "")
    return f"{reverse('publishing:whats_new')}?{query}"


@require_safe
def whats_new_page(request: HttpRequest) -> HttpResponse:
    since = since_from_query(request.GET)
    paginator = Paginator(published_changes_since(since=since.moment), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    feed = reverse("publishing:feed_whats_new") + f"?since={since.query}"
    return render(
        request,
        "publishing/whats_new/page.html",
        {
            "since": since,
            "changes": changes_of(list(page.object_list), since.moment),
            "page": page,
            "total": paginator.count,
            "previous_url": _page_url(since, page.number - 1) if page.has_previous() else "",
            "next_url": _page_url(since, page.number + 1) if page.has_next() else "",
            "feed_url": feed,
        },
    )
