"""The one public representation of an entry, shared by the exports, the feeds and the API.

`entry_record` gives every public field as plain values (nested where the data is nested);
`entry_row` flattens it into the columns of a table, described by the codebook
(`data/codebook.yaml`). The entry must come from `catalog.selectors.entries_for_export` (or
`published_entry_for_export`), which fetch everything read here in a fixed number of queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import TextChoices
from django.urls import get_script_prefix, reverse
from django.utils import translation

from compendium.catalog.i18n import translated
from compendium.catalog.models import (
    Economy,
    Entry,
    EntryStatus,
    LinkKind,
    Organization,
    SourceKind,
    Term,
    Verification,
)
from compendium.search.query import fold

LIST_SEPARATOR = "; "


def _term(term: Term, language: str) -> dict[str, str]:
    return {"slug": term.slug, "label": translated(term, "label", language)}


def _choice(choices: type[TextChoices], value: str) -> dict[str, str]:
    # Labels of choices are gettext strings: rendered in the language already activated.
    labels = dict(choices.choices)
    return {"value": value, "label": str(labels.get(value, value))}


def _terms(terms, language: str) -> list[dict[str, str]]:
    return [_term(t, language) for t in sorted(terms, key=lambda t: (t.position, t.slug))]


def _economy(economy: Economy, language: str) -> dict[str, str]:
    return {"code": economy.code, "name": translated(economy, "name", language)}


def _organization(organization: Organization, language: str) -> dict[str, str]:
    return {"slug": organization.slug, "name": translated(organization, "name", language)}


def _by_name(items: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(items, key=lambda item: fold(item["name"]))


def _party(
    economy: Economy | None, organization: Organization | None, language: str
) -> dict[str, Any] | None:
    """An economy or an organisation, said the same way wherever one of the two appears."""
    if economy is not None:
        return {"economy": economy.code, "organization": None, **_economy(economy, language)}
    if organization is not None:
        return {
            "economy": None,
            "organization": organization.slug,
            "name": translated(organization, "name", language),
        }
    return None


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def absolute_url(entry: Entry) -> str:
    """The entry's page in the active language (same as `SITE_URL + get_absolute_url()`)."""
    return settings.SITE_URL + _entry_path_template().format(slug=entry.slug)


def _entry_path_template() -> str:
    # Reversing once per language instead of once per entry: exports build thousands of these.
    key = (translation.get_language() or settings.LANGUAGE_CODE, get_script_prefix())
    if key not in _ENTRY_PATHS:
        marker = "0slug0"
        path = reverse("public:entry", kwargs={"slug": marker})
        _ENTRY_PATHS[key] = path.replace("{", "{{").replace("}", "}}").replace(marker, "{slug}")
    return _ENTRY_PATHS[key]


_ENTRY_PATHS: dict[tuple[str, str], str] = {}


def entry_record(entry: Entry, *, language: str) -> dict[str, Any]:
    """Every public field of a published entry, labels in `language` (en, fr or es)."""
    with translation.override(language):
        contributor = _party(entry.contributor_economy, entry.contributor_organization, language)
        return {
            "slug": entry.slug,
            "url": absolute_url(entry),
            "title": translated(entry, "title", language),
            "title_original": entry.title,
            "title_en": entry.title_en,
            "title_fr": entry.title_fr,
            "title_es": entry.title_es,
            "description": translated(entry, "description", language),
            "description_original": entry.description,
            "description_en": entry.description_en,
            "description_fr": entry.description_fr,
            "description_es": entry.description_es,
            "language": entry.language,
            "economies": _by_name([_economy(e, language) for e in entry.economies.all()]),
            "organizations": _by_name(
                [_organization(o, language) for o in entry.organizations.all()]
            ),
            "implementers_as_reported": entry.implementers_as_reported,
            "contributor": {
                "type": _term(entry.contributor_type, language),
                "economy": contributor["economy"] if contributor else None,
                "organization": contributor["organization"] if contributor else None,
                "name": contributor["name"] if contributor else "",
            },
            "instrument_type": _term(entry.instrument_type, language),
            "policy_areas": _terms(entry.policy_areas.all(), language),
            "target_groups": _terms(entry.target_groups.all(), language),
            "gender_focus": _term(entry.gender_focus, language),
            "start_year": entry.start_year,
            "end_year": entry.end_year,
            "status": _choice(EntryStatus, entry.status),
            "budget": {
                "as_reported": entry.budget_as_reported,
                "amount": str(entry.budget_amount) if entry.budget_amount is not None else None,
                "currency": entry.budget_currency or None,
            },
            "women_reached": {
                "as_reported": entry.women_reached_as_reported,
                "number": entry.women_reached,
            },
            "links": [
                {"kind": _choice(LinkKind, link.kind), "label": link.label, "url": link.url}
                for link in entry.links.all()
            ],
            "sources": [
                {
                    "kind": _choice(SourceKind, source.kind),
                    "title": source.title,
                    "url": source.url,
                    "provided_by": _party(source.economy, source.organization, language),
                    "reference": source.reference,
                    "accessed_on": source.accessed_on.isoformat() if source.accessed_on else None,
                    "note": source.note,
                }
                for source in entry.sources.all()
            ],
            "verification": _choice(Verification, entry.verification),
            "is_sample": entry.is_sample,
            "is_synthetic": entry.is_synthetic,
            "published_at": _when(entry.published_at),
            "updated_at": _when(entry.updated_at),
        }


