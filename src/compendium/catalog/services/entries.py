"""Writes of entries and their sources: one transaction, a new version, an audit record each."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from compendium.audit.models import AuditEvent
from compendium.audit.services import actor_name, actor_user, audit_label, audit_record
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
        self.changes = changes_since(entry, expected)
        message = _(
            "This entry was changed by someone else (version %(current)s; you edited version "
            "%(expected)s). Reload it to see their changes before saving yours."
        ) % {"current": entry.version, "expected": expected}
        if self.changes:
            # Say what the other person changed, so the curator knows what to look at.
            message += " " + _("Changed since your version: %(changes)s.") % {
                "changes": "; ".join(self.changes)
            }
        super().__init__(message)


def changes_since(entry: Entry, version: int) -> list[str]:
    """What changed after `version`, as "fields (who)" per version, oldest first."""
    later = EntryVersion.objects.filter(entry_id=entry.pk, number__gt=version).order_by("number")
    return [
        f"{', '.join(found.changed_fields) or found.action} ({found.actor_label})"
        for found in later
    ]


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
    sources = entry.sources.select_related("organization", "economy")
    return _snapshot(entry, entry_data_of(entry), sources)


def _snapshot(entry: Entry, data: EntryData, sources: Iterable[Source]) -> dict[str, Any]:
    snapshot = _jsonable(data)
    snapshot.update(
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
            for s in sources
        ],
    )
    return snapshot


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


# The vocabulary each term-valued field of `EntryData` draws on.
TERM_FIELDS: dict[str, type] = {
    "contributor_type": ContributorType,
    "instrument_type": InstrumentType,
    "gender_focus": GenderFocus,
    "policy_areas": PolicyArea,
    "target_groups": TargetGroup,
}
ENTRY_FOREIGN_KEYS = (
    "contributor_type",
    "instrument_type",
    "gender_focus",
    "contributor_economy",
    "contributor_organization",
)
LOOKUP_CHUNK = 500  # values per `IN (…)`, well under every database's parameter limit


def _fetch(model, key: str, values: Iterable[str]) -> dict[str, Any]:
    wanted = sorted(set(values))
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        found.update({getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": chunk})})
    return found


@dataclass
class _References:
    """The terms, economies and organisations that some entries (and their sources) name, fetched
    in one query per kind however many entries there are."""

    terms: dict[type, dict[str, Any]]
    economies: dict[str, Economy]
    organizations: dict[str, Organization]

    @classmethod
    def of(cls, items: Iterable[EntryData], sources: Iterable[SourceData] = ()) -> _References:
        slugs: dict[type, set[str]] = {model: set() for model in TERM_FIELDS.values()}
        codes: set[str] = set()
        organizations: set[str] = set()
        for data in items:
            for name, model in TERM_FIELDS.items():
                value = getattr(data, name)
                slugs[model].update((value,) if isinstance(value, str) else value)
            codes.update(data.economies)
            organizations.update(data.organizations)
            if data.contributor:
                (codes if data.contributor.isupper() else organizations).add(data.contributor)
        for source in sources:
            codes.update([source.economy] if source.economy else [])
            organizations.update([source.organization] if source.organization else [])
        return cls(
            terms={model: _fetch(model, "slug", values) for model, values in slugs.items()},
            economies=_fetch(Economy, "code", codes),
            organizations=_fetch(Organization, "slug", organizations),
        )


def _pick(found: dict[str, Any], model, values: Sequence[str], field_name: str, errors: dict):
    missing = [v for v in values if v not in found]
    if missing:
        errors.setdefault(field_name, []).append(
            _("Unknown %(what)s: %(values)s.")
            % {"what": model._meta.verbose_name, "values": ", ".join(missing)}
        )
    return [found[v] for v in values if v in found]


def _resolve_in(data: EntryData, refs: _References) -> tuple[dict[str, Any], dict[str, list]]:
    """The rows the data names, and what is wrong with it (field → messages)."""
    errors: dict[str, list[str]] = {}
    resolved: dict[str, Any] = {"contributor_economy": None, "contributor_organization": None}
    for name, model in TERM_FIELDS.items():
        value = getattr(data, name)
        if isinstance(value, str):
            rows = _pick(refs.terms[model], model, [value], name, errors)
            resolved[name] = rows[0] if rows else None
        else:
            resolved[name] = _pick(refs.terms[model], model, value, name, errors)
    resolved["economies"] = _pick(refs.economies, Economy, data.economies, "economies", errors)
    resolved["organizations"] = _pick(
        refs.organizations, Organization, data.organizations, "organizations", errors
    )
    if not data.policy_areas:
        errors.setdefault("policy_areas", []).append(_("Choose at least one policy area."))
    if not data.target_groups:
        errors.setdefault("target_groups", []).append(_("Choose at least one target group."))
    # Economy codes are upper case (CAN, EU) and organisation slugs lower case (itc, eu-commission),
    # so the case alone says which one the contributor is.
    if data.contributor:
        if data.contributor.isupper() and data.contributor in refs.economies:
            resolved["contributor_economy"] = refs.economies[data.contributor]
        elif not data.contributor.isupper() and data.contributor in refs.organizations:
            resolved["contributor_organization"] = refs.organizations[data.contributor]
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
    return resolved, errors


def _resolve(data: EntryData) -> dict[str, Any]:
    resolved, errors = _resolve_in(data, _References.of([data]))
    if errors:
        raise EntryInvalid(errors)
    return resolved


def _write(entry: Entry, data: EntryData, resolved: dict[str, Any]) -> None:
    for name in SCALAR_FIELDS:
        setattr(entry, name, getattr(data, name))
    for name in ENTRY_FOREIGN_KEYS:
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
    return actor_name(actor, actor_label)


def _record(
    *,
    entry: Entry,
    actor: AbstractBaseUser | None,
    actor_label: str,
    action: str,
    note: str,
    changes: dict[str, Any],
) -> None:
    user = actor_user(actor)
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


def _creation_changes(data: EntryData) -> dict[str, Any]:
    return {
        name: [None, _jsonable(getattr(data, name))]
        for name in ENTRY_FIELDS
        if getattr(data, name) not in ("", (), None)
    }


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
        actor=actor_user(actor),
        actor_label=_actor_label(actor, actor_label),
        note=note,
    )
    _record(
        entry=entry,
        actor=actor,
        actor_label=actor_label,
        action="entry.create",
        note=note,
        changes=_creation_changes(data),
    )
    return entry


# --- many entries at once ----------------------------------------------------------------------


@dataclass
class _Planned:
    """One entry of a bulk write: checked and built, not saved yet."""

    data: EntryData
    entry: Entry
    resolved: dict[str, Any]
    sources: list[Source]


END_YEAR_RULE = next(c for c in Entry._meta.constraints if c.name.startswith("entry_end_year"))
MANY_TO_MANY = ("policy_areas", "target_groups", "economies", "organizations")


def _stored_slugs(condition_sets: Iterable[Q]) -> set[str]:
    taken: set[str] = set()
    for condition in condition_sets:
        taken.update(Entry.objects.filter(condition).values_list("slug", flat=True))
    return taken


def _in_chunks(values: Sequence[str], lookup: str) -> Iterable[Q]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield Q(**{f"slug__{lookup}": values[start : start + LOOKUP_CHUNK]})


def _unique_slugs(titles: Sequence[str]) -> list[str]:
    """Slugs made from the titles, distinct from each other and from every stored entry's, in a
    few queries (`_unique_slug` would ask once per entry)."""
    bases = [slugify(title)[:100] or "entry" for title in titles]
    taken = _stored_slugs(_in_chunks(sorted(set(bases)), "in"))
    crowded = sorted(taken | {b for b, n in Counter(bases).items() if n > 1})
    for start in range(0, len(crowded), 50):
        variants = Q()
        for base in crowded[start : start + 50]:
            variants |= Q(slug__startswith=f"{base}-")
        taken |= _stored_slugs([variants])
    slugs, next_number = [], Counter()
    for base in bases:
        slug = base
        while slug in taken:
            next_number[base] = max(next_number[base], 1) + 1
            slug = f"{base}-{next_number[base]}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _slug_problems(slugs: Sequence[str]) -> dict[int, str]:
    stored = _stored_slugs(_in_chunks(sorted(set(slugs)), "in"))
    seen: set[str] = set()
    problems = {}
    for i, slug in enumerate(slugs):
        if slug in stored or slug in seen:
            problems[i] = _("An entry with the slug %(slug)s already exists.") % {"slug": slug}
        seen.add(slug)
    return problems


def _entry_row(data: EntryData, resolved: dict[str, Any], entry: Entry) -> dict[str, list]:
    """Fill the unsaved entry and check it as `full_clean` would, without its queries: the
    foreign keys were just resolved and the slugs checked together."""
    for name in SCALAR_FIELDS:
        setattr(entry, name, getattr(data, name))
    for name in ENTRY_FOREIGN_KEYS:
        setattr(entry, name, resolved.get(name))
    try:
        entry.full_clean(
            exclude=list(ENTRY_FOREIGN_KEYS), validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        return dict(error.message_dict)
    # The one check constraint that data can break (the others hold by construction); the
    # database enforces all of them anyway.
    if entry.start_year and entry.end_year and entry.end_year < entry.start_year:
        return {NON_FIELD_ERRORS: [str(END_YEAR_RULE.get_violation_error_message())]}
    return {}


def _plan(
    items: Sequence[EntryData],
    *,
    slugs: Sequence[str],
    sources_for: Callable[[int, EntryData], Sequence[SourceData]] | None,
    **attributes: Any,
) -> list[_Planned]:
    """Check every item and build its rows. Problems are keyed `<index>.<field>`, the index being
    the item's position in `items`; any problem raises `EntryInvalid` with all of them."""
    data = [_normalise(item) for item in items]
    source_data = [
        tuple(sources_for(i, item)) if sources_for else () for i, item in enumerate(items)
    ]
    refs = _References.of(data, (s for sources in source_data for s in sources))
    if slugs:
        if len(slugs) != len(items):
            raise EntryInvalid({"slug": [_("Give one slug per entry, or none.")]})
        slug_problems = _slug_problems(slugs)
    else:
        slugs, slug_problems = _unique_slugs([d.title for d in data]), {}
    problems: dict[str, list[str]] = {}
    planned = []
    for i, item in enumerate(data):
        resolved, errors = _resolve_in(item, refs)
        entry = Entry(slug=slugs[i], **attributes)
        errors = {**_entry_row(item, resolved, entry), **errors}
        if i in slug_problems:
            errors.setdefault("slug", []).append(slug_problems[i])
        sources = []
        for j, source_item in enumerate(source_data[i]):
            source, source_errors = _source_row(source_item, refs)
            sources.append(source)
            for name, messages in source_errors.items():
                errors[f"sources.{j}.{name}"] = messages
        problems.update({f"{i}.{name}": messages for name, messages in errors.items()})
        planned.append(_Planned(item, entry, resolved, sources))
    if problems:
        raise EntryInvalid(problems)
    return planned


