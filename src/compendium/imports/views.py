"""The secretariat's import pages: upload a partner file, follow its reading, decide on each row,
accept the batch into the catalog, or roll it back. Secretariat only; reads through `selectors`,
writes through `services`."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compendium.operations.jobs import job_start
from compendium.review.views import curator_view

from . import selectors, services
from .forms import AcceptForm, DecisionForm, RollbackForm, UploadForm
from .mappings import available_sources
from .models import BatchStatus, Decision, ImportBatch, ImportRow
from .problems import Problem
from .reading import max_file_bytes

ROWS_PER_PAGE = 50
FILTER_LABELS = {
    "all": gettext_lazy("All rows"),
    "errors": gettext_lazy("With errors"),
    "warnings": gettext_lazy("With warnings"),
    "suggestions": gettext_lazy("With suggestions"),
    "duplicates": gettext_lazy("Possible duplicates"),
    "undecided": gettext_lazy("Not decided"),
}


def _start(batch: ImportBatch) -> None:
    """Long files are read in the background while the batch page shows progress."""
    batch_id = batch.pk
    job_start(name=f"import-{batch_id}", work=lambda: services.batch_process(batch_id=batch_id))


def _upload_errors(form: UploadForm) -> list[tuple[str, str]]:
    return [
        (f"{form[name].label}: {message}", f"#{form[name].auto_id}")
        for name, errors in form.errors.items()
        for message in errors
        if name in form.fields
    ] + [(message, "#upload") for message in form.non_field_errors()]


@require_http_methods(["GET", "HEAD", "POST"])
@curator_view
def batches(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        response = _upload(request, form)
        if response is not None:
            return response
    return render(
        request,
        "imports/batches.html",
        {
            "form": form,
            "error_links": _upload_errors(form) if form.is_bound else [],
            "batches": selectors.batches_for(user=request.user)[:100],
            "sources": available_sources(),
            "max_mb": max_file_bytes() // 2**20,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _upload(request: HttpRequest, form: UploadForm) -> HttpResponse | None:
    uploaded = form.cleaned_data["file"]
    if uploaded.size > max_file_bytes():
        form.add_error(
            "file",
            _("The file is %(size)s MB; files up to %(limit)s MB can be imported. Split it.")
            % {"size": round(uploaded.size / 2**20, 1), "limit": max_file_bytes() // 2**20},
        )
        return None
    mapping = form.cleaned_data.get("mapping")
    try:
        report = services.batch_queue(
            actor=request.user,
            content=uploaded.read(),
            file_name=uploaded.name,
            source=form.cleaned_data["source"],
            mapping_text=mapping.read().decode("utf-8", errors="replace") if mapping else "",
            sheet=form.cleaned_data["sheet"],
            again=form.cleaned_data["again"],
        )
    except services.ImportRefused as refused:
        for problem in refused.problems:
            form.add_error("mapping" if mapping else "source", str(problem))
        return None
    if report.already_imported:
        messages.warning(
            request,
            _(
                "This very file was already imported as %(ref)s: nothing changed. Tick “import it "
                "again” to import it once more."
            )
            % {"ref": report.batch.reference},
        )
        return redirect("imports:batch", pk=report.batch.pk)
    _start(report.batch)
    return redirect("imports:batch", pk=report.batch.pk)


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = selectors.batch_for(user=request.user, pk=pk)
    if batch is None:
        raise Http404("No import batch with this number")
    return batch


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v.get("url", "")) if isinstance(v, dict) else str(v) for v in value)
    return "" if value is None else str(value)


def _row_view(row: ImportRow, entries: dict[int, Any]) -> dict[str, Any]:
    matches = [{**match, "entry_obj": entries.get(match.get("entry"))} for match in row.matches]
    form = DecisionForm(
        suggestions=row.suggestions,
        initial={
            "decision": row.decision or None,
            "merge_into": row.merge_into_id,
            "merge_fields": row.merge_fields,
        },
        prefix=f"row{row.number}",
    )
    return {
        "row": row,
        "form": form,
        "values": [(name, _shown(value)) for name, value in row.mapped.items()],
        "matches": matches,
        "errors": [Problem.from_json(p) for p in row.errors],
        "warnings": [Problem.from_json(p) for p in row.warnings],
    }


def _batch_page(
    request: HttpRequest,
    batch: ImportBatch,
    *,
    error_links: list[tuple[str, str]] = (),
    accept_form: AcceptForm | None = None,
    rollback_form: RollbackForm | None = None,
    status: int = 200,
) -> HttpResponse:
    show = request.GET.get("show", "all")
    show = show if show in selectors.ROW_FILTERS else "all"
    page = Paginator(selectors.batch_rows(batch=batch, show=show), ROWS_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    ids = [m.get("entry") for row in page.object_list for m in row.matches if m.get("entry")]
    entries = selectors.entries_named(user=request.user, ids=ids)
    base = reverse("imports:batch", kwargs={"pk": batch.pk})
    return render(
        request,
        "imports/batch.html",
        {
            "batch": batch,
            "busy": batch.status in (BatchStatus.QUEUED, BatchStatus.PROCESSING),
            "decidable": batch.status == BatchStatus.READY,
            "problems": [Problem.from_json(p) for p in batch.problems],
            "notes": [Problem.from_json(n) for n in batch.notes],
            "rows": [_row_view(row, entries) for row in page.object_list],
            "page": page,
            "show": show,
            "filters": [
                (name, label, f"{base}?show={name}", name == show)
                for name, label in FILTER_LABELS.items()
            ],
            "accept_form": accept_form or AcceptForm(prefix="accept"),
            "rollback_form": rollback_form or RollbackForm(prefix="rollback"),
            "error_links": list(error_links),
        },
        status=status,
    )


@require_safe
@curator_view
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    return _batch_page(request, _batch(request, pk))


def _back_to(batch: ImportBatch, request: HttpRequest, number: int | None = None) -> HttpResponse:
    url = reverse("imports:batch", kwargs={"pk": batch.pk})
    query = request.POST.get("return_query", "")
    if query.startswith("show=") or query.startswith("page="):
        url += f"?{query}"
    return redirect(url + (f"#row-{number}" if number else ""))


@require_POST
@curator_view
def decide(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    batch = _batch(request, pk)
    row = selectors.row_for(batch=batch, number=number)
    if row is None:
        raise Http404("No such row")
    form = DecisionForm(request.POST, suggestions=row.suggestions, prefix=f"row{number}")
    if not form.is_valid():
        messages.error(request, _("Row %(n)s: choose a decision.") % {"n": number})
        return _back_to(batch, request, number)
    data = form.cleaned_data
    merge_into = None
    if data["decision"] == Decision.MERGE and data.get("merge_into"):
        merge_into = selectors.entries_named(user=request.user, ids=[data["merge_into"]]).get(
            data["merge_into"]
        )
    try:
        services.row_decide(
            row=row,
            actor=request.user,
            decision=data["decision"],
            merge_into=merge_into,
            merge_fields=data.get("merge_fields") or [],
            choices=form.choices(),
        )
    except services.RowRefused as refused:
        messages.error(request, str(refused))
        return _back_to(batch, request, number)
    messages.success(
        request,
        _("Row %(n)s: %(decision)s.") % {"n": number, "decision": Decision(data["decision"]).label},
    )
    return _back_to(batch, request, number)


@require_POST
@curator_view
def bulk(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    action = request.POST.get("action", "")
    try:
        changed = services.rows_decide_bulk(batch=batch, actor=request.user, action=action)
    except services.RowRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("%(n)s rows decided.") % {"n": changed})
    return _back_to(batch, request)


ROW_NUMBER = re.compile(r"\D{1,12}?(\d+)")


def _problem_links(problems: list[str]) -> list[tuple[str, str]]:
    # Row problems begin with the row's number in every language ("Row 12", "Ligne 12",
    # "Fila 12"); the others link to the accept form.
    links = []
    for problem in problems:
        found = ROW_NUMBER.match(problem)
        links.append((problem, f"#row-{found.group(1)}" if found else "#accept"))
    return links


@require_POST
@curator_view
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    form = AcceptForm(request.POST, prefix="accept")
    if not form.is_valid():
        return _batch_page(request, batch, accept_form=form, status=400)
    try:
        services.batch_accept(
            batch=batch,
            actor=request.user,
            publish=form.cleaned_data["publish"],
            note=form.cleaned_data["note"],
        )
    except services.BatchRefused as refused:
        return _batch_page(
            request,
            batch,
            error_links=_problem_links(refused.problems),
            accept_form=form,
            status=409,
        )
    messages.success(
        request, _("Batch %(ref)s accepted into the catalog.") % {"ref": batch.reference}
    )
    return redirect("imports:batch", pk=batch.pk)


@require_POST
@curator_view
def rollback(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    form = RollbackForm(request.POST, prefix="rollback")
    if not form.is_valid():
        links = [
            (f"{form['note'].label}: {m}", f"#{form['note'].auto_id}")
            for m in form.errors.get("note", [])
        ]
        return _batch_page(request, batch, rollback_form=form, error_links=links, status=400)
    try:
        services.batch_rollback(batch=batch, actor=request.user, note=form.cleaned_data["note"])
    except services.BatchRefused as refused:
        return _batch_page(
            request,
            batch,
            error_links=_problem_links(refused.problems),
            rollback_form=form,
            status=409,
        )
    messages.success(request, _("Batch %(ref)s rolled back.") % {"ref": batch.reference})
    return redirect("imports:batch", pk=batch.pk)
