from __future__ import annotations

import contextlib
import html
from abc import ABC, abstractmethod
from collections.abc import Iterator
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
    """What every database's full-text engine must do for the search selectors."""

    vendor: str

    @abstractmethod
    def required_condition(self, query: Query) -> tuple[str, list]:
        """A condition on the documents table (alias `d`) true where every required clause of
        the query matches. Only called when the query has required clauses."""

    @abstractmethod
    def excluded_condition(self, query: Query) -> tuple[str, list]:
        """A condition on `d` true where none of the query's excluded terms matches."""

    @abstractmethod
    def ranked_sql(self, query: Query, where: str, params: list) -> tuple[str, list]:
        """SQL selecting `entry_id` of the documents `d` satisfying `where` that match the query,
        best first; the caller adds LIMIT and OFFSET."""

    @abstractmethod
    def highlights(self, query: Query, ids: list[int]) -> dict[int, Highlight]:
        """Highlighted title, snippet and matched fields for a page of results."""

    @abstractmethod
    def install(self, schema_editor) -> None:
        """Create the engine's own structures (virtual tables, triggers, configurations)."""

    @abstractmethod
    def uninstall(self, schema_editor) -> None: ...

    @contextlib.contextmanager
    def matching(self, query: Query) -> Iterator[None]:
        """While open, `required_condition(query)` may use matches computed once on entering:
        one search asks the text engine several times (count, facets, pages), and on a large
        index with synonyms expanded that is the costly part. By default: nothing to prepare."""
        yield

    def after_bulk_write(self) -> None:  # noqa: B027 - optional hook
        """Called after the documents were rewritten wholesale (e.g. to optimise the index)."""
