"""A fingerprint of everything the platform holds, to prove a restore gave back what was saved:
every model's rows as `dumpdata` writes them, the row count of every table (the search index's
tables included), and the SHA-256 of every file under MEDIA_ROOT."""

from __future__ import annotations

import hashlib
import io

from django.core.management import call_command
from django.db import connections

from .backup import checksums, media_root


def export_digest(alias: str = "default") -> str:
    stream = io.StringIO()
    call_command("dumpdata", "--all", "--database", alias, "--format=json", stdout=stream)
    return hashlib.sha256(stream.getvalue().encode()).hexdigest()


def table_counts(alias: str = "default") -> dict[str, int]:
    connection = connections[alias]
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            # Table names come from the database's own catalog, quoted.
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def holdings_fingerprint(alias: str = "default") -> dict[str, object]:
    root = media_root()
    return {
        "dumpdata_sha256": export_digest(alias),
        "tables": table_counts(alias),
        "files": checksums(root) if root.is_dir() else {},
    }
