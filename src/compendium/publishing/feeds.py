"""An Atom feed of the newest published entries matching any search: the same parameters as the
search page, so every filtered view has its feed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from compendium.catalog import selectors
from compendium.catalog.i18n import current_language
from compendium.search.params import SearchParams
from compendium.search.selectors import search_entries

from .exports import sample_notice
from .metadata import dataset
from .queries import describe, search_from_query, search_page_path
from .representation import entry_record

FEED_SIZE = 50
# Characters XML 1.0 cannot hold: one in an entry's text (forms let through all but NUL) would
# otherwise make the whole feed a server error.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: Any) -> Any:
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    if isinstance(value, list | tuple):
        return [xml_text(v) for v in value]
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom whose items never carry a character XML cannot hold."""

    def add_item(self, title: str, link: str, description: str, **kwargs: Any) -> None:
        kwargs = {name: xml_text(value) for name, value in kwargs.items()}
        super().add_item(xml_text(title), link, xml_text(description), **kwargs)


@dataclass(frozen=True)
class FeedQuery:
    params: SearchParams
    self_url: str  # the feed's own canonical address, query included
    language: str


def newest_entry_ids(params: SearchParams, *, size: int = FEED_SIZE) -> list[int]:
    """The `size` newest published entries matching the search, newest first."""
    newest = replace(params, sort="newest", page=1, page_size=size)
    return [e.pk for e in search_entries(params=newest, facets=False, highlight=False).entries]


class EntriesFeed(Feed):
    feed_type = XmlSafeAtom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedQuery:
        params, _problems = search_from_query(request.GET)  # unusable values are left out
        # The canonical address: the same search always names (and identifies) the same feed.
        query = params.querystring(page=False)
        return FeedQuery(
            params=params,
            self_url=settings.SITE_URL + request.path + (f"?{query}" if query else ""),
            language=current_language(),
        )

    def title(self, obj: FeedQuery) -> str:
        described = describe(obj.params)
        if described:
            return _("Compendium entries: %(search)s") % {"search": described}
        return _("Compendium entries: all published entries")

    def subtitle(self, obj: FeedQuery) -> str:
        return _(
            "The newest published entries of the compendium “Empowering Women to Trade through "
            "Digitalisation: Policy Insights” matching this search."
        )

    def link(self, obj: FeedQuery) -> str:
        return settings.SITE_URL + search_page_path(obj.params)

    def feed_url(self, obj: FeedQuery) -> str:
        return obj.self_url

    def feed_guid(self, obj: FeedQuery) -> str:
        # One feed per search: its own address identifies it.
        return obj.self_url

    def author_name(self, obj: FeedQuery) -> str:
        return dataset(language=obj.language, url=settings.SITE_URL).publisher

    def feed_copyright(self, obj: FeedQuery) -> str:
        about = dataset(language=obj.language, url=settings.SITE_URL)
        return f"{about.licence_name} {about.licence_url}".strip()

    def items(self, obj: FeedQuery) -> list[dict[str, Any]]:
        entries = selectors.entries_for_export(ids=newest_entry_ids(obj.params))
        return [entry_record(e, language=obj.language) for e in entries]

    def item_title(self, item: dict[str, Any]) -> str:
        return item["title"]

    def item_description(self, item: dict[str, Any]) -> str:
        # Atom's summary is typed "html": the plain text is escaped so it reads as written.
        summary = escape(item["description"])
        if item["is_sample"]:
            summary += "<p>" + escape(sample_notice()) + "</p>"
        return summary

    def item_link(self, item: dict[str, Any]) -> str:
        return item["url"]

    def item_guid(self, item: dict[str, Any]) -> str:
        return item["url"]

    def item_pubdate(self, item: dict[str, Any]) -> datetime | None:
        return datetime.fromisoformat(item["published_at"]) if item["published_at"] else None

    def item_updateddate(self, item: dict[str, Any]) -> datetime | None:
        return datetime.fromisoformat(item["updated_at"]) if item["updated_at"] else None

    def item_categories(self, item: dict[str, Any]) -> list[str]:
        return [area["label"] for area in item["policy_areas"]]

    def item_author_name(self, item: dict[str, Any]) -> str:
        contributor = item["contributor"]
        return contributor["name"] or contributor["type"]["label"]


WHATS_NEW_FEED_SIZE = 50


@dataclass(frozen=True)
class WhatsNewQuery:
    since: Any  # whats_new.Since
    self_url: str
    language: str


class WhatsNewFeed(Feed):
    """The published entries added or changed since a date (`?since=YYYY-MM-DD`, default 30
    days ago), newest change first: the “What's new” page as a feed."""

    feed_type = XmlSafeAtom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> WhatsNewQuery:
        from .whats_new import since_from_query

        since = since_from_query(request.GET)
        return WhatsNewQuery(
            since=since,
            self_url=settings.SITE_URL + request.path + f"?since={since.query}",
            language=current_language(),
        )

    def title(self, obj: WhatsNewQuery) -> str:
        return _("Compendium: entries added or changed since %(date)s") % {"date": obj.since.query}

    def subtitle(self, obj: WhatsNewQuery) -> str:
        return _(
            "Published entries of the compendium “Empowering Women to Trade through "
            "Digitalisation: Policy Insights” added or changed since the date, newest first."
        )

    def link(self, obj: WhatsNewQuery) -> str:
        return settings.SITE_URL + reverse("publishing:whats_new") + f"?since={obj.since.query}"

    def feed_url(self, obj: WhatsNewQuery) -> str:
        return obj.self_url

    def feed_guid(self, obj: WhatsNewQuery) -> str:
        return obj.self_url

    def author_name(self, obj: WhatsNewQuery) -> str:
        return dataset(language=obj.language, url=settings.SITE_URL).publisher

    def items(self, obj: WhatsNewQuery) -> list[dict[str, Any]]:
        from .whats_new import published_changes_since

        changed = list(
            published_changes_since(since=obj.since.moment)[:WHATS_NEW_FEED_SIZE].values_list(
                "pk", "changed_at"
            )
        )
        when = dict(changed)
        entries = selectors.entries_for_export(ids=[pk for pk, _at in changed])
        items = []
        for entry in entries:
            record = entry_record(entry, language=obj.language)
            published = entry.published_at
            record["changed_at"] = when[entry.pk]
            record["is_new"] = bool(published and published >= obj.since.moment)
            items.append(record)
        return sorted(items, key=lambda item: item["changed_at"], reverse=True)

    def item_title(self, item: dict[str, Any]) -> str:
        kind = _("New") if item["is_new"] else _("Updated")
        return f"{kind}: {item['title']}"

    def item_description(self, item: dict[str, Any]) -> str:
        summary = escape(item["description"])
        if item["is_sample"]:
            summary += "<p>" + escape(sample_notice()) + "</p>"
        return summary

    def item_link(self, item: dict[str, Any]) -> str:
        return item["url"]

    def item_guid(self, item: dict[str, Any]) -> str:
        # One item per change: the same entry changed again is news again.
        return f"{item['url']}#changed-{item['changed_at'].isoformat()}"

    def item_guid_is_permalink(self, item: dict[str, Any]) -> bool:
        return False

    def item_pubdate(self, item: dict[str, Any]) -> datetime | None:
        return datetime.fromisoformat(item["published_at"]) if item["published_at"] else None

    def item_updateddate(self, item: dict[str, Any]) -> datetime:
        return item["changed_at"]

    def item_categories(self, item: dict[str, Any]) -> list[str]:
        return [area["label"] for area in item["policy_areas"]]