def _insert_related(planned: list[_Planned]) -> None:
    for name in MANY_TO_MANY:
        relation = Entry._meta.get_field(name)
        through = relation.remote_field.through
        own, other = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        through.objects.bulk_create(
            through(**{f"{own}_id": p.entry.pk, f"{other}_id": row.pk})
            for p in planned
            for row in p.resolved[name]
        )
    EntryLink.objects.bulk_create(
        EntryLink(
            entry=p.entry, url=link.url, label=link.label or link.url, kind=link.kind, position=i
        )
        for p in planned
        for i, link in enumerate(p.data.links)
    )
    for p in planned:
        for source in p.sources:
            source.entry = p.entry
    Source.objects.bulk_create(source for p in planned for source in p.sources)


def _snapshot_of_new(p: _Planned) -> dict[str, Any]:
    """What `entry_snapshot` would read back, built from what was just written."""
    stored = dataclasses.replace(
        p.data,
        **{name: getattr(p.entry, name) for name in SCALAR_FIELDS},
        links=tuple(
            LinkData(url=link.url, label=link.label or link.url, kind=link.kind)
            for link in p.data.links
        ),
    )
    return _snapshot(p.entry, stored, p.sources)


def _insert_history(
    planned: list[_Planned], *, actor: AbstractBaseUser | None, actor_label: str, note: str
) -> None:
    """One version, one transition and one audit event per entry, as `entry_create` writes."""
    user = actor_user(actor)
    who = _actor_label(actor, actor_label)
    # The audit log names the actor as `audit_record` does.
    event_label = audit_label(actor, actor_label)
    entry_type = ContentType.objects.get_for_model(Entry)
    versions, transitions, events = [], [], []
    for p in planned:
        changes = _creation_changes(p.data)
        versions.append(
            EntryVersion(
                entry=p.entry,
                number=p.entry.version,
                data=_snapshot_of_new(p),
                changed_fields=sorted(changes),
                action="entry.create",
                note=note,
                actor=user,
                actor_label=who,
            )
        )
        transitions.append(
            EntryTransition(
                entry=p.entry,
                from_state="",
                to_state=p.entry.workflow,
                actor=user,
                actor_label=who,
                note=note,
            )
        )
        events.append(
            AuditEvent(
                actor=user,
                actor_label=event_label,
                action="entry.create",
                target_type=entry_type,
                target_id=str(p.entry.pk),
                target_label=str(p.entry)[:300],
                changes=changes,
                note=note,
            )
        )
    EntryVersion.objects.bulk_create(versions)
    EntryTransition.objects.bulk_create(transitions)
    AuditEvent.objects.bulk_create(events)


