"""Backups: one directory holding a consistent copy of the database, every uploaded and generated
file (MEDIA_ROOT: edition documents, import uploads) and a manifest that lets a restore prove the
copy is whole (a SHA-256 per file), that the code can read it (the migration state) and say when
and by which version it was taken.

Layout of a backup directory:

    manifest.json
    database.sqlite3   (SQLite: the online backup API's page-by-page copy)
    database.dump      (PostgreSQL: pg_dump's custom format, read back by pg_restore)
    media/...          (a copy of MEDIA_ROOT)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from compendium.config import env

MANIFEST = "manifest.json"
MEDIA = "media"
FORMAT = 1
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


class BackupError(Exception):
    """A backup that cannot be taken or restored; the message says why, in plain words."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    app_version: str
    vendor: str
    database_file: str
    migrations: dict[str, list[str]]
    files: dict[str, str]  # path relative to the backup directory -> SHA-256

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "database": {"vendor": self.vendor, "file": self.database_file},
            "migrations": self.migrations,
            "files": self.files,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {data.get('format')!r} (expected {FORMAT}).")
        return cls(
            created_at=data["created_at"],
            app_version=data["app_version"],
            vendor=data["database"]["vendor"],
            database_file=data["database"]["file"],
            migrations={app: list(names) for app, names in data["migrations"].items()},
            files=dict(data["files"]),
        )


def app_version() -> str:
    try:
        return version("compendium")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def applied_migrations(alias: str = "default") -> dict[str, list[str]]:
    """{app: [migration names]} as recorded in the database (empty if never migrated)."""
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return {}
    state: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def postgres_tool(name: str) -> str:
    """pg_dump / pg_restore from PG_BIN_DIR if set, else from PATH."""
    if bin_dir := env("PG_BIN_DIR"):
        candidate = Path(bin_dir) / name
        if candidate.exists():
            return str(candidate)
        raise BackupError(f"{name} is not in PG_BIN_DIR ({bin_dir}).")
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found on PATH; install PostgreSQL's client tools.")
    return found


def postgres_arguments(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    """Connection options for the client tools, with the password in the environment only."""
    db = connections[alias].settings_dict
    arguments = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        arguments.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        arguments.append(f"--port={db['PORT']}")
    if db.get("USER"):
        arguments.append(f"--username={db['USER']}")
    tool_env = dict(os.environ)
    if db.get("PASSWORD"):
        tool_env["PGPASSWORD"] = str(db["PASSWORD"])
    return arguments, tool_env


def run_tool(command: list[str], tool_env: dict[str, str]) -> None:
    # The command is ours: a PostgreSQL client tool and connection options from the settings.
    done = subprocess.run(command, env=tool_env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def vendor(alias: str = "default") -> str:
    name = connections[alias].vendor
    if name not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def database_copy(target: Path, alias: str = "default") -> None:
    """A consistent copy of the live database, taken while the site keeps running."""
    if vendor(alias) == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            # The online backup API copies a consistent snapshot even while others write.
            connection.connection.backup(destination)
        finally:
            destination.close()
        return
    arguments, tool_env = postgres_arguments(alias)
    run_tool(
        [postgres_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", *arguments],
        tool_env,
    )


def files_copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, symlinks=False)
    else:
        target.mkdir(parents=True)


def checksums(directory: Path) -> dict[str, str]:
    return {
        path.relative_to(directory).as_posix(): sha256_of(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def backup_create(*, directory: Path, alias: str = "default") -> Manifest:
    """Write a backup into `directory`, which must be new or empty."""
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty; choose a new directory for each backup.")
    directory.mkdir(parents=True, exist_ok=True)
    kind = vendor(alias)
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    migrations = applied_migrations(alias)
    database_copy(directory / DATABASE_FILES[kind], alias)
    files_copy(media_root(), directory / MEDIA)
    manifest = Manifest(
        created_at=created_at,
        app_version=app_version(),
        vendor=kind,
        database_file=DATABASE_FILES[kind],
        migrations=migrations,
        files=checksums(directory),
    )
    (directory / MANIFEST).write_text(json.dumps(manifest.as_json(), indent=2) + "\n")
    return manifest


def manifest_read(directory: Path) -> Manifest:
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} holds no {MANIFEST}: it is not a backup.")
    try:
        return Manifest.from_json(json.loads(path.read_text()))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{MANIFEST} is damaged: {error}") from None


def backup_verify(*, directory: Path) -> Manifest:
    """The manifest, once every file it lists is present with its checksum and nothing was added."""
    manifest = manifest_read(directory)
    found = checksums(directory)
    problems = [f"{name}: missing" for name in sorted(set(manifest.files) - set(found))] + [
        f"{name}: not in the manifest" for name in sorted(set(found) - set(manifest.files))
    ]
    problems += [
        f"{name}: checksum does not match"
        for name, digest in sorted(manifest.files.items())
        if name in found and found[name] != digest
    ]
    if manifest.database_file not in manifest.files:
        problems.append(f"{manifest.database_file}: the database copy is missing")
    if problems:
        raise BackupError("The backup is not intact: " + "; ".join(problems))
    return manifest
