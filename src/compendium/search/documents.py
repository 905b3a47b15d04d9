"""What the index holds for an entry: its searchable text by kind of field, and its facet values."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from compendium.catalog.models import Economy, Entry, Organization, Workflow

from .models import EntryDocument, EntryFacet
from .query import fold

LANGS = ("en", "fr", "es")


def entries_for_indexing(ids: Iterable[int] | None = None) -> QuerySet[Entry]:
    """Entries with everything their document needs, in a fixed number of queries per batch."""
    economies = Economy.objects.select_related("region").prefetch_related("working_groups")
    entries = Entry.objects.select_related(
        "instrument_type",
        "gender_focus",
        "contributor_type",
        "contributor_organization",
    ).prefetch_related(
        Prefetch("economies", queryset=economies),
        Prefetch("contributor_economy", queryset=economies),
        "organizations",
        "policy_areas",
        "target_groups",
    )
    return entries if ids is None else entries.filter(pk__in=list(ids))


def _labels(*terms) -> list[str]:
    return [getattr(t, f"label_{lang}") for t in terms if t is not None for lang in LANGS]


def _names(economy: Economy) -> list[str]:
    return [
        economy.code,
        economy.name_en,
        economy.name_fr,
        economy.name_es,
        *_labels(economy.region),
    ]


def _organisation_names(organization: Organization) -> list[str]:
    return [
        organization.name_en,
        organization.name_fr,
        organization.name_es,
        organization.acronym,
        *organization.aliases,
    ]


def _text(parts: Iterable[str]) -> str:
    return "\n".join(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def _economies_of(entry: Entry) -> list[Economy]:
    economies = list(entry.economies.all())
    if entry.contributor_economy and entry.contributor_economy not in economies:
        economies.append(entry.contributor_economy)
    return economies


def _organisations_of(entry: Entry) -> list[Organization]:
    organisations = list(entry.organizations.all())
    if entry.contributor_organization and entry.contributor_organization not in organisations:
        organisations.append(entry.contributor_organization)
    return organisations


def document_of(entry: Entry) -> EntryDocument:
    economies = _economies_of(entry)
    first = min(economies, key=lambda e: fold(e.name_en), default=None)
    return EntryDocument(
        entry_id=entry.pk,
        title=_text([entry.title, entry.title_en, entry.title_fr, entry.title_es]),
        description=_text(
            [
                entry.description,
                entry.description_en,
                entry.description_fr,
                entry.description_es,
                entry.implementers_as_reported,
            ]
        ),
        organisations=_text(n for o in _organisations_of(entry) for n in _organisation_names(o)),
        places=_text(n for e in economies for n in _names(e)),
        areas=_text(_labels(*entry.policy_areas.all())),
        target_groups=_text(_labels(*entry.target_groups.all())),
        other=_text(_labels(entry.instrument_type, entry.gender_focus, entry.contributor_type)),
        is_public=entry.workflow == Workflow.PUBLISHED,
        start_year=entry.start_year,
        sort_title=fold(entry.display_title)[:200],
        # Entries without an economy (global programmes) sort after every economy.
        sort_economy_en=fold(first.name_en)[:120] if first else "~",
        sort_economy_fr=fold(first.name_fr)[:120] if first else "~",
        sort_economy_es=fold(first.name_es)[:120] if first else "~",
        published_at=entry.published_at,
    )


def facet_keys_of(entry: Entry) -> set[str]:
    economies = _economies_of(entry)
    keys = {
        f"instrument:{entry.instrument_type.slug}",
        f"gender:{entry.gender_focus.slug}",
        f"contributor_type:{entry.contributor_type.slug}",
        f"status:{entry.status}",
        f"verification:{entry.verification}",
    }
    keys |= {f"area:{t.slug}" for t in entry.policy_areas.all()}
    keys |= {f"group:{t.slug}" for t in entry.target_groups.all()}
    keys |= {f"organization:{o.slug}" for o in _organisations_of(entry)}
    for economy in economies:
        keys |= {f"economy:{economy.code}", f"region:{economy.region.slug}"}
        keys |= {f"member_of:{g.slug}" for g in economy.working_groups.all()}
    return keys


def facets_of(entry: Entry) -> list[EntryFacet]:
    return [EntryFacet(entry_id=entry.pk, key=key) for key in sorted(facet_keys_of(entry))]
