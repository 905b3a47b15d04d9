from __future__ import annotations

import html
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from ..query import Query

# The indexed columns, in the order of the SQLite FTS5 table, with their relevance weights.
COLUMNS = ("title", "description", "organisations", "places", "areas", "target_groups", "other")
WEIGHTS = {
    "title": 10.0,
    "description": 1.0,
    "organisations": 2.0,
    "places": 2.0,
    "areas": 3.0,
    "target_groups": 3.0,
    "other": 1.5,
}
# Markers the engines put around matched words; never present in escaped text, so escaping
# first and then turning markers into <mark> is safe.
OPEN, CLOSE = "\x02", "\x03"


@dataclass
class Highlight:
    title: str = ""  # HTML, escaped, with <mark> around matched words ("" if nothing matched)
    snippet: str = ""  # HTML excerpt of the description around the matches
    matched: list[str] = field(default_factory=list)  # column names that matched


def marked_to_html(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return escaped.replace(OPEN, "<mark>").replace(CLOSE, "</mark>")


class SearchBackend(ABC):
    """What every database's full-text engine must do for the search selectors: say which
    entries match (filters and counts are done on bitmaps, see `search.bitmaps`), rank a set of
    candidates, and highlight a page. Ids may include entries that are not public: the caller
    keeps only the public ones."""

    vendor: str

    @abstractmethod
    def match_ids(self, query: Query) -> list[int]:
        """Ids of the documents where every required clause of the query matches."""

    @abstractmethod
    def excluded_ids(self, query: Query) -> list[int]:
        """Ids of the documents where any of the query's excluded terms matches."""

    @abstractmethod
    def title_match_ids(self, query: Query) -> list[int]:
        """Ids of the documents whose title alone matches every required clause."""

    @abstractmethod
    def title_matches_among(self, query: Query, ids: list[int]) -> set[int]:
        """Those of the ids whose title alone matches every required clause."""

    @abstractmethod
    def ranked_ids(self, query: Query, candidates: list[int]) -> list[int]:
        """The candidates (all matching the query), best match first, ties by id."""

    @abstractmethod
    def highlights(
        self, query: Query, ids: list[int], *, matches: int | None = None
    ) -> dict[int, Highlight]:
        """Highlighted title, snippet and matched fields for a page of results (`matches`: how
        many documents the words match in all, if known)."""

    @abstractmethod
    def install(self, schema_editor) -> None:
        """Create (or bring up to date) the engine's own structures: virtual tables, triggers,
        configurations. Safe to run again."""

    @abstractmethod
    def uninstall(self, schema_editor) -> None: ...

    def before_rebuild(self) -> None:  # noqa: B027 - optional hook
        """Called with the index emptied, before every document is written again."""

    def after_bulk_write(self) -> None:  # noqa: B027 - optional hook
        """Called after the documents were rewritten wholesale (e.g. to optimise the index)."""