def _joined(values) -> str:
    return LIST_SEPARATOR.join(str(v) for v in values)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def row_of_record(record: dict[str, Any]) -> dict[str, str]:
    """The record flattened into table columns (see the codebook): lists joined by "; "."""
    contributor = record["contributor"]
    sources = record["sources"]
    row = {
        "slug": record["slug"],
        "url": record["url"],
        "title": record["title"],
        "title_original": record["title_original"],
        "title_en": record["title_en"],
        "title_fr": record["title_fr"],
        "title_es": record["title_es"],
        "description": record["description"],
        "description_original": record["description_original"],
        "description_en": record["description_en"],
        "description_fr": record["description_fr"],
        "description_es": record["description_es"],
        "language": record["language"],
        "economy_codes": _joined(e["code"] for e in record["economies"]),
        "economy_names": _joined(e["name"] for e in record["economies"]),
        "organization_slugs": _joined(o["slug"] for o in record["organizations"]),
        "organization_names": _joined(o["name"] for o in record["organizations"]),
        "implementers_as_reported": record["implementers_as_reported"],
        "contributor_type": contributor["type"]["slug"],
        "contributor_type_label": contributor["type"]["label"],
        "contributor_code": contributor["economy"] or contributor["organization"] or "",
        "contributor_name": contributor["name"],
        "instrument_type": record["instrument_type"]["slug"],
        "instrument_type_label": record["instrument_type"]["label"],
        "policy_areas": _joined(t["slug"] for t in record["policy_areas"]),
        "policy_area_labels": _joined(t["label"] for t in record["policy_areas"]),
        "target_groups": _joined(t["slug"] for t in record["target_groups"]),
        "target_group_labels": _joined(t["label"] for t in record["target_groups"]),
        "gender_focus": record["gender_focus"]["slug"],
        "gender_focus_label": record["gender_focus"]["label"],
        "start_year": record["start_year"],
        "end_year": record["end_year"],
        "status": record["status"]["value"],
        "status_label": record["status"]["label"],
        "budget_as_reported": record["budget"]["as_reported"],
        "budget_amount": record["budget"]["amount"],
        "budget_currency": record["budget"]["currency"],
        "women_reached_as_reported": record["women_reached"]["as_reported"],
        "women_reached": record["women_reached"]["number"],
        "links": _joined(link["url"] or link["label"] for link in record["links"]),
        "source_titles": _joined(s["title"] for s in sources),
        "source_urls": _joined(s["url"] for s in sources if s["url"]),
        "verification": record["verification"]["value"],
        "verification_label": record["verification"]["label"],
        "is_sample": record["is_sample"],
        "is_synthetic": record["is_synthetic"],
        "published_at": record["published_at"],
        "updated_at": record["updated_at"],
    }
    return {name: _text(value) for name, value in row.items()}


def entry_row(entry: Entry, *, language: str) -> dict[str, str]:
    return row_of_record(entry_record(entry, language=language))
