"""Writes of entries and their sources: one transaction, a new version, an audit record each."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from compendium.audit.services import SYSTEM, audit_record
from compendium.search.indexing import search_index_update

from ..models import (
    ContributorType,
    Economy,
    Entry,
    EntryLink,
    EntryTransition,
    EntryVersion,
    GenderFocus,
    InstrumentType,
    LinkKind,
    Organization,
    PolicyArea,
    Source,
    SourceKind,
    TargetGroup,
    Verification,
    Workflow,
)


@dataclass(frozen=True)
class LinkData:
    url: str
    label: str
    kind: str = LinkKind.WEBSITE


@dataclass(frozen=True)
class SourceData:
    kind: str
    title: str
    url: str = ""
    organization: str = ""  # organisation slug
    economy: str = ""  # economy code
    reference: str = ""
    fields: tuple[str, ...] = ()
    accessed_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class EntryData:
    """Everything a contributor says about a policy, in plain values (slugs and codes)."""

    title: str
    contributor_type: str
    instrument_type: str
    policy_areas: tuple[str, ...]
    target_groups: tuple[str, ...]
    description: str = ""
    language: str = "en"
    title_en: str = ""
    title_fr: str = ""
    title_es: str = ""
    description_en: str = ""
    description_fr: str = ""
    description_es: str = ""
    economies: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    implementers_as_reported: str = ""
    contributor: str = ""  # an economy code or an organisation slug
    gender_focus: str = "not_assessed"
    start_year: int | None = None
    end_year: int | None = None
    status: str = "unknown"
    budget_as_reported: str = ""
    budget_amount: Decimal | None = None
    budget_currency: str = ""
    women_reached_as_reported: str = ""
    women_reached: int | None = None
    links: tuple[LinkData, ...] = field(default=())


SCALAR_FIELDS = (
    "title",
    "description",
    "language",
    "title_en",
    "title_fr",
    "title_es",
    "description_en",
    "description_fr",
    "description_es",
    "implementers_as_reported",
    "start_year",
    "end_year",
    "status",
    "budget_as_reported",
    "budget_amount",
    "budget_currency",
    "women_reached_as_reported",
    "women_reached",
)
ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(EntryData))


class EntryInvalid(ValidationError):
    """The data cannot make a valid entry; `message_dict` says which field and why."""


class StaleEntry(Exception):
    def __init__(self, entry: Entry, expected: int) -> None:
        self.entry, self.expected = entry, expected
        super().__init__(
            _(
                "This entry was changed by someone else (version %(current)s; you edited version "
                "%(expected)s). Reload it to see their changes before saving yours."
            )
            % {"current": entry.version, "expected": expected}
        )


class TransitionNotAllowed(Exception):
    pass


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Workflow.DRAFT: {Workflow.SUBMITTED, Workflow.WITHDRAWN},
    Workflow.SUBMITTED: {Workflow.IN_REVIEW, Workflow.CHANGES_REQUESTED, Workflow.WITHDRAWN},
    Workflow.IN_REVIEW: {
        Workflow.AWAITING_VALIDATION,
        Workflow.APPROVED,
        Workflow.CHANGES_REQUESTED,
        Workflow.WITHDRAWN,
    },
    Workflow.CHANGES_REQUESTED: {Workflow.SUBMITTED, Workflow.WITHDRAWN},
    Workflow.AWAITING_VALIDATION: {
        Workflow.APPROVED,
        Workflow.CHANGES_REQUESTED,
        Workflow.WITHDRAWN,
    },
    Workflow.APPROVED: {Workflow.PUBLISHED, Workflow.IN_REVIEW, Workflow.WITHDRAWN},
    Workflow.PUBLISHED: {Workflow.IN_REVIEW, Workflow.WITHDRAWN},
    Workflow.WITHDRAWN: {Workflow.DRAFT},
}


def transitions_allowed(entry: Entry) -> list[str]:
    """The workflow statuses the entry may move to next, in the workflow's order."""
    allowed = ALLOWED_TRANSITIONS.get(entry.workflow, set())
    return [state for state in Workflow.values if state in allowed]


# --- reading an entry back as data -------------------------------------------------------------


