"""Reads of the catalog, already scoped to what the asking user may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from .models import (
    ContributorType,
    Economy,
    Entry,
    GenderFocus,
    InstrumentType,
    Organization,
    PolicyArea,
    Region,
    Source,
    TargetGroup,
    Workflow,
    WorkingGroup,
)

ENTRY_LIST_RELATED = ("contributor_type", "instrument_type", "gender_focus")


def entries_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Entry]:
    """Everything for the secretariat; published entries for everyone else. (Focal points' own
    unpublished entries are reached through the survey workspace, not the public catalog.)"""
    if user.is_authenticated and user.has_perm("catalog.view_any_entry"):
        return Entry.objects.all()
    return Entry.objects.filter(workflow=Workflow.PUBLISHED)


def published_entries() -> QuerySet[Entry]:
    return Entry.objects.filter(workflow=Workflow.PUBLISHED)


def entry_list(*, entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """The entries with what a list row shows, fetched in a fixed number of queries."""
    return entries.select_related(*ENTRY_LIST_RELATED).prefetch_related(
        "economies", "policy_areas", "organizations"
    )


def entry_detail(*, user: AbstractBaseUser | AnonymousUser, slug: str) -> Entry | None:
    return (
        entry_list(entries=entries_visible_to(user=user))
        .select_related("contributor_economy", "contributor_organization")
        .prefetch_related(
            "target_groups",
            "links",
            Prefetch("sources", queryset=Source.objects.select_related("organization", "economy")),
        )
        .filter(slug=slug)
        .first()
    )


def economy_by_code(*, code: str) -> Economy | None:
    return (
        Economy.objects.select_related("region", "part_of")
        .prefetch_related("working_groups", "member_states")
        .filter(code=code.upper())
        .first()
    )


def organization_by_slug(*, slug: str) -> Organization | None:
    return Organization.objects.select_related("kind", "economy").filter(slug=slug).first()


def entries_about_economy(*, economy: Economy, entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Entries covering the economy, or contributed by it."""
    return entries.filter(Q(economies=economy) | Q(contributor_economy=economy)).distinct()


def entries_of_organization(
    *, organization: Organization, entries: QuerySet[Entry]
) -> QuerySet[Entry]:
    return entries.filter(
        Q(organizations=organization) | Q(contributor_organization=organization)
    ).distinct()


def catalog_counts(*, entries: QuerySet[Entry]) -> dict[str, int]:
    return {
        "entries": entries.count(),
        "economies_covered": Economy.objects.filter(entries__in=entries).distinct().count(),
        "organizations": Organization.objects.filter(entries__in=entries).distinct().count(),
        "economies": Economy.objects.count(),
        "sample_entries": entries.filter(is_sample=True).count(),
    }


def policy_areas_with_counts(*, entries: QuerySet[Entry]) -> QuerySet[PolicyArea]:
    return PolicyArea.objects.annotate(
        entry_count=Count("entries", filter=Q(entries__in=entries), distinct=True)
    )


def economies_with_counts(*, entries: QuerySet[Entry]) -> QuerySet[Economy]:
    return Economy.objects.annotate(
        entry_count=Count("entries", filter=Q(entries__in=entries), distinct=True)
    ).select_related("region")


# --- for the public site -----------------------------------------------------------------------


class _CountDistinct(Func):
    """COUNT(DISTINCT …) without GROUP BY, so a correlated subquery yields exactly one number."""

    function = "COUNT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def published_sample_exists() -> bool:
    """Whether the public catalog shows any illustrative sample entry (the site then says so)."""
    return published_entries().filter(is_sample=True).exists()


def published_notices() -> tuple[bool, bool]:
    """Whether the public catalog shows illustrative sample entries, and synthetic (benchmark)
    ones: the notices every public page may carry, asked in one query."""
    parts, params = [], []
    for flag in ("is_sample", "is_synthetic"):
        sql, flag_params = (
            published_entries().filter(**{flag: True}).values("pk")[:1].query.sql_with_params()
        )
        parts.append(f"EXISTS ({sql})")
        params += flag_params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        sample, synthetic = cursor.fetchone()
    return bool(sample), bool(synthetic)


def policy_area_by_slug(*, slug: str) -> PolicyArea | None:
    return PolicyArea.objects.filter(slug=slug).first()


def economies_with_entry_counts(*, entries: QuerySet[Entry]) -> QuerySet[Economy]:
    """Every economy with `entry_count`: how many of `entries` cover it or were contributed by it,
    the same rule as `entries_about_economy`, so a count always matches the filtered list.
    One query, whatever the number of economies."""
    about = (
        entries.filter(Q(economies=OuterRef("pk")) | Q(contributor_economy=OuterRef("pk")))
        .order_by()
        .annotate(n=_CountDistinct("pk"))
        .values("n")
    )
    return Economy.objects.select_related("region").annotate(
        entry_count=Coalesce(Subquery(about, output_field=IntegerField()), 0)
    )


