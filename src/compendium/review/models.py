from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compendium.catalog.models import Economy, Organization

SECRETARIAT_GROUP = "Secretariat"


class FocalPointRole(models.TextChoices):
    FOCAL_POINT = "focal_point", _("Focal point")
    COLLEAGUE = "colleague", _("Colleague")


class FocalPoint(models.Model):
    """A user who speaks for one economy or one organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="focal_points"
    )
    economy = models.ForeignKey(
        Economy,
        verbose_name=_("economy"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="focal_points",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="focal_points",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=FocalPointRole.choices, default=FocalPointRole.FOCAL_POINT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        constraints = [
            models.CheckConstraint(
                condition=(Q(economy__isnull=False) & Q(organization__isnull=True))
                | (Q(economy__isnull=True) & Q(organization__isnull=False)),
                name="focal_point_for_one_economy_or_organization",
            ),
            models.UniqueConstraint(
                fields=["user", "economy"],
                condition=Q(economy__isnull=False),
                name="focal_point_unique_economy",
            ),
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(organization__isnull=False),
                name="focal_point_unique_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.economy or self.organization}"


class CommentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    CORRECTION = "correction", _("Correction requested")


class EditionComment(models.Model):
    """What a focal point (or the secretariat) says about a circulated edition: on one of its
    frozen entries, or on the whole edition. A correction request also carries the proposal it
    put in the review queue. Written only through `comments.py`."""

    edition = models.ForeignKey(
        "publishing.Edition",
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    entry = models.ForeignKey(
        "publishing.EditionEntry",
        verbose_name=_("entry of the edition"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=CommentKind.choices, default=CommentKind.COMMENT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="edition_comments",
    )
    # Who the author speaks for, kept as words too so the record survives a renamed account.
    author_label = models.CharField(_("on behalf of"), max_length=200)
    author_economy = models.ForeignKey(
        Economy, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"))
    proposal = models.ForeignKey(
        "surveys.Proposal",
        verbose_name=_("correction in the review queue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="edition_comments",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CommentStatus.choices, default=CommentStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.TextField(_("resolution note"), blank=True)

    class Meta:
        verbose_name = _("comment on an edition")
        verbose_name_plural = _("comments on editions")
        ordering = ["edition", "created_at", "id"]
        indexes = [models.Index(fields=["edition", "status"], name="edition_comment_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | Q(status="resolved", resolved_at__isnull=False),
                name="edition_comment_resolved_when_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition}: {self.author_label}"

    @property
    def is_resolved(self) -> bool:
        return self.status == CommentStatus.RESOLVED
