"""PostgreSQL full text: a weighted `tsvector` column kept by a trigger, a GIN index, `unaccent`,
and English, French and Spanish stemming side by side (entries and users mix the languages)."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from django.db import connection, transaction

from ..query import Query, Term, fold, synonym_groups
from .base import CLOSE, COLUMNS, OPEN, Highlight, SearchBackend, marked_to_html

DOCUMENTS = "search_entrydocument"
# The vectors live in a narrow table of their own, stored out of line and uncompressed: a match
# then reads 6 MB of rows instead of the documents' 160 MB (25 ms instead of 213 ms for a word
# in every document at 100,000 entries), and ranking skips decompression. `title_vector` makes
# "matches in the title" an index lookup.
VECTORS = "search_entryvector"
# The planner underestimates what reading vectors costs and may prefer reading every row to the
# GIN index (25 ms instead of 1.4 ms for a selective query at 5,000 entries; 280 instead of 80
# for a word in every entry at 100,000). A full-text match is what the index is for: these
# functions match with sequential scans off, in one round trip.
MATCH = "compendium_match_ids"
TITLE_MATCH = "compendium_title_match_ids"
# The multi-word forms of the synonyms file ('digit' <-> 'skill'), each with a flag lexeme
# ('phrase~1f0c…') that the trigger adds to every vector where the form matches. A GIN index
# knows which documents hold both words but not whether they are adjacent, so a phrase makes it
# check the stored positions of every candidate: 180 ms for "digital skills" at 100,000
# entries, where the flag is one index lookup. The match functions rewrite each known form into
# its flag (`ts_rewrite`), so a form counts only once every vector carries its flag (see
# `phrase_forms_sync`); ranking and highlighting still read the words' positions.
PHRASES = "search_phraseform"
FLAG_PREFIX = "phrase~"
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


def _forms(term: Term) -> list[tuple[str, str]]:
    """(SQL, parameter) of the term's tsquery in each language."""
    text = " ".join(term.words)
    if term.is_phrase:
        return [(f"phraseto_tsquery('{config}', %s)::text", text) for config in CONFIGS]
    # Words are letters and digits only (query.WORD), so `word:*` cannot smuggle an operator.
    pattern = f"{text}:*" if term.prefix else text
    return [(f"to_tsquery('{config}', %s)::text", pattern) for config in CONFIGS]


@lru_cache(maxsize=2048)
def _term_forms(database: str, terms: tuple[Term, ...]) -> tuple[tuple[str, ...], ...]:
    """Each term's tsquery text in the three languages ("" where a language drops all its
    words). Asked of the database once per distinct set of terms in each process."""
    forms = [form for term in terms for form in _forms(term)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(sql for sql, _ in forms), [p for _, p in forms])
        texts = cursor.fetchone()
    size = len(CONFIGS)
    return tuple(tuple(texts[i : i + size]) for i in range(0, len(texts), size))


# One word ('train':* or 'train'), and a phrase ('digit' <-> 'skill', 'renforc' <2> 'capac'):
# the only shapes `_forms` gives for letters and digits.
WORD_FORM = re.compile(r"'([^']+)'(:\*)?")
PHRASE_FORM = re.compile(r"'[^']+'(?: <(?:-|\d+)> '[^']+')+")
LEXEME = re.compile(r"'([^']+)'")


def _any_of(terms: tuple[Term, ...]) -> str:
    """The tsquery text matching any of the terms ("" if none can match).

    Each form is kept once, and forms that another one already covers are dropped: the three
    stemmers often agree, a prefix covers longer words ('wom':* covers 'women'), and a word
    covers every phrase holding it. Each dropped form is one less check per candidate, and a
    dropped phrase one less reason to read stored positions."""
    database = connection.settings_dict["NAME"]
    forms = dict.fromkeys(f for term in _term_forms(database, terms) for f in term if f)
    words = [(m.group(1), bool(m.group(2))) for f in forms if (m := WORD_FORM.fullmatch(f))]

    def covers(word: str, prefix: bool, lexeme: str) -> bool:
        return lexeme.startswith(word) if prefix else lexeme == word

    def covered(form: str) -> bool:
        word = WORD_FORM.fullmatch(form)
        if word:
            lexeme, own = word.group(1), (word.group(1), bool(word.group(2)))
            return any(covers(w, p, lexeme) for w, p in words if (w, p) != own)
        if PHRASE_FORM.fullmatch(form):
            lexemes = LEXEME.findall(form)
            return any(covers(w, p, lexeme) for w, p in words for lexeme in lexemes)
        return False

    return " | ".join(f"({f})" for f in forms if not covered(f))


def tsquery(query: Query) -> str:
    """The query's required clauses as tsquery text ("" if nothing can match). A clause whose
    words are all stop words in every language is left out, as PostgreSQL itself would."""
    clauses = [_any_of(clause.alternatives) for clause in query.required]
    return " & ".join(f"({c})" for c in clauses if c)


