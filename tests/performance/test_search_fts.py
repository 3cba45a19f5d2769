"""ErrorEntry.objects.search() goes through the database's full-text index and keeps its ranking."""

import pytest
from django.db import connection

from errorkb.catalogue.models import ErrorEntry, Provider
from errorkb.catalogue.querysets import page_values, page_values_with_total

pytestmark = pytest.mark.django_db


def found(query):
    return [(e.provider.slug, e.code) for e in ErrorEntry.objects.search(query)]


def test_it_finds_a_word_of_a_message():
    assert set(found("insufficient")) == {
        ("123hub", "6004"),
        ("rukkyhub", "low-balance"),
        ("rukkyhub", "400"),
    }


def test_every_word_must_appear():
    assert found("insufficient funds") == [("123hub", "6004")]
    assert found("insufficient zebra") == []


def test_a_word_matches_the_beginning_of_words():
    assert ("123hub", "6004") in found("insuff")


def test_an_exact_code_comes_first_then_the_http_status_then_code_prefixes():
    assert found("6010")[0] == ("123hub", "6010")
    statuses = found("429")
    assert statuses[0] == ("rukkyhub", "429")
    assert ("rukkyhub", "rate-limit-hit") in statuses
    prefixed = found("60")
    assert prefixed[:5] == [("123hub", code) for code in ("6001", "6002", "6004", "6009", "6010")]


def test_title_matches_come_before_message_matches_before_the_rest():
    ranks = [(e.code, e.rank) for e in ErrorEntry.objects.search("payment")]
    assert [rank for _, rank in ranks] == sorted(rank for _, rank in ranks)
    assert dict(ranks)["6010"] == 3  # "Payment does not exist" in the title
    assert dict(ranks)["7001"] == 4  # only the message says payment
    assert dict(ranks)["1002"] == 5  # only the description does


def test_a_slug_code_is_found_whole():
    assert found("low-balance")[0] == ("rukkyhub", "low-balance")


@pytest.mark.parametrize(
    "query", ['"payment', "payment OR", "NEAR(payment", "pay*", "-payment", "col:payment", "'"]
)
def test_search_syntax_in_a_query_is_only_text(query):
    found(query)  # no database error


def test_an_empty_query_finds_nothing():
    assert found("") == [] and found("  ?! ") == []


def test_the_index_follows_creates_edits_and_deletes():
    entry = ErrorEntry.objects.get(provider__slug="123hub", code="6010")
    entry.description = "A zebrafish swam off with the payment."
    entry.save()
    assert found("zebrafish") == [("123hub", "6010")]
    entry.description = "Gone."
    entry.save()
    assert found("zebrafish") == []
    new = ErrorEntry.objects.create(
        provider=Provider.objects.get(slug="123hub"),
        code="6999",
        kind="code",
        title="Okapi refused",
        message="x",
    )
    assert found("okapi") == [("123hub", "6999")]
    new.delete()
    assert found("okapi") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_on_sqlite_it_queries_the_fts5_table():
    sql = str(ErrorEntry.objects.search("payment").query)
    assert "catalogue_errorentry_fts MATCH" in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN index")
def test_on_postgresql_it_uses_the_gin_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = ErrorEntry.objects.search("payment").explain()
    assert "catalogue_errorentry_search" in plan
    # A bare status: the words' index and the status index, OR-ed, on the entry's own rows.
    plan = ErrorEntry.objects.search("429").explain()
    assert "BitmapOr" in plan
    assert "catalogue_errorentry_search" in plan and "http_st" in plan


def test_words_before_the_last_are_whole_words():
    assert found("insufficient fun") == [("123hub", "6004")]
    assert found("insuff funds") == []


@pytest.mark.parametrize("query", ["429", "60", "payment", "insufficient", "the"])
def test_a_slice_of_the_results_is_that_slice_of_the_whole_ranking(query):
    whole = [(e.provider.slug, e.code, e.rank) for e in ErrorEntry.objects.for_display().search(query)]
    assert whole
    for start, stop in ((0, 3), (2, 7), (0, 50), (len(whole) - 1, len(whole) + 5)):
        page = ErrorEntry.objects.for_display().search(query)[start:stop]
        assert [(e.provider.slug, e.code, e.rank) for e in page] == whole[start:stop]
        rows = page_values(ErrorEntry.objects.search(query)[start:stop], ("provider__slug", "code", "rank"))
        assert [(r["provider__slug"], r["code"], r["rank"]) for r in rows] == whole[start:stop]


@pytest.mark.parametrize("query", ["payment", "insufficient", "the", "429"])
def test_a_page_with_its_total_is_the_page_and_the_count(query):
    results = ErrorEntry.objects.search(query)
    count = results.count()
    for start, stop in ((0, 3), (2, 7), (count - 1, count + 5), (count, count + 5)):
        rows, total = page_values_with_total(results[start:stop], ("code", "rank"))
        assert rows == page_values(results[start:stop], ("code", "rank"))
        # A search on PostgreSQL tells its total with any page that has a row.
        told = connection.vendor == "postgresql" and start < count
        assert total == (count if told else None)


def test_a_page_with_its_total_of_any_slice_or_a_distinct_search_is_right():
    whole = ErrorEntry.objects.search("429")
    rows, total = page_values_with_total(whole[2:], ("code",))  # open-ended: no LIMIT to count with
    assert [row["code"] for row in rows] == [entry.code for entry in whole][2:]
    assert total is None
    # Entries joined to their related entries, one row each, then made distinct again: no
    # window total is taken (it would count the joined rows), the count is left to count().
    distinct = ErrorEntry.objects.search("payment").filter(related__isnull=False).distinct()
    rows, total = page_values_with_total(distinct[0:3], ("code",))
    assert len(rows) == 3 and total is None
    assert distinct.count() < ErrorEntry.objects.search("payment").filter(related__isnull=False).count()


