import pytest

pytestmark = pytest.mark.django_db


def codes(response):
    return [(r["provider"], r["code"]) for r in response.json()["results"]]


def test_it_paginates_every_entry(client):
    body = client.get("/api/v1/errors").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 47
    assert len(body["results"]) == 47
    assert body["next"] is None


def test_it_filters_by_provider(client):
    body = client.get("/api/v1/errors?provider=123hub").json()
    assert body["count"] == 23


def test_it_filters_by_category(client):
    response = client.get("/api/v1/errors?provider=123hub&category=external-provider")
    assert codes(response) == [("123hub", "7001"), ("123hub", "7002")]


def test_it_filters_by_http_status(client):
    assert codes(client.get("/api/v1/errors?http_status=404")) == [("123hub", "1002")]


def test_it_filters_retryable_entries(client):
    found = codes(client.get("/api/v1/errors?retryable=true"))
    assert ("123hub", "7002") in found and ("rukkyhub", "rate-limit-hit") in found
    assert ("123hub", "6010") not in found
    assert ("123hub", "6010") in codes(client.get("/api/v1/errors?retryable=false&provider=123hub"))


def test_it_filters_by_kind(client):
    assert client.get("/api/v1/errors?kind=http_status").json()["count"] == 6


def test_q_finds_a_code(client):
    assert codes(client.get("/api/v1/errors?q=6010"))[0] == ("123hub", "6010")


def test_q_finds_a_message_fragment(client):
    found = codes(client.get("/api/v1/errors?q=insufficient"))
    assert set(found) == {("123hub", "6004"), ("rukkyhub", "low-balance"), ("rukkyhub", "400")}


def test_q_finds_an_http_status(client):
    found = codes(client.get("/api/v1/errors?q=429"))
    assert found[0] == ("rukkyhub", "429")
    assert ("rukkyhub", "rate-limit-hit") in found


def test_it_rejects_an_unknown_kind_with_a_clear_error(client):
    response = client.get("/api/v1/errors?kind=nonsense")
    assert response.status_code == 400
    assert "kind" in response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"provider": "123hub"},
        {"q": "429"},
        {"q": "60"},
        {"q": "payment"},
        {"q": "insufficient", "provider": "rukkyhub"},
        {"q": "rate limit"},
        {"http_status": "429"},
        {"q": "zebrafish"},
    ],
)
def test_a_page_is_the_serializers_entries_in_the_lists_order(client, params, monkeypatch):
    """The list reads a page's rows as values (entry_pages); it must show what the
    serializer shows of each entry, in the same order, with the same count, page after page."""
    from django.test import RequestFactory
    from rest_framework.pagination import PageNumberPagination

    from errorkb.api.filters import ErrorEntryFilter
    from errorkb.api.serializers import ErrorEntrySerializer
    from errorkb.catalogue.models import ErrorEntry

    request = RequestFactory().get("/api/v1/errors", params, HTTP_HOST="testserver")
    serializer = ErrorEntrySerializer(context={"request": request})
    entries = ErrorEntryFilter(params, queryset=ErrorEntry.objects.for_api()).qs
    expected = [serializer.to_representation(entry) for entry in entries]

    monkeypatch.setattr(PageNumberPagination, "page_size", 3)  # several pages of the small catalogue
    shown, page = [], 1
    while True:
        body = client.get("/api/v1/errors", {**params, "page": page}).json()
        assert body["count"] == len(expected)
        shown += body["results"]
        if body["next"] is None:
            break
        page += 1
    assert shown == expected


def test_a_page_of_results_reads_ids_rows_and_related_entries_in_a_few_statements(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):  # two counts (a bare status), ids, rows, related entries
        body = client.get("/api/v1/errors?q=429").json()
    assert body["results"] and any(
        entry["related"] for entry in client.get("/api/v1/errors").json()["results"]
    )
    # The page counted above carries each entry's related entries, as its own page shows them.
    for entry in body["results"]:
        detail = client.get(f"/api/v1/errors/{entry['provider']}/{entry['code']}").json()
        assert entry["related"] == detail["related"]


@pytest.mark.parametrize("q", ["payment", "4", ""])
def test_pages_past_the_end_or_not_numbers_are_not_found_and_last_is_the_last(client, q, monkeypatch):
    from rest_framework.pagination import PageNumberPagination

    monkeypatch.setattr(PageNumberPagination, "page_size", 3)
    first = client.get("/api/v1/errors", {"q": q}).json()
    pages = -(-first["count"] // 3)
    assert pages > 1
    last = client.get("/api/v1/errors", {"q": q, "page": pages}).json()
    assert client.get("/api/v1/errors", {"q": q, "page": "last"}).json() == last
    assert last["count"] == first["count"] and last["next"] is None
    assert 0 < len(last["results"]) <= 3
    # Past what a database takes as an OFFSET too: still Django's 404, not a database error.
    for page in (pages + 1, 999, 0, -1, "abc", "1.5", 99999999999999999999, 2**63 // 3 + 2):
        response = client.get("/api/v1/errors", {"q": q, "page": page})
        assert response.status_code == 404, page
        assert response.json()["detail"] == "Invalid page."


def test_a_page_shorter_than_a_page_is_the_last_and_tells_the_count(client, django_assert_max_num_queries):
    for params in ({"q": "payment"}, {"q": "4"}, {"q": "zebrafish"}, {"provider": "123hub"}):
        with django_assert_max_num_queries(4) as captured:
            body = client.get("/api/v1/errors", params).json()
        counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
        assert not [sql for sql in counts if "OVER ()" not in sql], params
        assert body["count"] == len(body["results"]) < 50


@pytest.mark.parametrize("q, sqlite_counts", [("payment", 1), ("4", 2)])
def test_a_full_page_of_a_search_tells_its_count_with_it(
    client, q, sqlite_counts, monkeypatch, django_assert_max_num_queries
):
    """On PostgreSQL the page's ranked ids carry the total (COUNT(*) OVER ()); a separate
    count visited every match again. SQLite counts from its indexes, as before: the FTS5
    table for words, the status index and the FTS5 table for a bare status."""
    from django.db import connection
    from rest_framework.pagination import PageNumberPagination

    from errorkb.catalogue.models import ErrorEntry

    monkeypatch.setattr(PageNumberPagination, "page_size", 3)
    with django_assert_max_num_queries(5) as captured:
        body = client.get("/api/v1/errors", {"q": q}).json()
    counts = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"]]
    if connection.vendor == "postgresql":
        assert len(counts) == 1 and "OVER ()" in counts[0]
    else:
        assert len(counts) == sqlite_counts and not any("OVER" in sql for sql in counts)
    assert len(body["results"]) == 3
    assert body["count"] == len(list(ErrorEntry.objects.search(q))) > 3


@pytest.mark.parametrize("http_status", ["99999", "-1"])
def test_a_status_search_filtered_by_a_status_no_entry_can_have_is_empty(client, http_status):
    body = client.get("/api/v1/errors", {"q": "429", "http_status": http_status}).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
