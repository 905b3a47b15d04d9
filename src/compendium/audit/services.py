from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent

SYSTEM = "system"


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
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor_label or actor.get_username()
        user = actor
    else:
        label = actor_label or SYSTEM
        user = None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label[:200],
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        changes=changes or {},
        note=note,
    )
