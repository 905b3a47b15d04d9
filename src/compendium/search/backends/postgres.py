"""PostgreSQL full text: a weighted `tsvector` column kept by a trigger, a GIN index, `unaccent`,
and English, French and Spanish stemming side by side (entries and users mix the languages)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.db import connection, transaction

from ..query import Clause, Query, Term
from .base import CLOSE, COLUMNS, OPEN, Highlight, SearchBackend, marked_to_html

DOCUMENTS = "search_entrydocument"
CONFIGS = {
    "compendium_en": "english_stem",
    "compendium_fr": "french_stem",
    "compendium_es": "spanish_stem",
}
# Weights: A title, B policy areas and target groups, C places, organisations and the other
# labels, D description.
VECTOR = """
    setweight(compendium_tsv(coalesce(NEW.title, '')), 'A')
    || setweight(compendium_tsv(coalesce(NEW.areas, '') || ' '
                                || coalesce(NEW.target_groups, '')), 'B')
    || setweight(compendium_tsv(coalesce(NEW.places, '') || ' ' || coalesce(NEW.organisations, '')
                                || ' ' || coalesce(NEW.other, '')), 'C')
    || setweight(compendium_tsv(coalesce(NEW.description, '')), 'D')
"""
TITLE_OPTIONS = f"HighlightAll=true, StartSel={OPEN}, StopSel={CLOSE}"
HEADLINE_OPTIONS = (
    f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=35, MinWords=15, "
    'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
)


def _term(term: Term) -> tuple[str, list]:
    """A tsquery that matches the term in any of the three languages."""
    text = " ".join(term.words)
    if term.is_phrase:
        parts = [f"phraseto_tsquery('{config}', %s)" for config in CONFIGS]
        return "(" + " || ".join(parts) + ")", [text] * len(CONFIGS)
    # Words are letters and digits only (query.WORD), so `word:*` cannot smuggle an operator.
    pattern = f"{text}:*" if term.prefix else text
    parts = [f"to_tsquery('{config}', %s)" for config in CONFIGS]
    return "(" + " || ".join(parts) + ")", [pattern] * len(CONFIGS)


def _clause(clause: Clause) -> tuple[str, list]:
    sqls, params = [], []
    for term in clause.alternatives:
        sql, p = _term(term)
        sqls.append(sql)
        params += p
    return "(" + " || ".join(sqls) + ")", params


def tsquery(query: Query) -> tuple[str, list]:
    """The query's required clauses as one tsquery expression."""
    sqls, params = [], []
    for clause in query.required:
        sql, p = _clause(clause)
        sqls.append(sql)
        params += p
    return " && ".join(sqls), params


