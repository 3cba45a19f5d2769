from django.utils.encoding import force_str
from rest_framework import serializers

from errorkb.catalogue.models import (
    Category,
    ErrorEntry,
    Provider,
    entry_path,
    is_retryable,
    range_label,
)
from errorkb.catalogue.querysets import page_values_with_total


class CategorySerializer(serializers.ModelSerializer):
    provider = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    range = serializers.CharField(source="range_label", read_only=True)
    range_start = serializers.IntegerField(source="code_range_start", read_only=True)
    range_end = serializers.IntegerField(source="code_range_end", read_only=True)

    class Meta:
        model = Category
        fields = [
            "provider",
            "slug",
            "name",
            "description",
            "range",
            "range_start",
            "range_end",
            "other_names",
            "notes",
        ]


class ProviderSerializer(serializers.ModelSerializer):
    categories = CategorySerializer(many=True, read_only=True)
    entry_count = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Provider
        fields = [
            "slug",
            "name",
            "summary",
            "base_url",
            "docs_url",
            "envelope",
            "envelope_example",
            "authentication",
            "notes",
            "entry_count",
            "categories",
            "url",
        ]

    def get_url(self, provider) -> str:
        return self.context["request"].build_absolute_uri(provider.get_absolute_url())


class RelatedEntrySerializer(serializers.ModelSerializer):
    provider = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ErrorEntry
        fields = ["provider", "code", "title", "url"]

    def get_url(self, entry) -> str:
        return entry_url(self.context.get("request"), entry.provider.slug, entry.code)


class ErrorEntrySerializer(RelatedEntrySerializer):
    category = serializers.SerializerMethodField()
    retryable = serializers.BooleanField(read_only=True)
    retry = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()
    related = RelatedEntrySerializer(many=True, read_only=True)

    class Meta:
        model = ErrorEntry
        fields = [
            "provider",
            "code",
            "kind",
            "title",
            "message",
            "match_forms",
            "http_status",
            "http_status_basis",
            "category",
            "description",
            "causes",
            "remedy",
            "retryable",
            "retry",
            "example",
            "related",
            "source",
            "notes",
            "url",
        ]

    def to_representation(self, entry) -> dict:
        # What the declared fields give (tests/api/test_serializers.py compares the two for
        # every entry), built directly: DRF walks each field's get_attribute and
        # to_representation, about 0.3 ms an entry, 15 ms for a page of fifty.
        values = {name: getattr(entry, name) for name in API_ENTRY_FIELDS}
        values["provider__slug"] = entry.provider.slug
        category = entry.category
        for name in API_CATEGORY_FIELDS:
            values[f"category__{name}"] = getattr(category, name) if category is not None else None
        related = [(related.provider.slug, related.code, related.title) for related in entry.related.all()]
        return represent(values, related, self.context.get("request"))

    def get_category(self, entry) -> dict | None:
        category = entry.category
        if category is None:
            return None
        return {
            "slug": category.slug,
            "name": category.name,
            "range": category.range_label,
            "range_start": category.code_range_start,
            "range_end": category.code_range_end,
        }

    def get_retry(self, entry) -> dict:
        return {
            "retryable": entry.retryable,
            "strategy": entry.retry_strategy,
            "label": entry.get_retry_strategy_display(),
            "note": entry.retry_note,
        }

    def get_source(self, entry) -> dict:
        return {"document": entry.source_document, "section": entry.source_section}


# What an API entry is shown from, by the names `values()` gives them: the entry's own
# fields, its provider's slug and its category's fields (None without a category).
API_ENTRY_FIELDS = (
    "code",
    "kind",
    "title",
    "message",
    "match_forms",
    "http_status",
    "http_status_basis",
    "description",
    "causes",
    "remedy",
    "retry_strategy",
    "retry_note",
    "example",
    "source_document",
    "source_section",
    "notes",
)
API_CATEGORY_FIELDS = ("slug", "name", "code_range_start", "code_range_end")
ENTRY_VALUES = (*API_ENTRY_FIELDS, "provider__slug", *(f"category__{name}" for name in API_CATEGORY_FIELDS))
RETRY_LABELS = dict(ErrorEntry._meta.get_field("retry_strategy").flatchoices)


def represent(values: dict, related: list[tuple[str, str, str]], request) -> dict:
    """An entry as the API shows it, from its values (ENTRY_VALUES) and its related entries'
    (provider slug, code, title): ErrorEntrySerializer's representation, and the API
    list's, which reads a page's rows as values (entry_pages)."""
    provider, code = values["provider__slug"], values["code"]
    strategy = values["retry_strategy"]
    retryable = is_retryable(strategy)
    category = None
    if values["category__slug"] is not None:
        start, end = values["category__code_range_start"], values["category__code_range_end"]
        category = {
            "slug": values["category__slug"],
            "name": values["category__name"],
            "range": range_label(start, end),
            "range_start": start,
            "range_end": end,
        }
    return {
        "provider": provider,
        "code": code,
        "kind": values["kind"],
        "title": values["title"],
        "message": values["message"],
        "match_forms": values["match_forms"],
        "http_status": values["http_status"],
        "http_status_basis": values["http_status_basis"],
        "category": category,
        "description": values["description"],
        "causes": values["causes"],
        "remedy": values["remedy"],
        "retryable": retryable,
        "retry": {
            "retryable": retryable,
            "strategy": strategy,
            "label": force_str(RETRY_LABELS.get(strategy, strategy), strings_only=True),
            "note": values["retry_note"],
        },
        "example": values["example"],
        "related": [
            {
                "provider": related_provider,
                "code": related_code,
                "title": title,
                "url": entry_url(request, related_provider, related_code),
            }
            for related_provider, related_code, title in related
        ],
        "source": {"document": values["source_document"], "section": values["source_section"]},
        "notes": values["notes"],
        "url": entry_url(request, provider, code),
    }


def entry_url(request, provider: str, code: str) -> str:
    """An entry's page as a URL (absolute when there is a request).

    Without a request (the per-process cache of serialized entries) the URL stays
    relative, and the view makes it absolute for each caller.
    """
    url = entry_path(provider, code)
    return request.build_absolute_uri(url) if request is not None else url


def entry_pages(queryset, request) -> tuple[list[dict], int | None]:
    """A page (a slice) of entries as the API shows them, read as values, not model
    instances; and the total of the unsliced queryset when the page's statement tells
    it (page_values_with_total()), else None.

    One to three statements: the page's rows in order (page_values_with_total(): a
    search's ranking, or the list's; one or two), then, if there are any, their
    related entries. For a page of fifty, Django's
    instances (entry, provider and category each) and the related entries' prefetch
    cost more than the search itself: 'Payment does not exist' at 100k, 12.4 ms for
    the rows as instances with their prefetch, ~4 ms as values.
    """
    rows, total = page_values_with_total(queryset, ENTRY_VALUES)
    if not rows:
        return [], total
    related: dict[int, list] = {row["id"]: [] for row in rows}
    links = (
        ErrorEntry.related.through.objects.filter(from_errorentry_id__in=list(related))
        # As entry.related.all() lists them: ErrorEntry's own ordering.
        .order_by(*(f"to_errorentry__{name}" for name in ErrorEntry._meta.ordering))
        .values_list(
            "from_errorentry_id",
            "to_errorentry__provider__slug",
            "to_errorentry__code",
            "to_errorentry__title",
        )
    )
    for from_id, *values in links:
        related[from_id].append(tuple(values))
    return [represent(row, related[row["id"]], request) for row in rows], total