def test_a_filter_after_the_search_narrows_before_the_slice():
    whole = [e.code for e in ErrorEntry.objects.search("429").filter(provider__slug="rukkyhub")]
    page = ErrorEntry.objects.search("429").filter(provider__slug="rukkyhub")[1:4]
    assert [e.code for e in page] == whole[1:4]
    assert [r["code"] for r in page_values(page, ("code",))] == whole[1:4]


def test_a_page_ranks_its_ids_then_reads_only_its_rows_in_one_statement(django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        page = page_values(ErrorEntry.objects.search("payment")[:5], ("provider__slug", "category__name"))
    assert len(page) == 5 and page[0]["provider__slug"] and page[0]["category__name"]
    sql = captured.captured_queries[0]["sql"]
    assert "IN (SELECT" in sql and "LIMIT 5" in sql
    # The LIMIT ranks the ids inside the subquery; the rows read around it have none (on
    # SQLite a plain `search()[:5]` is one statement with IN (SELECT and LIMIT 5 too).
    assert "LIMIT 5" in sql[sql.index("IN (SELECT") : sql.rindex(")")]
    assert "LIMIT" not in sql[sql.rindex(")") :]


def test_pages_of_a_bare_status_search_rank_the_status_index_and_the_text_matches_together(
    django_assert_num_queries,
):
    provider = Provider.objects.get(slug="123hub")
    ErrorEntry.objects.bulk_create(
        [
            ErrorEntry(
                provider=provider,
                code=f"t{n:03d}",
                kind="code",
                title=f"Throttled {n}",
                message="x",
                http_status=429,
                http_status_basis="inferred",
            )
            for n in range(70)
        ]
        + [
            ErrorEntry(
                provider=provider,
                code=f"s{n:03d}",
                kind="code",
                title="Slow down",
                message="x",
                description="Answered with HTTP 429 when busy.",
            )
            for n in range(5)
        ]
        + [
            ErrorEntry(
                provider=provider, code="429", kind="code", title="A code that is a status", message="x"
            )
        ]
    )
    whole = [(e.provider.slug, e.code, e.rank) for e in ErrorEntry.objects.for_display().search("429")]
    assert ("123hub", "429", 0) in whole[:2]  # with RukkyHub's 429, the other exact code
    assert [rank for *_, rank in whole] == sorted(rank for *_, rank in whole)
    assert len(whole) > 75 and whole[-1][2] == 5  # the five that mention 429 in their description, last

    for start, stop in ((0, 50), (50, 100), (3, 4), (70, 80)):
        with django_assert_num_queries(2) as captured:  # the page's ranked ids, then its rows
            page = page_values(
                ErrorEntry.objects.search("429")[start:stop], ("provider__slug", "code", "rank")
            )
        assert [(r["provider__slug"], r["code"], r["rank"]) for r in page] == whole[start:stop]
        assert "UNION ALL" in captured.captured_queries[0]["sql"]

    narrowed = ErrorEntry.objects.filter(provider__slug="rukkyhub").search("429")
    page = page_values(narrowed[:50], ("code",))
    assert [r["code"] for r in page] == [e.code for e in narrowed.all()][:50] != []


@pytest.mark.parametrize("query", ["429", "422", "60", "payment"])
def test_a_search_counts_what_it_lists(query):
    results = ErrorEntry.objects.search(query)
    listed = list(results.all())
    assert results.count() == len(listed) > 0
    assert results[1:3].count() == len(listed[1:3])
    narrowed = results.filter(provider__slug="rukkyhub")
    assert narrowed.count() == len(list(narrowed.all()))


@pytest.mark.parametrize("query", ["payment", "insufficient balance", "rate", "the", "zebrafish"])
def test_a_word_search_counts_what_it_lists_however_it_is_narrowed(query):
    from django.db.models import Count

    results = ErrorEntry.objects.search(query)
    assert results.count() == len(list(results.all()))
    for narrowed in (
        results.filter(provider__slug="rukkyhub"),
        ErrorEntry.objects.filter(provider__slug="rukkyhub").search(query),
        results.exclude(kind="http_status"),
        results.none(),
    ):
        assert narrowed.count() == len(list(narrowed.all()))
    by_provider = results.values("provider").annotate(n=Count("id"))
    assert by_provider.count() == len({e.provider_id for e in results})
    assert results.distinct().count() == results.count()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_on_sqlite_a_word_search_of_all_entries_is_counted_from_the_fts5_table_alone(
    django_assert_num_queries,
):
    with django_assert_num_queries(1) as captured:
        count = ErrorEntry.objects.search("payment").count()
    assert count == len(list(ErrorEntry.objects.search("payment"))) > 0
    sql = captured.captured_queries[0]["sql"]
    assert "FROM catalogue_errorentry_fts WHERE" in sql and '"catalogue_errorentry"' not in sql
    # Narrowed, the entries' table is read again.
    with django_assert_num_queries(1) as captured:
        ErrorEntry.objects.search("payment").filter(provider__slug="123hub").count()
    assert '"catalogue_errorentry"' in captured.captured_queries[0]["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_on_postgresql_the_apps_queries_run_without_parallel_workers_and_cost_reads_as_cached():
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
    plan = ErrorEntry.objects.search("429").explain()
    assert "Gather" not in plan