# The ids matching the search being answered, fetched once while `matching()` is open (a list in
# the process, not a temporary table: read replicas refuse to create tables).
_matches: ContextVar[tuple[Query, list[int]] | None] = ContextVar(
    "compendium_search_matches", default=None
)


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def required_condition(self, query: Query) -> tuple[str, list]:
        materialised = _matches.get()
        if materialised is not None and materialised[0] == query:
            # A set the planner can hash (`= ANY(array)` would compare every row with every id).
            return "d.entry_id IN (SELECT unnest(%s::bigint[]))", [materialised[1]]
        sql, params = tsquery(query)
        return f"d.vector @@ ({sql})", params

    @contextlib.contextmanager
    def matching(self, query: Query) -> Iterator[None]:
        if not query.required:
            yield
            return
        sql, params = tsquery(query)
        with transaction.atomic(), connection.cursor() as cursor:
            # The planner misjudges prefix queries and, not counting the cost of decompressing
            # every document's vector, prefers reading the whole table to the GIN index: 25 ms
            # instead of 1.4 ms for a selective query at 5,000 entries, 40 instead of 9 for one
            # matching everything. A full-text match is what the GIN index is for.
            # Inside an outer transaction `SET LOCAL` would outlive this block: put it back.
            cursor.execute("SELECT current_setting('enable_seqscan')")
            previous = cursor.fetchone()[0]
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"SELECT entry_id FROM {DOCUMENTS} WHERE vector @@ ({sql})", params)
            ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
        token = _matches.set((query, ids))
        try:
            yield
        finally:
            _matches.reset(token)

    def excluded_condition(self, query: Query) -> tuple[str, list]:
        parts, params = [], []
        for term in query.excluded:
            sql, p = _term(term)
            parts.append(sql)
            params += p
        return f"NOT (d.vector @@ ({' || '.join(parts)}))", params

    def ranked_sql(self, query: Query, where: str, params: list) -> tuple[str, list]:
        tsq, tsq_params = tsquery(query)
        # With the matches already known, only their vectors are read (and decompressed) to
        # rank them, instead of testing every document's vector again. `ts_rank` rather than
        # `ts_rank_cd`: the same weights by field, a third of the time (cover density walks every
        # position of these multi-language vectors).
        matched, matched_params = self.required_condition(query)
        return (
            f"SELECT d.entry_id FROM {DOCUMENTS} d WHERE {where} AND {matched} "
            f"ORDER BY ts_rank('{{0.1, 0.3, 0.6, 1.0}}', d.vector, ({tsq}), 1) DESC, d.entry_id",
            [*params, *matched_params, *tsq_params],
        )

    def highlights(self, query: Query, ids: list[int]) -> dict[int, Highlight]:
        if not ids or not query.required:
            return {}
        tsq, params = tsquery(query)
        checks = ", ".join(f"compendium_tsv({column}) @@ q.query" for column in COLUMNS)
        sql = (
            f"WITH q AS (SELECT ({tsq}) AS query) "
            f"SELECT entry_id, "
            f"ts_headline('compendium_en', split_part(title, E'\\n', 1), q.query, %s), "
            f"ts_headline('compendium_en', description, q.query, %s), {checks} "
            f"FROM {DOCUMENTS}, q WHERE entry_id = ANY(%s)"
        )
        result = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, TITLE_OPTIONS, HEADLINE_OPTIONS, list(ids)])
            for entry_id, title, excerpt, *flags in cursor.fetchall():
                result[entry_id] = Highlight(
                    title=marked_to_html(title) if OPEN in title else "",
                    snippet=marked_to_html(excerpt) if OPEN in excerpt else "",
                    matched=[c for c, hit in zip(COLUMNS, flags, strict=True) if hit],
                )
        return result

    def install(self, schema_editor) -> None:
        execute = schema_editor.execute
        execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        for config, stemmer in CONFIGS.items():
            language = stemmer.removesuffix("_stem")
            execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {config} CASCADE")
            execute(f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = {language})")
            execute(
                f"ALTER TEXT SEARCH CONFIGURATION {config} ALTER MAPPING FOR "
                f"hword, hword_part, word WITH unaccent, {stemmer}"
            )
        execute(
            "CREATE OR REPLACE FUNCTION compendium_tsv(body text) RETURNS tsvector "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT "
            + " || ".join(f"to_tsvector('{c}'::regconfig, body)" for c in CONFIGS)
            + " $$"
        )
        execute(f"ALTER TABLE {DOCUMENTS} ADD COLUMN IF NOT EXISTS vector tsvector")
        execute(
            "CREATE OR REPLACE FUNCTION search_entrydocument_vector() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN NEW.vector := {VECTOR}; RETURN NEW; END $$"
        )
        execute(f"DROP TRIGGER IF EXISTS search_entrydocument_vector ON {DOCUMENTS}")
        execute(
            f"CREATE TRIGGER search_entrydocument_vector BEFORE INSERT OR UPDATE ON "
            f"{DOCUMENTS} FOR EACH ROW EXECUTE FUNCTION search_entrydocument_vector()"
        )
        execute(
            f"CREATE INDEX IF NOT EXISTS search_entrydocument_vector_gin ON {DOCUMENTS} "
            "USING gin (vector)"
        )

    def uninstall(self, schema_editor) -> None:
        execute = schema_editor.execute
        execute(f"DROP TRIGGER IF EXISTS search_entrydocument_vector ON {DOCUMENTS}")
        execute("DROP FUNCTION IF EXISTS search_entrydocument_vector()")
        execute(f"ALTER TABLE {DOCUMENTS} DROP COLUMN IF EXISTS vector")
        execute("DROP FUNCTION IF EXISTS compendium_tsv(text)")
        for config in CONFIGS:
            execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {config}")

    def after_bulk_write(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DOCUMENTS}")
            cursor.execute("ANALYZE search_entryfacet")
