"""WCAG 2.2 AA on the import pages, checked by axe-core in Chromium (as the review pages are)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.review.test_accessibility import chromium_page, violations_of

from .conftest import example

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_import_pages_have_no_serious_violations(client, secretariat_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(secretariat_user)
    content, file_name, source = example("itc")
    client.post(
        reverse("imports:batches"),
        {"file": SimpleUploadedFile(file_name, content), "source": source},
    )
    from compendium.imports.models import ImportBatch

    batch = ImportBatch.objects.get()
    refused = client.post(reverse("imports:accept", args=[batch.pk]), {})
    assert refused.status_code == 409
    pages = [
        (reverse("imports:batches"), client.get(reverse("imports:batches"))),
        (
            reverse("imports:batch", args=[batch.pk]),
            client.get(reverse("imports:batch", args=[batch.pk])),
        ),
        ("/error", refused),
        ("/form-error", client.post(reverse("imports:batches"), {"source": source})),
    ]
    pages += _validation_pages(client, batch, secretariat_user)
    rendered = [(path, page.content.decode()) for path, page in pages]
    with chromium_page() as browser_page:
        found = {path: violations_of(browser_page, html, path) for path, html in rendered}
    assert {path: v for path, v in found.items() if v} == {}, json.dumps(found, indent=2)


def _validation_pages(client, batch, secretariat_user):
    from compendium.catalog.models import Economy
    from compendium.imports.services import batch_accept, rows_decide_bulk
    from compendium.imports.validation import validation_request
    from compendium.review.services import focal_point_assign

    rows_decide_bulk(batch=batch, actor=secretariat_user, action="skip_errors")
    batch.rows.filter(decision="").update(decision="skip")
    batch_accept(batch=batch, actor=secretariat_user)
    validation_request(economy=Economy.objects.get(code="KEN"), actor=secretariat_user)
    asking = client.get(reverse("imports:validation_requests"))
    from django.contrib.auth import get_user_model

    focal_point = get_user_model().objects.create_user("fp-ken", "fp@ken.example", "pw")
    focal_point_assign(user=focal_point, actor=None, economy=Economy.objects.get(code="KEN"))
    client.force_login(focal_point)
    pages = [("/asking", asking), ("/validate", client.get(reverse("imports:validate")))]
    from compendium.imports.models import ValidationItem
    from compendium.imports.validation import validation_answer

    item = ValidationItem.objects.filter(request__economy__code="KEN").first()
    correct = reverse("imports:validation_correct", args=[item.pk])
    pages += [
        ("/correct", client.get(correct)),
        ("/correct-error", client.post(correct, {"title": "", "status": "active"})),
    ]
    validation_answer(item=item, user=focal_point, answer="rejected", note="Not ours.")
    pages.append(("/validate-sent", client.get(reverse("imports:validate"))))
    client.force_login(secretariat_user)
    pages.append(("/asking-answered", client.get(reverse("imports:validation_requests"))))
    return pages
