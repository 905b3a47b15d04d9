"""Open-data releases: adopting an edition writes a citable release of its frozen entries (CSV,
XLSX, JSON, codebook, a Frictionless Data Package, SHA-256 checksums), listed on /data/ and
served with the right media types."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from frictionless import validate
from openpyxl import load_workbook

from compendium.catalog.services import entry_update
from compendium.publishing import services
from compendium.publishing.errors import EditionError
from compendium.publishing.metadata import codebook_column_names
from compendium.publishing.models import DataRelease, EditionKind

from .editions import ARABIC_TITLE, SYMBOLS, entry, frozen, small_set

pytestmark = pytest.mark.django_db

EXPECTED_FILES = [
    "entries.csv",
    "entries.xlsx",
    "entries.json",
    "codebook.csv",
    "datapackage.json",
    "SHA256SUMS",
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def adopted(entries):
    made = frozen(entries, kind=EditionKind.FINAL)
    services.edition_circulate(edition=made, actor=None, actor_label="tests")
    return services.edition_adopt(edition=made, actor=None, actor_label="tests")


def folder(media: Path, release: DataRelease) -> Path:
    return media / release.directory


def test_adoption_writes_every_file_with_matching_checksums(media):
    edition = adopted(small_set())
    release = edition.data_release
    assert [f.name for f in release.files.all()] == EXPECTED_FILES
    for file in release.files.all():
        content = (folder(media, release) / file.name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == file.sha256
        assert len(content) == file.size
    # SHA256SUMS checks every other file, as `sha256sum -c` would.
    sums = (folder(media, release) / "SHA256SUMS").read_text().splitlines()
    listed = dict(reversed(line.split("  ")) for line in sums)
    assert set(listed) == set(EXPECTED_FILES) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((folder(media, release) / name).read_bytes()).hexdigest() == digest


def test_the_data_package_passes_frictionless_validation(media):
    release = adopted(small_set()).data_release
    report = validate(str(folder(media, release) / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    package = json.loads((folder(media, release) / "datapackage.json").read_text())
    assert package["version"] == release.edition.full_symbols == SYMBOLS
    assert package["created"]
    assert package["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["sources"][0]["path"].endswith("/compendium/")
    entries = package["resources"][0]
    assert [f["name"] for f in entries["schema"]["fields"]] == codebook_column_names()
    hashes = {r["path"]: r["hash"] for r in package["resources"]}
    for file in release.files.exclude(name__in=["datapackage.json", "SHA256SUMS"]):
        assert hashes[file.name] == f"sha256:{file.sha256}"
    assert "Data release" in package["citation"]


def test_a_tampered_file_fails_validation(media):
    release = adopted(small_set()).data_release
    path = folder(media, release) / "entries.csv"
    path.write_text(path.read_text().replace("Zambezi", "Zambesi"))
    report = validate(str(folder(media, release) / "datapackage.json"))
    assert not report.valid
    assert "hash-count" in {error[0] for error in report.flatten(["type"])}


def test_csv_has_one_row_per_frozen_entry_as_frozen(media):
    entries = small_set()
    made = frozen(entries, kind=EditionKind.FINAL)
    # A change after freezing never reaches the release: it shows the edition's versions.
    entry_update(entry=entries[0], actor=None, actor_label="t", changes={"title": "Renamed"})
    services.edition_circulate(edition=made, actor=None, actor_label="tests")
    release = services.edition_adopt(edition=made, actor=None, actor_label="tests").data_release
    with (folder(media, release) / "entries.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == made.entries.count() == release.entry_count == len(entries)
    assert list(rows[0]) == codebook_column_names()
    titles = {row["title_original"] for row in rows}
    assert "Zambezi women exporters online" in titles
    assert "Renamed" not in titles
    assert ARABIC_TITLE in titles
    assert {row["slug"] for row in rows} == {e.slug for e in entries}
    assert all(row["published_at"] for row in rows)
    assert all(row["url"].startswith("http") for row in rows)


def test_xlsx_and_json_hold_the_same_entries(media):
    entries = small_set()
    release = adopted(entries).data_release
    book = load_workbook(folder(media, release) / "entries.xlsx", read_only=True)
    assert book.sheetnames == ["Entries", "Codebook", "About"]
    sheet_rows = list(book["Entries"].iter_rows(values_only=True))
    assert len(sheet_rows) == len(entries) + 1
    document = json.loads((folder(media, release) / "entries.json").read_text())
    assert len(document["entries"]) == len(entries)
    assert document["release"]["version"] == SYMBOLS
    assert document["release"]["licence"]["name"] == "CC BY 4.0"


def test_formula_like_text_is_neutralised_in_the_csv(media):
    release = adopted([entry('=HYPERLINK("http://evil")', economies=("KEN",))]).data_release
    text = (folder(media, release) / "entries.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text


def test_a_release_is_written_once_and_only_for_adopted_editions(media):
    edition = adopted(small_set())
    again = services.release_create(edition=edition, actor=None)
    assert again.pk == edition.data_release.pk
    assert DataRelease.objects.filter(edition=edition).count() == 1
    draft = frozen([entry("Another", economies=("KEN",))], symbols="INF/TGE/W/1 – INF/MSME/W/2")
    with pytest.raises(EditionError, match="adopted"):
        services.release_create(edition=draft, actor=None)


def test_data_page_lists_releases_with_checksums_and_citation(client, media):
    release = adopted(small_set()).data_release
    html = client.get("/data/").content.decode()
    assert "No data release has been published yet" not in html
    assert f'id="release-{release.name}"' in html
    for file in release.files.all():
        assert f'href="/data/releases/{release.name}/{file.name}"' in html
        assert file.sha256 in html
    assert "Data release INF/TGE/W/90 – INF/MSME/W/91" in html
    french = client.get("/fr/data/").content.decode()
    assert f'href="/fr/data/releases/{release.name}/entries.csv"' in french


@pytest.mark.parametrize(
    ("name", "media_type", "attachment"),
    [
        ("entries.csv", "text/csv; charset=utf-8", True),
        ("entries.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True),
        ("entries.json", "application/json", False),
        ("datapackage.json", "application/json", False),
        ("SHA256SUMS", "text/plain; charset=utf-8", False),
    ],
)
def test_release_files_are_served_with_their_media_type(
    client, media, name, media_type, attachment
):
    release = adopted(small_set()).data_release
    response = client.get(f"/data/releases/{release.name}/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    assert ("attachment" in response.get("Content-Disposition", "")) is attachment
    assert "public" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == release.files.get(name=name).sha256


def test_unknown_release_files_are_not_found(client, media):
    release = adopted(small_set()).data_release
    assert client.get(f"/data/releases/{release.name}/../../settings.py").status_code == 404
    assert client.get(f"/data/releases/{release.name}/other.csv").status_code == 404
    assert client.get("/data/releases/nothing/entries.csv").status_code == 404
