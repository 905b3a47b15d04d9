"""Every bad input the issue lists gets a clear message saying what and where, and a refused file
writes nothing."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from compendium.catalog.models import Entry
from compendium.imports.models import ImportBatch
from compendium.imports.services import ImportRefused, batch_create

pytestmark = pytest.mark.django_db

HEADER = "Proyecto;Descripción;País;Área;Beneficiarias;Inicio;Fin;Enlace"
GOOD = "Ventanilla digital;Trámites en línea;Guatemala;Logística;Exportadoras;2020;2022;"


def run(user, content: bytes, file_name: str = "file.csv", source: str = "gatf-proyectos", **kw):
    return batch_create(actor=user, content=content, file_name=file_name, source=source, **kw)


def refused(user, content: bytes, file_name: str = "file.csv", **kw) -> list[str]:
    batches = ImportBatch.objects.count()
    with pytest.raises(ImportRefused) as error:
        run(user, content, file_name, **kw)
    assert ImportBatch.objects.count() == batches
    return [str(p) for p in error.value.problems]


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def rows_of(report):
    return {r.number: r for r in report.rows}


def workbook(rows, *, sheet: str = "Programmes") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for values in rows:
        book.active.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_empty_file(secretariat_user):
    assert refused(secretariat_user, b"") == ["The file is empty."]
    assert "no data" in refused(secretariat_user, b";;;\n;;\n")[0]


def test_header_only(secretariat_user):
    assert "no data rows" in refused(secretariat_user, csv_bytes(HEADER))[0]


def test_unknown_file(secretariat_user):
    assert "No header row found" in refused(secretariat_user, csv_bytes("a;b", "1;2"))[0]


def test_missing_required_column(secretariat_user):
    problems = refused(secretariat_user, csv_bytes("Proyecto;Descripción", "Uno;Algo"))
    assert problems == [
        "column “País”, field economies: Required column missing: nothing fills economies."
    ]


def test_unknown_columns_are_reported_and_kept_raw(secretariat_user):
    report = run(
        secretariat_user, csv_bytes(HEADER + ";Notas internas", GOOD + ";ver"), dry_run=True
    )
    assert any(n.get("column") == "Notas internas" for n in report.batch.notes)
    assert report.rows[0].raw["Notas internas"] == "ver"


def test_wrong_encoding_named_by_the_mapping(secretariat_user):
    from compendium.imports.mappings import MAPPINGS_DIR

    mapping = (MAPPINGS_DIR / "gatf-proyectos.yaml").read_text(encoding="utf-8")
    mapping = mapping.replace('encoding: ""', "encoding: utf-8")
    content = csv_bytes(HEADER, GOOD, encoding="latin-1")
    problems = refused(secretariat_user, content, mapping_text=mapping)
    assert "not in utf-8 as the mapping says" in problems[0]
    assert "line 1" in problems[0]


def test_encodings_are_detected_and_reported(secretariat_user):
    for encoding, expected in (
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("cp1252", "cp1252"),
    ):
        report = run(secretariat_user, csv_bytes(HEADER, GOOD, encoding=encoding), dry_run=True)
        assert report.batch.details["encoding"] == expected
        assert report.rows[0].mapped["description"] == "Trámites en línea"


def test_comma_and_tab_delimiters_are_detected(secretariat_user):
    for delimiter in (",", "\t"):
        mapping = _mapping_without_delimiter()
        lines = [HEADER.replace(";", delimiter), GOOD.replace(";", delimiter)]
        report = run(secretariat_user, csv_bytes(*lines), mapping_text=mapping, dry_run=True)
        assert report.rows[0].mapped["economies"] == ["GTM"]


def _mapping_without_delimiter() -> str:
    from compendium.imports.mappings import MAPPINGS_DIR

    text = (MAPPINGS_DIR / "gatf-proyectos.yaml").read_text(encoding="utf-8")
    return text.replace('delimiter: ";"', "")


def test_duplicated_header_row_is_skipped(secretariat_user):
    report = run(
        secretariat_user,
        csv_bytes(HEADER, GOOD, HEADER, GOOD.replace("digital", "rural")),
        dry_run=True,
    )
    assert [r.number for r in report.rows] == [2, 4]
    assert any(
        "header row is repeated" in n["message"] and n["row"] == 3 for n in report.batch.notes
    )


def test_values_not_in_the_mapping(secretariat_user):
    line = "Uno;Algo;Atlantis;Pesca;Marineras;2020;;"
    report = run(secretariat_user, csv_bytes(HEADER, line), dry_run=True)
    problems = report.rows[0].errors + report.rows[0].warnings
    messages = {(p.get("column"), p["message"]) for p in problems}
    assert ("País", "Unknown economy “Atlantis”.") in messages
    assert ("Área", "“Pesca” is not in the mapping for policy_areas.") in messages


def test_economy_not_in_the_wto(secretariat_user):
    line = "Uno;Algo;Palau;Logística;Exportadoras;2020;;"
    report = run(secretariat_user, csv_bytes(HEADER, line), dry_run=True)
    assert "is not a WTO Member or Observer" in report.rows[0].errors[0]["message"]


def test_dates_in_mixed_formats(secretariat_user):
    lines = [HEADER] + [
        f"P{i};D;Chile;Logística;Exportadoras;{start};;"
        for i, start in enumerate(
            ["2019", "2020-04-01", "03/05/2021", "mayo 2022", "44256", "someday"]
        )
    ]
    report = run(secretariat_user, csv_bytes(*lines), dry_run=True)
    years = [r.mapped.get("start_year") for r in report.rows]
    assert years == [2019, 2020, 2021, 2022, 2021, None]
    assert "spreadsheet date (2021-03-01)" in report.rows[4].warnings[0]["message"]
    assert report.rows[5].errors[0]["column"] == "Inicio"
    assert any("different formats" in n["message"] for n in report.batch.notes)


def test_html_and_scripts_are_kept_as_text(secretariat_user):
    cell = '<p onclick="x()">Ayuda <b>real</b></p><script>alert(1)</script> y más'
    line = f"Uno;{cell};Chile;Logística;Exportadoras;2020;;"
    report = run(secretariat_user, csv_bytes(HEADER, line), dry_run=True)
    assert report.rows[0].mapped["description"] == "Ayuda real y más"
    assert "HTML or a script" in report.rows[0].warnings[0]["message"]


def test_formulas_are_never_evaluated(secretariat_user):
    content = workbook(
        [
            ["Programme", "Summary", "Country", "Focus areas", "Beneficiaries", "Type of support"],
            ["P", "=1+1", "Chile", "E-commerce", "Young women", "Training"],
        ]
    )
    report = run(secretariat_user, content, "p.xlsx", source="itc-programmes", dry_run=True)
    assert report.rows[0].mapped["description"] == "=1+1"
    assert "never calculated" in report.rows[0].warnings[0]["message"]


def test_merged_cells_are_reported_and_spread(secretariat_user):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Programmes"
    sheet.append(["Programme", "Country", "Focus areas", "Beneficiaries", "Type of support"])
    sheet.append(["A", "Chile", "E-commerce", "Young women", "Training"])
    sheet.append(["B", None, "E-commerce", "Young women", "Training"])
    sheet.merge_cells("B2:B3")
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(
        secretariat_user, buffer.getvalue(), "m.xlsx", source="itc-programmes", dry_run=True
    )
    assert [r.mapped["economies"] for r in report.rows] == [["CHL"], ["CHL"]]
    assert any(n["message"].startswith("Merged cells B2:B3") for n in report.batch.notes)


def test_a_sheet_that_does_not_exist(secretariat_user):
    content = workbook([["Programme", "Country"], ["A", "Chile"]], sheet="Other")
    problems = refused(secretariat_user, content, "p.xlsx", source="itc-programmes")
    assert problems == ["The workbook has no sheet “Programmes”; its sheets are: Other."]
    report = run(
        secretariat_user, content, "p.xlsx", source="itc-programmes", sheet="Other", dry_run=True
    )
    assert report.batch.details["sheet"] == "Other"


def test_corrupt_workbook(secretariat_user):
    problems = refused(
        secretariat_user, b"PK\x03\x04 not really a zip", "broken.xlsx", source="itc-programmes"
    )
    assert "not a valid XLSX workbook" in problems[0]
    good = workbook([["Programme"], ["A"]])
    problems = refused(
        secretariat_user, good[: len(good) // 2], "cut.xlsx", source="itc-programmes"
    )
    assert "XLSX" in problems[0] or "cannot be read" in problems[0]


def test_password_protected_workbook(secretariat_user):
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048
    problems = refused(secretariat_user, encrypted, "secret.xlsx", source="itc-programmes")
    assert "password-protected" in problems[0]


def test_a_zip_bomb_disguised_as_xlsx_is_never_opened(secretariat_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (200 * 1024 * 1024))
    problems = refused(secretariat_user, buffer.getvalue(), "bomb.xlsx", source="itc-programmes")
    assert "zip bomb" in problems[0]


def test_a_file_over_the_size_limit(secretariat_user, settings):
    settings.IMPORTS_MAX_FILE_BYTES = 1024 * 1024  # what a 50 MB file meets, at test size
    content = csv_bytes(HEADER, *[GOOD] * 30000)
    assert len(content) > 1024 * 1024
    problems = refused(secretariat_user, content)
    assert "files up to 1 MB can be imported" in problems[0]


def test_a_broken_mapping(secretariat_user):
    problems = refused(secretariat_user, csv_bytes(HEADER, GOOD), mapping_text="columns: [1, 2")
    assert problems[0].startswith("Mapping: The mapping is not valid YAML")
    problems = refused(
        secretariat_user, csv_bytes(HEADER, GOOD), mapping_text="columns:\n  A: nonsense\n"
    )
    assert "say which field it fills" in problems[0]


def test_a_mapping_naming_unknown_slugs(secretariat_user):
    text = (
        "columns:\n  Proyecto: title\n  País: economies\n"
        "  Área:\n    field: policy_areas\n    values:\n      X: not_a_slug\n"
    )
    problems = refused(secretariat_user, csv_bytes(HEADER, GOOD), mapping_text=text)
    assert "unknown policy_areas “not_a_slug”" in problems[0]


def test_rows_with_errors_make_the_batch_wait_not_half_written(secretariat_user):
    from compendium.imports.services import BatchRefused, batch_accept

    line = "Uno;Algo;Atlantis;Logística;Exportadoras;2020;;"
    report = run(secretariat_user, csv_bytes(HEADER, GOOD, line))
    before = Entry.objects.count()
    with pytest.raises(BatchRefused) as error:
        batch_accept(batch=report.batch, actor=secretariat_user)
    assert error.value.problems == ["Row 3: no decision yet (new, merge or skip)."]
    assert Entry.objects.count() == before