# The vector's weights and the fields each one holds (see VECTOR).
WEIGHT_GROUPS = {
    "a": ("title",),
    "b": ("areas", "target_groups"),
    "c": ("places", "organisations", "other"),
    "d": ("description",),
}
SHARED_WEIGHT_COLUMNS = ("areas", "target_groups", "places", "organisations", "other")


@lru_cache(maxsize=256)
def _word_starts(prefixes: frozenset[str]) -> re.Pattern:
    """Finds a word (letters and digits, as `query.WORD`) beginning with one of the prefixes."""
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes)) or "(?!)"
    return re.compile(rf"(?<![^\W_])(?:{alternatives})")


def _matched_columns(query: Query, flags: list[bool], fields: dict[str, str]) -> list[str]:
    """The fields that matched, in COLUMNS order. Where one weight holds several fields, the
    ones holding a word that begins like a query word (stems drop at most a few letters); if
    none does, every non-empty field of that weight."""
    starts = _word_starts(frozenset(word[: max(4, len(word) - 2)] for word in query.words))
    matched: set[str] = set()
    for hit, columns in zip(flags, WEIGHT_GROUPS.values(), strict=True):
        if not hit:
            continue
        if len(columns) == 1:
            matched.update(columns)
            continue
        holding = [c for c in columns if starts.search(fold(fields[c] or ""))]
        matched.update(holding or [c for c in columns if fields[c]])
    return [c for c in COLUMNS if c in matched]


def synonym_phrase_forms() -> dict[str, str]:
    """Flag → form, for every multi-word form of every phrase in the synonyms file."""
    terms = tuple(
        Term(phrase)
        for phrases in set(synonym_groups().values())
        for phrase in phrases
        if len(phrase) > 1
    )
    database = connection.settings_dict["NAME"]
    forms = {f for term in _term_forms(database, tuple(sorted(set(terms), key=str))) for f in term}
    return {
        FLAG_PREFIX + hashlib.blake2s(form.encode(), digest_size=8).hexdigest(): form
        for form in sorted(forms)
        if PHRASE_FORM.fullmatch(form)
    }


def phrase_forms_sync() -> int:
    """Bring the flagged forms in line with the synonyms file; returns how many were added.
    New forms are flagged in every vector they match, in the same transaction that makes them
    known, so a search never relies on a flag that some vectors lack."""
    wanted = synonym_phrase_forms()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {PHRASES} IN EXCLUSIVE MODE")
        cursor.execute(f"SELECT flag FROM {PHRASES}")
        known = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"DELETE FROM {PHRASES} WHERE NOT (flag = ANY(%s))", [list(wanted)])
        added = {flag: form for flag, form in wanted.items() if flag not in known}
        for flag, form in added.items():
            cursor.execute(
                f"INSERT INTO {PHRASES} (flag, query, substitute) "
                "VALUES (%s, %s::tsquery, quote_literal(%s)::tsquery)",
                [flag, form, flag],
            )
        if added:
            cursor.execute(
                f"UPDATE {VECTORS} SET vector = vector || compendium_phrase_flags(vector, %s), "
                "title_vector = title_vector || compendium_phrase_flags(title_vector, %s) "
                "WHERE vector @@ %s::tsquery",
                [list(added), list(added), " | ".join(f"({f})" for f in added.values())],
            )
    return len(added)


