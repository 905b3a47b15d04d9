"""Editions of the official document: what each contains (the frozen entry versions, with
everything needed to rebuild the document identically later) and the files built from it.
Every write goes through `services.py`."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from compendium.catalog.models import Entry, EntryVersion

# Symbols are written "INF/TGE/W/12 – INF/MSME/W/34": one per group, separated by a dash.
SYMBOL_SEPARATOR = re.compile(r"\s+[–—-]\s+|\s*,\s*|\s*;\s*")


def symbol_parts(symbols: str) -> list[str]:
    return [part.strip().upper() for part in SYMBOL_SEPARATOR.split(symbols) if part.strip()]


class EditionKind(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class EditionStatus(models.TextChoices):
    IN_PREPARATION = "in_preparation", _("In preparation")
    CIRCULATED = "circulated", _("Circulated")
    ADOPTED = "adopted", _("Adopted")


class Part(models.TextChoices):
    MEMBERS = "members", _("Members")
    OBSERVERS = "observers", _("Observers")
    ORGANIZATIONS = "organizations", _("Organisations and other stakeholders")


class Edition(models.Model):
    """One version of the official document (Rev.0, Rev.1, …) and its state."""

    symbols = models.CharField(
        _("document symbols"),
        max_length=200,
        help_text=_("One per group, e.g. INF/TGE/W/12 – INF/MSME/W/34 (without /Rev.n)."),
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=EditionKind.choices)
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EditionStatus.choices,
        default=EditionStatus.IN_PREPARATION,
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("revision of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_revision",
    )
    # The document's frame (formula, introduction, labels, questionnaire, vocabularies) as it was
    # when the edition was frozen, so a later change of the data files never alters it.
    frame = models.JSONField(_("frozen frame"), default=dict, blank=True)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    circulated_at = models.DateTimeField(_("circulated"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["symbols", "revision"],
                name="edition_symbols_revision_unique",
                violation_error_message=_("An edition with these symbols and revision exists."),
            )
        ]

    def __str__(self) -> str:
        return self.full_symbols

    @property
    def symbol_list(self) -> list[str]:
        """Each group's symbol with its revision suffix (/Rev.n from the first revision on)."""
        suffix = f"/Rev.{self.revision}" if self.revision else ""
        return [f"{part}{suffix}" for part in symbol_parts(self.symbols)]

    @property
    def full_symbols(self) -> str:
        return " – ".join(self.symbol_list)

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def is_draft(self) -> bool:
        return self.kind == EditionKind.DRAFT


class EditionEntry(models.Model):
    """One entry as frozen in an edition: the exact version and a self-contained snapshot of what
    the document shows (names and labels in EN/FR/ES included)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="entries")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="edition_entries")
    version = models.ForeignKey(
        EntryVersion, on_delete=models.PROTECT, related_name="edition_entries"
    )
    part = models.CharField(_("part"), max_length=16, choices=Part.choices)
    heading = models.CharField(_("heading"), max_length=300)
    position = models.PositiveIntegerField(_("position"))
    snapshot = models.JSONField(_("snapshot"))

    class Meta:
        verbose_name = _("entry of an edition")
        verbose_name_plural = _("entries of editions")
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "entry"], name="edition_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.edition}: {self.snapshot.get('title', '')}"


class DocumentFormat(models.TextChoices):
    DOCX = "docx", "DOCX"
    PDF = "pdf", "PDF"


class EditionFile(models.Model):
    """A document built from a frozen edition, in one format and frame language."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(_("format"), max_length=8, choices=DocumentFormat.choices)
    language = models.CharField(_("language"), max_length=8, default="en")
    file = models.FileField(_("file"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    built_at = models.DateTimeField(_("built"))

    class Meta:
        verbose_name = _("edition file")
        verbose_name_plural = _("edition files")
        ordering = ["edition", "language", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "format", "language"], name="edition_file_unique"
            )
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class ReleaseFileKind(models.TextChoices):
    ENTRIES_CSV = "entries_csv", _("Entries (CSV)")
    ENTRIES_XLSX = "entries_xlsx", _("Entries (Excel workbook, with the codebook)")
    ENTRIES_JSON = "entries_json", _("Entries (JSON)")
    CODEBOOK_CSV = "codebook_csv", _("Codebook (CSV)")
    DATAPACKAGE = "datapackage", _("Frictionless Data Package descriptor")
    CHECKSUMS = "checksums", _("SHA-256 checksums")


class DataRelease(models.Model):
    """The citable open-data release of an adopted edition: its frozen entries as files that
    never change once written (CSV, XLSX, JSON, a Frictionless Data Package)."""

    edition = models.OneToOneField(
        Edition, on_delete=models.PROTECT, related_name="data_release", verbose_name=_("edition")
    )
    # Stable, URL-safe: /data/releases/<name>/<file>; also the data package's name.
    name = models.SlugField(_("name"), max_length=200, unique=True)
    version = models.CharField(_("version"), max_length=200)
    title = models.CharField(_("title"), max_length=500)
    entry_count = models.PositiveIntegerField(_("entries"))
    licence_name = models.CharField(_("licence"), max_length=200)
    licence_url = models.URLField(_("licence address"), blank=True)
    # Where the files lie, relative to MEDIA_ROOT (written once, then never touched).
    directory = models.CharField(_("directory"), max_length=300)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("data release")
        verbose_name_plural = _("data releases")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class DataReleaseFile(models.Model):
    release = models.ForeignKey(DataRelease, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("file name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=ReleaseFileKind.choices)
    media_type = models.CharField(_("media type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("data release file")
        verbose_name_plural = _("data release files")
        ordering = ["release", "position"]
        constraints = [
            models.UniqueConstraint(fields=["release", "name"], name="data_release_file_unique")
        ]

    def __str__(self) -> str:
        return f"{self.release.name}/{self.name}"


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Building")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


ACTIVE_BUILD_STATUSES = (BuildStatus.QUEUED, BuildStatus.RUNNING)


class EditionBuild(models.Model):
    """One request to build an edition's documents, followed while it runs (in the background
    for the web page): its stage and the entries done so far, then its end or why it failed."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="builds")
    # The formats asked, comma-separated in the order built, e.g. "docx,pdf".
    formats = models.CharField(_("formats"), max_length=40)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    # As the renderers report it: "docx", "pdf: text" (n of m entries) or "pdf: layout".
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    # Touched by every progress report: a running build silent for long was abandoned.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("edition build")
        verbose_name_plural = _("edition builds")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.edition}: {self.formats} ({self.status})"

    @property
    def format_list(self) -> list[str]:
        return [fmt for fmt in self.formats.split(",") if fmt]

    @property
    def format_names(self) -> str:
        return ", ".join(fmt.upper() for fmt in self.format_list)

    @property
    def stage_format(self) -> str:
        """The format being built now, from the renderers' stage names ("docx", "pdf: text")."""
        return self.stage.split(":", 1)[0].strip().upper()

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_BUILD_STATUSES

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0
