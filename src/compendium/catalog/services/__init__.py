"""Every write to the catalog. Views, commands, imports and surveys call these, never `save()`."""

from .drafts import entry_data_from_dict, entry_data_problems, entry_data_to_dict
from .entries import (
    EntryData,
    EntryInvalid,
    LinkData,
    SourceData,
    StaleEntry,
    TransitionNotAllowed,
    entry_create,
    entry_create_many,
    entry_data_of,
    entry_set_verification,
    entry_snapshot,
    entry_transition,
    entry_update,
    source_add,
    transitions_allowed,
)
from .reference import Outcome, economy_upsert, organization_upsert, term_upsert

__all__ = [
    "EntryData",
    "EntryInvalid",
    "LinkData",
    "Outcome",
    "SourceData",
    "StaleEntry",
    "TransitionNotAllowed",
    "economy_upsert",
    "entry_create",
    "entry_create_many",
    "entry_data_from_dict",
    "entry_data_of",
    "entry_data_problems",
    "entry_data_to_dict",
    "entry_set_verification",
    "entry_snapshot",
    "entry_transition",
    "entry_update",
    "organization_upsert",
    "source_add",
    "term_upsert",
    "transitions_allowed",
]
