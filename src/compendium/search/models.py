"""The search index: one document per entry, and the entry's facet values, kept in step by the
catalog's write services. Both are derived data: `compendium rebuild_index` recreates them."""

from django.db import models


class EntryDocument(models.Model):
    """The text the full-text engine indexes, one column per kind of field (so a match can say
    where it matched), plus what sorting and filtering need without touching the catalog."""

    entry = models.OneToOneField(
        "catalog.Entry", primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    title = models.TextField()
    description = models.TextField()
    organisations = models.TextField()
    places = models.TextField()
    areas = models.TextField()
    target_groups = models.TextField()
    other = models.TextField()
    is_public = models.BooleanField(db_index=True)
    start_year = models.PositiveSmallIntegerField(null=True)
    sort_title = models.CharField(max_length=200)
    sort_economy_en = models.CharField(max_length=120)
    sort_economy_fr = models.CharField(max_length=120)
    sort_economy_es = models.CharField(max_length=120)
    published_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["is_public", "sort_title"]),
            models.Index(fields=["is_public", "published_at"]),
            models.Index(fields=["is_public", "start_year"]),
            # Covering indexes for the visibility check: on SQLite `entry_id` is not the rowid,
            # so without them each matching id costs a second lookup into the table itself.
            models.Index(fields=["entry", "is_public"], name="entry_document_visible"),
            models.Index(fields=["is_public", "entry"], name="entry_document_public"),
        ]

    def __str__(self) -> str:
        return self.title[:80]


class EntryFacet(models.Model):
    """One facet value of one entry, as `facet:value` (e.g. `area:ecommerce`, `economy:KEN`)."""

    entry = models.ForeignKey(
        "catalog.Entry", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=80)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "key"], name="entry_facet_unique")]
        indexes = [models.Index(fields=["key", "entry"], name="entry_facet_by_key")]

    def __str__(self) -> str:
        return self.key


class IndexState(models.Model):
    """A token changed by every index write, so cached facet counts know when they are stale."""

    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"generation {self.generation}"
