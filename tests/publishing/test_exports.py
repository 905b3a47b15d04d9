"""/search/export.csv|xlsx|json: the search page's results, whole, in its order, safe to open."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compendium.catalog.models import Entry, Workflow
from compendium.catalog.services import EntryData, entry_create
from compendium.publishing.metadata import codebook_column_names
from compendium.search.indexing import search_index_update
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

FILTERED = "q=women&contributor_type=member&sort=economy"
SAMPLE_NOTICE = (
    "The entries shown are an illustrative sample compiled from public sources, "
    "not an official compendium."
)


def export(client, fmt: str, query: str = "", prefix: str = ""):
    url = f"{prefix}/search/export.{fmt}"
    response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code == 200, response.status_code
    return response


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return b"".join(response)


def csv_rows(response) -> list[dict[str, str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def workbook(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body(response)))


def page_slugs(client, query: str) -> list[str]:
    """The entries the search page lists for `query`, following its "next page" links."""
    slugs: list[str] = []
    url = f"/search/?{query}"
    while url:
        html = client.get(url).content.decode()
        slugs += re.findall(r'class="result__title"><a href="(?:/\w\w)?/entries/([^/]+)/"', html)
        following = re.findall(r'<a href="([^"]+)" rel="next"', html)
        url = unescape(following[0]) if following else ""
    return slugs


@pytest.fixture
def expected(client) -> list[str]:
    slugs = page_slugs(client, FILTERED)
    assert 20 < len(slugs) < 60, "the filter should span pages but not match everything"
    return slugs


def test_csv_holds_the_page_results_in_order(client, expected):
    response = export(client, "csv", FILTERED)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="compendium-entries-\d{8}\.csv"', response["Content-Disposition"]
    )
    rows = csv_rows(response)
    assert [row["slug"] for row in rows] == expected
    assert list(rows[0]) == codebook_column_names()


def test_csv_is_rfc_4180(client):
    raw = body(export(client, "csv", "area=ecommerce")).decode("utf-8")
    assert "\r\n" in raw
    assert raw.count("\r\n") >= 2
    assert raw.endswith("\r\n")


def test_xlsx_holds_the_page_results_with_codebook_and_about(client, expected):
    response = export(client, "xlsx", FILTERED)
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = workbook(response)
    assert book.sheetnames == ["Entries", "Codebook", "About"]
    entries = book["Entries"]
    assert entries.freeze_panes == "A2"
    rows = list(entries.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == codebook_column_names()
    assert [row[header.index("slug")] for row in rows[1:]] == expected
    start_years = [row[header.index("start_year")] for row in rows[1:]]
    assert all(year is None or isinstance(year, int) for year in start_years)
    codebook = [row[0] for row in book["Codebook"].iter_rows(min_row=2, values_only=True)]
    assert codebook == codebook_column_names()
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Sample data"] == SAMPLE_NOTICE
    assert about["Query string"] == FILTERED
    assert about["Entries"] == str(len(expected))
    assert "CC BY 4.0" in about["Licence"]


def test_json_holds_the_page_results_with_query_licence_and_notice(client, expected):
    response = export(client, "json", FILTERED)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(body(response))
    assert [entry["slug"] for entry in data["entries"]] == expected
    assert data["count"] == len(expected)
    assert data["query"]["q"] == "women"
    assert data["query"]["filters"] == {"contributor_type": ["member"]}
    assert data["query"]["sort"] == "economy"
    assert data["query"]["querystring"] == FILTERED
    assert data["licence"]["name"] == "CC BY 4.0"
    assert data["generated_at"]
    assert data["notice"] == SAMPLE_NOTICE


def test_json_has_no_notice_without_sample_entries(client):
    make_entry(slug="official-one", title="Official digital trade academy")
    data = json.loads(body(export(client, "json", "q=official+academy")))
    assert [e["slug"] for e in data["entries"]] == ["official-one"]
    assert data["notice"] is None


def test_json_entries_are_the_shared_representation(client):
    from compendium.catalog.selectors import entries_for_export
    from compendium.publishing.representation import entry_record

    data = json.loads(body(export(client, "json", "economy=KEN")))
    ids = list(Entry.objects.filter(slug__in=[e["slug"] for e in data["entries"]]).values("pk"))
    records = {
        r["slug"]: r
        for r in (
            entry_record(e, language="en")
            for e in entries_for_export(ids=[row["pk"] for row in ids])
        )
    }
    assert data["entries"] == [records[e["slug"]] for e in data["entries"]]


def test_exports_follow_the_page_language(client):
    rows = csv_rows(export(client, "csv", "area=ecommerce", prefix="/fr"))
    assert rows[0]["policy_area_labels"]
    assert "Commerce électronique et commerce numérique" in {
        label for row in rows for label in row["policy_area_labels"].split("; ")
    }
    assert rows[0]["url"].startswith("http://127.0.0.1:8000/fr/entries/")
    data = json.loads(body(export(client, "json", "area=ecommerce", prefix="/es")))
    assert data["entries"][0]["url"].startswith("http://127.0.0.1:8000/es/entries/")
    assert data["notice"]


def test_no_filter_exports_every_published_entry(client):
    make_entry(slug="hidden-draft", workflow=Workflow.DRAFT)
    rows = csv_rows(export(client, "csv"))
    assert len(rows) == Entry.objects.filter(workflow=Workflow.PUBLISHED).count() == 60
    assert "hidden-draft" not in {row["slug"] for row in rows}


@pytest.fixture
def hostile_entry() -> Entry:
    entry = entry_create(
        actor=None,
        actor_label="tests",
        data=EntryData(
            title='=HYPERLINK("http://x")',
            description="+cmd|' /C calc'!A0",
            implementers_as_reported="@SUM(1+1)",
            budget_as_reported="-2+3",
            women_reached_as_reported="\tcontrol\x01 chars",
            contributor_type="member",
            instrument_type="programme",
            policy_areas=("cybersecurity",),
            target_groups=("women_traders",),
            economies=("KEN",),
        ),
        slug="hostile",
        workflow=Workflow.PUBLISHED,
    )
    return entry


def test_csv_cells_never_run_as_formulas(client, hostile_entry):
    (row,) = csv_rows(export(client, "csv", "q=hyperlink"))
    assert row["title"] == '\'=HYPERLINK("http://x")'
    assert row["title_original"] == '\'=HYPERLINK("http://x")'
    assert row["description"] == "'+cmd|' /C calc'!A0"
    assert row["implementers_as_reported"] == "'@SUM(1+1)"
    assert row["budget_as_reported"] == "'-2+3"
    assert row["women_reached_as_reported"].startswith("'\t")
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_cells_never_run_as_formulas(client, hostile_entry):
    book = workbook(export(client, "xlsx", "q=hyperlink"))
    sheet = book["Entries"]
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert cells["title"].value == '\'=HYPERLINK("http://x")'
    assert cells["description"].value == "'+cmd|' /C calc'!A0"
    assert cells["implementers_as_reported"].value == "'@SUM(1+1)"
    assert cells["women_reached_as_reported"].value == "'\tcontrol chars"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Query string"] == "q=hyperlink"


def test_json_keeps_text_exactly_as_written(client, hostile_entry):
    data = json.loads(body(export(client, "json", "q=hyperlink")))
    assert data["entries"][0]["title"] == '=HYPERLINK("http://x")'


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize(
    "query",
    [
        "economy=NOWHERE&area=%3Cscript%3E",
        "q=%22unclosed&q=-&q=OR+OR",
        "q=" + "a" * 10_000,
        "q=%00%01women&year_from=abc&year_to=99999&sort=sideways",
        "page=1000000000&page_size=-5",
    ],
)
def test_hostile_parameters_are_ignored_as_on_the_page(client, fmt, query):
    response = client.get(f"/search/export.{fmt}?{query}")
    assert response.status_code == 200
    body(response)


def test_unknown_format_is_404(client):
    assert client.get("/search/export.pdf").status_code == 404
    assert client.get("/search/export.CSV").status_code == 404


def test_only_safe_methods(client):
    assert client.post("/search/export.csv").status_code == 405


def test_big_exports_fetch_entries_in_batches_of_500(client, monkeypatch):
    """Queries grow with the number of 500-entry batches, not with the number of entries."""
    from compendium.publishing import exports

    monkeypatch.setattr(exports, "BATCH", 7)  # 60 entries: 9 batches
    with CaptureQueriesContext(connection) as nine_batches:
        rows = csv_rows(export(client, "csv"))
    monkeypatch.setattr(exports, "BATCH", 500)
    with CaptureQueriesContext(connection) as one_batch:
        csv_rows(export(client, "csv"))
    assert len(rows) == 60
    per_batch = (len(nine_batches) - len(one_batch)) / 8
    assert len(one_batch) <= 15
    assert per_batch <= 8


def test_new_entries_appear_once_indexed(client):
    entry = make_entry(slug="fresh", title="Fresh mentoring network for women traders")
    search_index_update(entry_ids=[entry.pk])
    rows = csv_rows(export(client, "csv", "q=fresh+mentoring"))
    assert [row["slug"] for row in rows] == ["fresh"]
