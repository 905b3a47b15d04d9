"""Importing the three example partner files through the real services."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from compendium.imports.services import batch_create

EXAMPLES = Path(__file__).parents[2] / "src" / "compendium" / "imports" / "data" / "examples"
SOURCES = {
    "itc": ("itc_programmes.xlsx", "itc-programmes"),
    "itu": ("itu_pratiques.xlsx", "itu-pratiques"),
    "gatf": ("gatf_proyectos.csv", "gatf-proyectos"),
}


def example(name: str) -> tuple[bytes, str, str]:
    file_name, source = SOURCES[name]
    return (EXAMPLES / file_name).read_bytes(), file_name, source


@pytest.fixture(autouse=True)
def _default_language_after():
    """A request in French leaves French active in the test thread: the next test's `reverse()`
    would give French addresses."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def imported(db, secretariat_user):
    """Import an example file as the curator; returns the report."""

    def run(name: str, **options):
        content, file_name, source = example(name)
        return batch_create(
            actor=secretariat_user, content=content, file_name=file_name, source=source, **options
        )

    return run
