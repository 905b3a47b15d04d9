"""What the read API answers: typed output schemas, separate from the query schemas in
`queries.py`. Entries are `publishing.representation.entry_record` dicts, the same records the
JSON download holds, validated against `EntryOut`."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class TermOut(Schema):
    slug: str = Field(..., examples=["ecommerce"])
    label: str = Field(..., examples=["E-commerce and digital trade"])


class ChoiceOut(Schema):
    value: str = Field(..., examples=["member_validated"])
    label: str = Field(..., examples=["Validated by the Member"])


class EconomyRef(Schema):
    code: str = Field(..., description="ISO 3166-1 alpha-3 (EU for the European Union).")
    name: str = Field(..., description="WTO name in the requested language.")


class OrganizationRef(Schema):
    slug: str
    name: str


class ContributorOut(Schema):
    type: TermOut
    economy: str | None = Field(..., description="Economy code, when an economy contributed.")
    organization: str | None = Field(
        ..., description="Organisation slug, when an organisation contributed."
    )
    name: str


class PartyOut(Schema):
    economy: str | None
    organization: str | None
    name: str


class BudgetOut(Schema):
    as_reported: str
    amount: str | None = Field(
        ..., description="Decimal number as a string.", examples=["2500000.00"]
    )
    currency: str | None = Field(..., examples=["USD"])


class WomenReachedOut(Schema):
    as_reported: str
    number: int | None


class LinkOut(Schema):
    kind: ChoiceOut
    label: str
    url: str


class SourceOut(Schema):
    kind: ChoiceOut
    title: str
    url: str
    provided_by: PartyOut | None
    reference: str
    accessed_on: str | None = Field(..., description="ISO 8601 date.")
    note: str


class EntryOut(Schema):
    """One published entry: every public field, labels in the requested language."""

    slug: str = Field(..., examples=["itc-shetrades-initiative"])
    url: str = Field(..., description="The entry's page on the site.")
    title: str = Field(..., description="In the requested language, else English, else original.")
    title_original: str
    title_en: str
    title_fr: str
    title_es: str
    description: str
    description_original: str
    description_en: str
    description_fr: str
    description_es: str
    language: str = Field(..., description="Original language (ISO 639-1).", examples=["en"])
    economies: list[EconomyRef]
    organizations: list[OrganizationRef]
    implementers_as_reported: str
    contributor: ContributorOut
    instrument_type: TermOut
    policy_areas: list[TermOut]
    target_groups: list[TermOut]
    gender_focus: TermOut
    start_year: int | None
    end_year: int | None
    status: ChoiceOut
    budget: BudgetOut
    women_reached: WomenReachedOut
    links: list[LinkOut]
    sources: list[SourceOut]
    verification: ChoiceOut
    is_sample: bool = Field(..., description="Part of the illustrative sample, not official.")
    is_synthetic: bool = Field(..., description="Generated for tests; never real information.")
    published_at: str | None = Field(..., description="ISO 8601 date and time.")
    updated_at: str | None = Field(..., description="ISO 8601 date and time.")


class FacetValueOut(Schema):
    value: str = Field(..., examples=["KEN"])
    label: str = Field(..., examples=["Kenya"])
    count: int = Field(..., description="Matching entries with this value.", examples=[3])
    selected: bool = Field(..., description="Whether the query filters on this value.")


class FacetOut(Schema):
    label: str = Field(..., examples=["Economy"])
    values: list[FacetValueOut]


class EntryPage(Schema):
    count: int = Field(..., description="How many entries match, over all pages.", examples=[42])
    next: str | None = Field(..., description="The next page, or null on the last one.")
    previous: str | None = Field(..., description="The previous page, or null on the first one.")
    results: list[EntryOut]
    facets: dict[str, FacetOut] | None = Field(
        None, description="Only with facets=true: counts of each facet's values, by facet."
    )


class LabelsOut(Schema):
    en: str
    fr: str
    es: str


class EconomyOut(Schema):
    code: str = Field(..., examples=["KEN"])
    name: str = Field(..., examples=["Kenya"])
    names: LabelsOut
    status: ChoiceOut
    region: TermOut
    ldc: bool = Field(..., description="Least developed country.")
    groups: list[TermOut] = Field(..., description="Membership of the MSME Group and the IWG.")
    part_of: str | None = Field(..., description="For an EU member State: EU.")
    entry_count: int = Field(..., description="Published entries covering or contributed by it.")
    url: str = Field(..., description="Its profile page on the site.")
    entries: str = Field(..., description="Its entries through this API.")


class EconomyDetailOut(EconomyOut):
    member_states: list[str] = Field(..., description="For the EU: codes of its member States.")


class OrganizationOut(Schema):
    slug: str = Field(..., examples=["itc"])
    name: str = Field(..., examples=["International Trade Centre"])
    names: LabelsOut
    acronym: str = Field(..., examples=["ITC"])
    kind: TermOut
    economy: str | None = Field(..., description="For a government body: its economy's code.")
    website: str
    entry_count: int = Field(..., description="Published entries it implements or contributed.")
    url: str = Field(..., description="Its page on the site.")
    entries: str = Field(..., description="Its entries through this API.")


class VocabularyValueOut(Schema):
    slug: str
    label: str = Field(..., description="In the requested language.")
    labels: LabelsOut
    description: str = Field(..., description="In the requested language; may be empty.")


class TaxonomyOut(Schema):
    policy_areas: list[VocabularyValueOut]
    target_groups: list[VocabularyValueOut]
    instrument_types: list[VocabularyValueOut]
    gender_focus: list[VocabularyValueOut]
    contributor_types: list[VocabularyValueOut]
    regions: list[VocabularyValueOut]
    working_groups: list[VocabularyValueOut]
    entry_status: list[VocabularyValueOut]
    verification: list[VocabularyValueOut]


class ErrorDetailOut(Schema):
    location: str | None = Field(None, examples=["query"])
    parameter: str | None = Field(None, examples=["economy"])
    value: Any = Field(None, examples=["XXX"])
    message: str = Field(..., examples=["Unknown economy: XXX."])


class ErrorBodyOut(Schema):
    code: str = Field(
        ...,
        description="invalid_parameters, unknown_filter_value, invalid_cursor, cursor_mismatch, "
        "not_found or server_error.",
        examples=["unknown_filter_value"],
    )
    message: str = Field(..., examples=["Some filter values are unknown."])
    details: list[ErrorDetailOut]


class ErrorOut(Schema):
    """Every error of the API has this shape, whatever its status (400, 404, 429, 500)."""

    error: ErrorBodyOut


# 429: every operation is throttled per client IP (API_RATE_LIMIT), so every one may answer it.
ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 404: ErrorOut, 429: ErrorOut, 500: ErrorOut}
