"""The secretariat's admin: lists and filters load, and every save or change of state goes through
the catalog's services (a version and an audit record with the admin user as actor)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compendium.audit.models import AuditEvent
from compendium.audit.selectors import audit_events_for
from compendium.catalog.models import (
    ContributorType,
    Economy,
    Entry,
    EntryTransition,
    EntryVersion,
    GenderFocus,
    InstrumentType,
    Organization,
    PolicyArea,
    Region,
    Source,
    SourceKind,
    TargetGroup,
    Verification,
    Workflow,
    WorkingGroup,
)
from compendium.catalog.services import (
    EntryInvalid,
    SourceData,
    StaleEntry,
    economy_upsert,
    entry_create,
    entry_update,
    organization_upsert,
    source_add,
    term_upsert,
)
from tests.factories import EntryDataFactory

pytestmark = pytest.mark.django_db

VOCABULARIES = (
    PolicyArea,
    TargetGroup,
    InstrumentType,
    GenderFocus,
    ContributorType,
    Region,
    WorkingGroup,
)
CATALOG_MODELS = (
    *VOCABULARIES,
    Economy,
    Organization,
    Entry,
    Source,
    EntryVersion,
    EntryTransition,
)


# --- reference rows of our own, so these tests do not depend on the data files' contents ---------


def _term(model: type, slug: str, **extra: Any) -> Any:
    values = {
        "label_en": f"{slug} (en)",
        "label_fr": f"{slug} (fr)",
        "label_es": f"{slug} (es)",
        **extra,
    }
    return term_upsert(model=model, slug=slug, values=values, actor_label="tests")[0]


@pytest.fixture
def ref() -> dict[str, Any]:
    group = _term(WorkingGroup, "adm-group", short_en="AG", short_fr="AG", short_es="AG")
    region = _term(Region, "adm-region")
    member = _term(ContributorType, "adm-member")

    def economy(code: str, name: str) -> Economy:
        values = {
            "name_en": name,
            "name_fr": name,
            "name_es": name,
            "status": "member",
            "region": region,
            "is_ldc": False,
        }
        return economy_upsert(
            code=code, values=values, working_groups=[group], actor_label="tests"
        )[0]

    return {
        "area": _term(PolicyArea, "adm-area"),
        "area2": _term(PolicyArea, "adm-area-two"),
        "target": _term(TargetGroup, "adm-target"),
        "instrument": _term(InstrumentType, "adm-instrument"),
        "focus": _term(GenderFocus, "adm-focus"),
        "member": member,
        "region": region,
        "group": group,
        "zedland": economy("QZA", "Zedland"),
        "ypsilonia": economy("QZB", "Ypsilonia"),
        "org": organization_upsert(
            slug="adm-org",
            values={"name_en": "Admin Test Agency", "acronym": "ATA", "kind": member},
            actor_label="tests",
        )[0],
    }


@pytest.fixture
def make(ref, secretariat_user):
    def make(*, workflow: str = Workflow.DRAFT, **fields: Any) -> Entry:
        data = EntryDataFactory(
            **{
                "contributor_type": "adm-member",
                "contributor": "QZA",
                "instrument_type": "adm-instrument",
                "policy_areas": ("adm-area",),
                "target_groups": ("adm-target",),
                "gender_focus": "adm-focus",
                "economies": ("QZA",),
                **fields,
            }
        )
        return entry_create(actor=secretariat_user, data=data, workflow=workflow)

    return make


@pytest.fixture
def client(secretariat_user) -> Client:
    client = Client()
    client.force_login(secretariat_user)
    return client


def url(model: type, view: str, *args: Any) -> str:
    return reverse(f"admin:catalog_{model._meta.model_name}_{view}", args=args)


def form_data(response) -> dict[str, Any]:
    """What the browser would send back for the page as rendered: the main form and every inline
    formset, management forms included."""
    data: dict[str, Any] = {}

    def collect(form) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value

    collect(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        collect(inline.formset.management_form)
        for form in inline.formset.forms:
            collect(form)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- lists --------------------------------------------------------------------------------------


@pytest.fixture
def with_history(make, secretariat_user) -> Entry:
    entry = make(title="Zedland women exporters online")
    source_add(
        entry=entry,
        actor=secretariat_user,
        data=SourceData(
            kind=SourceKind.SURVEY_RESPONSE,
            title="Survey answer of Zedland",
            economy="QZA",
            organization="adm-org",
            reference="R1/QZA",
        ),
    )
    return entry


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize("user", ["secretariat", "superuser"])
def test_changelist_loads_with_search_and_each_filter(
    model, user, with_history, secretariat_user, admin_user
):
    client = Client()
    client.force_login(secretariat_user if user == "secretariat" else admin_user)
    changelist = url(model, "changelist")

    response = client.get(changelist)
    assert response.status_code == 200
    assert client.get(changelist, {"q": "zed"}).status_code == 200

    specs = response.context["cl"].filter_specs
    assert specs or model in VOCABULARIES
    for spec in specs:
        choices = list(spec.choices(response.context["cl"]))
        # The first real choice and the last one (often "none"), on top of a search.
        for choice in {choices[1]["query_string"], choices[-1]["query_string"]}:
            filtered = client.get(changelist + choice + "&q=a")
            assert filtered.status_code == 200, (spec.title, choice)


def test_entry_list_shows_economies_and_filters_by_one(client, with_history, make):
    make(title="Ypsilonia digital skills", economies=("QZB",))
    economy = Economy.objects.get(code="QZA")

    response = client.get(url(Entry, "changelist"), {"economies__id__exact": economy.pk})

    assert [e.title for e in response.context["cl"].result_list] == [with_history.title]
    page = response.content.decode()
    assert "Zedland (QZA)" in page  # the economies filter's drop-down
    assert ">QZA<" in page  # the economies column


def test_entry_list_queries_do_not_grow_with_rows(client, make):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(Entry, "changelist")).status_code == 200
        return len(captured)

    before = queries()
    for n in range(5):
        make(title=f"Another programme {n}", economies=("QZA", "QZB"))
    assert queries() == before


# --- entries: add and change through the services -------------------------------------------------


def test_add_entry_goes_through_the_service(client, ref, secretariat_user):
    data = form_data(client.get(url(Entry, "add")))
    data.update(
        {
            "title": "Women online traders' academy",
            "language": "en",
            "status": "active",
            "contributor_type": ref["member"].pk,
            "contributor": "adm-org",
            "instrument_type": ref["instrument"].pk,
            "gender_focus": ref["focus"].pk,
            "policy_areas": [ref["area"].pk, ref["area2"].pk],
            "target_groups": [ref["target"].pk],
            "economies": [ref["zedland"].pk, ref["ypsilonia"].pk],
            "start_year": 2022,
            "links-0-kind": "website",
            "links-0-label": "Academy",
            "links-0-url": "https://a.example",
            "note": "From the 2024 survey",
        }
    )

    response = client.post(url(Entry, "add"), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    entry = Entry.objects.get(title="Women online traders' academy")
    assert entry.slug == "women-online-traders-academy"
    assert entry.contributor_organization == ref["org"]
    assert sorted(entry.economies.values_list("code", flat=True)) == ["QZA", "QZB"]
    assert [(link.label, link.url) for link in entry.links.all()] == [
        ("Academy", "https://a.example")
    ]
    version = entry.versions.get()
    assert (version.number, version.actor, version.action) == (1, secretariat_user, "entry.create")
    event = audit_events_for(target=entry).get()
    assert (event.actor, event.action, event.note) == (
        secretariat_user,
        "entry.create",
        "From the 2024 survey",
    )
    assert response["Location"] == url(Entry, "changelist")


def test_change_entry_records_a_version_by_the_admin_user(client, make, secretariat_user):
    entry = make(title="Old title")
    data = form_data(client.get(url(Entry, "change", entry.pk)))
    data.update(
        {
            "title": "New title",
            "links-0-kind": "document",
            "links-0-label": "Act",
            "links-0-url": "https://act.example",
        }
    )

    response = client.post(url(Entry, "change", entry.pk), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    entry.refresh_from_db()
    assert (entry.title, entry.version) == ("New title", 2)
    latest = entry.versions.first()
    assert latest.changed_fields == ["links", "title"]
    assert latest.actor == secretariat_user
    assert entry.links.get().kind == "document"


def test_unchanged_save_records_nothing(client, make):
    entry = make()
    events = AuditEvent.objects.count()

    response = client.post(
        url(Entry, "change", entry.pk),
        form_data(client.get(url(Entry, "change", entry.pk))),
        follow=True,
    )

    assert "Nothing changed" in " ".join(messages_of(response))
    assert AuditEvent.objects.count() == events
    assert Entry.objects.get(pk=entry.pk).version == 1


def test_stale_save_shows_the_conflict_and_changes_nothing(client, make, secretariat_user):
    entry = make(title="Loaded title")
    data = form_data(client.get(url(Entry, "change", entry.pk)))
    entry_update(entry=entry, actor=secretariat_user, changes={"title": "Their title"})
    data["title"] = "My title"

    response = client.post(url(Entry, "change", entry.pk), data)

    assert response.status_code == 200
    assert "changed by someone else" in str(response.context["adminform"].form.non_field_errors())
    entry.refresh_from_db()
    assert (entry.title, entry.version) == ("Their title", 2)


@pytest.mark.parametrize(
    ("raised", "field", "text"),
    [
        (lambda e: StaleEntry(e, 1), None, "changed by someone else"),
        (
            lambda e: EntryInvalid({"contributor_economy": ["Pick one."]}),
            "contributor",
            "Pick one.",
        ),
        (
            lambda e: EntryInvalid({"links": ["Link 1: unknown kind ftp."]}),
            None,
            "Links: Link 1: unknown kind ftp.",
        ),
    ],
)
def test_a_refusal_at_save_time_is_shown_on_the_form(
    client, make, monkeypatch, raised, field, text
):
    """What the form could not foresee (a save racing ours, a rule only the service knows) comes
    back as form errors, with nothing written."""
    entry = make(title="Before")
    data = form_data(client.get(url(Entry, "change", entry.pk)))
    data["title"] = "After"

    def refuse(*, entry, **kwargs):
        raise raised(entry)

    monkeypatch.setattr("compendium.catalog.admin.entries.entry_update", refuse)
    response = client.post(url(Entry, "change", entry.pk), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    errors = form.errors[field] if field else form.non_field_errors()
    assert text in " ".join(errors)
    assert Entry.objects.get(pk=entry.pk).title == "Before"


def test_invalid_form_input_is_shown_not_saved(client, make):
    entry = make(title="Kept")
    data = form_data(client.get(url(Entry, "change", entry.pk)))
    data.update({"title": "Changed", "start_year": 2020, "end_year": 2010, "policy_areas": []})

    response = client.post(url(Entry, "change", entry.pk), data)

    assert response.status_code == 200
    assert "policy_areas" in response.context["adminform"].form.errors
    assert Entry.objects.get(pk=entry.pk).title == "Kept"


def test_workflow_fields_are_read_only_on_the_form(client, make):
    entry = make()
    form = client.get(url(Entry, "change", entry.pk)).context["adminform"].form
    for name in ("workflow", "verification", "version", "published_at", "is_sample", "slug"):
        assert name not in form.fields


# --- workflow and verification ------------------------------------------------------------------


def run_action(client: Client, action: str, *entries: Entry):
    return client.post(
        url(Entry, "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [e.pk for e in entries]},
        follow=True,
    )


def test_actions_move_an_entry_to_published(client, make, secretariat_user):
    entry = make()
    for action in ("submit", "start_review", "approve", "publish"):
        response = run_action(client, action, entry)
        assert any("Done for 1" in m for m in messages_of(response)), action

    entry.refresh_from_db()
    assert entry.workflow == Workflow.PUBLISHED
    assert entry.published_at is not None
    last = EntryTransition.objects.filter(entry=entry).last()
    assert (last.from_state, last.to_state, last.actor) == (
        Workflow.APPROVED,
        Workflow.PUBLISHED,
        secretariat_user,
    )


def test_a_refused_move_is_reported_and_changes_nothing(client, make):
    draft, approved = (
        make(title="Draft one"),
        make(title="Approved one", workflow=Workflow.APPROVED),
    )

    response = run_action(client, "publish", draft, approved)

    texts = messages_of(response)
    assert any("Draft one" in m and "cannot go from Draft to Published" in m for m in texts)
    assert any("Done for 1: Approved one" in m for m in texts)
    draft.refresh_from_db()
    assert (draft.workflow, draft.version) == (Workflow.DRAFT, 1)
    assert draft.transitions.count() == 1
    assert Entry.objects.get(pk=approved.pk).workflow == Workflow.PUBLISHED


def test_verification_action_records_a_version(client, make, secretariat_user):
    entry = make()
    run_action(client, "verification_member_validated", entry)

    entry.refresh_from_db()
    assert entry.verification == Verification.MEMBER_VALIDATED
    assert entry.versions.first().action == "entry.verification"
    assert audit_events_for(target=entry).first().actor == secretariat_user


def test_every_move_and_status_is_an_action(client):
    request = client.get(url(Entry, "changelist")).wsgi_request
    actions = admin.site.get_model_admin(Entry).get_action_choices(request)
    names = {name for name, _label in actions}
    assert {"submit", "start_review", "request_changes", "approve", "publish", "withdraw"} <= names
    assert {f"verification_{value}" for value in Verification.values} <= names
    assert "delete_selected" not in names


def test_workflow_buttons_move_with_a_note(client, make):
    entry = make()
    page = client.get(url(Entry, "change", entry.pk)).content.decode()
    assert 'value="submitted"' in page
    assert 'value="published"' not in page

    response = client.post(
        url(Entry, "workflow", entry.pk),
        {"to": "submitted", "note": "Ready", "version": 1},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == url(Entry, "change", entry.pk)
    assert entry.transitions.last().note == "Ready"
    stale = client.post(
        url(Entry, "workflow", entry.pk), {"to": "in_review", "version": 1}, follow=True
    )
    assert any("changed by someone else" in m for m in messages_of(stale))
    assert Entry.objects.get(pk=entry.pk).workflow == Workflow.SUBMITTED


# --- history and sources -------------------------------------------------------------------------


def test_history_shows_audit_events_and_versions(client, with_history, secretariat_user):
    entry_update(
        entry=with_history,
        actor=secretariat_user,
        changes={"title": "Renamed"},
        note="Clearer title",
    )

    response = client.get(url(Entry, "history", with_history.pk))

    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "entry.create",
        "entry.source_add",
        "entry.update",
        "Clearer title",
        secretariat_user.get_username(),
    ):
        assert text in page
    version = with_history.versions.first()
    assert url(EntryVersion, "change", version.pk) in page


def test_a_version_is_viewable_read_only(client, with_history):
    version = with_history.versions.first()
    response = client.get(url(EntryVersion, "change", version.pk))
    assert response.status_code == 200
    assert "&quot;title&quot;: &quot;Zedland women exporters online&quot;" in (
        response.content.decode()
    )
    assert client.post(url(EntryVersion, "change", version.pk), {}).status_code == 403


def test_the_entry_page_shows_sources_versions_and_transitions(client, with_history):
    page = client.get(url(Entry, "change", with_history.pk)).content.decode()
    assert "Survey answer of Zedland" in page
    assert "Admin Test Agency" in page
    assert "entry.source_add" in page
    assert url(Source, "add") + f"?entry={with_history.pk}" in page


def test_adding_a_source_records_a_version(client, make, ref, secretariat_user):
    entry = make()
    add = url(Source, "add")
    assert client.get(add, {"entry": entry.pk}).status_code == 200

    response = client.post(
        add,
        {
            "entry": entry.pk,
            "kind": SourceKind.PARTNER_DATASET,
            "title": "Partner table, row 12",
            "url": "https://partner.example/data",
            "organization": ref["org"].pk,
            "reference": "row 12",
            "fields": ["title", "economies"],
        },
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    assert response["Location"] == url(Entry, "change", entry.pk)
    source = entry.sources.get()
    assert (source.organization, source.fields) == (ref["org"], ["title", "economies"])
    entry.refresh_from_db()
    assert entry.version == 2
    version = entry.versions.first()
    assert (version.action, version.actor) == ("entry.source_add", secretariat_user)
    assert version.data["sources"][0]["title"] == "Partner table, row 12"


def test_sources_are_not_changed_after_the_fact(client, with_history):
    source = with_history.sources.get()
    response = client.post(url(Source, "change", source.pk), {"title": "Rewritten"})
    assert response.status_code == 403
    assert Source.objects.get(pk=source.pk).title == "Survey answer of Zedland"


# --- reference data -----------------------------------------------------------------------------


def test_editing_an_economy_goes_through_its_service(client, ref, secretariat_user):
    economy = ref["zedland"]
    data = form_data(client.get(url(Economy, "change", economy.pk)))
    data.update({"name_en": "Zedland, Republic of", "code": "ZZZ", "working_groups": []})

    response = client.post(url(Economy, "change", economy.pk), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    economy.refresh_from_db()
    assert (economy.code, economy.name_en) == ("QZA", "Zedland, Republic of")
    assert not economy.working_groups.exists()
    event = audit_events_for(target=economy).first()
    assert (event.action, event.actor) == ("economy.update", secretariat_user)
    assert set(event.changes) == {"name_en", "working_groups"}


def test_adding_a_term_and_an_organisation_is_audited(client, ref, secretariat_user):
    response = client.post(
        url(PolicyArea, "add"),
        {
            "slug": "adm-new-area",
            "label_en": "New",
            "label_fr": "Nouveau",
            "label_es": "Nuevo",
            "position": 99,
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    area = PolicyArea.objects.get(slug="adm-new-area")
    assert audit_events_for(target=area).get().actor == secretariat_user

    response = client.post(
        url(Organization, "add"),
        {
            "slug": "adm-bank",
            "name_en": "Admin Development Bank",
            "kind": ref["member"].pk,
            "aliases": "[]",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    bank = Organization.objects.get(slug="adm-bank")
    assert audit_events_for(target=bank).get().action == "organization.create"


def test_an_economy_cannot_be_part_of_itself(client, ref):
    economy = ref["zedland"]
    data = form_data(client.get(url(Economy, "change", economy.pk)))
    data["part_of"] = economy.pk

    response = client.post(url(Economy, "change", economy.pk), data)

    assert response.status_code == 200
    assert "member State of itself" in str(response.context["adminform"].form.errors["part_of"])
    assert Economy.objects.get(pk=economy.pk).part_of is None


def test_a_refused_reference_edit_is_shown_on_the_field(client, ref, monkeypatch):
    organization = ref["org"]
    data = form_data(client.get(url(Organization, "change", organization.pk)))
    data["name_en"] = "Renamed agency"

    def refuse(**kwargs):
        raise ValidationError({"name_en": ["Already the name of another organisation."]})

    monkeypatch.setattr("compendium.catalog.admin.reference.organization_upsert", refuse)
    response = client.post(url(Organization, "change", organization.pk), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["name_en"]
    assert errors == ["Already the name of another organisation."]
    assert Organization.objects.get(pk=organization.pk).name_en == "Admin Test Agency"


def test_economy_and_organisation_autocomplete_still_work(client, ref):
    for model, term, expected in ((Economy, "zed", "Zedland"), (Organization, "ATA", "Agency")):
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "review",
                "model_name": "focalpoint",
                "field_name": model._meta.model_name,
                "term": term,
            },
        )
        assert response.status_code == 200
        assert expected in response.json()["results"][0]["text"]


# --- nothing is deleted ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda m: m._meta.model_name)
def test_nothing_can_be_deleted(client, model, with_history, secretariat_user):
    # The secretariat's group holds every catalog permission, delete included: the admin refuses
    # anyway, because entries are withdrawn and reference rows kept for the history.
    assert secretariat_user.has_perm(f"catalog.delete_{model._meta.model_name}")
    model_admin = admin.site.get_model_admin(model)
    request = client.get(url(Entry, "changelist")).wsgi_request
    assert not model_admin.has_delete_permission(request)
    obj = model.objects.first()
    assert client.get(url(model, "delete", obj.pk)).status_code == 403
    assert "delete_selected" not in model_admin.get_actions(request)
