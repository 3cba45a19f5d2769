import pytest

pytestmark = pytest.mark.django_db

CONTRACT = {
    "provider", "code", "kind", "title", "message", "http_status", "category", "description", "causes",
    "remedy", "retryable", "retry", "example", "source", "notes", "url",
}


def test_it_shows_a_123hub_code_with_the_whole_contract(client):
    response = client.get("/api/v1/errors/123hub/6010")
    assert response.status_code == 200
    entry = response.json()
    assert CONTRACT <= set(entry)
    assert (entry["provider"], entry["code"], entry["kind"]) == ("123hub", "6010", "code")
    assert entry["message"] == "Payment does not exist"
    assert entry["http_status"] == 400
    assert entry["category"] == {
        "slug": "payment", "name": "Payment errors", "range": "6xxx", "range_start": 6000, "range_end": 6999,
    }
    assert entry["retryable"] is False
    assert entry["url"] == "http://testserver/123hub/6010"
    assert "Payment does not exist" in entry["example"]
    assert entry["source"]["document"].startswith("123hub")


def test_it_shows_the_retry_policy(client):
    entry = client.get("/api/v1/errors/123hub/7002").json()
    assert entry["retryable"] is True
    assert entry["retry"]["strategy"] == "exponential_backoff"


def test_it_shows_a_rukkyhub_message_with_an_inferred_status(client):
    entry = client.get("/api/v1/errors/rukkyhub/wrong-pin").json()
    assert (entry["message"], entry["title"]) == ("Incorrect PIN", "Wrong PIN")
    assert (entry["http_status"], entry["http_status_basis"]) == (403, "inferred")
    assert entry["notes"]


def test_it_lists_related_entries_with_links(client):
    entry = client.get("/api/v1/errors/rukkyhub/429").json()
    assert entry["related"] == [
        {"provider": "rukkyhub", "code": "rate-limit-hit", "title": "Rate limit hit",
         "url": "http://testserver/rukkyhub/rate-limit-hit"}
    ]


def test_it_answers_an_unknown_code_with_a_clear_json_404(client):
    response = client.get("/api/v1/errors/123hub/9999")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "No 123hub error with code '9999'."


def test_it_answers_an_unknown_provider_with_a_404(client):
    assert client.get("/api/v1/errors/stripe/6010").status_code == 404


def test_a_method_it_does_not_take_is_a_405_naming_the_ones_it_does(client):
    response = client.post("/api/v1/errors/123hub/6010", {}, content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/diagnose")["Allow"] == "POST, OPTIONS"
    assert client.options("/api/v1/errors/123hub/6010")["Allow"] == "GET, HEAD, OPTIONS"
