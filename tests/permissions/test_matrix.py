"""Tests generated from the permission matrix (tests/permissions/matrix.py): every row × every
role gets exactly the answer the table says, and a refused write changes nothing. Plus the
guard: every URL name of the URLconf is in the table."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from .conftest import resolve
from .matrix import (
    ADMIN_EXPECT,
    ADMIN_NAMESPACE,
    ADMIN_REFUSED_TO_CURATORS,
    DONE,
    OK,
    REFUSED,
    ROLES,
    ROWS,
    SIGN_IN,
    UNNAMED_ROUTES,
    Row,
)

SIGN_IN_PAGES = ("/accounts/login/", "/admin/login/")
# Whole rows of what any action could write (the sample's many entries: their versions only).
WATCHED = (
    "surveys.Round",
    "surveys.Response",
    "surveys.Invitation",
    "surveys.Proposal",
    "surveys.ResponseChange",
    "review.FocalPoint",
    "review.EditionComment",
    "imports.ImportBatch",
    "imports.ValidationRequest",
    "imports.ValidationItem",
    "publishing.Edition",
    "publishing.EditionEntry",
    "publishing.EditionFile",
    "publishing.EditionBuild",
    "publishing.DataRelease",
    "catalog.Source",
    "catalog.EntryTransition",
    "catalog.EntryVersion",
)


def written_state() -> dict[str, list]:
    state = {
        label: list(apps.get_model(label).objects.order_by("pk").values_list()) for label in WATCHED
    }
    # The audit log only grows: its last record says whether anything was added.
    state["audit"] = [
        apps.get_model("audit.AuditEvent").objects.order_by("-pk").values_list("pk").first()
    ]
    state["entries"] = list(
        apps.get_model("catalog.Entry")
        .objects.order_by("pk")
        .values_list("pk", "version", "workflow", "verification", "title")
    )
    state["import rows"] = list(
        apps.get_model("imports.ImportRow").objects.order_by("pk").values_list("pk", "decision")
    )
    return state


def outcome_of(answer) -> str:
    if answer.status_code in (301, 302, 303):
        return SIGN_IN if answer.url.startswith(SIGN_IN_PAGES) else DONE
    return str(answer.status_code)


def address(row: Row, scene) -> str:
    kwargs = {key: resolve(scene, value) for key, value in row.kwargs.items()}
    with translation.override("en"):
        return reverse(row.url_name, kwargs=kwargs or None)


def form(row: Row, scene) -> dict:
    names = vars(scene)
    return {
        (key.format(**names) if "{" in key else key): resolve(scene, value)
        for key, value in row.data.items()
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_every_role_gets_what_the_matrix_says(scene, as_role, row, role):
    client = as_role(role)
    before = written_state()
    if row.method == "get":
        answer = client.get(address(row, scene), form(row, scene))
    else:
        answer = client.post(address(row, scene), form(row, scene))

    assert outcome_of(answer) == row.expect[role], (
        f"{role} {row.method.upper()} {address(row, scene)}: {answer.status_code} "
        f"{getattr(answer, 'url', '')}"
    )
    if row.method == "post" and row.expect[role] not in (OK, DONE):
        after = written_state()
        changed = {
            key: [row for row in after[key] if row not in before[key]][:3]
            for key in after
            if after[key] != before[key]
        }
        assert not changed, f"refused {row.id} for {role} still wrote: {changed}"


# --- the admin: one family, every registered model -------------------------------------------


ADMIN_PAGES = [
    "index",
    *sorted(
        f"{model._meta.app_label}_{model._meta.model_name}_{page}"
        for model in admin.site._registry
        for page in ("changelist", "add")
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_the_admin_is_for_staff_only(scene, as_role, page, role):
    answer = as_role(role).get(reverse(f"{ADMIN_NAMESPACE}:{page}"))
    expected = ADMIN_EXPECT[role]
    if expected == OK and page in ADMIN_REFUSED_TO_CURATORS:
        expected = REFUSED
    assert outcome_of(answer) == expected, f"{role} {page}: {answer.status_code}"


# --- the guard: nothing in the URLconf escapes the table --------------------------------------


def url_names(patterns=None, namespace: str = "") -> Iterator[tuple[str, str]]:
    """(full name or "", route) of every pattern of the URLconf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, route in url_names(pattern.url_patterns, inner):
                yield name, f"{pattern.pattern}{route}"
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else ""), str(pattern.pattern)


def test_every_url_name_is_in_the_matrix():
    covered = {row.url_name for row in ROWS}
    missing = sorted(
        name
        for name, route in url_names()
        if not name.startswith(f"{ADMIN_NAMESPACE}:")
        and not route.startswith(f"{ADMIN_NAMESPACE}/")
        and name not in covered
        and not (name == "" and route in UNNAMED_ROUTES)
    )
    assert not missing, f"add these URL names to tests/permissions/matrix.py: {missing}"


def test_the_matrix_names_no_url_that_is_gone():
    known = {name for name, _route in url_names()}
    assert not {row.url_name for row in ROWS} - known


def test_every_row_says_what_each_role_gets():
    for row in ROWS:
        assert set(row.expect) == set(ROLES), row.id
    assert len({(row.id) for row in ROWS}) == len(ROWS), "two rows with one id"
