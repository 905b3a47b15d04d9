"""Reads of the catalog, already scoped to what the asking user may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Economy, Entry, Organization, PolicyArea, Source, Workflow

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
