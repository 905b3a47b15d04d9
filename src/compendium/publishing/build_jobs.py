"""Building an edition's documents from its page: the request is recorded as an `EditionBuild`,
built in a background thread (a PDF of 3,000 entries takes about a minute, too long for a web
request), and the renderers' progress (the same callback that draws the CLI's progress bar) is
saved on it for the page to show. The files themselves are still written whole and then moved
into place by `services.edition_build`, so a failed or abandoned build never leaves half a file.

The thread, or building within the request, is `operations.jobs.job_start`'s choice."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compendium.audit.services import audit_record
from compendium.operations.jobs import job_start

from .building import Progress
from .errors import EditionError
from .models import ACTIVE_BUILD_STATUSES, BuildStatus, DocumentFormat, Edition, EditionBuild
from .services import build_check, edition_build

logger = logging.getLogger(__name__)

# A running build reports progress at least every 50 entries; one silent this long was cut off
# (the server restarted) and no longer blocks a new build of the same formats.
ABANDONED_AFTER = timedelta(minutes=15)


class BuildAlreadyRunning(EditionError):
    """The same format of the same edition is being built already."""


def _abandon_stale(edition: Edition) -> None:
    EditionBuild.objects.filter(
        edition=edition,
        status__in=ACTIVE_BUILD_STATUSES,
        updated_at__lt=timezone.now() - ABANDONED_AFTER,
    ).update(
        status=BuildStatus.FAILED,
        error=_("The build stopped without finishing (the server restarted?); start it again."),
        finished_at=timezone.now(),
    )


def _format_names(formats: Sequence[str]) -> str:
    return ", ".join(DocumentFormat(fmt).label for fmt in formats)


@transaction.atomic
def edition_build_request(
    *,
    edition: Edition,
    actor: AbstractBaseUser | None,
    formats: Sequence[str],
    language: str,
    actor_label: str = "",
) -> EditionBuild:
    """Queue a build of these formats, unless one of them is being built for this edition
    already. The edition's row is locked, so two clicks at once queue one build, not two."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    ordered = [fmt for fmt in DocumentFormat.values if fmt in formats]
    build_check(edition=edition, formats=list(formats), language=language)
    _abandon_stale(edition)
    active = EditionBuild.objects.filter(edition=edition, status__in=ACTIVE_BUILD_STATUSES)
    busy = sorted({fmt for build in active for fmt in build.format_list} & set(ordered))
    if busy:
        raise BuildAlreadyRunning(
            _("The %(formats)s of this edition is being built already; wait until it is finished.")
            % {"formats": _format_names(busy)}
        )
    build = EditionBuild.objects.create(
        edition=edition,
        formats=",".join(ordered),
        language=language,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="edition.build_request",
        target=edition,
        changes={"formats": ordered, "language": language},
    )
    return build


def _progress_saver(build_id: int) -> Progress:
    def save(stage: str, done: int, total: int) -> None:
        EditionBuild.objects.filter(pk=build_id).update(
            stage=stage[:40], done=done, total=total, updated_at=timezone.now()
        )

    return save


def _finish(build_id: int, status: str, error: str = "") -> None:
    EditionBuild.objects.filter(pk=build_id).update(
        status=status, error=error, finished_at=timezone.now(), updated_at=timezone.now()
    )


def edition_build_run(*, build_id: int) -> EditionBuild | None:
    """Build a queued request, saving progress as it goes; at the end it is finished, or failed
    with the reason. Claiming the request first means it is built once, whoever runs it."""
    claimed = EditionBuild.objects.filter(pk=build_id, status=BuildStatus.QUEUED).update(
        status=BuildStatus.RUNNING, updated_at=timezone.now()
    )
    build = EditionBuild.objects.select_related("edition", "requested_by").filter(pk=build_id)
    build = build.first()
    if build is None or not claimed:
        return build
    try:
        edition_build(
            edition=build.edition,
            actor=build.requested_by,
            actor_label="" if build.requested_by else "edition build",
            formats=build.format_list,
            language=build.language,
            progress=_progress_saver(build.pk),
        )
    except EditionError as error:
        _finish(build.pk, BuildStatus.FAILED, str(error))
    except Exception as error:
        # Whatever went wrong, the page must say so rather than show "building" for ever.
        logger.exception("Building the documents of edition %s failed", build.edition_id)
        _finish(
            build.pk,
            BuildStatus.FAILED,
            _(
                "The build failed unexpectedly (%(error)s); no file was changed. Try again, or "
                "tell the platform's administrators."
            )
            % {"error": type(error).__name__},
        )
    else:
        _finish(build.pk, BuildStatus.DONE)
    build.refresh_from_db()
    return build


def build_start(build: EditionBuild) -> None:
    """Build in the background (see `operations.jobs`), the page following its progress."""
    build_id = build.pk
    job_start(name=f"edition-build-{build_id}", work=lambda: edition_build_run(build_id=build_id))
