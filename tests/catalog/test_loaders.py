"""The loaders: idempotent, and a bad file stops with its location and writes nothing."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from compendium.audit.models import AuditEvent
from compendium.catalog.loaders import DATA_DIR, LoadAborted, reference_load, sample_load
from compendium.catalog.models import (
    Economy,
    Entry,
    Organization,
    PolicyArea,
    SourceKind,
    Verification,
    Workflow,
)

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[int, ...]:
    return (
        Economy.objects.count(),
        Organization.objects.count(),
        Entry.objects.count(),
        AuditEvent.objects.count(),
        PolicyArea.objects.count(),
    )


# --- what the session set-up loaded --------------------------------------------------------------


def test_reference_data_is_complete():
    assert Economy.objects.filter(status="member").count() == 166
    assert Economy.objects.filter(status="observer").count() == 22
    eu = Economy.objects.get(code="EU")
    assert eu.member_states.count() == 27
    assert Economy.objects.get(code="FRA").part_of == eu
    assert Economy.objects.get(code="KEN").region.slug == "africa"
    assert Economy.objects.get(code="BGD").is_ldc
    assert not Economy.objects.get(code="CHE").is_ldc
    assert Economy.objects.get(code="CAN").working_groups.filter(slug="msme").exists()
    assert all(e.name_fr and e.name_es for e in Economy.objects.all())
    assert PolicyArea.objects.count() == 17
    assert PolicyArea.objects.get(slug="ecommerce").label_fr


def test_sample_loads_as_published_sample_entries_with_sources():
    entries = Entry.objects.filter(is_sample=True)
    assert entries.count() == 60
    assert set(entries.values_list("workflow", flat=True)) == {Workflow.PUBLISHED}
    assert set(entries.values_list("verification", flat=True)) == {
        Verification.SECRETARIAT_COMPILED
    }
    assert Economy.objects.filter(entries__in=entries).distinct().count() == 30
    shetrades = Entry.objects.get(slug="itc-shetrades-initiative")
    source = shetrades.sources.get()
    assert source.kind == SourceKind.PUBLIC_WEB
    assert source.url.startswith("https://intracen.org/")
    assert "Illustrative sample" in source.note
    assert shetrades.organizations.filter(slug="itc").exists()


# --- idempotency ------------------------------------------------------------------------------


def test_second_runs_change_nothing_and_say_so(capsys):
    before = snapshot()
    assert not reference_load().changed
    assert not sample_load().changed
    assert snapshot() == before

    call_command("load_reference")
    call_command("load_sample")
    out = capsys.readouterr().out
    assert "economies: 0 created, 0 updated, 188 unchanged" in out
    assert "sample entries: 0 created, 0 updated, 60 unchanged" in out
    assert out.count("nothing changed") == 2


def test_first_run_reports_what_it_created(capsys):
    Entry.objects.filter(is_sample=True).delete()
    call_command("load_sample")
    assert "sample entries: 60 created, 0 updated, 0 unchanged" in capsys.readouterr().out


def test_changed_file_updates_and_records_history(tmp_path):
    items = json.loads((DATA_DIR / "sample_initiatives.json").read_text())
    items[0]["title"] = "SheTrades Initiative (renamed)"
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(items))

    report = sample_load(path=path)

    assert report.lines() == ["sample entries: 0 created, 1 updated, 59 unchanged"]
    entry = Entry.objects.get(slug=items[0]["id"])
    assert entry.title == "SheTrades Initiative (renamed)"
    assert entry.versions.first().changed_fields == ["title"]


# --- bad files -----------------------------------------------------------------------------------


def copy_reference(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, key in (
        ("taxonomy.yaml", "taxonomy"),
        ("economies.csv", "economies"),
        ("organizations.csv", "organizations"),
    ):
        paths[key] = tmp_path / name
        shutil.copy(DATA_DIR / name, paths[key])
    return paths


def rewrite_csv(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    rows, fields = change(rows, fields)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def drop_region(rows, fields):
    fields.remove("region")
    return [{k: v for k, v in r.items() if k != "region"} for r in rows], fields


def bad_code(rows, fields):
    rows[4]["iso3"] = "XX1"
    return rows, fields


def duplicate_code(rows, fields):
    rows[9]["iso3"] = rows[8]["iso3"]
    return rows, fields


def unknown_region(rows, fields):
    rows[2]["region"] = "atlantis"
    return rows, fields


def unknown_part_of(rows, fields):
    rows[0]["part_of"] = "ZZZ"
    return rows, fields


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (drop_region, "economies.csv, field 'region': missing column"),
        (bad_code, "economies.csv, row 5, field 'iso3': 'XX1' is not an ISO3 code"),
        (duplicate_code, "economies.csv, row 10, field 'iso3': duplicate code"),
        (unknown_region, "economies.csv, row 3, field 'region': unknown region 'atlantis'"),
        (unknown_part_of, "economies.csv, row 1, field 'part_of': unknown economy 'ZZZ'"),
    ],
)
def test_bad_economies_file_stops_with_location(tmp_path, change, expected):
    paths = copy_reference(tmp_path)
    rewrite_csv(paths["economies"], change)
    # A change that would otherwise be written proves the load is all-or-nothing.
    taxonomy = yaml.safe_load(paths["taxonomy"].read_text())
    taxonomy["policy_areas"][0]["label"]["en"] = "Changed label"
    paths["taxonomy"].write_text(yaml.safe_dump(taxonomy, allow_unicode=True))
    before = snapshot()

    with pytest.raises(LoadAborted) as caught:
        reference_load(**paths)

    assert any(expected in str(problem) for problem in caught.value.problems), caught.value
    assert snapshot() == before
    assert PolicyArea.objects.get(slug="export_support").label_en != "Changed label"


def test_bad_taxonomy_and_organizations_are_reported_together(tmp_path):
    paths = copy_reference(tmp_path)
    taxonomy = yaml.safe_load(paths["taxonomy"].read_text())
    taxonomy["target_groups"][1]["label"].pop("es")
    paths["taxonomy"].write_text(yaml.safe_dump(taxonomy, allow_unicode=True))

    def bad_org(rows, fields):
        rows[0]["kind"] = "alien"
        rows[1]["economy"] = "QQQ"
        return rows, fields

    rewrite_csv(paths["organizations"], bad_org)
    with pytest.raises(LoadAborted) as caught:
        reference_load(**paths)
    messages = [str(p) for p in caught.value.problems]
    assert "taxonomy.yaml, field 'target_groups[2].label.es': missing translation" in messages
    assert "organizations.csv, row 1, field 'kind': unknown contributor type 'alien'" in messages
    assert "organizations.csv, row 2, field 'economy': unknown economy 'QQQ'" in messages


def write_sample(tmp_path: Path, change) -> Path:
    items = json.loads((DATA_DIR / "sample_initiatives.json").read_text())
    change(items)
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(items))
    return path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda items: items[3].pop("title"), "sample.json, row 4, field 'title': missing field"),
        (
            lambda items: items[6].update(id=items[5]["id"]),
            "sample.json, row 7, field 'id': duplicate id",
        ),
        (
            lambda items: items[10]["policy_areas"].append("time_travel"),
            "sample.json, row 11, field 'policy_areas': Unknown policy area: time_travel.",
        ),
        (
            lambda items: items[12].update(economies=["ATL"]),
            "sample.json, row 13, field 'economies': Unknown economy: ATL.",
        ),
        (
            lambda items: items[2].update(start_year="2020"),
            "sample.json, row 3, field 'start_year': wrong type of value",
        ),
    ],
)
def test_bad_sample_stops_with_location_and_writes_nothing(tmp_path, change, expected):
    Entry.objects.filter(is_sample=True).delete()
    before = snapshot()
    with pytest.raises(LoadAborted) as caught:
        sample_load(path=write_sample(tmp_path, change))
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems
    assert snapshot() == before


def test_command_reports_problems_and_fails(tmp_path):
    path = write_sample(tmp_path, lambda items: items[0].update(instrument_type="magic"))
    with pytest.raises(CommandError) as caught:
        call_command("load_sample", file=path)
    message = str(caught.value)
    assert message.startswith("Nothing was loaded: 1 problem(s)")
    assert "sample.json, row 1, field 'instrument_type': Unknown instrument type: magic." in message


def test_unreadable_files_are_reported(tmp_path):
    broken = tmp_path / "sample.json"
    broken.write_text("[{")
    with pytest.raises(LoadAborted, match=r"sample.json: not valid JSON \(line 1"):
        sample_load(path=broken)
    with pytest.raises(LoadAborted, match="cannot read"):
        sample_load(path=tmp_path / "missing.json")
    latin = tmp_path / "economies.csv"
    latin.write_bytes("iso3,wto_name\nCIV,Côte d'Ivoire\n".encode("latin-1"))
    with pytest.raises(LoadAborted, match="not UTF-8"):
        reference_load(economies=latin)
