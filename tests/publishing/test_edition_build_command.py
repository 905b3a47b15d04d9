"""`compendium edition_build EDITION --format docx,pdf --out DIR`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .editions import frozen, small_set

pytestmark = pytest.mark.django_db


def test_the_command_builds_into_the_directory_with_progress(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    made = frozen(small_set())
    out = StringIO()
    call_command(
        "edition_build", made.full_symbols, "--format", "docx", "--out", tmp_path, stdout=out
    )
    assert (tmp_path / "INF-TGE-W-90_INF-MSME-W-91_en.docx").exists()
    printed = out.getvalue()
    assert "docx" in printed
    assert "7/7" in printed
    assert "Built 1 file(s)" in printed


def test_the_command_says_what_is_wrong(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(CommandError, match="No edition"):
        call_command("edition_build", "INF/NONE/1", stdout=StringIO())
    made = frozen(small_set())
    with pytest.raises(CommandError, match="Unknown format: odt"):
        call_command("edition_build", str(made.pk), "--format", "odt", stdout=StringIO())