@transaction.atomic
def entry_create_many(
    *,
    actor: AbstractBaseUser | None,
    items: Sequence[EntryData],
    workflow: str,
    verification: str,
    is_sample: bool = False,
    is_synthetic: bool = False,
    sources_for: Callable[[int, EntryData], Sequence[SourceData]] | None = None,
    slugs: Sequence[str] = (),
    note: str = "",
    actor_label: str = "",
) -> int:
    """Create many entries in one transaction, with what `entry_create` writes for each (version,
    transition, audit event, sources, index document) but in bulk inserts: for loaders, partner
    imports and benchmark data. `sources_for(index, item)` gives an item's sources; `slugs`, if
    given, one per item (otherwise they are made from the titles). Any invalid item raises
    `EntryInvalid` naming each problem as `<index>.<field>`, and nothing is written."""
    planned = _plan(
        items,
        slugs=slugs,
        sources_for=sources_for,
        workflow=workflow,
        verification=verification,
        is_sample=is_sample,
        is_synthetic=is_synthetic,
        published_at=timezone.now() if workflow == Workflow.PUBLISHED else None,
    )
    Entry.objects.bulk_create(p.entry for p in planned)
    _insert_related(planned)
    _insert_history(planned, actor=actor, actor_label=actor_label, note=note)
    search_index_update(entry_ids=[p.entry.pk for p in planned])
    return len(planned)


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
        actor=actor_user(actor),
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


def _source_row(data: SourceData, refs: _References) -> tuple[Source, dict[str, list]]:
    """An unsaved source (without its entry) and what is wrong with it."""
    errors: dict[str, list[str]] = {}
    organization = economy = None
    if data.organization:
        found = _pick(refs.organizations, Organization, [data.organization], "organization", errors)
        organization = found[0] if found else None
    if data.economy:
        economy = refs.economies.get(data.economy)
        if economy is None:
            errors["economy"] = [_("Unknown economy: %(value)s.") % {"value": data.economy}]
    if data.kind not in SourceKind.values:
        errors["kind"] = [_("Unknown kind of source: %(value)s.") % {"value": data.kind}]
    source = Source(
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
    if not errors:
        try:
            # Its foreign keys were just resolved, so checking them again would only cost queries.
            source.full_clean(exclude=["entry", "organization", "economy"])
        except ValidationError as error:
            errors = error.message_dict
    return source, errors


def _source_create(entry: Entry, data: SourceData) -> Source:
    source, errors = _source_row(data, _References.of([], [data]))
    if errors:
        raise EntryInvalid(errors)
    source.entry = entry
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
