from __future__ import annotations

import re
from dataclasses import dataclass

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
# How search results are ordered: by rank (search()), then as the catalogue lists them.
SEARCH_ORDER = ("rank", "provider__order", "code")
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

    def for_api(self) -> ErrorEntryQuerySet:
        """What the API shows of an entry (ErrorEntrySerializer): all of its own fields, its
        provider's slug, its category's name and range, and each related entry's provider,
        code and title, fetched for a whole page in one query. The provider's rules and
        texts and the category's notes are left in the database: decoding them for every
        row of a page of fifty was work nothing showed."""
        from .models import ErrorEntry  # models import this module

        related = ErrorEntry.objects.select_related("provider").only("code", "title", "provider__slug")
        return (
            self.select_related("provider", "category")
            .only(
                *(f.name for f in ErrorEntry._meta.concrete_fields),
                "provider__slug",
                "category__slug",
                "category__name",
                "category__code_range_start",
                "category__code_range_end",
            )
            .prefetch_related(models.Prefetch("related", queryset=related))
        )

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
        status = int(query) if query.isdigit() and len(query) <= 5 else None
        text_match = self._matching(words)
        exact_code = When(code__iexact=query, then=Value(0))
        rank_cases = [exact_code]
        if status is not None:
            rank_cases += [
                When(http_status=status, then=Value(1)),
                When(code__startswith=query, then=Value(2)),
            ]
        rank_cases += [
            When(title__icontains=query, then=Value(3)),
            When(message__icontains=query, then=Value(4)),
        ]
        rank = Case(*rank_cases, default=Value(5), output_field=IntegerField())
        condition = text_match if status is None else text_match | Q(http_status=status)
        results = self.filter(condition).annotate(rank=rank).order_by(*SEARCH_ORDER)
        conditions = len(results.query.where.children)
        if status is not None:
            # The entries with the status rank 0 or 1 from their code alone: their ids
            # come from the (http_status, provider, code) index, not their rows.
            by_status = self.filter(http_status=status).annotate(
                rank=Case(exact_code, default=Value(1), output_field=IntegerField())
            )
            by_text = self.filter(text_match).exclude(http_status=status).annotate(rank=rank)
            results.query.search_plan = SearchPlan(conditions, by_status=by_status, by_text=by_text)
            results._iterable_class = SearchPageIterable
        elif connections[self.db].vendor == "postgresql":
            results._iterable_class = SearchPageIterable
        elif connections[self.db].vendor == "sqlite" and not self.query.where.children:
            # Words searched in all entries: counted from the FTS5 index alone (see count()).
            results.query.search_plan = SearchPlan(conditions, fts_match=sqlite_match(words))
        return results

    def count(self) -> int:
        plan = search_plan(self.query)
        if plan is None or self._result_cache is not None or self.query.is_sliced:
            return super().count()
        if plan.by_status is not None:
            # A bare status search counts its two parts (SearchPageIterable): each from
            # one index, where the OR of both made PostgreSQL visit every matching row.
            return plan.by_status.count() + plan.by_text.count()
        # Words searched in all entries, on SQLite: the index's own count. Each match
        # looked up in the entries' table cost ~2.5 us: 'expired' (2,964 of 100k)
        # 7.6 -> 0.5 ms. The FTS5 table holds exactly the entries' rows (its triggers,
        # migration 0002), so the two counts are the same.
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {SQLITE_SEARCH_TABLE} WHERE {SQLITE_SEARCH_TABLE} MATCH %s",
                [plan.fts_match],
            )
            return cursor.fetchone()[0]

    def _matching(self, words: list[str]) -> Q:
        """Entries holding the words, found through the full-text index.

        Or'ed with an HTTP status (search()), both databases answer from both indexes:
        SQLite with a multi-index OR, PostgreSQL with a BitmapOr.
        """
        vendor = connections[self.db].vendor
        if vendor == "sqlite":
            sql = f"SELECT rowid FROM {SQLITE_SEARCH_TABLE} WHERE {SQLITE_SEARCH_TABLE} MATCH %s"
            return Q(pk__in=RawSQL(sql, [sqlite_match(words)]))
        if vendor == "postgresql":
            # A condition on the entry's own row (not `pk IN (subquery)`, which fetched
            # every matching row twice): the GIN index and the http_status index are
            # combined by a BitmapOr. 10,000 rows for a bare `429` at 100k: 58 -> 35 ms.
            # Columns through F(), so they follow the table's alias into a subquery
            # (SearchPageIterable's).
            tsquery = " & ".join([*(f"'{word}'" for word in words[:-1]), f"'{words[-1]}':*"])
            matches = Func(
                postgres_search_vector(),
                Func(Value(tsquery), template="to_tsquery('simple', %(expressions)s)"),
                template="%(expressions)s",
                arg_joiner=" @@ ",
                output_field=BooleanField(),
            )
            return Q(matches)
        condition = Q()
        for word in words:
            condition &= (
                Q(code__icontains=word)
                | Q(title__icontains=word)
                | Q(message__icontains=word)
                | Q(description__icontains=word)
            )
        return condition


