"""Settings come from the environment, production is locked down, the README documents it."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from compendium.config import PROJECT_ROOT, VARIABLES

ROOT = Path(__file__).resolve().parents[2]


def compendium(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {v.name for v in VARIABLES}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "compendium", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "compendium.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "compendium.example.org",
    "DATABASE_URL": "sqlite:////tmp/compendium-check.sqlite3",
}


def test_production_settings_pass_the_deploy_check():
    result = compendium("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secrets(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = compendium("check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set in the environment for production" in result.stderr


def test_production_refuses_debug():
    result = compendium("check", **PRODUCTION, DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG cannot be on with production settings" in result.stderr


def test_bad_boolean_is_named():
    result = compendium("check", DEBUG="maybe")
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


def test_demo_accounts_are_refused_in_production():
    result = compendium("create_demo_accounts", **PRODUCTION)
    assert result.returncode != 0
    assert "Demo accounts exist only with the demo settings" in result.stderr


def test_readme_documents_every_variable_and_only_those():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE))
    assert documented == {v.name for v in VARIABLES}


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db, settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The in-memory test database cannot use WAL; the file database of the demo must.
    assert mode in {"wal", "memory"}
    assert settings.DATABASES["default"]["OPTIONS"]["timeout"] >= 5
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_project_root_is_the_checkout():
    assert (PROJECT_ROOT / "pyproject.toml").exists()
