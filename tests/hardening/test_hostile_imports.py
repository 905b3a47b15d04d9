"""Hostile files and cells in the secretariat's import upload: a file is refused with a message
(no 5xx) and writes no row and no entry; the text of cells it does read shows escaped on the
batch's pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compendium.catalog.models import Entry
from compendium.imports.models import BatchStatus, ImportBatch, ImportRow

from .hostile import HostileFile, assert_no_raw_markup, hostile_file_params, payloads

pytestmark = pytest.mark.django_db
MAX_BYTES = 256 * 1024  # the upload limit, lowered so the oversized file stays small
# The columns of the GATF mapping (src/compendium/imports/data/mappings/gatf-proyectos.yaml).
HEADER = ["Proyecto", "Descripción", "País", "Área", "Beneficiarias", "Inicio", "Fin", "Enlace"]


@pytest.fixture
def curator(client, secretariat_user, settings):
    settings.IMPORTS_MAX_FILE_BYTES = MAX_BYTES
    client.force_login(secretariat_user)
    return client


def upload(client, file_name: str, content: bytes, content_type: str = "text/csv"):
    return client.post(
        reverse("imports:batches"),
        {
            "file": SimpleUploadedFile(file_name, content, content_type=content_type),
            "source": "gatf-proyectos",
        },
    )


@pytest.mark.parametrize("hostile", hostile_file_params(max_bytes=MAX_BYTES))
def test_hostile_files_are_refused_and_write_nothing(curator, hostile: HostileFile):
    entries = Entry.objects.count()
    answer = upload(curator, hostile.file_name, hostile.content, hostile.content_type)
    assert answer.status_code in (302, 400), answer.status_code
    if answer.status_code == 302:  # queued, then read: the batch says why it was refused
        batch = ImportBatch.objects.get()
        page = curator.get(answer["Location"])
        assert page.status_code == 200
        assert batch.status == BatchStatus.REFUSED, batch.status
        assert ImportRow.objects.filter(batch=batch).count() == 0
    else:  # refused on the form: the page title and the error summary say why
        html = answer.content.decode()
        assert "<title>Error:" in html
        assert ImportBatch.objects.count() == 0
    assert Entry.objects.count() == entries


def hostile_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    for payload in payloads(short=True):
        text = payload.text.replace("\0", "")  # NUL bytes have their own file above
        writer.writerow([text, text, "Guatemala", "Logística", "Exportadoras", "2020", "", text])
    return buffer.getvalue().encode("utf-8")


def test_hostile_cells_show_escaped_on_the_batch_pages(curator):
    answer = upload(curator, "hostile.csv", hostile_csv())
    assert answer.status_code == 302, answer.status_code
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.READY, batch.status
    assert ImportRow.objects.filter(batch=batch).count() == len(payloads(short=True))
    page = curator.get(answer["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the cells are shown, as text
    for payload in payloads(short=True):
        assert_no_raw_markup(html, payload)
