"""One search interface, one backend per database engine, chosen from the connection."""

from __future__ import annotations

from django.db import connection

from .base import Highlight, SearchBackend


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    from .sqlite import SQLiteBackend

    return SQLiteBackend()


__all__ = ["Highlight", "SearchBackend", "get_backend"]
