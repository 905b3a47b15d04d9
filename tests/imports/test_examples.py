"""Each example source end to end: file → batch → decisions → entries with their provenance →
the public entry page says the partner reported it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compendium.audit.models import AuditEvent
from compendium.catalog.models import Entry, SourceKind, Verification, Workflow
from compendium.imports.models import BatchStatus, Decision, ImportBatch
from compendium.imports.services import (
    BatchRefused,
    RowRefused,
    batch_accept,
    row_decide,
    rows_decide_bulk,
)

pytestmark = pytest.mark.django_db


def row(report, title_start: str):
    return next(r for r in report.batch.rows.all() if r.title.startswith(title_start))


def test_a_dry_run_reports_everything_and_writes_nothing(imported):
    entries, batches, events = (
        Entry.objects.count(),
        ImportBatch.objects.count(),
        AuditEvent.objects.count(),
    )
    report = imported("itc", dry_run=True)
    assert report.dry_run
    assert report.batch.pk is None
    assert report.batch.counts["rows"] == 9
    assert (Entry.objects.count(), ImportBatch.objects.count(), AuditEvent.objects.count()) == (
        entries,
        batches,
        events,
    )


def test_itc_workbook_end_to_end(imported, secretariat_user, client):
    report = imported("itc")
    batch = report.batch
    assert batch.status == BatchStatus.READY
    assert batch.details["sheet"] == "Programmes"
    assert batch.counts["rows"] == 9
    # Aliases: Turkey, Vietnam, Korea, Rep., Ivory Coast, Hong Kong SAR.
    economies = {r.title: r.mapped.get("economies") for r in batch.rows.all()}
    assert economies["SheTrades Türkiye digital export hub"] == ["TUR"]
    assert economies["Women exporters in the digital economy: Viet Nam"] == ["VNM"]
    assert economies["Korea e-commerce export vouchers for women-owned firms"] == ["KOR"]
    assert economies["Mobile payments pilot for women traders in Côte d'Ivoire"] == ["CIV"]
    assert economies["Hong Kong women founders network"] == ["HKG"]
    # The merged country cell belongs to both Rwandan rows.
    assert economies["SheTrades Rwanda project"] == ["RWA"]

    # A duplicate of a sample entry is found with its reasons; the curator merges it.
    ajira = row(report, "Ajira")
    match = ajira.matches[0]
    assert match["kind"] == "entry"
    assert "Ajira Digital Program" in match["title"]
    assert any("KEN" in reason for reason in match["reasons"])
    existing = Entry.objects.get(pk=match["entry"])
    row_decide(
        row=ajira,
        actor=secretariat_user,
        decision=Decision.MERGE,
        merge_into=existing,
        merge_fields=["policy_areas", "target_groups"],
    )
    # The row without focus areas cannot be accepted until a suggestion is taken.
    turkey = row(report, "SheTrades Türkiye")
    assert "ecommerce" in [s["value"] for s in turkey.suggestions["policy_areas"]]
    with pytest.raises(RowRefused):
        row_decide(row=turkey, actor=secretariat_user, decision=Decision.NEW)
    turkey = row_decide(
        row=turkey,
        actor=secretariat_user,
        decision=Decision.NEW,
        choices={"policy_areas": ["ecommerce"]},
    )
    assert turkey.mapped["policy_areas"] == ["ecommerce"]
    assert not turkey.errors
    rwanda = row(report, "SheTrades Rwanda project")
    row_decide(row=rwanda, actor=secretariat_user, decision=Decision.SKIP)
    batch.refresh_from_db()
    assert batch.counts["undecided"] == 0

    batch_accept(batch=batch, actor=secretariat_user, publish=True)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ACCEPTED
    created = Entry.objects.filter(import_rows__batch=batch, import_rows__decision=Decision.NEW)
    assert created.count() == 7
    hub = created.get(title="SheTrades Türkiye digital export hub")
    assert hub.verification == Verification.PARTNER_REPORTED
    assert hub.workflow == Workflow.PUBLISHED
    source = hub.sources.get()
    assert source.kind == SourceKind.PARTNER_DATASET
    assert source.organization.slug == "itc"
    assert source.reference == f"{batch.reference} row {turkey.number}"
    # The merged entry keeps its own sources and lists ITC too.
    existing.refresh_from_db()
    assert existing.sources.count() >= 2
    assert "young_women" in {t.slug for t in existing.target_groups.all()}

    page = client.get(reverse("public:entry", kwargs={"slug": hub.slug}))
    assert page.status_code == 200
    assert "Reported by a partner" in page.content.decode()
    assert AuditEvent.objects.filter(action="import.batch_accept", target_id=str(batch.pk)).exists()


def test_itu_french_catalogue_end_to_end(imported, secretariat_user):
    report = imported("itu")
    batch = report.batch
    rows = {r.title: r for r in batch.rows.all()}
    strategy = rows["Stratégie de cybersécurité inclusive"]
    assert strategy.mapped["economies"] == ["BFA", "CIV"]
    assert strategy.mapped["language"] == "fr"
    assert strategy.mapped["instrument_type"] == "policy_or_strategy"
    rural = rows["Formation au commerce en ligne pour les femmes rurales"]
    suggested = [s["value"] for s in rural.suggestions["policy_areas"]]
    assert "ecommerce" in suggested  # from "commerce en ligne", a French keyword
    assert any(n.get("column") == "Commentaire interne" for n in batch.notes)
    rows_decide_bulk(batch=batch, actor=secretariat_user, action="skip_errors")
    batch_accept(batch=batch, actor=secretariat_user)
    entries = Entry.objects.filter(import_rows__batch=batch, import_rows__decision=Decision.NEW)
    assert entries.count() == 4
    assert all(e.workflow == Workflow.APPROVED for e in entries)  # not public until published
    assert set(entries.values_list("language", flat=True)) == {"fr"}


def test_latin1_semicolon_csv_end_to_end(imported, secretariat_user):
    report = imported("gatf")
    batch = report.batch
    assert batch.details["encoding"] == "cp1252"
    assert batch.details["delimiter"] == ";"
    rows = {r.title: r for r in batch.rows.all()}
    assert rows["Comercio electrónico para mipymes"].mapped["economies"] == ["PER"]
    assert rows["Comercio electrónico para mipymes"].mapped["start_year"] == 2022  # "marzo 2022"
    assert rows["Ventanilla única para comerciantes transfronterizas"].mapped["end_year"] == 2022
    batch_accept(batch=batch, actor=secretariat_user, publish=True)
    entry = Entry.objects.get(title="Pagos digitales en aduanas")
    assert entry.economies.get().code == "HND"
    assert entry.sources.get().organization.slug == "gatf"


def test_a_batch_with_undecided_rows_is_refused_whole(imported, secretariat_user):
    report = imported("itc")
    before = Entry.objects.count()
    with pytest.raises(BatchRefused) as refused:
        batch_accept(batch=report.batch, actor=secretariat_user)
    assert any("no decision yet" in p for p in refused.value.problems)
    assert Entry.objects.count() == before


def test_the_same_file_twice_is_recognised_and_changes_nothing(imported):
    first = imported("gatf")
    batches = ImportBatch.objects.count()
    second = imported("gatf")
    assert second.already_imported
    assert second.batch.pk == first.batch.pk
    assert ImportBatch.objects.count() == batches
    again = imported("gatf", again=True)
    assert not again.already_imported
    assert again.batch.pk != first.batch.pk
    # Its rows are now duplicates of the first batch's? No: that batch is not accepted yet, so
    # only rows of the catalog and of the batch itself are compared.
    assert ImportBatch.objects.count() == batches + 1


def test_secretariat_research_is_recorded_as_secretariat_compiled(imported, secretariat_user):
    from compendium.imports.mappings import MAPPINGS_DIR

    text = (MAPPINGS_DIR / "gatf-proyectos.yaml").read_text(encoding="utf-8")
    text = text.replace("provenance: partner_reported", "provenance: secretariat_compiled")
    report = imported("gatf", mapping_text=text)
    batch_accept(batch=report.batch, actor=secretariat_user)
    entry = Entry.objects.get(title="Pagos digitales en aduanas")
    assert entry.verification == Verification.SECRETARIAT_COMPILED
    assert entry.sources.get().kind == SourceKind.SECRETARIAT_RESEARCH
