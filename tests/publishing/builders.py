"""Entries with every public field set, written through the services, for the open-data tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from compendium.catalog.models import Entry, Workflow
from compendium.catalog.services import EntryData, LinkData, SourceData, entry_create


def make_full_entry(*, slug: str = "mujer-exporta-digital", **overrides) -> Entry:
    """A published Chilean programme with translations, budget, reach, links and a source."""
    values = {
        "title": "Programa Mujer Exporta Digital",
        "title_en": "Digital Women Export Programme",
        "title_fr": "Programme numérique Femmes exportatrices",
        "description": "Capacitación en comercio electrónico para exportadoras.",
        "description_en": "E-commerce training for women exporters.",
        "language": "es",
        "contributor_type": "member",
        "contributor": "CHL",
        "instrument_type": "training_or_capacity_building",
        "policy_areas": ("export_support", "ecommerce"),
        "target_groups": ("women_led_msmes", "rural_women"),
        "gender_focus": "women_specific",
        "economies": ("PER", "CHL"),
        "organizations": ("itc",),
        "implementers_as_reported": "ProChile with regional offices",
        "start_year": 2019,
        "end_year": 2024,
        "status": "completed",
        "budget_as_reported": "USD 2 million over five years",
        "budget_amount": Decimal("2000000"),
        "budget_currency": "USD",
        "women_reached_as_reported": "about 5,000 women",
        "women_reached": 5000,
        "links": (LinkData(url="https://example.org/mujer-exporta", label="Programme site"),),
    }
    values.update(overrides)
    return entry_create(
        actor=None,
        actor_label="tests",
        data=EntryData(**values),
        slug=slug,
        workflow=Workflow.PUBLISHED,
        verification="member_validated",
        sources=[
            SourceData(
                kind="official_document",
                title="Trade Policy Review: Chile",
                url="https://www.wto.org/tpr/chile",
                organization="itc",
                reference="WT/TPR/S/999",
                accessed_on=date(2025, 3, 1),
                note="See section 3.2.",
            )
        ],
    )
