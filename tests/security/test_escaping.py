"""Markup in a curated entry or a paste stays text: in the API (JSON) and in the admin."""

import json

import pytest

from errorkb.catalogue.models import Category, ErrorEntry, Provider

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(1)">'
JS_URL = "javascript:alert(1)"


@pytest.fixture
def hostile_entry():
    provider = Provider.objects.get(slug="123hub")
    provider.name = f"123hub {SCRIPT}"
    provider.summary = f"Payments {IMG}"
    provider.save()
    return ErrorEntry.objects.create(
        provider=provider,
        category=Category.objects.get(provider=provider, slug="limits"),
        code="5555",
        kind=ErrorEntry.Kind.CODE,
        title=f"Hostile {SCRIPT}",
        message=f"Hostile message {IMG}",
        description=f"See {JS_URL}",
        remedy=[f"Step {SCRIPT}"],
        notes=[f"Link {JS_URL}"],
    )


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("root", "r@example.com", "pw-for-tests-only")
    )
    return client


def test_the_api_answers_markup_as_json_strings(client, hostile_entry):
    response = client.get("/api/v1/errors/123hub/5555")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    data = response.json()
    assert data["title"] == f"Hostile {SCRIPT}"
    assert data["message"] == f"Hostile message {IMG}"


def test_the_api_list_and_search_answer_markup_as_json(client, hostile_entry):
    for path in [
        "/api/v1/errors?provider=123hub",
        "/api/v1/errors?search=Hostile",
        "/api/v1/providers/123hub",
    ]:
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        json.loads(response.content)


def test_a_paste_with_markup_is_answered_as_json(client):
    paste = f'{{"error": "{SCRIPT}", "errors": {{"x": ["{IMG}"]}}}} {JS_URL}'
    response = client.post("/api/v1/diagnose", json.dumps({"body": paste}), content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_error_about_markup_is_answered_as_problem_json(client):
    response = client.post(
        "/api/v1/diagnose", json.dumps({"body": "x", "provider": SCRIPT}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_the_admin_changelist_shows_markup_as_text(admin_client, hostile_entry):
    html = admin_client.get("/admin/catalogue/errorentry/?q=Hostile").content.decode()
    assert "Hostile &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in html
    assert IMG not in html


def test_the_admin_change_form_shows_markup_as_text(admin_client, hostile_entry):
    html = admin_client.get(f"/admin/catalogue/errorentry/{hostile_entry.pk}/change/").content.decode()
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'href="{JS_URL}' not in html


def test_the_admin_provider_list_and_filters_escape_names(admin_client, hostile_entry):
    for path in ["/admin/catalogue/provider/", "/admin/catalogue/errorentry/", "/admin/catalogue/category/"]:
        html = admin_client.get(path).content.decode()
        assert SCRIPT not in html, path
        assert "123hub &lt;script&gt;" in html, path


def test_the_admin_search_box_escapes_the_query(admin_client):
    html = admin_client.get("/admin/catalogue/errorentry/", {"q": f'"><svg onload=alert(1)>{SCRIPT}'}).content
    assert b"<svg onload" not in html and SCRIPT.encode() not in html
