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
