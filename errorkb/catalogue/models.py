"""The catalogue: every documented error of every provider.

Facts come from the providers' documents (shared/seeds); anything a document
leaves open or contradicts is written into `notes`, never into a fact field.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS

from .querysets import CategoryQuerySet, ErrorEntryQuerySet, ProviderQuerySet


def _digest(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


class CuratedModel(models.Model):
    """A model whose rows come from fixtures and may then be edited in the admin.

    `fixture_digest` is the digest of the row as the fixtures last set it; a row
    whose current content no longer matches it has been curated since, and a
    fixture sync must not overwrite it silently.
    """

    fixture_digest = models.CharField(max_length=64, blank=True, editable=False)
    # Not auto_now: loaddata's raw saves skip auto_now and would store NULL.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    # Fields that are bookkeeping, not content.
    BOOKKEEPING = ("fixture_digest", "updated_at")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def content(self) -> dict:
        """The row's content as its fixture would hold it (natural keys, no bookkeeping)."""
        from django.core import serializers

        data = serializers.serialize(
            "python", [self], use_natural_foreign_keys=True, use_natural_primary_keys=True
        )[0]["fields"]
        return content_of(data)

    def content_digest(self) -> str:
        return _digest(self.content())

    @property
    def is_curated(self) -> bool:
        """True when the row was edited after the fixtures last set it."""
        return bool(self.fixture_digest) and self.fixture_digest != self.content_digest()


def content_of(fixture_fields: dict) -> dict:
    """Normalise a fixture's `fields` for comparison: drop bookkeeping, sort m2m lists."""
    fields = {k: v for k, v in fixture_fields.items() if k not in CuratedModel.BOOKKEEPING}
    if isinstance(fields.get("related"), list):
        fields["related"] = sorted(fields["related"])
    return fields


def content_digest_of(fixture_fields: dict) -> str:
    return _digest(content_of(fixture_fields))


