import pytest
from django.urls import reverse

from .conftest import assert_escaped

pytestmark = pytest.mark.django_db


def search(client, q):
    return client.get(reverse("web:search"), {"q": q})


def test_an_empty_query_shows_help(client):
    response = search(client, "   ")
    assert response.status_code == 200
    html = response.content.decode()
    assert "What you can search for" in html
    assert client.get("/search").status_code == 200


def test_an_exact_code_jumps_to_its_page(client):
    response = search(client, "6010")
    assert response.status_code == 302
    assert response["Location"] == "/123hub/6010"


def test_provider_and_code_jumps_to_its_page(client):
    assert search(client, "rukkyhub 429")["Location"] == "/rukkyhub/429"
    assert search(client, "123hub 3002")["Location"] == "/123hub/3002"
    assert search(client, "RukkyHub low-balance")["Location"] == "/rukkyhub/low-balance"


def test_a_provider_name_alone_opens_the_provider(client):
    assert search(client, "123hub")["Location"] == "/123hub"


def test_a_code_prefix_lists_the_codes(client):
    response = search(client, "60")
    assert response.status_code == 200
    codes = [hit["entry"]["code"] for hit in response.context["results"]]
    assert codes[:5] == ["6001", "6002", "6004", "6009", "6010"]
    assert "<code><mark>60</mark>10</code>" in response.content.decode()


def test_an_http_status_lists_every_entry_with_it(client):
    response = search(client, "429")
    assert response.status_code == 200
    codes = [(hit["entry"]["provider__slug"], hit["entry"]["code"]) for hit in response.context["results"]]
    assert ("rukkyhub", "429") in codes and ("rukkyhub", "rate-limit-hit") in codes


def test_a_message_fragment_finds_and_highlights(client):
    response = search(client, "insufficient")
    html = response.content.decode()
    codes = [hit["entry"]["code"] for hit in response.context["results"]]
    assert "6004" in codes and "low-balance" in codes
    assert "<mark>Insufficient</mark> funds" in html


def test_words_narrow_to_a_provider(client):
    response = search(client, "rukkyhub pin")
    providers = {hit["entry"]["provider__slug"] for hit in response.context["results"]}
    assert providers == {"rukkyhub"}
    assert "in RukkyHub" in response.content.decode()


def test_a_typo_falls_back_to_did_you_mean(client):
    response = search(client, "paymnet does not exsit")
    assert response.status_code == 200
    assert response.context["results"] == []
    html = response.content.decode()
    assert "Did you mean" in html
    assert 'href="/123hub/6010"' in html
    assert "%" in html


def test_nonsense_says_nothing_matched(client):
    response = search(client, "zzqqxxv")
    html = response.content.decode()
    assert "No entry contains" in html
    assert "paste the whole error" in html


def test_it_escapes_the_query(client):
    response = search(client, "<script>alert(1)</script>")
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_escapes_and_highlights_hostile_entries(client, hostile_entry):
    response = search(client, "hostile")
    html = response.content.decode()
    assert_escaped(html)
    assert "<mark>Hostile</mark> &lt;script&gt;" in html


def test_a_page_of_results_takes_one_query(client, django_assert_num_queries):
    search(client, "payment")  # the engine's catalogue, built once per process
    with django_assert_num_queries(1):
        response = search(client, "payment")
    assert len(response.context["results"]) > 5
    assert "not retryable" in response.content.decode()


def test_a_status_search_narrowed_to_a_provider_ranks_its_page_from_the_status_index(
    client, django_assert_num_queries
):
    search(client, "123hub 400")  # the engine's catalogue, built once per process
    with django_assert_num_queries(2) as captured:  # the page's ranked ids, then its rows
        response = search(client, "123hub 400")
    assert "UNION ALL" in captured.captured_queries[0]["sql"]
    hits = response.context["results"]
    assert len(hits) > 5 and {hit["entry"]["provider__slug"] for hit in hits} == {"123hub"}
    statuses = [hit["entry"]["http_status"] for hit in hits]
    assert statuses[0] == 400 and statuses == sorted(statuses, key=lambda status: status != 400)
