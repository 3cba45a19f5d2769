"""The admin needs a login; the API is read-only to anonymous callers except diagnose."""

import json

import pytest

pytestmark = pytest.mark.django_db

READ_ONLY = ["/api/v1/providers", "/api/v1/providers/123hub", "/api/v1/errors", "/api/v1/errors/123hub/6010"]


@pytest.mark.parametrize("path", ["/admin/", "/admin/catalogue/errorentry/", "/admin/authtoken/tokenproxy/"])
def test_the_admin_requires_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_staff_user_without_permissions_cannot_edit_entries(client, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="pw-for-tests-only", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/catalogue/errorentry/").status_code == 403


@pytest.mark.parametrize("path", READ_ONLY)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_catalogue_api_is_read_only(client, path, method):
    response = getattr(client, method)(path, json.dumps({"title": "x"}), content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("path", READ_ONLY)
def test_the_catalogue_api_is_read_only_even_with_a_token(client, path, django_user_model):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=django_user_model.objects.create_user("ci"))
    response = client.delete(path, HTTP_AUTHORIZATION=f"Bearer {token.key}")
    assert response.status_code == 405


def test_diagnose_is_open_to_anonymous_callers_without_csrf(django_db_blocker):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/diagnose", '{"body": "6010"}', content_type="application/json")
    assert response.status_code == 200


def test_a_wrong_token_is_a_401_not_the_anonymous_rate(client):
    response = client.post(
        "/api/v1/diagnose",
        '{"body": "6010"}',
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer nope",
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_session_login_gives_no_api_write_access(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "r@example.com", "pw-for-tests-only")
    client.force_login(admin)
    assert client.delete("/api/v1/errors/123hub/6010").status_code == 405
