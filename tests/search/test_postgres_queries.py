"""PostgreSQL only: how a query becomes a tsquery, and the flags that spare synonym phrases the
check of word positions. What a search finds is the contract's business (test_contract.py);
these tests pin what makes it fast without changing what it finds."""

from __future__ import annotations

import pytest
from django.db import connection

from compendium.catalog.models import Entry, Workflow
from compendium.search.indexing import search_index_rebuild, search_index_update
from compendium.search.params import SearchParams
from compendium.search.query import parse
from compendium.search.selectors import search_entries
from tests.factories import make_entry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own machinery"),
]


@pytest.fixture
def sample_hidden():
    Entry.objects.filter(is_sample=True).update(workflow=Workflow.DRAFT)
    search_index_update(entry_ids=Entry.objects.values_list("pk", flat=True))


def _slugs(text: str) -> set[str]:
    return {e.slug for e in search_entries(params=SearchParams(q=text)).entries}


def _flags(slug: str) -> set[str]:
    from compendium.search.backends.postgres import FLAG_PREFIX

    entry_id = Entry.objects.get(slug=slug).pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme FROM search_entryvector, unnest(vector) "
            "WHERE entry_id = %s AND lexeme LIKE %s",
            [entry_id, FLAG_PREFIX + "%"],
        )
        return {row[0] for row in cursor.fetchall()}


def test_each_form_is_asked_for_once():
    from compendium.search.backends.postgres import tsquery

    # Three stemmers, six words: "women" comes down to one prefix per stem.
    assert tsquery(parse("women")).count("wom") == 1
    # A word covers every phrase that holds it: "e commerce" needs no check of positions where
    # "commerce" alone is one of the alternatives (a language without the stop word "e").
    compiled = tsquery(parse("ecommerce"))
    assert "'e' <-> 'commerc'" not in compiled
    assert "('commerc')" in compiled


def test_stop_words_alone_match_nothing_and_break_nothing():
    from compendium.search.backends.postgres import tsquery

    assert tsquery(parse("the")) in {"", "(('the'))"}
    assert search_entries(params=SearchParams(q="of the and")).total >= 0


def test_a_synonym_phrase_is_flagged_and_still_means_adjacent_words(sample_hidden):
    make_entry(slug="adjacent", title="Digital skills for women traders")
    make_entry(slug="apart", title="Skills of women in digital trade")
    assert _flags("adjacent")
    assert _slugs("digital skills") == {"adjacent"}
    assert _slugs('"digital skills"') == {"adjacent"}
    # The flag finds what the positions find, in any of the group's languages.
    make_entry(slug="fr", title="Compétences numériques des femmes")
    assert _slugs("digital skills") == {"adjacent", "fr"}


def test_a_form_new_to_the_synonyms_is_flagged_in_the_vectors_already_written(sample_hidden):
    from compendium.search.backends.postgres import phrase_forms_sync

    make_entry(slug="money", title="Mobile money for market women")
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM search_phraseform WHERE query::text = %s", ["'mobil' <-> 'money'"]
        )
    make_entry(slug="later", title="Mobile money agents")
    assert "later" in _slugs('"mobile money"'), "an unknown form is checked by positions"
    assert phrase_forms_sync() == 1
    assert _flags("later")
    assert _slugs('"mobile money"') >= {"money", "later"}


def test_a_rebuilt_index_carries_the_flags(sample_hidden):
    make_entry(slug="skills", title="Digital skills bootcamp")
    search_index_rebuild()
    assert _flags("skills")
    assert _slugs("digital skills") == {"skills"}