def organizations_of_economy(*, economy: Economy) -> QuerySet[Organization]:
    """The economy's own bodies (ministries, agencies) among the organisations."""
    return Organization.objects.select_related("kind").filter(economy=economy)


def _shared_count(through, column: str, ids: list[int]) -> Subquery:
    """How many of `ids` the outer entry has through the many-to-many table `through`."""
    rows = (
        through.objects.filter(entry_id=OuterRef("pk"), **{f"{column}__in": ids})
        .order_by()
        .annotate(n=_CountDistinct(column))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def related_entries(*, entry: Entry, limit: int = 5) -> list[Entry]:
    """Up to `limit` other published entries sharing the most policy areas, target groups and
    economies with `entry` (ties: the newest first). A fixed number of queries: the candidates
    are only entries sharing something, each scored by three indexed lookups."""
    links = {
        "policyarea_id": (Entry.policy_areas.through, [a.pk for a in entry.policy_areas.all()]),
        "targetgroup_id": (Entry.target_groups.through, [g.pk for g in entry.target_groups.all()]),
        "economy_id": (Entry.economies.through, [e.pk for e in entry.economies.all()]),
    }
    links = {column: (through, ids) for column, (through, ids) in links.items() if ids}
    if not links:
        return []
    shares_something = Q()
    for column, (through, ids) in links.items():
        shares_something |= Q(
            pk__in=through.objects.filter(**{f"{column}__in": ids}).values("entry_id")
        )
    scores = [_shared_count(through, column, ids) for column, (through, ids) in links.items()]
    score = scores[0]
    for part in scores[1:]:
        score = score + part
    candidates = (
        published_entries()
        .filter(shares_something)
        .exclude(pk=entry.pk)
        .annotate(overlap=score)
        .order_by("-overlap", F("published_at").desc(nulls_last=True), "title", "pk")
    )
    return list(entry_list(entries=candidates)[:limit])


# --- for open data, feeds and the read API -----------------------------------------------------


def _for_export(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Everything the public representation of an entry shows, in a fixed number of queries."""
    return entries.select_related(
        *ENTRY_LIST_RELATED, "contributor_economy", "contributor_organization"
    ).prefetch_related(
        "economies",
        "organizations",
        "policy_areas",
        "target_groups",
        "links",
        Prefetch("sources", queryset=Source.objects.select_related("organization", "economy")),
    )


def entries_for_export(*, ids: list[int]) -> list[Entry]:
    """The published entries among `ids`, in the order of `ids`. Callers pass batches of a few
    hundred ids: each batch costs the same handful of queries, whatever the total."""
    by_id = {e.pk: e for e in _for_export(published_entries().filter(pk__in=ids))}
    return [by_id[i] for i in ids if i in by_id]


def published_entry_for_export(*, slug: str) -> Entry | None:
    return _for_export(published_entries().filter(slug=slug)).first()


def published_samples_among(*, ids: list[int]) -> bool:
    """Whether any of these entries is an illustrative sample (the export then says so)."""
    return published_entries().filter(pk__in=ids, is_sample=True).exists()


def economies_for_reference() -> QuerySet[Economy]:
    """Every economy with its region, the union it belongs to and its groups: 2 queries."""
    return Economy.objects.select_related("region", "part_of").prefetch_related("working_groups")


def organizations_for_reference() -> QuerySet[Organization]:
    return Organization.objects.select_related("kind", "economy")


def organizations_with_entry_counts(*, entries: QuerySet[Entry]) -> QuerySet[Organization]:
    """Every organisation with `entry_count`: how many of `entries` it implements or contributed,
    the same rule as `entries_of_organization`. One query, whatever the number of organisations."""
    about = (
        entries.filter(Q(organizations=OuterRef("pk")) | Q(contributor_organization=OuterRef("pk")))
        .order_by()
        .annotate(n=_CountDistinct("pk"))
        .values("n")
    )
    return Organization.objects.select_related("kind", "economy").annotate(
        entry_count=Coalesce(Subquery(about, output_field=IntegerField()), 0)
    )


def vocabularies() -> dict[str, QuerySet]:
    """Every controlled vocabulary, in display order, keyed by its name in the taxonomy file."""
    return {
        "policy_areas": PolicyArea.objects.all(),
        "target_groups": TargetGroup.objects.all(),
        "instrument_types": InstrumentType.objects.all(),
        "gender_focus": GenderFocus.objects.all(),
        "contributor_types": ContributorType.objects.all(),
        "regions": Region.objects.all(),
        "working_groups": WorkingGroup.objects.all(),
    }
