"""One world for the permission matrix, built once per module through the products' own services:
people of every role, Chile's draft survey response (the focal point's own) and Kenya's submitted
one (another economy's), entries in every workflow state, a circulated edition with comments,
an adopted edition with its data release and document, an import batch and validation requests
for both economies. The matrix names objects of this world by key ("own", "other", "draft"...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from compendium.catalog.models import Economy, Entry, Organization, Verification, Workflow
from compendium.catalog.services import entry_create
from compendium.imports.validation import validation_request
from compendium.publishing import services as editions
from compendium.publishing.models import DataRelease, Edition, EditionFile, EditionKind
from compendium.review.comments import comment_add
from compendium.review.services import focal_point_assign, secretariat_group_ensure
from compendium.surveys.models import Invitation, Proposal, ProposalKind, Response
from compendium.surveys.services import (
    Who,
    invitation_create,
    proposal_add,
    questionnaire_load,
    round_open,
)
from tests.factories import EntryDataFactory
from tests.publishing.editions import SOURCE, entry
from tests.review.conftest import GENERAL, NEW_POLICY, _answer_kenya, _invite

# Titles that must never show outside the secretariat's and the owner's pages.
UNPUBLISHED_TITLES = {
    Workflow.DRAFT: "Unpublished draft about Chile zqxdraft",
    Workflow.SUBMITTED: "Unpublished submitted entry about Chile zqxsubmitted",
    Workflow.WITHDRAWN: "Unpublished withdrawn entry about Chile zqxwithdrawn",
    Workflow.IN_REVIEW: "Unpublished entry in review about Chile zqxinreview",
}
SECRET_DRAFT_TITLE = "Unsent survey draft of Chile zqxsurveydraft"


@dataclass
class Scene:
    users: dict[str, Any]
    colleague_token: str
    round_slug: str
    own_response: Response
    other_response: Response
    own_policy: Proposal
    other_policy: Proposal
    review_proposal: Proposal
    own_colleague: Invitation
    other_colleague: Invitation
    entries: dict[str, Entry]
    circulated: Edition
    preparing: Edition
    adopted: Edition
    release: DataRelease
    adopted_file: EditionFile
    preparing_file: EditionFile
    comment_pk: int
    own_circulated_entry: int
    other_circulated_entry: int
    batch_pk: int
    batch_row: int
    own_validation_item: int
    other_validation_item: int
    extra: dict[str, Any] = field(default_factory=dict)


def _people() -> dict[str, Any]:
    users = get_user_model().objects
    curator = users.create_user("m-curator", "m-curator@wto.example", "pw")
    curator.is_staff = True
    curator.save()
    curator.groups.add(secretariat_group_ensure())
    chile = users.create_user("m-fp-chile", "m-fp-chile@example.org", "pw")
    kenya = users.create_user("m-fp-kenya", "m-fp-kenya@example.org", "pw")
    for user, code in ((chile, "CHL"), (kenya, "KEN")):
        economy = Economy.objects.get(code=code)
        focal_point_assign(user=user, actor=None, actor_label="tests", economy=economy)
    nobody = users.create_user("m-someone", "m-someone@example.org", "pw")
    return {"secretariat": curator, "focal_point": chile, "kenya": kenya, "no_role": nobody}


def _file(edition: Edition, name: str) -> EditionFile:
    made = EditionFile(
        edition=edition,
        format="docx",
        language="en",
        sha256="0" * 64,
        size=5,
        built_at=timezone.now(),
    )
    made.file.save(f"matrix/{name}.docx", ContentFile(b"PK..."), save=False)
    made.save()
    return made


def _survey(users: dict[str, Any]) -> dict[str, Any]:
    questionnaire, _ = questionnaire_load()
    survey_round = round_open(
        actor=None,
        actor_label="tests",
        title="Matrix round",
        slug="matrix",
        deadline=date(2030, 12, 31),
        questionnaire=questionnaire,
    )
    chile = _invite(survey_round, "CHL", "Ana Pérez")
    kenya = _invite(survey_round, "KEN", "Wanjiru Kamau")
    _answer_kenya(kenya)
    who = Who.of_invitation(chile)
    own_policy = proposal_add(
        response=chile.response, who=who, data={**NEW_POLICY, "title": SECRET_DRAFT_TITLE}
    )
    colleagues = {}
    for name, invitation in (("own", chile), ("other", kenya)):
        colleagues[name] = invitation_create(
            actor=None,
            survey_round=survey_round,
            name=f"Line ministry ({name})",
            email=f"colleague-{name}@example.org",
            economy=invitation.response.economy,
            role="colleague",
            invited_by=invitation,
        )
    other_response = Response.objects.get(pk=kenya.response_id)
    return {
        "round_slug": survey_round.slug,
        "own_response": Response.objects.get(pk=chile.response_id),
        "other_response": other_response,
        "own_policy": own_policy,
        "other_policy": other_response.proposals.get(kind=ProposalKind.NEW),
        "own_colleague": colleagues["own"][0],
        "other_colleague": colleagues["other"][0],
        "colleague_token": colleagues["own"][1],
    }


def _reported(title: str, workflow: str, code: str) -> Entry:
    """An entry a partner reported, not yet confirmed by the Member."""
    return entry_create(
        actor=None,
        actor_label="tests",
        data=EntryDataFactory(title=title, economies=(code,)),
        workflow=workflow,
        verification=Verification.PARTNER_REPORTED,
        sources=(SOURCE,),
    )


def _entries() -> dict[str, Entry]:
    made = {"published": Entry.objects.filter(workflow=Workflow.PUBLISHED).first()}
    for workflow, title in UNPUBLISHED_TITLES.items():
        made[workflow] = _reported(title, workflow, "CHL")
    made["kenya_unconfirmed"] = _reported("Kenya partner report", Workflow.APPROVED, "KEN")
    made["chile_unconfirmed"] = _reported("Chile partner report", Workflow.APPROVED, "CHL")
    return made


def _editions(users: dict[str, Any], entries: dict[str, Entry]) -> dict[str, Any]:
    kenya = entry("Kenya women traders online", economies=("KEN",))
    chile = entry("Chile mujeres exportadoras digitales", economies=("CHL",))
    circulated = editions.edition_freeze(
        edition=editions.edition_create(
            actor=None,
            actor_label="tests",
            symbols="INF/TGE/W/70 – INF/MSME/W/71",
            title="Circulated",
            kind=EditionKind.DRAFT,
            on=date(2026, 5, 4),
        ),
        actor=None,
        actor_label="tests",
        entries=[kenya, chile],
    )
    circulated = editions.edition_circulate(edition=circulated, actor=None, actor_label="tests")
    comment = comment_add(
        edition=circulated, author=users["focal_point"], text="Chile's comment on the draft."
    )
    adopted = editions.edition_freeze(
        edition=editions.edition_create(
            actor=None,
            actor_label="tests",
            symbols="INF/TGE/W/72 – INF/MSME/W/73",
            title="Adopted",
            kind=EditionKind.FINAL,
            on=date(2026, 5, 4),
        ),
        actor=None,
        actor_label="tests",
        entries=[kenya, chile],
    )
    editions.edition_circulate(edition=adopted, actor=None, actor_label="tests")
    adopted = editions.edition_adopt(edition=adopted, actor=None, actor_label="tests")
    preparing = editions.edition_create(
        actor=None,
        actor_label="tests",
        symbols="INF/TGE/W/74 – INF/MSME/W/75",
        title="In preparation",
        kind=EditionKind.DRAFT,
        on=date(2026, 5, 4),
    )
    return {
        "circulated": circulated,
        "adopted": adopted,
        "preparing": preparing,
        "release": DataRelease.objects.get(edition=adopted),
        "adopted_file": _file(adopted, "adopted"),
        "preparing_file": _file(preparing, "preparing"),
        "comment_pk": comment.pk,
        "own_circulated_entry": circulated.entries.get(entry=chile).pk,
        "other_circulated_entry": circulated.entries.get(entry=kenya).pk,
    }


def _imports(users: dict[str, Any]) -> dict[str, Any]:
    from compendium.imports.models import ImportBatch
    from compendium.imports.services import batch_create
    from tests.imports.conftest import example

    content, file_name, source = example("gatf")
    batch_create(actor=users["secretariat"], content=content, file_name=file_name, source=source)
    batch = ImportBatch.objects.order_by("-pk").first()
    items = {}
    for name, code in (("own", "CHL"), ("other", "KEN")):
        request = validation_request(
            economy=Economy.objects.get(code=code), actor=users["secretariat"]
        )
        items[name] = request.items.order_by("pk").first().pk
    return {
        "batch_pk": batch.pk,
        "batch_row": batch.rows.order_by("number").first().number,
        "own_validation_item": items["own"],
        "other_validation_item": items["other"],
    }


def scene_build() -> Scene:
    users = _people()
    survey = _survey(users)
    entries = _entries()
    made = _editions(users, entries)
    imported = _imports(users)
    return Scene(
        users=users,
        review_proposal=survey["other_policy"],
        entries=entries,
        **survey,
        **made,
        **imported,
        extra={"organization": Organization.objects.get(slug="itc"), "general": GENERAL},
    )
