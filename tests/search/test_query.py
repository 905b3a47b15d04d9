"""The query parser: total (never raises), small, and never passes user syntax through."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from compendium.search.query import MAX_TERMS, Term, parse


def alternatives(text: str) -> list[list[tuple[str, ...]]]:
    return [[t.words for t in c.alternatives] for c in parse(text).required]


def test_words_phrases_exclusions_and_or():
    query = parse('women "digital trade" -finance cyber OR payments')
    assert [t.words for t in query.excluded] == [("finance",)]
    clauses = alternatives('women "digital trade" -finance cyber OR payments')
    assert ("women",) in clauses[0]
    assert ("digital", "trade") in clauses[1]
    assert clauses[-1] == [("cyber",), ("payments",)]


def test_accents_case_and_hyphens_are_folded():
    assert alternatives("Türkiye") == [[("turkiye",)]]
    assert ("e", "commerce") in alternatives("E-Commerce")[0]


def test_synonyms_expand_in_every_direction():
    for text in ("ecommerce", "e-commerce", "electronic commerce", "comercio electrónico"):
        group = set(alternatives(text)[0])
        assert {("ecommerce",), ("e", "commerce"), ("electronic", "commerce")} <= group, text


def test_single_long_words_match_longer_forms():
    assert parse("export").required[0].alternatives[0] == Term(("export",), prefix=True)
    assert parse("ict").required[0].alternatives[0].prefix is False


def test_operators_and_junk_are_only_words():
    assert alternatives('NEAR(a b) title:x ^ * " ( ) AND') == [
        [("near",)],
        [("a",)],
        [("b",)],
        [("title",)],
        [("x",)],
        [("and",)],
    ]
    assert not parse('"')
    assert not parse("   ")
    assert not parse("\x00")


def test_very_long_queries_are_cut():
    query = parse("word " * 5000)
    assert len(query.required) == MAX_TERMS
    assert "truncated" in query.notes


@given(st.text(max_size=300))
def test_any_text_parses(text):
    query = parse(text)
    for clause in query.required:
        for term in clause.alternatives:
            assert all(w.isalnum() for w in term.words)
