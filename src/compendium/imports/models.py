"""Import batches: a partner's file, the mapping it was read with, and every row kept raw beside
its mapped values, problems, suggestions, duplicate candidates and the curator's decision.
Nothing here is public; entries are written only when a curator accepts the batch."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from compendium.catalog.models import Entry, Organization, Verification


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be read")
    PROCESSING = "processing", _("Being read")
    REFUSED = "refused", _("Refused: the file cannot be imported")
    READY = "ready", _("Ready for review")
    ACCEPTED = "accepted", _("Accepted into the catalog")
    ROLLED_BACK = "rolled_back", _("Rolled back")


class Decision(models.TextChoices):
    UNDECIDED = "", _("Not decided")
    NEW = "new", _("New entry")
    MERGE = "merge", _("Merge into an existing entry")
    SKIP = "skip", _("Skip")


class ImportBatch(models.Model):
    source = models.CharField(_("source"), max_length=80)
    source_title = models.CharField(_("source name"), max_length=300, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    provenance = models.CharField(
        _("verification of accepted entries"),
        max_length=24,
        choices=Verification.choices,
        default=Verification.PARTNER_REPORTED,
    )
    mapping = models.JSONField(_("mapping (as used)"), default=dict)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    # Kept so the batch can be read again in the background and audited later.
    content = models.BinaryField(_("file content"), editable=False, default=bytes)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    details = models.JSONField(_("what was found"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    problems = models.JSONField(_("problems with the file"), default=list, blank=True)
    notes = models.JSONField(_("notes on the file"), default=list, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_step = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rolled_back_at = models.DateTimeField(_("rolled back"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.file_name}"

    @property
    def reference(self) -> str:
        return f"IMP-{self.pk:05d}" if self.pk else "IMP-(dry run)"

    @property
    def progress_percent(self) -> int:
        return 100 * self.progress_done // self.progress_total if self.progress_total else 0


class ImportRow(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row in the file"))
    raw = models.JSONField(_("as in the file"), default=dict)
    mapped = models.JSONField(_("mapped values"), default=dict)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    suggestions = models.JSONField(_("suggested categories"), default=dict, blank=True)
    matches = models.JSONField(_("possible duplicates"), default=list, blank=True)
    decision = models.CharField(
        _("decision"), max_length=8, choices=Decision.choices, blank=True, default=""
    )
    merge_into = models.ForeignKey(
        Entry,
        verbose_name=_("merge into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merge_fields = models.JSONField(_("fields taken from the row"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # What accepting did, so that a rollback can undo exactly that.
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("resulting entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_rows",
    )
    entry_version_before = models.PositiveIntegerField(null=True, blank=True)
    entry_version_after = models.PositiveIntegerField(null=True, blank=True)
    verification_before = models.CharField(max_length=24, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="import_row_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.batch.reference} row {self.number}"

    @property
    def title(self) -> str:
        return str(self.mapped.get("title") or "") or f"(row {self.number})"


class ValidationAnswer(models.TextChoices):
    PENDING = "", _("Not answered yet")
    CONFIRMED = "confirmed", _("Confirmed")
    CORRECTED = "corrected", _("Corrections sent")
    REJECTED = "rejected", _("Rejected")


class ValidationRequest(models.Model):
    """The secretariat asks a Member's focal points to validate what others reported about it:
    one open request per Member, holding every entry waiting for its word."""

    economy = models.ForeignKey(
        "catalog.Economy",
        verbose_name=_("economy"),
        on_delete=models.PROTECT,
        related_name="validation_requests",
    )
    message = models.TextField(_("message to the focal point"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    closed_at = models.DateTimeField(_("every entry answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("validation request")
        verbose_name_plural = _("validation requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["economy"],
                condition=models.Q(closed_at__isnull=True),
                name="validation_request_one_open_per_economy",
            )
        ]

    def __str__(self) -> str:
        return f"VAL-{self.pk:05d} {self.economy_id}"


class ValidationItem(models.Model):
    request = models.ForeignKey(ValidationRequest, on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="validation_items")
    answer = models.CharField(
        _("answer"), max_length=10, choices=ValidationAnswer.choices, blank=True, default=""
    )
    note = models.TextField(_("what is wrong, or the correction"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # A correction or rejection goes to the review queue as a proposal (an update with the
    # corrected values, or a withdrawal); its review status is what the focal point sees.
    proposal = models.ForeignKey(
        "surveys.Proposal",
        verbose_name=_("proposal in the review queue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="validation_items",
    )

    class Meta:
        verbose_name = _("entry to validate")
        verbose_name_plural = _("entries to validate")
        ordering = ["request", "entry__title"]
        constraints = [
            models.UniqueConstraint(fields=["request", "entry"], name="validation_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.entry_id}"
