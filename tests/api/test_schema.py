import pytest

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_documents_every_endpoint(client):
    response = client.get("/api/v1/schema?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/providers", "/api/v1/providers/{slug}", "/api/v1/errors",
        "/api/v1/errors/{provider}/{code}", "/api/v1/diagnose", "/api/v1/diagnose/batch",
    } <= set(schema["paths"])


def test_the_diagnose_endpoint_has_examples(client):
    schema = client.get("/api/v1/schema?format=json").json()
    body = schema["paths"]["/api/v1/diagnose"]["post"]["requestBody"]["content"]["application/json"]
    assert "examples" in body


def test_the_docs_page_loads_its_assets_from_this_server(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
