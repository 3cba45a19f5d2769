from __future__ import annotations

import re

from django.db import connections, models
from django.db.models import BooleanField, Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL


class ProviderQuerySet(models.QuerySet):
    def with_entry_counts(self) -> ProviderQuerySet:
        """Each provider with `entry_count`, and its categories (each with theirs) prefetched."""
        from .models import Category  # models import this module

        categories = Category.objects.with_entry_counts().select_related("provider")
        return self.annotate(entry_count=models.Count("entries")).prefetch_related(
            models.Prefetch("categories", queryset=categories)
        )


class CategoryQuerySet(models.QuerySet):
    def with_entry_counts(self) -> CategoryQuerySet:
        return self.annotate(entry_count=models.Count("entries"))


# The full-text index of code, title, message and description (migration 0002).
SQLITE_SEARCH_TABLE = "catalogue_errorentry_fts"
# The GIN index's expression (migration 0002), its columns qualified for queries with joins.
POSTGRES_SEARCH_VECTOR_OF_ROW = (
    "to_tsvector('simple'::regconfig, catalogue_errorentry.code || ' ' || catalogue_errorentry.title"
    " || ' ' || catalogue_errorentry.message || ' ' || catalogue_errorentry.description)"
)


class ErrorEntryQuerySet(models.QuerySet):
    def for_display(self) -> ErrorEntryQuerySet:
        """What pages and the API show: the entry with its provider and category."""
        return self.select_related("provider", "category")

    def retryable(self, value: bool = True) -> ErrorEntryQuerySet:
        from .models import RETRYABLE_STRATEGIES

        condition = Q(retry_strategy__in=RETRYABLE_STRATEGIES)
        return self.filter(condition) if value else self.exclude(condition)

    def search(self, query: str) -> ErrorEntryQuerySet:
        """Entries matching a code, a code prefix, an HTTP status, or words of the text.

        Every word of the query must be a word of the code, title, message or
        description; the last one may be the beginning of a word, as it is typed
        (so a code prefix is found). Ranked: exact code, then HTTP status, then code
        prefix, then title and message holding the whole query. The words are
        looked up in the database's full-text index (FTS5 on SQLite, a GIN tsvector
        index on PostgreSQL), so a search never scans the table; only the last word
        is a prefix because a short prefix ("is*") reads a large part of the index.
        """
        query = " ".join(query.split())
        words = re.findall(r"\w+", query.lower())
        if not words:
            return self.none()
        is_number = query.isdigit() and len(query) <= 5
        condition = self._matching(words, http_status=int(query) if is_number else None)
        rank_cases = [When(code__iexact=query, then=Value(0))]
        if is_number:
            rank_cases += [
                When(http_status=int(query), then=Value(1)),
                When(code__startswith=query, then=Value(2)),
            ]
        rank_cases += [
            When(title__icontains=query, then=Value(3)),
            When(message__icontains=query, then=Value(4)),
        ]
        return (
            self.filter(condition)
            .annotate(rank=Case(*rank_cases, default=Value(5), output_field=IntegerField()))
            .order_by("rank", "provider__order", "code")
        )

    def _matching(self, words: list[str], http_status: int | None) -> Q:
        """Entries holding the words, or with the HTTP status, found through indexes only.

        Both databases answer the OR of the two from both indexes: SQLite with a
        multi-index OR, PostgreSQL with a BitmapOr.
        """
        status = Q(http_status=http_status) if http_status is not None else None
        vendor = connections[self.db].vendor
        if vendor == "sqlite":
            # Each word quoted, so FTS5 syntax in a query is only ever text.
            match = " ".join([*(f'"{word}"' for word in words[:-1]), f'"{words[-1]}"*'])
            sql = f"SELECT rowid FROM {SQLITE_SEARCH_TABLE} WHERE {SQLITE_SEARCH_TABLE} MATCH %s"
            condition = Q(pk__in=RawSQL(sql, [match]))
            return condition | status if status else condition
        if vendor == "postgresql":
            # A condition on the entry's own row (not `pk IN (subquery)`, which fetched
            # every matching row twice): the GIN index and the http_status index are
            # combined by a BitmapOr. 10,000 rows for a bare `429` at 100k: 58 -> 35 ms.
            tsquery = " & ".join([*(f"'{word}'" for word in words[:-1]), f"'{words[-1]}':*"])
            sql = f"{POSTGRES_SEARCH_VECTOR_OF_ROW} @@ to_tsquery('simple', %s)"
            params = [tsquery]
            if http_status is not None:
                sql = f"({sql} OR catalogue_errorentry.http_status = %s)"
                params.append(http_status)
            return Q(RawSQL(sql, params, output_field=BooleanField()))
        condition = Q()
        for word in words:
            condition &= (
                Q(code__icontains=word)
                | Q(title__icontains=word)
                | Q(message__icontains=word)
                | Q(description__icontains=word)
            )
        return condition | status if status else condition
