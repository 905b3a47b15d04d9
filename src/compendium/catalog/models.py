"""The catalog: who (economies, organisations), the vocabularies, and the entries with their sources
and history. Every write goes through `services.py`."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .i18n import translated

MIN_YEAR, MAX_YEAR = 1945, 2100
YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


class Term(models.Model):
    """A value of a controlled vocabulary. The slug is stable; labels may change."""

    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_es = models.CharField(_("label (Spanish)"), max_length=200)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return translated(self, "label")

    @property
    def description(self) -> str:
        return translated(self, "description")


class PolicyArea(Term):
    class Meta(Term.Meta):
        verbose_name = _("policy area")
        verbose_name_plural = _("policy areas")


class TargetGroup(Term):
    class Meta(Term.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class InstrumentType(Term):
    class Meta(Term.Meta):
        verbose_name = _("instrument type")
        verbose_name_plural = _("instrument types")


class GenderFocus(Term):
    class Meta(Term.Meta):
        verbose_name = _("gender focus")
        verbose_name_plural = _("gender focus")


class ContributorType(Term):
    class Meta(Term.Meta):
        verbose_name = _("contributor type")
        verbose_name_plural = _("contributor types")


class Region(Term):
    class Meta(Term.Meta):
        verbose_name = _("WTO region")
        verbose_name_plural = _("WTO regions")


class WorkingGroup(Term):
    """A WTO body whose membership matters here (the MSME Group, the IWG on Trade and Gender)."""

    short_en = models.CharField(_("short name (English)"), max_length=100)
    short_fr = models.CharField(_("short name (French)"), max_length=100)
    short_es = models.CharField(_("short name (Spanish)"), max_length=100)
    symbol_prefix = models.CharField(_("document symbol prefix"), max_length=40, blank=True)

    class Meta(Term.Meta):
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    @property
    def short(self) -> str:
        return translated(self, "short")


class EconomyStatus(models.TextChoices):
    MEMBER = "member", _("WTO Member")
    OBSERVER = "observer", _("WTO Observer")


class Economy(models.Model):
    """A WTO Member or Observer government."""

    code = models.CharField(
        _("code"),
        max_length=3,
        unique=True,
        help_text=_("ISO 3166-1 alpha-3; EU for the European Union; TWN for Chinese Taipei."),
    )
    name_en = models.CharField(_("WTO name (English)"), max_length=120)
    name_fr = models.CharField(_("WTO name (French)"), max_length=120)
    name_es = models.CharField(_("WTO name (Spanish)"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=EconomyStatus.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("WTO region"), on_delete=models.PROTECT, related_name="economies"
    )
    is_ldc = models.BooleanField(_("least developed country"), default=False)
    accession_date = models.DateField(_("WTO membership since"), null=True, blank=True)
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("member State of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_states",
    )
    working_groups = models.ManyToManyField(
        WorkingGroup, verbose_name=_("working groups"), blank=True, related_name="economies"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("economy")
        verbose_name_plural = _("economies")
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(part_of=models.F("pk")),
                name="economy_not_part_of_itself",
                violation_error_message=_("An economy cannot be a member State of itself."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:economy", kwargs={"code": self.code})

    @property
    def name(self) -> str:
        return translated(self, "name")


class Organization(models.Model):
    """An international or regional organisation, development bank, agency, company or other."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=250)
    name_fr = models.CharField(_("name (French)"), max_length=250, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=250, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.ForeignKey(
        ContributorType,
        verbose_name=_("kind"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    economy = models.ForeignKey(
        Economy,
        verbose_name=_("economy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        help_text=_("For a government body: the economy it belongs to."),
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    aliases = models.JSONField(_("other names"), default=list, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:organization", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        return translated(self, "name")


class Workflow(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    AWAITING_VALIDATION = "awaiting_validation", _("Awaiting validation")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Verification(models.TextChoices):
    MEMBER_VALIDATED = "member_validated", _("Validated by the Member")
    SUBMITTED_BY_MEMBER = "submitted_by_member", _("Submitted by the Member")
    PARTNER_REPORTED = "partner_reported", _("Reported by a partner (not yet confirmed)")
    SECRETARIAT_COMPILED = (
        "secretariat_compiled",
        _("Compiled by the Secretariat (not yet confirmed)"),
    )


class EntryStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    UNKNOWN = "unknown", _("Unknown")


class Entry(models.Model):
    """One policy, initiative or programme: the unit of the compendium."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    language = models.CharField(_("original language"), max_length=8, default="en")
    title = models.CharField(_("title (as provided)"), max_length=500)
    description = models.TextField(_("description (as provided)"), blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=500, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=500, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)

    economies = models.ManyToManyField(
        Economy, verbose_name=_("economies covered"), blank=True, related_name="entries"
    )
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("implementing organisations"),
        blank=True,
        related_name="entries",
    )
    implementers_as_reported = models.TextField(_("implementers (as reported)"), blank=True)
    contributor_type = models.ForeignKey(
        ContributorType,
        verbose_name=_("contributor type"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    contributor_economy = models.ForeignKey(
        Economy,
        verbose_name=_("contributing economy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributed_entries",
    )
    contributor_organization = models.ForeignKey(
        Organization,
        verbose_name=_("contributing organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributed_entries",
    )
    instrument_type = models.ForeignKey(
        InstrumentType,
        verbose_name=_("instrument type"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    policy_areas = models.ManyToManyField(
        PolicyArea, verbose_name=_("policy areas"), related_name="entries"
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), related_name="entries"
    )
    gender_focus = models.ForeignKey(
        GenderFocus,
        verbose_name=_("gender focus"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.UNKNOWN
    )
    budget_as_reported = models.CharField(_("budget (as reported)"), max_length=300, blank=True)
    budget_amount = models.DecimalField(
        _("budget amount"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_currency = models.CharField(
        _("budget currency"), max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. USD.")
    )
    women_reached_as_reported = models.CharField(
        _("women reached (as reported)"), max_length=300, blank=True
    )
    women_reached = models.PositiveIntegerField(_("number of women reached"), null=True, blank=True)

    verification = models.CharField(
        _("verification"),
        max_length=24,
        choices=Verification.choices,
        default=Verification.SECRETARIAT_COMPILED,
        db_index=True,
    )
    workflow = models.CharField(
        _("workflow status"),
        max_length=24,
        choices=Workflow.choices,
        default=Workflow.DRAFT,
        db_index=True,
    )
    is_sample = models.BooleanField(
        _("illustrative sample"),
        default=False,
        help_text=_(
            "Compiled from public sources for demonstration; not an official compendium entry."
        ),
    )
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        help_text=_("Generated for benchmarks and tests; never real information."),
    )
    # Every service write increments it; a save naming an older version is refused (no lost update).
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["title"]
        permissions = [("view_any_entry", _("Can see entries in every workflow state"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="entry_end_year_not_before_start",
                violation_error_message=_("The end year cannot be before the start year."),
            ),
            models.CheckConstraint(
                condition=Q(contributor_economy__isnull=True)
                | Q(contributor_organization__isnull=True),
                name="entry_one_contributor",
                violation_error_message=_(
                    "The contributor is either an economy or an organisation, not both."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="entry_title_not_empty",
                violation_error_message=_("The title cannot be empty."),
            ),
        ]
        indexes = [models.Index(fields=["workflow", "title"])]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("public:entry", kwargs={"slug": self.slug})

    @property
    def display_title(self) -> str:
        return translated(self, "title")

    @property
    def display_description(self) -> str:
        return translated(self, "description")

    @property
    def contributor(self) -> Economy | Organization | None:
        return self.contributor_economy or self.contributor_organization

    @property
    def is_published(self) -> bool:
        return self.workflow == Workflow.PUBLISHED


class LinkKind(models.TextChoices):
    WEBSITE = "website", _("Website")
    DOCUMENT = "document", _("Document")
    TRADE_INSTRUMENT = "trade_instrument", _("Trade instrument")
    OTHER = "other", _("Other")


class EntryLink(models.Model):
    """A link shown with an entry: its website, a document, or the trade instrument it sits in."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(
        _("kind"), max_length=20, choices=LinkKind.choices, default=LinkKind.WEBSITE
    )
    url = models.URLField(_("address"), max_length=1000, blank=True)
    label = models.CharField(_("label"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class SourceKind(models.TextChoices):
    SURVEY_RESPONSE = "survey_response", _("Survey response")
    PARTNER_DATASET = "partner_dataset", _("Partner dataset")
    SECRETARIAT_RESEARCH = "secretariat_research", _("Secretariat research")
    OFFICIAL_DOCUMENT = "official_document", _("Official document")
    PUBLIC_WEB = "public_web", _("Public web page")


class Source(models.Model):
    """Where an entry (or some of its fields) came from. Shown publicly."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("kind"), max_length=24, choices=SourceKind.choices)
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("provided by (organisation)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
    )
    economy = models.ForeignKey(
        Economy,
        verbose_name=_("provided by (economy)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
    )
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("The row, response or document symbol it came from."),
    )
    fields = models.JSONField(
        _("fields it supports"),
        default=list,
        blank=True,
        help_text=_("Empty means the whole entry."),
    )
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class EntryVersion(models.Model):
    """A full snapshot of an entry after one service write: the entry's history."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("snapshot"))
    changed_fields = models.JSONField(_("changed fields"), default=list)
    action = models.CharField(_("action"), max_length=80)
    note = models.TextField(_("why"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=200)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("entry version")
        verbose_name_plural = _("entry versions")
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="entry_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry.slug} v{self.number}"


class EntryTransition(models.Model):
    """A move of an entry from one workflow status to another."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=24, choices=Workflow.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=24, choices=Workflow.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=200)
    note = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("workflow transition")
        verbose_name_plural = _("workflow transitions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.entry.slug}: {self.from_state or '∅'} → {self.to_state}"
