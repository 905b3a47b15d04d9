"""Roles: the secretariat group, focal points, and the demo's accounts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from compendium.audit.services import audit_record
from compendium.catalog.models import Economy, Organization

from .models import SECRETARIAT_GROUP, FocalPoint, FocalPointRole

SECRETARIAT_APPS = ("catalog", "audit", "review")


@transaction.atomic
def secretariat_group_ensure() -> Group:
    """The secretariat's group, with every permission on the platform's own models."""
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=SECRETARIAT_APPS))
    return group


@transaction.atomic
def focal_point_assign(
    *,
    user: AbstractBaseUser,
    actor: AbstractBaseUser | None,
    economy: Economy | None = None,
    organization: Organization | None = None,
    role: str = FocalPointRole.FOCAL_POINT,
    actor_label: str = "",
) -> FocalPoint:
    focal_point, created = FocalPoint.objects.get_or_create(
        user=user, economy=economy, organization=organization, defaults={"role": role}
    )
    if created:
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action="focal_point.assign",
            target=focal_point,
            changes={"user": user.get_username(), "for": str(economy or organization)},
        )
    return focal_point


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


# (username, e-mail, role described, economy code, organisation slug)
DEMO_FOCAL_POINTS = (
    ("canada", "focal.point@canada.example", "focal point for Canada", "CAN", ""),
    ("kenya", "focal.point@kenya.example", "focal point for Kenya", "KEN", ""),
    ("chile", "focal.point@chile.example", "focal point for Chile", "CHL", ""),
    ("itc", "focal.point@itc.example", "focal point for the International Trade Centre", "", "itc"),
)


@transaction.atomic
def demo_accounts_create() -> list[DemoAccount]:
    """The demo's accounts, with fresh passwords each run. Refused outside the demo settings."""
    if not settings.COMPENDIUM_DEMO:
        raise ImproperlyConfigured("Demo accounts exist only with the demo settings.")
    user_model = get_user_model()
    accounts = []

    def account(username: str, email: str, role: str, **flags) -> AbstractBaseUser:
        password = secrets.token_urlsafe(9)
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": email, **flags}
        )
        user.set_password(password)
        user.save()
        if created:
            audit_record(
                actor=None,
                actor_label="create_demo_accounts",
                action="user.create",
                target=user,
                changes={"role": role},
            )
        accounts.append(DemoAccount(username, password, role))
        return user

    secretariat = account(
        "secretariat", "secretariat@wto.example", "WTO Secretariat (curator)", is_staff=True
    )
    secretariat.groups.add(secretariat_group_ensure())
    for username, email, role, code, slug in DEMO_FOCAL_POINTS:
        user = account(username, email, role)
        focal_point_assign(
            user=user,
            actor=None,
            actor_label="create_demo_accounts",
            economy=Economy.objects.get(code=code) if code else None,
            organization=Organization.objects.get(slug=slug) if slug else None,
        )
    return accounts
