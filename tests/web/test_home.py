import pytest
from django.urls import reverse

from .conftest import assert_escaped

pytestmark = pytest.mark.django_db


def test_it_works(client):
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Find any RukkyHub or 123hub error" in html
    assert 'name="q"' in html and "autofocus" in html


def test_it_has_one_search_box(client):
    html = client.get("/").content.decode()
    assert html.count('role="search"') == 1


def test_it_shows_both_providers_with_counts(client):
    response = client.get("/")
    providers = {p.slug: p for p in response.context["providers"]}
    assert providers["123hub"].entry_count == 23
    assert providers["rukkyhub"].entry_count == 24
    html = response.content.decode()
    assert 'href="/123hub"' in html and 'href="/rukkyhub"' in html
    assert "23</strong> documented errors" in html


def test_it_lists_categories_with_ranges_and_empty_ones(client):
    html = client.get("/").content.decode()
    assert "Payment errors" in html and "6xxx" in html
    assert "Limit errors" in html and "none documented" in html
    assert "Common error messages" in html


def test_it_has_the_paste_box(client):
    html = client.get("/").content.decode()
    assert 'action="/diagnose#diagnosis" method="post" enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert '<option value="rukkyhub">RukkyHub</option>' in html


def test_it_links_api_docs_schema_and_admin(client):
    html = client.get("/").content.decode()
    for href in ('href="/api/docs"', 'href="/api/v1/schema"', 'href="/admin/"'):
        assert href in html


def test_it_has_landmarks_and_a_skip_link(client):
    html = client.get("/").content.decode()
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'href="#main"' in html


def test_it_loads_its_assets_from_static_files(client):
    html = client.get("/").content.decode()
    assert 'href="/static/css/errorkb.css"' in html
    assert 'src="/static/js/errorkb.js"' in html
    assert "<style" not in html and "style=" not in html


def test_it_escapes_catalogue_text(client, hostile_entry):
    assert_escaped(client.get("/").content.decode())


def test_it_sends_the_content_security_policy(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
