"""GET /economies, /organizations and /taxonomy: the reference data the filters use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Path, Query, Router

from compendium.catalog import selectors
from compendium.catalog.models import EntryStatus, Verification
from compendium.search.params import SearchParams
from compendium.search.query import fold
from compendium.search.selectors import search_entries

from .errors import ApiError
from .queries import ECONOMY_CODE, SLUG, LanguageQuery
from .records import choice_records, economy_record, organization_record, term_record
from .schemas import (
    ERRORS,
    EconomyDetailOut,
    EconomyOut,
    OrganizationOut,
    TaxonomyOut,
)

router = Router()


def entry_counts(facet: str) -> dict[str, int]:
    """Published entries per value of a search facet (`economy`, `organization`): the counts
    that `/entries?<facet>=<value>` gives, by the same rule (covered or contributed), taken from
    the search index's cached counts rather than counted again per economy."""
    result = search_entries(params=SearchParams(page_size=1), facets=True, highlight=False)
    return {v.value: v.count for f in result.facets if f.name == facet for v in f.values}


@router.get(
    "/economies",
    response={200: list[EconomyOut], **ERRORS},
    url_name="economies_list",
    tags=["economies"],
    summary="Every WTO Member and Observer",
    description="All WTO Members and Observers with their names in English, French and Spanish, "
    "status, WTO region, LDC status, group memberships and number of published entries, "
    "ordered by name in the requested language.",
)
def economies_list(request: HttpRequest, query: Query[LanguageQuery]) -> list[dict[str, Any]]:
    counts = entry_counts("economy")
    with translation.override(query.lang):
        records = [
            economy_record(
                e, entry_count=counts.get(e.code, 0), language=query.lang, request=request
            )
            for e in selectors.economies_for_reference()
        ]
    return sorted(records, key=lambda r: fold(r["name"]))


@router.get(
    "/economies/{iso3}",
    response={200: EconomyDetailOut, **ERRORS},
    url_name="economy_detail",
    tags=["economies"],
    summary="One WTO Member or Observer",
    description="One economy by its code (ISO 3166-1 alpha-3, or EU), in any case: "
    "`ken`, `KEN`. 404 for a code that is not a WTO Member or Observer.",
)
def economy_detail(
    request: HttpRequest, iso3: Path[str], query: Query[LanguageQuery]
) -> dict[str, Any]:
    economy = selectors.economy_by_code(code=iso3) if ECONOMY_CODE.fullmatch(iso3) else None
    if economy is None:
        raise ApiError(404, "not_found", f"No WTO Member or Observer has the code “{iso3[:20]}”.")
    count = entry_counts("economy").get(economy.code, 0)
    with translation.override(query.lang):
        record = economy_record(economy, entry_count=count, language=query.lang, request=request)
    record["member_states"] = sorted(e.code for e in economy.member_states.all())
    return record


@router.get(
    "/organizations",
    response={200: list[OrganizationOut], **ERRORS},
    url_name="organizations_list",
    tags=["organizations"],
    summary="Every organisation",
    description="International and regional organisations, development banks, government "
    "bodies and others that implement or contributed entries, with their number of published "
    "entries, ordered by name in the requested language.",
)
def organizations_list(request: HttpRequest, query: Query[LanguageQuery]) -> list[dict[str, Any]]:
    counts = entry_counts("organization")
    records = [
        organization_record(
            o, entry_count=counts.get(o.slug, 0), language=query.lang, request=request
        )
        for o in selectors.organizations_for_reference()
    ]
    return sorted(records, key=lambda r: fold(r["name"]))


@router.get(
    "/organizations/{slug}",
    response={200: OrganizationOut, **ERRORS},
    url_name="organization_detail",
    tags=["organizations"],
    summary="One organisation",
    description="One organisation by its slug. 404 for an unknown slug.",
)
def organization_detail(
    request: HttpRequest, slug: Path[str], query: Query[LanguageQuery]
) -> dict[str, Any]:
    organization = selectors.organization_by_slug(slug=slug) if SLUG.fullmatch(slug) else None
    if organization is None:
        raise ApiError(404, "not_found", f"No organisation has the slug “{slug[:120]}”.")
    count = entry_counts("organization").get(organization.slug, 0)
    return organization_record(
        organization, entry_count=count, language=query.lang, request=request
    )


@router.get(
    "/taxonomy",
    response={200: TaxonomyOut, **ERRORS},
    url_name="taxonomy",
    tags=["taxonomy"],
    summary="Every vocabulary",
    description="The controlled vocabularies: the allowed values (slugs) of every coded field "
    "and filter, with labels in English, French and Spanish. Slugs are stable; labels may change.",
)
def taxonomy(request: HttpRequest, query: Query[LanguageQuery]) -> dict[str, Any]:
    lang = query.lang
    body = {
        name: [term_record(term, language=lang) for term in terms]
        for name, terms in selectors.vocabularies().items()
    }
    body["entry_status"] = choice_records(EntryStatus, language=lang)
    body["verification"] = choice_records(Verification, language=lang)
    return body
