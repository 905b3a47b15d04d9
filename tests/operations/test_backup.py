"""`compendium backup` and `compendium restore`, run as an operator runs them: a database with the
reference data, the sample and some files is backed up, restored into an empty database, and
everything it held (every row as `dumpdata` writes it, every table's count, every file's checksum)
comes back identical. On the database the suite runs on: SQLite, or PostgreSQL when DATABASE_URL
names one."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from compendium.operations.backup import BackupError, sha256_of
from compendium.operations.restore import backup_restore, restore_plan
from tests.served import ROOT, clean_environment

FINGERPRINT = (
    "import json, django; django.setup(); "
    "from compendium.operations.fingerprint import holdings_fingerprint; "
    "print(json.dumps(holdings_fingerprint()))"
)


def postgres_url(name: str) -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def postgres_recreate(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def postgres_drop(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site_env(var_dir: Path, database_url: str | None) -> dict[str, str]:
    env = clean_environment(DJANGO_SETTINGS_MODULE="compendium.settings.demo", VAR_DIR=str(var_dir))
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check
    )


def compendium(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run(env, "-m", "compendium", *args, check=check)


def fingerprint(env: dict[str, str]) -> dict:
    return json.loads(run(env, "-c", FINGERPRINT).stdout)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    base = tmp_path_factory.mktemp("backup")
    source_url = postgres_url(f"{urlsplit(os.environ.get('DATABASE_URL', '')).path[1:]}_bk_src")
    target_url = postgres_url(f"{urlsplit(os.environ.get('DATABASE_URL', '')).path[1:]}_bk_dst")
    for url in (source_url, target_url):
        if url:
            postgres_recreate(url)
    source = site_env(base / "source", source_url)
    for command in (["migrate", "--noinput"], ["load_reference"], ["load_sample"]):
        compendium(source, *command)
    # Files as the site leaves them: a generated edition document and an import upload.
    media = base / "source" / "media"
    (media / "editions" / "1").mkdir(parents=True)
    (media / "editions" / "1" / "compendium-en.docx").write_bytes(os.urandom(4096))
    (media / "imports").mkdir()
    (media / "imports" / "itc.csv").write_text("title,economy\nSheTrades,KEN\n")
    before = fingerprint(source)
    backup_dir = base / "backup"
    backed_up = compendium(source, "backup", str(backup_dir))
    target = site_env(base / "target", target_url)
    restored = compendium(target, "restore", str(backup_dir))
    after = fingerprint(target)
    again = compendium(target, "restore", str(backup_dir), check=False)
    yield {
        "before": before,
        "after": after,
        "backup_dir": backup_dir,
        "backed_up": backed_up.stdout,
        "restored": restored.stdout,
        "again": again,
    }
    for url in (source_url, target_url):
        if url:
            postgres_drop(url)


def test_restore_into_an_empty_database_gives_back_everything(round_trip):
    before, after = round_trip["before"], round_trip["after"]
    assert before["tables"]["catalog_entry"] >= 60
    assert len(before["files"]) == 2
    assert after["files"] == before["files"]
    assert after["tables"] == before["tables"]
    assert after["dumpdata_sha256"] == before["dumpdata_sha256"]
    assert "Restored the backup" in round_trip["restored"]


def test_manifest_lists_every_file_with_its_checksum_version_and_migrations(round_trip):
    directory: Path = round_trip["backup_dir"]
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["app_version"]
    assert manifest["created_at"]
    assert "0001_initial" in manifest["migrations"]["catalog"]
    database_file = manifest["database"]["file"]
    assert set(manifest["files"]) == {
        database_file,
        "media/editions/1/compendium-en.docx",
        "media/imports/itc.csv",
    }
    for name, digest in manifest["files"].items():
        assert sha256_of(directory / name) == digest


def test_restore_over_existing_data_needs_yes(round_trip):
    again = round_trip["again"]
    assert again.returncode != 0
    assert "Run again with --yes" in again.stderr


# --- refusals, checked in-process on a hand-made backup -------------------------------------------


def fake_backup(directory: Path, vendor: str, migrations: dict[str, list[str]]) -> Path:
    database_file = "database.sqlite3" if vendor == "sqlite" else "database.dump"
    (directory / "media" / "editions").mkdir(parents=True)
    (directory / database_file).write_bytes(b"not really a database")
    (directory / "media" / "editions" / "a.pdf").write_bytes(b"%PDF-1.7")
    files = {name: sha256_of(directory / name) for name in (database_file, "media/editions/a.pdf")}
    manifest = {
        "format": 1,
        "created_at": "2026-11-23T18:00:00+00:00",
        "app_version": "0.1.0",
        "database": {"vendor": vendor, "file": database_file},
        "migrations": migrations,
        "files": files,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return directory


@pytest.fixture
def current_vendor(db):
    from django.db import connection

    return connection.vendor


def test_a_changed_file_is_refused(tmp_path, current_vendor):
    directory = fake_backup(tmp_path, current_vendor, {"catalog": ["0001_initial"]})
    (directory / "media" / "editions" / "a.pdf").write_bytes(b"%PDF-1.7 tampered")
    with pytest.raises(
        BackupError, match=re.escape("media/editions/a.pdf: checksum does not match")
    ):
        restore_plan(directory=directory)


def test_a_missing_or_added_file_is_refused(tmp_path, current_vendor):
    directory = fake_backup(tmp_path, current_vendor, {"catalog": ["0001_initial"]})
    (directory / "media" / "editions" / "a.pdf").unlink()
    (directory / "media" / "extra.txt").write_text("?")
    with pytest.raises(BackupError) as refusal:
        restore_plan(directory=directory)
    assert "media/editions/a.pdf: missing" in str(refusal.value)
    assert "media/extra.txt: not in the manifest" in str(refusal.value)


def test_a_backup_from_newer_code_is_refused(tmp_path, current_vendor):
    migrations = {"catalog": ["0001_initial", "9999_from_the_future"]}
    directory = fake_backup(tmp_path, current_vendor, migrations)
    with pytest.raises(BackupError, match=r"newer version.*catalog\.9999_from_the_future"):
        restore_plan(directory=directory)


def test_a_backup_of_the_other_database_kind_is_refused(tmp_path, current_vendor):
    other = "postgresql" if current_vendor == "sqlite" else "sqlite"
    directory = fake_backup(tmp_path, other, {"catalog": ["0001_initial"]})
    with pytest.raises(BackupError, match=f"backup is of a {other} database"):
        restore_plan(directory=directory)


def test_overwriting_a_database_in_use_needs_confirmation(tmp_path, current_vendor, settings):
    settings.MEDIA_ROOT = tmp_path / "media-now"
    directory = fake_backup(tmp_path / "backup", current_vendor, {"catalog": ["0001_initial"]})
    with pytest.raises(BackupError, match=r"Restoring would replace the database.*--yes"):
        backup_restore(directory=directory, confirmed=False)


def test_not_a_backup_is_refused(tmp_path, db):
    with pytest.raises(BackupError, match="not a backup"):
        restore_plan(directory=tmp_path)
