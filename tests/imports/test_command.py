"""`compendium import FILE --source NAME [--mapping F] [--sheet S] [--dry-run] [--again]`"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from compendium.audit.models import AuditEvent
from compendium.imports.models import BatchStatus, ImportBatch

from .conftest import EXAMPLES

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_report_and_writes_nothing():
    output = run(str(EXAMPLES / "itc_programmes.xlsx"), "--source", "itc-programmes", "--dry-run")
    assert "Dry run of itc_programmes.xlsx: nothing was written." in output
    assert "possible duplicate of entry" in output
    assert "same economy: KEN" in output
    assert "suggested policy_areas: ecommerce" in output
    assert "looking for duplicates: 9/9" in output  # progress
    assert not ImportBatch.objects.exists()


def test_import_then_the_same_file_again():
    output = run(str(EXAMPLES / "gatf_proyectos.csv"), "--source", "gatf-proyectos")
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.READY
    assert f"Batch {batch.reference} is ready for review" in output
    assert "encoding Windows-1252 (Latin-1), columns separated by “;”" in output
    event = AuditEvent.objects.get(action="import.batch_create", target_id=str(batch.pk))
    assert event.actor_label == "command line"
    again = run(str(EXAMPLES / "gatf_proyectos.csv"), "--source", "gatf-proyectos")
    assert "already imported" in again
    assert ImportBatch.objects.count() == 1
    run(str(EXAMPLES / "gatf_proyectos.csv"), "--source", "gatf-proyectos", "--again")
    assert ImportBatch.objects.count() == 2


def test_a_chosen_sheet_and_a_given_mapping(tmp_path):
    from compendium.imports.mappings import MAPPINGS_DIR

    mapping = tmp_path / "mine.yaml"
    mapping.write_text((MAPPINGS_DIR / "itc-programmes.yaml").read_text(encoding="utf-8"))
    with pytest.raises(CommandError, match="has no sheet “Read me please”"):
        run(
            str(EXAMPLES / "itc_programmes.xlsx"),
            "--source",
            "itc-programmes",
            "--mapping",
            str(mapping),
            "--sheet",
            "Read me please",
        )
    with pytest.raises(CommandError, match="No header row found"):
        run(
            str(EXAMPLES / "itc_programmes.xlsx"),
            "--source",
            "itc-programmes",
            "--sheet",
            "Read me",
        )


def test_unknown_source_and_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No mapping for the source “nope”"):
        run(str(EXAMPLES / "gatf_proyectos.csv"), "--source", "nope")
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.csv"), "--source", "gatf-proyectos")