class ProviderManager(models.Manager.from_queryset(ProviderQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Provider(CuratedModel):
    slug = models.SlugField(unique=True, help_text="Stable identifier used in URLs and the API.")
    name = models.CharField(max_length=100)
    summary = models.TextField(blank=True, help_text="What the provider is, in a sentence or two.")
    docs_url = models.URLField(blank=True)
    base_url = models.URLField(blank=True)
    envelope = models.TextField(blank=True, help_text="How its error responses are shaped, in words.")
    envelope_example = models.TextField(blank=True, help_text="An annotated example error body.")
    authentication = models.TextField(blank=True, help_text="How it authenticates requests.")
    # Matching and redaction rules for the diagnosis engine. Plain data, so a new
    # provider needs fixtures only. See errorkb/diagnosis/snapshot.py for the keys.
    rules = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True, help_text="Facts from other pages, caveats.")
    order = models.PositiveSmallIntegerField(default=0)

    objects = ProviderManager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:provider", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


def entry_path(provider: str, code: str) -> str:
    """An entry's page, from the provider slug and code that name it (for rows read as values).

    What reverse("web:error", ...) gives, laid out from one reverse() per script prefix:
    reverse() took 13 µs a call (35 µs on a slow moment), against under 3 µs here, and a
    page of the API names up to 150 entries (each result and its related entries), the
    engine's snapshot 100,000 at scale. Django
    quotes the whole path character by character (safe: RFC 3986's pchar), so quoting
    the code alone gives the same; values the URL pattern refuses go to reverse(),
    which raises NoReverseMatch as before.
    """
    if not (_SLUG.fullmatch(provider) and code and "/" not in code):
        return reverse("web:error", args=[provider, code])
    before, between, after = _entry_path_layout(get_script_prefix())
    return before + provider + between + quote(code, safe=RFC3986_SUBDELIMS + "/~:@") + after


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # Django's slug converter
_PROVIDER_MARK, _CODE_MARK = "providermark0", "codemark0"  # nothing quote() changes


@functools.lru_cache(maxsize=16)
def _entry_path_layout(script_prefix: str) -> tuple[str, str, str]:
    """An entry page's path around its provider slug and code, as reverse() lays it out."""
    path = reverse("web:error", args=[_PROVIDER_MARK, _CODE_MARK])
    before, rest = path.split(_PROVIDER_MARK)
    between, after = rest.split(_CODE_MARK)
    return before, between, after


def range_label(start: int | None, end: int | None) -> str:
    """A category's code range as pages show it: '1xxx' for 1000–1999; empty when it has none.

    A function of the two numbers, so the API's pages can label a range read as values.
    """
    if start is None or end is None:
        return ""
    if start % 1000 == 0 and end == start + 999:
        return f"{start // 1000}xxx"
    return f"{start}–{end}"


class CategoryManager(models.Manager.from_queryset(CategoryQuerySet)):
    def get_by_natural_key(self, provider_slug, slug):
        return self.get(provider__slug=provider_slug, slug=slug)


class Category(CuratedModel):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="categories")
    slug = models.SlugField()
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    code_range_start = models.PositiveIntegerField(null=True, blank=True)
    code_range_end = models.PositiveIntegerField(null=True, blank=True)
    other_names = models.JSONField(
        default=list, blank=True, help_text="Other names the documents give this category."
    )
    notes = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = CategoryManager()

    class Meta:
        ordering = ["provider__order", "order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["provider", "slug"], name="unique_category_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider.name}: {self.name}"

    def natural_key(self):
        return (self.provider.slug, self.slug)

    natural_key.dependencies = ["catalogue.provider"]

    @property
    def range_label(self) -> str:
        return range_label(self.code_range_start, self.code_range_end)

    def clean(self):
        if (self.code_range_start is None) != (self.code_range_end is None):
            raise ValidationError("A code range needs both a start and an end.")
        if self.code_range_start is not None and self.code_range_start > self.code_range_end:
            raise ValidationError("The code range starts after it ends.")


class ErrorEntryManager(models.Manager.from_queryset(ErrorEntryQuerySet)):
    def get_by_natural_key(self, provider_slug, code):
        return self.get(provider__slug=provider_slug, code=code)


