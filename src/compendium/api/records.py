"""Economies, organisations and vocabularies as plain values for the API (entries have their
own representation, shared with the downloads: `publishing.representation`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import TextChoices
from django.urls import reverse
from django.utils import translation

from compendium.catalog.i18n import LANGUAGE_CODES, translated
from compendium.catalog.models import Economy, EconomyStatus, Organization, Term


def _labels(obj: object, field: str) -> dict[str, str]:
    return {lang: translated(obj, field, lang) for lang in LANGUAGE_CODES}


def _entries_url(request, language: str, **filters: str) -> str:
    query = {**filters, "lang": language} if language != "en" else filters
    return request.build_absolute_uri(f"{reverse('api-v1:entries_list')}?{urlencode(query)}")


def economy_record(economy: Economy, *, entry_count: int, language: str, request) -> dict[str, Any]:
    """Expects the region and union selected and the working groups prefetched."""
    status_labels = dict(EconomyStatus.choices)
    return {
        "code": economy.code,
        "name": translated(economy, "name", language),
        "names": _labels(economy, "name"),
        "status": {"value": economy.status, "label": str(status_labels[economy.status])},
        "region": {
            "slug": economy.region.slug,
            "label": translated(economy.region, "label", language),
        },
        "ldc": economy.is_ldc,
        "groups": [
            {"slug": g.slug, "label": translated(g, "short", language)}
            for g in economy.working_groups.all()
        ],
        "part_of": economy.part_of.code if economy.part_of else None,
        "entry_count": entry_count,
        "url": settings.SITE_URL + economy.get_absolute_url(),
        "entries": _entries_url(request, language, economy=economy.code),
    }


def organization_record(
    organization: Organization, *, entry_count: int, language: str, request
) -> dict[str, Any]:
    """Expects the kind and economy selected."""
    return {
        "slug": organization.slug,
        "name": translated(organization, "name", language),
        "names": _labels(organization, "name"),
        "acronym": organization.acronym,
        "kind": {
            "slug": organization.kind.slug,
            "label": translated(organization.kind, "label", language),
        },
        "economy": organization.economy.code if organization.economy else None,
        "website": organization.website,
        "entry_count": entry_count,
        "url": settings.SITE_URL + organization.get_absolute_url(),
        "entries": _entries_url(request, language, organization=organization.slug),
    }


def term_record(term: Term, *, language: str) -> dict[str, Any]:
    return {
        "slug": term.slug,
        "label": translated(term, "label", language),
        "labels": _labels(term, "label"),
        "description": translated(term, "description", language),
    }


def choice_records(choices: type[TextChoices], *, language: str) -> list[dict[str, Any]]:
    labels = {}
    for lang in LANGUAGE_CODES:
        with translation.override(lang):
            labels[lang] = {value: str(label) for value, label in choices.choices}
    return [
        {
            "slug": value,
            "label": labels[language][value],
            "labels": {lang: labels[lang][value] for lang in LANGUAGE_CODES},
            "description": "",
        }
        for value in choices.values
    ]
