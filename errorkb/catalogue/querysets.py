from __future__ import annotations

import re

from django.db import connections, models
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable


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
# The columns of the GIN index's expression (migration 0002), in its order.
POSTGRES_SEARCH_COLUMNS = ("code", "title", "message", "description")


def postgres_search_vector() -> Func:
    """The GIN index's expression, its columns qualified by whatever alias the query gives the table.

    PostgreSQL uses the index only for the very same expression (migration 0002;
    tests/performance/test_search_fts.py checks it is used).
    """
    return Func(
        *(F(column) for column in POSTGRES_SEARCH_COLUMNS),
        template="to_tsvector('simple'::regconfig, %(expressions)s)",
        arg_joiner=" || ' ' || ",
    )


class ErrorEntryQuerySet(models.QuerySet):
    def for_display(self) -> ErrorEntryQuerySet:
        """What pages and the API show: the entry with its provider and category."""
        return self.select_related("provider", "category")

    def for_result_list(self) -> ErrorEntryQuerySet:
        """What a list of search results shows: the entry's own text and status, its provider's
        name and its category's name. The JSON fields, the example and the provider's rules
        are left in the database: decoding them for fifty rows cost more than the search."""
        return self.select_related("provider", "category").only(
            "code",
            "kind",
            "title",
            "message",
            "description",
            "http_status",
            "http_status_basis",
            "retry_strategy",
            "provider__slug",
            "provider__name",
            "provider__order",
            "category__name",
        )

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
        results = (
            self.filter(condition)
            .annotate(rank=Case(*rank_cases, default=Value(5), output_field=IntegerField()))
            .order_by("rank", "provider__order", "code")
        )
        if connections[self.db].vendor == "postgresql":
            results._iterable_class = RankedPageIterable
        return results

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
            # Columns through F(), so they follow the table's alias into a subquery
            # (RankedPageIterable's).
            tsquery = " & ".join([*(f"'{word}'" for word in words[:-1]), f"'{words[-1]}':*"])
            matches = Func(
                postgres_search_vector(),
                Func(Value(tsquery), template="to_tsquery('simple', %(expressions)s)"),
                template="%(expressions)s",
                arg_joiner=" @@ ",
                output_field=BooleanField(),
            )
            return Q(matches) | status if status else Q(matches)
        condition = Q()
        for word in words:
            condition &= (
                Q(code__icontains=word)
                | Q(title__icontains=word)
                | Q(message__icontains=word)
                | Q(description__icontains=word)
            )
        return condition | status if status else condition


class RankedPageIterable(ModelIterable):
    """A slice of search results: the ids ranked first, then only that page's rows read.

    A broad query (a bare `429` matches 10,000 entries at 100k) ranks thousands of
    rows. Ranked whole on PostgreSQL, every column of every match went through the
    sort and between its parallel workers; ranked as ids in a subquery with the
    slice's LIMIT, only the page's rows are read: one statement still,
    `id IN (SELECT id ... ORDER BY ... LIMIT n)`. At 100k: 429 45 -> 38 ms,
    `expired` 22 -> 17 ms, `60` 17 -> 13 ms. Not on SQLite, whose sorter with a LIMIT
    already keeps only the page's rows: there it was no faster and cost every small
    search 1.5 ms more to compile.
    """

    def __iter__(self):
        queryset = self.queryset
        query = queryset.query
        if not query.is_sliced or query.is_empty():
            yield from super().__iter__()
            return
        rows = queryset.model._base_manager.db_manager(queryset.db).filter(pk__in=queryset.values("pk"))
        rows.query.select_related = query.select_related
        rows.query.deferred_loading = query.deferred_loading
        rows = rows.annotate(**{name: query.annotations[name] for name in query.annotation_select})
        rows = rows.order_by(*query.order_by)
        yield from ModelIterable(rows, self.chunked_fetch, self.chunk_size)
