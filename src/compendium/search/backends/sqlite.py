"""SQLite FTS5: an external-content table over `search_entrydocument`, kept in step by triggers."""

from __future__ import annotations

import json

from django.db import connection

from ..query import Clause, Query, Term
from .base import CLOSE, COLUMNS, OPEN, WEIGHTS, Highlight, SearchBackend, marked_to_html

TABLE = "search_entry_fts"
DOCUMENTS = "search_entrydocument"
COLUMN_LIST = ", ".join(COLUMNS)
NEW_VALUES = ", ".join(f"new.{c}" for c in COLUMNS)
OLD_VALUES = ", ".join(f"old.{c}" for c in COLUMNS)
TOKENIZER = "porter unicode61 remove_diacritics 2"
HIGHLIGHTS = "compendium_search_highlights"
TITLES = "compendium_search_titles"
# Up to this many matches, highlights are taken from the index itself (see `highlights`).
DIRECT_HIGHLIGHTS = 5_000
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


def _highlight(excerpt: str | None, texts: list[str | None]) -> Highlight:
    matched = [name for name, text in zip(COLUMNS, texts, strict=True) if text and OPEN in text]
    title = texts[0].split("\n", 1)[0] if texts[0] else ""
    return Highlight(
        title=marked_to_html(title) if OPEN in title else "",
        snippet=marked_to_html(excerpt) if excerpt and OPEN in excerpt else "",
        matched=matched,
    )


def _ids(sql: str, params: list) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _matching(expression: str) -> list[int]:
    """The rowids matching an FTS5 expression. Joined into one string by SQLite: a third less
    time than fetching 40,000 rows one tuple each."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT group_concat(rowid) FROM {TABLE} WHERE {TABLE} MATCH %s", [expression]
        )
        joined = cursor.fetchone()[0]
    return list(map(int, joined.split(","))) if joined else []


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def match_ids(self, query: Query) -> list[int]:
        return _matching(fts_expression(query))

    def excluded_ids(self, query: Query) -> list[int]:
        return _matching(exclusion_expression(query))

    def title_match_ids(self, query: Query) -> list[int]:
        # A column filter over the whole expression: every clause must match in the title.
        return _matching(f"title : ({fts_expression(query)})")

    def title_matches_among(self, query: Query, ids: list[int]) -> set[int]:
        if not ids or not query.required:
            return set()
        # A MATCH on the index walks every document holding the words, even for a column
        # filter; these few titles are matched in a private table of their own instead.
        placeholders = ", ".join("%s" for _ in ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{TITLES} USING fts5(title, "
                f"tokenize={TOKENIZER!r})"
            )
            cursor.execute(f"DELETE FROM temp.{TITLES}")
            cursor.execute(
                f"INSERT INTO temp.{TITLES} (rowid, title) SELECT entry_id, title "
                f"FROM {DOCUMENTS} WHERE entry_id IN ({placeholders})",
                ids,
            )
            cursor.execute(
                f"SELECT rowid FROM temp.{TITLES} WHERE {TITLES} MATCH %s", [fts_expression(query)]
            )
            found = {row[0] for row in cursor.fetchall()}
            cursor.execute(f"DELETE FROM temp.{TITLES}")
        return found

    def ranked_ids(self, query: Query, candidates: list[int]) -> list[int]:
        if not candidates:
            return []
        # `+rowid` keeps the candidates away from FTS5, which would otherwise run the MATCH once
        # per id; bm25() is computed only for the rows that pass.
        return _ids(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s "
            f"AND +rowid IN (SELECT value FROM json_each(%s)) ORDER BY {BM25}, rowid",
            [fts_expression(query), json.dumps(candidates)],
        )

    def highlights(
        self, query: Query, ids: list[int], *, matches: int | None = None
    ) -> dict[int, Highlight]:
        if not ids or not query.required:
            return {}
        # highlight() and snippet() need a MATCH, which walks every matching document: cheap
        # for a few thousand, 80 ms for a word in most of 100,000. Then the page's documents
        # are copied into a private FTS5 table with the same tokenizer and highlighted there.
        if matches is not None and matches <= DIRECT_HIGHLIGHTS:
            table = TABLE
            placeholders = ", ".join("%s" for _ in ids)
            # `+rowid` keeps the ids away from FTS5, which would run the MATCH once per id.
            restrict = f" AND +rowid IN ({placeholders})"
        else:
            table, restrict = HIGHLIGHTS, ""
        marks = ", ".join(
            f"highlight({table}, {i}, '{OPEN}', '{CLOSE}')" for i in range(len(COLUMNS))
        )
        snippet = f"snippet({table}, 1, '{OPEN}', '{CLOSE}', '…', 32)"
        select = f"SELECT rowid, {snippet}, {marks} FROM {table} WHERE {table} MATCH %s"
        with connection.cursor() as cursor:
            if table == TABLE:
                cursor.execute(select + restrict, [fts_expression(query), *ids])
                rows = cursor.fetchall()
            else:
                rows = self._highlight_apart(cursor, select, query, ids)
        return {rowid: _highlight(excerpt, texts) for rowid, excerpt, *texts in rows}

    def _highlight_apart(self, cursor, select: str, query: Query, ids: list[int]) -> list:
        columns = ", ".join(COLUMNS)
        placeholders = ", ".join("%s" for _ in ids)
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{HIGHLIGHTS} USING fts5({columns}, "
            f"tokenize={TOKENIZER!r})"
        )
        cursor.execute(f"DELETE FROM temp.{HIGHLIGHTS}")
        cursor.execute(
            f"INSERT INTO temp.{HIGHLIGHTS} (rowid, {columns}) SELECT entry_id, {columns} "
            f"FROM {DOCUMENTS} WHERE entry_id IN ({placeholders})",
            ids,
        )
        cursor.execute(select, [fts_expression(query)])
        rows = cursor.fetchall()
        cursor.execute(f"DELETE FROM temp.{HIGHLIGHTS}")
        return rows

    def install(self, schema_editor) -> None:
        execute = schema_editor.execute
        execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({COLUMN_LIST}, "
            f"content='{DOCUMENTS}', content_rowid='entry_id', tokenize={TOKENIZER!r})"
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