def entry_data_of(entry: Entry) -> EntryData:
    contributor = entry.contributor
    return EntryData(
        **{name: getattr(entry, name) for name in SCALAR_FIELDS},
        contributor_type=entry.contributor_type.slug,
        instrument_type=entry.instrument_type.slug,
        gender_focus=entry.gender_focus.slug,
        policy_areas=tuple(sorted(t.slug for t in entry.policy_areas.all())),
        target_groups=tuple(sorted(t.slug for t in entry.target_groups.all())),
        economies=tuple(sorted(e.code for e in entry.economies.all())),
        organizations=tuple(o.slug for o in entry.organizations.order_by("slug")),
        contributor=getattr(contributor, "code", None) or getattr(contributor, "slug", ""),
        links=tuple(
            LinkData(url=link.url, label=link.label, kind=link.kind) for link in entry.links.all()
        ),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    return value


def entry_snapshot(entry: Entry) -> dict[str, Any]:
    """A self-contained JSON picture of the entry, kept in its history."""
    data = _jsonable(entry_data_of(entry))
    data.update(
        slug=entry.slug,
        workflow=entry.workflow,
        verification=entry.verification,
        is_sample=entry.is_sample,
        sources=[
            {
                "kind": s.kind,
                "title": s.title,
                "url": s.url,
                "reference": s.reference,
                "organization": s.organization.slug if s.organization else "",
                "economy": s.economy.code if s.economy else "",
            }
            for s in entry.sources.select_related("organization", "economy")
        ],
    )
    return data


# --- resolving plain values into rows ----------------------------------------------------------


def _normalise(data: EntryData) -> EntryData:
    return dataclasses.replace(
        data,
        title=data.title.strip(),
        description=data.description.strip(),
        policy_areas=tuple(sorted(set(data.policy_areas))),
        target_groups=tuple(sorted(set(data.target_groups))),
        economies=tuple(sorted({c.strip().upper() for c in data.economies})),
        organizations=tuple(sorted(set(data.organizations))),
        budget_currency=data.budget_currency.strip().upper(),
        links=tuple(data.links),
    )


def _lookup(model, slugs: Sequence[str], field_name: str, errors: dict, key: str = "slug") -> list:
    found = {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": slugs})}
    missing = [s for s in slugs if s not in found]
    if missing:
        errors.setdefault(field_name, []).append(
            _("Unknown %(what)s: %(values)s.")
            % {"what": model._meta.verbose_name, "values": ", ".join(missing)}
        )
    return [found[s] for s in slugs if s in found]


def _one(model, slug: str, field_name: str, errors: dict):
    rows = _lookup(model, [slug], field_name, errors)
    return rows[0] if rows else None


def _resolve(data: EntryData) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    resolved: dict[str, Any] = {
        "contributor_type": _one(
            ContributorType, data.contributor_type, "contributor_type", errors
        ),
        "instrument_type": _one(InstrumentType, data.instrument_type, "instrument_type", errors),
        "gender_focus": _one(GenderFocus, data.gender_focus, "gender_focus", errors),
        "policy_areas": _lookup(PolicyArea, data.policy_areas, "policy_areas", errors),
        "target_groups": _lookup(TargetGroup, data.target_groups, "target_groups", errors),
        "economies": _lookup(Economy, data.economies, "economies", errors, key="code"),
        "organizations": _lookup(Organization, data.organizations, "organizations", errors),
        "contributor_economy": None,
        "contributor_organization": None,
    }
    if not data.policy_areas:
        errors.setdefault("policy_areas", []).append(_("Choose at least one policy area."))
    if not data.target_groups:
        errors.setdefault("target_groups", []).append(_("Choose at least one target group."))
    # Economy codes are upper case (CAN, EU) and organisation slugs lower case (itc, eu-commission),
    # so the case alone says which one the contributor is.
    if data.contributor:
        economy = organization = None
        if data.contributor.isupper():
            economy = Economy.objects.filter(code=data.contributor).first()
        else:
            organization = Organization.objects.filter(slug=data.contributor).first()
        if economy:
            resolved["contributor_economy"] = economy
        elif organization:
            resolved["contributor_organization"] = organization
        else:
            errors.setdefault("contributor", []).append(
                _("Unknown contributor: %(value)s is neither an economy code nor an organisation.")
                % {"value": data.contributor}
            )
    for i, link in enumerate(data.links):
        if link.kind not in LinkKind.values:
            errors.setdefault("links", []).append(
                _("Link %(n)s: unknown kind %(kind)s.") % {"n": i + 1, "kind": link.kind}
            )
    if errors:
        raise EntryInvalid(errors)
    return resolved


def _write(entry: Entry, data: EntryData, resolved: dict[str, Any]) -> None:
    for name in SCALAR_FIELDS:
        setattr(entry, name, getattr(data, name))
    for name in (
        "contributor_type",
        "instrument_type",
        "gender_focus",
        "contributor_economy",
        "contributor_organization",
    ):
        setattr(entry, name, resolved[name])
    try:
        entry.full_clean()
    except ValidationError as error:
        raise EntryInvalid(error.message_dict) from None
    entry.save()
    for name in ("policy_areas", "target_groups", "economies", "organizations"):
        getattr(entry, name).set(resolved[name])
    entry.links.all().delete()
    EntryLink.objects.bulk_create(
        EntryLink(
            entry=entry, url=link.url, label=link.label or link.url, kind=link.kind, position=i
        )
        for i, link in enumerate(data.links)
    )


def _actor_label(actor: AbstractBaseUser | None, actor_label: str) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return actor_label or SYSTEM


def _record(
    *,
    entry: Entry,
    actor: AbstractBaseUser | None,
    actor_label: str,
    action: str,
    note: str,
    changes: dict[str, Any],
) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    EntryVersion.objects.create(
        entry=entry,
        number=entry.version,
        data=entry_snapshot(entry),
        changed_fields=sorted(changes),
        action=action,
        note=note,
        actor=user,
        actor_label=_actor_label(actor, actor_label),
    )
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action=action,
        target=entry,
        changes=changes,
        note=note,
    )
    search_index_update(entry_ids=[entry.pk])


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "entry"
    slug, n = base, 2
    while Entry.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _locked(entry: Entry, expected_version: int | None) -> Entry:
    current = Entry.objects.select_for_update().get(pk=entry.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEntry(current, expected_version)
    return current


# --- the services ------------------------------------------------------------------------------


@transaction.atomic
def entry_create(
    *,
    actor: AbstractBaseUser | None,
    data: EntryData,
    slug: str = "",
    workflow: str = Workflow.DRAFT,
    verification: str = Verification.SECRETARIAT_COMPILED,
    is_sample: bool = False,
    sources: Sequence[SourceData] = (),
    note: str = "",
    actor_label: str = "",
) -> Entry:
    data = _normalise(data)
    resolved = _resolve(data)
    if slug and Entry.objects.filter(slug=slug).exists():
        raise EntryInvalid(
            {"slug": [_("An entry with the slug %(slug)s already exists.") % {"slug": slug}]}
        )
    entry = Entry(
        slug=slug or _unique_slug(data.title),
        workflow=workflow,
        verification=verification,
        is_sample=is_sample,
    )
    if workflow == Workflow.PUBLISHED:
        entry.published_at = timezone.now()
    _write(entry, data, resolved)
    for source in sources:
        _source_create(entry, source)
    EntryTransition.objects.create(
        entry=entry,
        from_state="",
        to_state=workflow,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_actor_label(actor, actor_label),
        note=note,
    )
    _record(
        entry=entry,
        actor=actor,
        actor_label=actor_label,
        action="entry.create",
        note=note,
        changes={
            name: [None, _jsonable(getattr(data, name))]
            for name in ENTRY_FIELDS
            if getattr(data, name) not in ("", (), None)
        },
    )
    return entry


@transaction.atomic
def entry_update(
    *,
    entry: Entry,
    actor: AbstractBaseUser | None,
    changes: Mapping[str, Any],
    note: str = "",
    expected_version: int | None = None,
    actor_label: str = "",
) -> Entry:
    """Change some fields (named as in `EntryData`). Nothing changed: no version, no audit."""
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise EntryInvalid({name: [_("Not an entry field.")] for name in sorted(unknown)})
    entry = _locked(entry, expected_version)
    before = entry_data_of(entry)
    after = _normalise(dataclasses.replace(before, **changes))
    diff = {
        name: [_jsonable(getattr(before, name)), _jsonable(getattr(after, name))]
        for name in ENTRY_FIELDS
        if getattr(before, name) != getattr(after, name)
    }
    if not diff:
        return entry
    resolved = _resolve(after)
    entry.version += 1
    _write(entry, after, resolved)
    _record(
        entry=entry,
        actor=actor,
        actor_label=actor_label,
        action="entry.update",
        note=note,
        changes=diff,
    )
    return entry


@transaction.atomic
def entry_transition(
    *,
    entry: Entry,
    actor: AbstractBaseUser | None,
    to: str,
    note: str = "",
    expected_version: int | None = None,
    actor_label: str = "",
) -> Entry:
    if to not in Workflow.values:
        raise TransitionNotAllowed(_("Unknown workflow status: %(to)s.") % {"to": to})
    entry = _locked(entry, expected_version)
    if to not in ALLOWED_TRANSITIONS.get(entry.workflow, set()):
        raise TransitionNotAllowed(
            _("An entry cannot go from %(from)s to %(to)s.")
            % {"from": Workflow(entry.workflow).label, "to": Workflow(to).label}
        )
    before = entry.workflow
    entry.workflow = to
    if to == Workflow.PUBLISHED and entry.published_at is None:
        entry.published_at = timezone.now()
    entry.version += 1
    entry.save(update_fields=["workflow", "published_at", "version", "updated_at"])
    EntryTransition.objects.create(
        entry=entry,
        from_state=before,
        to_state=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_actor_label(actor, actor_label),
        note=note,
    )
    _record(
        entry=entry,
        actor=actor,
        actor_label=actor_label,
        action="entry.transition",
        note=note,
        changes={"workflow": [before, to]},
    )
    return entry


@transaction.atomic
def entry_set_verification(
    *,
    entry: Entry,
    actor: AbstractBaseUser | None,
    verification: str,
    note: str = "",
    expected_version: int | None = None,
    actor_label: str = "",
) -> Entry:
    if verification not in Verification.values:
        raise EntryInvalid({"verification": [_("Unknown verification status.")]})
    entry = _locked(entry, expected_version)
    if entry.verification == verification:
        return entry
    before = entry.verification
    entry.verification = verification
    entry.version += 1
    entry.save(update_fields=["verification", "version", "updated_at"])
    _record(
        entry=entry,
        actor=actor,
        actor_label=actor_label,
        action="entry.verification",
        note=note,
        changes={"verification": [before, verification]},
    )
    return entry


def _source_create(entry: Entry, data: SourceData) -> Source:
    errors: dict[str, list[str]] = {}
    organization = (
        _one(Organization, data.organization, "organization", errors) if data.organization else None
    )
    economy = Economy.objects.filter(code=data.economy).first() if data.economy else None
    if data.economy and economy is None:
        errors["economy"] = [_("Unknown economy: %(value)s.") % {"value": data.economy}]
    if data.kind not in SourceKind.values:
        errors["kind"] = [_("Unknown kind of source: %(value)s.") % {"value": data.kind}]
    if errors:
        raise EntryInvalid(errors)
    source = Source(
        entry=entry,
        kind=data.kind,
        title=data.title,
        url=data.url,
        organization=organization,
        economy=economy,
        reference=data.reference,
        fields=list(data.fields),
        accessed_on=data.accessed_on,
        note=data.note,
    )
    try:
        source.full_clean()
    except ValidationError as error:
        raise EntryInvalid(error.message_dict) from None
    source.save()
    return source


@transaction.atomic
def source_add(
    *,
    entry: Entry,
    actor: AbstractBaseUser | None,
    data: SourceData,
    note: str = "",
    actor_label: str = "",
) -> Source:
    entry = _locked(entry, None)
    source = _source_create(entry, data)
    entry.version += 1
    entry.save(update_fields=["version", "updated_at"])
    _record(
        entry=entry,
        actor=actor,
        actor_label=actor_label,
        action="entry.source_add",
        note=note,
        changes={"sources": [None, _jsonable(data)]},
    )
    return source
