"""Restoring a backup made by `backup.backup_create`: refused unless the copy is intact and the code
knows every migration it was taken at; it replaces the database and MEDIA_ROOT as a whole."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from django.db import connections
from django.db.migrations.loader import MigrationLoader

from .backup import (
    MEDIA,
    BackupError,
    Manifest,
    applied_migrations,
    backup_verify,
    media_root,
    postgres_arguments,
    postgres_tool,
    run_tool,
    vendor,
)


@dataclass(frozen=True)
class RestorePlan:
    manifest: Manifest
    overwrites: list[str]  # what is there now and would be replaced; empty for a fresh install
    pending: list[str]  # migrations the code has that the backup lacks: `migrate` after restoring


def unknown_migrations(manifest: Manifest, alias: str = "default") -> list[str]:
    """Migrations in the backup that this code lacks: the backup is newer than the code."""
    known = set(MigrationLoader(connections[alias], ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest.migrations.items())
        for name in names
        if (app, name) not in known
    ]


def pending_migrations(manifest: Manifest, alias: str = "default") -> list[str]:
    known = MigrationLoader(connections[alias], ignore_no_migrations=True).disk_migrations
    in_backup = {(app, name) for app, names in manifest.migrations.items() for name in names}
    return [f"{app}.{name}" for app, name in sorted(set(known) - in_backup)]


def current_contents(alias: str = "default") -> list[str]:
    contents = []
    tables = connections[alias].introspection.table_names()
    if tables:
        contents.append(
            f"the database ({len(tables)} tables, {len(applied_migrations(alias))} apps)"
        )
    root = media_root()
    if root.is_dir() and any(root.iterdir()):
        contents.append(f"the files in {root}")
    return contents


def restore_plan(*, directory: Path, alias: str = "default") -> RestorePlan:
    """Check everything a restore needs, changing nothing."""
    manifest = backup_verify(directory=directory)
    if manifest.vendor != vendor(alias):
        raise BackupError(
            f"This backup is of a {manifest.vendor} database; DATABASE_URL names a "
            f"{vendor(alias)} one."
        )
    if unknown := unknown_migrations(manifest, alias):
        raise BackupError(
            "The backup was taken by a newer version of the platform (migrations this code does "
            f"not have: {', '.join(unknown[:10])}). Upgrade the code first."
        )
    return RestorePlan(
        manifest=manifest,
        overwrites=current_contents(alias),
        pending=pending_migrations(manifest, alias),
    )


def database_replace(source: Path, alias: str = "default") -> None:
    connection = connections[alias]
    if vendor(alias) == "sqlite":
        connection.ensure_connection()
        backup = sqlite3.connect(source)
        try:
            # Page by page into the live file under SQLite's own locking: readers never see half.
            backup.backup(connection.connection)
        finally:
            backup.close()
        return
    with connection.cursor() as cursor:
        # Start from an empty schema so no table of a later migration is left behind.
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()
    arguments, tool_env = postgres_arguments(alias)
    run_tool(
        [
            postgres_tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            *arguments,
            str(source),
        ],
        tool_env,
    )


def files_replace(source: Path) -> None:
    """Copy next to MEDIA_ROOT first, then swap, so a failed copy leaves the old files."""
    root = media_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    incoming = root.with_name(root.name + ".restoring")
    outgoing = root.with_name(root.name + ".replaced")
    for leftover in (incoming, outgoing):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(source, incoming)
    if root.exists():
        root.rename(outgoing)
    incoming.rename(root)
    shutil.rmtree(outgoing, ignore_errors=True)


def backup_restore(*, directory: Path, confirmed: bool, alias: str = "default") -> RestorePlan:
    plan = restore_plan(directory=directory, alias=alias)
    if plan.overwrites and not confirmed:
        raise BackupError(
            "Restoring would replace " + " and ".join(plan.overwrites) + ". Run again with --yes."
        )
    database_replace(directory / plan.manifest.database_file, alias)
    files_replace(directory / MEDIA)
    return plan
