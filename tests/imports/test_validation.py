"""Member validation: the secretariat asks a Member (one request per Member); its focal point
confirms, corrects or rejects each entry; confirmed entries are shown as validated by the
Member. The end of each example's journey: partner-reported → member-validated."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from compendium.catalog.models import Economy, Entry, Verification
from compendium.imports.models import ValidationAnswer, ValidationRequest
from compendium.imports.services import batch_accept
from compendium.imports.validation import (
    ValidationRefused,
    validation_answer,
    validation_request,
)
from compendium.review.services import focal_point_assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def focal_point(django_user_model):
    def make(code: str):
        user = django_user_model.objects.create_user(f"fp-{code}", f"{code}@example.org", "pw")
        focal_point_assign(user=user, actor=None, economy=Economy.objects.get(code=code))
        return user

    return make


@pytest.fixture
def guatemala_entry(imported, secretariat_user):
    report = imported("gatf")
    batch_accept(batch=report.batch, actor=secretariat_user, publish=True)
    return Entry.objects.get(economies__code="GTM", title__startswith="Ventanilla")


def test_partner_reported_then_member_validated(
    guatemala_entry, secretariat_user, focal_point, client
):
    page = reverse("public:entry", kwargs={"slug": guatemala_entry.slug})
    assert "Reported by a partner" in client.get(page).content.decode()
    asked = validation_request(economy=Economy.objects.get(code="GTM"), actor=secretariat_user)
    assert list(asked.items.values_list("entry_id", flat=True)) == [guatemala_entry.pk]

    client.force_login(focal_point("GTM"))
    listing = client.get(reverse("imports:validate")).content.decode()
    assert "Ventanilla única para comerciantes transfronterizas" in listing
    assert "Global Alliance for Trade Facilitation" in listing  # its source
    item = asked.items.get()
    client.post(
        reverse("imports:validation_answer", args=[item.pk]),
        {f"item{item.pk}-answer": "confirmed"},
    )
    guatemala_entry.refresh_from_db()
    assert guatemala_entry.verification == Verification.MEMBER_VALIDATED
    client.logout()
    assert "Validated by the Member" in client.get(page).content.decode()
    asked.refresh_from_db()
    assert asked.closed_at is not None


def test_one_request_per_member(guatemala_entry, secretariat_user, imported):
    guatemala = Economy.objects.get(code="GTM")
    first = validation_request(economy=guatemala, actor=secretariat_user)
    with pytest.raises(ValidationRefused):
        validation_request(economy=guatemala, actor=secretariat_user)  # nothing new
    assert ValidationRequest.objects.filter(economy=guatemala).count() == 1
    assert first.items.count() == 1


def test_corrections_and_rejections_need_words_and_keep_the_status(
    guatemala_entry, secretariat_user, focal_point
):
    asked = validation_request(economy=Economy.objects.get(code="GTM"), actor=secretariat_user)
    item = asked.items.get()
    user = focal_point("GTM")
    with pytest.raises(ValidationRefused):
        validation_answer(item=item, user=user, answer=ValidationAnswer.REJECTED)
    with pytest.raises(ValidationRefused):  # a correction carries the corrected values
        validation_answer(
            item=item, user=user, answer=ValidationAnswer.CORRECTED, note="It started in 2018."
        )
    validation_answer(
        item=item,
        user=user,
        answer=ValidationAnswer.CORRECTED,
        note="It started in 2018.",
        corrected={"start_year": 2018},
    )
    guatemala_entry.refresh_from_db()
    assert guatemala_entry.verification == Verification.PARTNER_REPORTED


def test_only_the_members_own_focal_point_validates(
    guatemala_entry, secretariat_user, focal_point, client
):
    asked = validation_request(economy=Economy.objects.get(code="GTM"), actor=secretariat_user)
    item = asked.items.get()
    other = focal_point("HND")
    with pytest.raises(PermissionDenied):
        validation_answer(item=item, user=other, answer=ValidationAnswer.CONFIRMED)
    client.force_login(other)
    assert "Ventanilla" not in client.get(reverse("imports:validate")).content.decode()
    response = client.post(
        reverse("imports:validation_answer", args=[item.pk]), {f"item{item.pk}-answer": "confirmed"}
    )
    assert response.status_code == 404
    guatemala_entry.refresh_from_db()
    assert guatemala_entry.verification == Verification.PARTNER_REPORTED


def test_only_the_secretariat_asks(client, focal_point, guatemala_entry):
    client.force_login(focal_point("GTM"))
    assert client.get(reverse("imports:validation_requests")).status_code == 403
    assert (
        client.post(reverse("imports:validation_requests"), {"economy": "GTM"}).status_code == 403
    )
    assert not ValidationRequest.objects.exists()


def test_the_secretariat_asks_through_its_page(curator_client, guatemala_entry):
    page = curator_client.get(reverse("imports:validation_requests")).content.decode()
    assert "Guatemala (" in page
    curator_client.post(reverse("imports:validation_requests"), {"economy": "GTM"})
    assert ValidationRequest.objects.get().items.get().entry == guatemala_entry


@pytest.fixture
def curator_client(client, secretariat_user):
    client.force_login(secretariat_user)
    return client
