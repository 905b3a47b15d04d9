"""The mapping and alias rules: names people really write resolve to our codes; values translate
to our slugs through the mapping, then our labels in any language; categories are suggested,
never applied."""

from __future__ import annotations

import pytest

from compendium.imports.classify import suggest
from compendium.imports.economies import EconomyResolver
from compendium.imports.mapper import RowMapper, Vocabulary
from compendium.imports.mappings import (
    MappingInvalid,
    available_sources,
    mapping_for_source,
    mapping_from_text,
)
from compendium.imports.reading import RawRow

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Ivory Coast", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Korea, Rep.", "KOR"),
        ("Republic of Korea", "KOR"),
        ("Hong Kong SAR", "HKG"),
        ("Hong Kong, China", "HKG"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("VNM", "VNM"),
        ("vnm", "VNM"),
        ("Chinese Taipei", "TWN"),
        ("European Union", "EU"),
        ("Allemagne", "DEU"),  # WTO French name
        ("Alemania", "DEU"),  # WTO Spanish name
        ("Estados Unidos", "USA"),
        ("Royaume-Uni", "GBR"),
        ("Bolivia, Plurinational State of", "BOL"),  # ISO's own name, from pycountry
        ("Tanzanie, République-Unie de", "TZA"),  # pycountry's French ISO name
        ("  kenya ", "KEN"),
    ],
)
def test_economy_names_people_write(written, code):
    assert EconomyResolver().resolve(written).code == code


def test_names_that_are_not_wto_economies_or_are_ambiguous():
    resolver = EconomyResolver()
    assert resolver.resolve("Palau").problem == "not_wto"
    assert resolver.resolve("Congo").problem == "ambiguous"
    assert resolver.resolve("Narnia").problem == "unknown"


def test_every_shipped_mapping_loads_and_names_only_known_slugs():
    vocabulary = Vocabulary()
    from compendium.imports.mapper import mapping_problems

    assert len(available_sources()) >= 3
    for source in available_sources():
        mapping = mapping_for_source(source)
        assert mapping_problems(mapping, vocabulary) == [], source
        assert mapping.citation
        assert mapping.licence
        assert mapping.organization


def _map(mapping_text: str, values: dict[str, str]):
    mapping = mapping_from_text(mapping_text, source="test")
    mapper = RowMapper(mapping, Vocabulary(), list(values))
    return mapper.map_row(RawRow(number=2, values=values))


MAPPING = """
organization: itc
language: en
columns:
  Name: title
  Where: economies
  Areas:
    field: policy_areas
    split: "|"
    values:
      Online selling: ecommerce
      Not relevant: null
  Kind: instrument_type
  Who: target_groups
defaults:
  contributor_type: international_organization
  gender_focus: women_specific
"""


def test_values_translate_through_the_mapping_then_our_labels():
    row = _map(
        MAPPING,
        {
            "Name": "A programme",
            "Where": "Viet Nam",
            # the mapping's word, our English label, our French label, a slug, and a null
            "Areas": "|".join(
                [
                    "online selling",
                    "Access to finance",
                    "Cybersécurité, sécurité en ligne et confiance",
                    "e_payments",
                    "Not relevant",
                ]
            ),
            "Kind": "Programme",
            "Who": "Young women",
        },
    )
    assert row.values["policy_areas"] == [
        "access_to_finance",
        "cybersecurity",
        "e_payments",
        "ecommerce",
    ]
    assert row.values["instrument_type"] == "programme"
    assert row.values["target_groups"] == ["young_women"]
    assert row.values["contributor"] == "itc"  # the partner, by default
    assert row.values["gender_focus"] == "women_specific"
    assert row.errors == []


def test_missing_categories_get_suggestions_not_values():
    row = _map(
        MAPPING,
        {
            "Name": "Mobile money for women cross-border traders",
            "Where": "Kenya",
            "Areas": "",
            "Kind": "",
            "Who": "",
        },
    )
    assert "policy_areas" not in row.values or row.values["policy_areas"] == []
    assert row.suggestions["policy_areas"][0]["value"] == "e_payments"
    assert row.suggestions["policy_areas"][0]["keywords"] == ["mobile money"]
    assert "women_traders" in [s["value"] for s in row.suggestions["target_groups"]]
    assert {e.field for e in row.errors} == {"policy_areas", "target_groups", "instrument_type"}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Formation au commerce en ligne", "fr", "ecommerce"),
        ("Capacitación en comercio electrónico", "es", "ecommerce"),
        ("Ciberseguridad para mujeres", "es", "cybersecurity"),
        ("Cybersecurity mentorship", "en", "cybersecurity"),
        ("Prêts et garanties pour entrepreneuses", "fr", "access_to_finance"),
    ],
)
def test_the_classifier_works_in_each_language(text, language, expected):
    areas = [s.value for s in suggest(text, language=language, fields=("policy_areas",))]
    assert expected in areas


def test_a_mapping_must_say_where_each_column_goes():
    with pytest.raises(MappingInvalid) as error:
        mapping_from_text(
            "columns:\n  Name: title\n  Where: somewhere\nrequired: [title, economies]\n"
        )
    assert any("Where" in p for p in error.value.problems)
    assert any("economies" in p and "required" in p for p in error.value.problems)
