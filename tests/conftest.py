"""Shared fixtures. The test database gets the reference data and the illustrative sample once per
session (loaded through the real loaders); each test runs in a transaction rolled back after it."""

from __future__ import annotations

import pytest

from compendium.catalog.loaders import reference_load, sample_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        reference_load()
        sample_load()


@pytest.fixture
def secretariat_user(db, django_user_model):
    from compendium.review.services import secretariat_group_ensure

    user = django_user_model.objects.create_user("curator", "curator@wto.example", "pw-curator")
    user.is_staff = True
    user.save()
    user.groups.add(secretariat_group_ensure())
    return user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached pages and counts are keyed by the index generation, which a rolled-back test
    restores; start every test with an empty cache so no test sees another's pages."""
    from django.core.cache import cache

    cache.clear()
