"""Why a change or a build of an edition was refused, in plain words."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .snapshots import Missing


class EditionError(Exception):
    """A refused change or build of an edition; the message says why."""


class EntriesIncomplete(EditionError):
    """Some entries lack what the document needs; `missing` lists each with a link to fix it."""

    def __init__(self, missing: list[Missing]) -> None:
        self.missing = missing
        super().__init__(
            _("%(count)s entries lack what the document needs; fix them and freeze again.")
            % {"count": len(missing)}
        )


class DocumentUnavailable(EditionError):
    """A format cannot be built on this machine (e.g. WeasyPrint without its system libraries)."""
