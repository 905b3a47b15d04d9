"""The French and Spanish catalogues are complete and in step with the code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.served import ROOT, clean_environment

PACKAGE = ROOT / "src" / "compendium"
LANGUAGES = ("fr", "es")


def catalogue(root: Path, language: str):
    with (root / "locale" / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    catalog = catalogue(PACKAGE, language)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 100
    untranslated = [
        m.id
        for m in messages
        if m.fuzzy or not m.string or (isinstance(m.string, tuple | list) and not all(m.string))
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    problems = [
        (m.id, [str(e) for e in errors]) for m, errors in catalogue(PACKAGE, language).check()
    ]
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_rule_is_declared(language):
    assert catalogue(PACKAGE, language).num_plurals == 2


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (CI installs it)")
def test_catalogues_hold_every_message_of_the_code(tmp_path):
    """Extract the messages from a copy of the code, as `makemessages` would, and compare."""
    copy = tmp_path / "compendium"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = clean_environment(
        PYTHONPATH=str(tmp_path), DJANGO_SETTINGS_MODULE="compendium.settings.test"
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--no-location",
            "--no-obsolete",
            *(f"--locale={lang}" for lang in LANGUAGES),
            "--ignore=*/migrations/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    for language in LANGUAGES:
        wanted = {m.id for m in catalogue(copy, language) if m.id}
        have = {m.id for m in catalogue(PACKAGE, language) if m.id}
        missing = sorted(str(i) for i in wanted - have)
        assert missing == [], (
            f"{language}: run `compendium makemessages -l {language}` in src/compendium and "
            f"translate: {missing[:10]}"
        )
