"""The hot endpoints answer from memory: no query once warm, and a catalogue change is seen."""

import json

import pytest

from errorkb.catalogue.models import CatalogueVersion, ErrorEntry

pytestmark = pytest.mark.django_db

HUB_BODY = json.dumps(
    {
        "success": False,
        "error": {"code": 6010, "message": "Payment does not exist", "details": None, "context": None},
        "request_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "processing_time": 5,
    }
)


@pytest.fixture(autouse=True)
def slow_refresh(settings):
    """No version check falls inside a test unless the test asks for one."""
    settings.ERRORKB_CATALOGUE_REFRESH_SECONDS = 3600


def diagnose(client):
    return client.post("/api/v1/diagnose", json.dumps({"body": HUB_BODY}), content_type="application/json")


def test_error_detail_makes_no_query_once_warm(client, django_assert_num_queries):
    first = client.get("/api/v1/errors/123hub/6010")
    with django_assert_num_queries(0):
        second = client.get("/api/v1/errors/123hub/6010")
    assert second.status_code == 200
    assert second.json() == first.json()


def test_a_missing_entry_is_remembered_too(client, django_assert_num_queries):
    client.get("/api/v1/errors/123hub/9999")
    with django_assert_num_queries(0):
        assert client.get("/api/v1/errors/123hub/9999").status_code == 404


def test_error_detail_urls_follow_the_callers_host(client):
    client.get("/api/v1/errors/rukkyhub/429")
    entry = client.get("/api/v1/errors/rukkyhub/429", HTTP_HOST="localhost").json()
    assert entry["url"] == "http://localhost/rukkyhub/429"
    assert entry["related"][0]["url"] == "http://localhost/rukkyhub/rate-limit-hit"


def test_diagnose_makes_no_query_once_warm(client, django_assert_num_queries):
    diagnose(client)
    with django_assert_num_queries(0):
        response = diagnose(client)
    assert response.json()["matches"][0]["code"] == "6010"


def test_a_batch_makes_no_query_once_warm(client, django_assert_num_queries):
    diagnose(client)
    payload = json.dumps([{"body": HUB_BODY}] * 5)
    with django_assert_num_queries(0):
        response = client.post("/api/v1/diagnose/batch", payload, content_type="application/json")
    assert [r["matches"][0]["code"] for r in response.json()] == ["6010"] * 5


def test_an_edit_in_this_process_is_served_at_once(client, django_capture_on_commit_callbacks):
    client.get("/api/v1/errors/123hub/6010")
    diagnose(client)
    with django_capture_on_commit_callbacks(execute=True):
        entry = ErrorEntry.objects.get(provider__slug="123hub", code="6010")
        entry.title = "Payment not found"
        entry.save()
    assert client.get("/api/v1/errors/123hub/6010").json()["title"] == "Payment not found"
    assert diagnose(client).json()["matches"][0]["title"] == "Payment not found"


def test_an_edit_in_another_process_is_served_after_the_version_check(client, settings):
    client.get("/api/v1/errors/123hub/6010")
    # Another worker's edit: the rows and the version move, this process is not told.
    ErrorEntry.objects.filter(provider__slug="123hub", code="6010").update(title="Payment not found")
    CatalogueVersion.bump()
    assert client.get("/api/v1/errors/123hub/6010").json()["title"] == "Payment does not exist"
    settings.ERRORKB_CATALOGUE_REFRESH_SECONDS = 0
    assert client.get("/api/v1/errors/123hub/6010").json()["title"] == "Payment not found"


def test_the_error_list_does_not_query_per_entry(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        body = client.get("/api/v1/errors").json()
    assert body["count"] == 47