class ErrorEntry(CuratedModel):
    class Kind(models.TextChoices):
        CODE = "code", "Numbered code"
        MESSAGE = "message", "Message"
        HTTP_STATUS = "http_status", "HTTP status"

    class StatusBasis(models.TextChoices):
        DOCUMENTED = "documented", "Documented"
        INFERRED = "inferred", "Inferred"
        UNKNOWN = "unknown", "Not documented"

    class Retry(models.TextChoices):
        NEVER = "no", "Do not retry"
        BACKOFF = "exponential_backoff", "Retry with exponential backoff"
        WAIT_RESET = "wait_reset", "Wait until the rate-limit window resets, then retry"
        AFTER_FIX = "after_fix", "Retry only after fixing the cause"
        LATER = "later", "Retry later"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="entries")
    code = models.CharField(
        max_length=100,
        help_text="The provider's code as a string ('6010'), an HTTP status ('429'), "
        "or the slug of a message's short title ('low-balance').",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200, help_text="The document's short name for it.")
    message = models.TextField(blank=True, help_text="Exactly as the provider documents it.")
    match_forms = models.JSONField(
        default=list,
        blank=True,
        help_text='Other forms of the message that identify it: {"type": "template", "pattern": '
        '"Amount must be between {min} and {max}"}, {"type": "prefix", "pattern": "..."}, '
        '{"type": "alias", "pattern": "..."}.',
    )
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    http_status_basis = models.CharField(
        max_length=20, choices=StatusBasis.choices, default=StatusBasis.UNKNOWN
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    description = models.TextField(blank=True)
    causes = models.JSONField(default=list, blank=True)
    remedy = models.JSONField(default=list, blank=True, help_text="Steps, in order.")
    retry_strategy = models.CharField(max_length=30, choices=Retry.choices, default=Retry.NEVER)
    retry_note = models.TextField(blank=True)
    example = models.TextField(blank=True, help_text="An example response body.")
    related = models.ManyToManyField("self", blank=True, symmetrical=False)
    source_document = models.CharField(max_length=200, blank=True)
    source_section = models.CharField(max_length=200, blank=True)
    notes = models.JSONField(
        default=list, blank=True, help_text="Where the documents are silent or disagree."
    )

    objects = ErrorEntryManager()

    class Meta:
        ordering = ["provider__order", "kind", "code"]
        verbose_name = "error entry"
        verbose_name_plural = "error entries"
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="unique_code_per_provider"),
        ]
        # A search for a bare status ranks its matches from this index alone (no row read).
        indexes = [
            models.Index(fields=["http_status", "provider", "code", "id"], name="errorentry_status_listing")
        ]

    def __str__(self) -> str:
        return f"{self.provider.slug} {self.code}: {self.title}"

    def get_absolute_url(self) -> str:
        return entry_path(self.provider.slug, self.code)

    def natural_key(self):
        return (self.provider.slug, self.code)

    natural_key.dependencies = ["catalogue.provider", "catalogue.category"]

    @property
    def retryable(self) -> bool:
        return is_retryable(self.retry_strategy)

    @property
    def http_status_documented(self) -> bool:
        return is_status_documented(self.http_status_basis)

    def clean(self):
        if self.category_id and self.category.provider_id != self.provider_id:
            raise ValidationError({"category": "The category belongs to another provider."})
        if self.kind == self.Kind.CODE and not self.code.isdigit():
            raise ValidationError({"code": "A numbered code is digits only."})
        if self.kind == self.Kind.HTTP_STATUS and self.code != str(self.http_status):
            raise ValidationError({"code": "An HTTP-status entry's code is its status."})
        if self.http_status is None and self.http_status_basis != self.StatusBasis.UNKNOWN:
            raise ValidationError({"http_status_basis": "There is no status to be sure of."})
        if self.http_status is not None and self.http_status_basis == self.StatusBasis.UNKNOWN:
            raise ValidationError({"http_status_basis": "Say whether the status is documented or inferred."})
        for form in self.match_forms:
            if not isinstance(form, dict) or form.get("type") not in {"template", "prefix", "alias"}:
                raise ValidationError({"match_forms": f"Not a match form: {form!r}"})
            if not str(form.get("pattern", "")).strip():
                raise ValidationError({"match_forms": "A match form needs a pattern."})


RETRYABLE_STRATEGIES = (
    ErrorEntry.Retry.BACKOFF,
    ErrorEntry.Retry.WAIT_RESET,
    ErrorEntry.Retry.LATER,
)


# The rules on an entry's fields, as functions of the fields: for instances (the
# properties above) and for rows read as values (API pages, search results, the
# engine's snapshot) alike.


def is_retryable(strategy: str | None) -> bool:
    """Whether the same request may simply be sent again (after the strategy's wait)."""
    return strategy in RETRYABLE_STRATEGIES


def is_status_documented(basis: str) -> bool:
    """Whether the provider documents the HTTP status (rather than ErrorKB inferring it)."""
    return basis == ErrorEntry.StatusBasis.DOCUMENTED


class CatalogueVersion(models.Model):
    """One row whose counter moves on every catalogue change.

    Workers compare it (at most every few seconds) with the version their
    in-memory diagnosis snapshot was built from, so an admin edit in one process
    reaches every process without a query per request.
    """

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"catalogue version {self.version}"

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("version", flat=True).first() or 0

    @classmethod
    def bump(cls) -> None:
        updated = cls.objects.filter(pk=1).update(version=models.F("version") + 1)
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"version": 1})
