"""The one representation of an entry: every public field, in each language, and its flat row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compendium.catalog.models import Workflow
from compendium.catalog.selectors import entries_for_export, published_entries
from compendium.publishing.metadata import codebook, codebook_column_names
from compendium.publishing.representation import entry_record, entry_row
from tests.factories import make_entry
from tests.publishing.builders import make_full_entry

pytestmark = pytest.mark.django_db


def exported(entry):
    (fetched,) = entries_for_export(ids=[entry.pk])
    return fetched


def test_record_has_every_public_field_in_english():
    entry = make_full_entry()
    record = entry_record(exported(entry), language="en")

    assert record["slug"] == "mujer-exporta-digital"
    assert record["url"] == "http://127.0.0.1:8000/entries/mujer-exporta-digital/"
    assert record["title"] == "Digital Women Export Programme"
    assert record["title_original"] == "Programa Mujer Exporta Digital"
    assert (record["title_en"], record["title_fr"], record["title_es"]) == (
        "Digital Women Export Programme",
        "Programme numérique Femmes exportatrices",
        "",
    )
    assert record["description"] == "E-commerce training for women exporters."
    assert record["description_original"].startswith("Capacitación")
    assert record["language"] == "es"
    assert record["economies"] == [
        {"code": "CHL", "name": "Chile"},
        {"code": "PER", "name": "Peru"},
    ]
    assert record["organizations"] == [{"slug": "itc", "name": "International Trade Centre"}]
    assert record["implementers_as_reported"] == "ProChile with regional offices"
    assert record["contributor"] == {
        "type": {"slug": "member", "label": "WTO Member"},
        "economy": "CHL",
        "organization": None,
        "name": "Chile",
    }
    assert record["instrument_type"]["slug"] == "training_or_capacity_building"
    # Vocabulary order, not the order the contributor gave.
    assert [a["slug"] for a in record["policy_areas"]] == ["export_support", "ecommerce"]
    assert record["policy_areas"][1]["label"] == "E-commerce and digital trade"
    assert [g["slug"] for g in record["target_groups"]] == ["women_led_msmes", "rural_women"]
    assert record["gender_focus"]["slug"] == "women_specific"
    assert (record["start_year"], record["end_year"]) == (2019, 2024)
    assert record["status"] == {"value": "completed", "label": "Completed"}
    assert record["budget"] == {
        "as_reported": "USD 2 million over five years",
        "amount": "2000000.00",
        "currency": "USD",
    }
    assert record["women_reached"] == {"as_reported": "about 5,000 women", "number": 5000}
    assert record["links"] == [
        {
            "kind": {"value": "website", "label": "Website"},
            "label": "Programme site",
            "url": "https://example.org/mujer-exporta",
        }
    ]
    assert record["sources"] == [
        {
            "kind": {"value": "official_document", "label": "Official document"},
            "title": "Trade Policy Review: Chile",
            "url": "https://www.wto.org/tpr/chile",
            "provided_by": {
                "economy": None,
                "organization": "itc",
                "name": "International Trade Centre",
            },
            "reference": "WT/TPR/S/999",
            "accessed_on": "2025-03-01",
            "note": "See section 3.2.",
        }
    ]
    assert record["verification"] == {
        "value": "member_validated",
        "label": "Validated by the Member",
    }
    assert record["is_sample"] is False
    assert record["is_synthetic"] is False
    assert record["published_at"].startswith(str(entry.published_at.year))
    assert record["updated_at"]


def test_record_in_french_translates_labels_names_and_address_but_not_codes():
    record = entry_record(exported(make_full_entry()), language="fr")
    assert record["url"] == "http://127.0.0.1:8000/fr/entries/mujer-exporta-digital/"
    assert record["title"] == "Programme numérique Femmes exportatrices"
    # No French description: English, as the site shows it.
    assert record["description"] == "E-commerce training for women exporters."
    assert record["economies"][1] == {"code": "PER", "name": "Pérou"}
    assert record["organizations"][0]["name"] == "Centre du commerce international"
    assert record["policy_areas"][1] == {
        "slug": "ecommerce",
        "label": "Commerce électronique et commerce numérique",
    }
    assert record["status"]["value"] == "completed"


def test_record_in_spanish_falls_back_to_english_title():
    record = entry_record(exported(make_full_entry()), language="es")
    assert record["title"] == "Digital Women Export Programme"
    assert record["url"].endswith("/es/entries/mujer-exporta-digital/")


def test_row_is_flat_text_with_lists_joined():
    row = entry_row(exported(make_full_entry()), language="en")
    assert all(isinstance(value, str) for value in row.values())
    assert row["economy_codes"] == "CHL; PER"
    assert row["economy_names"] == "Chile; Peru"
    assert row["policy_areas"] == "export_support; ecommerce"
    assert row["contributor_code"] == "CHL"
    assert row["start_year"] == "2019"
    assert row["budget_amount"] == "2000000.00"
    assert row["women_reached"] == "5000"
    assert row["links"] == "https://example.org/mujer-exporta"
    assert row["source_titles"] == "Trade Policy Review: Chile"
    assert row["is_sample"] == "false"
    assert row["end_year"] == "2024"


def test_empty_values_are_empty_cells():
    entry = make_entry(slug="bare", start_year=None, economies=(), contributor="")
    row = entry_row(exported(entry), language="en")
    assert row["start_year"] == row["end_year"] == row["budget_amount"] == ""
    assert row["economy_codes"] == row["contributor_code"] == ""


def test_codebook_lists_exactly_the_row_columns_in_order():
    row = entry_row(exported(make_full_entry()), language="en")
    assert codebook_column_names() == list(row)


def test_codebook_describes_every_column_in_three_languages_with_the_vocabulary_codes():
    for language in ("en", "fr", "es"):
        columns = {c.name: c for c in codebook(language=language)}
        assert all(c.description for c in columns.values())
        assert ("ecommerce" in dict(columns["policy_areas"].values)) is True
        assert set(dict(columns["verification"].values)) == {
            "member_validated",
            "submitted_by_member",
            "partner_reported",
            "secretariat_compiled",
        }
    french = {c.name: c for c in codebook(language="fr")}
    assert dict(french["policy_areas"].values)["ecommerce"].startswith("Commerce électronique")
    assert french["slug"].description.startswith("Identifiant stable")


def test_unpublished_entries_are_never_exported():
    draft = make_entry(slug="draft-one", workflow=Workflow.DRAFT)
    assert entries_for_export(ids=[draft.pk]) == []


def test_a_batch_of_entries_costs_a_fixed_number_of_queries():
    ids = list(published_entries().values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as few:
        rows = [entry_row(e, language="en") for e in entries_for_export(ids=ids[:5])]
    with CaptureQueriesContext(connection) as many:
        rows = [entry_row(e, language="en") for e in entries_for_export(ids=ids)]
    assert len(rows) == len(ids) == 60
    assert len(many) == len(few) <= 10
