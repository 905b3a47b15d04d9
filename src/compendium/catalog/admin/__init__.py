"""The secretariat's admin for the catalog. Every write goes through `catalog.services`; nothing
here is deleted (entries are withdrawn, reference rows kept for history)."""

from . import entries, provenance, reference

__all__ = ["entries", "provenance", "reference"]
