from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent

SYSTEM = "system"


def actor_user(actor: AbstractBaseUser | None) -> AbstractBaseUser | None:
    """The account behind an action, or None for anonymous and system jobs."""
    return actor if getattr(actor, "is_authenticated", False) else None


def actor_name(actor: AbstractBaseUser | None, actor_label: str = "") -> str:
    """How the history names whoever acted: the account's username, else the given label."""
    user = actor_user(actor)
    return user.get_username() if user else (actor_label or SYSTEM)


def audit_label(actor: AbstractBaseUser | None, actor_label: str = "") -> str:
    """How the audit log names whoever acted: an explicit label (a focal point acting through
    a link, a command) first, else the account's username."""
    user = actor_user(actor)
    return (actor_label or (user.get_username() if user else SYSTEM))[:200]


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Record one change. Call it inside the service's transaction so the record and the change
    land together or not at all."""
    return AuditEvent.objects.create(
        actor=actor_user(actor),
        actor_label=audit_label(actor, actor_label),
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        changes=changes or {},
        note=note,
    )
