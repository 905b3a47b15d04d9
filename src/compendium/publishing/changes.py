"""What changed between a revision and the edition it revises: entries added, modified (with the
fields that changed) and withdrawn, read from the two editions' frozen snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compendium.search.query import fold

from .models import Edition
from .snapshots import changed_fields


@dataclass(frozen=True)
class EditionChanges:
    previous_symbols: str
    added: list[dict[str, Any]]
    modified: list[dict[str, Any]]  # each with "fields": the names of the fields that changed
    withdrawn: list[dict[str, Any]]

    @property
    def count(self) -> int:
        return len(self.added) + len(self.modified) + len(self.withdrawn)


def _frozen(edition: Edition) -> dict[int, dict[str, Any]]:
    return dict(edition.entries.values_list("entry_id", "snapshot"))


def _item(snapshot: dict[str, Any], fields: list[str] | None = None) -> dict[str, Any]:
    item = {"slug": snapshot["slug"], "title": snapshot["title"], "heading": snapshot["heading"]}
    if fields is not None:
        item["fields"] = fields
    return item


def _by_title(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: (fold(item["title"]), item["slug"]))


def edition_changes(*, edition: Edition) -> EditionChanges | None:
    """None for a first edition (Rev.0)."""
    previous = edition.previous
    if previous is None:
        return None
    before, after = _frozen(previous), _frozen(edition)
    added = [_item(after[pk]) for pk in after.keys() - before.keys()]
    withdrawn = [_item(before[pk]) for pk in before.keys() - after.keys()]
    modified = []
    for pk in after.keys() & before.keys():
        fields = changed_fields(before[pk], after[pk])
        if fields:
            modified.append(_item(after[pk], fields))
    return EditionChanges(
        previous_symbols=previous.full_symbols,
        added=_by_title(added),
        modified=_by_title(modified),
        withdrawn=_by_title(withdrawn),
    )
