from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import BooleanField, Case, Count, F, Func, IntegerField, Q, Value, When, Window
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
        elif connections[self.db].vendor == "sqlite" and not self.query.where.children:
            # Words searched in all entries: counted from the FTS5 index alone (see count()).
            results.query.search_plan = SearchPlan(conditions, fts_match=sqlite_match(words))
        return results

    def count(self) -> int:
        plan = search_plan(self.query)
        if plan is None or self._result_cache is not None or self.query.is_sliced:
            return super().count()
        if plan.by_status is not None:
            # A bare status search counts its two parts (page_values() ranks them together),
            # each from one index, where the OR of both made PostgreSQL visit every matching row.
            # (A page of the API on PostgreSQL tells the total itself: page_values_with_total().)
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
            # (page_values()'s).
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
      other text matches, ranked together (page_values()) and counted apart (or
      with the page, page_values_with_total());
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
        or not _one_row_per_entry(query)
    ):
        return None
    return plan


def _one_row_per_entry(query) -> bool:
    """Whether the query still lists entries one row each: no union, DISTINCT or GROUP BY
    (a window function counts the rows before DISTINCT or GROUP BY makes them fewer)."""
    return not (query.combinator or query.distinct or query.group_by)


def _union_ids(query, plan: SearchPlan, using: str, counted: bool) -> tuple[list, int | None]:
    """The ids of a slice of a bare status search, its two parts ranked together
    (page_values()); and, `counted`, how many entries both parts hold, from the same
    statement (page_values_with_total())."""
    columns = ("pk", *SEARCH_ORDER)
    ranked = (
        plan.by_status.order_by()
        .values_list(*columns)
        .union(plan.by_text.order_by().values_list(*columns), all=True)
        .using(using)
    )
    if not counted:
        return [row[0] for row in ranked.order_by(*SEARCH_ORDER)[query.low_mark : query.high_mark]], None
    # Django puts no window over a union: its statement, counted and ranked around it,
    # by the columns' places (pk, then SEARCH_ORDER's), not by the names Django gives them.
    try:
        sql, params = ranked.query.get_compiler(using=using).as_sql()
    except EmptyResultSet:  # both parts can match nothing (a status no entry can have)
        return [], 0
    order = ", ".join(str(place) for place in range(2, 2 + len(SEARCH_ORDER)))
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT ranked.*, COUNT(*) OVER () FROM ({sql}) ranked ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, query.high_mark - query.low_mark, query.low_mark],
        )
        rows = cursor.fetchall()
    return [row[0] for row in rows], rows[0][-1] if rows else None


def page_values(queryset, fields) -> list[dict]:
    """A page (a slice) of entries as dicts of their "id" and `fields`, in order; no model instance.

    For a page of fifty, Django's instances (entry, provider and category each) cost
    about as much as the search that found them: the search page read as values, at
    100k on PostgreSQL through gunicorn (2 rounds interleaved with instances, a loaded
    machine), p50 18.9 -> 14.4 ms, p99 60 -> 41 ms. `fields` are names as values()
    takes them, a search's rank among them. The page's ids are ranked before any
    other column is read:
    - a bare status search ranks its two parts together (SearchPlan): the entries
      with the status from the (http_status, provider, code) index alone, and the
      other text matches, few (`429` at 100k on SQLite: 21 -> 4 ms); then reads its
      page's rows by id: two statements;
    - anything else ranks its ids in a subquery with the page's LIMIT and reads only
      their rows, one statement: `id IN (SELECT id ... ORDER BY ... LIMIT n)`. One
      narrow column goes through the sorter, not every column of every match
      (`expired` at 100k on PostgreSQL: 22 -> 17 ms). On SQLite too, against the
      page read flat: the statement for `expired` 5.1 -> 3.8 ms, for `the` 120 ->
      76 ms; the API's whole list at page 500 (an OFFSET the sorter keeps) 100 ->
      41 ms; it costs about 0.8 ms more to build, which a small search pays.
    """
    return _read_page(queryset, fields, with_total=False)[0]


def page_values_with_total(queryset, fields) -> tuple[list[dict], int | None]:
    """page_values(), and how many entries the whole (unsliced) queryset holds when the
    page's own statement can tell: a page of a search on PostgreSQL. Else None (ask
    count()).

    A search ranks every match to find its page, and its count visited every matching
    row again: `expired` at 100k (2,964 matches), 8.3 ms for the count, the page's ids
    as fast with `COUNT(*) OVER ()` as without (16.7 against 17.1 ms); a bare `429`
    (10,081), 3.6 ms for its two counts. SQLite is left to its counts from its indexes
    (count(), 0.5 ms for `expired`): a window function there would set the matches
    aside first (`expired` 7.3 -> 13.7 ms, `the` 93 -> 237 ms). A word search's page is
    read in two statements here (its ids with the total, then their rows) where
    page_values() reads it in one: a page that turns out the last, which tells its
    total anyway (EntryPages.read()), pays that statement for nothing, as it paid the
    count before.
    """
    return _read_page(queryset, fields, with_total=True)


def _read_page(queryset, fields, with_total: bool) -> tuple[list[dict], int | None]:
    query = queryset.query
    if query.is_empty():
        return [], None
    queryset = queryset.prefetch_related(None)
    if not query.is_sliced:
        return list(queryset.values("id", *fields)), None
    # The rows are read by a query of their own, with the search's rank computed again.
    rows = queryset.model._base_manager.db_manager(queryset.db).annotate(
        **{name: query.annotations[name] for name in query.annotation_select}
    )
    counted = with_total and query.high_mark is not None and connections[queryset.db].vendor == "postgresql"
    plan = search_plan(query)
    if plan is not None and plan.by_status is not None:
        ids, total = _union_ids(query, plan, queryset.db, counted)
        return _rows_in_order(rows, ids, fields), total
    if (
        counted
        and SEARCH_ORDER[0] in query.annotations  # ranked by search()
        and _one_row_per_entry(query)
    ):
        ranked = list(queryset.annotate(search_total=Window(Count("*"))).values_list("pk", "search_total"))
        total = ranked[0][1] if ranked else None  # past the last page: no row to tell it
        return _rows_in_order(rows, [pk for pk, _ in ranked], fields), total
    rows = rows.filter(pk__in=queryset.values("pk"))
    if query.order_by:  # else the model's ordering, as the queryset's
        rows = rows.order_by(*query.order_by)
    return list(rows.values("id", *fields)), None


def _rows_in_order(rows, ids: list, fields) -> list[dict]:
    """The values of the rows with these ids, in the ids' order."""
    by_id = {row["id"]: row for row in rows.filter(pk__in=ids).order_by().values("id", *fields)}
    return [by_id[pk] for pk in ids if pk in by_id]
