import pytest

pytestmark = pytest.mark.django_db


def test_it_lists_both_providers_with_their_categories(client):
    response = client.get("/api/v1/providers")
    assert response.status_code == 200
    providers = {p["slug"]: p for p in response.json()}
    assert set(providers) == {"rukkyhub", "123hub"}
    hub = providers["123hub"]
    assert hub["entry_count"] == 23
    assert [c["range"] for c in hub["categories"]] == [f"{n}xxx" for n in range(1, 10)]
    assert providers["rukkyhub"]["entry_count"] == 24


def test_it_shows_one_provider(client):
    response = client.get("/api/v1/providers/123hub")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "123hub"
    limits = next(c for c in body["categories"] if c["slug"] == "limits")
    assert (limits["name"], limits["range_start"], limits["range_end"]) == ("Limit errors", 5000, 5999)
    assert body["url"].endswith("/123hub")


def test_it_answers_an_unknown_provider_with_a_json_404(client):
    response = client.get("/api/v1/providers/stripe")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_it_does_not_redirect_a_trailing_slash_free_url(client):
    assert client.get("/api/v1/providers").status_code == 200
    assert client.get("/api/v1/providers/").status_code == 404


def test_it_is_read_only(client):
    assert client.post("/api/v1/providers", {}, content_type="application/json").status_code == 405
    assert client.delete("/api/v1/providers/123hub").status_code == 405
