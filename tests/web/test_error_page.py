from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from .conftest import JS_URL, assert_escaped

pytestmark = pytest.mark.django_db


def test_it_works(client):
    response = client.get(reverse("web:error", args=["123hub", "6010"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Payment does not exist" in html
    assert "<code>6010</code>" in html


def test_it_shows_the_facts(client):
    html = client.get("/123hub/1002").content.decode()
    assert '<span class="status">404</span>' in html and "badge--documented" in html
    assert "System errors" in html and "1xxx" in html
    assert "Retry only after fixing the cause" in html
    assert "payment.in" in html  # description


def test_it_marks_an_inferred_status_as_inferred(client):
    html = client.get("/rukkyhub/low-balance").content.decode()
    assert '<span class="status">400</span>' in html
    assert "badge--inferred" in html
    assert "badge--documented" not in html


def test_it_says_when_no_status_is_documented(client):
    html = client.get("/rukkyhub/daily-kyc-limit").content.decode()
    assert "Not documented" in html


def test_it_shows_other_names_of_the_category(client):
    html = client.get("/123hub/8801").content.decode()
    assert "Parsing errors" in html and "Also called Status Errors" in html


def test_it_shows_remedy_as_ordered_steps(client):
    html = client.get("/123hub/1000").content.decode()
    steps = html[html.index('<ol class="steps">') :]
    assert steps.index("exponential backoff") < steps.index("contact 123hub support")
    assert "Best practices: implement exponential backoff" in html


def test_it_shows_the_example_with_a_copy_button(client):
    html = client.get("/123hub/6010").content.decode()
    assert '<code id="example-body">' in html
    assert 'data-copy="example-body"' in html


def test_it_shows_caveats_related_entries_and_source(client):
    html = client.get("/123hub/1007").content.decode()
    assert "Caveats" in html and "not the usual 405" in html
    assert 'href="/123hub/1001"' in html and 'href="/123hub/1006"' in html
    assert "shared/seeds/123hub-error-codes.txt" in html
    assert "1007 — HTTP Method Not Allowed" in html


def test_it_links_to_a_prefilled_paste_page(client):
    response = client.get("/123hub/6010")
    link = urlparse(response.context["diagnose_link"])
    assert link.path == "/diagnose"
    params = parse_qs(link.query)
    assert params["provider"] == ["123hub"]
    assert '"code": 6010' in params["body"][0]
    assert "Diagnose a body like this" in response.content.decode()


def test_it_answers_404_for_an_unknown_code(client):
    response = client.get("/123hub/4040")
    assert response.status_code == 404


def test_it_escapes_catalogue_text(client, hostile_entry):
    response = client.get("/123hub/5555")
    html = response.content.decode()
    assert_escaped(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert JS_URL in html  # shown as text only
    assert "badge--inferred" in html