def _matching(function: str, tsquery_text: str) -> list[int]:
    if not tsquery_text:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {function}(%s::tsquery)", [tsquery_text])
        return [row[0] for row in cursor.fetchall()]


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def match_ids(self, query: Query) -> list[int]:
        return _matching(MATCH, tsquery(query))

    def excluded_ids(self, query: Query) -> list[int]:
        return _matching(MATCH, _any_of(tuple(query.excluded)))

    def title_match_ids(self, query: Query) -> list[int]:
        return _matching(TITLE_MATCH, tsquery(query))

    def title_matches_among(self, query: Query, ids: list[int]) -> set[int]:
        text = tsquery(query)
        if not ids or not text:
            return set()
        # Each title vector is small and stored in line: checked row by row, no flags needed.
        # `IS TRUE` keeps the planner off the title index, which would first find every title
        # holding the words (8 ms instead of 0.9 for a page of 200 ids at 100,000 entries).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT entry_id FROM {VECTORS} WHERE entry_id = ANY(%s) "
                "AND (title_vector @@ %s::tsquery) IS TRUE",
                [ids, text],
            )
            return {row[0] for row in cursor.fetchall()}

    def ranked_ids(self, query: Query, candidates: list[int]) -> list[int]:
        text = tsquery(query)
        if not candidates or not text:
            return []
        # `ts_rank` rather than `ts_rank_cd`: the same weights by field, a third of the time
        # (cover density walks every position of these multi-language vectors).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT entry_id FROM {VECTORS} WHERE entry_id = ANY(%s) "
                f"ORDER BY ts_rank('{{0.1, 0.3, 0.6, 1.0}}', vector, %s::tsquery, 1) DESC, "
                "entry_id",
                [candidates, text],
            )
            return [row[0] for row in cursor.fetchall()]

    def highlights(
        self, query: Query, ids: list[int], *, matches: int | None = None
    ) -> dict[int, Highlight]:
        text = tsquery(query)
        if not ids or not text:
            return {}
        # Which fields matched, from the stored vector's weights (one per group of fields, see
        # VECTOR), instead of recomputing a vector per field: 1 ms instead of 12 for a page.
        # Headlines only where the title or the description matched: the slowest part.
        groups = ", ".join(
            f"ts_filter(v.vector, '{{{w}}}') @@ q.query AS {w}" for w in WEIGHT_GROUPS
        )
        texts = ", ".join(f"d.{c}" for c in SHARED_WEIGHT_COLUMNS)
        sql = (
            "WITH q AS (SELECT %s::tsquery AS query), "
            f"m AS (SELECT d.entry_id, d.title, d.description, {groups}, {texts} "
            f"FROM {DOCUMENTS} d JOIN {VECTORS} v ON v.entry_id = d.entry_id, q "
            "WHERE d.entry_id = ANY(%s)) "
            "SELECT m.entry_id, CASE WHEN m.a THEN ts_headline('compendium_en', "
            "split_part(m.title, E'\\n', 1), q.query, %s) ELSE '' END, "
            "CASE WHEN m.d THEN ts_headline('compendium_en', m.description, q.query, %s) "
            f"ELSE '' END, m.a, m.b, m.c, m.d, "
            + ", ".join(f"m.{c}" for c in SHARED_WEIGHT_COLUMNS)
            + " FROM m, q"
        )
        result = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, [text, list(ids), TITLE_OPTIONS, HEADLINE_OPTIONS])
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
            f"CREATE TABLE IF NOT EXISTS {PHRASES} (flag text PRIMARY KEY, "
            "query tsquery NOT NULL, substitute tsquery NOT NULL)"
        )
        # The flags of the known forms a vector matches (of those `wanted`, if given).
        execute(
            "CREATE OR REPLACE FUNCTION compendium_phrase_flags(v tsvector, wanted text[] = NULL) "
            "RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$ "
            "SELECT coalesce(array_to_tsvector(array_agg(flag)), ''::tsvector) "
            f"FROM {PHRASES} WHERE v @@ query AND (wanted IS NULL OR flag = ANY(wanted)) $$"
        )
        for function, column in ((MATCH, "vector"), (TITLE_MATCH, "title_vector")):
            # Two steps: the rewrite reads the forms table, which with sequential scans off
            # takes 7 ms instead of 0.1.
            execute(f"DROP FUNCTION IF EXISTS {function}(tsquery)")
            execute(
                f"CREATE OR REPLACE FUNCTION {function}_scan(query tsquery) "
                "RETURNS SETOF bigint LANGUAGE sql STABLE PARALLEL SAFE "
                f"SET enable_seqscan = off AS $$ SELECT entry_id FROM {VECTORS} "
                f"WHERE {column} @@ query $$"
            )
            execute(
                f"CREATE FUNCTION {function}(query tsquery) RETURNS SETOF bigint "
                "LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT * FROM "
                f"{function}_scan(ts_rewrite(query, 'SELECT query, substitute FROM {PHRASES}')) $$"
            )
        execute(
            "CREATE OR REPLACE FUNCTION search_entrydocument_vector() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ DECLARE v tsvector; t tsvector; BEGIN "
            "IF TG_OP = 'DELETE' THEN "
            f"DELETE FROM {VECTORS} WHERE entry_id = OLD.entry_id; RETURN OLD; END IF; "
            f"v := {VECTOR}; "
            "t := compendium_tsv(coalesce(NEW.title, '')); "
            f"INSERT INTO {VECTORS} (entry_id, vector, title_vector) VALUES (NEW.entry_id, "
            "v || compendium_phrase_flags(v), t || compendium_phrase_flags(t)) "
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
        phrase_forms_sync()

    def before_rebuild(self) -> None:
        phrase_forms_sync()

    def uninstall(self, schema_editor) -> None:
        execute = schema_editor.execute
        execute(f"DROP TRIGGER IF EXISTS search_entrydocument_vector ON {DOCUMENTS}")
        execute("DROP FUNCTION IF EXISTS search_entrydocument_vector()")
        for function in (MATCH, TITLE_MATCH):
            execute(f"DROP FUNCTION IF EXISTS {function}(tsquery)")
            execute(f"DROP FUNCTION IF EXISTS {function}_scan(tsquery)")
        execute("DROP FUNCTION IF EXISTS compendium_phrase_flags(tsvector, text[])")
        execute(f"DROP TABLE IF EXISTS {PHRASES}")
        execute(f"DROP TABLE IF EXISTS {VECTORS}")
        execute("DROP FUNCTION IF EXISTS compendium_tsv(text)")
        for config in CONFIGS:
            execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {config}")

    def after_bulk_write(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DOCUMENTS}")
            cursor.execute(f"ANALYZE {VECTORS}")
            cursor.execute("ANALYZE search_entryfacet")
