"""The survey: versioned questionnaires, rounds, invitations by link, responses and the proposals
they carry. Nothing here is public; accepted proposals reach the catalog through `review`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compendium.catalog.i18n import translated
from compendium.catalog.models import Economy, Entry, Organization

LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]


class Questionnaire(models.Model):
    """A version of the questionnaire, loaded from a data file and never edited afterwards."""

    slug = models.SlugField(_("slug"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_es = models.CharField(_("title (Spanish)"), max_length=300)
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="questionnaire_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def title(self) -> str:
        return translated(self, "title")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """One circulation of the survey (e.g. "2026 survey"), with its questionnaire and deadline."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class InvitationState(models.TextChoices):
    NOT_OPENED = "not_opened", _("Not opened")
    OPENED = "opened", _("Opened")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class InvitationRole(models.TextChoices):
    FOCAL_POINT = "focal_point", _("Focal point")
    COLLEAGUE = "colleague", _("Colleague")


class Response(models.Model):
    """What one respondent (an economy or an organisation) answers in one round."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened by the Secretariat")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    economy = models.ForeignKey(
        Economy, null=True, blank=True, on_delete=models.PROTECT, related_name="survey_responses"
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    answers = models.JSONField(_("answers to the general questions"), default=dict, blank=True)
    # Incremented by every save; a save from an outdated page is refused (no lost update).
    version = models.PositiveIntegerField(default=1)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(
                condition=(Q(economy__isnull=False) & Q(organization__isnull=True))
                | (Q(economy__isnull=True) & Q(organization__isnull=False)),
                name="response_for_one_respondent",
            ),
            models.UniqueConstraint(
                fields=["round", "economy"],
                condition=Q(economy__isnull=False),
                name="response_unique_economy",
            ),
            models.UniqueConstraint(
                fields=["round", "organization"],
                condition=Q(organization__isnull=False),
                name="response_unique_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.respondent}"

    @property
    def respondent(self) -> Economy | Organization:
        return self.economy or self.organization

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Invitation(models.Model):
    """A personal link to answer for an economy or organisation. Only the token's hash is kept."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(
        _("role"), max_length=12, choices=InvitationRole.choices, default=InvitationRole.FOCAL_POINT
    )
    invited_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="colleagues"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="en")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("link expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=InvitationState.choices,
        default=InvitationState.NOT_OPENED,
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_invitations",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["round", "response", "created_at"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> — {self.response.respondent}"


class ProposalKind(models.TextChoices):
    REVIEW = "review", _("Not reviewed yet")  # a recorded entry shown to the respondent
    NEW = "new", _("New entry")
    UPDATE = "update", _("Correction")
    CONFIRM = "confirm", _("Confirmed unchanged")
    WITHDRAW = "withdraw", _("Withdrawal")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")


class Proposal(models.Model):
    """One thing a response says about one policy: a new entry, a correction, a confirmation or
    a withdrawal of a recorded entry. Drafts until the response is submitted."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="proposals")
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ProposalKind.choices)
    data = models.JSONField(_("proposed values"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    review_status = models.CharField(
        _("review"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    review_note = models.TextField(_("curator's note"), blank=True)
    reply = models.TextField(_("respondent's reply"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=200, blank=True)
    # The `version` the respondent last submitted: a proposal changed since (in a reopened
    # response) waits for the next submission before a curator decides on it.
    submitted_version = models.PositiveIntegerField(null=True, blank=True)
    # What the curator's decision wrote: the values (the respondent's, or the curator's edits of
    # them; `data` keeps the respondent's own) and the entry created or changed.
    accepted_data = models.JSONField(_("accepted values"), null=True, blank=True)
    accepted_entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["response", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="new", entry__isnull=True)
                | (~Q(kind="new") & Q(entry__isnull=False)),
                name="proposal_entry_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.data.get('title') or self.entry}"

    @property
    def is_decided(self) -> bool:
        """Accepted or rejected by a curator: a new submission leaves it as it is, so the
        workspace shows it read-only."""
        return self.review_status in (ReviewStatus.ACCEPTED, ReviewStatus.REJECTED)


class ResponseChange(models.Model):
    """Who changed what in a response: every co-editor's changes show their name."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="changes")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    who = models.CharField(max_length=200)
    action = models.CharField(max_length=40)
    fields = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.who} {self.action}"
