"""Reads of editions, scoped to who asks: the secretariat sees every edition, the public only the
files of adopted editions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, QuerySet

from .models import (
    ACTIVE_BUILD_STATUSES,
    DataRelease,
    DataReleaseFile,
    Edition,
    EditionBuild,
    EditionFile,
    EditionStatus,
    symbol_parts,
)

SECRETARIAT_PERMISSION = "catalog.view_any_entry"


def may_manage_editions(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(SECRETARIAT_PERMISSION))


def editions_for_secretariat() -> QuerySet[Edition]:
    return Edition.objects.annotate(entry_count=Count("entries")).order_by("-date", "-pk")


def edition_by_id(*, pk: int) -> Edition | None:
    return Edition.objects.select_related("previous").filter(pk=pk).first()


def edition_by_reference(*, reference: str) -> Edition | None:
    """An edition named by its id or its full symbols (as printed: with /Rev.n if revised)."""
    if reference.isdigit():
        return edition_by_id(pk=int(reference))
    wanted = symbol_parts(reference)
    for edition in Edition.objects.all():
        if [s.upper() for s in edition.symbol_list] == wanted:
            return edition
    return None


def edition_files(*, edition: Edition) -> QuerySet[EditionFile]:
    return edition.files.all()


def edition_builds_shown(*, edition: Edition) -> list[EditionBuild]:
    """What the edition's page says about building its documents: every build under way, or else
    how the latest one ended (finished, or failed and why)."""
    builds = edition.builds.order_by("requested_at", "pk")
    active = list(builds.filter(status__in=ACTIVE_BUILD_STATUSES))
    if active:
        return active
    latest = builds.last()
    return [latest] if latest is not None else []


def adopted_edition_files() -> QuerySet[EditionFile]:
    return (
        EditionFile.objects.filter(edition__status=EditionStatus.ADOPTED)
        .select_related("edition")
        .order_by("-edition__date", "-edition__pk", "language", "format")
    )


def public_edition_file(*, pk: int) -> EditionFile | None:
    return adopted_edition_files().filter(pk=pk).first()


def edition_file(*, edition: Edition, pk: int) -> EditionFile | None:
    return edition.files.filter(pk=pk).first()


def public_releases() -> QuerySet[DataRelease]:
    """The data releases of adopted editions, newest first, with their files."""
    return (
        DataRelease.objects.filter(edition__status=EditionStatus.ADOPTED)
        .select_related("edition")
        .prefetch_related("files")
        .order_by("-created_at", "-pk")
    )


def public_release_file(*, release: str, name: str) -> DataReleaseFile | None:
    return (
        DataReleaseFile.objects.filter(
            release__name=release, name=name, release__edition__status=EditionStatus.ADOPTED
        )
        .select_related("release")
        .first()
    )
