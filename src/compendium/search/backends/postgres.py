"""PostgreSQL full text: a weighted `tsvector` column kept by a trigger, a GIN index, `unaccent`,
and English, French and Spanish stemming side by side (entries and users mix the languages)."""

from __future__ import annotations

from django.db import connection, transaction

from ..query import Clause, Query, Term, words_of
from .base import CLOSE, COLUMNS, OPEN, Highlight, SearchBackend, marked_to_html

DOCUMENTS = "search_entrydocument"
# The vectors live in a narrow table of their own, stored out of line and uncompressed: a match
# then reads 6 MB of rows instead of the documents' 160 MB (25 ms instead of 213 ms for a word
# in every document at 100,000 entries), and ranking skips decompression. `title_vector` makes
# "matches in the title" an index lookup.
VECTORS = "search_entryvector"
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


# The vector's weights and the fields each one holds (see VECTOR).
WEIGHT_GROUPS = {
    "a": ("title",),
    "b": ("areas", "target_groups"),
    "c": ("places", "organisations", "other"),
    "d": ("description",),
}
SHARED_WEIGHT_COLUMNS = ("areas", "target_groups", "places", "organisations", "other")


def _matched_columns(query: Query, flags: list[bool], fields: dict[str, str]) -> list[str]:
    """The fields that matched, in COLUMNS order. Where one weight holds several fields, the
    ones holding a word that begins like a query word (stems drop at most a few letters); if
    none does, every non-empty field of that weight."""
    prefixes = [word[: max(4, len(word) - 2)] for word in query.words]
    matched: set[str] = set()
    for hit, columns in zip(flags, WEIGHT_GROUPS.values(), strict=True):
        if not hit:
            continue
        if len(columns) == 1:
            matched.update(columns)
            continue
        holding = [
            c
            for c in columns
            if any(w.startswith(p) for w in words_of(fields[c] or "") for p in prefixes)
        ]
        matched.update(holding or [c for c in columns if fields[c]])
    return [c for c in COLUMNS if c in matched]


