"""The paste page answers an oversized or bad paste with its message, end to end (CSRF enforced)."""

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_client():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/diagnose")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    client.token = token
    return client


def submit(client, body, **fields):
    return client.post("/diagnose", {"csrfmiddlewaretoken": client.token, "body": body, **fields})


def test_a_paste_over_the_limit_shows_the_message_with_a_413(browser_client):
    response = submit(browser_client, "x" * (settings.ERRORKB_MAX_PASTE_BYTES + 1))
    assert response.status_code == 413
    assert "larger than 1,000,000 bytes" in response.content.decode()


def test_a_form_body_over_the_upload_limit_shows_the_message_with_a_413(browser_client):
    response = submit(browser_client, "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    assert response.status_code == 413
    html = response.content.decode()
    assert "larger than 1,000,000 bytes" in html
    assert response["Content-Security-Policy"]


def test_a_paste_under_the_limit_fits_even_when_every_byte_is_percent_encoded(browser_client):
    response = submit(browser_client, "\x01" * (settings.ERRORKB_MAX_PASTE_BYTES - 10))
    assert response.status_code == 200


def test_an_unknown_provider_shows_a_message(browser_client):
    response = submit(browser_client, "6010", provider="stripe")
    assert response.status_code == 400
    assert "stripe" in response.content.decode()


def test_an_http_status_out_of_range_shows_a_message(browser_client):
    response = submit(browser_client, "6010", http_status="700")
    assert response.status_code == 400
    assert "between 100 and 599" in response.content.decode()


def test_invalid_utf8_in_a_form_is_not_a_500(browser_client):
    response = browser_client.post(
        "/diagnose",
        b"csrfmiddlewaretoken=" + browser_client.token.encode() + b"&body=%FF%FE%C3%28+6010",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 400)


def test_a_post_without_the_csrf_token_is_refused(browser_client):
    response = browser_client.post("/diagnose", {"body": "6010"})
    assert response.status_code == 403