def sqlite_match(words: list[str]) -> str:
    """The FTS5 query for these words. Each word quoted, so FTS5 syntax in a query is only ever text."""
    return " ".join([*(f'"{word}"' for word in words[:-1]), f'"{words[-1]}"*'])


@dataclass(frozen=True)
class SearchPlan:
    """How search() planned its results, kept on their Query.

    Django copies a Query's attributes into every clone (a slice, a prefetch, a
    filter), so the page that is finally read or counted still carries the plan.
    It holds only while the Query is still the search it planned (search_plan()).
    Exactly one of the two kinds is set:
    - a bare status search: its two parts, the entries with the status and the
      other text matches, ranked together (SearchPageIterable) and counted apart;
    - a word search of all entries on SQLite: its FTS5 query, counted from the index.
    """

    conditions: int  # how many conditions search() left on the Query
    by_status: ErrorEntryQuerySet | None = None
    by_text: ErrorEntryQuerySet | None = None
    fts_match: str | None = None


def search_plan(query) -> SearchPlan | None:
    """search()'s plan for these results, or None if there is none or it no longer describes them."""
    plan = getattr(query, "search_plan", None)
    if (
        plan is None
        or plan.conditions != len(query.where.children)  # filtered again since
        or query.combinator
        or query.distinct
        or query.group_by  # no longer a list of entries
    ):
        return None
    return plan


def _union_ids(query, plan: SearchPlan) -> list:
    """The ids of a slice of a bare status search: its two parts ranked together (SearchPageIterable)."""
    columns = ("pk", *SEARCH_ORDER)
    ranked = (
        plan.by_status.order_by()
        .values_list(*columns)
        .union(plan.by_text.order_by().values_list(*columns), all=True)
    )
    return [row[0] for row in ranked.order_by(*SEARCH_ORDER)[query.low_mark : query.high_mark]]


def page_ids(queryset) -> list:
    """The ids of a slice of entries (a page of a search or of any list), in order; no row read.

    For a reader that loads the rows its own way (the API's pages read them as values).
    A bare status search ranks its two parts together, as SearchPageIterable does;
    anything else sorts its ids alone, one narrow column through the sorter, not
    every column of every match.
    """
    query = queryset.query
    if query.is_empty():
        return []
    plan = search_plan(query)
    if plan is not None and plan.by_status is not None and query.is_sliced:
        return _union_ids(query, plan)
    return list(queryset.prefetch_related(None).values_list("pk", flat=True))


class SearchPageIterable(ModelIterable):
    """A page (a slice) of search results: the page's ids ranked first, then only its rows read.

    A broad query ranks thousands of rows (a bare `429` matches 10,000 entries at
    100k, nearly all by their HTTP status), and ranked whole every column of every
    match went through the sort.

    - A search for a number that is an HTTP status ranks the union of two parts
      (search()'s SearchPlan): the entries with that status, ranked from the
      (http_status, provider, code) index alone, and the other text matches, few.
      `429` at 100k on SQLite: 21 -> 4 ms.
    - Any other search on PostgreSQL ranks its ids in a subquery with the page's
      LIMIT, one statement: `id IN (SELECT id ... ORDER BY ... LIMIT n)` (`expired`
      22 -> 17 ms at 100k). Not on SQLite, whose sorter with a LIMIT keeps only the
      page's rows already.

    Unsliced results (a count, a whole list) are read as usual.
    """

    def __iter__(self):
        queryset = self.queryset
        query = queryset.query
        if not query.is_sliced or query.is_empty():
            yield from super().__iter__()
            return
        plan = search_plan(query)
        if plan is None or plan.by_status is None:
            if connections[queryset.db].vendor != "postgresql":
                yield from super().__iter__()  # a status search filtered after search(), on SQLite
            else:
                yield from self._rows(queryset, queryset.values("pk"), ordered=True)
            return
        ids = _union_ids(query, plan)
        by_id = {entry.pk: entry for entry in self._rows(queryset, ids, ordered=False)}
        yield from (by_id[pk] for pk in ids if pk in by_id)

    def _rows(self, queryset, ids, ordered: bool):
        """The entries with these ids, loaded as the search results would be (joins, columns, rank)."""
        query = queryset.query
        rows = queryset.model._base_manager.db_manager(queryset.db).filter(pk__in=ids)
        rows.query.select_related = query.select_related
        rows.query.deferred_loading = query.deferred_loading
        rows = rows.annotate(**{name: query.annotations[name] for name in query.annotation_select})
        if ordered:
            rows = rows.order_by(*query.order_by)
        return ModelIterable(rows, self.chunked_fetch, self.chunk_size)