def _ids(sql: str, params: list) -> list[int]:
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner underestimates what reading vectors costs and may prefer scanning every
        # row to the GIN index (25 ms instead of 1.4 ms for a selective query at 5,000
        # entries). A full-text match is what the index is for. Inside an outer transaction
        # `SET LOCAL` would outlive this block: put it back.
        cursor.execute("SELECT current_setting('enable_seqscan')")
        previous = cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
    return ids


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def match_ids(
        self, query: Query, *, rank_within: list[int] | None = None
    ) -> tuple[list[int], list[int] | None]:
        sql, params = tsquery(query)
        ids = _ids(f"SELECT entry_id FROM {VECTORS} WHERE vector @@ ({sql})", params)
        if rank_within is None:
            return ids, None
        within = set(rank_within)
        return ids, self.ranked_ids(query, [i for i in ids if i in within])

    def excluded_ids(self, query: Query) -> list[int]:
        parts, params = [], []
        for term in query.excluded:
            sql, p = _term(term)
            parts.append(sql)
            params += p
        return _ids(
            f"SELECT entry_id FROM {VECTORS} WHERE vector @@ ({' || '.join(parts)})", params
        )

    def title_match_ids(self, query: Query) -> list[int]:
        sql, params = tsquery(query)
        return _ids(f"SELECT entry_id FROM {VECTORS} WHERE title_vector @@ ({sql})", params)

    def ranked_ids(self, query: Query, candidates: list[int]) -> list[int]:
        if not candidates:
            return []
        tsq, params = tsquery(query)
        # `ts_rank` rather than `ts_rank_cd`: the same weights by field, a third of the time
        # (cover density walks every position of these multi-language vectors).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT v.entry_id FROM {VECTORS} v "
                "JOIN unnest(%s::bigint[]) AS c(id) ON v.entry_id = c.id "
                f"ORDER BY ts_rank('{{0.1, 0.3, 0.6, 1.0}}', v.vector, ({tsq}), 1) DESC, "
                "v.entry_id",
                [candidates, *params],
            )
            return [row[0] for row in cursor.fetchall()]

    def highlights(
        self, query: Query, ids: list[int], *, matches: int | None = None
    ) -> dict[int, Highlight]:
        if not ids or not query.required:
            return {}
        tsq, params = tsquery(query)
        # Which fields matched, from the stored vector's weights (one per group of fields, see
        # VECTOR), instead of recomputing a vector per field: 1 ms instead of 12 for a page.
        groups = ", ".join(
            f"ts_filter(v.vector, '{{{weight}}}') @@ q.query" for weight in WEIGHT_GROUPS
        )
        texts = ", ".join(f"d.{c}" for c in SHARED_WEIGHT_COLUMNS)
        sql = (
            f"WITH q AS (SELECT ({tsq}) AS query) "
            f"SELECT d.entry_id, "
            f"ts_headline('compendium_en', split_part(d.title, E'\\n', 1), q.query, %s), "
            f"ts_headline('compendium_en', d.description, q.query, %s), {groups}, {texts} "
            f"FROM {DOCUMENTS} d JOIN {VECTORS} v ON v.entry_id = d.entry_id, q "
            f"WHERE d.entry_id = ANY(%s)"
        )
        result = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, TITLE_OPTIONS, HEADLINE_OPTIONS, list(ids)])
            for entry_id, title, excerpt, *rest in cursor.fetchall():
                flags, values = rest[: len(WEIGHT_GROUPS)], rest[len(WEIGHT_GROUPS) :]
                fields = dict(zip(SHARED_WEIGHT_COLUMNS, values, strict=True))
                result[entry_id] = Highlight(
                    title=marked_to_html(title) if OPEN in title else "",
                    snippet=marked_to_html(excerpt) if OPEN in excerpt else "",
                    matched=_matched_columns(query, flags, fields),
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
        execute(
            f"CREATE TABLE IF NOT EXISTS {VECTORS} (entry_id bigint PRIMARY KEY, "
            "vector tsvector NOT NULL, title_vector tsvector NOT NULL) "
            "WITH (toast_tuple_target = 128)"
        )
        execute(f"ALTER TABLE {VECTORS} ALTER COLUMN vector SET STORAGE EXTERNAL")
        execute(f"CREATE INDEX IF NOT EXISTS {VECTORS}_gin ON {VECTORS} USING gin (vector)")
        execute(
            f"CREATE INDEX IF NOT EXISTS {VECTORS}_title_gin ON {VECTORS} USING gin (title_vector)"
        )
        execute(
            "CREATE OR REPLACE FUNCTION search_entrydocument_vector() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP = 'DELETE' THEN "
            f"DELETE FROM {VECTORS} WHERE entry_id = OLD.entry_id; RETURN OLD; END IF; "
            f"INSERT INTO {VECTORS} (entry_id, vector, title_vector) VALUES (NEW.entry_id, "
            f"{VECTOR}, compendium_tsv(coalesce(NEW.title, ''))) "
            "ON CONFLICT (entry_id) DO UPDATE SET vector = EXCLUDED.vector, "
            "title_vector = EXCLUDED.title_vector; RETURN NEW; END $$"
        )
        execute(f"DROP TRIGGER IF EXISTS search_entrydocument_vector ON {DOCUMENTS}")
        execute(
            f"CREATE TRIGGER search_entrydocument_vector AFTER INSERT OR UPDATE OR DELETE ON "
            f"{DOCUMENTS} FOR EACH ROW EXECUTE FUNCTION search_entrydocument_vector()"
        )
        # Documents indexed before the vectors had their own table: their vectors move over.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = 'vector'",
                [DOCUMENTS],
            )
            moved = "vector" if cursor.fetchone() else VECTOR.replace("NEW.", "")
        execute(
            f"INSERT INTO {VECTORS} (entry_id, vector, title_vector) "
            f"SELECT entry_id, {moved}, compendium_tsv(coalesce(title, '')) "
            f"FROM {DOCUMENTS} ON CONFLICT (entry_id) DO NOTHING"
        )
        execute(f"DROP INDEX IF EXISTS {DOCUMENTS}_vector_gin")
        execute(f"ALTER TABLE {DOCUMENTS} DROP COLUMN IF EXISTS vector")

    def uninstall(self, schema_editor) -> None:
        execute = schema_editor.execute
        execute(f"DROP TRIGGER IF EXISTS search_entrydocument_vector ON {DOCUMENTS}")
        execute("DROP FUNCTION IF EXISTS search_entrydocument_vector()")
        execute(f"DROP TABLE IF EXISTS {VECTORS}")
        execute("DROP FUNCTION IF EXISTS compendium_tsv(text)")
        for config in CONFIGS:
            execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {config}")

    def after_bulk_write(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DOCUMENTS}")
            cursor.execute(f"ANALYZE {VECTORS}")
            cursor.execute("ANALYZE search_entryfacet")
