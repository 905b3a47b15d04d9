"""What the read API accepts: the search page's parameters as typed query schemas, turned into
the same `SearchParams` the page uses, but strictly: an unknown filter value is an error here
(a program should hear about its typo), where the page drops it with a message."""

from __future__ import annotations

import re
from typing import Any, Literal

from django.http import QueryDict
from ninja import Field, Schema

from compendium.catalog.models import MAX_YEAR, MIN_YEAR
from compendium.publishing.queries import search_from_query
from compendium.search.facets import FACETS
from compendium.search.params import SearchParams

from .errors import ApiError

Language = Literal["en", "fr", "es"]
Sort = Literal["relevance", "newest", "title", "economy"]
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
# Path parameters of another shape are no code or slug at all, and are answered (404) without
# asking the database, which may refuse some characters, such as NUL, outright.
ECONOMY_CODE = re.compile(r"[A-Za-z]{2,3}")
SLUG = re.compile(r"[-\w]{1,120}", re.ASCII)
# Examples of filters are given in the descriptions, not as `example` values: the docs page's
# "Try it out" fills every parameter with its example, and all of them together match nothing.
# (A single `example`, not `examples`: ninja copies it into the OpenAPI Parameter object, where
# `examples` would have to be a map.)
LANGUAGE_FIELD = Field("en", description="Language of labels and names: en, fr or es.")


def _facet(description: str, example: str) -> Any:
    return Field(
        default_factory=list,
        description=f"{description} E.g. `{example}`. Repeat the parameter for several values "
        "(any of them matches).",
    )


class EntrySearch(Schema):
    """The search page's parameters (see /search/): text, facets, years and sort."""

    q: str = Field(
        "",
        max_length=2000,
        description='Words, "quoted phrases", -excluded words and OR; accents and case ignored.',
        json_schema_extra={"example": "mentoring"},
    )
    area: list[str] = _facet("Policy area slug (see /taxonomy).", "ecommerce")
    group: list[str] = _facet("Target group slug (see /taxonomy).", "women_led_msmes")
    economy: list[str] = _facet("Economy code, ISO 3166-1 alpha-3 or EU.", "KEN")
    region: list[str] = _facet("WTO region slug (see /taxonomy).", "africa")
    member_of: list[str] = _facet("Group membership: msme or tge.", "tge")
    instrument: list[str] = _facet("Instrument type slug (see /taxonomy).", "programme")
    gender: list[str] = _facet("Gender focus slug (see /taxonomy).", "women_specific")
    contributor_type: list[str] = _facet("Contributor type slug (see /taxonomy).", "member")
    organization: list[str] = _facet("Organisation slug (see /organizations).", "itc")
    status: list[str] = _facet("Status: planned, active, completed or unknown.", "active")
    verification: list[str] = _facet(
        "Verification: member_validated, submitted_by_member, partner_reported or "
        "secretariat_compiled.",
        "member_validated",
    )
    year_from: int | None = Field(
        None,
        ge=MIN_YEAR,
        le=MAX_YEAR,
        description="Earliest start year. E.g. `2015`.",
    )
    year_to: int | None = Field(
        None,
        ge=MIN_YEAR,
        le=MAX_YEAR,
        description="Latest start year. E.g. `2024`.",
    )
    sort: Sort | None = Field(
        None,
        description="relevance (default with a query), title (default without), newest or economy.",
    )


class EntryListQuery(EntrySearch):
    facets: bool = Field(False, description="Add the facet counts of the whole result.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Entries per page (1–100).")
    cursor: str | None = Field(
        None, description="Opaque: from the `next` or `previous` address of a response."
    )
    lang: Language = LANGUAGE_FIELD


class LanguageQuery(Schema):
    lang: Language = LANGUAGE_FIELD


def _unknown_values(search: EntrySearch) -> list[dict[str, Any]]:
    problems = []
    for spec in FACETS:
        known = spec.labels()
        for raw in getattr(search, spec.name):
            value = spec.normalise(raw)
            if value and value not in known:
                problems.append(
                    {
                        "location": "query",
                        "parameter": spec.name,
                        "value": raw[:100],
                        "message": f"Unknown {spec.name} value “{raw[:100]}”.",
                    }
                )
    return problems


def search_params(search: EntrySearch) -> SearchParams:
    """The search as the page would run it; unknown filter values are a 400 with each listed."""
    if problems := _unknown_values(search):
        raise ApiError(
            400,
            "unknown_filter_value",
            "Some filter values are unknown: see details. The allowed values are listed by "
            "/api/v1/taxonomy, /api/v1/economies and /api/v1/organizations.",
            problems,
        )
    query = QueryDict(mutable=True)
    if search.q:
        query["q"] = search.q
    for spec in FACETS:
        query.setlist(spec.name, getattr(search, spec.name))
    for name in ("year_from", "year_to", "sort"):
        if getattr(search, name) is not None:
            query[name] = str(getattr(search, name))
    params, _problems = search_from_query(query)  # nothing left to drop: all was checked above
    return params
