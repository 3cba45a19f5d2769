"""The 503 answers, in process: a page, the API, and a worker that never held a catalogue."""

import json

import pytest
from django.db import OperationalError

from errorkb.catalogue.snapshot import snapshot_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def database_away(monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", locked)
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.executemany", locked)


def diagnose(client):
    return client.post("/api/v1/diagnose", json.dumps({"body": "6010"}), content_type="application/json")


def test_a_warm_worker_diagnoses_while_the_database_is_away(client, monkeypatch, settings):
    settings.ERRORKB_CATALOGUE_REFRESH_SECONDS = 0  # every request checks the (failing) database
    assert diagnose(client).status_code == 200  # the catalogue is now in memory

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", locked)
    response = diagnose(client)
    assert response.status_code == 200
    assert response.json()["matches"][0]["code"] == "6010"


def test_a_cold_worker_answers_a_503_problem_not_a_500(client, database_away):
    snapshot_cache.invalidate()
    response = diagnose(client)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert "unavailable" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/", "/123hub", "/123hub/6010", "/search?q=balance", "/diagnose"])
def test_a_page_answers_the_503_page(client, database_away, path):
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"unavailable" in response.content.lower()
    assert response["Content-Security-Policy"] and response["X-Request-ID"]


def test_the_api_answers_a_503_problem(client, database_away):
    response = client.get("/api/v1/errors?search=balance")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"


def test_the_admin_login_page_answers_503_not_500(client, database_away, django_user_model):
    response = client.post("/admin/login/", {"username": "a", "password": "b"})
    assert response.status_code == 503
