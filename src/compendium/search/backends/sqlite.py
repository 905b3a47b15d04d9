"""SQLite FTS5: an external-content table over `search_entrydocument`, kept in step by triggers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.db import connection

from ..query import Clause, Query, Term
from .base import CLOSE, COLUMNS, OPEN, WEIGHTS, Highlight, SearchBackend, marked_to_html

TABLE = "search_entry_fts"
DOCUMENTS = "search_entrydocument"
COLUMN_LIST = ", ".join(COLUMNS)
NEW_VALUES = ", ".join(f"new.{c}" for c in COLUMNS)
OLD_VALUES = ", ".join(f"old.{c}" for c in COLUMNS)
BM25 = f"bm25({TABLE}, {', '.join(str(WEIGHTS[c]) for c in COLUMNS)})"


def _term(term: Term) -> str:
    # Words hold only letters and digits (see query.WORD), so quoting them is always safe.
    phrase = '"' + " ".join(term.words) + '"'
    return phrase + "*" if term.prefix else phrase


def _clause(clause: Clause) -> str:
    if len(clause.alternatives) == 1:
        return _term(clause.alternatives[0])
    return "(" + " OR ".join(_term(t) for t in clause.alternatives) + ")"


def fts_expression(query: Query) -> str:
    return " AND ".join(_clause(c) for c in query.required)


def exclusion_expression(query: Query) -> str:
    return " OR ".join(_term(t) for t in query.excluded)


# The matches of the search being answered, kept in a TEMP table (private to the connection,
# gone with it) while `matching()` is open; the context variable says for which expression.
MATCHES = "compendium_search_matches"
_materialised: ContextVar[str | None] = ContextVar("compendium_search_matches", default=None)


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def required_condition(self, query: Query) -> tuple[str, list]:
        expression = fts_expression(query)
        if _materialised.get() == expression:
            return f"d.entry_id IN (SELECT entry_id FROM temp.{MATCHES})", []
        return (f"d.entry_id IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)", [expression])

    @contextlib.contextmanager
    def matching(self, query: Query) -> Iterator[None]:
        if not query.required:
            yield
            return
        expression = fts_expression(query)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {MATCHES} (entry_id INTEGER PRIMARY KEY)"
            )
            cursor.execute(f"DELETE FROM temp.{MATCHES}")
            cursor.execute(
                f"INSERT INTO temp.{MATCHES} SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s",
                [expression],
            )
        token = _materialised.set(expression)
        try:
            yield
        finally:
            _materialised.reset(token)

    def excluded_condition(self, query: Query) -> tuple[str, list]:
        return (
            f"d.entry_id NOT IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)",
            [exclusion_expression(query)],
        )

    def ranked_sql(self, query: Query, where: str, params: list) -> tuple[str, list]:
        return (
            f"SELECT {TABLE}.rowid FROM {TABLE} JOIN {DOCUMENTS} d ON d.entry_id = {TABLE}.rowid "
            f"WHERE {TABLE} MATCH %s AND {where} ORDER BY {BM25}, {TABLE}.rowid",
            [fts_expression(query), *params],
        )

    def highlights(self, query: Query, ids: list[int]) -> dict[int, Highlight]:
        if not ids or not query.required:
            return {}
        marks = ", ".join(
            f"highlight({TABLE}, {i}, '{OPEN}', '{CLOSE}')" for i in range(len(COLUMNS))
        )
        snippet = f"snippet({TABLE}, 1, '{OPEN}', '{CLOSE}', '…', 32)"
        placeholders = ", ".join("%s" for _ in ids)
        # `+rowid` keeps the id list away from FTS5, which would otherwise run the whole MATCH
        # once per id (a prefix term over 100,000 documents: ~5 ms each); one pass over the
        # matches, with highlight() and snippet() computed for the page's rows only, is cheap.
        sql = (
            f"SELECT rowid, {snippet}, {marks} FROM {TABLE} "
            f"WHERE {TABLE} MATCH %s AND +rowid IN ({placeholders})"
        )
        result = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, [fts_expression(query), *ids])
            for rowid, excerpt, *columns in cursor.fetchall():
                matched = [
                    name
                    for name, text in zip(COLUMNS, columns, strict=True)
                    if text and OPEN in text
                ]
                title = columns[0].split("\n", 1)[0] if columns[0] else ""
                result[rowid] = Highlight(
                    title=marked_to_html(title) if OPEN in title else "",
                    snippet=marked_to_html(excerpt) if excerpt and OPEN in excerpt else "",
                    matched=matched,
                )
        return result

    def install(self, schema_editor) -> None:
        execute = schema_editor.execute
        execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({COLUMN_LIST}, "
            f"content='{DOCUMENTS}', content_rowid='entry_id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        # The documented recipe for keeping an external-content table in step.
        execute(
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ai AFTER INSERT ON {DOCUMENTS} BEGIN "
            f"INSERT INTO {TABLE}(rowid, {COLUMN_LIST}) VALUES (new.entry_id, {NEW_VALUES}); "
            "END"
        )
        execute(
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ad AFTER DELETE ON {DOCUMENTS} BEGIN "
            f"INSERT INTO {TABLE}({TABLE}, rowid, {COLUMN_LIST}) "
            f"VALUES ('delete', old.entry_id, {OLD_VALUES}); END"
        )
        execute(
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_au AFTER UPDATE ON {DOCUMENTS} BEGIN "
            f"INSERT INTO {TABLE}({TABLE}, rowid, {COLUMN_LIST}) "
            f"VALUES ('delete', old.entry_id, {OLD_VALUES}); "
            f"INSERT INTO {TABLE}(rowid, {COLUMN_LIST}) VALUES (new.entry_id, {NEW_VALUES}); "
            "END"
        )
        execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")

    def uninstall(self, schema_editor) -> None:
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    def after_bulk_write(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
            # Statistics for the planner: without them it may scan every document through the
            # `is_public` index instead of looking up the few that match.
            cursor.execute(f"ANALYZE {DOCUMENTS}")
            cursor.execute("ANALYZE search_entryfacet")
