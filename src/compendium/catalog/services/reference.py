"""Writes of reference data: vocabulary terms, economies, organisations."""

from __future__ import annotations

import enum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

from compendium.audit.services import audit_record
from compendium.search.indexing import entries_affected_by, search_index_update

from ..models import Economy, Organization, Term


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return value


@transaction.atomic
def _upsert(
    *,
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    many: dict[str, list[models.Model]] | None = None,
    actor: AbstractBaseUser | None,
    actor_label: str,
    note: str,
) -> tuple[models.Model, Outcome]:
    """Create or update one row; audit only what really changed, so a second load is silent."""
    many = many or {}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        for name, related in many.items():
            getattr(obj, name).set(related)
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=f"{model._meta.model_name}.create",
            target=obj,
            changes={k: [None, _str(v)] for k, v in values.items()},
            note=note,
        )
        return obj, Outcome.CREATED

    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if _comparable(old) != _comparable(new):
            changes[name] = [_str(old), _str(new)]
            setattr(obj, name, new)
    for name, related in many.items():
        old_keys = sorted(_key(o) for o in getattr(obj, name).all())
        new_keys = sorted(_key(o) for o in related)
        if old_keys != new_keys:
            changes[name] = [old_keys, new_keys]
    if not changes:
        return obj, Outcome.UNCHANGED
    obj.full_clean()
    obj.save()
    for name, related in many.items():
        if name in changes:
            getattr(obj, name).set(related)
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action=f"{model._meta.model_name}.update",
        target=obj,
        changes=changes,
        note=note,
    )
    # Entries show these names and labels in their search documents: keep them in step.
    search_index_update(entry_ids=entries_affected_by(obj))
    return obj, Outcome.UPDATED


def _key(obj: models.Model) -> str:
    """A related row's stable name for the audit log (slugs and codes, never display labels)."""
    return str(getattr(obj, "slug", None) or getattr(obj, "code", None) or obj.pk)


def _str(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list):
        return value
    return str(value)


def term_upsert(
    *,
    model: type[Term],
    slug: str,
    values: dict[str, Any],
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    note: str = "",
) -> tuple[Term, Outcome]:
    return _upsert(
        model=model,
        lookup={"slug": slug},
        values=values,
        actor=actor,
        actor_label=actor_label,
        note=note,
    )


def economy_upsert(
    *,
    code: str,
    values: dict[str, Any],
    working_groups: list[models.Model],
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    note: str = "",
) -> tuple[Economy, Outcome]:
    return _upsert(
        model=Economy,
        lookup={"code": code},
        values=values,
        many={"working_groups": working_groups},
        actor=actor,
        actor_label=actor_label,
        note=note,
    )


def organization_upsert(
    *,
    slug: str,
    values: dict[str, Any],
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    note: str = "",
) -> tuple[Organization, Outcome]:
    return _upsert(
        model=Organization,
        lookup={"slug": slug},
        values=values,
        actor=actor,
        actor_label=actor_label,
        note=note,
    )
