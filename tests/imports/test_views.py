"""The secretariat's pages: upload, follow, decide, accept, roll back; and only the secretariat
may use them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compendium.catalog.models import Economy, Entry, Workflow
from compendium.imports.models import BatchStatus, Decision, ImportBatch
from compendium.review.services import focal_point_assign

from .conftest import example

pytestmark = pytest.mark.django_db


def upload(client, name: str = "gatf", follow: bool = False, **extra):
    content, file_name, source = example(name)
    return client.post(
        reverse("imports:batches"),
        {"file": SimpleUploadedFile(file_name, content), "source": source, **extra},
        follow=follow,
    )


@pytest.fixture
def curator(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


def test_upload_decide_accept_and_roll_back_through_the_pages(curator):
    response = upload(curator, "itu")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:batch", args=[batch.pk])
    page = curator.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert batch.status == BatchStatus.READY
    assert "Formation au commerce en ligne pour les femmes rurales" in html
    assert "Commentaire interne" in html  # the unknown column is reported
    assert "commerce en ligne" in html  # the words behind a suggestion

    rural = batch.rows.get(mapped__title="Formation au commerce en ligne pour les femmes rurales")
    decide = reverse("imports:decide", args=[batch.pk, rural.number])
    prefix = f"row{rural.number}"
    refused = curator.post(decide, {f"{prefix}-decision": "new"}, follow=True)
    assert "still has errors" in refused.content.decode()
    curator.post(
        decide, {f"{prefix}-decision": "new", f"{prefix}-accept": "policy_areas:ecommerce"}
    )
    rural.refresh_from_db()
    assert rural.decision == Decision.NEW
    assert rural.mapped["policy_areas"] == ["ecommerce"]

    accepted = curator.post(
        reverse("imports:accept", args=[batch.pk]), {"accept-publish": "on"}, follow=True
    )
    assert "accepted into the catalog" in accepted.content.decode()
    entry = Entry.objects.get(title="Formation au commerce en ligne pour les femmes rurales")
    assert entry.workflow == Workflow.PUBLISHED
    assert "Reported by a partner" in curator.get(entry.get_absolute_url()).content.decode()

    no_reason = curator.post(reverse("imports:rollback", args=[batch.pk]), {})
    assert no_reason.status_code == 400
    assert "There is a problem" in no_reason.content.decode()
    curator.post(reverse("imports:rollback", args=[batch.pk]), {"rollback-note": "Test upload"})
    entry.refresh_from_db()
    assert entry.workflow == Workflow.WITHDRAWN


def test_accepting_with_open_rows_lists_them_in_an_error_summary(curator):
    upload(curator, "itc")
    batch = ImportBatch.objects.get()
    response = curator.post(reverse("imports:accept", args=[batch.pk]), {})
    html = response.content.decode()
    assert response.status_code == 409
    assert "There is a problem" in html
    assert 'href="#row-5"' in html
    assert not Entry.objects.filter(import_rows__batch=batch).exists()


def test_error_summary_links_to_the_rows_in_french_too(curator):
    upload(curator, "itc")
    batch = ImportBatch.objects.get()
    response = curator.post(f"/fr{reverse('imports:accept', args=[batch.pk])}", {})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Il y a un problème" in html
    assert 'href="#row-5"' in html


def test_bulk_decisions(curator):
    upload(curator, "itc")
    batch = ImportBatch.objects.get()
    curator.post(reverse("imports:bulk", args=[batch.pk]), {"action": "skip_errors"})
    batch.refresh_from_db()
    assert batch.counts["skip"] == 1


def test_a_refused_file_says_why_on_its_page(curator):
    curator.post(
        reverse("imports:batches"),
        {"file": SimpleUploadedFile("x.csv", b"a;b\n1;2\n"), "source": "gatf-proyectos"},
    )
    batch = ImportBatch.objects.get()
    page = curator.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert batch.status == BatchStatus.REFUSED
    assert "This file cannot be imported" in page
    assert "No header row found" in page


def test_the_same_file_twice_changes_nothing(curator):
    upload(curator)
    second = upload(curator, follow=True)
    assert ImportBatch.objects.count() == 1
    assert "already imported" in second.content.decode()
    upload(curator, again="on")
    assert ImportBatch.objects.count() == 2


def test_an_empty_upload_is_an_error_on_the_form(curator):
    response = curator.post(reverse("imports:batches"), {"source": "gatf-proyectos"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_html_in_cells_is_never_rendered(curator):
    upload(curator, "itc")
    batch = ImportBatch.objects.get()
    html = curator.get(
        reverse("imports:batch", args=[batch.pk]) + "?show=warnings"
    ).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html  # the raw cell, shown as text


def test_the_review_queue_links_to_imports(curator):
    html = curator.get(reverse("review:queue")).content.decode()
    assert reverse("imports:batches") in html


# --- permissions ---------------------------------------------------------------------------------


@pytest.fixture
def batch(db, secretariat_user):
    from compendium.imports.services import batch_create

    content, file_name, source = example("gatf")
    return batch_create(
        actor=secretariat_user, content=content, file_name=file_name, source=source
    ).batch


def _pages(batch):
    row = batch.rows.first()
    return [
        ("get", reverse("imports:batches"), {}),
        ("get", reverse("imports:batch", args=[batch.pk]), {}),
        (
            "post",
            reverse("imports:decide", args=[batch.pk, row.number]),
            {f"row{row.number}-decision": "skip"},
        ),
        ("post", reverse("imports:bulk", args=[batch.pk]), {"action": "skip_errors"}),
        ("post", reverse("imports:accept", args=[batch.pk]), {}),
        ("post", reverse("imports:rollback", args=[batch.pk]), {"rollback-note": "x"}),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, batch):
    for method, url, data in _pages(batch):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response.url


@pytest.mark.parametrize("role", ["focal_point", "staff_without_role", "someone"])
def test_only_the_secretariat_imports(client, batch, django_user_model, role):
    user = django_user_model.objects.create_user(role, f"{role}@example.org", "pw")
    if role == "focal_point":
        focal_point_assign(user=user, actor=None, economy=Economy.objects.get(code="CHL"))
    if role == "staff_without_role":
        user.is_staff = True
        user.save()
    client.force_login(user)
    for method, url, data in _pages(batch):
        assert getattr(client, method)(url, data).status_code == 403, url
    upload(client)
    assert ImportBatch.objects.count() == 1
    assert batch.rows.filter(decision=Decision.SKIP).count() == 0


def test_services_refuse_anyone_but_the_secretariat(batch, django_user_model):
    from django.core.exceptions import PermissionDenied

    from compendium.imports.services import batch_accept, batch_create

    someone = django_user_model.objects.create_user("someone", "s@example.org", "pw")
    content, file_name, source = example("itu")
    with pytest.raises(PermissionDenied):
        batch_create(actor=someone, content=content, file_name=file_name, source=source)
    with pytest.raises(PermissionDenied):
        batch_accept(batch=batch, actor=someone)
